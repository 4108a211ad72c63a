//! Lexicon files: the built-in ones embedded in the binary, and the user's.
//!
//! Formats (all UTF-8, see `lexicons/README.md`):
//!
//! - VADER valence (`vader_lexicon.txt`): `term<TAB>valence<TAB>...`, no
//!   comments (VADER has emoticons starting with `#`), keys kept as written
//!   because VADER looks up `item.lower()` against them as they are.
//! - Valence (`phrases.tsv`, user `valence.tsv`): `term<TAB>valence`, `#`
//!   comments; a term of two words or more is a phrase.
//! - Emoji (`emoji_utf8_lexicon.txt`, user `emoji.tsv`): `emoji<TAB>words`.
//! - Rules (`rules.tsv`): `role<TAB>term[<TAB>value]`, `#` comments.
//! - Emotion (`emotion.tsv`): `term<TAB>category<TAB>weight`, `#` comments;
//!   weight in (0, 1]; a term may have several categories.
//!
//! Every error names the file and the 1-based line.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::{
    flag, has_infix, Cues, Lexicon, Ngram, Phrase, PhraseMatcher, StemHit, StemmerBox,
    WordInfo,
};
use crate::emotion::Emotion;
use crate::error::{Error, Result};
use crate::text::trim_punct;

/// Valences outside this range are rejected in user files (VADER's scale).
const VALENCE_RANGE: std::ops::RangeInclusive<f64> = -4.0..=4.0;

/// How a lexicon file is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// VADER's own lexicon format.
    VaderValence,
    /// `term<TAB>valence` with comments.
    Valence,
    /// `emoji<TAB>description`.
    Emoji,
    /// `role<TAB>term[<TAB>value]`.
    Rules,
    /// `term<TAB>category<TAB>weight`.
    Emotion,
}

/// One lexicon file: where it came from, its layout and its text.
#[derive(Clone, Debug)]
pub struct LexiconSource {
    /// Its path (`<built-in>/en/...` for embedded files).
    pub path: PathBuf,
    /// Its layout.
    pub kind: FileKind,
    /// Its content.
    pub text: Cow<'static, str>,
}

impl LexiconSource {
    /// The embedded files of `lang`, or `None` for an unsupported language.
    pub fn builtin(lang: &str) -> Option<Vec<LexiconSource>> {
        let language = crate::lang::get(lang)?;
        let source = |f: &crate::lang::BuiltinFile| LexiconSource {
            path: PathBuf::from(format!("<built-in>/{}/{}", language.code, f.name)),
            kind: f.kind,
            text: Cow::Borrowed(f.text),
        };
        Some(language.files.iter().map(source).collect())
    }

    /// The user's files for `lang` under `dir`: `dir/<lang>/valence.tsv`,
    /// `rules.tsv` and `emoji.tsv`, those that exist.
    pub fn user_dir(dir: &Path, lang: &str) -> Result<Vec<LexiconSource>> {
        if !dir.is_dir() {
            return Err(Error::io(
                dir,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "lexicon folder not found",
                ),
            ));
        }
        let mut out = Vec::new();
        for (name, kind) in [
            ("valence.tsv", FileKind::Valence),
            ("rules.tsv", FileKind::Rules),
            ("emoji.tsv", FileKind::Emoji),
            ("emotion.tsv", FileKind::Emotion),
        ] {
            let path = dir.join(lang).join(name);
            if path.is_file() {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                out.push(LexiconSource { path, kind, text: Cow::Owned(text) });
            }
        }
        Ok(out)
    }
}

/// Accumulates sources, later ones overriding earlier ones term by term.
pub(super) struct Builder {
    lang: String,
    words: FxHashMap<Box<str>, WordInfo>,
    emoji: FxHashMap<char, Box<str>>,
    phrases: FxHashMap<Box<str>, PhraseEntry>,
    word_emotions: FxHashMap<Box<str>, Vec<(Emotion, f64)>>,
    idioms: Vec<Ngram>,
    booster_ngrams: Vec<Ngram>,
    negation_infixes: Vec<Box<str>>,
    elisions: Vec<Box<str>>,
    negate_once: bool,
}

impl Builder {
    pub(super) fn new(lang: &str) -> Builder {
        Builder {
            lang: lang.to_string(),
            words: FxHashMap::default(),
            emoji: FxHashMap::default(),
            phrases: FxHashMap::default(),
            word_emotions: FxHashMap::default(),
            idioms: Vec::new(),
            booster_ngrams: Vec::new(),
            negation_infixes: Vec::new(),
            elisions: Vec::new(),
            negate_once: false,
        }
    }

