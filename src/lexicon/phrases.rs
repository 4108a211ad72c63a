//! Phrase matching over word codes.
//!
//! Every word that appears in some phrase gets a code, and each token
//! carries the code of its form (0 for a word in no phrase), found by the
//! same cached look-up that gives its valence. A turn's phrases are then one
//! leftmost-longest Aho-Corasick scan over a few bytes per token, instead of
//! over the text: no phrase text is built, and the automaton's states are
//! word sequences, not letter sequences.
//!
//! A code is [`PhraseMatcher::width`] bytes: a first byte in `0x80..=0xFE`,
//! then base-128 digits below `0x80`. A pattern therefore starts only where
//! a token starts (no first byte occurs elsewhere), and a token in no phrase
//! (`0xFF`) starts nothing.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use super::Phrase;
use crate::error::{Error, Result};

/// The code of a word that is in no phrase.
pub const NO_CODE: u32 = 0;

/// How a word starts phrases, by code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// It starts none.
    No,
    /// It starts phrases of two words or more: the next word must be one
    /// of their second words.
    WithNext,
    /// It is a whole phrase on its own (phrases are multi-word, so there
    /// are none; this keeps the filter exact if there were).
    Alone,
}

/// Codes of the phrase words, and the automaton over coded phrases.
#[derive(Clone, Debug)]
pub struct PhraseMatcher {
    codes: FxHashMap<Box<str>, u32>,
    /// First words of the phrases, by code.
    starts: Vec<Start>,
    /// The first two words' codes of every phrase (`first << 32 | second`):
    /// a phrase can only start where two tokens spell one of these.
    openings: FxHashSet<u64>,
    width: usize,
    automaton: AhoCorasick,
}

/// One phrase found in a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The index of its first token.
    pub first: usize,
    /// The phrase (an index into the lexicon's phrases).
    pub phrase: usize,
}

impl PhraseMatcher {
    /// Codes the words of `phrases` (lowercase words joined by single
    /// spaces) and builds the automaton; `None` without phrases.
    pub fn build(phrases: &[Phrase]) -> Result<Option<PhraseMatcher>> {
        if phrases.is_empty() {
            return Ok(None);
        }
        let mut codes: FxHashMap<Box<str>, u32> = FxHashMap::default();
        for p in phrases {
            for w in p.text.split(' ') {
                let next = codes.len() as u32 + 1;
                codes.entry(w.into()).or_insert(next);
            }
        }
        let mut starts = vec![Start::No; codes.len() + 1];
        let mut openings = FxHashSet::default();
        for p in phrases {
            let mut words = p.text.split(' ').map(|w| codes[w]);
            if let Some(first) = words.next() {
                let start = &mut starts[first as usize];
                match words.next() {
                    Some(second) => {
                        openings.insert(u64::from(first) << 32 | u64::from(second));
                        if *start == Start::No {
                            *start = Start::WithNext;
                        }
                    }
                    None => *start = Start::Alone,
                }
            }
        }
        // 127 first bytes, then 128 per further byte.
        let mut width = 2;
        while (codes.len() as u64) >= 127 * 128u64.pow(width as u32 - 1) {
            width += 1;
        }
        let code = |w: &str| codes.get(w).copied().unwrap_or(NO_CODE);
        let patterns: Vec<Vec<u8>> = phrases
            .iter()
            .map(|p| {
                let mut bytes = Vec::with_capacity(p.words * width);
                for w in p.text.split(' ') {
                    encode(code(w), width, &mut bytes);
                }
                bytes
            })
            .collect();
        // A contiguous NFA: with thousands of patterns a DFA table outgrows
        // the CPU caches. No prefilter: most first bytes start a pattern.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .prefilter(false)
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .map_err(|e| {
                Error::config(format!("cannot build the phrase automaton: {e}"))
            })?;
        Ok(Some(PhraseMatcher { codes, starts, openings, width, automaton }))
    }

    /// The code of a token's form, [`NO_CODE`] when no phrase has it.
    pub fn code(&self, form: &str) -> u32 {
        self.codes.get(form).copied().unwrap_or(NO_CODE)
    }

    /// True when the word with `code` starts some phrase.
    #[inline]
    pub fn starts_phrase(&self, code: u32) -> bool {
        self.starts[code as usize] != Start::No
    }

