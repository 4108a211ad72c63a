//! Moments in time: holds, silences, talk-over and response time, from the
//! turns' timestamps (`start_ms`, `end_ms`), where the input has them.
//!
//! The gap before a turn is its start minus the latest end (or start, for
//! a turn without an end) of the turns before it; overlapping turns make no
//! gap. A gap is a **hold** when it is at least [`HOLD_MIN_MS`] and was
//! announced (the latest agent turn before it has a `hold` cue, "please
//! hold", or the turn after it a `hold_end` cue, "thanks for holding"), or
//! when it is at least [`DEAD_AIR_MS`] and ends with the agent speaking (the
//! customer was left waiting, announced or not). Other gaps of at least
//! [`SILENCE_MIN_MS`] are **silences**. The customer is **talked over**
//! when an agent turn starts more than [`TALK_OVER_MS`] before the end of
//! the customer turn just before it.
//!
//! A hold is a negative moment whose intensity grows with its length and
//! saturates: [`hold_intensity`]. Nothing here does I/O.

use super::cues::{CueHit, CueKind};
use crate::peak_end::{peak_end, Moment, PeakEnd, PeakEndParams};

/// An announced gap shorter than this is a pause, not a hold.
pub const HOLD_MIN_MS: i64 = 10_000;
/// An unannounced gap this long before the agent speaks is a hold.
pub const DEAD_AIR_MS: i64 = 60_000;
/// Gaps this long (and not holds) are silences.
pub const SILENCE_MIN_MS: i64 = 10_000;
/// Overlap tolerated before an agent turn counts as talking over the
/// customer (timestamps of speech-to-text segments jitter by this much).
pub const TALK_OVER_MS: i64 = 250;
/// The time constant of [`hold_intensity`]: 5 minutes.
pub const HOLD_SCALE_MS: f64 = 300_000.0;

/// A turn as timing needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimedTurn {
    /// True for the customer.
    pub customer: bool,
    /// Start offset, when known.
    pub start_ms: Option<i64>,
    /// End offset, when known.
    pub end_ms: Option<i64>,
}

/// One hold (or silence): the gap before turn `before`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hold {
    /// The index of the turn that ends the gap.
    pub before: usize,
    /// Its length.
    pub ms: i64,
}

/// The timing of one interaction. Every figure is `None` when no turn has a
/// timestamp.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timing {
    /// Total length of the holds.
    pub hold_ms: Option<i64>,
    /// The longest gap between turns (0 when there is none).
    pub longest_silence_ms: Option<i64>,
    /// Total length of the silences that are not holds.
    pub silence_ms: Option<i64>,
    /// Agent turns that started while the customer was still talking.
    pub interruptions: Option<i64>,
    /// The agent's share of the talking time, in [0, 1]; `None` also when
    /// no turn has a duration.
    pub agent_talk_share: Option<f64>,
    /// From the end of the customer's first turn to the start of the
    /// agent's next turn; `None` also when there is no such pair.
    pub first_response_ms: Option<i64>,
    /// The holds, in order.
    pub holds: Vec<Hold>,
    /// The silences of `SILENCE_MIN_MS` or more that are not holds, in
    /// order (the report draws them where they were).
    pub silences: Vec<Hold>,
}

/// How strongly a hold of `ms` is felt, in [0, 1): `1 - exp(-ms / 5 min)`.
/// 1 minute: 0.18, 2: 0.33, 5: 0.63, 10: 0.86.
pub fn hold_intensity(ms: i64) -> f64 {
    1.0 - (-(ms.max(0) as f64) / HOLD_SCALE_MS).exp()
}

/// Appends a length as `4m10s` (`45s` under a minute, `1h02m` from an hour).
pub fn push_duration(out: &mut String, ms: i64) {
    use std::fmt::Write;
    let s = (ms.max(0) + 500) / 1000;
    let _ = match s {
        0..=59 => write!(out, "{s}s"),
        60..=3599 => write!(out, "{}m{:02}s", s / 60, s % 60),
        _ => write!(out, "{}h{:02}m", s / 3600, s % 3600 / 60),
    };
}

/// Appends a hold as an explanation term, `hold:4m10s:-0.57` (its length,
/// then its valence as a moment, on the [-1, 1] scale).
pub fn push_hold_term(out: &mut String, ms: i64) {
    out.push_str("hold:");
    push_duration(out, ms);
    out.push(':');
    super::push_figure(out, -hold_intensity(ms), 2);
}

