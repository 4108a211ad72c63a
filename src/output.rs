//! Output: the per-interaction CSV and the per-turn CSV.
//!
//! Columns are fixed by `INTERFACE.md` (first ones) and documented in the
//! README (the extra ones after them). Figures are written with four
//! decimals; figures that do not exist (no customer turn) are empty cells.
//! A file output is written to a temporary file beside its target and renamed
//! into place only when the run succeeds, so a failed run never leaves a
//! complete-looking file behind; the temporary files are listed in
//! [`crate::cleanup`] so that an interrupted run removes them too.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::emotion::Emotion;
use crate::engine::Scored;
use crate::error::{Error, Result};
use crate::number;
use crate::record::{Interaction, Speaker, Turn};
use crate::score::TurnScore;

/// Per-interaction columns, in order.
pub const INTERACTION_COLUMNS: &[&str] = &[
    "interaction_id",
    "language",
    "turns",
    "customer_turns",
    "experienced",
    "peak",
    "peak_turn",
    "end",
    "remembered",
    "gap",
    "bad_ending",
    "agent_turns",
    "agent_valence",
    "end_turn",
    "peak_terms",
    "end_terms",
    "emotion",
    "peak_emotion",
    "end_emotion",
    "empathy_after_peak",
];

/// Per-turn columns, in order.
pub const TURN_COLUMNS: &[&str] = &[
    "interaction_id",
    "turn",
    "speaker",
    "valence",
    "positive",
    "negative",
    "neutral",
    "start_ms",
    "end_ms",
    "emotion",
    "anger",
    "frustration",
    "disappointment",
    "anxiety",
    "confusion",
    "happiness",
    "gratitude",
    "empathy",
    "apology",
    "terms",
    "emotion_terms",
    "text",
];

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
    fn create(path: Option<&Path>, header: &[&str]) -> Result<CsvOut> {
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
        let mut line = header.join(",").into_bytes();
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
    /// Per-interaction rows.
    pub interactions: Vec<u8>,
    /// Per-turn rows (empty unless asked for).
    pub turns: Vec<u8>,
}

