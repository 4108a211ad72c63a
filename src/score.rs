//! Turn scoring: VADER's method over a [`Lexicon`], plus phrases.
//!
//! [`score_turn`] reproduces vaderSentiment 3.3.2's `polarity_scores`
//! (Hutto & Gilbert, 2014) rule for rule: lexicon valence; the "no" rules;
//! ALL-CAPS emphasis (+0.733) when only some words are in capitals; boosters
//! and dampeners (±0.293, damped ×0.95 and ×0.9 two and three words back);
//! negation within three words (×-0.74), except "never so/this" (×1.25) and
//! "without doubt"; VADER's special-case idioms and "kind of"; "least";
//! contrastive "but" (×0.5 before, ×1.5 after); `!` (+0.292 each, at most 4)
//! and `?` (2-3: +0.18 each, more: +0.96) emphasis; normalisation
//! x/sqrt(x²+15); and the positive/negative/neutral proportions.
//!
//! On top of that, phrases (contact-centre expressions and VADER's idioms),
//! found by one scan of the turn's word codes ([`crate::lexicon::PhraseMatcher`]),
//! replace the words they cover with their own valence, and take negation,
//! boosters and capitals like a word does.
//!
//! Departures from VADER, on purpose: the "but" rule scales each position
//! (VADER rescales the first *equal value* it finds, a known bug), text
//! without any token is neutral (1, not 0, so proportions sum to 1), and
//! those listed in `text.rs`.
//!
//! All per-turn state lives in a [`Scratch`] that a worker reuses, so scoring
//! allocates nothing per token (explanations go to the reused buffers of a
//! [`TurnScore`]).

use rustc_hash::FxHashMap;

use crate::emotion::{Accumulator, Emotion, EmotionMoment, Emotions, QUESTION_CONFUSION};
use crate::lexicon::{flag, Cues, Found, Lexicon, PhraseMatch, PhraseSet, WordInfo};
use crate::peak_end::Moment;
use crate::record::Speaker;
use crate::summary::cues::CueScratch;
use crate::text::{tokenize, Close, PackedMap, Tokens};

/// Negation scalar.
const N_SCALAR: f64 = -0.74;
/// ALL-CAPS increment.
const C_INCR: f64 = 0.733;
/// Normalisation constant: compound = x / sqrt(x² + ALPHA).
const ALPHA: f64 = 15.0;
const NO_PHRASE: u32 = u32::MAX;

/// Options that change how turns are scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreOptions {
    /// Apply the phrase lexicon (off: VADER's rules and lexicon only).
    pub phrases: bool,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions { phrases: true }
    }
}

/// The scores of one turn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TurnScore {
    /// Compound valence in [-1, 1] (VADER's `compound`, unrounded).
    pub valence: f64,
    /// Proportion of positive sentiment.
    pub positive: f64,
    /// Proportion of negative sentiment.
    pub negative: f64,
    /// Proportion of neutral tokens.
    pub neutral: f64,
    /// The terms that drove the score, in text order, contributions on
    /// VADER's scale after all rules.
    pub terms: Vec<Term>,
    /// Emotion intensities.
    pub emotions: Emotions,
    /// The cues behind the emotions, each with its category and weight.
    pub emotion_terms: Vec<Term>,
    /// A phrase tagged `unresolved` counts against the turn ("still not
    /// fixed", "nothing more I can do"): see [`crate::peak_end`].
    pub unresolved: bool,
    /// The labels of both term lists, one after the other: a term holds a
    /// range of it, so a reused `TurnScore` allocates nothing per term.
    labels: String,
    /// Known that no label holds `|` `,` `"` or a line break, the bytes an
    /// explanation cell must take care of ([`TurnScore::plain_labels`]).
    plain_labels: bool,
}

/// What ends a turn's labels ([`TurnScore::label_block`]).
const LABEL_PAD: &str = "               ";

/// One word or phrase that drove a turn's score; its text is
/// [`TurnScore::label`]. Small and `Copy`: explanations travel as data and
/// are formatted only by the output that shows them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    label: (u32, u32),
    /// The position of its (first) token in the turn, 0-based; the token
    /// count for the question rule's `?`.
    pub position: u32,
    /// Its contribution on VADER's -4..4 scale, or an emotion cue's weight.
    pub contribution: f64,
    /// The emotion it is a cue of (in [`TurnScore::emotion_terms`] only).
    pub emotion: Option<Emotion>,
}

impl TurnScore {
    /// The word or phrase of `term`, lowercase as the lexicon matched it.
    pub fn label(&self, term: &Term) -> &str {
        self.labels.get(term.label.0 as usize..term.label.1 as usize).unwrap_or("")
    }

    /// The bytes of the turn's labels from `term`'s on, and its length: a
    /// writer copies a short label as one block ([`crate::text::push_prefix`]);
    /// the labels end with [`LABEL_PAD`] spaces, so that every label has 16
    /// bytes from its start.
    pub(crate) fn label_block(&self, term: &Term) -> (&[u8], usize) {
        let (start, end) = (term.label.0 as usize, term.label.1 as usize);
        let bytes = self.labels.as_bytes().get(start..).unwrap_or_default();
        (bytes, end.saturating_sub(start).min(bytes.len()))
    }

    /// True when it is known that no label holds `|` `,` `"` or a line
    /// break: a writer copies the labels without looking at each. Checked
    /// once per turn over all its labels (`memchr`), where each label's own
    /// scan when written cost 1% more of the run (callgrind, 3 MB corpus).
    pub(crate) fn plain_labels(&self) -> bool {
        self.plain_labels
    }

    /// Sets [`TurnScore::plain_labels`] once every term is in.
    fn check_labels(&mut self) {
        let labels = self.labels.as_bytes();
        self.plain_labels = memchr::memchr3(b'|', b',', b'"', labels).is_none()
            && memchr::memchr2(b'\n', b'\r', labels).is_none();
        self.labels.push_str(LABEL_PAD);
    }

    /// Adds one term to `terms` (or `emotion_terms` when it has an emotion).
    fn push_term(
        &mut self,
        label: &str,
        position: usize,
        contribution: f64,
        emotion: Option<Emotion>,
    ) {
        self.push_cued_term(None, label, position, contribution, emotion);
    }

    /// [`TurnScore::push_term`] for a term a rule named `cue` changed or
    /// found: its label reads `cue:label` (`sarcasm:great`, `repeat:router`).
    fn push_cued_term(
        &mut self,
        cue: Option<&str>,
        label: &str,
        position: usize,
        contribution: f64,
        emotion: Option<Emotion>,
    ) {
        let start = self.labels.len() as u32;
        if let Some(cue) = cue {
            self.labels.push_str(cue);
            self.labels.push(':');
        }
        self.labels.push_str(label);
        let term = Term {
            label: (start, self.labels.len() as u32),
            position: position as u32,
            contribution,
            emotion,
        };
        match emotion {
            None => self.terms.push(term),
            Some(_) => self.emotion_terms.push(term),
        }
    }
}

/// Per-worker buffers, reused for every turn.
#[derive(Debug, Default)]
pub struct Scratch {
    tokens: Tokens,
    info: Vec<WordInfo>,
    /// The turn's phrases and cues.
    found: Found,
    /// Per token, its scopes and the phrases that start at it.
    places: Vec<Place>,
    /// The flags of any of the turn's words, as the lexicon gave them: a
    /// rule for a rare word ("but") looks at the turn only when it has one.
    flags: u64,
    /// The tokens that can score or cue anything, in order: the marked
    /// words ([`marked`]) and the first tokens of the phrases.
    marked: Vec<u32>,
    /// Tests only: mark every token, the plain version that [`marked`]
    /// must agree with.
    #[cfg(test)]
    mark_all: bool,
    sentiments: Vec<f64>,
    word_cache: WordCache,
    text: String,
    /// Turn scores set aside by [`Scratch::resize_turns`], strings kept.
    spare_turns: Vec<TurnScore>,
    moments: Vec<Moment>,
    emotion_moments: Vec<EmotionMoment>,
    cues: CueScratch,
    /// Hashes of the word triples the customer has said so far in the
    /// interaction, each with the number of the customer turn that said it
    /// first ([`Scratch::start_interaction`] clears them).
    said: FxHashMap<u64, u32>,
    /// Customer turns read so far in the interaction.
    customer_turns: u32,
}

