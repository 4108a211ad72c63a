//! Phrase matching over word codes.
//!
//! Every word that appears in some phrase gets a code, and each token
//! carries the code of its form (0 for a word in no phrase), found by the
//! same cached look-up that gives its valence. A turn's phrases are then one
//! Aho-Corasick scan over a few bytes per token, instead of over the text:
//! no phrase text is built, and the automaton's states are word sequences,
//! not letter sequences.
//!
//! The matcher holds two [`Set`]s of phrases (the lexicon's phrases and the
//! effort/resolution cues of `summary::cues`) over one code space and in one
//! automaton, so a turn is coded and scanned once for both. A match of one
//! set must not hide an overlapping match of the other, so the scan reports
//! every match and each set's leftmost-longest matches are picked from them
//! ([`PhraseMatcher::scan`]): the matches a leftmost-longest scan for that
//! set alone finds (tested against it).
//!
//! A code is `width` bytes (2 for fewer than 16,256 phrase words): a first
//! byte in `0x80..=0xFE`, then base-128 digits below `0x80`. A pattern
//! therefore starts only where a token starts (no first byte occurs
//! elsewhere), and a token in no phrase (`0xFF`) starts nothing.

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

/// Codes of the phrase words, and one automaton over the coded phrases of
/// both [`Set`]s.
#[derive(Clone, Debug)]
pub struct PhraseMatcher {
    codes: FxHashMap<Box<str>, u32>,
    /// First words of the phrases, by code.
    starts: Vec<Start>,
    /// The first two words' codes of every phrase (`first << 32 | second`):
    /// a phrase can only start where two tokens spell one of these.
    openings: FxHashSet<u64>,
    width: usize,
    /// Patterns below this are [`Set::Phrases`], the others [`Set::Cues`].
    split: usize,
    /// Every match, overlapping (standard semantics): each set's
    /// leftmost-longest matches are picked from them ([`Found`]).
    automaton: AhoCorasick,
}

/// One phrase found in a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The index of its first token.
    pub first: usize,
    /// The phrase (an index into its set's phrases).
    pub phrase: usize,
}

/// What [`PhraseMatcher::scan`] found in a turn, per set; buffers reused
/// from turn to turn.
#[derive(Clone, Debug, Default)]
pub struct Found {
    coded: Vec<u8>,
    /// Every match: first token, the token after its last, pattern.
    all: Vec<(u32, u32, u32)>,
    sets: [Vec<PhraseMatch>; 2],
}

impl Found {
    /// Forgets the matches (a turn with nothing to scan).
    pub fn clear(&mut self) {
        for set in &mut self.sets {
            set.clear();
        }
    }

    /// The leftmost-longest phrases of `set`, left to right, not
    /// overlapping: those a leftmost-longest scan for the set alone finds.
    pub fn of(&self, set: Set) -> &[PhraseMatch] {
        &self.sets[set as usize]
    }
}

