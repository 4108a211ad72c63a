//! Output: the per-interaction CSV and the per-turn CSV.
//!
//! The columns are those of [`schema`]; this module encodes them as CSV
//! through one `csv::Writer` per table (quoting as RFC 4180 needs it).
//! Figures are written with four decimals; figures that do not exist (no
//! customer turn) are empty cells. Explanation lists are capped at
//! [`MAX_TERMS`] entries.
//! A file output is written to a temporary file beside its target and renamed
//! into place only when the run succeeds, so a failed run never leaves a
//! complete-looking file behind; the temporary files are listed in
//! [`crate::cleanup`] so that an interrupted run removes them too.

use std::path::Path;

use crate::engine::Scored;
use crate::error::{Error, Result};
use crate::number;
use crate::record::Interaction;
use crate::report;
use crate::score::{Term, TurnScore};

pub mod arrow;
pub mod atomic;
pub mod schema;

use atomic::AtomicFile;

use schema::{TermList, Value};

/// The most entries an explanation cell lists: the strongest (largest
/// absolute contribution), in text order, then `+K more`. A pasted log in
/// one turn would otherwise make a cell of megabytes.
pub const MAX_TERMS: usize = 32;

/// One CSV output: rows arrive already formatted, as bytes. The header
/// goes out with the first rows, or at the end of an empty run, so a run
/// that fails before its first row writes nothing to standard output.
struct CsvOut {
    file: AtomicFile,
    header: Option<Vec<u8>>,
}

impl CsvOut {
    fn create<F>(path: Option<&Path>, table: &[schema::Column<F>]) -> Result<CsvOut> {
        let mut header = schema::names(table).collect::<Vec<_>>().join(",").into_bytes();
        header.push(b'\n');
        Ok(CsvOut { file: AtomicFile::create(path)?, header: Some(header) })
    }

    fn write(&mut self, rows: &[u8]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.write_header()?;
        self.file.write_all_named(rows)
    }

    fn write_header(&mut self) -> Result<()> {
        match self.header.take() {
            Some(header) => self.file.write_all_named(&header),
            None => Ok(()),
        }
    }

    /// Writes what is left and forces it to disk.
    fn finish(&mut self) -> Result<()> {
        self.write_header()?;
        self.file.finish()
    }
}

/// Rows of both CSVs formatted as bytes: workers format in parallel, and
/// the writer only copies bytes out.
#[derive(Debug, Default)]
pub struct Rows {
    interactions: Vec<u8>,
    turns: Vec<u8>,
    /// One explanation cell being formatted.
    cell: Vec<u8>,
    /// The absolute contributions of a capped explanation list.
    strengths: Vec<f64>,
    /// What the report takes of each interaction (with a report only).
    entries: Vec<report::Entry>,
}

/// What [`Rows::push`] formats, from [`Outputs::layout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    turns: bool,
    report: bool,
}

impl Rows {
    /// Appends one interaction's row and, as `layout` asks, its turn rows
    /// and its report entry.
    pub fn push(&mut self, ix: &Interaction, scored: &Scored, layout: Layout) {
        let turns = layout.turns;
        if layout.report {
            self.entries.push(report::Entry::new(ix, scored));
        }
        let mut cells = Cells { cell: &mut self.cell, strengths: &mut self.strengths };
        let row = schema::InteractionRow { ix, scored };
        for (i, column) in schema::INTERACTION.iter().enumerate() {
            cells.encode(&mut self.interactions, i == 0, (column.value)(&row));
        }
        self.interactions.push(b'\n');
        if turns {
            for (i, (turn, score)) in ix.turns.iter().zip(&scored.turns).enumerate() {
                let language = scored.turn_language(i);
                let row = schema::TurnRow { id: &ix.id, turn, score, language };
                for (i, column) in schema::TURN.iter().enumerate() {
                    cells.encode(&mut self.turns, i == 0, (column.value)(&row));
                }
                self.turns.push(b'\n');
            }
        }
    }

