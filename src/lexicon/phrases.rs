//! Phrase matching over word codes.
//!
//! Every word that appears in some phrase gets a code, and each token
//! carries the code of its form (0 for a word in no phrase), found by the
//! same cached look-up that gives its valence. The phrases are a trie over
//! codes, and a turn's phrases are found by walking it from each token: a
//! token whose word starts no phrase costs a compare, and a walk goes on
//! only while the tokens spell the start of some phrase. No phrase text is
//! built, and a match always covers whole tokens.
//!
//! Over half the tokens of a turn start a walk (`i`, `not`, `the` start
//! phrases) and most walks end at the next token, between turns whose
//! other work has pushed the trie out of the L1 cache. So a walk starts
//! with no look-up (a first word's code is the number of its node), and
//! reads one 16-byte node per token, whose filter of the codes that go on
//! tells most walks that they end without a look-up in the edge table.
//!
//! The matcher holds two [`Set`]s of phrases (the lexicon's phrases and the
//! effort/resolution cues of `summary::cues`) over one code space and in one
//! trie, so a turn is coded and walked once for both. Each set gets its own
//! leftmost-longest matches ([`PhraseMatcher::scan`]): those an
//! Aho-Corasick leftmost-longest search for that set alone finds (tested
//! against one), whatever the other set holds.

use rustc_hash::FxHashMap;

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

/// A trie node: 0 is the root, which no edge leads to, so 0 also stands
/// for "no node".
type Node = u32;

/// No phrase of a set ends at a node.
const NO_PHRASE: u32 = u32::MAX;

/// Codes of the phrase words, and one trie over the coded phrases of both
/// [`Set`]s.
#[derive(Clone, Debug)]
pub struct PhraseMatcher {
    /// The code of each word. The words that start a phrase have the
    /// codes `1..=starts`, and the node such a word leads to from the root
    /// has the number of its code: a walk starts with no look-up.
    codes: FxHashMap<Box<str>, u32>,
    starts: u32,
    /// The edges out of nodes other than the root: `node << 32 | code` to
    /// the node they lead to.
    edges: FxHashMap<u64, Node>,
    /// The nodes: the root, those of the first words (`1..=starts`), then
    /// the others.
    nodes: Vec<TrieNode>,
}

/// What a walk reads at a node before it goes on.
#[derive(Clone, Copy, Debug)]
struct TrieNode {
    /// The phrase of each set whose words lead here ([`NO_PHRASE`] for
    /// none); of equal phrases, the first.
    ends: [u32; 2],
    /// Bit `code % 64` of each word that goes on from here: most walks
    /// stop at the next token, and this tells most of them so without a
    /// look-up in `edges`, whose table is seldom in the cache.
    next: u64,
}

impl TrieNode {
    const EMPTY: TrieNode = TrieNode { ends: [NO_PHRASE; 2], next: 0 };

    /// The bit of `code` in [`TrieNode::next`].
    #[inline]
    fn bit(code: u32) -> u64 {
        1 << (code % 64)
    }
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
    /// [`Set::Cues`]) and builds the trie; `None` without phrases.
    pub fn build(sets: [&[&str]; 2]) -> Option<PhraseMatcher> {
        if sets.iter().all(|s| s.is_empty()) {
            return None;
        }
        fn add(codes: &mut FxHashMap<Box<str>, u32>, word: &str) {
            if !codes.contains_key(word) {
                codes.insert(word.into(), codes.len() as u32 + 1);
            }
        }
        let phrases = || sets.iter().flat_map(|s| s.iter());
        let mut codes = FxHashMap::default();
        // The words that start a phrase first: their codes are 1..=starts.
        for word in phrases().filter_map(|p| p.split(' ').next()) {
            add(&mut codes, word);
        }
        let starts = codes.len() as u32;
        for word in phrases().flat_map(|p| p.split(' ')) {
            add(&mut codes, word);
        }
        // The node a word leads to from the root is numbered by its code.
        let mut nodes = vec![TrieNode::EMPTY; starts as usize + 1];
        let mut edges = FxHashMap::default();
        for (set, phrases) in sets.iter().enumerate() {
            for (index, phrase) in phrases.iter().enumerate() {
                let mut node = 0;
                for w in phrase.split(' ') {
                    let code = codes[w];
                    if node == 0 {
                        node = code;
                        continue;
                    }
                    nodes[node as usize].next |= TrieNode::bit(code);
                    let next = edges.entry(edge(node, code)).or_insert(0);
                    if *next == 0 {
                        *next = nodes.len() as Node;
                        nodes.push(TrieNode::EMPTY);
                    }
                    node = *next;
                }
                let end = &mut nodes[node as usize].ends[set];
                if *end == NO_PHRASE {
                    *end = index as u32;
                }
            }
        }
        Some(PhraseMatcher { codes, starts, edges, nodes })
    }

