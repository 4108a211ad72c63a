//! Lexicons: what each word and phrase is worth, and which words are rules.
//!
//! One [`Lexicon`] per language holds everything scoring needs, built once
//! and shared read-only by all workers:
//!
//! - `words`: one hash entry per lowercase word with its valence (if any), its
//!   booster increment (if any) and its rule flags (negator, contrast word,
//!   VADER's named words). A token costs one look-up, whatever rules fire.
//! - `phrases`: multi-word entries, found by one walk of a trie per turn
//!   over its tokens' word codes ([`PhraseMatcher`]), so a match always
//!   covers whole tokens. The language's effort and resolution cues
//!   (`summary::cues`) are found by the same scan: one look-up per token
//!   and one scan serve both.
//! - `emoji`: emoji to their text descriptions (VADER's emoji lexicon).
//! - `emotions`: the emotion cues of words (by surface form, and by Snowball
//!   stem for words whose surface form is not listed) and phrases; phrases
//!   share the one trie with valence phrases.
//! - `idioms` and `booster_ngrams`: VADER's special cases, checked by its own
//!   rule at fixed offsets, kept exactly for parity.

mod load;
mod phrases;

pub use load::{FileKind, LexiconSource};
pub use phrases::{Found, PhraseMatch, PhraseMatcher, Set as PhraseSet, NO_CODE};

use rustc_hash::FxHashMap;

use crate::emotion::Emotion;
use crate::error::{Error, Result};

/// Rule flags of a word (bit set).
pub mod flag {
    /// Negates a following sentiment word (VADER `NEGATE`).
    pub const NEGATION: u64 = 1 << 0;
    /// A booster or dampener (VADER `BOOSTER_DICT`).
    pub const BOOSTER: u64 = 1 << 1;
    /// Contrastive conjunction ("but").
    pub const CONTRAST: u64 = 1 << 2;
    /// VADER's "no" rule.
    pub const NO: u64 = 1 << 3;
    /// "or"/"nor" in "no X or Y".
    pub const OR_NOR: u64 = 1 << 4;
    /// "never" in "never so/this".
    pub const NEVER: u64 = 1 << 5;
    /// "so"/"this" in "never so/this".
    pub const SO_THIS: u64 = 1 << 6;
    /// "without" in "without doubt".
    pub const WITHOUT: u64 = 1 << 7;
    /// "doubt" in "without doubt".
    pub const DOUBT: u64 = 1 << 8;
    /// "least" negation.
    pub const LEAST: u64 = 1 << 9;
    /// "at"/"very" before "least".
    pub const LEAST_EXCEPTION: u64 = 1 << 10;
    /// "kind" in "kind of".
    pub const KIND: u64 = 1 << 11;
    /// "of" in "kind of".
    pub const OF: u64 = 1 << 12;
    /// Set by scoring on the words a phrase covers: the phrase has used
    /// them up, so they no longer negate, boost or act as "no".
    pub const COVERED: u64 = 1 << 13;
    /// A question word ("how", "what"): with a `?`, a cue of confusion.
    pub const QUESTION: u64 = 1 << 14;
    /// Set by scoring on the words an emotion phrase covers: the phrase's
    /// cues replace theirs.
    pub const EMOTION_COVERED: u64 = 1 << 15;
    /// The first word of one of VADER's idioms or booster n-grams: only
    /// then are they spelled out (`special_idioms`).
    pub const NGRAM_START: u64 = 1 << 16;
    /// A token that negates by an infix (`n't`), marked by
    /// [`super::Lexicon::token_info`] so the infix search runs once per
    /// distinct word, not once per rule.
    pub const NEGATION_INFIX: u64 = 1 << 17;
    /// A politeness marker ("please", "kindly"): with phrases on it marks
    /// a request, not praise, and weighs 0 (`rules.tsv` role `polite`).
    pub const POLITE: u64 = 1 << 18;
    /// A word that opens a new clause after a comma ("it's", "thanks",
    /// "but"): negation, boosters and "no" before the comma do not reach
    /// past it (`rules.tsv` role `clause`).
    pub const CLAUSE: u64 = 1 << 19;
    /// A positive word often meant ironically ("great", "fantastic",
    /// "thanks"): see `score.rs`, sarcasm (`rules.tsv` role `sarcasm`).
    pub const SARCASM: u64 = 1 << 20;
    /// A marker of irony ("always", "another", "oh", "just"): with a
    /// complaint in the turn, the sarcasm-prone words of its sentence are
    /// ironic (`rules.tsv` role `irony`).
    pub const IRONY: u64 = 1 << 21;
    /// Set by scoring on a word read as sarcastic: its positive emotion
    /// cues become frustration.
    pub const SARCASTIC: u64 = 1 << 22;
    /// Bits 23 and up: what the token says of its language, for the
    /// per-turn language check ([`crate::lang::word_flags`]).
    #[cfg_attr(not(test), allow(dead_code))] // The layout; lang's tests check it.
    pub const LANGUAGE_BITS: u64 = !((1 << 23) - 1);
}