/// The timing of `turns`, with the hold cues among `cues` (by turn index),
/// into `out` (its buffers reused).
pub fn timing(turns: &[TimedTurn], cues: &[CueHit], out: &mut Timing) {
    out.holds.clear();
    out.silences.clear();
    let timed = turns.iter().any(|t| t.start_ms.is_some() || t.end_ms.is_some());
    if !timed {
        let holds = std::mem::take(&mut out.holds);
        let silences = std::mem::take(&mut out.silences);
        *out = Timing { holds, silences, ..Timing::default() };
        return;
    }
    let has =
        |i: usize, kind: CueKind| cues.iter().any(|c| c.turn == i && c.kind == kind);
    let (mut hold, mut longest, mut silence, mut talk_over) = (0, 0, 0, 0);
    let (mut agent_talk, mut talk) = (0i64, 0i64);
    let mut frontier: Option<i64> = None;
    let mut last_agent_holds = false;
    for (i, t) in turns.iter().enumerate() {
        if let (Some(start), Some(before)) = (t.start_ms, frontier) {
            let gap = start - before;
            longest = longest.max(gap);
            let announced = last_agent_holds || (!t.customer && has(i, CueKind::HoldEnd));
            if (announced && gap >= HOLD_MIN_MS) || (!t.customer && gap >= DEAD_AIR_MS) {
                hold += gap;
                out.holds.push(Hold { before: i, ms: gap });
            } else if gap >= SILENCE_MIN_MS {
                silence += gap;
                out.silences.push(Hold { before: i, ms: gap });
            }
        }
        if i > 0 && !t.customer && turns[i - 1].customer {
            if let (Some(start), Some(end)) = (t.start_ms, turns[i - 1].end_ms) {
                talk_over += i64::from(start + TALK_OVER_MS < end);
            }
        }
        if let (Some(s), Some(e)) = (t.start_ms, t.end_ms) {
            let d = (e - s).max(0);
            talk += d;
            if !t.customer {
                agent_talk += d;
            }
        }
        if let Some(reached) = t.end_ms.or(t.start_ms) {
            frontier = Some(frontier.map_or(reached, |f| f.max(reached)));
        }
        if !t.customer {
            last_agent_holds = has(i, CueKind::Hold);
        }
    }
    let first_customer = turns.iter().position(|t| t.customer);
    let first_response = first_customer.and_then(|c| {
        let from = turns[c].end_ms.or(turns[c].start_ms)?;
        let agent = turns[c + 1..].iter().find(|t| !t.customer)?;
        Some((agent.start_ms? - from).max(0))
    });
    out.hold_ms = Some(hold);
    out.longest_silence_ms = Some(longest);
    out.silence_ms = Some(silence);
    out.interruptions = Some(talk_over);
    out.agent_talk_share = (talk > 0).then(|| agent_talk as f64 / talk as f64);
    out.first_response_ms = first_response;
}

/// The peak-end summary when holds count as moments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Remembered {
    /// The summary; its indices are turn indices (a hold's is the turn
    /// that ends it).
    pub summary: PeakEnd,
    /// The length of the hold that is the peak, if one is.
    pub peak_hold: Option<i64>,
    /// The lengths of the holds in the end window.
    pub end_holds: Vec<i64>,
}

