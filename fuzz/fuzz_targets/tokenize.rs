//! Arbitrary text through the tokenizer, with the English and French
//! (elisions) lexicons' emoji and elision tables: no panic, and every
//! token's forms are readable.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use peakend::lexicon::Lexicon;
use peakend::text::{tokenize, Tokens};

fn lexicons() -> &'static [Lexicon; 2] {
    static L: OnceLock<[Lexicon; 2]> = OnceLock::new();
    L.get_or_init(|| [Lexicon::load("en", None).unwrap(), Lexicon::load("fr", None).unwrap()])
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut tokens = Tokens::default();
    for lex in lexicons() {
        for phrases in [false, true] {
            tokenize(&text, lex.emoji(), lex.elisions(), phrases, &mut tokens);
            for i in 0..tokens.len() {
                let _ = (tokens.lower(i), tokens.label(i), tokens.is_upper(i));
            }
            if phrases {
                // Each token's padded form lies inside the phrase text,
                // starting with the space the automaton is anchored on.
                let p = tokens.phrase_text();
                for i in 0..tokens.len() {
                    let at = tokens.phrase_offset(i);
                    assert!(at < p.len() && p.as_bytes()[at] == b' ');
                }
            }
        }
    }
});