/// A slice of [`Lexicon::emotion_cues`]: the emotion cues of one entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cues {
    start: u32,
    len: u32,
}

impl Cues {
    /// True when the entry has no emotion cue.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What a stem stands for: the valence (NaN when none; only languages other
/// than English, whose VADER lexicon is matched as written) and emotion cues.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StemHit {
    /// Valence of the words with this stem (their mean), or NaN.
    pub valence: f64,
    /// Emotion cues of the words with this stem.
    pub cues: Cues,
}

impl Default for StemHit {
    fn default() -> Self {
        StemHit { valence: f64::NAN, cues: Cues::default() }
    }
}

/// What the lexicon knows about one lowercase word.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordInfo {
    /// Valence on VADER's -4..4 scale, or NaN when the word is not a
    /// sentiment word (it may still carry rule flags).
    pub valence: f64,
    /// Booster increment (VADER's ±0.293), 0 when not a booster.
    pub booster: f64,
    /// Rule flags, see [`flag`].
    pub flags: u64,
    /// Emotion cues of the surface form.
    pub emotions: Cues,
    /// The [`PhraseMatcher`] code of the token's form (set by
    /// [`Lexicon::token_info`]), [`NO_CODE`] when no phrase or cue has it.
    pub phrase_code: u32,
}

impl Default for WordInfo {
    /// A word the lexicon does not know.
    fn default() -> Self {
        WordInfo::EMPTY
    }
}

impl WordInfo {
    const EMPTY: WordInfo = WordInfo {
        valence: f64::NAN,
        booster: 0.0,
        flags: 0,
        emotions: Cues { start: 0, len: 0 },
        phrase_code: NO_CODE,
    };

    /// True when the word negates: a negator, or a token with an infix like
    /// `n't` (marked by scoring), unless a phrase has used it up.
    #[inline]
    pub fn negates(&self) -> bool {
        !self.has(flag::COVERED) && self.has(flag::NEGATION | flag::NEGATION_INFIX)
    }

    /// True when the word has a valence (VADER's `word in lexicon`).
    #[inline]
    pub fn is_sentiment(&self) -> bool {
        !self.valence.is_nan()
    }

    /// True when any of `flags` is set.
    #[inline]
    pub fn has(&self, flags: u64) -> bool {
        self.flags & flags != 0
    }
}

/// A multi-word entry: a phrase with its own valence.
#[derive(Clone, Debug, PartialEq)]
pub struct Phrase {
    /// The normalised phrase: lowercase words joined by single spaces.
    pub text: Box<str>,
    /// Number of words.
    pub words: usize,
    /// Valence on VADER's -4..4 scale, replacing the words' own; `None` for
    /// a phrase that is only an emotion cue (its words keep their valence).
    pub valence: Option<f64>,
    /// Emotion cues, replacing the words' own.
    pub emotions: Cues,
    /// The phrase contains a negator ("still not working"): it already says
    /// what it means, so a negator before it does not flip it again (neither
    /// its valence nor its emotions).
    pub negated: bool,
    /// The phrase says the problem is not solved ("still not fixed",
    /// "nothing more I can do", "fine, whatever"): in the closing of an
    /// interaction it makes a bad ending (`phrases.tsv` tag `unresolved`).
    pub unresolved: bool,
}

/// A sequence of words with a value, for VADER's fixed-offset checks.
#[derive(Clone, Debug, PartialEq)]
pub struct Ngram {
    /// Lowercase words.
    pub words: Vec<Box<str>>,
    /// The value.
    pub value: f64,
}