    pub(super) fn add(&mut self, source: &LexiconSource) -> Result<()> {
        let comments = source.kind != FileKind::VaderValence;
        for (idx, raw) in source.text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || (comments && line.trim_start().starts_with('#'))
            {
                continue;
            }
            let at = |msg: String| Error::lexicon(&source.path, idx as u64 + 1, msg);
            // No kind reads past the third field: the rest (VADER's raters'
            // scores, the longest part of its lines) stays one unscanned
            // field, and no line allocates.
            let mut split = [""; 4];
            let mut n = 0;
            for (slot, field) in split.iter_mut().zip(line.splitn(4, '\t')) {
                *slot = field;
                n += 1;
            }
            let fields = &split[..n];
            match source.kind {
                FileKind::VaderValence | FileKind::Valence => {
                    let (term, value) = match fields {
                        [t, v, ..] if !t.trim().is_empty() => (t.trim(), *v),
                        _ => {
                            return Err(at(format!(
                                "expected 'term<TAB>valence', found {line:?}"
                            )))
                        }
                    };
                    let valence = parse_number(value).map_err(at)?;
                    if source.kind == FileKind::Valence
                        && !VALENCE_RANGE.contains(&valence)
                    {
                        return Err(at(format!("valence {valence} is outside [-4, 4]")));
                    }
                    self.add_valence(term, valence, source.kind == FileKind::Valence);
                    // VADER's file has more columns (its raters' scores).
                    let tag = match source.kind {
                        FileKind::Valence => fields.get(2).map(|t| t.trim()),
                        _ => None,
                    };
                    match tag {
                        None | Some("") => {}
                        Some("unresolved") => self.tag_unresolved(term).map_err(at)?,
                        Some(other) => {
                            return Err(at(format!(
                                "unknown tag '{other}' (known: unresolved)"
                            )))
                        }
                    }
                }
                FileKind::Emoji => {
                    let (key, description) = match fields {
                        [k, d, ..] if !k.is_empty() => (*k, d.trim()),
                        _ => {
                            return Err(at(format!(
                                "expected 'emoji<TAB>description', found {line:?}"
                            )))
                        }
                    };
                    let mut chars = key.chars();
                    // Only single characters are ever matched (as in VADER).
                    if let (Some(c), None) = (chars.next(), chars.next()) {
                        self.emoji.insert(c, description.into());
                    }
                }
                FileKind::Rules => self.add_rule(fields).map_err(at)?,
                FileKind::Emotion => self.add_emotion(fields).map_err(at)?,
            }
        }
        Ok(())
    }

    fn add_valence(&mut self, term: &str, valence: f64, fold_case: bool) {
        // Nearly every line is one word, which needs no word list: building
        // one per line was a third of start-up (callgrind).
        if term.split_whitespace().nth(1).is_some() {
            let words: Vec<String> = term
                .split_whitespace()
                .map(|w| trim_punct(&w.to_lowercase()).to_string())
                .collect();
            if let Some(entry) = self.phrase_entry(&words) {
                entry.valence = Some(valence);
            }
            return;
        }
        let key: Box<str> =
            if fold_case { term.to_lowercase().into() } else { term.into() };
        self.words.entry(key).or_insert(WordInfo::EMPTY).valence = valence;
    }

    /// Marks the phrase `term` as saying the problem is not solved.
    fn tag_unresolved(&mut self, term: &str) -> std::result::Result<(), String> {
        let words: Vec<String> = term
            .split_whitespace()
            .map(|w| trim_punct(&w.to_lowercase()).to_string())
            .collect();
        match self.phrase_entry(&words) {
            Some(entry) if words.len() >= 2 => {
                entry.unresolved = true;
                Ok(())
            }
            _ => Err(format!("the tag 'unresolved' is for phrases, not {term:?}")),
        }
    }

    /// The phrase entry for normalised `words`, created if new; `None` when
    /// a word is empty after normalisation (e.g. VADER's `( '}{' )`).
    fn phrase_entry(&mut self, words: &[String]) -> Option<&mut PhraseEntry> {
        if words.iter().any(|w| w.is_empty()) {
            return None;
        }
        let text: Box<str> = words.join(" ").into();
        Some(
            self.phrases.entry(text).or_insert_with(|| PhraseEntry {
                words: words.len(),
                ..Default::default()
            }),
        )
    }

    fn add_emotion(&mut self, fields: &[&str]) -> std::result::Result<(), String> {
        let [term, category, weight] = fields else {
            return Err(format!(
                "expected 'term<TAB>category<TAB>weight', found {:?}",
                fields.join("\t")
            ));
        };
        let emotion = Emotion::parse(category.trim()).ok_or_else(|| {
            let names: Vec<&str> = Emotion::ALL.iter().map(|e| e.name()).collect();
            format!("unknown emotion '{}' (known: {})", category.trim(), names.join(", "))
        })?;
        let weight = parse_number(weight)?;
        if !(weight > 0.0 && weight <= 1.0) {
            return Err(format!("weight {weight} is outside (0, 1]"));
        }
        let words: Vec<String> = term
            .split_whitespace()
            .map(|w| trim_punct(&w.to_lowercase()).to_string())
            .collect();
        let cues = match words.len() {
            0 => return Err("empty term".to_string()),
            1 if !words[0].is_empty() => {
                self.word_emotions.entry(words[0].as_str().into()).or_default()
            }
            // An emoticon (":)") is looked up as written.
            1 => self.word_emotions.entry(term.trim().to_lowercase().into()).or_default(),
            _ => match self.phrase_entry(&words) {
                Some(entry) => &mut entry.emotions,
                None => {
                    return Err(format!(
                        "term {term:?} has a word that is only punctuation"
                    ))
                }
            },
        };
        // A later line for the same term and category overrides the earlier.
        cues.retain(|(e, _)| *e != emotion);
        cues.push((emotion, weight));
        Ok(())
    }

    fn add_rule(&mut self, fields: &[&str]) -> std::result::Result<(), String> {
        let (role, term) = match fields {
            [r, t, ..] if !t.trim().is_empty() => (r.trim(), t.trim().to_lowercase()),
            _ => {
                return Err(format!(
                    "expected 'role<TAB>term[<TAB>value]', found {:?}",
                    fields.join("\t")
                ))
            }
        };
        let value = || match fields.get(2) {
            Some(v) => parse_number(v),
            None => Err(format!("rule '{role}' needs a value in the third column")),
        };
        let words = || term.split_whitespace().map(Box::from).collect::<Vec<Box<str>>>();
        let flag = match role {
            "negation" => flag::NEGATION,
            "negation-contains" => {
                self.negation_infixes.push(term.into());
                return Ok(());
            }
            "option" if term == "negate-once" => {
                self.negate_once = true;
                return Ok(());
            }
            "elision" => {
                let t = term.replace('\u{2019}', "'");
                if !t.ends_with('\'') {
                    return Err(format!("elision '{t}' must end with an apostrophe"));
                }
                self.elisions.push(t.into());
                return Ok(());
            }
            "booster" => {
                let v = value()?;
                if term.contains(' ') {
                    self.booster_ngrams.push(Ngram { words: words(), value: v });
                } else {
                    let info = self.words.entry(term.into()).or_insert(WordInfo::EMPTY);
                    info.booster = v;
                    info.flags |= flag::BOOSTER;
                }
                return Ok(());
            }
            "idiom" => {
                self.idioms.push(Ngram { words: words(), value: value()? });
                return Ok(());
            }
            "contrast" => flag::CONTRAST,
            "no" => flag::NO,
            "or-nor" => flag::OR_NOR,
            "never" => flag::NEVER,
            "so-this" => flag::SO_THIS,
            "without" => flag::WITHOUT,
            "doubt" => flag::DOUBT,
            "least" => flag::LEAST,
            "least-exception" => flag::LEAST_EXCEPTION,
            "kind" => flag::KIND,
            "question" => flag::QUESTION,
            "clause" => flag::CLAUSE,
            "sarcasm" => flag::SARCASM,
            "irony" => flag::IRONY,
            "polite" => flag::POLITE,
            "of" => flag::OF,
            other => {
                return Err(format!(
                    "unknown rule role '{other}' (known: negation, negation-contains, booster, \
                     contrast, idiom, no, or-nor, never, so-this, without, doubt, least, \
                     least-exception, kind, of, question, clause, sarcasm, irony, polite, elision, option negate-once)"
                ))
            }
        };
        self.words.entry(term.into()).or_insert(WordInfo::EMPTY).flags |= flag;
        Ok(())
    }

    pub(super) fn build(mut self) -> Result<Lexicon> {
        let mut emotion_cues = Vec::new();
        let mut push = |cues: &[(Emotion, f64)]| {
            let start = emotion_cues.len() as u32;
            emotion_cues.extend_from_slice(cues);
            Cues { start, len: cues.len() as u32 }
        };

        // Words: by surface form, and by stem for inflected forms. Valence
        // by stem only outside English: VADER matches its lexicon as written.
        let stemmer = stemmer_for(&self.lang);
        // Per stem: the merged emotion cues, and the sum and count of the
        // valences of its words.
        type StemCues = (Vec<(Emotion, f64)>, f64, u32);
        let mut by_stem: FxHashMap<Box<str>, StemCues> = FxHashMap::default();
        let mut words: Vec<_> = self.word_emotions.into_iter().collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        for (word, cues) in &words {
            let info = self.words.entry(word.clone()).or_insert(WordInfo::EMPTY);
            info.emotions = push(cues);
            if let Some(s) = &stemmer {
                let merged =
                    &mut by_stem.entry(s.1.stem(word).as_ref().into()).or_default().0;
                for &(e, w) in cues {
                    match merged.iter_mut().find(|(m, _)| *m == e) {
                        Some(slot) => slot.1 = slot.1.max(w),
                        None => merged.push((e, w)),
                    }
                }
            }
        }
        if let (Some(s), false) = (&stemmer, self.lang == "en") {
            let mut valued: Vec<(&Box<str>, f64)> = self
                .words
                .iter()
                .filter(|(_, i)| i.is_sentiment())
                .map(|(w, i)| (w, i.valence))
                .collect();
            valued.sort_by(|a, b| a.0.cmp(b.0));
            for (word, valence) in valued {
                let entry = by_stem.entry(s.1.stem(word).as_ref().into()).or_default();
                entry.1 += valence;
                entry.2 += 1;
            }
        }
        let mut stems: Vec<_> = by_stem.into_iter().collect();
        stems.sort_by(|a, b| a.0.cmp(&b.0));
        let stems = stems
            .into_iter()
            .map(|(stem, (cues, sum, n))| {
                let valence = if n > 0 { sum / f64::from(n) } else { f64::NAN };
                (stem, StemHit { valence, cues: push(&cues) })
            })
            .collect();

        let is_negator = |w: &str| {
            self.words.get(w).is_some_and(|i| i.has(flag::NEGATION))
                || has_infix(&self.negation_infixes, w)
        };
        // Phrases are matched on tokens, and the tokenizer splits elided
        // articles off ("n'a" -> "n'" "a", whose forms are "n" and "a"):
        // spell the phrases the same way.
        let mut phrases_by_text: FxHashMap<Box<str>, PhraseEntry> = FxHashMap::default();
        let mut sorted: Vec<_> = self.phrases.into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (text, mut entry) in sorted {
            let words = split_phrase_elisions(&text, &self.elisions);
            entry.words = words.len();
            let merged = phrases_by_text.entry(words.join(" ").into()).or_default();
            merged.words = entry.words;
            merged.valence = entry.valence.or(merged.valence);
            if !entry.emotions.is_empty() {
                merged.emotions = entry.emotions;
            }
            merged.unresolved |= entry.unresolved;
        }
        let mut entries: Vec<_> = phrases_by_text.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        inherit_inner_phrases(&mut entries);
        let phrases: Vec<Phrase> = entries
            .into_iter()
            .map(|(text, entry)| Phrase {
                negated: text.split(' ').any(is_negator),
                text,
                words: entry.words,
                valence: entry.valence,
                emotions: push(&entry.emotions),
                unresolved: entry.unresolved,
            })
            .collect();
        // The effort and resolution cues of the language share the codes,
        // so each token is coded once for both scans.
        let cues = crate::summary::cues::CueLexicon::builtin(&self.lang);
        let texts: Vec<&str> = phrases.iter().map(|p| &*p.text).collect();
        let cue_texts: Vec<&str> = cues.map(|c| c.texts().collect()).unwrap_or_default();
        let matcher = PhraseMatcher::build([&texts, &cue_texts]);
        for ngram in self.idioms.iter().chain(&self.booster_ngrams) {
            if let Some(first) = ngram.words.first() {
                let info = self.words.entry(first.clone()).or_insert(WordInfo::EMPTY);
                info.flags |= flag::NGRAM_START;
            }
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 =
            std::sync::atomic::AtomicU64::new(0);
        let compounds = crate::lang::get(&self.lang).is_some_and(|l| l.compounds);
        Ok(Lexicon {
            compounds,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            lang: self.lang,
            words: self.words,
            emoji: self.emoji,
            phrases,
            matcher,
            idioms: self.idioms,
            booster_ngrams: self.booster_ngrams,
            negation_infixes: self.negation_infixes,
            emotion_cues,
            stems,
            stemmer,
            elisions: self.elisions,
            negate_once: self.negate_once,
        })
    }
}

