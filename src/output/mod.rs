//! Output: the per-interaction table and the per-turn table, as CSV,
//! JSON Lines or Parquet.
//!
//! The columns are those of [`schema`], then the input columns kept with
//! `--keep` (per interaction). Workers format their rows in parallel
//! ([`Rows`]): CSV and JSON Lines as bytes, Parquet as Arrow columns
//! ([`arrow`]); the writer only copies bytes out or hands each chunk's
//! columns to the Parquet writer ([`parquet`]), in input order. CSV: figures
//! with four decimals, empty cells where a figure does not exist (no
//! customer turn). JSON Lines: one object per row with typed values (the
//! same four-decimal figures, as numbers; `null` for an empty cell).
//! Parquet: the Arrow types of [`arrow`], a row group every
//! [`parquet::ROW_GROUP_ROWS`] rows. Explanation lists are capped at
//! [`MAX_TERMS`] entries.
//!
//! A file output is written to a temporary file beside its target and renamed
//! into place only when the run succeeds, so a failed run never leaves a
//! complete-looking file behind; the temporary files are listed in
//! [`crate::cleanup`] so that an interrupted run removes them too.

use std::path::Path;
use std::sync::Arc;

use crate::engine::Scored;
use crate::error::{Error, Result};
use crate::number;
use crate::record::Interaction;
use crate::report;
use crate::score::{Term, TurnScore};

pub mod arrow;
pub mod atomic;
mod jsonl;
pub mod parquet;
pub mod schema;

use atomic::AtomicFile;

use schema::{Row, Sink, TermList, Value};

/// The most entries an explanation cell lists: the strongest (largest
/// absolute contribution), in text order, then `+K more`. A pasted log in
/// one turn would otherwise make a cell of megabytes.
pub const MAX_TERMS: usize = 32;

/// The encoding of an output file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header row.
    #[default]
    Csv,
    /// JSON Lines: one object per row, typed values.
    Jsonl,
    /// Apache Parquet, typed columns.
    Parquet,
}

impl Format {
    /// The format an output's name asks for: `.parquet` is Parquet,
    /// `.jsonl` or `.ndjson` JSON Lines, anything else (and standard
    /// output) CSV.
    pub fn from_path(path: Option<&Path>) -> Format {
        let ext = path.and_then(|p| p.extension()).and_then(|e| e.to_str());
        match ext {
            Some(e) if e.eq_ignore_ascii_case("parquet") => Format::Parquet,
            Some(e)
                if e.eq_ignore_ascii_case("jsonl")
                    || e.eq_ignore_ascii_case("ndjson") =>
            {
                Format::Jsonl
            }
            _ => Format::Csv,
        }
    }

    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }
}

/// How the outputs of a run are written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// The format of both outputs; `None`: each by its name
    /// ([`Format::from_path`]).
    pub format: Option<Format>,
    /// The input columns kept (`--keep`), after the schema's columns in the
    /// per-interaction output; their values are [`Interaction::meta`].
    pub kept: Vec<String>,
}

impl Spec {
    /// Refuses kept names that would make two columns of one name.
    pub fn check(&self) -> Result<()> {
        for (i, name) in self.kept.iter().enumerate() {
            if schema::names(schema::INTERACTION).any(|n| n.eq_ignore_ascii_case(name)) {
                return Err(Error::config(format!(
                    "--keep: the input column '{name}' has the name of an output column; rename it in the input"
                )));
            }
            if self.kept[..i].iter().any(|k| k.eq_ignore_ascii_case(name)) {
                return Err(Error::config(format!("--keep: '{name}' is given twice")));
            }
        }
        Ok(())
    }
}

/// One output table's file: rows arrive already encoded.
enum TableOut {
    /// CSV or JSON Lines bytes. The CSV header goes out with the first
    /// rows, or at the end of an empty run, so a run that fails before its
    /// first row writes nothing to standard output.
    Text { file: AtomicFile, header: Option<Vec<u8>> },
    /// Arrow columns, written as row groups.
    Parquet(Box<parquet::ParquetOut>),
}

impl TableOut {
    fn create<F>(
        path: Option<&Path>,
        format: Format,
        table: &[schema::Column<F>],
        kept: &[String],
    ) -> Result<TableOut> {
        let file = AtomicFile::create(path)?;
        Ok(match format {
            Format::Csv => {
                let mut names: Vec<&str> = schema::names(table).collect();
                names.extend(kept.iter().map(String::as_str));
                let mut header = Vec::new();
                for (i, name) in names.into_iter().enumerate() {
                    if i > 0 {
                        header.push(b',');
                    }
                    push_text(&mut header, name.as_bytes());
                }
                header.push(b'\n');
                TableOut::Text { file, header: Some(header) }
            }
            Format::Jsonl => TableOut::Text { file, header: None },
            Format::Parquet => {
                TableOut::Parquet(Box::new(parquet::ParquetOut::new(file, table, kept)?))
            }
        })
    }