/// Everything scoring needs for one language.
#[derive(Clone, Debug)]
pub struct Lexicon {
    /// Unique per loaded lexicon, so per-worker caches know whose answers
    /// they hold.
    id: u64,
    lang: String,
    words: FxHashMap<Box<str>, WordInfo>,
    emoji: FxHashMap<char, Box<str>>,
    phrases: Vec<Phrase>,
    matcher: Option<PhraseMatcher>,
    idioms: Vec<Ngram>,
    booster_ngrams: Vec<Ngram>,
    negation_infixes: Vec<Box<str>>,
    emotion_cues: Vec<(Emotion, f64)>,
    stems: FxHashMap<Box<str>, StemHit>,
    elisions: Vec<Box<str>>,
    negate_once: bool,
    stemmer: Option<StemmerBox>,
    /// Unknown words are looked up by their compound head.
    compounds: bool,
}

/// Letters of each part of a compound split for a look-up (shorter parts
/// find words inside unrelated words).
const COMPOUND_PART: usize = 4;

/// The Snowball stemmer of a language (rust-stemmers has no `Debug`/`Clone`).
pub(crate) struct StemmerBox(
    pub(crate) rust_stemmers::Algorithm,
    pub(crate) rust_stemmers::Stemmer,
);

impl Clone for StemmerBox {
    fn clone(&self) -> Self {
        StemmerBox(self.0, rust_stemmers::Stemmer::create(self.0))
    }
}

impl std::fmt::Debug for StemmerBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stemmer({:?})", self.0)
    }
}

/// The files of a user's lexicon folder (`--lexicons DIR`) that are read,
/// for every supported language, in the table's order: what a run's
/// summary lists.
pub fn user_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    crate::lang::LANGUAGES
        .iter()
        .filter_map(|l| LexiconSource::user_dir(dir, l.code).ok())
        .flatten()
        .map(|f| f.path)
        .collect()
}

impl Lexicon {
    /// The built-in lexicon of `lang`, with the entries of `user` on top.
    ///
    /// Fails on a malformed user file, naming its path and line, or when the
    /// language has no built-in lexicon.
    pub fn load(lang: &str, user: Option<&std::path::Path>) -> Result<Lexicon> {
        let mut sources = LexiconSource::builtin(lang).ok_or_else(|| {
            Error::config(format!(
                "no built-in lexicon for language '{lang}' (supported: {})",
                crate::lang::codes()
            ))
        })?;
        if let Some(dir) = user {
            sources.extend(LexiconSource::user_dir(dir, lang)?);
        }
        let mut builder = load::Builder::new(lang);
        for source in &sources {
            builder.add(source)?;
        }
        builder.build()
    }

    /// The language code (ISO 639-1).
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Looks up a lowercase word.
    #[inline]
    pub(crate) fn word(&self, lower: &str) -> &WordInfo {
        self.words.get(lower).unwrap_or(&WordInfo::EMPTY)
    }

    /// True when `lower` contains a negation infix such as `n't`.
    #[inline]
    pub(crate) fn has_negation_infix(&self, lower: &str) -> bool {
        has_infix(&self.negation_infixes, lower)
    }

    /// The emoji descriptions.
    pub(crate) fn emoji(&self) -> &FxHashMap<char, Box<str>> {
        &self.emoji
    }

    /// The phrase matcher, if there are phrases.
    pub(crate) fn phrase_matcher(&self) -> Option<&PhraseMatcher> {
        self.matcher.as_ref()
    }

    /// A phrase by index ([`PhraseMatch::phrase`]).
    pub(crate) fn phrase(&self, pattern: usize) -> &Phrase {
        &self.phrases[pattern]
    }

    /// Number of phrases.
    #[cfg(test)]
    pub(crate) fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    /// The emotion cues of an entry.
    #[inline]
    pub(crate) fn cues(&self, c: Cues) -> &[(Emotion, f64)] {
        &self.emotion_cues[c.start as usize..(c.start + c.len) as usize]
    }