/// A phrase being built: valence and emotion cues may come from different
/// files.
#[derive(Default)]
struct PhraseEntry {
    words: usize,
    valence: Option<f64>,
    emotions: Vec<(Emotion, f64)>,
    unresolved: bool,
}

/// Valence and emotion phrases share one leftmost-longest automaton, so a
/// longer phrase hides the shorter ones inside it ("sorry to hear that"
/// hides the empathy cue "sorry to hear"). A phrase without valence (or
/// without emotions) takes them from the longest phrase inside it that has
/// them.
fn inherit_inner_phrases(entries: &mut [(Box<str>, PhraseEntry)]) {
    let index: FxHashMap<&str, usize> =
        entries.iter().enumerate().map(|(i, (t, _))| (&**t, i)).collect();
    // The phrases inside phrase `i`, longest first (contiguous word runs).
    let inner = |i: usize| {
        let words: Vec<&str> = entries[i].0.split(' ').collect();
        let mut found = Vec::new();
        for len in (2..words.len()).rev() {
            for start in 0..=words.len() - len {
                if let Some(&j) = index.get(words[start..start + len].join(" ").as_str())
                {
                    found.push(j);
                }
            }
        }
        found
    };
    let inherited: Vec<(Option<usize>, Option<usize>)> = (0..entries.len())
        .map(|i| {
            let e = &entries[i].1;
            if e.valence.is_some() && !e.emotions.is_empty() {
                return (None, None);
            }
            let inside = inner(i);
            let valence = if e.valence.is_none() {
                inside.iter().copied().find(|&j| entries[j].1.valence.is_some())
            } else {
                None
            };
            let emotions = if e.emotions.is_empty() {
                inside.iter().copied().find(|&j| !entries[j].1.emotions.is_empty())
            } else {
                None
            };
            (valence, emotions)
        })
        .collect();
    for (i, (valence, emotions)) in inherited.into_iter().enumerate() {
        if let Some(j) = valence {
            entries[i].1.valence = entries[j].1.valence;
        }
        if let Some(j) = emotions {
            entries[i].1.emotions = entries[j].1.emotions.clone();
        }
    }
}

