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

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::engine::Scored;
use crate::error::{Error, Result};
use crate::number;
use crate::record::Interaction;

pub mod schema;

use schema::{TermList, Value};

/// The most entries an explanation cell lists: the strongest (largest
/// absolute contribution), in text order, then `+K more`. A pasted log in
/// one turn would otherwise make a cell of megabytes.
pub const MAX_TERMS: usize = 32;

/// Where a CSV goes: standard output or a file made atomically.
enum Sink {
    Stdout(io::Stdout),
    Direct(File),
    File { file: File, target: PathBuf, temp: PathBuf },
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::Direct(file) | Sink::File { file, .. } => file.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::Direct(file) | Sink::File { file, .. } => file.flush(),
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        // Still here means the run did not commit: leave nothing behind.
        if let Sink::File { temp, .. } = self {
            crate::cleanup::discard(temp);
        }
    }
}

/// One CSV output: rows arrive already formatted, as bytes.
struct CsvOut {
    sink: Sink,
    name: PathBuf,
}

impl CsvOut {
    fn create<F>(path: Option<&Path>, table: &[schema::Column<F>]) -> Result<CsvOut> {
        let (sink, name) = match path {
            None => (Sink::Stdout(io::stdout()), PathBuf::from("<stdout>")),
            Some(p) if p == Path::new("-") => {
                (Sink::Stdout(io::stdout()), PathBuf::from("<stdout>"))
            }
            // Anything but a plain file (`/dev/stdout`, a FIFO, a symbolic
            // link): write through it; renaming a file over it would replace it.
            Some(target)
                if std::fs::symlink_metadata(target).is_ok_and(|m| !m.is_file()) =>
            {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(target)
                    .map_err(|e| Error::io(target, e))?;
                (Sink::Direct(file), target.to_path_buf())
            }
            Some(target) => {
                let temp = crate::cleanup::temp_beside(target, "tmp")?;
                let file =
                    crate::cleanup::create(&temp).map_err(|e| Error::io(target, e))?;
                (
                    Sink::File { file, target: target.to_path_buf(), temp },
                    target.to_path_buf(),
                )
            }
        };
        let mut out = CsvOut { sink, name };
        let mut line = schema::names(table).collect::<Vec<_>>().join(",").into_bytes();
        line.push(b'\n');
        out.write(&line)?;
        Ok(out)
    }

    fn write(&mut self, rows: &[u8]) -> Result<()> {
        self.sink.write_all(rows).map_err(|e| Error::io(&self.name, e))
    }

    /// Flushes and, for a file, renames it into place.
    fn commit(mut self) -> Result<()> {
        let name = &self.name;
        self.sink.flush().map_err(|e| Error::io(name, e))?;
        if let Sink::File { file, target, temp } = &mut self.sink {
            file.sync_all().map_err(|e| Error::io(&*target, e))?;
            crate::cleanup::persist(temp, target).map_err(|e| Error::io(&*target, e))?;
            // Renamed: nothing left for Drop to remove.
            *temp = PathBuf::new();
        }
        Ok(())
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
}

impl Rows {
    /// Appends one interaction's row and, with `turns`, its turn rows.
    pub fn push(&mut self, ix: &Interaction, scored: &Scored, turns: bool) {
        let mut cells = Cells { cell: &mut self.cell, strengths: &mut self.strengths };
        let row = schema::InteractionRow { ix, scored };
        for (i, column) in schema::INTERACTION.iter().enumerate() {
            cells.encode(&mut self.interactions, i == 0, (column.value)(&row));
        }
        self.interactions.push(b'\n');
        if turns {
            for (turn, score) in ix.turns.iter().zip(&scored.turns) {
                let row = schema::TurnRow { id: &ix.id, turn, score };
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

/// Both outputs of a run.
pub struct Outputs {
    interactions: CsvOut,
    turns: Option<CsvOut>,
    pending: Rows,
}

impl Outputs {
    /// Opens the outputs (`None` or `-` is standard output) and writes their
    /// headers.
    pub fn create(interactions: Option<&Path>, turns: Option<&Path>) -> Result<Outputs> {
        Ok(Outputs {
            interactions: CsvOut::create(interactions, schema::INTERACTION)?,
            turns: turns.map(|p| CsvOut::create(Some(p), schema::TURN)).transpose()?,
            pending: Rows::default(),
        })
    }

    /// True when the per-turn CSV is written.
    pub fn has_turns(&self) -> bool {
        self.turns.is_some()
    }

    /// Writes one interaction's row and, when asked for, its turn rows.
    pub fn write(&mut self, ix: &Interaction, scored: &Scored) -> Result<()> {
        self.pending.push(ix, scored, self.turns.is_some());
        if self.pending.len() >= FLUSH_BYTES {
            self.flush_pending()?;
        }
        Ok(())
    }

    /// Writes rows formatted elsewhere (by [`Rows::push`]), in order after
    /// everything written so far.
    pub fn write_rows(&mut self, rows: &Rows) -> Result<()> {
        self.flush_pending()?;
        write_both(&mut self.interactions, self.turns.as_mut(), rows)
    }

    fn flush_pending(&mut self) -> Result<()> {
        write_both(&mut self.interactions, self.turns.as_mut(), &self.pending)?;
        self.pending.clear();
        Ok(())
    }

    /// Flushes everything and moves file outputs into place.
    pub fn commit(mut self) -> Result<()> {
        self.flush_pending()?;
        crate::cleanup::begin_commit()
            .map_err(|e| Error::io(&self.interactions.name, e))?;
        self.interactions.commit()?;
        if let Some(t) = self.turns {
            t.commit()?;
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
    #[inline]
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

/// An explanation cell: `term:contribution` (`term:category:weight` for
/// emotion cues) joined by `|`, at most [`MAX_TERMS`] of them (the
/// strongest, in text order), then `+K more`. A `|` inside a term
/// (emoticons like `:|`) is written `¦`, so that entries split.
fn push_terms(cell: &mut Vec<u8>, strengths: &mut Vec<f64>, terms: TermList<'_>) {
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
    for (score, term) in terms.iter() {
        let strength = term.contribution.abs();
        if strength < cut || (strength == cut && ties == 0) {
            continue;
        }
        if strength == cut {
            ties -= 1;
        }
        if !cell.is_empty() {
            cell.push(b'|');
        }
        let label = score.label(term);
        if label.contains('|') {
            cell.extend_from_slice(label.replace('|', "\u{a6}").as_bytes());
        } else {
            cell.extend_from_slice(label.as_bytes());
        }
        cell.push(b':');
        if let Some(e) = term.emotion {
            cell.extend_from_slice(e.name().as_bytes());
            cell.push(b':');
        }
        number::push_fixed(cell, term.contribution, 2);
    }
    if total > MAX_TERMS {
        cell.extend_from_slice(format!("|+{} more", total - MAX_TERMS).as_bytes());
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
        ];
        let values: Vec<Value<'_>> = texts.into_iter().map(Value::Text).collect();
        let mut wtr = csv::Writer::from_writer(Vec::new());
        wtr.write_record(texts).unwrap();
        let want = String::from_utf8(wtr.into_inner().unwrap()).unwrap();
        assert_eq!(record(&values), want);
    }
}