    /// Empties both buffers, keeping their capacity.
    pub fn clear(&mut self) {
        self.interactions.clear();
        self.turns.clear();
        self.entries.clear();
    }

    fn len(&self) -> usize {
        self.interactions.len() + self.turns.len()
    }

    /// Bytes allocated by both buffers.
    pub fn capacity(&self) -> usize {
        self.interactions.capacity() + self.turns.capacity()
    }
}

/// Bytes buffered by [`Outputs::write`] before they go to the files.
const FLUSH_BYTES: usize = 1 << 16;

/// The report written with the outputs (`score --report`).
struct ReportOut {
    builder: report::Builder,
    file: AtomicFile,
    from: Vec<String>,
    done: ReportSlot,
}

/// Where [`Outputs::commit`] leaves the report it wrote, for the caller's
/// summary line.
pub type ReportSlot = std::sync::Arc<std::sync::Mutex<Option<report::Report>>>;

/// The outputs of a run: both CSVs and, with `--report`, the page.
pub struct Outputs {
    interactions: CsvOut,
    turns: Option<CsvOut>,
    report: Option<ReportOut>,
    pending: Rows,
}

impl Outputs {
    /// Opens the outputs (`None` or `-` is standard output).
    pub fn create(interactions: Option<&Path>, turns: Option<&Path>) -> Result<Outputs> {
        Ok(Outputs {
            interactions: CsvOut::create(interactions, schema::INTERACTION)?,
            turns: turns.map(|p| CsvOut::create(Some(p), schema::TURN)).transpose()?,
            report: None,
            pending: Rows::default(),
        })
    }

    /// Also writes the coach report to `path`, fed with the interactions as
    /// they are written; `from` names the inputs on the page, and `done`
    /// gets the report once it is written.
    pub fn with_report(
        mut self,
        path: &Path,
        options: &report::Options,
        from: Vec<String>,
        done: ReportSlot,
    ) -> Result<Outputs> {
        let builder = report::Builder::new(options)?;
        let file = AtomicFile::create(Some(path))?;
        self.report = Some(ReportOut { builder, file, from, done });
        Ok(self)
    }

    /// What the rows of this run hold.
    pub fn layout(&self) -> Layout {
        Layout { turns: self.turns.is_some(), report: self.report.is_some() }
    }

    /// True when the per-turn CSV is written.
    pub fn has_turns(&self) -> bool {
        self.turns.is_some()
    }

    /// Writes one interaction's row and, when asked for, its turn rows.
    pub fn write(&mut self, ix: &Interaction, scored: &Scored) -> Result<()> {
        let layout = self.layout();
        self.pending.push(ix, scored, layout);
        self.feed_report();
        if self.pending.len() >= FLUSH_BYTES {
            self.flush_pending()?;
        }
        Ok(())
    }

    /// Writes rows formatted elsewhere (by [`Rows::push`]), in order after
    /// everything written so far.
    pub fn write_rows(&mut self, rows: &mut Rows) -> Result<()> {
        self.flush_pending()?;
        if let Some(r) = &mut self.report {
            for entry in rows.entries.drain(..) {
                r.builder.add(entry);
            }
        }
        write_both(&mut self.interactions, self.turns.as_mut(), rows)
    }

    fn feed_report(&mut self) {
        if let Some(r) = &mut self.report {
            for entry in self.pending.entries.drain(..) {
                r.builder.add(entry);
            }
        }
    }

    fn flush_pending(&mut self) -> Result<()> {
        write_both(&mut self.interactions, self.turns.as_mut(), &self.pending)?;
        self.pending.clear();
        Ok(())
    }