impl Rows {
    /// Appends one interaction's row and, with `turns`, its turn rows.
    pub fn push(&mut self, ix: &Interaction, scored: &Scored, turns: bool) {
        interaction_row(&mut self.interactions, ix, scored);
        if turns {
            for (t, score) in ix.turns.iter().zip(&scored.turns) {
                turn_row(&mut self.turns, &ix.id, t, score);
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
            interactions: CsvOut::create(interactions, INTERACTION_COLUMNS)?,
            turns: turns.map(|p| CsvOut::create(Some(p), TURN_COLUMNS)).transpose()?,
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

/// The per-interaction row.
fn interaction_row(out: &mut Vec<u8>, ix: &Interaction, scored: &Scored) {
    let s = &scored.summary;
    let turn_no = |i: Option<usize>| i.map(|i| ix.turns[i].turn);
    let last_customer = s
        .end_start_index
        .and_then(|_| ix.turns.iter().rposition(|t| t.speaker == Speaker::Customer));
    first_text(out, ix.id.as_bytes());
    raw(out, scored.language.as_bytes());
    int(out, Some(ix.turns.len() as i64));
    int(out, Some(s.customer_turns as i64));
    figure(out, s.experienced);
    figure(out, s.peak);
    int(out, turn_no(s.peak_index));
    figure(out, s.end);
    figure(out, s.remembered);
    figure(out, s.gap);
    raw(out, flag(s.bad_ending));
    int(out, Some(s.agent_turns as i64));
    figure(out, s.agent_valence);
    int(out, turn_no(last_customer));
    text(out, s.peak_index.map_or("", |i| scored.turns[i].terms.as_str()).as_bytes());
    // The end's terms: those of the customer turns in the end window, as
    // one field.
    out.push(b',');
    let field_start = out.len();
    if let Some(start) = s.end_start_index {
        for (t, score) in ix.turns[start..].iter().zip(&scored.turns[start..]) {
            if t.speaker == Speaker::Customer && !score.terms.is_empty() {
                if out.len() > field_start {
                    out.push(b'|');
                }
                out.extend_from_slice(score.terms.as_bytes());
            }
        }
    }
    quote_if_needed(out, field_start);
    let e = &scored.emotions;
    raw(out, emotion_name(e.dominant).as_bytes());
    let peak_emotion =
        s.peak_index.map(|i| emotion_name(scored.turns[i].emotions.dominant()));
    raw(out, peak_emotion.unwrap_or("").as_bytes());
    raw(out, s.end_start_index.map_or("", |_| emotion_name(e.end)).as_bytes());
    raw(out, flag(e.empathy_after_worst));
    end_row(out);
}

/// One per-turn row.
fn turn_row(out: &mut Vec<u8>, id: &str, t: &Turn, score: &TurnScore) {
    first_text(out, id.as_bytes());
    int(out, Some(t.turn));
    raw(out, t.speaker.as_str().as_bytes());
    for v in [score.valence, score.positive, score.negative, score.neutral] {
        figure(out, Some(v));
    }
    int(out, t.start_ms);
    int(out, t.end_ms);
    raw(out, emotion_name(score.emotions.dominant()).as_bytes());
    for v in score.emotions.0 {
        figure(out, Some(v));
    }
    text(out, score.terms.as_bytes());
    text(out, score.emotion_terms.as_bytes());
    text(out, t.text.as_bytes());
    end_row(out);
}

/// An emotion's name, `neutral` for none.
fn emotion_name(e: Option<Emotion>) -> &'static str {
    e.map_or("neutral", Emotion::name)
}

fn flag(v: Option<bool>) -> &'static [u8] {
    match v {
        Some(true) => b"true",
        Some(false) => b"false",
        None => b"",
    }
}

// Field writers: every field but a row's first (`first_text`) starts with
// the comma that separates it from the previous one.

/// A row's first field: free text, no separator before it.
fn first_text(out: &mut Vec<u8>, v: &[u8]) {
    if needs_quotes(v) {
        push_quoted(out, v);
    } else {
        out.extend_from_slice(v);
    }
}

/// A field that never needs quoting (names, numbers, flags).
fn raw(out: &mut Vec<u8>, v: &[u8]) {
    out.push(b',');
    out.extend_from_slice(v);
}

/// A field of free text, quoted when it holds `,` `"` or a line break
/// (RFC 4180, as the csv crate writes it).
fn text(out: &mut Vec<u8>, v: &[u8]) {
    out.push(b',');
    first_text(out, v);
}

fn needs_quotes(v: &[u8]) -> bool {
    memchr::memchr3(b',', b'"', b'\n', v).is_some() || memchr::memchr(b'\r', v).is_some()
}

/// `"v"`, with each `"` inside doubled.
fn push_quoted(out: &mut Vec<u8>, v: &[u8]) {
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

/// Quotes `out[start..]` in place when it needs it (a field built in place).
fn quote_if_needed(out: &mut Vec<u8>, start: usize) {
    if needs_quotes(&out[start..]) {
        let field = out.split_off(start);
        push_quoted(out, &field);
    }
}

/// A figure with four decimals (never `-0.0000`), or an empty cell.
#[inline]
fn figure(out: &mut Vec<u8>, v: Option<f64>) {
    match v {
        // Most emotion columns of most turns.
        Some(0.0) => out.extend_from_slice(b",0.0000"),
        Some(v) => {
            out.push(b',');
            number::push_fixed(out, v, 4);
        }
        None => out.push(b','),
    }
}

fn int(out: &mut Vec<u8>, v: Option<i64>) {
    out.push(b',');
    if let Some(v) = v {
        number::push_int(out, v);
    }
}

fn end_row(out: &mut Vec<u8>) {
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_decimals_and_no_negative_zero() {
        let mut out = Vec::new();
        for v in [Some(0.12345), Some(-0.00001), Some(-0.5), None, Some(1.0)] {
            figure(&mut out, v);
        }
        assert_eq!(out, b",0.1235,0.0000,-0.5000,,1.0000");
    }

    #[test]
    fn text_is_quoted_only_when_needed() {
        let mut out = Vec::new();
        first_text(&mut out, b"plain");
        for v in [&b"a,b"[..], b"say \"hi\"", b"two\nlines", b"cr\r", b""] {
            text(&mut out, v);
        }
        end_row(&mut out);
        assert_eq!(out, b"plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\n");
    }
}
