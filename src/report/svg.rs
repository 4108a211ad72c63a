//! Inline SVG drawn in Rust: the arc of one interaction and the batch
//! histograms.
//!
//! Drawing on the server means the page shows its charts with JavaScript
//! off, in a mail client's preview, in print and in `chromium --dump-dom`,
//! and that the geometry is plain arithmetic we can unit-test. The geometry
//! ([`Frame`], [`ArcGeometry`]) is kept apart from the markup so that tests
//! check positions, not strings.
//!
//! Conventions: valence runs from -1 (bottom) to +1 (top); turns go left
//! to right in conversation order, customer and agent on the same axis so
//! the two lines interleave as the talk did: at their start time when every
//! turn has one (so a hold takes the room it took in the call), else spread
//! evenly. Holds and long silences are shaded bands before the turn that
//! ends them, labelled with their length. Colours come from CSS classes
//! (`neg`, `neu`, `pos`), so the page's legend and the charts cannot
//! disagree.

use std::fmt::Write;

use super::glance::Histogram;
use super::html::{esc, num};
use super::read::{Summary, TurnRow};
use crate::record::Speaker;
use crate::summary::moments::push_duration;

/// Valence at or beyond which a turn counts as positive or negative
/// (VADER's convention for the compound score, as in `peak_end`).
pub const NEUTRAL_BAND: f64 = -crate::peak_end::NEGATIVE_BELOW;

/// The CSS class of a valence: `neg`, `neu` or `pos`.
pub fn tone(v: f64) -> &'static str {
    if v <= -NEUTRAL_BAND {
        "neg"
    } else if v >= NEUTRAL_BAND {
        "pos"
    } else {
        "neu"
    }
}

/// A drawing area: the SVG's size and the margins around its plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// viewBox width.
    pub width: f64,
    /// viewBox height.
    pub height: f64,
    /// Left margin (y-axis labels).
    pub left: f64,
    /// Right margin (reference-line labels).
    pub right: f64,
    /// Top margin.
    pub top: f64,
    /// Bottom margin (x-axis labels).
    pub bottom: f64,
}

impl Frame {
    /// The frame of an interaction's arc.
    pub const ARC: Frame = Frame {
        width: 900.0,
        height: 250.0,
        left: 52.0,
        right: 176.0,
        top: 14.0,
        bottom: 30.0,
    };
    /// The frame of a histogram.
    pub const HISTOGRAM: Frame = Frame {
        width: 420.0,
        height: 180.0,
        left: 40.0,
        right: 12.0,
        top: 12.0,
        bottom: 30.0,
    };

    /// Left edge of the plot.
    pub fn x0(&self) -> f64 {
        self.left
    }
    /// Right edge of the plot.
    pub fn x1(&self) -> f64 {
        self.width - self.right
    }
    /// Bottom edge of the plot.
    pub fn y0(&self) -> f64 {
        self.height - self.bottom
    }

    /// x of the `i`-th of `n` evenly spread points; a lone point is
    /// centred.
    pub fn x(&self, i: usize, n: usize) -> f64 {
        if n <= 1 {
            return (self.x0() + self.x1()) / 2.0;
        }
        self.x0() + (self.x1() - self.x0()) * i as f64 / (n - 1) as f64
    }

    /// y of a valence, clamped to [-1, 1]: +1 at the top of the plot, -1 at
    /// the bottom.
    pub fn y(&self, v: f64) -> f64 {
        let v = if v.is_nan() { 0.0 } else { v.clamp(-1.0, 1.0) };
        self.top + (1.0 - v) / 2.0 * (self.y0() - self.top)
    }

    /// x of a value on a horizontal scale from `lo` to `hi`.
    pub fn scale_x(&self, v: f64, lo: f64, hi: f64) -> f64 {
        self.x0() + (self.x1() - self.x0()) * (v - lo) / (hi - lo)
    }
}

/// One drawn turn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Position in the conversation (0-based), also the tooltip's key.
    pub index: usize,
    /// x in the frame.
    pub x: f64,
    /// y in the frame.
    pub y: f64,
    /// Who spoke.
    pub speaker: Speaker,
    /// The turn's valence.
    pub valence: f64,
    /// The turn number.
    pub turn: i64,
}