impl PhraseMatcher {
    /// Codes the words of the phrases of both sets (lowercase words joined
    /// by single spaces; `sets[0]` is [`Set::Phrases`], `sets[1]`
    /// [`Set::Cues`]) and builds the automaton; `None` without phrases.
    pub fn build(sets: [&[&str]; 2]) -> Result<Option<PhraseMatcher>> {
        if sets.iter().all(|s| s.is_empty()) {
            return Ok(None);
        }
        let phrases = || sets.iter().flat_map(|s| s.iter());
        let mut codes: FxHashMap<Box<str>, u32> = FxHashMap::default();
        for w in phrases().flat_map(|p| p.split(' ')) {
            let next = codes.len() as u32 + 1;
            codes.entry(w.into()).or_insert(next);
        }
        let mut starts = vec![Start::No; codes.len() + 1];
        let mut openings = FxHashSet::default();
        for p in phrases() {
            let mut words = p.split(' ').map(|w| codes[w]);
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
        let patterns: Vec<Vec<u8>> = phrases()
            .map(|p| {
                let mut bytes = Vec::with_capacity(width * 4);
                for w in p.split(' ') {
                    encode(codes[w], width, &mut bytes);
                }
                bytes
            })
            .collect();
        // A contiguous NFA: with thousands of patterns a DFA table outgrows
        // the CPU caches. No prefilter: most first bytes start a pattern.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .prefilter(false)
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .map_err(|e| {
                Error::config(format!("cannot build the phrase automaton: {e}"))
            })?;
        let split = sets[0].len();
        Ok(Some(PhraseMatcher { codes, starts, openings, width, split, automaton }))
    }

    /// The code of a token's form, [`NO_CODE`] when no phrase has it.
    pub fn code(&self, form: &str) -> u32 {
        self.codes.get(form).copied().unwrap_or(NO_CODE)
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

    /// Finds the phrases of both sets in a turn of `n` tokens, given each
    /// token's code: one scan of the tokens from the first pair that opens
    /// a phrase to the last phrase word (most turns have no such pair and
    /// cost one filter per token).
    pub fn scan(&self, codes: impl Fn(usize) -> u32, n: usize, found: &mut Found) {
        found.clear();
        let next = |i: usize| if i + 1 < n { codes(i + 1) } else { NO_CODE };
        let Some(start) = (0..n).find(|&i| self.opens_phrase(codes(i), next(i))) else {
            return;
        };
        let end = (start..n).rev().find(|&i| codes(i) != NO_CODE).map_or(n, |l| l + 1);
        found.coded.clear();
        for i in start..end {
            encode(codes(i), self.width, &mut found.coded);
        }
        found.all.clear();
        let token = |byte: usize| (start + byte / self.width) as u32;
        for m in self.automaton.find_overlapping_iter(&found.coded) {
            found.all.push((token(m.start()), token(m.end()), m.pattern().as_u32()));
        }
        // Per set, leftmost-longest: the match that starts first, the
        // longest of those (of equal ones, the first pattern), then the
        // same after its end.
        found.all.sort_unstable_by_key(|&(first, end, p)| (first, u32::MAX - end, p));
        let mut free = [0u32; 2];
        for &(first, end, p) in &found.all {
            let (set, phrase) = match (p as usize).checked_sub(self.split) {
                None => (0, p as usize),
                Some(cue) => (1, cue),
            };
            if first >= free[set] {
                found.sets[set].push(PhraseMatch { first: first as usize, phrase });
                free[set] = end;
            }
        }
    }
}

/// `code` as `width` bytes (see the module doc).
#[inline]
fn encode(code: u32, width: usize, out: &mut Vec<u8>) {
    let Some(code) = code.checked_sub(1) else {
        out.push(0xFF);
        out.extend(std::iter::repeat(0).take(width - 1));
        return;
    };
    // Base-128 digits are 7-bit groups, most significant first.
    out.push(0x80 | (code >> (7 * (width - 1))) as u8);
    for k in (0..width - 1).rev() {
        out.push((code >> (7 * k) & 0x7F) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_in(m: &PhraseMatcher, set: Set, words: &[&str]) -> Vec<(usize, usize)> {
        let codes: Vec<u32> = words.iter().map(|w| m.code(w)).collect();
        let mut found = Found::default();
        m.scan(|i| codes[i], codes.len(), &mut found);
        found.of(set).iter().map(|f| (f.first, f.phrase)).collect()
    }

    fn find(m: &PhraseMatcher, words: &[&str]) -> Vec<(usize, usize)> {
        find_in(m, Set::Phrases, words)
    }

    /// The plain version of [`PhraseMatcher::scan`] for one set: its own
    /// leftmost-longest automaton over the whole coded turn.
    fn plain(m: &PhraseMatcher, phrases: &[&str], words: &[&str]) -> Vec<(usize, usize)> {
        let coded = |words: &mut dyn Iterator<Item = &str>| {
            let mut bytes = Vec::new();
            for w in words {
                encode(m.code(w), m.width, &mut bytes);
            }
            bytes
        };
        let patterns: Vec<Vec<u8>> =
            phrases.iter().map(|p| coded(&mut p.split(' '))).collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .unwrap();
        let text = coded(&mut words.iter().copied());
        automaton
            .find_iter(&text)
            .map(|f| (f.start() / m.width, f.pattern().as_usize()))
            .collect()
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
        assert!(m.opens_phrase(still, not));
        assert!(!m.opens_phrase(still, m.code("working")));
        assert!(!m.opens_phrase(m.code("working"), not));
        assert!(!m.opens_phrase(NO_CODE, still));
        assert!(!m.opens_phrase(not, NO_CODE));
    }

    /// Two sets share the codes and the scan, and each finds its own
    /// leftmost-longest matches, whatever the other holds.
    #[test]
    fn sets_match_on_their_own() {
        let phrases = ["not working", "thank you so much"];
        let cues = ["still not working", "thank you", "called twice"];
        let m = PhraseMatcher::build([&phrases, &cues]).unwrap().unwrap();
        let words = ["still", "not", "working", "thank", "you", "so", "much"];
        assert_eq!(find_in(&m, Set::Phrases, &words), [(1, 0), (3, 1)]);
        assert_eq!(find_in(&m, Set::Cues, &words), [(0, 0), (3, 1)]);
        assert_eq!(find_in(&m, Set::Cues, &["i", "called", "twice"]), [(1, 2)]);
        assert_eq!(find_in(&m, Set::Phrases, &["i", "called", "twice"]), []);
        // A set without phrases finds nothing.
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap().unwrap();
        assert_eq!(find_in(&m, Set::Cues, &words), []);
        assert!(PhraseMatcher::build([&[], &[]]).unwrap().is_none());
    }

    /// One overlapping scan for both sets finds what one leftmost-longest
    /// scan per set finds, on every turn of a small vocabulary.
    #[test]
    fn one_scan_finds_what_a_scan_per_set_finds() {
        let phrases =
            ["not working", "still not", "not working at all", "thank you", "you so"];
        let cues =
            ["still not working", "thank you so much", "not at all", "you so", "at all"];
        let m = PhraseMatcher::build([&phrases, &cues]).unwrap().unwrap();
        let vocab =
            ["still", "not", "working", "at", "all", "thank", "you", "so", "much", "x"];
        let mut seed = 2026u64;
        for _ in 0..20_000 {
            seed =
                seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (seed >> 60) as usize;
            let words: Vec<&str> = (0..len)
                .map(|k| vocab[(seed >> (4 * k % 56)) as usize % vocab.len()])
                .collect();
            assert_eq!(
                find_in(&m, Set::Phrases, &words),
                plain(&m, &phrases, &words),
                "{words:?}"
            );
            assert_eq!(
                find_in(&m, Set::Cues, &words),
                plain(&m, &cues, &words),
                "{words:?}"
            );
        }
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