/// The words of a phrase as the tokenizer will see them: elided articles
/// split off and, like every token's phrase form, stripped of punctuation.
fn split_phrase_elisions(text: &str, elisions: &[Box<str>]) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(' ') {
        let split = elisions.iter().find_map(|e| {
            word.strip_prefix(&**e)
                .filter(|rest| !rest.is_empty())
                .map(|rest| (&word[..e.len()], rest))
        });
        match split {
            Some((article, rest)) => {
                let a = trim_punct(article);
                if !a.is_empty() {
                    out.push(a.to_string());
                }
                out.push(trim_punct(rest).to_string());
            }
            None => out.push(word.to_string()),
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// The Snowball stemmer of a language, if it has one.
fn stemmer_for(lang: &str) -> Option<StemmerBox> {
    let algorithm = crate::lang::get(lang)?.stemmer;
    Some(StemmerBox(algorithm, rust_stemmers::Stemmer::create(algorithm)))
}

fn parse_number(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{}' is not a number", s.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(kind: FileKind, text: &str) -> LexiconSource {
        LexiconSource { path: "test.tsv".into(), kind, text: Cow::Owned(text.into()) }
    }

    fn build(sources: &[LexiconSource]) -> Result<Lexicon> {
        let mut b = Builder::new("en");
        for s in sources {
            b.add(s)?;
        }
        b.build()
    }

    #[test]
    fn builtin_english_loads() {
        let lex = Lexicon::load("en", None).unwrap();
        assert_eq!(lex.word("good").valence, 1.9);
        assert!(lex.word("very").has(flag::BOOSTER));
        assert!(lex.word("not").has(flag::NEGATION));
        assert!(lex.phrase_count() > 100);
        assert!(lex.emoji().len() > 1000);
        // VADER's multi-word lexicon entries become phrases.
        assert!((0..lex.phrase_count()).any(|i| &*lex.phrase(i).text == "fed up"));
    }

    #[test]
    fn every_builtin_lexicon_loads() {
        for code in crate::lang::LANGUAGES.iter().map(|l| l.code) {
            let lex = Lexicon::load(code, None).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert!(lex.word_count() > 1000, "{code}: {} words", lex.word_count());
            assert!(lex.phrase_count() > 100, "{code}: {} phrases", lex.phrase_count());
        }
    }

    #[test]
    fn compounds_are_found_by_their_head() {
        let de = Lexicon::load("de", None).unwrap();
        for (word, sign) in [
            ("riesenenttäuschung", -1.0),
            ("servicekatastrophe", -1.0),
            ("kundenärger", -1.0),
        ] {
            let v = de.token_info(word).valence;
            assert!(v * sign > 0.0, "{word}: {v}");
        }
        let nl = Lexicon::load("nl", None).unwrap();
        assert!(nl.token_info("klantonvriendelijk").valence < 0.0);
        assert!(nl.token_info("klantenservice").valence.is_nan(), "no known head");
        // Short parts are not split off, and languages without compounds
        // do not split.
        assert!(de.token_info("abär").valence.is_nan());
        let fr = Lexicon::load("fr", None).unwrap();
        assert!(fr.token_info("xyzwcatastrophe").valence.is_nan());
    }

    #[test]
    fn later_sources_override() {
        let lex = build(&[
            source(FileKind::VaderValence, "good\t1.9\t0.9\t[]\n:D\t2.3\n"),
            source(FileKind::Valence, "# mine\nGood\t-1\nhold the line\t-1.5\n"),
        ])
        .unwrap();
        assert_eq!(lex.word("good").valence, -1.0);
        assert!(lex.word(":d").valence.is_nan(), "VADER never finds upper-case keys");
        assert_eq!(&*lex.phrase(0).text, "hold the line");
        assert_eq!(lex.phrase(0).words, 3);
        assert!(!lex.phrase(0).negated);
    }

    #[test]
    fn emotions_by_word_stem_and_phrase() {
        let lex = build(&[
            source(FileKind::Valence, "sorry to hear that\t0.4\n"),
            source(FileKind::Emotion, "# cues\nfrustrated\tfrustration\t0.8\nsorry to hear\tempathy\t1\nfurious\tanger\t1\nfurious\tanger\t0.9\n"),
        ])
        .unwrap();
        let cues = |c| lex.cues(c).to_vec();
        assert_eq!(
            cues(lex.word("frustrated").emotions),
            vec![(Emotion::Frustration, 0.8)]
        );
        assert_eq!(
            cues(lex.word("furious").emotions),
            vec![(Emotion::Anger, 0.9)],
            "later line wins"
        );
        // Inflected forms are found by their Snowball stem.
        assert_eq!(
            cues(lex.stem_hit("frustrating").cues),
            vec![(Emotion::Frustration, 0.8)]
        );
        assert!(lex.stem_hit("table").cues.is_empty());
        // The longer valence phrase inherits the empathy cue it hides.
        let p = (0..lex.phrase_count())
            .map(|i| lex.phrase(i))
            .find(|p| &*p.text == "sorry to hear that")
            .unwrap();
        assert_eq!(p.valence, Some(0.4));
        assert_eq!(cues(p.emotions), vec![(Emotion::Empathy, 1.0)]);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                FileKind::Valence,
                "good\t1\nbad\n",
                "test.tsv:2: lexicon: expected 'term<TAB>valence'",
            ),
            (FileKind::Valence, "good\tx\n", "test.tsv:1: lexicon: 'x' is not a number"),
            (
                FileKind::Valence,
                "\n\ngood\t9\n",
                "test.tsv:3: lexicon: valence 9 is outside [-4, 4]",
            ),
            (
                FileKind::Rules,
                "booster\tvery\n",
                "test.tsv:1: lexicon: rule 'booster' needs a value",
            ),
            (
                FileKind::Rules,
                "frob\tvery\n",
                "test.tsv:1: lexicon: unknown rule role 'frob'",
            ),
            (
                FileKind::Emotion,
                "mad\trage\t1\n",
                "test.tsv:1: lexicon: unknown emotion 'rage' (known: anger,",
            ),
            (
                FileKind::Emotion,
                "mad\tanger\t1.5\n",
                "test.tsv:1: lexicon: weight 1.5 is outside (0, 1]",
            ),
            (
                FileKind::Emotion,
                "mad\tanger\n",
                "test.tsv:1: lexicon: expected 'term<TAB>category<TAB>weight'",
            ),
        ];
        for (kind, text, want) in cases {
            let err = build(&[source(kind, text)]).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }
}