/// `base` (the summary of the turns' `moments`) with every hold as a
/// customer moment of valence −[`hold_intensity`], placed before the turn
/// that ends it: a long hold can be the peak or part of the end. The peak,
/// end, remembered, gap and bad_ending follow from the moments with the
/// holds; the counts and `experienced` (the turns' own average) stay as
/// they are.
pub fn remember_holds(
    moments: &[Moment],
    holds: &[Hold],
    params: &PeakEndParams,
    base: PeakEnd,
) -> Remembered {
    if holds.is_empty() || base.customer_turns == 0 {
        return Remembered { summary: base, ..Remembered::default() };
    }
    // The moments with the holds, and for each its turn and hold length.
    let mut all = Vec::with_capacity(moments.len() + holds.len());
    let mut origin: Vec<(usize, Option<i64>)> = Vec::with_capacity(all.capacity());
    let mut next = holds.iter().peekable();
    for (i, m) in moments.iter().enumerate() {
        while let Some(h) = next.next_if(|h| h.before <= i) {
            let valence = -hold_intensity(h.ms);
            // Waiting is endured, not an aroused emotion.
            all.push(Moment { customer: true, valence, ..Moment::default() });
            origin.push((i, Some(h.ms)));
        }
        all.push(*m);
        origin.push((i, None));
    }
    let with = peak_end(&all, params);
    let turn = |i: Option<usize>| i.map(|i| origin[i].0);
    let end_holds = with.end_start_index.map_or_else(Vec::new, |start| {
        origin[start..].iter().filter_map(|o| o.1).collect()
    });
    let summary = PeakEnd {
        peak: with.peak,
        peak_index: turn(with.peak_index),
        end: with.end,
        end_start_index: turn(with.end_start_index),
        remembered: with.remembered,
        gap: with.remembered.zip(base.experienced).map(|(r, e)| r - e),
        bad_ending: with.bad_ending,
        ..base
    };
    let peak_hold = with.peak_index.and_then(|i| origin[i].1);
    Remembered { summary, peak_hold, end_holds }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: i64, e: i64) -> TimedTurn {
        TimedTurn { customer: true, start_ms: Some(s), end_ms: Some(e) }
    }
    fn a(s: i64, e: i64) -> TimedTurn {
        TimedTurn { customer: false, start_ms: Some(s), end_ms: Some(e) }
    }
    fn cue(turn: usize, kind: CueKind) -> CueHit {
        CueHit { turn, kind, label: "x", negated: false }
    }
    fn run(turns: &[TimedTurn], cues: &[CueHit]) -> Timing {
        let mut out = Timing::default();
        timing(turns, cues, &mut out);
        out
    }

    #[test]
    fn no_timestamps_no_figures() {
        let t = TimedTurn { customer: true, start_ms: None, end_ms: None };
        assert_eq!(run(&[t, t], &[]), Timing::default());
    }

    #[test]
    fn holds() {
        // (name, turns, cues, hold_ms, silence_ms)
        type Case = (&'static str, Vec<TimedTurn>, Vec<CueHit>, i64, i64);
        let cases: Vec<Case> = vec![
            (
                "announced hold, answered by the customer first",
                vec![a(0, 2_000), c(2_000, 3_000), a(33_000, 35_000)],
                vec![cue(0, CueKind::Hold)],
                30_000,
                0,
            ),
            (
                "hold ended by thanks for holding",
                vec![c(0, 2_000), a(2_000, 3_000), a(43_000, 45_000)],
                vec![cue(2, CueKind::HoldEnd)],
                40_000,
                0,
            ),
            (
                "announced but short: a pause",
                vec![a(0, 2_000), a(7_000, 8_000)],
                vec![cue(0, CueKind::Hold)],
                0,
                0,
            ),
            (
                "unannounced 20 s: a silence",
                vec![c(0, 2_000), a(22_000, 24_000)],
                vec![],
                0,
                20_000,
            ),
            (
                "unannounced 70 s before the agent: a hold",
                vec![c(0, 2_000), a(72_000, 74_000)],
                vec![],
                70_000,
                0,
            ),
            (
                "the customer taking 70 s to answer: a silence",
                vec![a(0, 2_000), c(72_000, 74_000)],
                vec![],
                0,
                70_000,
            ),
            (
                "a hold cue of a customer-side turn index is not the agent's",
                vec![a(0, 1_000), c(1_000, 2_000), c(32_000, 33_000)],
                vec![cue(1, CueKind::Hold)],
                0,
                30_000,
            ),
        ];
        for (name, turns, cues, hold, silence) in cases {
            let t = run(&turns, &cues);
            assert_eq!(t.hold_ms, Some(hold), "{name}");
            assert_eq!(t.silence_ms, Some(silence), "{name}");
            assert_eq!(t.holds.iter().map(|h| h.ms).sum::<i64>(), hold, "{name}");
            assert_eq!(t.silences.iter().map(|h| h.ms).sum::<i64>(), silence, "{name}");
        }
    }

    #[test]
    fn talk_over_share_and_response() {
        let turns = [
            a(0, 3_000),
            c(3_500, 10_000),
            a(8_000, 12_000), // starts 2 s before the customer stops
            c(12_000, 14_000),
            a(13_900, 15_000), // 100 ms overlap: jitter, not talk-over
        ];
        let t = run(&turns, &[]);
        assert_eq!(t.interruptions, Some(1));
        assert_eq!(t.first_response_ms, Some(0));
        assert_eq!(t.longest_silence_ms, Some(500));
        let share = t.agent_talk_share.unwrap();
        assert!((share - 8_100.0 / 16_600.0).abs() < 1e-12, "{share}");
        // A chat: the agent answers 40 s after the customer's first message.
        let chat = [c(0, 0), a(40_000, 40_000), c(50_000, 50_000)];
        let t = run(&chat, &[]);
        assert_eq!(t.first_response_ms, Some(40_000));
        assert_eq!(t.agent_talk_share, None);
        assert_eq!(t.interruptions, Some(0));
    }

    #[test]
    fn a_long_hold_is_the_peak_and_the_end() {
        let m = |customer, valence| Moment { customer, valence, ..Moment::default() };
        // Customer, agent (announces a hold), [11-minute hold], agent, customer.
        let moments = [m(true, 0.2), m(false, 0.1), m(false, 0.0), m(true, 0.1)];
        let p = PeakEndParams { end_window: 1, ..PeakEndParams::default() };
        let base = peak_end(&moments, &p);
        let holds = [Hold { before: 2, ms: 660_000 }];
        let r = remember_holds(&moments, &holds, &p, base);
        let v = -hold_intensity(660_000);
        assert_eq!(r.summary.peak, Some(v));
        assert_eq!(r.summary.peak_index, Some(2));
        assert_eq!(r.peak_hold, Some(660_000));
        assert_eq!(
            (r.summary.customer_turns, r.summary.experienced),
            (2, base.experienced)
        );
        assert!((r.summary.remembered.unwrap() - (v + 0.1) / 2.0).abs() < 1e-12);
        assert!(r.end_holds.is_empty());
        // The hold just before the last customer turn, with a wider end.
        let p3 = PeakEndParams::default();
        let moments = [m(true, 0.2), m(true, 0.3), m(false, 0.0), m(true, 0.1)];
        let holds = [Hold { before: 3, ms: 660_000 }];
        let r = remember_holds(&moments, &holds, &p3, peak_end(&moments, &p3));
        assert!((r.summary.end.unwrap() - (v + 0.1) / 2.0).abs() < 1e-12);
        assert_eq!(r.end_holds, [660_000]);
        assert_eq!(r.summary.bad_ending, Some(true));
        // A short hold changes nothing but may not be the peak.
        let moments = [m(true, 0.2), m(false, 0.1), m(false, 0.0), m(true, 0.1)];
        let holds = [Hold { before: 2, ms: 10_000 }];
        let r = remember_holds(&moments, &holds, &p, base);
        assert_eq!((r.summary.peak, r.peak_hold), (Some(0.2), None));
        // No holds: the summary as it was.
        assert_eq!(remember_holds(&moments, &[], &p, base).summary, base);
    }

    #[test]
    fn intensity_and_labels() {
        assert_eq!(hold_intensity(0), 0.0);
        assert!((hold_intensity(300_000) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert!(hold_intensity(60_000) < hold_intensity(120_000));
        assert!(hold_intensity(i64::MAX) <= 1.0);
        let mut s = String::new();
        for ms in [45_000, 250_000, 3_725_000, 0] {
            push_duration(&mut s, ms);
            s.push(' ');
        }
        assert_eq!(s, "45s 4m10s 1h02m 0s ");
    }

    /// The example of [`timing`].
    #[test]
    fn timing_example() {
        use crate::summary::moments::{timing, TimedTurn, Timing};

        let t =
            |customer, s, e| TimedTurn { customer, start_ms: Some(s), end_ms: Some(e) };
        // The customer waits 90 s in silence for the agent's answer.
        let turns = [t(false, 0, 2_000), t(true, 2_500, 6_000), t(false, 96_000, 99_000)];
        let mut out = Timing::default();
        timing(&turns, &[], &mut out);
        assert_eq!(out.hold_ms, Some(90_000));
        assert_eq!(out.first_response_ms, Some(90_000));
    }
}
