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
pub struct Rows {
    interactions: csv::Writer<Vec<u8>>,
    turns: csv::Writer<Vec<u8>>,
    /// One cell being formatted.
    cell: Vec<u8>,
    /// The absolute contributions of a capped explanation list.
    strengths: Vec<f64>,
}

/// A CSV writer into memory, reusing `buf`.
fn writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().buffer_capacity(1 << 12).from_writer(buf)
}

/// Empties `wtr`'s bytes, keeping their allocation (csv's writer only hands
/// its buffer back by value).
fn clear(wtr: &mut csv::Writer<Vec<u8>>) {
    let old = std::mem::replace(wtr, writer(Vec::new()));
    let mut buf = old.into_inner().unwrap_or_default();
    buf.clear();
    *wtr = writer(buf);
}

impl Default for Rows {
    fn default() -> Rows {
        Rows {
            interactions: writer(Vec::new()),
            turns: writer(Vec::new()),
            cell: Vec::new(),
            strengths: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows").field("bytes", &self.len()).finish()
    }
}

impl Rows {
    /// Appends one interaction's row and, with `turns`, its turn rows.
    pub fn push(&mut self, ix: &Interaction, scored: &Scored, turns: bool) {
        let (cell, strengths) = (&mut self.cell, &mut self.strengths);
        let row = schema::InteractionRow { ix, scored };
        for column in schema::INTERACTION {
            encode(&mut self.interactions, cell, strengths, (column.value)(&row));
        }
        end_record(&mut self.interactions);
        if turns {
            for (turn, score) in ix.turns.iter().zip(&scored.turns) {
                let row = schema::TurnRow { id: &ix.id, turn, score };
                for column in schema::TURN {
                    encode(&mut self.turns, cell, strengths, (column.value)(&row));
                }
                end_record(&mut self.turns);
            }
        }
        // Into the byte buffers, where the writer reads them; writing to
        // memory cannot fail.
        let _ = self.interactions.flush();
        let _ = self.turns.flush();
    }

    /// The per-interaction rows.
    fn interaction_bytes(&self) -> &[u8] {
        self.interactions.get_ref()
    }

    /// The per-turn rows (empty unless asked for).
    fn turn_bytes(&self) -> &[u8] {
        self.turns.get_ref()
    }

    /// Empties both buffers, keeping their capacity.
    pub fn clear(&mut self) {
        clear(&mut self.interactions);
        clear(&mut self.turns);
    }

    fn len(&self) -> usize {
        self.interaction_bytes().len() + self.turn_bytes().len()
    }

    /// Bytes allocated by both buffers.
    pub fn capacity(&self) -> usize {
        self.interactions.get_ref().capacity() + self.turns.get_ref().capacity()
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
    interactions.write(rows.interaction_bytes())?;
    if let Some(out) = turns {
        out.write(rows.turn_bytes())?;
    }
    Ok(())
}

/// Writes one cell of a record.
fn encode(
    wtr: &mut csv::Writer<Vec<u8>>,
    cell: &mut Vec<u8>,
    strengths: &mut Vec<f64>,
    value: Value<'_>,
) {
    cell.clear();
    match value {
        Value::Text(s) => cell.extend_from_slice(s.as_bytes()),
        Value::Int(Some(v)) => number::push_int(cell, v),
        Value::Figure(Some(v)) => number::push_fixed(cell, v, 4),
        Value::Flag(Some(v)) => {
            cell.extend_from_slice(if v { b"true" } else { b"false" })
        }
        Value::Int(None) | Value::Figure(None) | Value::Flag(None) => {}
        Value::Terms(terms) => push_terms(cell, strengths, terms),
    }
    // Writing to memory cannot fail.
    let _ = wtr.write_field(&cell);
}

/// Ends the record begun by [`encode`].
fn end_record(wtr: &mut csv::Writer<Vec<u8>>) {
    let _ = wtr.write_record(None::<&[u8]>);
}

/// An explanation cell: `term:contribution` (`term:category:weight` for
/// emotion cues) joined by `|`, at most [`MAX_TERMS`] of them (the
/// strongest, in text order), then `+K more`. A `|` inside a term
/// (emoticons like `:|`) is written `¦`, so that entries split.
fn push_terms(cell: &mut Vec<u8>, strengths: &mut Vec<f64>, terms: TermList<'_>) {
    let total = terms.iter().count();
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
        let mut rows = Rows::default();
        for &v in values {
            encode(&mut rows.interactions, &mut Vec::new(), &mut Vec::new(), v);
        }
        end_record(&mut rows.interactions);
        rows.interactions.flush().unwrap();
        String::from_utf8(rows.interaction_bytes().to_vec()).unwrap()
    }

    #[test]
    fn four_decimals_and_no_negative_zero() {
        let figures = [Some(0.12345), Some(-0.00001), Some(-0.5), None, Some(1.0)];
        let values: Vec<Value<'_>> = figures.into_iter().map(Value::Figure).collect();
        assert_eq!(record(&values), "0.1235,0.0000,-0.5000,,1.0000\n");
    }

    #[test]
    fn text_is_quoted_only_when_needed() {
        let texts = ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", ""];
        let values: Vec<Value<'_>> = texts.into_iter().map(Value::Text).collect();
        assert_eq!(
            record(&values),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\n"
        );
    }
}