/// One hold or long silence on the arc: a band before the turn that ends
/// it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Left edge.
    pub x0: f64,
    /// Right edge (the turn that ends it).
    pub x1: f64,
    /// Its length.
    pub ms: i64,
    /// A hold (else a silence).
    pub hold: bool,
    /// The `turn` it ends before.
    pub turn: i64,
}

/// Where everything of one arc goes.
#[derive(Clone, Debug, PartialEq)]
pub struct ArcGeometry {
    /// The frame used.
    pub frame: Frame,
    /// Every turn, in conversation order.
    pub points: Vec<Point>,
    /// The time span drawn, in ms from the first turn's start, when the
    /// turns are placed by time; `None` when spread evenly.
    pub span_ms: Option<(i64, i64)>,
    /// The holds and long silences.
    pub bands: Vec<Band>,
    /// The peak marker: (x, y).
    pub peak: Option<(f64, f64)>,
    /// The end marker: at the last customer turn, at the height of `end`.
    pub end: Option<(f64, f64)>,
    /// y of the experienced line.
    pub experienced: Option<f64>,
    /// y of the remembered line.
    pub remembered: Option<f64>,
}

impl ArcGeometry {
    /// Lays out the arc of `turns` (conversation order) with the summary's
    /// figures.
    pub fn new(frame: Frame, turns: &[TurnRow], s: &Summary) -> ArcGeometry {
        let n = turns.len();
        // By time when every turn has a start and they span some time.
        let starts: Option<Vec<i64>> = turns.iter().map(|t| t.start_ms).collect();
        let span_ms = starts.as_ref().and_then(|st| {
            let lo = *st.iter().min()?;
            let hi = turns
                .iter()
                .map(|t| t.end_ms.unwrap_or(0))
                .chain(st.iter().copied())
                .max()?;
            (n > 1 && hi > lo).then_some((lo, hi))
        });
        let x_at = |i: usize, ms: Option<i64>| match (span_ms, ms) {
            (Some((lo, hi)), Some(ms)) => frame.scale_x(ms as f64, lo as f64, hi as f64),
            _ => frame.x(i, n),
        };
        let points: Vec<Point> = turns
            .iter()
            .enumerate()
            .map(|(i, t)| Point {
                index: i,
                x: x_at(i, t.start_ms),
                y: frame.y(t.valence),
                speaker: t.speaker,
                valence: t.valence,
                turn: t.turn,
            })
            .collect();
        let bands: Vec<Band> = s
            .pauses
            .iter()
            .filter_map(|p| {
                let i = turns.iter().position(|t| t.turn == p.turn).filter(|&i| i > 0)?;
                let x1 = points[i].x;
                let x0 = match (span_ms, turns[i].start_ms) {
                    (Some(_), Some(start)) => x_at(i, Some(start - p.ms)),
                    _ => points[i - 1].x,
                };
                Some(Band { x0: x0.min(x1), x1, ms: p.ms, hold: p.hold, turn: p.turn })
            })
            .collect();
        let customers = || points.iter().filter(|p| p.speaker == Speaker::Customer);
        let f = &s.figures;
        // A hold that is the peak is marked in the middle of its band.
        let hold_peak = s.peak_turn.filter(|_| s.peak_is_hold).and_then(|pt| {
            bands.iter().find(|b| b.hold && b.turn == pt).map(|b| (b.x0 + b.x1) / 2.0)
        });
        // The peak is the customer turn numbered peak_turn; without that
        // column, the customer turn whose valence is closest to the peak.
        let peak_point = f.peak.and_then(|peak| {
            if let Some(x) = hold_peak {
                return Some((x, frame.y(peak)));
            }
            s.peak_turn
                .and_then(|pt| customers().find(|p| p.turn == pt))
                .or_else(|| {
                    customers().min_by(|a, b| {
                        (a.valence - peak).abs().total_cmp(&(b.valence - peak).abs())
                    })
                })
                .map(|p| (p.x, frame.y(peak)))
        });
        let end_point = f.end.and_then(|end| {
            s.end_turn
                .and_then(|et| customers().find(|p| p.turn == et))
                .or_else(|| customers().next_back())
                .map(|p| (p.x, frame.y(end)))
        });
        ArcGeometry {
            frame,
            span_ms,
            bands,
            peak: peak_point,
            end: end_point,
            experienced: f.experienced.map(|v| frame.y(v)),
            remembered: f.remembered.map(|v| frame.y(v)),
            points,
        }
    }