impl Scratch {
    /// A reused text buffer (language detection).
    pub(crate) fn text_buffer(&mut self) -> &mut String {
        &mut self.text
    }

    /// What the lexicon said of each token of the turn scored last (the
    /// per-turn language check reads them).
    pub(crate) fn token_infos(&self) -> &[WordInfo] {
        &self.info[..self.tokens.len().min(self.info.len())]
    }

    /// Makes `turns` `n` long, moving turn scores to and from a spare list
    /// rather than dropping and allocating them.
    pub(crate) fn resize_turns(&mut self, turns: &mut Vec<TurnScore>, n: usize) {
        while turns.len() > n {
            self.spare_turns.extend(turns.pop());
        }
        while turns.len() < n {
            turns.push(self.spare_turns.pop().unwrap_or_default());
        }
    }

    /// The last scored turn's tokens and the effort and resolution cues
    /// found in them (`summary::cues`); whether token `k` is a negator
    /// (`lex`'s rule words: the turn's word-cache entries, so no string
    /// look-up); and the buffers of the cue rules.
    #[allow(clippy::type_complexity)]
    pub(crate) fn cue_parts<'s>(
        &'s mut self,
        lex: &'s Lexicon,
    ) -> ((&'s Tokens, &'s [PhraseMatch]), impl Fn(usize) -> bool + 's, &'s mut CueScratch)
    {
        let (tokens, cache) = (&self.tokens, &self.word_cache);
        let negates = move |k: usize| {
            let info =
                cache.peek(tokens, k).unwrap_or_else(|| lex.token_info(tokens.lower(k)));
            info.has(flag::NEGATION | flag::NEGATION_INFIX)
        };
        ((tokens, self.found.of(PhraseSet::Cues)), negates, &mut self.cues)
    }

    /// Forgets what the customer said: the next turns belong to another
    /// interaction (repetition is a cue within one interaction only).
    pub(crate) fn start_interaction(&mut self) {
        self.said.clear();
        self.customer_turns = 0;
    }

    /// Reused buffers for an interaction's peak-end and emotion moments.
    pub(crate) fn moment_buffers(
        &mut self,
    ) -> (&mut Vec<Moment>, &mut Vec<EmotionMoment>) {
        (&mut self.moments, &mut self.emotion_moments)
    }
}

/// [`Lexicon::token_info`] per lowercase token, for one lexicon: one
/// look-up per token instead of a word look-up, a stem look-up and stemming
/// (which allocates). Most tokens are found by their packed form
/// ([`Tokens::key`]) in a [`PackedMap`], with no string hashing or compare.
/// Bounded.
#[derive(Debug, Default)]
struct WordCache {
    short: PackedMap<WordInfo>,
    long: FxHashMap<Box<str>, WordInfo>,
    /// The id of the lexicon whose answers are held.
    of: Option<u64>,
}

/// Distinct words a worker remembers before starting afresh.
const WORD_CACHE_MAX: usize = 1 << 16;

impl WordCache {
    /// Gets ready to answer for `lex`.
    fn serve(&mut self, lex: &Lexicon) {
        if self.of != Some(lex.id())
            || self.short.len() + self.long.len() >= WORD_CACHE_MAX
        {
            self.short.clear();
            self.long.clear();
            self.of = Some(lex.id());
        }
    }

    /// What the lexicon served said of token `i`, if it was asked.
    fn peek(&self, toks: &Tokens, i: usize) -> Option<WordInfo> {
        match toks.key(i) {
            Some(key) => self.short.get(key),
            None => self.long.get(toks.lower(i)).copied(),
        }
    }

    /// What `lex` says of token `i`.
    #[inline]
    fn get(&mut self, lex: &Lexicon, toks: &Tokens, i: usize) -> WordInfo {
        match toks.key(i) {
            Some(key) => self.short.get_or_insert(key, || lex.token_info(toks.lower(i))),
            None => {
                let lower = toks.lower(i);
                if let Some(&info) = self.long.get(lower) {
                    return info;
                }
                let info = lex.token_info(lower);
                self.long.insert(lower.into(), info);
                info
            }
        }
    }
}

/// Scores one turn's text.
///
/// # Example
///
/// ```
/// use peakend::{score_turn, Lexicon, ScoreOptions, Scratch};
///
/// let lex = Lexicon::load("en", None).unwrap();
/// let mut scratch = Scratch::default();
/// let s = score_turn(&lex, ScoreOptions { phrases: false }, "The book was good.", &mut scratch);
/// assert_eq!(format!("{:.4}", s.valence), "0.4404");
/// ```
pub fn score_turn(
    lex: &Lexicon,
    opts: ScoreOptions,
    text: &str,
    s: &mut Scratch,
) -> TurnScore {
    let mut out = TurnScore::default();
    score_turn_into(lex, opts, text, s, &mut out);
    out
}

/// [`score_turn`] into `out`, reusing its explanation strings: a worker
/// that scores into the same [`TurnScore`]s allocates nothing per turn.
/// The speaker is unknown: every emotion category and rule applies.
pub fn score_turn_into(
    lex: &Lexicon,
    opts: ScoreOptions,
    text: &str,
    s: &mut Scratch,
    out: &mut TurnScore,
) {
    score_turn_by(lex, opts, None, text, s, out);
}

