//! The peak-end summary of one interaction: a pure function of its turns.
//!
//! Kahneman's peak-end rule (Kahneman, Fredrickson, Schreiber & Redelmeier
//! 1993; Redelmeier & Kahneman 1996): people remember an experience by its
//! most intense moment and its ending, not by its average. Over the
//! customer's turns:
//!
//! - `experienced` = mean valence, weighted by turn duration when every
//!   customer turn has timestamps (the experiencing self lives through time);
//! - `peak` = the customer's most intense moment: the turn that maximises
//!   |v| × (bias if v < 0) + [`AROUSAL_WEIGHT`] × arousal, the first on
//!   ties. Negative moments weigh more (the negativity bias: Baumeister et
//!   al. 2001, "Bad is stronger than good"), and intensity is felt
//!   activation, not only valence: `arousal` is the strongest aroused
//!   emotion on the turn's side (anger, frustration, anxiety; happiness)
//!   minus the strongest on the other side ([`crate::emotion::Emotions::arousal`]).
//!   So an angry turn at −0.62 (anger 0.63: intensity 1.00) outranks a
//!   polite opener at +0.74 that asks about a double charge ("Great,
//!   thanks. Why was I charged twice?": happiness 0.33, anger 0.45:
//!   intensity 0.68), while a calm negative remark does not outrank real
//!   delight;
//! - `positive_peak` = the best moment: the most positive customer turn,
//!   when one is positive (above 0.05);
//! - `end` = mean valence of the last k customer turns, k = min(`end_window`,
//!   ⌈n/3⌉) for n customer turns: the final third of what the customer said,
//!   at most `end_window` turns, so a short call's angry last turn is not
//!   diluted by its opening;
//!   An agent's refusal in the closing ("there's nothing more I can do",
//!   a turn with an `unresolved` phrase) joins the end's mean: the
//!   customer remembers being turned away;
//! - `trend` = end − start, start being the mean of the first k customer
//!   turns (the same k): how the customer's mood moved over the call;
//! - `remembered` = (peak_weight × peak + end_weight × end) / (sum of weights);
//! - `gap` = remembered − experienced;
//! - `bad_ending` = end < −0.05 (VADER's neutral band), or the end fell more
//!   than `drop` below the mean of the customer turns before the window, or
//!   the very last customer turn is at or below `last_below`, or the
//!   closing says the problem is unresolved (an `unresolved` phrase from
//!   the end window on, or in the agent turns just before it: "Fine.
//!   Whatever. Bye.", "there's nothing more I can do").
//!
//! The defaults were tuned on the USS dialogue sets (see README, "Choosing
//! the defaults"). Nothing here does I/O or needs a lexicon.

use crate::error::{Error, Result};

/// A valence below this is negative (VADER's conventional neutral band).
pub const NEGATIVE_BELOW: f64 = -0.05;

/// What a turn's arousal adds to its intensity when choosing the peak: at
/// 0.5, anger of 0.63 is worth 0.32 of valence. Chosen on the USS sets and
/// the development set together (README, "Choosing the defaults").
pub const AROUSAL_WEIGHT: f64 = 0.5;

/// A valence above this is positive (VADER's neutral band).
const POSITIVE_ABOVE: f64 = 0.05;

/// Parameters of the summary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeakEndParams {
    /// Factor on the intensity of negative moments when choosing the peak.
    pub negativity_bias: f64,
    /// Weight of the peak in `remembered`.
    pub peak_weight: f64,
    /// Weight of the end in `remembered`.
    pub end_weight: f64,
    /// The most final customer turns that make the end (fewer in short
    /// interactions: at most a third of the customer turns, rounded up).
    pub end_window: usize,
    /// `bad_ending` also when the end is this far below the customer's
    /// earlier mean.
    pub drop: f64,
    /// `bad_ending` also when the last customer turn is at or below this.
    pub last_below: f64,
}

impl Default for PeakEndParams {
    fn default() -> Self {
        PeakEndParams {
            negativity_bias: 1.1,
            peak_weight: 1.0,
            end_weight: 1.0,
            end_window: 3,
            drop: 0.5,
            last_below: -0.5,
        }
    }
}

