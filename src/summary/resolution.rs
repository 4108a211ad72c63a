//! Success: did the customer get what they came for, by what is said near
//! the end.
//!
//! The closing window is the last `max(4, ⌈n/3⌉)` of the `n` turns. In it,
//! evidence of success is a `works` cue said by the customer ("that fixed
//! it", "thanks for sorting that") or a `done` cue of the agent ("I've
//! refunded", "it's all cancelled now"); evidence against is one of those
//! negated ("that hasn't fixed it"), a `still_fails` cue of the customer
//! ("still the same", "thanks for nothing"), or a `cannot_help`,
//! `callback`, `escalated` or `ticket` cue ("nothing more I can do",
//! "someone will call you back", "I've raised a ticket": the problem leaves
//! this contact unsolved). The latest evidence decides `resolved`. The
//! customer's gratitude (`thanks`: "thank you so much") is weak evidence:
//! it makes `resolved` true only when the window has no other evidence.
//! With none at all `resolved` is empty. `resolution_terms` lists the
//! window's evidence in order, `label:1` for and `label:-1` against (`not
//! <label>` for a negated cue). Nothing here does I/O.

use super::cues::{CueHit, CueKind};

/// The fewest turns in the closing window.
pub const MIN_WINDOW: usize = 4;

/// The outcome of one interaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolution {
    /// `Some(true)` resolved, `Some(false)` not, `None` no evidence.
    pub resolved: Option<bool>,
    /// The evidence: `label:1` or `label:-1` joined by `|`.
    pub terms: String,
}

/// Whether an interaction of `turns` turns with `cues` (in turn order) was
/// resolved, into `out` (its buffer reused).
pub fn resolution(turns: usize, cues: &[CueHit], out: &mut Resolution) {
    out.terms.clear();
    out.resolved = None;
    let window = MIN_WINDOW.max(turns.div_ceil(3));
    let from = turns.saturating_sub(window);
    let mut thanked = false;
    for hit in cues.iter().filter(|h| h.turn >= from) {
        let good = match hit.kind {
            CueKind::Thanks if !hit.negated => {
                thanked = true;
                true
            }
            k if k.says_it_works() => !hit.negated,
            CueKind::StillFails
            | CueKind::CannotHelp
            | CueKind::Callback
            | CueKind::Escalated
            | CueKind::Ticket => false,
            _ => continue,
        };
        if hit.kind != CueKind::Thanks || hit.negated {
            out.resolved = Some(good);
        }
        if !out.terms.is_empty() {
            out.terms.push('|');
        }
        if hit.negated {
            out.terms.push_str("not ");
        }
        out.terms.push_str(hit.label);
        out.terms.push_str(if good { ":1" } else { ":-1" });
    }
    if out.resolved.is_none() && thanked {
        out.resolved = Some(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::cues::tests::hits;

    /// `resolution` of a conversation given as (customer?, text) turns.
    fn judge(turns: &[(bool, &str)]) -> Resolution {
        let mut cues = Vec::new();
        for (i, (customer, text)) in turns.iter().enumerate() {
            cues.extend(
                hits(text, *customer).into_iter().map(|h| CueHit { turn: i, ..h }),
            );
        }
        let mut out = Resolution::default();
        resolution(turns.len(), &cues, &mut out);
        out
    }

    #[test]
    fn rules() {
        const C: bool = true;
        const A: bool = false;
        // (conversation, resolved, terms)
        type Case<'a> = (&'a [(bool, &'a str)], Option<bool>, &'a str);
        let cases: &[Case] = &[
            (
                &[
                    (C, "My router keeps dropping."),
                    (A, "I've reset it."),
                    (C, "That fixed it, thanks!"),
                ],
                Some(true),
                "i've reset:1|that fixed it:1",
            ),
            (
                &[
                    (C, "Can't log in."),
                    (A, "Try now."),
                    (C, "Thanks for sorting that out."),
                ],
                Some(true),
                "thanks for sorting that out:1",
            ),
            (
                &[(C, "It's still the same."), (A, "Sorry.")],
                Some(false),
                "still the same:-1",
            ),
            (&[(C, "Nope, that hasn't fixed it.")], Some(false), "not fixed it:-1"),
            (
                &[
                    (C, "Refund please."),
                    (A, "I'm afraid there's nothing more I can do."),
                ],
                Some(false),
                "nothing more i can do:-1",
            ),
            (
                &[(C, "Still down."), (A, "An engineer will call you back tomorrow.")],
                Some(false),
                "still down:-1|an engineer will:-1|call you back:-1",
            ),
            (
                &[(A, "I've escalated this to my supervisor.")],
                Some(false),
                "escalated:-1|my supervisor:-1",
            ),
            (&[(A, "I've raised a ticket for you.")], Some(false), "raised a ticket:-1"),
            (
                &[
                    (C, "Still not working."),
                    (A, "Try again now."),
                    (C, "Oh it works now, great."),
                ],
                Some(true),
                "still not working:-1|it works now:1",
            ),
            // Counterexamples: no evidence.
            (&[(C, "Is it working now?"), (A, "Yes.")], None, ""),
            (&[(A, "If it's still not working, let us know.")], None, ""),
            (&[(A, "That fixed it?")], None, ""),
            (&[(C, "Thanks, bye.")], None, ""),
        ];
        for (turns, resolved, terms) in cases {
            let r = judge(turns);
            assert_eq!((r.resolved, r.terms.as_str()), (*resolved, *terms), "{turns:?}");
        }
    }

    #[test]
    fn only_the_closing_window_counts() {
        let mut turns = vec![(true, "That fixed it.")];
        turns.extend(std::iter::repeat((false, "ok")).take(11));
        // 12 turns: the window is the last 4; the fix was said at turn 1.
        assert_eq!(judge(&turns).resolved, None);
        turns.truncate(4);
        assert_eq!(judge(&turns).resolved, Some(true));
    }

    /// The example of [`resolution`].
    #[test]
    fn resolution_example() {
        use crate::summary::cues::{CueHit, CueKind};
        use crate::summary::resolution::{resolution, Resolution};

        let hit = |turn, kind, label| CueHit { turn, kind, label, negated: false };
        let cues = [
            hit(5, CueKind::StillFails, "still the same"),
            hit(7, CueKind::Works, "that fixed it"),
        ];
        let mut out = Resolution::default();
        resolution(8, &cues, &mut out);
        assert_eq!(out.resolved, Some(true));
        assert_eq!(out.terms, "still the same:-1|that fixed it:1");
    }
}
