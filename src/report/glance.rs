//! The batch at a glance: aggregates over every interaction.
//!
//! Everything here is a fixed-size counter (histogram bins, counts of a
//! bounded number of distinct labels), so the first pass over 100,000
//! interactions costs the same memory as over 20. Labels beyond
//! [`Tally::CAP`] distinct values (a CSV with free text in the emotion
//! column, say) are counted under "other" instead of growing a map.

use std::collections::BTreeMap;

use super::rank::Weights;
use super::read::Figures;

/// Counts of values in equal-width bins over `[lo, hi]`; values outside
/// the range count in the first or last bin.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin.
    pub hi: f64,
    /// One count per bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// `bins` (at least 1) equal bins over `[lo, hi]`.
    pub fn new(lo: f64, hi: f64, bins: usize) -> Histogram {
        Histogram { lo, hi, counts: vec![0; bins.max(1)] }
    }

    /// Width of one bin.
    pub fn width(&self) -> f64 {
        (self.hi - self.lo) / self.counts.len() as f64
    }

    /// The bin of `v`: `[lo + k·w, lo + (k+1)·w)`, the last one closed.
    /// A value on an edge (figures have four decimals) goes to the bin it
    /// starts, despite binary rounding (-0.9 + 1 is 0.0999…).
    pub fn bin_of(&self, v: f64) -> usize {
        let n = self.counts.len();
        let k = ((v - self.lo) * n as f64 / (self.hi - self.lo) + 1e-9).floor();
        if k.is_nan() || k < 0.0 {
            0
        } else {
            (k as usize).min(n - 1)
        }
    }

    /// Counts `v`.
    pub fn add(&mut self, v: f64) {
        let k = self.bin_of(v);
        self.counts[k] += 1;
    }

    /// Values counted.
    #[cfg(test)]
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Counts per label, for at most [`Tally::CAP`] distinct labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    counts: BTreeMap<String, u64>,
    other: u64,
}

impl Tally {
    /// Distinct labels kept; the rest count as "other".
    pub const CAP: usize = 64;

    /// Counts one `label`.
    pub fn add(&mut self, label: &str) {
        if let Some(n) = self.counts.get_mut(label) {
            *n += 1;
        } else if self.counts.len() < Tally::CAP {
            self.counts.insert(label.to_string(), 1);
        } else {
            self.other += 1;
        }
    }

