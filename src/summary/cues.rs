//! Cue phrases of effort and resolution, found in a turn's tokens.
//!
//! The phrases are data (`lexicons/<lang>/effort.tsv` and `resolution.tsv`,
//! embedded in the binary): `phrase<TAB>kind<TAB>speaker`. They are matched
//! on the tokens that scoring already made ([`crate::text::Tokens`], the
//! forms: lowercase, surrounding punctuation stripped), by one
//! leftmost-longest search over word codes, the lexicon's own scan
//! (`PhraseMatcher`, whose [`crate::lexicon::PhraseSet::Cues`] the lexicon builds from
//! [`CueLexicon::texts`]): scoring finds its phrases and these cues in one
//! pass, and a cue always covers whole tokens.
//!
//! What a match means depends on its context, decided here once so that
//! effort and resolution see only facts:
//!
//! - said by the wrong party (a `customer` cue in an agent turn): ignored;
//! - a negator in the three tokens before it ("I haven't called before"):
//!   ignored, except a cue of success (`works`, `done`, `thanks`), which
//!   then is evidence of failure ("that hasn't fixed it" is
//!   [`CueHit::negated`]);
//! - a `condition` word ("if", "unless") in the three tokens before it,
//!   in the same clause: ignored ("if it's still not working, call us");
//! - a `works` cue in a sentence that ends in `?` ("is it working now?"):
//!   ignored.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::lexicon::PhraseMatch;
use crate::text::{trim_punct, Tokens};

/// What a cue says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CueKind {
    /// The customer has been in touch about this before.
    RepeatContact,
    /// The customer says again what they already said.
    RepeatSelf,
    /// The customer is sent to someone else.
    Transfer,
    /// The agent announces a hold: the gap after the turn is one.
    Hold,
    /// The agent thanks for holding: the gap before the turn was a hold.
    HoldEnd,
    /// The customer confirms it works, or thanks for the fix.
    Works,
    /// The agent says the request is carried out.
    Done,
    /// The customer's gratitude at the close: evidence of success only when
    /// nothing else is said about the outcome.
    Thanks,
    /// The customer says the problem remains.
    StillFails,
    /// The agent cannot help.
    CannotHelp,
    /// The agent promises to come back later.
    Callback,
    /// The agent hands the problem on.
    Escalated,
    /// The agent opens a case to be worked on later.
    Ticket,
    /// Makes a cue right after it hypothetical ("if").
    Condition,
}

impl CueKind {
    const ALL: [CueKind; 14] = [
        CueKind::RepeatContact,
        CueKind::RepeatSelf,
        CueKind::Transfer,
        CueKind::Hold,
        CueKind::HoldEnd,
        CueKind::Works,
        CueKind::Done,
        CueKind::Thanks,
        CueKind::StillFails,
        CueKind::CannotHelp,
        CueKind::Callback,
        CueKind::Escalated,
        CueKind::Ticket,
        CueKind::Condition,
    ];

    /// The name used in the lexicon files.
    pub fn name(self) -> &'static str {
        match self {
            CueKind::RepeatContact => "repeat_contact",
            CueKind::RepeatSelf => "repeat_self",
            CueKind::Transfer => "transfer",
            CueKind::Hold => "hold",
            CueKind::HoldEnd => "hold_end",
            CueKind::Works => "works",
            CueKind::Done => "done",
            CueKind::Thanks => "thanks",
            CueKind::StillFails => "still_fails",
            CueKind::CannotHelp => "cannot_help",
            CueKind::Callback => "callback",
            CueKind::Escalated => "escalated",
            CueKind::Ticket => "ticket",
            CueKind::Condition => "condition",
        }
    }

    /// Evidence of success, which a negator turns into evidence of failure.
    pub fn says_it_works(self) -> bool {
        matches!(self, CueKind::Works | CueKind::Done | CueKind::Thanks)
    }

    fn parse(name: &str) -> Option<CueKind> {
        CueKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Who must say a cue for it to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Customer,
    Agent,
    Any,
}

#[derive(Clone, Debug)]
struct Cue {
    text: Box<str>,
    kind: CueKind,
    who: Who,
}

