//! What a conversation achieved and what it cost, beside how it felt:
//! moments in time ([`moments`]), effort ([`effort`]) and success
//! ([`resolution`]), from the cue phrases of [`cues`] and the turns'
//! timestamps.
//!
//! Pure functions over an interaction's turns: the engine finds the cues
//! while it scores each turn (on the same tokens) and calls
//! [`Outcome::summarise`].

pub mod cues;
pub mod effort;
pub mod moments;
pub mod resolution;

use cues::CueHit;
use effort::Effort;
use moments::{TimedTurn, Timing};
use resolution::Resolution;

/// Timing, effort and resolution of one interaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// The cues that count, in turn order.
    pub cues: Vec<CueHit>,
    /// Holds, silences, talk-over, response time.
    pub timing: Timing,
    /// How hard it was.
    pub effort: Effort,
    /// Whether it was solved.
    pub resolution: Resolution,
    /// The hold that is the peak, if one is, as an explanation term
    /// (`hold:11m00s:-0.89`, see `moments::remember_holds`); else empty.
    pub peak_hold: String,
    /// Where the holds were, for the `holds` column: `turn:ms` (the `turn`
    /// each ends before, its length) joined by `|` (`push_gaps`).
    pub holds: String,
    /// Where the silences of `moments::SILENCE_MIN_MS` or more that are
    /// not holds were, for the `silences` column, written as `holds` is.
    pub silences: String,
    /// The turns as timing sees them (a buffer reused per interaction).
    timed: Vec<TimedTurn>,
}

impl Outcome {
    /// Fills timing, effort and resolution from `turns` and the cues
    /// already in [`Outcome::cues`].
    pub(crate) fn summarise(&mut self, turns: impl IntoIterator<Item = TimedTurn>) {
        self.timed.clear();
        self.timed.extend(turns);
        moments::timing(&self.timed, &self.cues, &mut self.timing);
        let customer_turns = self.timed.iter().filter(|t| t.customer).count();
        effort::effort(customer_turns, &self.cues, &self.timing, &mut self.effort);
        resolution::resolution(self.timed.len(), &self.cues, &mut self.resolution);
    }
}

/// Writes `gaps` (holds or silences) as `turn:ms` joined by `|` into
/// `out`, where `turn` gives the `turn` number of a turn index.
pub fn push_gaps(out: &mut String, gaps: &[moments::Hold], turn: impl Fn(usize) -> i64) {
    use std::fmt::Write;
    out.clear();
    for (k, g) in gaps.iter().enumerate() {
        let _ =
            write!(out, "{}{}:{}", if k > 0 { "|" } else { "" }, turn(g.before), g.ms);
    }
}

/// Appends `x` with `decimals` digits to a text (explanation terms):
/// [`crate::number`]'s formatting, which writes ASCII only.
pub(crate) fn push_figure(out: &mut String, x: f64, decimals: u32) {
    // Appended to the text's own bytes: no buffer to allocate. The check
    // of the whole text again is a few instructions per 16 bytes.
    let mut bytes = std::mem::take(out).into_bytes();
    crate::number::push_fixed(&mut bytes, x, decimals);
    *out = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}
