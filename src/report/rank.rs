//! Ranking: which interactions a coach should look at first.
//!
//! An interaction is remembered as `(pw·peak + ew·end) / (pw + ew)`. Had it
//! ended neutrally (end = 0) it would be remembered as `pw·peak / (pw + ew)`,
//! so what the ending did to the memory of it, its *ending effect*, is
//! `ew·end / (pw + ew)`: negative when the ending dragged the memory down.
//! The page ranks interactions flagged `bad_ending` first, then by ending
//! effect, most negative first, then by input order, so the ranking is
//! total and the same on every run. Interactions without a customer turn
//! (no `end`) come last.
//!
//! [`TopN`] keeps the best-ranked `n` of a stream in a bounded max-heap:
//! memory is O(n) however long the batch is, which is what lets the report
//! read 100,000 interactions and keep only the 200 it will draw.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::error::Result;
use crate::peak_end::PeakEndParams;

/// The weights of peak and end in `remembered` (`--peak-weight`,
/// `--end-weight`): the ones the CSV was scored with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Weight of the peak.
    pub peak: f64,
    /// Weight of the end.
    pub end: f64,
}

impl Default for Weights {
    /// `peakend score`'s defaults: 1 and 1.
    fn default() -> Weights {
        let p = PeakEndParams::default();
        Weights { peak: p.peak_weight, end: p.end_weight }
    }
}

impl Weights {
    /// Checks the weights with the same rules and messages as `score`.
    pub fn validate(&self) -> Result<()> {
        PeakEndParams {
            peak_weight: self.peak,
            end_weight: self.end,
            ..Default::default()
        }
        .validate()
    }

    /// How much the ending moved `remembered` compared with a neutral
    /// ending: `ew·end / (pw + ew)`.
    ///
    /// ```
    /// use peakend::report::Weights;
    /// assert_eq!(Weights::default().ending_effect(-0.6), -0.3);
    /// assert_eq!(Weights { peak: 0.0, end: 1.0 }.ending_effect(-0.6), -0.6);
    /// ```
    pub fn ending_effect(&self, end: f64) -> f64 {
        // `+ 0.0` turns -0.0 into 0.0, so that a zero effect ties with zero.
        self.end * end / (self.peak + self.end) + 0.0
    }

    /// `remembered` as these weights compute it from `peak` and `end`, to
    /// notice a CSV scored with other weights.
    pub fn remembered(&self, peak: f64, end: f64) -> f64 {
        (self.peak * peak + self.end * end) / (self.peak + self.end)
    }
}

/// Where an interaction ranks; smaller is shown first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankKey {
    /// `bad_ending` was `true`.
    pub bad_ending: bool,
    /// The ending effect; `None` without a customer turn.
    pub effect: Option<f64>,
    /// Position in the input (0-based), the tie-breaker.
    pub order: u64,
}

impl Eq for RankKey {}