    /// What the lexicon knows of a word through its Snowball stem: used for
    /// words not listed by their surface form. Stemming allocates when the
    /// stemmer changes the word, so [`crate::score::Scratch`] caches answers.
    pub(crate) fn stem_hit(&self, lower: &str) -> StemHit {
        match &self.stemmer {
            Some(s) if !self.stems.is_empty() => {
                self.stems.get(s.1.stem(lower).as_ref()).copied().unwrap_or_default()
            }
            _ => StemHit::default(),
        }
    }

    /// Everything the lexicon says of one lowercase token: its entry as
    /// written; for words not listed as written, the valence (outside
    /// English) and emotion cues of their Snowball stem; and the
    /// [`flag::NEGATION_INFIX`] mark and the phrase code of its form. A pure function of the token, which
    /// [`crate::score::Scratch`] caches per worker.
    pub(crate) fn token_info(&self, lower: &str) -> WordInfo {
        let mut info = *self.word(lower);
        info.flags |= crate::lang::word_flags(lower);
        if self.has_negation_infix(lower) {
            info.flags |= flag::NEGATION_INFIX;
        }
        if let Some(matcher) = &self.matcher {
            info.phrase_code = matcher.code(crate::text::trim_punct(lower));
        }
        let known = info.is_sentiment() && !info.emotions.is_empty();
        if self.has_stems()
            && !known
            && lower.len() >= 3
            && lower.chars().all(char::is_alphabetic)
        {
            let hit = self.stem_hit(lower);
            if !info.is_sentiment() && !info.has(flag::BOOSTER | flag::NEGATION) {
                info.valence = hit.valence;
            }
            if info.emotions.is_empty() {
                info.emotions = hit.cues;
            }
        }
        if self.compounds && !info.is_sentiment() && info.emotions.is_empty() {
            if let Some(head) = self.compound_head(lower) {
                (info.valence, info.emotions) = (head.valence, head.cues);
            }
        }
        info
    }

    /// What the lexicon knows of the head of a compound it does not know
    /// (`riesenenttäuschung` -> `enttäuschung`): the longest final part of at
    /// least [`COMPOUND_PART`] letters, after a first part as long, known by
    /// its surface form or stem with a valence or emotion cues.
    fn compound_head(&self, lower: &str) -> Option<StemHit> {
        if !lower.chars().all(char::is_alphabetic) {
            return None;
        }
        let starts: Vec<usize> = lower.char_indices().map(|(i, _)| i).collect();
        if starts.len() < 2 * COMPOUND_PART {
            return None;
        }
        starts[COMPOUND_PART..=starts.len() - COMPOUND_PART].iter().find_map(|&at| {
            let head = &lower[at..];
            let word = self.word(head);
            let hit = match word.is_sentiment() || !word.emotions.is_empty() {
                true => StemHit { valence: word.valence, cues: word.emotions },
                false => self.stem_hit(head),
            };
            (!hit.valence.is_nan() || !hit.cues.is_empty()).then_some(hit)
        })
    }

    /// This lexicon's identity (unique per load).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// True when some words are found through their stems.
    pub(crate) fn has_stems(&self) -> bool {
        !self.stems.is_empty()
    }

    /// True when several negators before one word negate it once ("ne ...
    /// pas", "no ... ningún"): languages with negative concord.
    pub(crate) fn negate_once(&self) -> bool {
        self.negate_once
    }

    /// Elided prefixes split off a word (`l'`, `dell'`), lowercase.
    pub(crate) fn elisions(&self) -> &[Box<str>] {
        &self.elisions
    }

    /// Number of words with a valence.
    #[cfg(test)]
    pub(crate) fn word_count(&self) -> usize {
        self.words.values().filter(|w| w.is_sentiment()).count()
    }

    /// VADER's special-case idioms.
    pub(crate) fn idioms(&self) -> &[Ngram] {
        &self.idioms
    }

    /// Multi-word boosters ("kind of", "sort of").
    pub(crate) fn booster_ngrams(&self) -> &[Ngram] {
        &self.booster_ngrams
    }
}

/// True when `lower` contains one of `infixes` (such as `n't`). Tokens are
/// short: a window compare beats building a substring searcher.
fn has_infix(infixes: &[Box<str>], lower: &str) -> bool {
    infixes.iter().any(|n| lower.as_bytes().windows(n.len()).any(|w| w == n.as_bytes()))
}