    /// The points of one speaker's line, as an SVG `points` attribute.
    pub fn polyline(&self, speaker: Speaker) -> String {
        let mut s = String::new();
        for p in self.points.iter().filter(|p| p.speaker == speaker) {
            let _ =
                write!(s, "{}{:.1},{:.1}", if s.is_empty() { "" } else { " " }, p.x, p.y);
        }
        s
    }
}

/// Moves two labels at heights `a` and `b` apart to at least `gap`,
/// symmetrically, keeping their order and staying inside `[lo, hi]`.
pub fn spread(a: f64, b: f64, gap: f64, lo: f64, hi: f64) -> (f64, f64) {
    if (a - b).abs() >= gap {
        return (a, b);
    }
    let mid = ((a + b) / 2.0).clamp(lo + gap / 2.0, hi - gap / 2.0);
    if a <= b {
        (mid - gap / 2.0, mid + gap / 2.0)
    } else {
        (mid + gap / 2.0, mid - gap / 2.0)
    }
}

/// At most `max` evenly spaced indices out of `n`, always the first and
/// the last: which turns get an x-axis label.
pub fn tick_indices(n: usize, max: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let step = n.div_ceil(max.max(2) - 1).max(1);
    let mut v: Vec<usize> = (0..n).step_by(step).collect();
    if *v.last().unwrap_or(&0) != n - 1 {
        if n - 1 - v.last().copied().unwrap_or(0) < step / 2 + 1 && v.len() > 1 {
            v.pop();
        }
        v.push(n - 1);
    }
    v
}