    /// Flushes everything and moves file outputs into place: first every
    /// output is complete on disk (the report rendered too), then all are
    /// renamed, so an interrupt either leaves none or lets the run finish.
    pub fn commit(mut self) -> Result<()> {
        self.flush_pending()?;
        self.interactions.finish()?;
        if let Some(t) = &mut self.turns {
            t.finish()?;
        }
        let report = match self.report.take() {
            Some(ReportOut { builder, mut file, from, done }) => {
                let report = builder.finish(from, true);
                file.write_all_named(report::html::render(&report).as_bytes())?;
                file.finish()?;
                Some((file, report, done))
            }
            None => None,
        };
        crate::cleanup::begin_commit()
            .map_err(|e| Error::io(self.interactions.file.name(), e))?;
        self.interactions.file.commit()?;
        if let Some(t) = self.turns {
            t.file.commit()?;
        }
        if let Some((file, report, done)) = report {
            file.commit()?;
            *done.lock().unwrap_or_else(|p| p.into_inner()) = Some(report);
        }
        Ok(())
    }
}

/// Writes each CSV's part of `rows` to its output.
fn write_both(
    interactions: &mut CsvOut,
    turns: Option<&mut CsvOut>,
    rows: &Rows,
) -> Result<()> {
    interactions.write(&rows.interactions)?;
    if let Some(out) = turns {
        out.write(&rows.turns)?;
    }
    Ok(())
}

/// The CSV encoding of [`Value`]s, with reused buffers.
struct Cells<'a> {
    cell: &'a mut Vec<u8>,
    strengths: &'a mut Vec<f64>,
}

impl Cells<'_> {
    /// Appends one cell to `out`, after a comma unless it is a row's
    /// `first`. Only text can need quotes: numbers and flags never do.
    // Always inlined into the column loops: called once per cell, the call
    // itself (passing the `Value` through memory) cost 3% of the run
    // (callgrind, 3 MB corpus, one thread).
    #[inline(always)]
    fn encode(&mut self, out: &mut Vec<u8>, first: bool, value: Value<'_>) {
        if !first {
            out.push(b',');
        }
        match value {
            Value::Text(s) => push_text(out, s.as_bytes()),
            Value::Int(Some(v)) => number::push_int(out, v),
            // Most emotion columns of most turns.
            Value::Figure(Some(0.0)) => out.extend_from_slice(b"0.0000"),
            Value::Figure(Some(v)) => number::push_fixed(out, v, 4),
            Value::Flag(Some(v)) => {
                out.extend_from_slice(if v { b"true" } else { b"false" })
            }
            Value::Int(None) | Value::Figure(None) | Value::Flag(None) => {}
            Value::Terms(terms) if terms.is_empty() => {}
            Value::Terms(terms) => {
                self.cell.clear();
                push_terms(self.cell, self.strengths, terms);
                push_text(out, self.cell);
            }
        }
    }
}

/// A text cell, quoted when it holds `,` `"` or a line break, with each
/// `"` doubled: what `csv::Writer` writes (RFC 4180; tested against it).
fn push_text(out: &mut Vec<u8>, v: &[u8]) {
    let needs_quotes = if v.len() < 32 {
        // Names, codes and ids: a plain loop costs less than calling memchr.
        v.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    } else {
        memchr::memchr3(b',', b'"', b'\n', v).is_some()
            || memchr::memchr(b'\r', v).is_some()
    };
    if !needs_quotes {
        out.extend_from_slice(v);
        return;
    }
    out.reserve(v.len() + 2);
    out.push(b'"');
    let mut from = 0;
    for q in memchr::memchr_iter(b'"', v) {
        out.extend_from_slice(&v[from..=q]);
        out.push(b'"');
        from = q + 1;
    }
    out.extend_from_slice(&v[from..]);
    out.push(b'"');
}

