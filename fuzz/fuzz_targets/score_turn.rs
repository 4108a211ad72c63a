//! Arbitrary text scored in every supported language, with and without
//! phrases: no panic, figures in range.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use peakend::Lexicon;
use peakend::{score_turn, ScoreOptions, Scratch};

fn lexicons() -> &'static Vec<Lexicon> {
    static L: OnceLock<Vec<Lexicon>> = OnceLock::new();
    L.get_or_init(|| peakend::lang::LANGUAGES.iter().map(|l| Lexicon::load(l.code, None).unwrap()).collect())
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(text);
    let lex = &lexicons()[usize::from(pick) % lexicons().len()];
    let mut scratch = Scratch::default();
    for phrases in [false, true] {
        let s = score_turn(lex, ScoreOptions { phrases }, &text, &mut scratch);
        assert!((-1.0..=1.0).contains(&s.valence), "valence {}", s.valence);
        let sum = s.positive + s.negative + s.neutral;
        assert!((sum - 1.0).abs() < 1e-9, "proportions sum to {sum}");
    }
});