impl PeakEndParams {
    /// Checks the parameters, naming the first bad one.
    pub fn validate(&self) -> Result<()> {
        let finite_nonneg = |v: f64| v.is_finite() && v >= 0.0;
        if !(self.negativity_bias.is_finite() && self.negativity_bias > 0.0) {
            return Err(Error::config(format!(
                "--negativity-bias must be a positive number, got {}",
                self.negativity_bias
            )));
        }
        if !finite_nonneg(self.peak_weight) || !finite_nonneg(self.end_weight) {
            return Err(Error::config("--peak-weight and --end-weight must be >= 0"));
        }
        if self.peak_weight + self.end_weight <= 0.0 {
            return Err(Error::config("--peak-weight and --end-weight cannot both be 0"));
        }
        if self.end_window == 0 {
            return Err(Error::config("--end-window must be at least 1"));
        }
        if !finite_nonneg(self.drop) {
            return Err(Error::config("--bad-ending-drop must be >= 0"));
        }
        if !(-1.0..=0.0).contains(&self.last_below) {
            return Err(Error::config("--bad-ending-last must be between -1 and 0"));
        }
        Ok(())
    }
}

/// One scored turn, as the summary needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moment {
    /// True for customer turns.
    pub customer: bool,
    /// Turn valence in [-1, 1].
    pub valence: f64,
    /// Felt activation on the side of the valence, in (-1, 1)
    /// ([`crate::emotion::Emotions::arousal`]); 0 when unknown.
    pub arousal: f64,
    /// Duration in milliseconds, when known.
    pub duration_ms: Option<i64>,
    /// The turn says the problem is unresolved ([`crate::score::TurnScore::unresolved`]).
    pub unresolved: bool,
}

/// The summary. Customer figures are `None` when there is no customer turn.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PeakEnd {
    /// Number of customer turns.
    pub customer_turns: usize,
    /// Mean customer valence (duration-weighted when timestamps exist).
    pub experienced: Option<f64>,
    /// Valence of the most intense customer moment.
    pub peak: Option<f64>,
    /// Index (into the interaction's turns) of the peak.
    pub peak_index: Option<usize>,
    /// Valence of the best customer moment, when one is positive.
    pub positive_peak: Option<f64>,
    /// Index of that moment.
    pub positive_peak_index: Option<usize>,
    /// End minus start (the mean of the first customer turns).
    pub trend: Option<f64>,
    /// Valence of the ending.
    pub end: Option<f64>,
    /// Index of the first turn of the end window.
    pub end_start_index: Option<usize>,
    /// Weighted peak and end, in [-1, 1].
    pub remembered: Option<f64>,
    /// `remembered - experienced`.
    pub gap: Option<f64>,
    /// The ending went wrong.
    pub bad_ending: Option<bool>,
    /// Number of agent turns.
    pub agent_turns: usize,
    /// Mean agent valence.
    pub agent_valence: Option<f64>,
}

