//! peakend scores how customers felt in contact-centre conversations and how
//! they will remember them.
//!
//! Every turn of a transcript gets a valence in [-1, 1] (VADER's method over
//! embedded lexicons, plus contact-centre phrases), and every interaction a
//! peak-end summary: the experienced (mean) score, the peak, the end, the
//! remembered (peak-end) score, the gap between them and whether the ending
//! went wrong, with the words that drove each figure.
//!
//! Inside, the data flows through one module per station: input → tokens
//! → score (asking the lexicon of the interaction's [`lang`]) → peak-end
//! and emotions → output (one [`schema`] for both tables, one atomic file
//! type), driven by the batch runner (streaming, parallel, order-preserving)
//! through the [`Engine`] (one interaction at a time). [`report`] makes a
//! self-contained HTML page for quality coaches; [`journey`] follows each
//! customer across contacts. DESIGN.md describes the layout.
//!
//! # The public API
//!
//! Everything else is `pub(crate)`: tokens, lexicon internals, fixed-point
//! numbers, the cleanup registry, the row formatters and readers can change
//! without breaking a user. What is public is what an embedding program or
//! the `peakend` binary (a client of this library like any other) needs:
//!
//! - **Scoring**, at the crate root: the [`Engine`] and its options
//!   ([`LangChoice`], [`ScoreOptions`], [`PeakEndParams`]); the records it
//!   reads ([`Interaction`], [`Turn`], [`Speaker`], [`Speakers`],
//!   [`PlatformFacts`]); what it returns ([`Scored`], with [`TurnScore`],
//!   [`Term`], [`Emotion`], [`Emotions`], [`EmotionSummary`], [`PeakEnd`],
//!   [`Outcome`], [`Timing`], [`Hold`], [`Effort`], [`Resolution`],
//!   [`CueHit`], [`CueKind`], [`LangFallback`]); the building blocks for
//!   those who bring their own turns or valences ([`Lexicon`],
//!   [`score_turn`], [`score_turn_into`], [`peak_end`] over [`Moment`]s);
//!   and the one error type ([`Error`], [`ErrorKind`], [`Result`]).
//! - **Languages**, [`lang`]: the supported languages and how a `language`
//!   value is normalised, for validating input before a run.
//! - **Files**, [`pipeline`]: the batch runner the binary is built on
//!   (readers of every input format, the two output tables, rejects, atomic
//!   files, interruption handling); [`schema`], the columns of both tables;
//!   [`report`] and [`journey`], the other two subcommands.
//!
//! `peakend::internals` is hidden and not API: the tokenizer, for the
//! benchmarks and a fuzzer, which are separate crates.
//!
//! # Example
//!
//! ```
//! use peakend::{Engine, Interaction, LangChoice, ScoreOptions, Scratch, Speaker, Turn};
//!
//! let engine = Engine::new(LangChoice::Auto, None, ScoreOptions::default(), Default::default())?;
//! let turn = |speaker, text: &str| Turn {
//!     turn: 0, speaker, text: text.into(), start_ms: None, end_ms: None, line: 0,
//!     platform_sentiment: None,
//! };
//! let ix = Interaction {
//!     id: "call-1".into(),
//!     language: None,
//!     turns: vec![
//!         turn(Speaker::Customer, "Hi, my router is great but the bill is wrong."),
//!         turn(Speaker::Agent, "I'm sorry about that, let me check."),
//!         turn(Speaker::Customer, "Still not working. This is a waste of time!"),
//!     ],
//!     ..Default::default()
//! };
//! let scored = engine.score(&ix, &mut Scratch::default());
//! assert_eq!(scored.summary.bad_ending, Some(true));
//! # Ok::<(), peakend::Error>(())
//! ```

#![deny(missing_docs)]
// A public type whose field or method signature names a crate-private type
// is a hole in the curated API below: flag it.
#![warn(unnameable_types)]

mod batch;
mod cleanup;
mod emotion;
mod engine;
mod error;
mod input;
pub mod journey;
pub mod lang;
mod lexicon;
mod number;
mod output;
mod peak_end;
#[cfg(feature = "python")]
mod python;
mod record;
mod rejects;
pub mod report;
mod score;
mod summary;
mod text;

pub use emotion::{Emotion, EmotionSummary, Emotions};
pub use engine::{Engine, LangChoice, LangFallback, Scored};
pub use error::{Error, ErrorKind, Result};
pub use lexicon::Lexicon;
pub use peak_end::{peak_end, Moment, PeakEnd, PeakEndParams};
pub use record::{Interaction, PlatformFacts, Speaker, Speakers, Turn};
pub use score::{score_turn, score_turn_into, ScoreOptions, Scratch, Term, TurnScore};
pub use summary::cues::{CueHit, CueKind};
pub use summary::effort::Effort;
pub use summary::moments::{Hold, Timing};
pub use summary::resolution::Resolution;
pub use summary::Outcome;

/// The batch pipeline the `peakend` binary is built on: files in, the two
/// tables (and rejects, report) out, streaming and in parallel.
pub mod pipeline {
    pub use crate::batch::{run, RunStats};
    pub use crate::cleanup::{discarded as discarded_outputs, handle_signals};
    pub use crate::input::{
        Format, InputWarnings, Keep, KeepConflict, Platform, Reader, Source,
    };
    pub use crate::lexicon::user_files as user_lexicon_files;
    pub use crate::output::atomic::AtomicFile;
    pub use crate::output::{Format as OutputFormat, Outputs, ReportSlot, Spec};
    pub use crate::rejects::{Rejected, Rejects};
}

pub use output::schema;

/// The tokenizer, which the benchmarks (`benches/pipeline.rs`) time and a
/// fuzzer (`fuzz/`) drives on its own: they are separate crates, and no
/// public function tokenizes without scoring. Not API: hidden from the
/// documentation, no stability promise.
#[doc(hidden)]
pub mod internals {
    pub use crate::text::{trim_punct, Tokens};

    /// Splits `text` into `tokens` as scoring in `lex`'s language does
    /// (its emoji descriptions and elided articles).
    pub fn tokenize(text: &str, lex: &crate::Lexicon, tokens: &mut Tokens) {
        crate::text::tokenize(text, lex.emoji(), lex.elisions(), tokens);
    }
}
