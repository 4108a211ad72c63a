//! Phrase matching over word codes.
//!
//! Every word that appears in some phrase gets a code, and each token
//! carries the code of its form (0 for a word in no phrase), found by the
//! same cached look-up that gives its valence. A turn's phrases are then one
//! leftmost-longest Aho-Corasick scan over a few bytes per token, instead of
//! over the text: no phrase text is built, and the automaton's states are
//! word sequences, not letter sequences.
//!
//! The matcher holds several [`Set`]s of phrases (the lexicon's phrases and
//! the effort/resolution cues of `summary::cues`) over one code space, so a
//! token is coded once, by that cached look-up, for all of them; each set
//! keeps its own automaton, since a match of one set must not hide an
//! overlapping match of another.
//!
//! A code is [`PhraseMatcher::width`] bytes: a first byte in `0x80..=0xFE`,
//! then base-128 digits below `0x80`. A pattern therefore starts only where
//! a token starts (no first byte occurs elsewhere), and a token in no phrase
//! (`0xFF`) starts nothing.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};

/// The code of a word that is in no phrase.
pub const NO_CODE: u32 = 0;

/// A set of phrases of a [`PhraseMatcher`], matched on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Set {
    /// The lexicon's phrases (valence and emotion).
    Phrases = 0,
    /// The effort and resolution cues (`summary::cues`).
    Cues = 1,
}

/// How a word starts phrases of one set, by code.
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

/// One set's automaton and the filters that skip turns it cannot match.
#[derive(Clone, Debug)]
struct Patterns {
    /// First words of the phrases, by code.
    starts: Vec<Start>,
    /// The first two words' codes of every phrase (`first << 32 | second`):
    /// a phrase can only start where two tokens spell one of these.
    openings: FxHashSet<u64>,
    /// The codes of the set's words.
    member: Vec<bool>,
    /// `None` without phrases.
    automaton: Option<AhoCorasick>,
}

/// Codes of the phrase words, and one automaton per [`Set`] over coded
/// phrases.
#[derive(Clone, Debug)]
pub struct PhraseMatcher {
    codes: FxHashMap<Box<str>, u32>,
    width: usize,
    sets: [Patterns; 2],
}

/// One phrase found in a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The index of its first token.
    pub first: usize,
    /// The phrase (an index into its set's phrases).
    pub phrase: usize,
}

impl PhraseMatcher {
    /// Codes the words of the phrases of both sets (lowercase words joined
    /// by single spaces; `sets[0]` is [`Set::Phrases`], `sets[1]`
    /// [`Set::Cues`]) and builds their automata; `None` without phrases.
    pub fn build(sets: [&[&str]; 2]) -> Result<Option<PhraseMatcher>> {
        if sets.iter().all(|s| s.is_empty()) {
            return Ok(None);
        }
        let mut codes: FxHashMap<Box<str>, u32> = FxHashMap::default();
        for w in sets.iter().flat_map(|s| s.iter()).flat_map(|p| p.split(' ')) {
            let next = codes.len() as u32 + 1;
            codes.entry(w.into()).or_insert(next);
        }
        // 127 first bytes, then 128 per further byte.
        let mut width = 2;
        while (codes.len() as u64) >= 127 * 128u64.pow(width as u32 - 1) {
            width += 1;
        }
        let sets = [
            Patterns::build(sets[0], &codes, width)?,
            Patterns::build(sets[1], &codes, width)?,
        ];
        Ok(Some(PhraseMatcher { codes, width, sets }))
    }

    /// The code of a token's form, [`NO_CODE`] when no phrase has it.
    pub fn code(&self, form: &str) -> u32 {
        self.codes.get(form).copied().unwrap_or(NO_CODE)
    }

    /// True when the word with `code` is in some phrase of `set`.
    #[inline]
    pub fn in_set(&self, set: Set, code: u32) -> bool {
        self.sets[set as usize].member[code as usize]
    }

    /// True when a phrase of `set` may start at a token with code `first`
    /// followed by one with code `second` ([`NO_CODE`] at the end of a
    /// turn).
    #[inline]
    pub fn opens_phrase(&self, set: Set, first: u32, second: u32) -> bool {
        let p = &self.sets[set as usize];
        match p.starts[first as usize] {
            Start::No => false,
            Start::WithNext => {
                p.openings.contains(&(u64::from(first) << 32 | u64::from(second)))
            }
            Start::Alone => true,
        }
    }

    /// The tokens worth scanning for phrases of `set`, given each token's
    /// code: from the first pair that opens a phrase to the last word of
    /// the set; `None` when no pair opens one (most turns).
    #[inline]
    pub fn span(
        &self,
        set: Set,
        codes: impl Fn(usize) -> u32,
        n: usize,
    ) -> Option<(usize, usize)> {
        let next = |i: usize| if i + 1 < n { codes(i + 1) } else { NO_CODE };
        let start = (0..n).find(|&i| self.opens_phrase(set, codes(i), next(i)))?;
        let end =
            (start..n).rev().find(|&i| self.in_set(set, codes(i))).map_or(n, |l| l + 1);
        Some((start, end))
    }