/// [`score_turn_into`] for a turn whose speaker is known: a customer turn
/// gets only the customer's emotion categories ([`Emotion::CUSTOMER`]:
/// "sorry, I'm confused" is not an apology), and only customers are read
/// as sarcastic.
pub fn score_turn_by(
    lex: &Lexicon,
    opts: ScoreOptions,
    speaker: Option<Speaker>,
    text: &str,
    s: &mut Scratch,
    out: &mut TurnScore,
) {
    out.terms.clear();
    out.emotion_terms.clear();
    out.labels.clear();
    tokenize(text, lex.emoji(), lex.elisions(), &mut s.tokens);
    let n = s.tokens.len();
    s.found.clear();
    if n == 0 {
        (out.valence, out.positive, out.negative, out.neutral) = (0.0, 0.0, 0.0, 1.0);
        out.emotions = Emotions::default();
        out.unresolved = false;
        out.check_labels();
        return;
    }
    s.word_cache.serve(lex);
    s.info.clear();
    s.places.clear();
    s.marked.clear();
    let mut place =
        Place { clause: 0, sentence: 0, phrase: NO_PHRASE, emotion_phrase: NO_PHRASE };
    let mut flags = 0;
    for i in 0..n {
        let info = s.word_cache.get(lex, &s.tokens, i);
        if opts.phrases && i > 0 {
            place.enter(i, s.tokens.close(i - 1), &info);
        }
        flags |= info.flags;
        if marked(&info) {
            s.marked.push(i as u32);
        }
        s.info.push(info);
        s.places.push(place);
    }
    s.flags = flags;
    // One scan for the lexicon's phrases and the effort and resolution
    // cues, which the engine reads next ([`Scratch::cue_parts`]).
    let info = &s.info;
    if let Some(m) = lex.phrase_matcher() {
        m.scan(|i| info[i].phrase_code, n, &mut s.found);
    }
    if opts.phrases {
        for m in s.found.of(PhraseSet::Phrases) {
            let (first, phrase) = (m.first, lex.phrase(m.phrase));
            let last = (first + phrase.words).min(n);
            if !phrase.emotions.is_empty() || phrase.valence.is_some() {
                s.marked.push(first as u32);
            }
            if !phrase.emotions.is_empty() {
                s.places[first].emotion_phrase = m.phrase as u32;
                for w in &mut s.info[first..last] {
                    w.emotions = Cues::default();
                    w.flags |= flag::EMOTION_COVERED;
                }
            }
            if phrase.valence.is_some() {
                s.places[first].phrase = m.phrase as u32;
                for w in &mut s.info[first..last] {
                    w.flags = (w.flags
                        & (flag::CONTRAST
                            | flag::EMOTION_COVERED
                            | flag::NGRAM_START
                            | flag::SARCASM
                            | flag::IRONY))
                        | flag::COVERED;
                    w.booster = 0.0;
                }
            }
        }
        // The phrases' first tokens, among the words, in order.
        s.marked.sort_unstable();
        s.marked.dedup();
    }

    let rules = Rules {
        lex,
        toks: &s.tokens,
        info: &s.info,
        places: &s.places,
        cap_diff: cap_differential(&s.tokens),
    };
    #[cfg(test)]
    if s.mark_all {
        s.marked.clear();
        s.marked.extend(0..n as u32);
    }
    // Only a phrase or a sentiment word has a valence; the words a phrase
    // covers have none of their own.
    s.sentiments.clear();
    s.sentiments.resize(n, 0.0);
    for &i in &s.marked {
        let (i, info) = (i as usize, &s.info[i as usize]);
        s.sentiments[i] = if s.places[i].phrase != NO_PHRASE {
            let phrase = lex.phrase(s.places[i].phrase as usize);
            let width = phrase.words.min(n - i);
            let upper = (i..i + width).all(|k| s.tokens.is_upper(k));
            let item = if phrase.negated { Item::NegatedPhrase } else { Item::Phrase };
            let valence = phrase.valence.unwrap_or(0.0);
            rules.valence(i, valence, upper, item)
        } else if info.has(flag::COVERED)
            || info.has(flag::BOOSTER)
            || (i + 1 < n && info.has(flag::KIND) && s.info[i + 1].has(flag::OF))
        {
            0.0
        } else if info.is_sentiment() && !(opts.phrases && info.has(flag::POLITE)) {
            rules.valence(i, info.valence, s.tokens.is_upper(i), Item::Word)
        } else {
            0.0
        };
    }

    if opts.phrases && speaker != Some(Speaker::Agent) {
        mark_sarcasm(lex, s);
    }
    weigh_contrast(s);

    let customer = speaker == Some(Speaker::Customer);
    let repeat = if customer { find_repeat(s) } else { None };
    score_emotions(lex, s, customer, repeat, out);
    // A customer's complaint emotion is a negative moment even when no
    // word of it has a valence ("60??", "i didnt know i had two"): it
    // joins the sum as one more item, after the tokens.
    let complaint =
        if customer && opts.phrases { out.emotions.complaint() } else { None };
    if let Some((_, intensity)) = complaint {
        s.sentiments.push(-COMPLAINT_VALENCE * intensity);
    }
    summarise(&s.sentiments, s.tokens.exclamations(), s.tokens.questions(), out);
    out.unresolved = false;
    for &k in &s.marked {
        let (k, v) = (k as usize, s.sentiments[k as usize]);
        if v != 0.0 {
            let label = match s.places[k].phrase {
                NO_PHRASE => s.tokens.label(k),
                p => {
                    let phrase = lex.phrase(p as usize);
                    out.unresolved |= v < 0.0 && phrase.unresolved;
                    &phrase.text
                }
            };
            let cue = s.info[k].has(flag::SARCASTIC).then_some("sarcasm");
            out.push_cued_term(cue, label, k, v, None);
        }
    }
    if let Some((emotion, intensity)) = complaint {
        let v = -COMPLAINT_VALENCE * intensity;
        out.push_cued_term(Some("emotion"), emotion.name(), n, v, None);
    }
    out.check_labels();
}

/// What a customer's strongest complaint emotion adds to the valence sum,
/// per unit of intensity (VADER's scale: a mild word weighs 1 to 2). At
/// 1.0, frustration of 0.39 alone gives a valence of -0.10. Per-turn
/// Spearman of valence against people's ratings: development set polarity
/// 0.470 -> 0.499; USS SGD 0.416 -> 0.411, MultiWOZ 0.252 -> 0.262, ReDial
/// 0.329 -> 0.330, CCPE 0.332 -> 0.336. 1.5 and 2.0 gain a little more per
/// turn but cost 0.02 of `remembered` on the development set.
const COMPLAINT_VALENCE: f64 = 1.0;

/// Weight of the frustration that doubled question marks stand for
/// ("60??", "what?!"): exasperation, not a question. On the development
/// set it finds 12 more frustrated turns (51 -> 63 of 318) at the same
/// precision; DailyDialog, written without it, is unchanged.
const EXASPERATION_FRUSTRATION: f64 = 0.5;

/// Weight of the frustration a repeated run of the customer's own words
/// stands for ("I told you, my router is not working" after "my router is
/// not working"): having to say it again.
const REPEAT_FRUSTRATION: f64 = 0.5;

