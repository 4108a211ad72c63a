//! Effort: how hard the customer had to work, in [0, 1].
//!
//! Each piece of evidence `i` has a weight `w_i` in [0, 1), and
//!
//! ```text
//! effort = 1 - Π (1 - w_i)
//! ```
//!
//! (a noisy OR: any one piece can make a contact effortful, each further
//! one adds less, and the result never leaves [0, 1]). The evidence:
//!
//! | evidence | weight |
//! |---|---|
//! | each `repeat_contact` cue ("third time I'm calling") | 0.40 |
//! | each `repeat_self` cue ("as I already said") | 0.25 |
//! | each `transfer` cue ("let me transfer you") | 0.25 |
//! | the holds, `h` ms in all | 0.5 × (1 − e^(−h / 5 min)) |
//! | the silences that are not holds, `s` ms in all | 0.25 × (1 − e^(−s / 2 min)) |
//! | `n` customer turns | 0.3 × (1 − e^(−max(0, n − 3) / 10)) |
//!
//! At most [`MAX_PER_KIND`] cues of one kind count. `effort_terms` lists
//! the evidence as `label:weight`, cues in text order first (`hold:4m10s`,
//! `silence:45s`, `customer_turns:12` for the others). Nothing here does
//! I/O.

use super::cues::{CueHit, CueKind};
use super::moments::{hold_intensity, push_duration, Timing};

/// Weight of each repeat-contact cue.
pub const REPEAT_CONTACT: f64 = 0.40;
/// Weight of each repeating-oneself cue.
pub const REPEAT_SELF: f64 = 0.25;
/// Weight of each transfer cue.
pub const TRANSFER: f64 = 0.25;
/// Weight of holds that saturate (times [`hold_intensity`]).
pub const HOLDS: f64 = 0.5;
/// Weight of silences that saturate.
pub const SILENCES: f64 = 0.25;
/// The time constant of silences: 2 minutes.
pub const SILENCE_SCALE_MS: f64 = 120_000.0;
/// Weight of a very long conversation.
pub const TURNS: f64 = 0.3;
/// Customer turns that cost no effort.
pub const FREE_TURNS: usize = 3;
/// Customer turns over [`FREE_TURNS`] per e-fold of the turn term.
pub const TURN_SCALE: f64 = 10.0;
/// Cues of one kind that count at most.
pub const MAX_PER_KIND: usize = 3;

/// The effort of one interaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effort {
    /// In [0, 1]; `None` without a customer turn.
    pub effort: Option<f64>,
    /// The evidence: `label:weight` joined by `|`.
    pub terms: String,
}

/// The effort of an interaction with `customer_turns`, its `cues` (in turn
/// order) and its `timing`, into `out` (its buffer reused).
pub fn effort(customer_turns: usize, cues: &[CueHit], timing: &Timing, out: &mut Effort) {
    out.terms.clear();
    if customer_turns == 0 {
        out.effort = None;
        return;
    }
    let mut keep = 1.0;
    let mut add = |label: &dyn Fn(&mut String), w: f64| {
        if w < 0.005 {
            return;
        }
        keep *= 1.0 - w;
        if !out.terms.is_empty() {
            out.terms.push('|');
        }
        label(&mut out.terms);
        out.terms.push(':');
        super::push_figure(&mut out.terms, w, 2);
    };
    let mut counted = [0usize; 3];
    for hit in cues {
        let (slot, w) = match hit.kind {
            CueKind::RepeatContact => (0, REPEAT_CONTACT),
            CueKind::RepeatSelf => (1, REPEAT_SELF),
            CueKind::Transfer => (2, TRANSFER),
            _ => continue,
        };
        counted[slot] += 1;
        if counted[slot] <= MAX_PER_KIND {
            add(&|s| s.push_str(hit.label), w);
        }
    }
    if let Some(h) = timing.hold_ms.filter(|&h| h > 0) {
        add(&|s| labelled(s, "hold:", h), HOLDS * hold_intensity(h));
    }
    if let Some(q) = timing.silence_ms.filter(|&q| q > 0) {
        let w = SILENCES * (1.0 - (-(q as f64) / SILENCE_SCALE_MS).exp());
        add(&|s| labelled(s, "silence:", q), w);
    }
    let extra = customer_turns.saturating_sub(FREE_TURNS) as f64;
    let w = TURNS * (1.0 - (-extra / TURN_SCALE).exp());
    add(&|s| labelled_count(s, "customer_turns:", customer_turns), w);
    out.effort = Some((1.0 - keep).clamp(0.0, 1.0));
}