    /// Writes one table's part of some rows.
    fn write(&mut self, rows: &mut TableRows) -> Result<()> {
        match self {
            TableOut::Text { file, header } => {
                if rows.bytes.is_empty() {
                    return Ok(());
                }
                if let Some(header) = header.take() {
                    file.write_all_named(&header)?;
                }
                file.write_all_named(&rows.bytes)
            }
            TableOut::Parquet(out) => match &mut rows.chunk {
                Some(chunk) if chunk.rows > 0 => out.write(chunk.take()),
                _ => Ok(()),
            },
        }
    }

    /// Writes what is left and forces it to disk.
    fn finish(&mut self) -> Result<()> {
        match self {
            TableOut::Text { file, header } => {
                if let Some(header) = header.take() {
                    file.write_all_named(&header)?;
                }
                file.finish()
            }
            TableOut::Parquet(out) => out.finish(),
        }
    }

    fn file(self) -> AtomicFile {
        match self {
            TableOut::Text { file, .. } => file,
            TableOut::Parquet(out) => (*out).into_file(),
        }
    }

    fn name(&self) -> &Path {
        match self {
            TableOut::Text { file, .. } => file.name(),
            TableOut::Parquet(out) => out.name(),
        }
    }
}

/// One table's rows, formatted: bytes (CSV, JSON Lines) or Arrow columns
/// (Parquet).
#[derive(Debug, Default)]
struct TableRows {
    bytes: Vec<u8>,
    chunk: Option<arrow::Chunk>,
}

impl TableRows {
    fn clear(&mut self) {
        self.bytes.clear();
        if let Some(chunk) = &mut self.chunk {
            chunk.take();
        }
    }

    /// Appends one row: `row`'s values, then `kept`, the values of the
    /// kept input columns named `kept_names`, in `format`.
    fn push<'v, R: Row>(
        &mut self,
        format: Format,
        row: &'v R,
        (kept_names, kept): (&[String], impl Iterator<Item = Value<'v>>),
        cells: &mut Cells<'_>,
        new_chunk: impl FnOnce() -> arrow::Chunk,
    ) -> Result<()> {
        match format {
            Format::Csv => {
                let mut csv = CsvRow { out: &mut self.bytes, cells, first: true };
                row.write(&mut csv);
                kept.for_each(|value| csv.value(value));
                self.bytes.push(b'\n');
            }
            Format::Jsonl => {
                let kept_names = kept_names.iter().map(String::as_str);
                let names = R::names().map(|n| -> &str { n }).chain(kept_names);
                jsonl::push_row(&mut self.bytes, names, row.values().chain(kept), cells)
            }
            Format::Parquet => {
                let chunk = self.chunk.get_or_insert_with(new_chunk);
                chunk.push(row.values().chain(kept), cells.arrow)?;
            }
        }
        Ok(())
    }
}

/// Rows of both tables formatted: workers format in parallel, and the
/// writer only copies them out.
#[derive(Debug, Default)]
pub struct Rows {
    interactions: TableRows,
    turns: TableRows,
    /// One explanation cell being formatted.
    cell: Vec<u8>,
    /// The absolute contributions of a capped explanation list.
    strengths: Vec<f64>,
    /// The buffers of Arrow's cells.
    arrow: arrow::Cell,
    /// What the report takes of each interaction (with a report only).
    entries: Vec<report::Entry>,
    /// A row that could not be formatted (Parquet: more than 2 GiB of text
    /// in one chunk), reported when the rows are written.
    error: Option<Error>,
}

/// What [`Rows::push`] formats, from [`Outputs::layout`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The per-turn table is written, in this format.
    turns: Option<Format>,
    /// The per-interaction table's format.
    interactions: Format,
    report: bool,
    /// The kept input columns, by name.
    kept: Arc<[String]>,
}

impl Layout {
    /// A layout of CSV outputs (the per-turn table too when `turns`) and,
    /// when `report`, report entries.
    #[cfg(test)]
    pub(crate) fn csv(turns: bool, report: bool) -> Layout {
        Layout { turns: turns.then_some(Format::Csv), report, ..Layout::default() }
    }
}