impl Ord for RankKey {
    fn cmp(&self, other: &RankKey) -> Ordering {
        other
            .bad_ending
            .cmp(&self.bad_ending)
            .then_with(|| match (self.effect, other.effect) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then(self.order.cmp(&other.order))
    }
}

impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &RankKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A heap entry ordered by its key alone.
struct Ranked<T> {
    key: RankKey,
    item: T,
}

impl<T> PartialEq for Ranked<T> {
    fn eq(&self, other: &Ranked<T>) -> bool {
        self.key == other.key
    }
}
impl<T> Eq for Ranked<T> {}
impl<T> PartialOrd for Ranked<T> {
    fn partial_cmp(&self, other: &Ranked<T>) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Ranked<T> {
    fn cmp(&self, other: &Ranked<T>) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// The `n` best-ranked items of a stream.
///
/// The heap's top is the last-ranked item kept, so a newcomer replaces it
/// only when it ranks before it; items are built only when they get in.
pub struct TopN<T> {
    n: usize,
    heap: BinaryHeap<Ranked<T>>,
    seen: u64,
}

impl<T> TopN<T> {
    /// Keeps at most `n` items.
    pub fn new(n: usize) -> TopN<T> {
        TopN { n, heap: BinaryHeap::with_capacity(n.min(1 << 16) + 1), seen: 0 }
    }

    /// True when an item with `key` would be kept now.
    pub fn accepts(&self, key: &RankKey) -> bool {
        if self.heap.len() < self.n {
            return true;
        }
        self.heap.peek().is_some_and(|top| *key < top.key)
    }

    /// Offers an item; `make` runs only when it is kept.
    pub fn offer(&mut self, key: RankKey, make: impl FnOnce() -> T) {
        self.seen += 1;
        if !self.accepts(&key) {
            return;
        }
        if self.heap.len() >= self.n {
            self.heap.pop();
        }
        self.heap.push(Ranked { key, item: make() });
    }

    /// How many items were offered.
    #[cfg(test)]
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// The kept items, best-ranked first.
    pub fn into_ranked(self) -> Vec<(RankKey, T)> {
        self.heap.into_sorted_vec().into_iter().map(|r| (r.key, r.item)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(bad: bool, effect: Option<f64>, order: u64) -> RankKey {
        RankKey { bad_ending: bad, effect, order }
    }

    #[test]
    fn bad_endings_first_then_by_effect_then_input_order() {
        let keys = [
            key(false, Some(-0.40), 0),
            key(true, Some(-0.10), 1),
            key(false, None, 2),
            key(true, Some(-0.35), 3),
            key(false, Some(0.30), 4),
            key(false, Some(-0.40), 5), // ties with 0: input order decides
            key(true, Some(-0.35), 6),  // ties with 3
            key(false, Some(0.0), 7),
            key(false, Some(-0.0 + 0.0), 8),
        ];
        let mut sorted = keys.to_vec();
        sorted.sort();
        let order: Vec<u64> = sorted.iter().map(|k| k.order).collect();
        assert_eq!(order, [3, 6, 1, 0, 5, 7, 8, 4, 2]);
    }

    #[test]
    fn ending_effect_follows_the_weights() {
        let w = Weights::default();
        assert_eq!(w.ending_effect(-0.8), -0.4);
        assert_eq!(w.ending_effect(0.5), 0.25);
        assert!(w.ending_effect(-0.0).is_sign_positive(), "no negative zero");
        let w = Weights { peak: 3.0, end: 1.0 };
        assert_eq!(w.ending_effect(-0.8), -0.2);
        assert!((w.remembered(-0.4, -0.8) - (-0.5)).abs() < 1e-12);
        // remembered = neutral-ending remembered + effect, for any weights.
        for (pw, ew, peak, end) in
            [(1.0, 1.0, -0.9, 0.3), (2.0, 0.5, 0.7, -0.6), (0.0, 1.0, 0.2, -0.2)]
        {
            let w = Weights { peak: pw, end: ew };
            let neutral = w.remembered(peak, 0.0);
            assert!(
                (w.remembered(peak, end) - neutral - w.ending_effect(end)).abs() < 1e-12
            );
        }
        assert!(Weights { peak: 0.0, end: 0.0 }.validate().is_err());
        assert!(Weights { peak: -1.0, end: 1.0 }.validate().is_err());
        assert!(Weights::default().validate().is_ok());
    }

    #[test]
    fn top_n_keeps_the_best_ranked_and_builds_only_those() {
        let mut top = TopN::new(3);
        let mut built = 0;
        let effects = [0.5, -0.2, -0.9, 0.1, -0.9, -0.5, 0.7];
        for (i, e) in effects.iter().enumerate() {
            top.offer(key(false, Some(*e), i as u64), || {
                built += 1;
                i
            });
        }
        assert_eq!(top.seen(), 7);
        let kept: Vec<usize> = top.into_ranked().into_iter().map(|(_, i)| i).collect();
        assert_eq!(kept, [2, 4, 5], "the two -0.9 in input order, then -0.5");
        assert!(built < effects.len(), "0.1 and 0.7 were never built");
        // n = 0 keeps nothing; fewer items than n keeps them all.
        let mut none = TopN::new(0);
        none.offer(key(true, Some(-1.0), 0), || ());
        assert!(none.into_ranked().is_empty());
        let mut all = TopN::new(10);
        all.offer(key(false, None, 0), || 'a');
        all.offer(key(true, Some(0.2), 1), || 'b');
        let kept: Vec<char> = all.into_ranked().into_iter().map(|(_, c)| c).collect();
        assert_eq!(kept, ['b', 'a']);
    }
}