fn labelled_count(s: &mut String, prefix: &str, n: usize) {
    s.push_str(prefix);
    s.push_str(itoa::Buffer::new().format(n));
}

fn labelled(s: &mut String, prefix: &str, ms: i64) {
    s.push_str(prefix);
    push_duration(s, ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::cues::tests::{cues as found, hits};

    /// Effort of one customer turn of `text` (and two more without cues).
    fn of(text: &str) -> Effort {
        let mut e = Effort::default();
        effort(3, &hits(text, true), &Timing::default(), &mut e);
        e
    }

    #[test]
    fn each_cue_and_its_counterexamples() {
        // (text, expected effort terms)
        let cases = [
            (
                "This is the third time I'm calling about this.",
                "third time i'm calling:0.40",
            ),
            ("I've called three times already.", "called three times:0.40"),
            ("I called yesterday and nothing happened.", "called yesterday:0.40"),
            ("I have never called before.", ""),
            ("You charged me three times!", ""),
            ("As I already said, the router is off.", "as i already said:0.25"),
            ("Like I told you, it's the bill.", "like i told you:0.25"),
            ("I said thanks.", ""),
            ("I've been transferred twice now.", "been transferred:0.25"),
            ("You don't need another department for that.", ""),
            ("It's the first time I'm calling.", ""),
        ];
        for (text, terms) in cases {
            assert_eq!(of(text).terms, terms, "{text:?} ({:?})", found(text, true));
        }
    }

    #[test]
    fn formula() {
        let e = of("Third time calling. As I said, I've been transferred.");
        let want = 1.0 - (1.0 - REPEAT_CONTACT) * (1.0 - REPEAT_SELF) * (1.0 - TRANSFER);
        assert!((e.effort.unwrap() - want).abs() < 1e-12);
        assert_eq!(
            e.terms,
            "third time calling:0.40|as i said:0.25|been transferred:0.25"
        );
        assert_eq!(of("hello").effort, Some(0.0));

        let timing = Timing {
            hold_ms: Some(300_000),
            silence_ms: Some(45_000),
            ..Timing::default()
        };
        let mut out = Effort::default();
        effort(13, &[], &timing, &mut out);
        assert_eq!(out.terms, "hold:5m00s:0.32|silence:45s:0.08|customer_turns:13:0.19");
        let w = [
            HOLDS * (1.0 - (-1.0f64).exp()),
            SILENCES * (1.0 - (-45.0f64 / 120.0).exp()),
            TURNS * (1.0 - (-1.0f64).exp()),
        ];
        let want = 1.0 - w.iter().map(|w| 1.0 - w).product::<f64>();
        assert!((out.effort.unwrap() - want).abs() < 1e-12);

        effort(0, &[], &timing, &mut out);
        assert_eq!((out.effort, out.terms.as_str()), (None, ""));
    }

    #[test]
    fn cues_of_one_kind_are_capped() {
        let e = of("as i said, as i said, as i said, as i said");
        assert_eq!(e.terms.matches("as i said").count(), MAX_PER_KIND);
        assert!(e.effort.unwrap() < 1.0);
    }

    /// The example of [`effort`].
    #[test]
    fn effort_example() {
        use crate::summary::effort::{effort, Effort};
        use crate::summary::moments::Timing;

        let mut out = Effort::default();
        effort(13, &[], &Timing::default(), &mut out);
        assert_eq!(out.terms, "customer_turns:13:0.19");
    }
}