/// The values of `ix`'s kept columns (`kept` of them; empty is none).
pub(crate) fn kept_values(
    ix: &Interaction,
    kept: usize,
) -> impl Iterator<Item = Value<'_>> + '_ {
    (0..kept).map(move |i| {
        Value::Kept(ix.meta.get(i).map(String::as_str).filter(|v| !v.is_empty()))
    })
}

impl Rows {
    /// Appends one interaction's row and, as `layout` asks, its turn rows
    /// and its report entry.
    pub(crate) fn push(&mut self, ix: &Interaction, scored: &Scored, layout: &Layout) {
        if let Err(e) = self.try_push(ix, scored, layout) {
            self.error.get_or_insert(e);
        }
    }

    fn try_push(
        &mut self,
        ix: &Interaction,
        scored: &Scored,
        layout: &Layout,
    ) -> Result<()> {
        if layout.report {
            let kept = layout.kept.iter().zip(&ix.meta);
            self.entries.push(report::Entry::new(ix, scored).with_columns(kept));
        }
        let mut cells = Cells {
            cell: &mut self.cell,
            strengths: &mut self.strengths,
            arrow: &mut self.arrow,
        };
        let row = schema::InteractionRow { ix, scored };
        let kept = &layout.kept;
        self.interactions.push(
            layout.interactions,
            &row,
            (kept, kept_values(ix, kept.len())),
            &mut cells,
            || arrow::Chunk::new(schema::INTERACTION, kept),
        )?;
        if let Some(format) = layout.turns {
            for (i, (turn, score)) in ix.turns.iter().zip(&scored.turns).enumerate() {
                let language = scored.turn_language(i);
                let row = schema::TurnRow { id: &ix.id, turn, score, language };
                self.turns.push(
                    format,
                    &row,
                    (&[], std::iter::empty()),
                    &mut cells,
                    || arrow::Chunk::new(schema::TURN, &[]),
                )?;
            }
        }
        Ok(())
    }

    /// Empties both buffers, keeping their capacity.
    pub(crate) fn clear(&mut self) {
        self.interactions.clear();
        self.turns.clear();
        self.entries.clear();
        self.error = None;
    }
}

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

/// The outputs of a run: both tables and, with `--report`, the page.
pub struct Outputs {
    interactions: TableOut,
    turns: Option<TableOut>,
    report: Option<ReportOut>,
    layout: Layout,
}

impl Outputs {
    /// Opens CSV outputs (`None` or `-` is standard output).
    pub fn create(interactions: Option<&Path>, turns: Option<&Path>) -> Result<Outputs> {
        let spec = Spec { format: Some(Format::Csv), kept: Vec::new() };
        Outputs::create_as(interactions, turns, &spec)
    }

    /// Opens the outputs as `spec` says (`None` or `-` is standard output).
    pub fn create_as(
        interactions: Option<&Path>,
        turns: Option<&Path>,
        spec: &Spec,
    ) -> Result<Outputs> {
        spec.check()?;
        let format =
            |p: Option<&Path>| spec.format.unwrap_or_else(|| Format::from_path(p));
        let kept: Arc<[String]> = spec.kept.as_slice().into();
        let layout = Layout {
            turns: turns.map(|p| format(Some(p))),
            interactions: format(interactions),
            report: false,
            kept: Arc::clone(&kept),
        };
        Ok(Outputs {
            interactions: TableOut::create(
                interactions,
                layout.interactions,
                schema::INTERACTION,
                &kept,
            )?,
            turns: turns
                .zip(layout.turns)
                .map(|(p, f)| TableOut::create(Some(p), f, schema::TURN, &[]))
                .transpose()?,
            report: None,
            layout,
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
        let builder = report::Builder::new(options)?.with_kept(&self.layout.kept);
        let file = AtomicFile::create(Some(path))?;
        self.report = Some(ReportOut { builder, file, from, done });
        self.layout.report = true;
        Ok(self)
    }

    /// What the rows of this run hold.
    pub(crate) fn layout(&self) -> Layout {
        self.layout.clone()
    }

    /// Writes rows formatted by [`Rows::push`], in order after everything
    /// written so far.
    pub(crate) fn write_rows(&mut self, rows: &mut Rows) -> Result<()> {
        if let Some(e) = rows.error.take() {
            return Err(e);
        }
        if let Some(r) = &mut self.report {
            for entry in rows.entries.drain(..) {
                r.builder.add(entry);
            }
        }
        self.interactions.write(&mut rows.interactions)?;
        if let Some(out) = &mut self.turns {
            out.write(&mut rows.turns)?;
        }
        Ok(())
    }

    /// Flushes everything and moves file outputs into place: first every
    /// output is complete on disk (the report rendered too), then all are
    /// renamed, so an interrupt either leaves none or lets the run finish.
    pub fn commit(mut self) -> Result<()> {
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
            .map_err(|e| Error::io(self.interactions.name(), e))?;
        self.interactions.file().commit()?;
        if let Some(t) = self.turns {
            t.file().commit()?;
        }
        if let Some((file, report, done)) = report {
            file.commit()?;
            *done.lock().unwrap_or_else(|p| p.into_inner()) = Some(report);
        }
        Ok(())
    }
}

/// One CSV row being written.
struct CsvRow<'o, 'c, 'b> {
    out: &'o mut Vec<u8>,
    cells: &'c mut Cells<'b>,
    /// No cell written yet.
    first: bool,
}

impl<'r> Sink<'r> for CsvRow<'_, '_, '_> {
    // Always inlined, with `Cells::encode`, into each column of
    // `Row::write`: what a column's type does not need is not compiled in.
    #[inline(always)]
    fn value(&mut self, value: Value<'r>) {
        self.cells.encode(self.out, self.first, value);
        self.first = false;
    }
}