/// The cue phrases of one language.
#[derive(Debug)]
pub struct CueLexicon {
    /// In the order of the patterns of [`PhraseSet::Cues`].
    cues: Vec<Cue>,
    /// The `condition` words (not phrases: they are looked for only before
    /// a match, so they do not make every turn with an "if" scanned).
    conditions: FxHashSet<Box<str>>,
}

/// One cue that counts, found in a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CueHit {
    /// The index of the turn in its interaction.
    pub turn: usize,
    /// What it says.
    pub kind: CueKind,
    /// The phrase, as in the lexicon.
    pub label: &'static str,
    /// A cue of success under a negator: evidence that it did not work.
    pub negated: bool,
}

/// The built-in cue files of one language.
macro_rules! cue_files {
    ($code:literal) => {
        (
            $code,
            &[
                (
                    "effort.tsv",
                    include_str!(concat!("../../lexicons/", $code, "/effort.tsv")),
                ),
                (
                    "resolution.tsv",
                    include_str!(concat!("../../lexicons/", $code, "/resolution.tsv")),
                ),
            ],
        )
    };
}

/// The built-in cue files, per language.
const BUILTIN: &[(&str, &[(&str, &str)])] = &[
    cue_files!("en"),
    cue_files!("fr"),
    cue_files!("de"),
    cue_files!("es"),
    cue_files!("it"),
    cue_files!("pt"),
    cue_files!("nl"),
    cue_files!("ro"),
];

/// Loaded built-in lexicons, in the order of [`BUILTIN`].
static LOADED: [OnceLock<CueLexicon>; BUILTIN.len()] =
    [const { OnceLock::new() }; BUILTIN.len()];

impl CueLexicon {
    /// The built-in cues of a language; `None` for a language without cue
    /// files (effort then has only its timing and turn-count terms, and
    /// `resolved` is empty).
    pub fn builtin(lang: &str) -> Option<&'static CueLexicon> {
        let at = BUILTIN.iter().position(|(code, _)| *code == lang)?;
        Some(LOADED[at].get_or_init(|| {
            let files = BUILTIN[at]
                .1
                .iter()
                .map(|(name, text)| (format!("<built-in>/{lang}/{name}"), *text));
            CueLexicon::parse(files).expect("built-in cue files load (tested)")
        }))
    }

    /// Parses cue files given as `(path, text)`; errors name the path and
    /// line.
    pub fn parse<'t>(
        files: impl IntoIterator<Item = (String, &'t str)>,
    ) -> Result<CueLexicon> {
        let mut cues: Vec<Cue> = Vec::new();
        let mut conditions = FxHashSet::default();
        let mut seen: FxHashMap<Box<str>, usize> = FxHashMap::default();
        for (path, text) in files {
            for (idx, raw) in text.lines().enumerate() {
                let line = raw.trim_end_matches('\r');
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let at = |msg: String| Error::lexicon(&path, idx as u64 + 1, msg);
                let [phrase, kind, who] = line.split('\t').collect::<Vec<_>>()[..] else {
                    return Err(at(format!(
                        "expected 'phrase<TAB>kind<TAB>speaker', found {line:?}"
                    )));
                };
                let kind = CueKind::parse(kind.trim())
                    .ok_or_else(|| at(format!("unknown cue kind {kind:?}")))?;
                let who = match who.trim() {
                    "customer" => Who::Customer,
                    "agent" => Who::Agent,
                    "any" => Who::Any,
                    other => {
                        return Err(at(format!(
                            "speaker must be customer, agent or any, found {other:?}"
                        )))
                    }
                };
                let words: Vec<&str> =
                    phrase.split_whitespace().map(trim_punct).collect();
                if words.iter().any(|w| w.is_empty()) || words.is_empty() {
                    return Err(at(format!("empty cue phrase {phrase:?}")));
                }
                let text: Box<str> = words.join(" ").to_lowercase().into();
                if kind == CueKind::Condition {
                    if words.len() > 1 {
                        return Err(at(format!(
                            "a condition is one word, found {text:?}"
                        )));
                    }
                    conditions.insert(text);
                    continue;
                }
                if let Some(&first) = seen.get(&text) {
                    return Err(at(format!(
                        "cue {text:?} is listed twice (first as {})",
                        cues[first].kind.name()
                    )));
                }
                seen.insert(text.clone(), cues.len());
                cues.push(Cue { text, kind, who });
            }
        }
        if cues.is_empty() {
            return Err(Error::config("cue files hold no cue"));
        }
        Ok(CueLexicon { cues, conditions })
    }

    /// The cue phrases (lowercase words joined by single spaces), for the
    /// lexicon's [`crate::lexicon::PhraseSet::Cues`].
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.cues.iter().map(|c| &*c.text)
    }

    /// Appends the cues of one turn that count to `out`.
    ///
    /// `toks` are the turn's tokens and `found` the cues the lexicon's
    /// scan found in them (`PhraseSet::Cues`); `text` is the turn's text
    /// (for the question rule); `negates` tells whether the token at an
    /// index is a negator (the scoring lexicon's rule words).
    pub fn scan(
        &'static self,
        (toks, found): (&Tokens, &[PhraseMatch]),
        text: &str,
        (turn, customer): (usize, bool),
        negates: impl Fn(usize) -> bool,
        s: &mut CueScratch,
        out: &mut Vec<CueHit>,
    ) {
        let n = toks.len();
        let mut words = std::mem::take(&mut s.words);
        for m in found {
            let cue = &self.cues[m.phrase];
            let first = m.first;
            let said = match cue.who {
                Who::Customer => customer,
                Who::Agent => !customer,
                Who::Any => true,
            };
            let conditional = said
                && (first.saturating_sub(3)..first).any(|k| {
                    self.conditions.contains(toks.form(k))
                        && !boundary_between(&mut words, text, n, k, first)
                });
            if !said || conditional {
                continue;
            }
            let negated = (first.saturating_sub(3)..first)
                .any(|k| negates(k) && !boundary_between(&mut words, text, n, k, first));
            if negated && !cue.kind.says_it_works() {
                continue;
            }
            if cue.kind == CueKind::Works
                && !negated
                && toks.questions() > 0
                && in_question(text, &cue.text)
            {
                continue;
            }
            out.push(CueHit { turn, kind: cue.kind, label: &cue.text, negated });
        }
        s.words = words;
    }
}

