//! Scoring one whole interaction: choose its language, score every turn,
//! summarise the customer's turns with the peak-end rule.

use std::path::Path;
use std::sync::OnceLock;

use crate::emotion::{summarise, EmotionMoment, EmotionSummary};
use crate::error::Result;
use crate::lang;
use crate::lexicon::Lexicon;
use crate::peak_end::{peak_end, Moment, PeakEnd, PeakEndParams};
use crate::record::{Interaction, Speaker};
use crate::score::{score_turn_into, ScoreOptions, Scratch, TurnScore};

/// How the language of an interaction is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LangChoice {
    /// The input's `language` value when present; otherwise detected from
    /// the customer's text. Unsupported or undetectable: the default
    /// language, counted in the summary.
    Auto,
    /// One language for everything.
    Fixed(&'static str),
}

/// Why an interaction was scored in the default language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangFallback {
    /// The input named, or detection found, a language without a lexicon.
    Unsupported,
    /// Too little text to detect the language reliably.
    Undetected,
}

/// Everything needed to score interactions; shared read-only by workers.
#[derive(Debug)]
pub struct Engine {
    /// One slot per supported language, loaded on first use (start-up stays
    /// fast however many languages ship).
    lexicons: Vec<(&'static str, OnceLock<Lexicon>)>,
    lang: LangChoice,
    options: ScoreOptions,
    params: PeakEndParams,
}

/// The scores of one interaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scored {
    /// The language the interaction was scored in.
    pub language: &'static str,
    /// Why the default language was used, if it was a fallback.
    pub lang_fallback: Option<LangFallback>,
    /// One score per turn, in the interaction's turn order.
    pub turns: Vec<TurnScore>,
    /// The peak-end summary.
    pub summary: PeakEnd,
    /// The emotional summary.
    pub emotions: EmotionSummary,
}

impl Engine {
    /// Loads the lexicons (built-in, plus `user_lexicons` on top).
    ///
    /// The default language, and every language the user's folder has files
    /// for, are loaded now so that their errors surface before any input is
    /// read; the others on first use.
    pub fn new(
        lang: LangChoice,
        user_lexicons: Option<&Path>,
        options: ScoreOptions,
        params: PeakEndParams,
    ) -> Result<Engine> {
        params.validate()?;
        let mut lexicons = Vec::new();
        for &code in lang::SUPPORTED {
            let slot = OnceLock::new();
            let has_user_files = user_lexicons.is_some_and(|d| d.join(code).is_dir());
            if code == lang::DEFAULT || has_user_files || lang == LangChoice::Fixed(code)
            {
                let _ = slot.set(Lexicon::load(code, user_lexicons)?);
            }
            lexicons.push((code, slot));
        }
        if let Some(dir) = user_lexicons {
            // A missing folder is an error even when no language uses it.
            crate::lexicon::LexiconSource::user_dir(dir, lang::DEFAULT)?;
        }
        Ok(Engine { lexicons, lang, options, params })
    }

    /// The lexicon of a supported language, loading it on first use.
    pub fn lexicon(&self, code: &str) -> Option<&Lexicon> {
        let (code, slot) = self.lexicons.iter().find(|(c, _)| *c == code)?;
        Some(slot.get_or_init(|| {
            // Languages with user files were loaded in `new`, so this loads
            // built-in files only, which the test suite loads for every
            // language (`lexicon::tests::every_builtin_lexicon_loads`).
            Lexicon::load(code, None).expect("built-in lexicons load (tested)")
        }))
    }

    /// The language an interaction is scored in, and why it is the default
    /// when it is a fallback. `buf` is a reused buffer for detection text.
    fn language_of(
        &self,
        ix: &Interaction,
        buf: &mut String,
    ) -> (&'static str, Option<LangFallback>) {
        match &self.lang {
            LangChoice::Fixed(code) => (*code, None),
            LangChoice::Auto => match ix.language.as_deref() {
                Some(value) => match lang::normalize(value) {
                    Some(code) => (code, None),
                    None => (lang::DEFAULT, Some(LangFallback::Unsupported)),
                },
                None => {
                    buf.clear();
                    // The customer's words; the agent's only if the customer said nothing.
                    for customer in [true, false] {
                        for t in ix
                            .turns
                            .iter()
                            .filter(|t| (t.speaker == Speaker::Customer) == customer)
                        {
                            if buf.len() >= lang::DETECT_BYTES {
                                break;
                            }
                            buf.push_str(&t.text);
                            buf.push(' ');
                        }
                        if !buf.trim().is_empty() {
                            break;
                        }
                    }
                    let mut end = buf.len().min(lang::DETECT_BYTES);
                    while !buf.is_char_boundary(end) {
                        end -= 1;
                    }
                    match lang::detect(&buf[..end]) {
                        lang::Detected::Supported(code) => (code, None),
                        lang::Detected::Unsupported => {
                            (lang::DEFAULT, Some(LangFallback::Unsupported))
                        }
                        lang::Detected::Unsure => {
                            (lang::DEFAULT, Some(LangFallback::Undetected))
                        }
                    }
                }
            },
        }
    }

    /// The peak-end parameters.
    pub fn params(&self) -> &PeakEndParams {
        &self.params
    }

    /// Scores one interaction with a worker's scratch buffers.
    pub fn score(&self, ix: &Interaction, scratch: &mut Scratch) -> Scored {
        let mut scored = Scored::default();
        self.score_into(ix, scratch, &mut scored);
        scored
    }

    /// [`Engine::score`] into `scored`, reusing its buffers: a worker that
    /// scores every interaction into the same [`Scored`] allocates nothing
    /// per turn once warm.
    pub fn score_into(
        &self,
        ix: &Interaction,
        scratch: &mut Scratch,
        scored: &mut Scored,
    ) {
        let (language, lang_fallback) = self.language_of(ix, scratch.text_buffer());
        let lex = self
            .lexicon(language)
            .or_else(|| self.lexicon(lang::DEFAULT))
            .expect("default loaded");
        scratch.resize_turns(&mut scored.turns, ix.turns.len());
        for (t, out) in ix.turns.iter().zip(&mut scored.turns) {
            score_turn_into(lex, self.options, &t.text, scratch, out);
        }
        let (moments, emotion_moments) = scratch.moment_buffers();
        moments.clear();
        moments.extend(ix.turns.iter().zip(&scored.turns).map(|(t, s)| Moment {
            customer: t.speaker == Speaker::Customer,
            valence: s.valence,
            duration_ms: t.duration_ms(),
        }));
        let summary = peak_end(moments, &self.params);
        emotion_moments.clear();
        emotion_moments.extend(moments.iter().zip(&scored.turns).map(|(m, s)| {
            EmotionMoment {
                customer: m.customer,
                valence: m.valence,
                emotions: s.emotions,
            }
        }));
        scored.emotions = summarise(emotion_moments, summary.end_start_index);
        scored.summary = summary;
        scored.language = language;
        scored.lang_fallback = lang_fallback;
    }
}