/// The longer word of a run of three words the customer already said in
/// an earlier turn of the interaction (a run with a word of 5 bytes or
/// more, so "i want to" does not count), and records this turn's runs.
fn find_repeat(s: &mut Scratch) -> Option<usize> {
    let toks = &s.tokens;
    // A word as a number: its packed bytes folded, or (past 15 bytes) its
    // hash; no string is hashed for the common short words.
    let word = |i: usize| match toks.key(i) {
        Some(k) => (k as u64) ^ ((k >> 64) as u64).rotate_left(17),
        None => {
            use std::hash::BuildHasher;
            rustc_hash::FxBuildHasher.hash_one(toks.lower(i))
        }
    };
    s.customer_turns = s.customer_turns.wrapping_add(1);
    let turn = s.customer_turns;
    let mix =
        |h: u64, w: u64| (h.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut found = None;
    // The words `i - 2` and `i - 1`, and whether the words `i - 2..=i` are
    // long, a bit each, `i - 2`'s the highest.
    let (mut before, mut last) = (0, 0);
    let mut long = 0u32;
    for i in 0..toks.len() {
        let w = word(i);
        long = (long << 1 | u32::from(toks.form_len(i) >= 5)) & 0b111;
        if i >= 2 && long != 0 {
            let key = mix(mix(mix(0, before), last), w);
            // One probe: a run said in an earlier turn keeps that turn's number.
            let first = *s.said.entry(key).or_insert(turn);
            if found.is_none() && first != turn {
                // The run's first long word.
                let k = match long {
                    0b100.. => 0,
                    0b010.. => 1,
                    _ => 2,
                };
                found = Some(i - 2 + k);
            }
        }
        (before, last) = (last, w);
    }
    found
}

/// Emotion cues of the turn in `s` (tokenized and phrase-scanned), with the
/// negation, booster and question rules (see `emotion.rs`).
fn score_emotions(
    lex: &Lexicon,
    s: &Scratch,
    customer: bool,
    repeat: Option<usize>,
    out: &mut TurnScore,
) {
    let n = s.tokens.len();
    let mut acc = Accumulator::default();
    let mut question_word = false;
    let mut opens_question = false;
    // The tokens before it are read: an emotion phrase is read as one.
    let mut next = 0;
    for &i in &s.marked {
        let i = i as usize;
        if i < next {
            continue;
        }
        question_word |= s.info[i].has(flag::QUESTION);
        // Speech-to-text writes no `?`: a question word opening a
        // sentence asks all the same.
        opens_question |=
            s.info[i].has(flag::QUESTION) && s.places[i].sentence as usize == i;
        let (cues, width, negatable, phrase) = if s.places[i].emotion_phrase != NO_PHRASE
        {
            let p = lex.phrase(s.places[i].emotion_phrase as usize);
            (p.emotions, p.words.min(n - i), !p.negated, Some(&*p.text))
        } else if s.info[i].has(flag::EMOTION_COVERED) {
            (Cues::default(), 1, false, None)
        } else {
            (s.info[i].emotions, 1, true, None)
        };
        if s.info[i].has(flag::SARCASTIC) {
            let label = phrase.unwrap_or_else(|| s.tokens.label(i));
            let w = SARCASM_FRUSTRATION;
            if acc.add(Emotion::Frustration, w, false, 0.0).is_some() {
                out.push_cued_term(
                    Some("sarcasm"),
                    label,
                    i,
                    w,
                    Some(Emotion::Frustration),
                );
            }
        } else if !cues.is_empty() {
            let label = phrase.unwrap_or_else(|| s.tokens.label(i));
            let back = i - s.places[i].clause as usize;
            let negated =
                negatable && (1..=3).any(|k| k <= back && s.info[i - k].negates());
            let boost = if back > 0 && s.info[i - 1].has(flag::BOOSTER) {
                s.info[i - 1].booster
            } else {
                0.0
            };
            for &(emotion, weight) in lex.cues(cues) {
                if customer && !Emotion::CUSTOMER.contains(&emotion) {
                    continue;
                }
                if let Some((e, w)) = acc.add(emotion, weight, negated, boost) {
                    out.push_term(label, i, w, Some(e));
                }
            }
        }
        next = i + width;
    }
    if let Some(i) = repeat {
        let w = REPEAT_FRUSTRATION;
        acc.add(Emotion::Frustration, w, false, 0.0);
        out.push_cued_term(
            Some("repeat"),
            s.tokens.label(i),
            i,
            w,
            Some(Emotion::Frustration),
        );
    }
    // Exasperated punctuation ("60??", "3-5 days??", "what?!").
    if customer && s.tokens.exasperated() {
        let w = EXASPERATION_FRUSTRATION;
        acc.add(Emotion::Frustration, w, false, 0.0);
        out.push_term("??", n, w, Some(Emotion::Frustration));
    }
    if (question_word && s.tokens.questions() > 0) || opens_question {
        acc.add(Emotion::Confusion, QUESTION_CONFUSION, false, 0.0);
        out.push_term("?", n, QUESTION_CONFUSION, Some(Emotion::Confusion));
    }
    out.emotions = acc.finish();
}

/// True when a word can score or cue anything: it has a valence, is a
/// question word or has emotion cues (a sarcastic word has a valence).
/// These words and the first tokens of the phrases are the turn's marked
/// tokens ([`Scratch::marked`]), the only ones the passes that score and
/// explain it visit (one in eight in contact-centre turns): the others
/// score 0 and cue nothing. A word a phrase covers stays marked, and the
/// passes skip it as they would in a walk over every token.
fn marked(w: &WordInfo) -> bool {
    w.is_sentiment() || w.has(flag::QUESTION) || !w.emotions.is_empty()
}

/// Where a token stands in its turn: its scopes, and the phrases that
/// start at it. One per token, so that a token's facts are read together.
#[derive(Clone, Copy, Debug)]
struct Place {
    /// The first token of its clause and of its sentence (0 in VADER's
    /// mode, where scope is the whole text): see [`Place::enter`].
    clause: u32,
    sentence: u32,
    /// The phrase with a valence that starts here, or `NO_PHRASE`.
    phrase: u32,
    /// The emotion phrase that starts here, or `NO_PHRASE`.
    emotion_phrase: u32,
}

impl Place {
    /// Moves the scopes on to token `i`, a word `w` after punctuation that
    /// closes `after`. A sentence ends after a token ending in `.`, `!`,
    /// `?` or `;`; a clause also ends at a comma followed by a word that
    /// opens a clause ([`flag::CLAUSE`]: "Not bad, thanks", "it's not
    /// dropping, it's dead"). Negation, boosters and the "no" and "least"
    /// rules look back only within the clause, "but" works within its
    /// sentence. Unscoped (VADER's mode) this is not called: one clause,
    /// the text.
    #[inline]
    fn enter(&mut self, i: usize, after: Close, w: &WordInfo) {
        match after {
            Close::Sentence => (self.clause, self.sentence) = (i as u32, i as u32),
            Close::Comma if w.has(flag::CLAUSE) => self.clause = i as u32,
            _ => {}
        }
    }
}

/// The longest sentence that is sarcastic on its own ("Just what I needed.").
const SARCASM_SHORT: usize = 5;

/// Weight of the frustration a sarcastic positive word stands for.
const SARCASM_FRUSTRATION: f64 = 0.6;

/// The end (exclusive) of the sentence that starts at token `from`: the
/// tokens whose sentence starts at `from`.
fn sentence_end(s: &Scratch, from: usize) -> usize {
    from + s.places[from..].iter().take_while(|p| p.sentence as usize == from).count()
}

/// VADER's "but" rule, within each sentence of the turn in `s`: the first
/// contrastive word weighs what is before it x0.5 and what is after it x1.5.
fn weigh_contrast(s: &mut Scratch) {
    // Most turns have no "but" (phrases keep the flag).
    if s.flags & flag::CONTRAST == 0 {
        return;
    }
    let n = s.info.len();
    let mut from = 0;
    while from < n {
        let to = sentence_end(s, from);
        if let Some(bi) = (from..to).find(|&k| s.info[k].has(flag::CONTRAST)) {
            for (k, v) in s.sentiments[from..to].iter_mut().enumerate() {
                match (from + k).cmp(&bi) {
                    std::cmp::Ordering::Less => *v *= 0.5,
                    std::cmp::Ordering::Greater => *v *= 1.5,
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
        from = to;
    }
}

/// Sarcasm: a positive word prone to irony ([`flag::SARCASM`]) or a
/// positive word in scare quotes, in a turn with a complaint, is read as its
/// opposite (×-0.74, like a negation) and marked [`flag::SARCASTIC`] when
///
/// - it is an interjection (a comma after it) and the rest of its clause
///   complains, with no "but" in the sentence ("oh great, another hour on
///   hold", "perfect, the router died again"; not "great trouble"), or
/// - its sentence has an irony marker ([`flag::IRONY`]: "fantastic service
///   as always"), or the word is quoted ("the \"help\" I got"), or
/// - it is a phrase that opens a short sentence (at most [`SARCASM_SHORT`]
///   tokens) with no other sentiment ("Just what I needed.").
///
/// "Thanks for nothing" and "yeah right" are phrases of their own. On
/// DailyDialog, single words alone ("Great!") and "wow" as a marker were
/// mostly sincere, so they are not cues.
fn mark_sarcasm(lex: &Lexicon, s: &mut Scratch) {
    // A complaint: a negative word or phrase, not a negated positive one
    // and not VADER's "no" (an answer: "No, that's all. Great.").
    let complains = |s: &Scratch, k: usize| {
        let base = match s.places[k].phrase {
            NO_PHRASE => s.info[k].valence,
            p => lex.phrase(p as usize).valence.unwrap_or(0.0),
        };
        s.sentiments[k] < 0.0 && base < 0.0 && !s.info[k].has(flag::NO)
    };
    let n = s.sentiments.len();
    // Most turns have no positive word that could be ironic: nothing to
    // read, and no need to look for a complaint.
    let candidate = |k: usize| {
        s.sentiments[k] > 0.0
            && (s.tokens.is_quoted(k) || s.info[k].has(flag::SARCASM | flag::IRONY))
    };
    // Only marked tokens have a valence.
    let marked = s.marked.iter().map(|&k| k as usize);
    if !marked.clone().any(candidate) || !marked.clone().any(|k| complains(s, k)) {
        return;
    }
    // One pass per sentence, backwards, so that "a complaint later in the
    // clause" is known at each word: linear in the turn's length.
    let mut from = 0;
    while from < n {
        let to = sentence_end(s, from);
        let contrast = (from..to).any(|k| s.info[k].has(flag::CONTRAST));
        let markers = (from..to).filter(|&k| s.info[k].has(flag::IRONY)).count();
        let (mut clause, mut later_complaint) = (u32::MAX, false);
        for i in (from..to).rev() {
            if s.places[i].clause != clause {
                (clause, later_complaint) = (s.places[i].clause, false);
            }
            let (v, quoted) = (s.sentiments[i], s.tokens.is_quoted(i));
            if v > 0.0 && (quoted || s.info[i].has(flag::SARCASM | flag::IRONY)) {
                let interjection = s.tokens.close(i) == Close::Comma;
                let complaint = interjection && !contrast && later_complaint;
                let marker = markers > usize::from(s.info[i].has(flag::IRONY));
                let alone = i == from
                    && s.places[i].phrase != NO_PHRASE
                    && to - from <= SARCASM_SHORT
                    && (from..to).all(|k| k == i || s.sentiments[k] == 0.0);
                if complaint || marker || quoted || alone {
                    s.sentiments[i] = v * N_SCALAR;
                    s.info[i].flags |= flag::SARCASTIC;
                }
            }
            later_complaint |= complains(s, i);
        }
        from = to;
    }
}

/// VADER's `allcap_differential`: some, but not all, tokens are ALL CAPS.
fn cap_differential(toks: &Tokens) -> bool {
    let upper = (0..toks.len()).filter(|&i| toks.is_upper(i)).count();
    upper > 0 && upper < toks.len()
}

/// VADER's `score_valence`: sum, punctuation emphasis, normalisation and the
/// proportions, into `out`'s four figures.
fn summarise(sentiments: &[f64], exclamations: u32, questions: u32, out: &mut TurnScore) {
    let ep = f64::from(exclamations.min(4)) * 0.292;
    let qm = match questions {
        0 | 1 => 0.0,
        2 | 3 => f64::from(questions) * 0.18,
        _ => 0.96,
    };
    let amplifier = ep + qm;
    let mut sum: f64 = sentiments.iter().sum();
    if sum > 0.0 {
        sum += amplifier;
    } else if sum < 0.0 {
        sum -= amplifier;
    }
    let valence = (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0);

    let (mut pos, mut neg, mut neu) = (0.0, 0.0, 0.0);
    for &v in sentiments {
        if v > 0.0 {
            pos += v + 1.0;
        } else if v < 0.0 {
            neg += v - 1.0;
        } else {
            neu += 1.0;
        }
    }
    if pos > neg.abs() {
        pos += amplifier;
    } else if pos < neg.abs() {
        neg -= amplifier;
    }
    let total = pos + neg.abs() + neu;
    out.valence = valence;
    out.positive = (pos / total).abs();
    out.negative = (neg / total).abs();
    out.neutral = (neu / total).abs();
}

/// What a sentiment item is, for the rules that treat them differently.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Item {
    /// A lexicon word: every VADER rule applies.
    Word,
    /// A phrase: no "no"-word or idiom rule (they are about single words).
    Phrase,
    /// A phrase that contains its own negation: not negated again either.
    NegatedPhrase,
}

/// The token-window rules of VADER's `sentiment_valence`.
struct Rules<'a> {
    lex: &'a Lexicon,
    toks: &'a Tokens,
    info: &'a [WordInfo],
    /// Per token, its place: the rules look no further back than the first
    /// token of its clause (see [`Place::enter`]).
    places: &'a [Place],
    cap_diff: bool,
}

impl Rules<'_> {
    /// The valence of the sentiment item (word or phrase) starting at token
    /// `i`, after the rules that look at the words before it.
    fn valence(&self, i: usize, base: f64, upper: bool, item: Item) -> f64 {
        let phrase = item != Item::Word;
        let info = self.info;
        let n = info.len();
        // Tokens before `i` in its clause: VADER's `i > k` bounds checks
        // become `back > k`, the same test when the clause is the text.
        let back = i - self.places[i].clause as usize;
        let mut v = base;
        // "no" as a negator of the next sentiment word, not a word itself.
        if !phrase && info[i].has(flag::NO) && i != n - 1 && info[i + 1].is_sentiment() {
            v = 0.0;
        }
        if item != Item::NegatedPhrase
            && ((back > 0 && info[i - 1].has(flag::NO))
                || (back > 1 && info[i - 2].has(flag::NO))
                || (back > 2
                    && info[i - 3].has(flag::NO)
                    && info[i - 1].has(flag::OR_NOR)))
        {
            v = base * N_SCALAR;
        }
        if upper && self.cap_diff {
            v += if v > 0.0 { C_INCR } else { -C_INCR };
        }
        let mut negated = false;
        for start in 0..3 {
            if back <= start || info[i - start - 1].is_sentiment() {
                continue;
            }
            let mut s = self.scalar_inc_dec(i - start - 1, v);
            if s != 0.0 {
                s *= [1.0, 0.95, 0.9][start];
            }
            v += s;
            if item != Item::NegatedPhrase && !(negated && self.lex.negate_once()) {
                let factor = self.negation_factor(start, i);
                v *= factor;
                negated |= factor == N_SCALAR;
            }
            if start == 2 && !phrase {
                v = self.special_idioms(v, i);
            }
        }
        self.least_check(v, i, back)
    }

    /// VADER's `scalar_inc_dec`: the booster increment of token `j`, signed
    /// like the valence, with the capitals increment.
    fn scalar_inc_dec(&self, j: usize, valence: f64) -> f64 {
        let w = &self.info[j];
        if !w.has(flag::BOOSTER) {
            return 0.0;
        }
        let mut s = if valence < 0.0 { -w.booster } else { w.booster };
        if self.toks.is_upper(j) && self.cap_diff {
            s += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        s
    }

    fn negated(&self, j: usize) -> bool {
        self.info[j].negates()
    }

    /// VADER's `_negation_check` for the word `start + 1` tokens back, as
    /// the factor it multiplies the valence by (`N_SCALAR` when it negates).
    fn negation_factor(&self, start: usize, i: usize) -> f64 {
        let w = |k: usize| &self.info[i - k];
        match start {
            0 if self.negated(i - 1) => N_SCALAR,
            1 if w(2).has(flag::NEVER) && w(1).has(flag::SO_THIS) => 1.25,
            1 if w(2).has(flag::WITHOUT) && w(1).has(flag::DOUBT) => 1.0,
            1 if self.negated(i - 2) => N_SCALAR,
            2 if (w(3).has(flag::NEVER) && w(2).has(flag::SO_THIS))
                || w(1).has(flag::SO_THIS) =>
            {
                1.25
            }
            2 if w(3).has(flag::WITHOUT)
                && (w(2).has(flag::DOUBT) || w(1).has(flag::DOUBT)) =>
            {
                1.0
            }
            2 if self.negated(i - 3) => N_SCALAR,
            _ => 1.0,
        }
    }

    /// True when tokens `start..start + len` spell `words`.
    fn spells(&self, start: usize, words: &[Box<str>]) -> bool {
        start + words.len() <= self.info.len()
            && words.iter().enumerate().all(|(k, w)| self.toks.lower(start + k) == &**w)
    }

    fn idiom(&self, start: usize, len: usize) -> Option<f64> {
        if !self.info[start].has(flag::NGRAM_START) {
            return None;
        }
        self.lex
            .idioms()
            .iter()
            .find(|idiom| idiom.words.len() == len && self.spells(start, &idiom.words))
            .map(|idiom| idiom.value)
    }

    /// VADER's `_special_idioms_check` (only reached with `i >= 3`).
    fn special_idioms(&self, mut v: f64, i: usize) -> f64 {
        let n = self.info.len();
        for (start, len) in [(i - 1, 2), (i - 2, 3), (i - 2, 2), (i - 3, 3), (i - 3, 2)] {
            if let Some(value) = self.idiom(start, len) {
                v = value;
                break;
            }
        }
        if n - 1 > i {
            if let Some(value) = self.idiom(i, 2) {
                v = value;
            }
        }
        if n - 1 > i + 1 {
            if let Some(value) = self.idiom(i, 3) {
                v = value;
            }
        }
        for (start, len) in [(i - 3, 3), (i - 3, 2), (i - 2, 2)] {
            if !self.info[start].has(flag::NGRAM_START) {
                continue;
            }
            for ngram in self.lex.booster_ngrams() {
                if ngram.words.len() == len && self.spells(start, &ngram.words) {
                    v += ngram.value;
                }
            }
        }
        v
    }

    /// VADER's `_least_check`.
    fn least_check(&self, v: f64, i: usize, back: usize) -> f64 {
        let least =
            |k: usize| !self.info[k].is_sentiment() && self.info[k].has(flag::LEAST);
        if back > 1 && least(i - 1) {
            if self.info[i - 2].has(flag::LEAST_EXCEPTION) {
                v
            } else {
                v * N_SCALAR
            }
        } else if back > 0 && least(i - 1) {
            v * N_SCALAR
        } else {
            v
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn lex() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| Lexicon::load("en", None).unwrap())
    }

    fn score(text: &str, phrases: bool) -> TurnScore {
        score_turn(lex(), ScoreOptions { phrases }, text, &mut Scratch::default())
    }

    /// The terms as `term:contribution|...`, two decimals.
    fn terms(s: &TurnScore) -> String {
        let entries: Vec<String> = s
            .terms
            .iter()
            .map(|t| format!("{}:{:.2}", s.label(t), t.contribution))
            .collect();
        entries.join("|")
    }

    /// The emotion terms as `term:category:weight|...`, two decimals.
    fn emotion_terms(s: &TurnScore) -> String {
        let entries: Vec<String> = s
            .emotion_terms
            .iter()
            .map(|t| {
                let e = t.emotion.map_or("", |e| e.name());
                format!("{}:{e}:{:.2}", s.label(t), t.contribution)
            })
            .collect();
        entries.join("|")
    }

    #[test]
    fn cue_negators_are_the_lexicons() {
        let text =
            "I don't think it isn't fixed, never not working: it cannot work ain't it";
        let mut scratch = Scratch::default();
        score_turn(lex(), ScoreOptions { phrases: true }, text, &mut scratch);
        let ((toks, _), negates, _) = scratch.cue_parts(lex());
        let mut negators = 0;
        for k in 0..toks.len() {
            let want = lex().token_info(toks.lower(k)).negates();
            assert_eq!(negates(k), want, "{}", toks.lower(k));
            negators += usize::from(want);
        }
        assert!(negators >= 5, "{negators} negators");
    }

    #[test]
    fn plain_labels_is_what_each_label_says() {
        let special = |b: u8| matches!(b, b'|' | b',' | b'"' | b'\n' | b'\r');
        let mut seen = [false; 2];
        for text in [
            "Great service, thanks!",
            "meh :| not sure",
            "Fine, whatever. Bye.",
            "it was good,bad and \"great\"",
            "",
            "   ",
            "I am so worried, will I lose my data??",
        ] {
            let s = score(text, true);
            let all = s.terms.iter().chain(&s.emotion_terms);
            let plain = all.clone().all(|t| !s.label(t).bytes().any(special));
            for t in all.clone() {
                // The block a writer copies starts with the label, and has
                // 16 bytes for a label of 16 or fewer (the padding).
                let (block, len) = s.label_block(t);
                assert_eq!(&block[..len], s.label(t).as_bytes());
                assert!(len > 16 || block.len() >= 16, "{text:?}");
            }
            assert_eq!(s.plain_labels(), plain, "{text:?}: {}", terms(&s));
            seen[usize::from(plain)] = true;
            // A reused score says it again.
            let mut again = score("meh :|", true);
            score_turn_into(
                lex(),
                ScoreOptions::default(),
                text,
                &mut Scratch::default(),
                &mut again,
            );
            assert_eq!(again.plain_labels(), plain, "{text:?} after another turn");
        }
        assert_eq!(seen, [true, true], "both kinds of turn are tested");
    }

    /// One case per VADER rule; expected values from vaderSentiment 3.3.2.
    #[test]
    fn vader_rules() {
        let cases: &[(&str, &str, f64)] = &[
            ("lexicon word", "The book was good.", 0.4404),
            ("exclamation", "VADER is smart, handsome, and funny!", 0.8439),
            ("booster", "VADER is very smart, handsome, and funny.", 0.8545),
            ("all caps", "VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
            ("caps and !!!", "VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
            ("negation nor", "VADER is not smart, handsome, nor funny.", -0.7424),
            ("at least", "At least it isn't a horrible book.", 0.431),
            ("kind of", "The book was only kind of good.", 0.3832),
            ("but", "The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042),
            ("caps slang", "Today SUX!", -0.5461),
            ("kinda + but", "Today only kinda sux! But I'll get by, lol", 0.5249),
            ("emoticons", "Make sure you :) or :D today!", 0.8633),
            ("emoji", "Catch utf-8 emoji such as 💘 and 💋 and 😁", 0.875),
            ("not bad", "Not bad at all", 0.431),
            ("never", "Sentiment analysis has never been good.", -0.3412),
            ("never this", "Sentiment analysis has never been this good!", 0.5672),
            ("the shit", "With VADER, sentiment analysis is the shit!", 0.6476),
            ("bad ass", "On the other hand, VADER is quite bad ass", 0.802),
            ("without doubt", "Without a doubt, excellent idea.", 0.7013),
            ("least", "Roger Dodger is one of the least compelling variations on this theme.", -0.1695),
            ("no", "no problem at all", 0.3089),
            ("questions", "Why would you do that??", 0.0),
            ("empty", "", 0.0),
        ];
        for (name, text, want) in cases {
            let got = score(text, false).valence;
            assert!(
                (got - want).abs() < 5e-5,
                "{name}: {text:?} gave {got}, VADER {want}"
            );
        }
    }

    #[test]
    fn proportions_sum_to_one() {
        for text in
            ["", "ok", "I am so happy!!", "terrible, awful service", "fine but slow"]
        {
            let s = score(text, true);
            let sum = s.positive + s.negative + s.neutral;
            assert!((sum - 1.0).abs() < 1e-9, "{text:?}: {sum}");
        }
        assert_eq!(score("", true).neutral, 1.0);
    }

    #[test]
    fn phrases_cover_their_words_and_take_negation() {
        let cases: &[(&str, &str, f64)] = &[
            // "working" alone is not a sentiment word; the phrase is negative.
            ("it is working", "", 0.0),
            ("it is still not working", "still not working", -1.0),
            ("thank you so much", "thank you so much", 1.0),
        ];
        for (text, term, sign) in cases {
            let s = score(text, true);
            assert_eq!(s.valence.signum() * sign.abs(), *sign, "{text:?}: {s:?}");
            if !term.is_empty() {
                assert!(
                    terms(&s).starts_with(&format!("{term}:")),
                    "{text:?}: {}",
                    terms(&s)
                );
            }
        }
        // Negators inside a phrase are used up by it: "isn't working" does
        // not negate the word after it.
        assert!(
            score("it isn't working terrible", true).valence
                < score("it isn't working", true).valence
        );
        // A phrase with its own negation is not negated again.
        assert!(score("That is NOT acceptable. Still not working", true).valence < -0.5);
        // A negator before a phrase flips it.
        let plain = score("that fixed it", true).valence;
        let negated = score("not that fixed it", true).valence;
        assert!(plain > 0.0 && negated < 0.0, "{plain} {negated}");
    }

    #[test]
    fn departures_from_vader() {
        // Curly apostrophe negates like the ASCII one.
        assert_eq!(
            score("I don\u{2019}t like it", false).valence,
            score("I don't like it", false).valence
        );
        // Typographic quotes are stripped.
        assert_eq!(
            score("\u{201C}great\u{201D}", false).valence,
            score("great", false).valence
        );
        // "but" scales by position: x0.5 before, x1.5 after.
        let s = score("good, but good", false);
        assert!((s.valence - score("good but good", false).valence).abs() < 1e-12);
        assert_eq!(terms(&s), "good:0.95|good:2.85");
    }

    /// Per category: a plain cue, a boosted cue, and a negated one.
    #[test]
    fn emotions_per_category() {
        use Emotion::*;
        // (text, expected dominant emotion or None for neutral)
        let cases: &[(&str, Option<Emotion>)] = &[
            ("I am so angry about this", Some(Anger)),
            ("I am not angry, just tired", None),
            ("This is still not working, third time calling", Some(Frustration)),
            ("I'm really frustrated", Some(Frustration)),
            ("I'm not frustrated at all", None),
            ("Honestly I'm disappointed, I expected better", Some(Disappointment)),
            ("I'm worried, it's urgent", Some(Anxiety)),
            ("I'm not worried about it", None),
            ("I don't understand what this charge means", Some(Confusion)),
            ("How do I reset my password?", Some(Confusion)),
            ("I'm so happy with the new router", Some(Happiness)),
            ("I'm not happy with this at all", Some(Disappointment)),
            ("Thank you so much, I really appreciate it", Some(Gratitude)),
            (
                "I'm sorry to hear that, I understand how frustrating this must be",
                Some(Empathy),
            ),
            ("I apologise for the delay", Some(Apology)),
            ("The invoice number is 4471", None),
        ];
        for (text, want) in cases {
            let s = score(text, true);
            assert_eq!(
                s.emotions.dominant(),
                *want,
                "{text:?}: {:?} {:?}",
                s.emotions,
                s.emotion_terms
            );
        }
    }

    #[test]
    fn emotion_boosters_scale_and_stems_match() {
        let plain = score("I am angry", true).emotions.get(Emotion::Anger);
        let boosted = score("I am very angry", true).emotions.get(Emotion::Anger);
        let dampened = score("I am slightly angry", true).emotions.get(Emotion::Anger);
        assert!(dampened < plain && plain < boosted, "{dampened} {plain} {boosted}");
        // An inflected form found through its stem.
        assert!(
            score("this is so frustrating", true).emotions.get(Emotion::Frustration)
                > 0.0
        );
        // Without phrases, emotion words still count.
        assert!(score("I am angry", false).emotions.get(Emotion::Anger) > 0.0);
    }

    #[test]
    fn terms_explain_the_score() {
        let s = score("I am VERY angry, this is a waste of time", true);
        assert!(terms(&s).contains("angry:"), "{}", terms(&s));
        assert!(terms(&s).contains("waste of time:"), "{}", terms(&s));
    }

    /// Scoring only the marked tokens gives what visiting every token
    /// gives, on the VADER parity texts, the golden transcripts and the
    /// contact-centre patterns, for every speaker and both modes.
    #[test]
    fn marked_tokens_score_as_every_token() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
        let mut texts = Vec::new();
        for (file, column) in [
            ("vader_parity.tsv", 0),
            ("lang/contact_centre.tsv", 2),
            ("golden/small.csv", 3),
        ] {
            let data = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
            let sep = if file.ends_with(".tsv") { '\t' } else { ',' };
            for line in data.lines().filter(|l| !l.starts_with('#')) {
                texts.extend(line.split(sep).nth(column).map(str::to_owned));
            }
        }
        assert!(texts.len() > 4000, "{}", texts.len());
        let speakers = [None, Some(Speaker::Customer), Some(Speaker::Agent)];
        for phrases in [true, false] {
            let opts = ScoreOptions { phrases };
            let (mut marked, mut all) = (Scratch::default(), Scratch::default());
            all.mark_all = true;
            let (mut a, mut b) = (TurnScore::default(), TurnScore::default());
            for (k, text) in texts.iter().enumerate() {
                let speaker = speakers[k % 3];
                score_turn_by(lex(), opts, speaker, text, &mut marked, &mut a);
                score_turn_by(lex(), opts, speaker, text, &mut all, &mut b);
                assert_eq!(a, b, "{text:?} {speaker:?} phrases {phrases}");
            }
        }
    }

    fn by(speaker: Speaker, text: &str) -> TurnScore {
        let mut out = TurnScore::default();
        let (opts, scratch) = (ScoreOptions::default(), &mut Scratch::default());
        score_turn_by(lex(), opts, Some(speaker), text, scratch, &mut out);
        out
    }

    fn customer(text: &str) -> TurnScore {
        by(Speaker::Customer, text)
    }

    fn agent(text: &str) -> TurnScore {
        by(Speaker::Agent, text)
    }

    /// Negation, "no" and boosters stop at `.` `!` `?` `;` and at a comma
    /// before a clause opener; in VADER's mode they do not.
    #[test]
    fn scope_stops_at_clause_boundaries() {
        // (text, term that must not be negated, its sign)
        let cases: &[(&str, &str)] = &[
            ("Not bad, thanks.", "thanks:1.90"),
            ("I had no idea! Thank you, you've explained it", "thank you:1.50"),
            ("It's not dropping, it's dead.", "dead:-3.30"),
            ("I don't want to cancel. Great service overall", "great:3.10"),
            ("Nothing works; great, the app crashed", "great:"),
        ];
        for (text, term) in cases {
            let s = score(text, true);
            assert!(terms(&s).contains(term), "{text:?}: {}", terms(&s));
        }
        // Still negated within a clause and across a list comma.
        assert!(score("not smart, handsome, nor funny", true).valence < 0.0);
        assert!(score("it is not good", true).valence < 0.0);
        // VADER's mode keeps VADER's scope.
        assert!(terms(&score("Not bad, thanks.", false)).contains("thanks:-1.41"));
        // Emotion negation follows the same scope.
        assert_eq!(
            score("Not bad, thanks.", true).emotions.dominant(),
            Some(Emotion::Gratitude)
        );
        // "but" weighs only its own sentence.
        let s = score("It was great. But the app is bad.", true);
        assert!(terms(&s).starts_with("great:3.10|"), "{}", terms(&s));
    }

    #[test]
    fn sarcasm_flips_ironic_praise_and_names_it() {
        let cases: &[(&str, &str)] = &[
            ("Oh great, another hour on hold. Just what I needed. Fantastic service as always.", "sarcasm:great"),
            ("Oh great, another hour on hold. Just what I needed.", "sarcasm:just what i needed"),
            ("The app is useless. Fantastic service as always.", "sarcasm:fantastic"),
            ("The \"help\" I got was useless.", "sarcasm:help"),
            ("Perfect, the router died again.", "sarcasm:perfect"),
        ];
        for (text, cue) in cases {
            let s = customer(text);
            assert!(
                s.valence < 0.0 && terms(&s).contains(cue),
                "{text:?}: {} {}",
                s.valence,
                terms(&s)
            );
            assert_eq!(
                s.emotions.get(Emotion::Happiness),
                0.0,
                "{text:?}: {}",
                emotion_terms(&s)
            );
        }
        for text in ["thanks a lot for nothing", "Thank you for nothing.", "yeah right"] {
            let s = customer(text);
            assert!(s.valence < 0.0, "{text:?}: {}", s.valence);
            assert_eq!(
                s.emotions.get(Emotion::Gratitude),
                0.0,
                "{text:?}: {}",
                emotion_terms(&s)
            );
        }
        // Sincere praise stays praise: no complaint, thanks after a "no"
        // answer, a mixed sentence with "but", and agents.
        for text in [
            "It's working now, great, thank you so much!",
            "No that is all. Thank you.",
            "Great, thanks. Why was I charged twice?",
            "The agent was great but the app is terrible",
        ] {
            assert!(
                !terms(&customer(text)).contains("sarcasm:"),
                "{text:?}: {}",
                terms(&customer(text))
            );
        }
        assert!(
            !terms(&agent("the missing sock is a nice restaurant")).contains("sarcasm:")
        );
    }

    #[test]
    fn contact_centre_phrases() {
        // (text, sign of valence: -1, 0, 1)
        let cases: &[(&str, f64)] = &[
            ("This is the third time I'm calling.", -1.0),
            ("I've called three times about this", -1.0),
            ("I keep having to call back", -1.0),
            ("Kindly reset my password", 0.0),
            ("5 working days? It was a 300 pound pair of headphones.", -1.0),
            ("It works now", 1.0),
            ("That fixed it", 1.0),
            ("Still the same", -1.0),
            ("There's nothing more I can do", -1.0),
            ("I'll have to call again", -1.0),
            ("You're not listening", -1.0),
            ("You were charged twice", -1.0),
            ("Please book it for 3 people.", 0.0),
            ("Could you please check my balance", 0.0),
            ("No, that's not right. I said Friday.", -1.0),
            ("I'd like a table for two", 0.0),
        ];
        for (text, sign) in cases {
            let v = customer(text).valence;
            let got = if v > 0.05 {
                1.0
            } else if v < -0.05 {
                -1.0
            } else {
                0.0
            };
            assert_eq!(got, *sign, "{text:?}: {v} {}", terms(&customer(text)));
        }
        // Empathy formulas are not negative for the agent.
        for text in [
            "I understand how frustrating that is, sorry.",
            "I can imagine how frustrating this must be",
            "That sounds really frustrating, let me sort that out",
        ] {
            let s = agent(text);
            assert!(s.valence >= 0.0, "{text:?}: {} {}", s.valence, terms(&s));
        }
        // ... and are the agent's empathy, not a complaint of theirs.
        for text in [
            "how frustrating that must be for you",
            "oh how annoying that must have been",
        ] {
            let s = agent(text);
            assert!(s.valence > 0.0, "{text:?}: {} {}", s.valence, terms(&s));
            assert_eq!(
                s.emotions.dominant(),
                Some(Emotion::Empathy),
                "{}",
                emotion_terms(&s)
            );
        }
        // Unresolved closings are marked for the peak-end rule.
        // A complaint emotion without a valenced word is negative, and says why.
        for text in ["3-5 days??", "i didnt know i had two accounts"] {
            let s = customer(text);
            assert!(
                s.valence < 0.0 && terms(&s).contains("emotion:"),
                "{text:?}: {} {}",
                s.valence,
                terms(&s)
            );
            assert_eq!(score(text, false).valence, 0.0, "{text:?} without phrases");
        }
        assert_eq!(agent("3-5 days??").valence, 0.0, "agents are not complaining");
        for text in
            ["Fine. Whatever. Bye.", "there's nothing more I can do", "still not fixed"]
        {
            assert!(customer(text).unresolved, "{text:?}");
        }
        assert!(!customer("that fixed it, thanks").unresolved);
        assert!(!customer("it's not still broken").unresolved, "negated");
    }

    /// Agent-only categories never on customer turns.
    #[test]
    fn customers_get_customer_categories_only() {
        let s = customer("Sorry, I am a bit confused about the bill");
        assert_eq!(s.emotions.get(Emotion::Apology), 0.0, "{}", emotion_terms(&s));
        assert_eq!(s.emotions.dominant(), Some(Emotion::Confusion));
        let s =
            customer("I'm sorry to hear that, I understand how frustrating this must be");
        assert_eq!(s.emotions.get(Emotion::Empathy), 0.0);
        assert!(agent("I apologise for the delay").emotions.get(Emotion::Apology) > 0.0);
    }

    /// The new cues, each plain and negated (or with the cue absent).
    #[test]
    fn emotion_cues_of_how_customers_write() {
        use Emotion::*;
        let cases: &[(&str, Option<Emotion>)] = &[
            ("I need this today, my flight is tomorrow", Some(Anxiety)),
            ("I'm worried I will lose my data", Some(Anxiety)),
            ("I'm not worried about it", None),
            ("I'm a bit confused", Some(Confusion)),
            ("I'm not confused", None),
            ("Why was I charged twice?", Some(Confusion)),
            ("I was charged twice", Some(Anger)),
            ("This is the third time I'm calling", Some(Frustration)),
            ("How many times do I have to explain this", Some(Frustration)),
            ("I already told you my account number", Some(Frustration)),
            ("You're not listening", Some(Frustration)),
            ("Thanks a lot for nothing", Some(Anger)),
            ("5 working days?? for a refund", Some(Frustration)),
            ("you want me to pay 60?!", Some(Frustration)),
            ("Is it today? Or tomorrow?", None),
            ("i didnt know i had two accounts", Some(Confusion)),
            ("can someone explain my bill pls", Some(Confusion)),
            ("a charge for roaming which I have not used", Some(Confusion)),
            ("I know what the charge is for", None),
            ("they changed my email, someone has my password", Some(Anxiety)),
            ("will I get my money back", Some(Anxiety)),
            ("I will get it back tomorrow", None),
        ];
        for (text, want) in cases {
            let s = customer(text);
            assert_eq!(s.emotions.dominant(), *want, "{text:?}: {}", emotion_terms(&s));
        }
    }

    /// Saying one's own words again is frustration; other words, or
    /// another interaction, are not.
    #[test]
    fn repetition_of_the_customers_own_words() {
        let mut s = Scratch::default();
        let mut out = TurnScore::default();
        let mut say = |s: &mut Scratch, speaker, text: &str| {
            score_turn_by(
                lex(),
                ScoreOptions::default(),
                Some(speaker),
                text,
                s,
                &mut out,
            );
            emotion_terms(&out)
        };
        s.start_interaction();
        assert!(!say(&mut s, Speaker::Customer, "My router keeps rebooting")
            .contains("repeat:"));
        assert!(!say(&mut s, Speaker::Agent, "my router keeps rebooting?")
            .contains("repeat:"));
        let again = say(&mut s, Speaker::Customer, "As I said my router keeps rebooting");
        assert!(again.contains("repeat:router:frustration:0.50"), "{again}");
        assert!(!say(&mut s, Speaker::Customer, "I want to know the price")
            .contains("repeat:"));
        assert!(
            !say(&mut s, Speaker::Customer, "I want to know when").contains("repeat:"),
            "short words"
        );
        s.start_interaction();
        assert!(!say(&mut s, Speaker::Customer, "My router keeps rebooting")
            .contains("repeat:"));
    }
}