/// True when the first sentence of `text` holding the words of `cue` ends
/// in `?` (sentences end at `.`, `!` or `?`). Runs only for a `works` cue in
/// a turn with a `?`, so it may take its time.
fn in_question(text: &str, cue: &str) -> bool {
    let cue: Vec<&str> = cue.split(' ').collect();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['.', '!', '?']).map_or(rest.len(), |e| e + 1);
        let (sentence, tail) = rest.split_at(end);
        let words: Vec<String> = sentence
            .split_whitespace()
            .map(|w| trim_punct(&w.replace('\u{2019}', "'").to_lowercase()).to_string())
            .collect();
        if words.windows(cue.len()).any(|w| w.iter().zip(&cue).all(|(a, b)| a == b)) {
            return sentence.ends_with('?');
        }
        rest = tail;
    }
    false
}

/// True when a clause ends (`. ! ? ; : ,`) between token `from` and
/// token `to` of `text`'s `n` tokens: "Not at all. I've processed it"
/// is not negated. The tokens lose their punctuation, so this reads the
/// white-space-separated words of the text, which are the tokens
/// unless emoji or elisions were split off (then there is no
/// boundary). Runs only for a cue with a negator or condition before it.
fn boundary_between(
    words: &mut Vec<(usize, usize)>,
    text: &str,
    n: usize,
    from: usize,
    to: usize,
) -> bool {
    words.clear();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    words.len() == n
        && words[from..to].iter().any(|&(s, e)| {
            let word =
                text[s..e].trim_end_matches(['"', '\'', ')', '\u{201D}', '\u{2019}']);
            word.ends_with(['.', '!', '?', ';', ':', ','])
        })
}

/// A worker's buffers for [`CueLexicon::scan`], reused for every turn.
#[derive(Debug, Default)]
pub struct CueScratch {
    /// The turn's words, read from its text on demand.
    words: Vec<(usize, usize)>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lexicon::{Found, Lexicon, PhraseSet};
    use crate::text::tokenize;