    /// True when a phrase may start at a token with code `first` followed
    /// by one with code `second` ([`NO_CODE`] at the end of a turn).
    #[inline]
    pub fn opens_phrase(&self, first: u32, second: u32) -> bool {
        match self.starts[first as usize] {
            Start::No => false,
            Start::WithNext => {
                self.openings.contains(&(u64::from(first) << 32 | u64::from(second)))
            }
            Start::Alone => true,
        }
    }

    /// Appends `code`'s bytes to a turn's coded text.
    #[inline]
    pub fn push(&self, code: u32, out: &mut Vec<u8>) {
        encode(code, self.width, out);
    }

    /// The leftmost-longest phrases of a turn coded by [`PhraseMatcher::push`],
    /// left to right, not overlapping.
    pub fn find_iter<'a>(
        &'a self,
        coded: &'a [u8],
    ) -> impl Iterator<Item = PhraseMatch> + 'a {
        self.automaton.find_iter(coded).map(|m| PhraseMatch {
            first: m.start() / self.width,
            phrase: m.pattern().as_usize(),
        })
    }
}

/// `code` as `width` bytes (see the module doc).
#[inline]
fn encode(code: u32, width: usize, out: &mut Vec<u8>) {
    if width == 2 {
        // Nearly every lexicon: 16,256 phrase words at most.
        let bytes = match code.checked_sub(1) {
            None => [0xFF, 0],
            Some(c) => [0x80 | (c >> 7) as u8, (c & 0x7F) as u8],
        };
        out.extend_from_slice(&bytes);
        return;
    }
    if code == NO_CODE {
        out.push(0xFF);
        out.extend(std::iter::repeat(0).take(width - 1));
        return;
    }
    let code = code - 1;
    let mut rest = 128u32.pow(width as u32 - 1);
    out.push(0x80 | (code / rest) as u8);
    while rest > 1 {
        rest /= 128;
        out.push((code / rest % 128) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Cues;

    fn phrase(text: &str) -> Phrase {
        Phrase {
            text: text.into(),
            words: text.split(' ').count(),
            valence: Some(1.0),
            emotions: Cues::default(),
            negated: false,
            unresolved: false,
        }
    }

    fn find(m: &PhraseMatcher, words: &[&str]) -> Vec<(usize, usize)> {
        let mut coded = Vec::new();
        for w in words {
            m.push(m.code(w), &mut coded);
        }
        m.find_iter(&coded).map(|f| (f.first, f.phrase)).collect()
    }

    #[test]
    fn finds_leftmost_longest_whole_words() {
        let phrases = [
            phrase("not working"),
            phrase("still not working"),
            phrase("thank you"),
            phrase("you so"),
        ];
        let m = PhraseMatcher::build(&phrases).unwrap().unwrap();
        assert_eq!(find(&m, &["it", "is", "still", "not", "working"]), [(2, 1)]);
        assert_eq!(find(&m, &["not", "working", "thank", "you", "so"]), [(0, 0), (2, 2)]);
        assert_eq!(find(&m, &["not", "", "working"]), []);
        assert_eq!(find(&m, &["working", "not"]), []);
        assert!(m.starts_phrase(m.code("still")) && !m.starts_phrase(m.code("working")));
        assert!(!m.starts_phrase(NO_CODE));
        assert!(m.opens_phrase(m.code("still"), m.code("not")));
        assert!(!m.opens_phrase(m.code("still"), m.code("working")));
        assert!(!m.opens_phrase(m.code("not"), NO_CODE));
    }

    #[test]
    fn wide_codes_stay_aligned() {
        // More words than two-byte codes hold: three-byte codes.
        let mut phrases: Vec<Phrase> =
            (0..17_000).map(|i| phrase(&format!("w{i} x{i}"))).collect();
        phrases.push(phrase("w5 w6"));
        let m = PhraseMatcher::build(&phrases).unwrap().unwrap();
        assert_eq!(m.width, 3);
        assert_eq!(
            find(&m, &["a", "w16999", "x16999", "w5", "w6"]),
            [(1, 16_999), (3, 17_000)]
        );
        // A pattern's bytes across two tokens' codes never match.
        for i in (0..17_000).step_by(997) {
            let (w, x) = (format!("w{i}"), format!("x{i}"));
            assert_eq!(find(&m, &["z", &w, &x]), [(1, i)]);
        }
    }
}