    /// The code of a token's form, [`NO_CODE`] when no phrase has it.
    pub fn code(&self, form: &str) -> u32 {
        self.codes.get(form).copied().unwrap_or(NO_CODE)
    }

    /// Finds the phrases of both sets in a turn of `n` tokens, given each
    /// token's code: from each token, the longest phrase of each set that
    /// starts there, taken when it starts after the set's previous match.
    pub fn scan(&self, codes: impl Fn(usize) -> u32, n: usize, found: &mut Found) {
        found.clear();
        // Per set, the token after its last match.
        let mut free = [0; 2];
        for first in 0..n {
            let mut node = codes(first);
            if node == NO_CODE || node > self.starts || first < free[0].min(free[1]) {
                continue;
            }
            // Per set, the longest phrase so far and the token after it.
            let mut longest = [(NO_PHRASE, 0); 2];
            let mut end = first;
            while node != 0 {
                end += 1;
                let at = self.nodes[node as usize];
                for (l, &phrase) in longest.iter_mut().zip(&at.ends) {
                    if phrase != NO_PHRASE {
                        *l = (phrase, end);
                    }
                }
                let code = if end < n { codes(end) } else { NO_CODE };
                node = match code {
                    NO_CODE => 0,
                    code if at.next & TrieNode::bit(code) == 0 => 0,
                    code => self.edges.get(&edge(node, code)).copied().unwrap_or(0),
                };
            }
            for (set, (phrase, end)) in longest.into_iter().enumerate() {
                if phrase != NO_PHRASE && first >= free[set] {
                    let phrase = phrase as usize;
                    found.sets[set].push(PhraseMatch { first, phrase });
                    free[set] = end;
                }
            }
        }
    }
}