    /// The cues that count in `text`, said by the customer or the agent.
    pub(crate) fn hits(text: &str, customer: bool) -> Vec<CueHit> {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        let lex = LEX.get_or_init(|| Lexicon::load("en", None).unwrap());
        let cues = CueLexicon::builtin("en").unwrap();
        let mut toks = Tokens::default();
        tokenize(text, lex.emoji(), lex.elisions(), &mut toks);
        let codes: Vec<_> =
            (0..toks.len()).map(|i| lex.token_info(toks.lower(i)).phrase_code).collect();
        let mut found = Found::default();
        lex.phrase_matcher().unwrap().scan(|i| codes[i], codes.len(), &mut found);
        let mut out = Vec::new();
        cues.scan(
            (&toks, found.of(PhraseSet::Cues)),
            text,
            (0, customer),
            |k| lex.token_info(toks.lower(k)).negates(),
            &mut CueScratch::default(),
            &mut out,
        );
        out
    }

    /// [`hits`] as `kind:label` (`!` before a negated one).
    pub(crate) fn cues(text: &str, customer: bool) -> Vec<String> {
        hits(text, customer)
            .iter()
            .map(|h| {
                format!(
                    "{}{}:{}",
                    if h.negated { "!" } else { "" },
                    h.kind.name(),
                    h.label
                )
            })
            .collect()
    }

    #[test]
    fn builtin_files_load() {
        assert!(CueLexicon::builtin("en").unwrap().cues.len() > 500);
        assert!(CueLexicon::builtin("xx").is_none());
    }

    #[test]
    fn every_cue_is_found_as_written() {
        let lex = CueLexicon::builtin("en").unwrap();
        for cue in &lex.cues {
            let customer = cue.who != Who::Agent;
            let found = hits(&format!("{}.", cue.text), customer);
            assert!(
                found.iter().any(|h| h.label == &*cue.text && h.kind == cue.kind),
                "{:?} ({}) found as {found:?}",
                cue.text,
                cue.kind.name()
            );
        }
    }

    #[test]
    fn context_rules() {
        // (text, said by the customer, cues that count)
        let cases: &[(&str, bool, &[&str])] = &[
            ("That fixed it, thanks!", true, &["works:that fixed it"]),
            ("That hasn't fixed it.", true, &["!works:fixed it"]),
            ("Is it working now?", true, &[]),
            (
                "It's working now! Can I ask something else?",
                true,
                &["works:it's working"],
            ),
            ("That fixed it, thanks!", false, &[]),
            ("If it's still not working, call us back.", true, &[]),
            ("It's still not working.", true, &["still_fails:still not working"]),
            ("I haven't called before.", true, &[]),
            (
                "I called yesterday about this.",
                true,
                &["repeat_contact:called yesterday"],
            ),
            ("I called yesterday about this.", false, &[]),
            ("Let me transfer you.", false, &["transfer:let me transfer you"]),
            ("Please hold.", false, &["hold:please hold"]),
            ("Thanks for holding.", false, &["hold_end:thanks for holding"]),
            ("I was charged twice!", true, &[]),
            (
                "Not at all. I've processed the cancellation.",
                false,
                &["done:i've processed"],
            ),
            ("I haven't processed it yet.", false, &[]),
            ("Thanks, but it's not working again.", true, &["still_fails:not working"]),
            ("Once it's working again, call us.", true, &[]),
            ("If not, fine. It works now.", true, &["works:it works now"]),
            ("Thank you so much!", true, &["thanks:thank you so much"]),
            ("Thanks for nothing.", true, &["still_fails:thanks for nothing"]),
        ];
        for (text, customer, want) in cases {
            assert_eq!(cues(text, *customer), *want, "{text:?}");
        }
    }

    #[test]
    fn parse_errors_name_the_line() {
        let bad = [
            ("fixed it\tworks", "expected 'phrase<TAB>kind<TAB>speaker'"),
            ("fixed it\tsolved\tcustomer", "unknown cue kind"),
            ("fixed it\tworks\tboth", "speaker must be"),
            ("fixed it\tworks\tany\nfixed it\tworks\tany", "listed twice"),
        ];
        for (text, msg) in bad {
            let err = CueLexicon::parse([("x.tsv".to_string(), text)]).unwrap_err();
            let shown = err.to_string();
            assert!(shown.contains("x.tsv") && shown.contains(msg), "{shown}");
        }
    }
}
