//! Scoring one whole interaction: choose its language, score every turn,
//! summarise the customer's turns with the peak-end rule.

use rustc_hash::FxHashMap;

use crate::emotion::{summarise, EmotionMoment, EmotionSummary};
use crate::error::Result;
use crate::lang;
use crate::lexicon::Lexicon;
use crate::peak_end::{peak_end, Moment, PeakEnd, PeakEndParams};
use crate::record::{Interaction, Speaker};
use crate::score::{score_turn, ScoreOptions, Scratch, TurnScore};

/// How the language of an interaction is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LangChoice {
    /// The input's `language` value when present and supported, otherwise
    /// the default language (counted as a fallback).
    Auto,
    /// One language for everything.
    Fixed(&'static str),
}

/// Everything needed to score interactions; shared read-only by workers.
#[derive(Debug)]
pub struct Engine {
    lexicons: FxHashMap<&'static str, Lexicon>,
    lang: LangChoice,
    options: ScoreOptions,
    params: PeakEndParams,
}

/// The scores of one interaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// The language the interaction was scored in.
    pub language: &'static str,
    /// True when the input named no supported language and the default was
    /// used although the input named one.
    pub lang_fallback: bool,
    /// One score per turn, in the interaction's turn order.
    pub turns: Vec<TurnScore>,
    /// The peak-end summary.
    pub summary: PeakEnd,
    /// The emotional summary.
    pub emotions: EmotionSummary,
}

impl Engine {
    /// Loads the lexicons (built-in, plus `user_lexicons` on top).
    pub fn new(
        lang: LangChoice,
        user_lexicons: Option<&std::path::Path>,
        options: ScoreOptions,
        params: PeakEndParams,
    ) -> Result<Engine> {
        params.validate()?;
        let mut lexicons = FxHashMap::default();
        for &code in lang::SUPPORTED {
            lexicons.insert(code, Lexicon::load(code, user_lexicons)?);
        }
        Ok(Engine { lexicons, lang, options, params })
    }

    /// The lexicon of a supported language.
    pub fn lexicon(&self, code: &str) -> Option<&Lexicon> {
        self.lexicons.get(code)
    }

    /// The peak-end parameters.
    pub fn params(&self) -> &PeakEndParams {
        &self.params
    }

    /// Scores one interaction with a worker's scratch buffers.
    pub fn score(&self, ix: &Interaction, scratch: &mut Scratch) -> Scored {
        let (language, lang_fallback) = match &self.lang {
            LangChoice::Fixed(code) => (*code, false),
            LangChoice::Auto => match ix.language.as_deref() {
                Some(value) => match lang::normalize(value) {
                    Some(code) => (code, false),
                    None => (lang::DEFAULT, true),
                },
                None => (lang::DEFAULT, false),
            },
        };
        let lex = &self.lexicons[language];
        let turns: Vec<TurnScore> =
            ix.turns.iter().map(|t| score_turn(lex, self.options, &t.text, scratch)).collect();
        let moments: Vec<Moment> = ix
            .turns
            .iter()
            .zip(&turns)
            .map(|(t, s)| Moment {
                customer: t.speaker == Speaker::Customer,
                valence: s.valence,
                duration_ms: t.duration_ms(),
            })
            .collect();
        let summary = peak_end(&moments, &self.params);
        let emotion_moments: Vec<EmotionMoment> = moments
            .iter()
            .zip(&turns)
            .map(|(m, s)| EmotionMoment { customer: m.customer, valence: m.valence, emotions: s.emotions })
            .collect();
        let emotions = summarise(&emotion_moments, summary.end_start_index);
        Scored { language, lang_fallback, turns, summary, emotions }
    }
}