/// The terms an explanation cell shows, in text order: all of them, or
/// the [`MAX_TERMS`] strongest (largest absolute contribution; of equal
/// ones, the first); and how many are left out.
pub(crate) fn shown_terms<'a>(
    terms: TermList<'a>,
    strengths: &mut Vec<f64>,
) -> (impl Iterator<Item = (&'a TurnScore, &'a Term)> + 'a, usize) {
    let total = terms.len();
    // Terms stronger than `cut` are kept, and the first `ties` at `cut`.
    let (cut, mut ties) = if total > MAX_TERMS {
        strengths.clear();
        strengths.extend(terms.iter().map(|(_, t)| t.contribution.abs()));
        let (_, &mut nth, _) =
            strengths.select_nth_unstable_by(MAX_TERMS - 1, |a, b| b.total_cmp(a));
        let above = strengths.iter().filter(|&&s| s > nth).count();
        (nth, MAX_TERMS - above)
    } else {
        (f64::NEG_INFINITY, 0)
    };
    let kept = terms.iter().filter(move |(_, term)| {
        let strength = term.contribution.abs();
        if strength < cut || (strength == cut && ties == 0) {
            return false;
        }
        if strength == cut {
            ties -= 1;
        }
        true
    });
    (kept, total.saturating_sub(MAX_TERMS))
}

/// A term's label as an explanation cell writes it: a `|` inside it
/// (emoticons like `:|`) becomes `¦`, so that entries split.
pub(crate) fn cell_label(label: &str) -> std::borrow::Cow<'_, str> {
    // A plain loop: labels are a few bytes, too short for `memchr`.
    if label.bytes().any(|b| b == b'|') {
        label.replace('|', "\u{a6}").into()
    } else {
        label.into()
    }
}

/// An explanation cell: `term:contribution` (`term:category:weight` for
/// emotion cues) joined by `|`, then `+K more` when [`shown_terms`] left
/// some out.
pub(crate) fn push_terms(
    cell: &mut Vec<u8>,
    strengths: &mut Vec<f64>,
    terms: TermList<'_>,
) {
    let (kept, more) = shown_terms(terms, strengths);
    for (score, term) in kept {
        if !cell.is_empty() {
            cell.push(b'|');
        }
        cell.extend_from_slice(cell_label(score.label(term)).as_bytes());
        cell.push(b':');
        if let Some(e) = term.emotion {
            cell.extend_from_slice(e.name().as_bytes());
            cell.push(b':');
        }
        number::push_fixed(cell, term.contribution, 2);
    }
    if more > 0 {
        cell.extend_from_slice(format!("|+{more} more").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record of `values`, as CSV.
    fn record(values: &[Value<'_>]) -> String {
        let (mut out, mut cell, mut strengths) = (Vec::new(), Vec::new(), Vec::new());
        let mut cells = Cells { cell: &mut cell, strengths: &mut strengths };
        for (i, &v) in values.iter().enumerate() {
            cells.encode(&mut out, i == 0, v);
        }
        out.push(b'\n');
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn four_decimals_and_no_negative_zero() {
        let figures = [Some(0.12345), Some(-0.00001), Some(-0.5), None, Some(1.0)];
        let values: Vec<Value<'_>> = figures.into_iter().map(Value::Figure).collect();
        assert_eq!(record(&values), "0.1235,0.0000,-0.5000,,1.0000\n");
        // Zero has a path of its own: what the number formatting writes.
        for zero in [0.0, -0.0] {
            let mut plain = Vec::new();
            number::push_fixed(&mut plain, zero, 4);
            plain.push(b'\n');
            assert_eq!(record(&[Value::Figure(Some(zero))]).as_bytes(), plain);
        }
    }

    #[test]
    fn text_is_quoted_as_the_csv_crate_quotes_it() {
        let texts = [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "",
            " lead",
            "tab\there",
            "\"",
            "é,\u{2019}",
            "x|y:z",
            // From 32 bytes on, the search is memchr's, not a loop.
            "a turn long enough for the other path, no special bytes",
            "a turn long enough for the other path, with a comma",
            "a turn long enough for the other path with \"quotes\"",
            "a turn long enough for the other path, across\r\ntwo lines",
            "a turn long enough for the other path ending in a quote\"",
        ];
        let values: Vec<Value<'_>> = texts.into_iter().map(Value::Text).collect();
        let mut wtr = csv::Writer::from_writer(Vec::new());
        wtr.write_record(texts).unwrap();
        let want = String::from_utf8(wtr.into_inner().unwrap()).unwrap();
        assert_eq!(record(&values), want);
    }
}