/// Writes the arc SVG. `key` prefixes the tooltip ids (`{key}-t{i}`).
pub fn write_arc(out: &mut String, g: &ArcGeometry, key: &str, label: &str, s: &Summary) {
    let f = &g.frame;
    let (x0, x1, y0, top) = (f.x0(), f.x1(), f.y0(), f.top);
    let _ = write!(
        out,
        r#"<svg class="arc" viewBox="0 0 {w} {h}" role="img" aria-label="{label}" data-key="{key}">"#,
        w = f.width,
        h = f.height,
        label = esc(label),
    );
    // Tinted halves: above zero is positive, below negative.
    let zero = f.y(0.0);
    let _ = write!(
        out,
        r#"<rect class="band-pos" x="{x0}" y="{top}" width="{pw:.1}" height="{ph:.1}"/><rect class="band-neg" x="{x0}" y="{zero:.1}" width="{pw:.1}" height="{nh:.1}"/>"#,
        pw = x1 - x0,
        ph = zero - top,
        nh = y0 - zero,
    );
    for v in [1.0, 0.5, 0.0, -0.5, -1.0] {
        let y = f.y(v);
        let class = if v == 0.0 { "axis zero" } else { "grid" };
        let _ = write!(
            out,
            r#"<line class="{class}" x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}"/>"#
        );
        if v != 0.5 && v != -0.5 {
            let text = if v > 0.0 {
                "+1"
            } else if v < 0.0 {
                "\u{2212}1"
            } else {
                "0"
            };
            let _ = write!(
                out,
                r#"<text class="ylab" x="{:.1}" y="{:.1}">{text}</text>"#,
                x0 - 6.0,
                y + 4.0
            );
        }
    }
    // x-axis: turn numbers, or minutes and seconds when placed by time.
    if let Some((lo, hi)) = g.span_ms {
        for ms in time_ticks(hi - lo, 8) {
            let x = f.scale_x((lo + ms) as f64, lo as f64, hi as f64);
            let _ = write!(
                out,
                r#"<text class="xlab" x="{x:.1}" y="{:.1}">{}</text>"#,
                y0 + 18.0,
                clock(ms)
            );
        }
    } else {
        for i in tick_indices(g.points.len(), 12) {
            let p = &g.points[i];
            let _ = write!(
                out,
                r#"<text class="xlab" x="{:.1}" y="{:.1}">{}</text>"#,
                p.x,
                y0 + 18.0,
                p.turn
            );
        }
    }
    let axis = if g.span_ms.is_some() { "time" } else { "turn" };
    let _ =
        write!(out, r#"<text class="axisname" x="2" y="{:.1}">{axis}</text>"#, y0 + 18.0);
    // Holds and long silences, under the lines.
    // Labels alternate between two rows, so neighbours stay readable.
    for (k, b) in g.bands.iter().enumerate() {
        let (class, what) = if b.hold { ("hold", "hold ") } else { ("silence", "") };
        let mut len = String::new();
        push_duration(&mut len, b.ms);
        let _ = write!(
            out,
            r#"<rect class="pause {class}" x="{:.1}" y="{top}" width="{:.1}" height="{:.1}"><title>{class} of {len} before turn {turn}</title></rect><text class="pauselab {class}" x="{:.1}" y="{:.1}">{what}{len}</text>"#,
            b.x0,
            (b.x1 - b.x0).max(3.0),
            y0 - top,
            (b.x0 + b.x1) / 2.0,
            top + 12.0 + 13.0 * (k % 2) as f64,
            turn = b.turn,
        );
    }
    // Reference lines, labels kept apart.
    let (ey, ry) = (g.experienced, g.remembered);
    let (ely, rly) = match (ey, ry) {
        (Some(e), Some(r)) => {
            let (a, b) = spread(e, r, 15.0, top, y0);
            (Some(a), Some(b))
        }
        _ => (ey, ry),
    };
    let refs = [
        ("experienced", ey, ely, s.figures.experienced),
        ("remembered", ry, rly, s.figures.remembered),
    ];
    for (name, y, ly, v) in refs {
        if let (Some(y), Some(ly), Some(v)) = (y, ly, v) {
            let _ = write!(
                out,
                r#"<line class="ref {name}" x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}"/><text class="reflab {name}" x="{:.1}" y="{:.1}">{name} {}</text>"#,
                x1 + 16.0,
                ly + 4.0,
                num(v),
            );
        }
    }
    for (speaker, class) in
        [(Speaker::Agent, "line agent"), (Speaker::Customer, "line customer")]
    {
        let pts = g.polyline(speaker);
        if !pts.is_empty() {
            let _ = write!(out, r#"<polyline class="{class}" points="{pts}"/>"#);
        }
    }
    // Markers under the points, so the points stay hoverable. When the
    // peak is also the end, one label names both.
    let together = matches!((g.peak, g.end), (Some(p), Some(e)) if (p.0 - e.0).abs() < 1.0 && (p.1 - e.1).abs() < 16.0);
    if let Some((x, y)) = g.peak {
        let ly = if y < top + 22.0 { y + 24.0 } else { y - 13.0 };
        let _ = write!(
            out,
            r#"<circle class="mark peak" cx="{x:.1}" cy="{y:.1}" r="10"/><text class="marklab" x="{x:.1}" y="{ly:.1}">{}</text>"#,
            if together { "peak + end" } else { "peak" }
        );
    }
    if let Some((x, y)) = g.end {
        // "end" to the left of its diamond: the peak's label is above or
        // below, and the reference labels are to the right.
        let d = 9.0;
        let _ = write!(
            out,
            r#"<path class="mark end" d="M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z"/><text class="marklab endlab" x="{:.1}" y="{:.1}">{}</text>"#,
            x,
            y - d,
            x + d,
            y,
            x,
            y + d,
            x - d,
            y,
            x - d - 4.0,
            y + 4.0,
            if together { "" } else { "end" },
        );
    }
    for p in &g.points {
        let (who, r) = match p.speaker {
            Speaker::Customer => ("customer", 5.5),
            Speaker::Agent => ("agent", 4.0),
        };
        let _ = write!(
            out,
            r#"<circle class="pt {who} {tone}" cx="{x:.1}" cy="{y:.1}" r="{r}" data-tip="{key}-t{i}"><title>turn {turn}, {who}: {v}</title></circle>"#,
            tone = tone(p.valence),
            x = p.x,
            y = p.y,
            i = p.index,
            turn = p.turn,
            v = num(p.valence),
        );
    }
    out.push_str("</svg>");
}

/// Offsets (ms) of at most `max` time-axis labels over `span` ms, every
/// round step (5 s, 10 s, 15 s, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h, ...).
pub fn time_ticks(span: i64, max: usize) -> Vec<i64> {
    const STEPS: [i64; 11] = [
        5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
        1_800_000, 3_600_000,
    ];
    let max = max.max(2) as i64;
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s < max)
        .unwrap_or_else(|| (span / (max - 1) / 3_600_000 + 1) * 3_600_000);
    (0..=span / step).map(|k| k * step).collect()
}

/// A time offset as `m:ss` (`h:mm:ss` from an hour).
pub fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The range a histogram is drawn over: its own for values in [-1, 1];
/// for wider ones (gap), symmetric around 0 and just wide enough for the
/// non-empty bins, in steps of 0.5, at least [-1, 1].
pub fn display_range(h: &Histogram) -> (f64, f64) {
    if h.lo >= -1.0 && h.hi <= 1.0 {
        return (h.lo, h.hi);
    }
    let w = h.width();
    let mut reach: f64 = 1.0;
    for (k, &c) in h.counts.iter().enumerate() {
        if c > 0 {
            let lo = h.lo + k as f64 * w;
            reach = reach.max(lo.abs()).max((lo + w).abs());
        }
    }
    let reach = ((reach - 1e-9) * 2.0).ceil() / 2.0;
    (-reach.min(-h.lo), reach.min(h.hi))
}

/// The top of a count axis: `n` (at least 1) rounded up to a round number
/// (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) so that its
/// label reads well and the tallest bar still nearly fills the chart.
pub fn nice_ceiling(n: u64) -> u64 {
    if n <= 10 {
        return n.max(1);
    }
    let mut unit = 10u64;
    while unit.saturating_mul(10) < n {
        unit = unit.saturating_mul(10);
    }
    // n is in (unit, 10·unit] and unit ≥ 10, so tenths of it are whole.
    for tenths in [12, 15, 20, 25, 30, 40, 50, 60, 80, 100] {
        let step = unit / 10 * tenths;
        if step >= n {
            return step;
        }
    }
    unit.saturating_mul(10)
}

/// A count for an axis: `15k`, `2.5k`, `1.2M`, or the number itself.
pub fn compact(n: u64) -> String {
    let f = |v: f64, unit: &str| {
        let s = format!("{v:.1}");
        format!("{}{unit}", s.strip_suffix(".0").unwrap_or(&s))
    };
    if n >= 1_000_000 {
        f(n as f64 / 1e6, "M")
    } else if n >= 10_000 {
        f(n as f64 / 1e3, "k")
    } else {
        n.to_string()
    }
}

/// An axis label at a multiple of 0.5: `−1`, `−0.5`, `0`, `0.5`, `1`.
fn tick_label(t: f64) -> String {
    let t = (t * 10.0).round() / 10.0;
    if t.abs() < 1e-9 {
        "0".to_string()
    } else if t < 0.0 {
        format!("\u{2212}{}", -t)
    } else {
        format!("{t}")
    }
}

/// Writes a histogram SVG; `what` names the values in tooltips.
pub fn write_histogram(out: &mut String, h: &Histogram, what: &str, label: &str) {
    let f = Frame::HISTOGRAM;
    let (lo, hi) = display_range(h);
    let max = nice_ceiling(h.counts.iter().copied().max().unwrap_or(0));
    let (x0, x1, y0, top) = (f.x0(), f.x1(), f.y0(), f.top);
    let _ = write!(
        out,
        r#"<svg class="hist" viewBox="0 0 {} {}" role="img" aria-label="{}">"#,
        f.width,
        f.height,
        esc(label)
    );
    let _ =
        write!(out, r#"<line class="axis" x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}"/>"#);
    let _ =
        write!(out, r#"<line class="grid" x1="{x0}" y1="{top}" x2="{x1}" y2="{top}"/>"#);
    let _ = write!(
        out,
        r#"<text class="ylab" x="{:.1}" y="{:.1}">{}</text>"#,
        x0 - 6.0,
        top + 4.0,
        compact(max)
    );
    let _ = write!(
        out,
        r#"<text class="ylab" x="{:.1}" y="{:.1}">0</text>"#,
        x0 - 6.0,
        y0 + 4.0
    );
    let w = h.width();
    for (k, &c) in h.counts.iter().enumerate() {
        let (blo, bhi) = (h.lo + k as f64 * w, h.lo + (k + 1) as f64 * w);
        if bhi <= lo + 1e-9 || blo >= hi - 1e-9 {
            continue;
        }
        let (bx0, bx1) = (f.scale_x(blo, lo, hi), f.scale_x(bhi, lo, hi));
        let bh = (y0 - top) * c as f64 / max as f64;
        let class = if bhi <= 1e-9 {
            "neg"
        } else if blo >= -1e-9 {
            "pos"
        } else {
            "neu"
        };
        let _ = write!(
            out,
            r#"<rect class="bar {class}" x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}"><title>{what} {} to {}: {c}</title></rect>"#,
            bx0 + 0.5,
            y0 - bh,
            (bx1 - bx0 - 1.0).max(0.5),
            num(blo),
            num(bhi),
        );
    }
    let mut t = (lo * 2.0).round() / 2.0;
    while t <= hi + 1e-9 {
        let x = f.scale_x(t, lo, hi);
        let text = tick_label(t);
        let _ = write!(
            out,
            r#"<line class="tick" x1="{x:.1}" y1="{y0}" x2="{x:.1}" y2="{:.1}"/>"#,
            y0 + 4.0
        );
        let _ = write!(
            out,
            r#"<text class="xlab" x="{x:.1}" y="{:.1}">{text}</text>"#,
            y0 + 18.0
        );
        t += 0.5;
    }
    out.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read::{Figures, Pause};

    fn turn(turn: i64, speaker: Speaker, valence: f64) -> TurnRow {
        TurnRow {
            turn,
            speaker,
            valence,
            emotion: String::new(),
            terms: Vec::new(),
            text: String::new(),
            start_ms: None,
            end_ms: None,
        }
    }

    #[test]
    fn valence_maps_to_pixels() {
        let f = Frame::ARC;
        let (top, bottom) = (f.top, f.height - f.bottom);
        assert_eq!(f.y(1.0), top);
        assert_eq!(f.y(-1.0), bottom);
        assert_eq!(f.y(0.0), (top + bottom) / 2.0);
        assert_eq!(f.y(0.5), top + (bottom - top) / 4.0);
        assert_eq!(f.y(3.0), top, "clamped");
        assert_eq!(f.y(-3.0), bottom, "clamped");
        assert_eq!(f.y(f64::NAN), f.y(0.0));
        // Higher valence is higher on the page (smaller y).
        assert!(f.y(0.2) < f.y(0.1));
    }

    #[test]
    fn turns_spread_over_the_plot() {
        let f = Frame::ARC;
        assert_eq!(f.x(0, 5), f.left);
        assert_eq!(f.x(4, 5), f.width - f.right);
        assert_eq!(f.x(2, 5), (f.left + f.width - f.right) / 2.0);
        assert_eq!(
            f.x(0, 1),
            (f.left + f.width - f.right) / 2.0,
            "a lone turn is centred"
        );
        let xs: Vec<f64> = (0..7).map(|i| f.x(i, 7)).collect();
        assert!(xs.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn arc_points_and_markers() {
        let turns = vec![
            turn(1, Speaker::Agent, 0.2),
            turn(2, Speaker::Customer, -0.8),
            turn(3, Speaker::Agent, 0.1),
            turn(4, Speaker::Customer, 0.3),
            turn(5, Speaker::Customer, -0.4),
            turn(6, Speaker::Agent, 0.0),
        ];
        let s = Summary {
            peak_turn: Some(2),
            end_turn: Some(5),
            figures: Figures {
                experienced: Some(-0.3),
                peak: Some(-0.8),
                end: Some(-0.05),
                remembered: Some(-0.425),
                ..Figures::default()
            },
            ..Summary::default()
        };
        let f = Frame::ARC;
        let g = ArcGeometry::new(f, &turns, &s);
        assert_eq!(g.points.len(), 6, "one point per turn");
        assert_eq!(g.points.iter().filter(|p| p.speaker == Speaker::Customer).count(), 3);
        assert_eq!(g.points[1].x, f.x(1, 6));
        assert_eq!(g.points[1].y, f.y(-0.8));
        assert_eq!(g.peak, Some((f.x(1, 6), f.y(-0.8))), "peak on turn 2");
        assert_eq!(
            g.end,
            Some((f.x(4, 6), f.y(-0.05))),
            "end at the last customer turn, at end's height"
        );
        assert_eq!(g.experienced, Some(f.y(-0.3)));
        assert_eq!(g.remembered, Some(f.y(-0.425)));
        assert_eq!(g.polyline(Speaker::Customer).split(' ').count(), 3);
        assert_eq!(g.polyline(Speaker::Agent).split(' ').count(), 3);

        // Without turn columns the markers fall back on the values.
        let s2 = Summary { peak_turn: None, end_turn: None, ..s.clone() };
        let g2 = ArcGeometry::new(f, &turns, &s2);
        assert_eq!(g2.peak, g.peak);
        assert_eq!(g2.end, g.end);

        let mut svg = String::new();
        write_arc(&mut svg, &g, "r1", "arc", &s);
        assert_eq!(svg.matches("<circle class=\"pt ").count(), 6);
        assert_eq!(svg.matches("class=\"mark peak\"").count(), 1);
        assert_eq!(svg.matches("class=\"mark end\"").count(), 1);
        assert!(svg.contains("data-tip=\"r1-t4\""));
        assert!(svg.contains(">peak</text>") && svg.contains(">end</text>"));
        // Peak and end on the same turn: one label for both.
        let same = Summary {
            peak_turn: Some(5),
            figures: Figures { peak: Some(-0.06), ..s.figures },
            ..s.clone()
        };
        let mut svg = String::new();
        write_arc(&mut svg, &ArcGeometry::new(f, &turns, &same), "r2", "arc", &same);
        assert!(svg.contains(">peak + end</text>") && !svg.contains(">end</text>"));

        // No customer turn: no markers, no reference lines.
        let g3 = ArcGeometry::new(f, &turns[..1], &Summary::default());
        assert_eq!((g3.peak, g3.end, g3.remembered), (None, None, None));
    }

    #[test]
    fn timed_turns_are_placed_by_time_and_pauses_drawn_as_bands() {
        let timed = |t: i64, speaker, start: i64, end: i64| TurnRow {
            start_ms: Some(start),
            end_ms: Some(end),
            ..turn(t, speaker, 0.0)
        };
        let turns = vec![
            timed(1, Speaker::Customer, 0, 10_000),
            timed(2, Speaker::Agent, 10_000, 20_000),
            // A 60 s hold before turn 3, the peak.
            timed(3, Speaker::Agent, 80_000, 90_000),
            timed(4, Speaker::Customer, 90_000, 100_000),
        ];
        let s = Summary {
            peak_turn: Some(3),
            peak_is_hold: true,
            pauses: vec![Pause { turn: 3, ms: 60_000, hold: true }],
            figures: Figures { peak: Some(-0.18), ..Figures::default() },
            ..Summary::default()
        };
        let f = Frame::ARC;
        let g = ArcGeometry::new(f, &turns, &s);
        assert_eq!(g.span_ms, Some((0, 100_000)));
        let xs: Vec<f64> = g.points.iter().map(|p| p.x).collect();
        let at = |ms: f64| f.scale_x(ms, 0.0, 100_000.0);
        assert_eq!(xs, [at(0.0), at(10_000.0), at(80_000.0), at(90_000.0)]);
        let band =
            Band { x0: at(20_000.0), x1: at(80_000.0), ms: 60_000, hold: true, turn: 3 };
        assert_eq!(g.bands, [band]);
        assert_eq!(g.peak, Some(((band.x0 + band.x1) / 2.0, f.y(-0.18))), "in the hold");
        let mut svg = String::new();
        write_arc(&mut svg, &g, "r1", "arc", &s);
        assert!(svg.contains(">hold 1m00s</text>") && svg.contains(">time</text>"));
        assert!(svg.contains(">1:00</text>"), "{svg}");

        // Without timestamps: by position, the band between the two turns.
        let plain: Vec<TurnRow> = turns
            .iter()
            .map(|t| TurnRow { start_ms: None, end_ms: None, ..t.clone() })
            .collect();
        let g = ArcGeometry::new(f, &plain, &s);
        assert_eq!(g.span_ms, None);
        assert_eq!((g.bands[0].x0, g.bands[0].x1), (f.x(1, 4), f.x(2, 4)));
        // A pause at a turn not drawn (or the first) has no band.
        let s2 =
            Summary { pauses: vec![Pause { turn: 1, ms: 5, hold: false }], ..s.clone() };
        assert!(ArcGeometry::new(f, &plain, &s2).bands.is_empty());
    }

    #[test]
    fn time_axis_steps_are_round() {
        assert_eq!(
            time_ticks(100_000, 8),
            [0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000]
        );
        assert_eq!(
            time_ticks(660_000, 8),
            (0..=5).map(|k| k * 120_000).collect::<Vec<_>>()
        );
        assert_eq!(
            time_ticks(30 * 3_600_000, 8),
            (0..=6).map(|k| k * 5 * 3_600_000).collect::<Vec<_>>()
        );
        assert_eq!(
            [clock(0), clock(75_000), clock(3_725_000)],
            ["0:00", "1:15", "1:02:05"]
        );
    }

    #[test]
    fn labels_are_kept_apart() {
        assert_eq!(spread(10.0, 50.0, 15.0, 0.0, 200.0), (10.0, 50.0));
        assert_eq!(spread(100.0, 104.0, 15.0, 0.0, 200.0), (94.5, 109.5));
        assert_eq!(spread(104.0, 100.0, 15.0, 0.0, 200.0), (109.5, 94.5));
        assert_eq!(spread(1.0, 2.0, 15.0, 0.0, 200.0), (0.0, 15.0), "kept inside");
    }

    #[test]
    fn ticks_include_both_ends() {
        assert_eq!(tick_indices(0, 12), Vec::<usize>::new());
        assert_eq!(tick_indices(1, 12), [0]);
        assert_eq!(tick_indices(5, 12), [0, 1, 2, 3, 4]);
        let t = tick_indices(100, 12);
        assert!(t.len() <= 12 && t[0] == 0 && *t.last().unwrap() == 99, "{t:?}");
    }

    #[test]
    fn count_axes_end_on_round_numbers() {
        let cases = [
            (0, 1),
            (7, 7),
            (11, 12),
            (21, 25),
            (26, 30),
            (100, 100),
            (101, 120),
            (12_981, 15_000),
            (10_701, 12_000),
        ];
        for (n, want) in cases {
            assert_eq!(nice_ceiling(n), want, "{n}");
        }
        assert_eq!(
            [compact(999), compact(15_000), compact(12_000), compact(1_200_000)],
            ["999", "15k", "12k", "1.2M"]
        );
    }

    #[test]
    fn histogram_range_and_bars() {
        let mut gap = Histogram::new(-2.0, 2.0, 40);
        gap.add(-0.3);
        assert_eq!(display_range(&gap), (-1.0, 1.0));
        gap.add(1.26);
        assert_eq!(display_range(&gap), (-1.5, 1.5));
        let mut rem = Histogram::new(-1.0, 1.0, 20);
        rem.add(-0.7);
        assert_eq!(display_range(&rem), (-1.0, 1.0));
        let mut svg = String::new();
        write_histogram(&mut svg, &rem, "remembered", "histogram");
        assert_eq!(svg.matches("<rect class=\"bar").count(), 20);
        assert_eq!(svg.matches("<rect class=\"bar neg\"").count(), 10);
        assert!(svg.contains("remembered \u{2212}0.70 to \u{2212}0.60: 1"), "{svg}");
        assert_eq!(
            [tick_label(-1.0), tick_label(-0.5), tick_label(0.0), tick_label(1.5)],
            ["\u{2212}1", "\u{2212}0.5", "0", "1.5"]
        );
    }
}