/// The encoding of [`Value`]s, with reused buffers.
struct Cells<'a> {
    cell: &'a mut Vec<u8>,
    strengths: &'a mut Vec<f64>,
    arrow: &'a mut arrow::Cell,
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
            Value::Name(s) => out.extend_from_slice(s.as_bytes()),
            Value::Int(Some(v)) => number::push_int(out, v),
            // Most emotion columns of most turns.
            Value::Figure(Some(0.0)) => out.extend_from_slice(b"0.0000"),
            Value::Figure(Some(v)) => number::push_fixed(out, v, 4),
            Value::Flag(Some(v)) => {
                out.extend_from_slice(if v { b"true" } else { b"false" })
            }
            Value::Kept(Some(s)) => push_text(out, s.as_bytes()),
            Value::Int(None)
            | Value::Figure(None)
            | Value::Flag(None)
            | Value::Kept(None) => {}
            Value::Terms(terms) if terms.is_empty() => {}
            Value::Terms(terms) => {
                // Formatted in place: a label is the only part that can
                // need quotes, and `append_terms` says when one does.
                let start = out.len();
                if append_terms(out, self.strengths, terms) {
                    self.cell.clear();
                    self.cell.extend_from_slice(&out[start..]);
                    out.truncate(start);
                    push_text(out, self.cell);
                }
            }
        }
    }

    /// The explanation cell of `terms`.
    fn terms(&mut self, terms: TermList<'_>) -> &[u8] {
        self.cell.clear();
        push_terms(self.cell, self.strengths, terms);
        self.cell
    }
}

/// A text cell, quoted when it holds `,` `"` or a line break, with each
/// `"` doubled: what `csv::Writer` writes (RFC 4180; tested against it).
fn push_text(out: &mut Vec<u8>, v: &[u8]) {
    // 16 bytes compared at once: one pass, and no call (for names, codes
    // and ids, calling memchr cost more than the search).
    let special = [b',', b'"', b'\n', b'\r'];
    let mut blocks = v.chunks_exact(16);
    let needs_quotes = blocks
        .by_ref()
        .any(|b| b.first_chunk().is_some_and(|b| crate::text::any_of(b, special) != 0))
        || blocks.remainder().iter().any(|b| special.contains(b));
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

/// Which terms an explanation cell shows, in text order: all of them, or
/// the [`MAX_TERMS`] strongest (largest absolute contribution; of equal
/// ones, the first).
struct Shown {
    /// Terms stronger than `cut` are shown, and the first `ties` at `cut`.
    cut: f64,
    ties: usize,
    /// How many are left out.
    more: usize,
}

impl Shown {
    fn new(terms: TermList<'_>, strengths: &mut Vec<f64>) -> Shown {
        let total = terms.len();
        if total <= MAX_TERMS {
            return Shown { cut: f64::NEG_INFINITY, ties: 0, more: 0 };
        }
        strengths.clear();
        strengths.extend(terms.iter().map(|(_, t)| t.contribution.abs()));
        let (_, &mut nth, _) =
            strengths.select_nth_unstable_by(MAX_TERMS - 1, |a, b| b.total_cmp(a));
        let above = strengths.iter().filter(|&&s| s > nth).count();
        Shown { cut: nth, ties: MAX_TERMS - above, more: total - MAX_TERMS }
    }

    /// Whether `term`, the next one in text order, is shown.
    fn shows(&mut self, term: &Term) -> bool {
        let strength = term.contribution.abs();
        if strength < self.cut || (strength == self.cut && self.ties == 0) {
            return false;
        }
        if strength == self.cut {
            self.ties -= 1;
        }
        true
    }
}

/// The terms an explanation cell shows ([`Shown`]), and how many are left
/// out.
pub(crate) fn shown_terms<'a>(
    terms: TermList<'a>,
    strengths: &mut Vec<f64>,
) -> (impl Iterator<Item = (&'a TurnScore, &'a Term)> + 'a, usize) {
    let mut shown = Shown::new(terms, strengths);
    let more = shown.more;
    (terms.iter().filter(move |(_, term)| shown.shows(term)), more)
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
    append_terms(cell, strengths, terms);
}