    /// Appends `code`'s bytes to a turn's coded text.
    #[inline]
    pub fn push(&self, code: u32, out: &mut Vec<u8>) {
        encode(code, self.width, out);
    }

    /// The leftmost-longest phrases of `set` in a turn coded by
    /// [`PhraseMatcher::push`], left to right, not overlapping.
    pub fn find_iter<'a>(
        &'a self,
        set: Set,
        coded: &'a [u8],
    ) -> impl Iterator<Item = PhraseMatch> + 'a {
        let found =
            self.sets[set as usize].automaton.as_ref().map(|a| a.find_iter(coded));
        found.into_iter().flatten().map(|m| PhraseMatch {
            first: m.start() / self.width,
            phrase: m.pattern().as_usize(),
        })
    }
}

impl Patterns {
    fn build(
        phrases: &[&str],
        codes: &FxHashMap<Box<str>, u32>,
        width: usize,
    ) -> Result<Patterns> {
        let mut starts = vec![Start::No; codes.len() + 1];
        let mut member = vec![false; codes.len() + 1];
        let mut openings = FxHashSet::default();
        for p in phrases {
            let mut words = p.split(' ').map(|w| codes[w]);
            for w in p.split(' ') {
                member[codes[w] as usize] = true;
            }
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
        let patterns: Vec<Vec<u8>> = phrases
            .iter()
            .map(|p| {
                let mut bytes = Vec::with_capacity(p.len() * width);
                for w in p.split(' ') {
                    encode(codes[w], width, &mut bytes);
                }
                bytes
            })
            .collect();
        // A contiguous NFA: with thousands of patterns a DFA table outgrows
        // the CPU caches. No prefilter: most first bytes start a pattern.
        let automaton = match patterns.is_empty() {
            true => None,
            false => Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .prefilter(false)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns)
                    .map_err(|e| {
                        Error::config(format!("cannot build the phrase automaton: {e}"))
                    })?,
            ),
        };
        Ok(Patterns { starts, openings, member, automaton })
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

    fn find_in(m: &PhraseMatcher, set: Set, words: &[&str]) -> Vec<(usize, usize)> {
        let mut coded = Vec::new();
        for w in words {
            m.push(m.code(w), &mut coded);
        }
        m.find_iter(set, &coded).map(|f| (f.first, f.phrase)).collect()
    }

    fn find(m: &PhraseMatcher, words: &[&str]) -> Vec<(usize, usize)> {
        find_in(m, Set::Phrases, words)
    }

    #[test]
    fn finds_leftmost_longest_whole_words() {
        let phrases = ["not working", "still not working", "thank you", "you so"];
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap().unwrap();
        assert_eq!(find(&m, &["it", "is", "still", "not", "working"]), [(2, 1)]);
        assert_eq!(find(&m, &["not", "working", "thank", "you", "so"]), [(0, 0), (2, 2)]);
        assert_eq!(find(&m, &["not", "", "working"]), []);
        assert_eq!(find(&m, &["working", "not"]), []);
        let (still, not) = (m.code("still"), m.code("not"));
        assert!(!m.opens_phrase(Set::Phrases, m.code("working"), not));
        assert!(!m.opens_phrase(Set::Phrases, NO_CODE, still));
        assert!(m.opens_phrase(Set::Phrases, still, not));
        assert!(!m.opens_phrase(Set::Phrases, still, m.code("working")));
        assert!(!m.opens_phrase(Set::Phrases, not, NO_CODE));
    }

    /// Two sets share the codes, and each finds its own leftmost-longest
    /// matches, whatever the other holds.
    #[test]
    fn sets_match_on_their_own() {
        let phrases = ["not working", "thank you so much"];
        let cues = ["still not working", "thank you", "called twice"];
        let m = PhraseMatcher::build([&phrases, &cues]).unwrap().unwrap();
        let words = ["still", "not", "working", "thank", "you", "so", "much"];
        assert_eq!(find_in(&m, Set::Phrases, &words), [(1, 0), (3, 1)]);
        assert_eq!(find_in(&m, Set::Cues, &words), [(0, 0), (3, 1)]);
        let codes: Vec<u32> = words.iter().map(|w| m.code(w)).collect();
        let code = |i: usize| codes[i];
        assert_eq!(m.span(Set::Phrases, code, words.len()), Some((1, 7)));
        assert_eq!(m.span(Set::Cues, code, words.len()), Some((0, 5)));
        assert!(m.in_set(Set::Cues, m.code("called")));
        assert!(!m.in_set(Set::Phrases, m.code("called")));
        assert_eq!(m.span(Set::Phrases, code, 3), Some((1, 3)));
        assert_eq!(m.span(Set::Cues, |_| m.code("called"), 1), None);
        // A set without phrases finds nothing.
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap().unwrap();
        assert_eq!(find_in(&m, Set::Cues, &words), []);
        assert!(PhraseMatcher::build([&[], &[]]).unwrap().is_none());
    }

    #[test]
    fn wide_codes_stay_aligned() {
        // More words than two-byte codes hold: three-byte codes.
        let mut phrases: Vec<String> =
            (0..17_000).map(|i| format!("w{i} x{i}")).collect();
        phrases.push("w5 w6".into());
        let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap().unwrap();
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
