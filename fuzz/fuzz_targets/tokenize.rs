//! Arbitrary text through the tokenizer, with the English and French
//! (elisions) lexicons' emoji and elision tables: no panic, and every
//! token's form is its lowercase form without surrounding punctuation.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use peakend::Lexicon;
use peakend::internals::{tokenize, Tokens};

fn lexicons() -> &'static [Lexicon; 2] {
    static L: OnceLock<[Lexicon; 2]> = OnceLock::new();
    L.get_or_init(|| [Lexicon::load("en", None).unwrap(), Lexicon::load("fr", None).unwrap()])
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut tokens = Tokens::default();
    for lex in lexicons() {
        tokenize(&text, lex, &mut tokens);
        for i in 0..tokens.len() {
            let _ = (tokens.label(i), tokens.is_upper(i));
            // The form is the lowercase form without its surrounding
            // punctuation.
            assert_eq!(tokens.form(i), peakend::internals::trim_punct(tokens.lower(i)));
        }
    }
});
