//! peakend scores how customers felt in contact-centre conversations and how
//! they will remember them.
//!
//! Every turn of a transcript gets a valence in [-1, 1] (VADER's method over
//! embedded lexicons, plus contact-centre phrases), and every interaction a
//! peak-end summary: the experienced (mean) score, the peak, the end, the
//! remembered (peak-end) score, the gap between them and whether the ending
//! went wrong, with the words that drove each figure.
//!
//! The data flows through one module per station: [`input`] → tokens →
//! [`score`] (asking the [`lexicon`] of the interaction's [`lang`]) →
//! [`peak_end`] and [`emotion`] → [`output`] (one [`output::schema`] for
//! both tables, one atomic file type), driven by [`batch`] (streaming,
//! parallel, order-preserving) through [`engine`] (one interaction at a
//! time). [`report`] makes a self-contained HTML page for quality coaches,
//! fed the scored interactions or the two output CSVs.
//!
//! The public API: [`engine::Engine`] and its options ([`engine::LangChoice`],
//! [`score::ScoreOptions`], [`peak_end::PeakEndParams`]), the records
//! ([`record`]), the scored types ([`engine::Scored`], [`score::TurnScore`],
//! [`peak_end::PeakEnd`]), the error ([`Error`]), the output schema, and the
//! batch runner with its inputs and outputs. [`handle_signals`] and
//! [`discarded_outputs`] serve the binary's interruption and error messages.
//!
//! # Example
//!
//! ```
//! use peakend::engine::{Engine, LangChoice};
//! use peakend::record::{Interaction, Speaker, Turn};
//! use peakend::score::{ScoreOptions, Scratch};
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
//! # Ok::<(), peakend::error::Error>(())
//! ```

#![deny(missing_docs)]

pub mod batch;
mod cleanup;
pub mod emotion;
pub mod engine;
pub mod error;
pub mod input;
pub mod journey;
pub mod lang;
pub mod lexicon;
mod number;
pub mod output;
pub mod peak_end;
#[cfg(feature = "python")]
mod python;
pub mod record;
pub mod rejects;
pub mod report;
pub mod score;
pub mod summary;
#[doc(hidden)] // Public for the benchmarks only.
pub mod text;

pub use cleanup::{discarded as discarded_outputs, handle_signals};
pub use error::{Error, Result};