/// Summarises one interaction.
///
/// # Example
///
/// ```
/// use peakend::{peak_end, Moment, PeakEndParams};
///
/// let m = |customer, valence| Moment { customer, valence, ..Moment::default() };
/// let turns = [m(true, 0.4), m(false, 0.5), m(true, -0.8), m(true, 0.6)];
/// let p = PeakEndParams { end_window: 1, ..PeakEndParams::default() };
/// let s = peak_end(&turns, &p);
/// assert_eq!(s.peak, Some(-0.8));
/// assert_eq!(s.end, Some(0.6));
/// assert!((s.remembered.unwrap() - (-0.1)).abs() < 1e-12);
/// ```
pub fn peak_end(turns: &[Moment], p: &PeakEndParams) -> PeakEnd {
    let mut out = PeakEnd::default();
    let (mut agent_sum, mut sum, mut weighted, mut weight) = (0.0, 0.0, 0.0, 0.0);
    let mut all_timed = true;
    let mut intense: Option<(usize, f64)> = None;
    let mut best: Option<(usize, f64)> = None;
    for (i, t) in turns.iter().enumerate() {
        if !t.customer {
            out.agent_turns += 1;
            agent_sum += t.valence;
            continue;
        }
        out.customer_turns += 1;
        sum += t.valence;
        match t.duration_ms {
            Some(d) if d > 0 => {
                weighted += t.valence * d as f64;
                weight += d as f64;
            }
            _ => all_timed = false,
        }
        let intensity = t.valence.abs()
            * if t.valence < 0.0 { p.negativity_bias } else { 1.0 }
            + AROUSAL_WEIGHT * t.arousal;
        if intense.map_or(true, |(_, b)| intensity > b) {
            intense = Some((i, intensity));
        }
        if best.map_or(true, |(_, b)| t.valence > b) {
            best = Some((i, t.valence));
        }
    }
    if out.agent_turns > 0 {
        out.agent_valence = Some(agent_sum / out.agent_turns as f64);
    }
    let n = out.customer_turns;
    if n == 0 {
        return out;
    }
    out.peak_index = intense.map(|(i, _)| i);
    if let Some((i, v)) = best.filter(|&(_, v)| v > POSITIVE_ABOVE) {
        (out.positive_peak, out.positive_peak_index) = (Some(v), Some(i));
    }
    let experienced =
        if all_timed && weight > 0.0 { weighted / weight } else { sum / n as f64 };
    let peak = turns[out.peak_index.unwrap_or(0)].valence;

    // The end window: the final third of the customer turns, at most
    // `end_window` of them; the start, as many first customer turns.
    let window = p.end_window.min(n.div_ceil(3));
    let customer = || turns.iter().enumerate().filter(|(_, t)| t.customer);
    let start =
        customer().take(window).map(|(_, t)| t.valence).sum::<f64>() / window as f64;
    let mut end_sum = 0.0;
    let mut last = 0.0;
    // The closing: from the end window's first turn, or from just after the
    // customer turn before it (the agent's last answers).
    let mut closing = 0;
    for (seen, (i, t)) in customer().rev().enumerate() {
        if seen == 0 {
            last = t.valence;
        }
        if seen == window {
            closing = i + 1;
            break;
        }
        end_sum += t.valence;
        out.end_start_index = Some(i);
    }
    let mut refusals = 0.0;
    let mut refusal_sum = 0.0;
    for t in turns[closing..].iter().filter(|t| !t.customer && t.unresolved) {
        refusals += 1.0;
        refusal_sum += t.valence;
    }
    let unresolved = turns[closing..].iter().any(|t| t.unresolved);
    let end = (end_sum + refusal_sum) / (window as f64 + refusals);
    let before = n - window;
    let earlier_mean = (before > 0).then(|| (sum - end_sum) / before as f64);

    let remembered = ((p.peak_weight * peak + p.end_weight * end)
        / (p.peak_weight + p.end_weight))
        .clamp(-1.0, 1.0);
    out.experienced = Some(experienced);
    out.peak = Some(peak);
    out.end = Some(end);
    out.trend = Some(end - start);
    out.remembered = Some(remembered);
    out.gap = Some(remembered - experienced);
    out.bad_ending = Some(
        end < NEGATIVE_BELOW
            || earlier_mean.is_some_and(|before| end < before - p.drop)
            || last <= p.last_below
            || unresolved,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: f64) -> Moment {
        Moment { customer: true, valence: v, ..Moment::default() }
    }
    /// A customer turn with its arousal.
    fn felt(v: f64, arousal: f64) -> Moment {
        Moment { arousal, ..c(v) }
    }
    fn a(v: f64) -> Moment {
        Moment { customer: false, valence: v, ..Moment::default() }
    }
    fn timed(v: f64, ms: i64) -> Moment {
        Moment { duration_ms: Some(ms), ..c(v) }
    }
    fn one() -> PeakEndParams {
        PeakEndParams { end_window: 1, ..PeakEndParams::default() }
    }

    #[test]
    fn no_customer_turn_gives_no_figures() {
        let s = peak_end(&[a(0.5), a(0.1)], &PeakEndParams::default());
        assert_eq!(s.customer_turns, 0);
        assert_eq!(
            (s.experienced, s.peak, s.end, s.remembered, s.gap, s.bad_ending),
            (None, None, None, None, None, None)
        );
        assert_eq!(s.agent_turns, 2);
        assert!((s.agent_valence.unwrap() - 0.3).abs() < 1e-12);
        assert_eq!(peak_end(&[], &PeakEndParams::default()), PeakEnd::default());
    }

    #[test]
    fn table() {
        // (name, turns, params, peak index, end, bad ending)
        type Case = (&'static str, Vec<Moment>, PeakEndParams, usize, f64, bool);
        let cases: Vec<Case> = vec![
            (
                "bad ending after a good call",
                vec![c(0.8), a(0.5), c(0.6), c(-0.4)],
                one(),
                0,
                -0.4,
                true,
            ),
            (
                "recovery after angry peak",
                vec![c(-0.9), a(0.1), c(0.2), c(0.7)],
                one(),
                0,
                0.7,
                false,
            ),
            ("flat call", vec![c(0.0), a(0.0), c(0.0)], one(), 0, 0.0, false),
            (
                "negativity bias picks the negative",
                vec![c(0.7), c(-0.65)],
                one(),
                1,
                -0.65,
                true,
            ),
            (
                "no bias picks the stronger",
                vec![c(0.7), c(-0.45)],
                PeakEndParams { negativity_bias: 1.0, ..one() },
                0,
                -0.45,
                true,
            ),
            (
                "without emotions the bias rule decides (0.62 x 1.1 < 0.74)",
                vec![c(0.74), a(0.2), c(-0.62), a(0.1), c(-0.3)],
                one(),
                0,
                -0.3,
                true,
            ),
            (
                // Issue 13: "Great, thanks. Why was I charged twice?"
                // (happiness 0.33, anger 0.45) then angry turns (anger 0.63).
                "an angry turn outranks a polite opener that complains",
                vec![felt(0.74, 0.33 - 0.45), a(0.2), felt(-0.62, 0.63), a(0.1), c(-0.3)],
                one(),
                2,
                -0.3,
                true,
            ),
            (
                "a calm negative remark does not outrank delight",
                vec![felt(0.8, 0.63), a(0.2), felt(-0.7, 0.0)],
                one(),
                0,
                -0.7,
                true,
            ),
            (
                "arousal decides between equal valences",
                vec![felt(-0.6, 0.2), felt(-0.6, 0.5), felt(-0.6, 0.4)],
                one(),
                1,
                -0.6,
                true,
            ),
            ("ties go to the first", vec![c(0.5), c(0.5)], one(), 0, 0.5, false),
            (
                "window of 2 (a third of 4, rounded up)",
                vec![c(0.2), c(0.3), c(0.1), c(-0.1)],
                PeakEndParams::default(),
                1,
                0.0,
                false,
            ),
            (
                "window of 3",
                vec![c(0.2), c(0.3), c(0.0), c(0.1), c(0.2), c(0.0), c(0.3), c(-0.3)],
                PeakEndParams::default(),
                7,
                0.0,
                false,
            ),
            (
                "short call, angry last turn",
                vec![c(0.71), a(0.4), c(-0.68)],
                PeakEndParams::default(),
                2,
                -0.68,
                true,
            ),
            (
                "short call, recovered",
                vec![c(-0.70), a(0.4), c(0.44)],
                PeakEndParams::default(),
                0,
                0.44,
                false,
            ),
            (
                "long call, very angry last turn",
                vec![c(0.8), c(0.9), c(0.8), c(0.7), c(0.86), c(0.9), c(-0.65)],
                PeakEndParams::default(),
                1,
                (0.86 + 0.9 - 0.65) / 3.0,
                true,
            ),
            (
                "drop below earlier mean",
                vec![c(0.9), c(0.9), c(0.2)],
                one(),
                0,
                0.2,
                true,
            ),
            (
                "agent turns are ignored",
                vec![a(-1.0), c(0.1), a(-1.0)],
                one(),
                1,
                0.1,
                false,
            ),
        ];
        for (name, turns, p, peak_index, end, bad) in cases {
            let s = peak_end(&turns, &p);
            assert_eq!(s.peak_index, Some(peak_index), "{name}");
            assert!((s.end.unwrap() - end).abs() < 1e-12, "{name}: {:?}", s.end);
            assert_eq!(s.bad_ending, Some(bad), "{name}");
            let r = s.remembered.unwrap();
            assert!(
                (s.gap.unwrap() - (r - s.experienced.unwrap())).abs() < 1e-12,
                "{name}"
            );
        }
    }

    #[test]
    fn experienced_is_duration_weighted_when_all_timed() {
        let s = peak_end(&[timed(1.0, 3000), timed(0.0, 1000)], &one());
        assert!((s.experienced.unwrap() - 0.75).abs() < 1e-12);
        // One untimed customer turn: plain mean.
        let s = peak_end(&[timed(1.0, 3000), c(0.0)], &one());
        assert!((s.experienced.unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn weights() {
        let p = PeakEndParams { peak_weight: 3.0, end_weight: 1.0, ..one() };
        let s = peak_end(&[c(-0.8), c(0.4)], &p);
        assert!((s.remembered.unwrap() - (-0.5)).abs() < 1e-12);
        assert!(PeakEndParams { peak_weight: 0.0, end_weight: 0.0, ..one() }
            .validate()
            .is_err());
        assert!(PeakEndParams { end_window: 0, ..one() }.validate().is_err());
        assert!(PeakEndParams { negativity_bias: f64::NAN, ..one() }.validate().is_err());
        assert!(PeakEndParams::default().validate().is_ok());
    }

    fn unresolved(customer: bool, v: f64) -> Moment {
        Moment { customer, valence: v, unresolved: true, ..Moment::default() }
    }

    #[test]
    fn positive_peak_and_trend() {
        let s = peak_end(&[c(-0.2), c(0.6), c(-0.62), c(0.3)], &one());
        assert_eq!((s.positive_peak, s.positive_peak_index), (Some(0.6), Some(1)));
        assert_eq!(s.peak_index, Some(2));
        // Window of 1 here: trend = last - first.
        assert!((s.trend.unwrap() - 0.5).abs() < 1e-12);
        // Default window (2 of 4): the means of the last two and first two.
        let s = peak_end(&[c(-0.2), c(0.6), c(-0.6), c(0.3)], &PeakEndParams::default());
        assert!((s.trend.unwrap() - (-0.15 - 0.2)).abs() < 1e-12);
        // No positive moment: no positive peak.
        let s = peak_end(&[c(-0.2), c(0.0)], &one());
        assert_eq!((s.positive_peak, s.positive_peak_index), (None, None));
    }

    #[test]
    fn unresolved_closings_are_bad_endings() {
        // "still not fixed" / agent: "there's nothing more I can do" /
        // "Fine. Whatever. Bye." (scored positive by the words alone).
        let turns =
            [c(-0.3), a(0.1), unresolved(true, -0.4), unresolved(false, -0.45), c(0.1)];
        let s = peak_end(&turns, &one());
        assert_eq!(s.bad_ending, Some(true));
        // The refusal joins the end's mean.
        assert!((s.end.unwrap() - (0.1 - 0.45) / 2.0).abs() < 1e-12, "{:?}", s.end);
        // A curt unresolved last turn alone is enough.
        let s = peak_end(&[c(0.5), a(0.2), unresolved(true, 0.1)], &one());
        assert_eq!(s.bad_ending, Some(true));
        // An early unresolved phrase, then a fix, is not.
        let s =
            peak_end(&[unresolved(true, -0.4), a(0.2), c(0.3), a(0.1), c(0.6)], &one());
        assert_eq!(s.bad_ending, Some(false));
    }
}