/// The key of the edge from `node` by the word `code`.
#[inline]
fn edge(node: Node, code: u32) -> u64 {
    u64::from(node) << 32 | u64::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    fn find_in(m: &PhraseMatcher, set: Set, words: &[&str]) -> Vec<(usize, usize)> {
        let codes: Vec<u32> = words.iter().map(|w| m.code(w)).collect();
        let mut found = Found::default();
        m.scan(|i| codes[i], codes.len(), &mut found);
        found.of(set).iter().map(|f| (f.first, f.phrase)).collect()
    }

    fn find(m: &PhraseMatcher, words: &[&str]) -> Vec<(usize, usize)> {
        find_in(m, Set::Phrases, words)
    }

    /// Bytes per word of [`plain`]'s coding.
    const WIDTH: usize = 3;

    /// `code` as [`WIDTH`] bytes: a first byte in `0x80..=0xFE`, then
    /// base-128 digits below `0x80`, so that a pattern starts only where a
    /// word starts; a word in no phrase is `0xFF` and starts nothing.
    fn encode(code: u32, out: &mut Vec<u8>) {
        let Some(code) = code.checked_sub(1) else {
            out.extend([0xFF, 0, 0]);
            return;
        };
        assert!(code < 127 << 14, "too many words for the test's coding");
        out.push(0x80 | (code >> 14) as u8);
        out.extend([(code >> 7 & 0x7F) as u8, (code & 0x7F) as u8]);
    }

    /// The plain version of [`PhraseMatcher::scan`] for one set: its own
    /// leftmost-longest Aho-Corasick automaton over the whole coded turn.
    fn plain(m: &PhraseMatcher, phrases: &[&str], words: &[&str]) -> Vec<(usize, usize)> {
        let coded = |words: &mut dyn Iterator<Item = &str>| {
            let mut bytes = Vec::new();
            for w in words {
                encode(m.code(w), &mut bytes);
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
            .map(|f| (f.start() / WIDTH, f.pattern().as_usize()))
            .collect()
    }

    #[test]
    fn finds_leftmost_longest_whole_words() {
        let phrases = ["not working", "still not working", "thank you", "you so"];
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap();
        assert_eq!(find(&m, &["it", "is", "still", "not", "working"]), [(2, 1)]);
        assert_eq!(find(&m, &["not", "working", "thank", "you", "so"]), [(0, 0), (2, 2)]);
        assert_eq!(find(&m, &["not", "", "working"]), []);
        assert_eq!(find(&m, &["working", "not"]), []);
        assert_eq!(find(&m, &["still", "not"]), [], "a phrase's start alone");
        assert_eq!(find(&m, &["thank", "thank", "you"]), [(1, 2)]);
    }

    /// Two sets share the codes and the scan, and each finds its own
    /// leftmost-longest matches, whatever the other holds.
    #[test]
    fn sets_match_on_their_own() {
        let phrases = ["not working", "thank you so much"];
        let cues = ["still not working", "thank you", "called twice"];
        let m = PhraseMatcher::build([&phrases, &cues]).unwrap();
        let words = ["still", "not", "working", "thank", "you", "so", "much"];
        assert_eq!(find_in(&m, Set::Phrases, &words), [(1, 0), (3, 1)]);
        assert_eq!(find_in(&m, Set::Cues, &words), [(0, 0), (3, 1)]);
        assert_eq!(find_in(&m, Set::Cues, &["i", "called", "twice"]), [(1, 2)]);
        assert_eq!(find_in(&m, Set::Phrases, &["i", "called", "twice"]), []);
        // A set without phrases finds nothing.
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap();
        assert_eq!(find_in(&m, Set::Cues, &words), []);
        assert!(PhraseMatcher::build([&[], &[]]).is_none());
    }

    /// The walk of the trie finds what one leftmost-longest Aho-Corasick
    /// search per set finds, on every turn of a small vocabulary: phrases
    /// that share starts, that are parts of others, in both sets, and twice
    /// in one set.
    /// (Again with a hundred more phrases, so that codes pass 64 and words
    /// share bits of the nodes' filters.)
    #[test]
    fn one_scan_finds_what_a_scan_per_set_finds() {
        let fillers: Vec<String> = (0..100).map(|i| format!("p{i} q{i} all")).collect();
        let base = vec![
            "not working",
            "still not",
            "not working at all",
            "thank you",
            "you so",
            "still not",
            "so much",
        ];
        let more =
            base.iter().copied().chain(fillers.iter().map(String::as_str)).collect();
        for phrases in [base, more] {
            scan_matches_plain(&phrases);
        }
    }

    fn scan_matches_plain(phrases: &[&str]) {
        let cues =
            ["still not working", "thank you so much", "not at all", "you so", "at all"];
        let m = PhraseMatcher::build([phrases, &cues]).unwrap();
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
                plain(&m, phrases, &words),
                "{words:?}"
            );
            assert_eq!(
                find_in(&m, Set::Cues, &words),
                plain(&m, &cues, &words),
                "{words:?}"
            );
        }
    }

    /// Thousands of phrases, as a large lexicon has: each is found, and
    /// only where its words are in order.
    #[test]
    fn many_phrases() {
        let mut phrases: Vec<String> =
            (0..17_000).map(|i| format!("w{i} x{i}")).collect();
        phrases.push("w5 w6".into());
        let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
        let m = PhraseMatcher::build([&phrases, &[]]).unwrap();
        assert_eq!(
            find(&m, &["a", "w16999", "x16999", "w5", "w6"]),
            [(1, 16_999), (3, 17_000)]
        );
        for i in (0..17_000).step_by(997) {
            let (w, x) = (format!("w{i}"), format!("x{i}"));
            assert_eq!(find(&m, &["z", &w, &x]), [(1, i)]);
            assert_eq!(find(&m, &[&x, &w]), []);
        }
    }
}