/// [`push_terms`] onto the end of `out`, whatever it holds; true when the
/// cell written needs CSV quotes (a label holds `,` `"` or a line break:
/// the separators, figures and emotion names never do). Formatting the
/// cell in the row saves a copy and a second scan of it.
fn append_terms(
    out: &mut Vec<u8>,
    strengths: &mut Vec<f64>,
    terms: TermList<'_>,
) -> bool {
    let mut shown = Shown::new(terms, strengths);
    let (mut quote, mut first) = (false, true);
    // Loops over each turn's list, not `shown_terms`' flattened iterator:
    // -3.9M instructions, 0.7% of the run (3 MB corpus, one thread).
    for (score, list) in terms.scored_lists() {
        for term in list.iter().filter(|term| shown.shows(term)) {
            if !first {
                out.push(b'|');
            }
            first = false;
            if score.plain_labels() {
                let (bytes, len) = score.label_block(term);
                crate::text::push_prefix(out, bytes, len);
            } else {
                quote |= push_label(out, score.label(term));
            }
            out.push(b':');
            if let Some(e) = term.emotion {
                out.extend_from_slice(e.name().as_bytes());
                out.push(b':');
            }
            number::push_fixed(out, term.contribution, 2);
        }
    }
    if shown.more > 0 {
        out.extend_from_slice(b"|+");
        number::push_int(out, shown.more as i64);
        out.extend_from_slice(b" more");
    }
    quote
}

/// Appends [`cell_label`] of `label`; true when it needs CSV quotes. One
/// scan of the label finds both (labels are a few bytes: a plain loop).
fn push_label(out: &mut Vec<u8>, label: &str) -> bool {
    let special = |b: &u8| matches!(b, b'|' | b',' | b'"' | b'\n' | b'\r');
    if !label.as_bytes().iter().any(special) {
        out.extend_from_slice(label.as_bytes());
        return false;
    }
    out.extend_from_slice(cell_label(label).as_bytes());
    label.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record of `values`, as CSV.
    fn record(values: &[Value<'_>]) -> String {
        let (mut out, mut cell, mut strengths) = (Vec::new(), Vec::new(), Vec::new());
        let mut arrow = arrow::Cell::default();
        let mut cells =
            Cells { cell: &mut cell, strengths: &mut strengths, arrow: &mut arrow };
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
    fn labels_say_when_their_cell_needs_quotes() {
        for label in
            ["great", ":|", "a,b", "say \"no\"", "x\ny", "|,", "\r", "", "caf\u{e9}"]
        {
            let mut out = b"a:1.00|".to_vec();
            let quote = push_label(&mut out, label);
            let mut plain = b"a:1.00|".to_vec();
            plain.extend_from_slice(cell_label(label).as_bytes());
            assert_eq!(out, plain, "{label:?}");
            let mut quoted = Vec::new();
            push_text(&mut quoted, &plain);
            assert_eq!(quote, quoted != plain, "{label:?}");
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
            // Past 16 bytes: whole blocks are compared at once, the rest
            // a byte at a time.
            "a turn long enough for the other path, no special bytes",
            "a turn long enough for the other path, with a comma",
            "a turn long enough for the other path with \"quotes\"",
            "a turn long enough for the other path, across\r\ntwo lines",
            "a turn long enough for the other path ending in a quote\"",
        ];
        let mut texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        // Each special byte at each place of texts across block ends.
        for len in 1..40 {
            for at in 0..len {
                for special in [',', '"', '\n', '\r'] {
                    let mut t: Vec<char> = "x".repeat(len).chars().collect();
                    t[at] = special;
                    texts.push(t.into_iter().collect());
                }
            }
            texts.push("y".repeat(len));
        }
        for texts in texts.chunks(7) {
            let values: Vec<Value<'_>> = texts.iter().map(|t| Value::Text(t)).collect();
            let mut wtr = csv::Writer::from_writer(Vec::new());
            wtr.write_record(texts).unwrap();
            let want = String::from_utf8(wtr.into_inner().unwrap()).unwrap();
            assert_eq!(record(&values), want);
        }
    }
}