    /// Labels by count, largest first (ties by name), then "other".
    pub fn ranked(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> =
            self.counts.iter().map(|(k, n)| (k.clone(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if self.other > 0 {
            v.push(("other".to_string(), self.other));
        }
        v
    }

    /// Sum of the counts.
    pub fn total(&self) -> u64 {
        self.counts.values().sum::<u64>() + self.other
    }
}

/// Aggregates of the whole batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Glance {
    /// Rows read.
    pub interactions: u64,
    /// Rows with a `remembered` figure (at least one customer turn).
    pub scored: u64,
    /// `bad_ending` = true.
    pub bad_endings: u64,
    /// `gap` < 0: remembered worse than it went.
    pub remembered_worse: u64,
    /// Sum of `experienced`, over `scored`.
    pub sum_experienced: f64,
    /// Sum of `remembered`, over `scored`.
    pub sum_remembered: f64,
    /// Distribution of `remembered` (0.1-wide bins over [-1, 1]).
    pub remembered: Histogram,
    /// Distribution of `gap` (0.1-wide bins over [-2, 2]).
    pub gap: Histogram,
    /// `end_emotion` counts (interactions with an end only).
    pub end_emotions: Tally,
    /// `language` counts.
    pub languages: Tally,
    /// `empathy_after_peak`: true, false.
    pub empathy: [u64; 2],
    /// Rows whose `remembered` does not follow from `peak`, `end` and the
    /// weights given: the CSV was scored with other weights.
    pub weight_mismatch: u64,
    /// `resolved`: true, false.
    pub resolved: [u64; 2],
    /// Sum and count of `effort`.
    pub effort: (f64, u64),
    /// `effort` at least [`super::HIGH_EFFORT`].
    pub high_effort: u64,
    /// Rows with timing (`hold_ms` not empty), and those with a hold.
    pub timed: u64,
    /// Rows with a hold.
    pub held: u64,
}

impl Default for Glance {
    fn default() -> Glance {
        Glance {
            interactions: 0,
            scored: 0,
            bad_endings: 0,
            remembered_worse: 0,
            sum_experienced: 0.0,
            sum_remembered: 0.0,
            remembered: Histogram::new(-1.0, 1.0, 20),
            gap: Histogram::new(-2.0, 2.0, 40),
            end_emotions: Tally::default(),
            languages: Tally::default(),
            empathy: [0; 2],
            weight_mismatch: 0,
            resolved: [0; 2],
            effort: (0.0, 0),
            high_effort: 0,
            timed: 0,
            held: 0,
        }
    }
}

impl Glance {
    /// Counts one interaction.
    pub fn add(
        &mut self,
        f: &Figures,
        language: &str,
        end_emotion: &str,
        weights: &Weights,
    ) {
        self.interactions += 1;
        self.languages.add(if language.trim().is_empty() {
            "unknown"
        } else {
            language.trim()
        });
        if f.bad_ending == Some(true) {
            self.bad_endings += 1;
        }
        match f.empathy_after_peak {
            Some(true) => self.empathy[0] += 1,
            Some(false) => self.empathy[1] += 1,
            None => {}
        }
        if let Some(r) = f.resolved {
            self.resolved[usize::from(!r)] += 1;
        }
        if let Some(e) = f.effort {
            self.effort.0 += e;
            self.effort.1 += 1;
            self.high_effort += u64::from(e >= super::HIGH_EFFORT);
        }
        if let Some(h) = f.hold_ms {
            self.timed += 1;
            self.held += u64::from(h > 0);
        }
        if let Some(r) = f.remembered {
            self.scored += 1;
            self.sum_remembered += r;
            self.sum_experienced += f.experienced.unwrap_or(0.0);
            self.remembered.add(r);
            if f.end.is_some() {
                let e = end_emotion;
                self.end_emotions.add(if e.trim().is_empty() {
                    "neutral"
                } else {
                    e.trim()
                });
            }
        }
        if let Some(g) = f.gap {
            self.gap.add(g);
            if g < 0.0 {
                self.remembered_worse += 1;
            }
        }
        if let (Some(p), Some(e), Some(r)) = (f.peak, f.end, f.remembered) {
            // peak, end and remembered each carry ±0.00005 of rounding.
            if (weights.remembered(p, e) - r).abs() > 0.0005 {
                self.weight_mismatch += 1;
            }
        }
    }

    /// Mean `remembered`, when any.
    pub fn mean_remembered(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.sum_remembered / self.scored as f64)
    }

    /// Mean `effort`, when any.
    pub fn mean_effort(&self) -> Option<f64> {
        (self.effort.1 > 0).then(|| self.effort.0 / self.effort.1 as f64)
    }

    /// Mean `experienced`, when any.
    pub fn mean_experienced(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.sum_experienced / self.scored as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_and_edges() {
        let mut h = Histogram::new(-1.0, 1.0, 20);
        assert!((h.width() - 0.1).abs() < 1e-12);
        assert_eq!(h.bin_of(-1.0), 0);
        assert_eq!(h.bin_of(-0.95), 0);
        assert_eq!(h.bin_of(-0.9), 1);
        assert_eq!(h.bin_of(0.0), 10);
        assert_eq!(h.bin_of(-0.0001), 9);
        assert_eq!(h.bin_of(1.0), 19, "the last bin is closed");
        assert_eq!(h.bin_of(7.0), 19);
        assert_eq!(h.bin_of(-7.0), 0);
        assert_eq!(h.bin_of(f64::NAN), 0);
        for v in [-1.0, 0.0, 0.05, 1.0] {
            h.add(v);
        }
        assert_eq!(h.total(), 4);
        assert_eq!(h.counts[10], 2);
    }

    #[test]
    fn tally_is_bounded() {
        let mut t = Tally::default();
        for i in 0..100 {
            t.add(&format!("label-{i}"));
        }
        t.add("label-0");
        let ranked = t.ranked();
        assert_eq!(ranked.len(), Tally::CAP + 1);
        assert_eq!(ranked[0], ("label-0".to_string(), 2));
        assert_eq!(
            ranked.last().unwrap(),
            &("other".to_string(), 100 - Tally::CAP as u64)
        );
        assert_eq!(t.total(), 101);
    }
}
