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
use crate::score::{score_turn_by, ScoreOptions, Scratch, TurnScore};
use crate::summary::cues::CueLexicon;
use crate::summary::moments::{push_hold_term, remember_holds, TimedTurn};
use crate::summary::Outcome;

/// How the language of an interaction is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LangChoice {
    /// The input's `language` value when present; otherwise detected from
    /// the interaction's text, and per turn where a turn switches language.
    /// Unsupported or undetectable: the default language
    /// ([`Engine::with_default_lang`]), counted in the summary.
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
    /// The language of interactions whose language cannot be told.
    default_lang: &'static str,
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
    /// The turns scored in another language than the interaction's (index
    /// into `turns`, language), in turn order: usually none.
    pub turn_languages: Vec<(usize, &'static str)>,
    /// One score per turn, in the interaction's turn order.
    pub turns: Vec<TurnScore>,
    /// The peak-end summary.
    pub summary: PeakEnd,
    /// The emotional summary.
    pub emotions: EmotionSummary,
    /// Timing, effort and resolution.
    pub outcome: Outcome,
}

impl Scored {
    /// The language turn `i` was scored in.
    pub fn turn_language(&self, i: usize) -> &'static str {
        match self.turn_languages.iter().find(|(t, _)| *t == i) {
            Some(&(_, code)) => code,
            None => self.language,
        }
    }
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
        for code in lang::LANGUAGES.iter().map(|l| l.code) {
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
        Ok(Engine { lexicons, lang, default_lang: lang::DEFAULT, options, params })
    }

    /// Sets the language of interactions whose language cannot be told, or
    /// is not supported (`--default-lang`; [`lang::DEFAULT`] unless set),
    /// and loads its lexicon.
    pub fn with_default_lang(mut self, code: &'static str) -> Result<Engine> {
        if self.lexicon(code).is_none() {
            return Err(crate::error::Error::config(format!(
                "no built-in lexicon for language '{code}' (supported: {})",
                lang::codes()
            )));
        }
        self.default_lang = code;
        Ok(self)
    }

    /// The language of interactions whose language cannot be told.
    pub fn default_lang(&self) -> &'static str {
        self.default_lang
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

    /// The language an interaction is scored in, why it is the default
    /// when it is a fallback, and whether its turns may switch language
    /// (only when it was detected). `buf` is a reused buffer for the
    /// detection sample.
    fn language_of(
        &self,
        ix: &Interaction,
        buf: &mut String,
    ) -> (&'static str, Option<LangFallback>, bool) {
        let value = match (&self.lang, ix.language.as_deref()) {
            (LangChoice::Fixed(code), _) => return (code, None, false),
            (LangChoice::Auto, Some(value)) => value,
            (LangChoice::Auto, None) => {
                // Every turn, agents' too, in order, up to the sample size.
                buf.clear();
                for t in &ix.turns {
                    let room = lang::SAMPLE_BYTES.saturating_sub(buf.len());
                    if room == 0 {
                        break;
                    }
                    buf.push_str(lang::prefix(&t.text, room.min(lang::TURN_BYTES)));
                    buf.push('\n');
                }
                return match lang::detect(buf) {
                    lang::Detected::Supported(code) => (code, None, true),
                    lang::Detected::Unsupported => {
                        (self.default_lang, Some(LangFallback::Unsupported), false)
                    }
                    lang::Detected::Unsure => {
                        (self.default_lang, Some(LangFallback::Undetected), false)
                    }
                };
            }
        };
        match lang::normalize(value) {
            Some(code) => (code, None, false),
            None => (self.default_lang, Some(LangFallback::Unsupported), false),
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
        let (language, lang_fallback, per_turn) =
            self.language_of(ix, scratch.text_buffer());
        let lex = self.lexicon(language).expect("a supported language");
        scratch.resize_turns(&mut scored.turns, ix.turns.len());
        scratch.start_interaction();
        scored.turn_languages.clear();
        let cues = CueLexicon::builtin(language);
        scored.outcome.cues.clear();
        for (i, (t, out)) in ix.turns.iter().zip(&mut scored.turns).enumerate() {
            score_turn_by(lex, self.options, Some(t.speaker), &t.text, scratch, out);
            // Cues in the interaction's language, on the tokens just made.
            if let Some(cues) = cues {
                let (found, negates, cue_scratch) = scratch.cue_parts(lex);
                let customer = t.speaker == Speaker::Customer;
                let hits = &mut scored.outcome.cues;
                cues.scan(found, &t.text, (i, customer), negates, cue_scratch, hits);
            }
            if !per_turn {
                continue;
            }
            let switch = lang::turn_switch(scratch.token_infos(), &t.text, language);
            if let Some((code, other)) = switch.and_then(|c| Some((c, self.lexicon(c)?)))
            {
                // A scratch of its own, so that the worker's word cache
                // keeps the interaction language's words (switches are rare).
                let mut own = Scratch::default();
                score_turn_by(
                    other,
                    self.options,
                    Some(t.speaker),
                    &t.text,
                    &mut own,
                    out,
                );
                scored.turn_languages.push((i, code));
            }
        }
        scored.outcome.summarise(ix.turns.iter().map(|t| TimedTurn {
            customer: t.speaker == Speaker::Customer,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
        }));
        let (moments, emotion_moments) = scratch.moment_buffers();
        moments.clear();
        moments.extend(ix.turns.iter().zip(&scored.turns).map(|(t, s)| Moment {
            customer: t.speaker == Speaker::Customer,
            valence: s.valence,
            arousal: s.emotions.arousal(s.valence),
            duration_ms: t.duration_ms(),
            unresolved: s.unresolved,
        }));
        let base = peak_end(moments, &self.params);
        emotion_moments.clear();
        emotion_moments.extend(moments.iter().zip(&scored.turns).map(|(m, s)| {
            EmotionMoment {
                customer: m.customer,
                valence: m.valence,
                emotions: s.emotions,
            }
        }));
        scored.emotions = summarise(emotion_moments, base.end_start_index);
        // Long holds are moments of the customer's experience too.
        let holds = &scored.outcome.timing.holds;
        let held = remember_holds(moments, holds, &self.params, base);
        scored.summary = held.summary;
        scored.outcome.peak_hold.clear();
        if let Some(ms) = held.peak_hold {
            push_hold_term(&mut scored.outcome.peak_hold, ms);
        }
        let turn = |i: usize| ix.turns[i].turn;
        let o = &mut scored.outcome;
        crate::summary::push_gaps(&mut o.holds, &o.timing.holds, turn);
        crate::summary::push_gaps(&mut o.silences, &o.timing.silences, turn);
        scored.language = language;
        scored.lang_fallback = lang_fallback;
    }
}
