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
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use crate::emotion::Emotion;
use crate::engine::Scored;
use crate::error::{Error, Result};
use crate::record::Interaction;

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

/// One CSV output.
struct CsvOut {
    writer: csv::Writer<BufWriter<Sink>>,
    name: PathBuf,
}

impl CsvOut {
    fn create(path: Option<&Path>, header: &[&str]) -> Result<CsvOut> {
        let (sink, name) = match path {
            None => (Sink::Stdout(io::stdout()), PathBuf::from("<stdout>")),
            Some(p) if p == Path::new("-") => (Sink::Stdout(io::stdout()), PathBuf::from("<stdout>")),
            // Anything but a plain file (`/dev/stdout`, a FIFO, a symbolic
            // link): write through it; renaming a file over it would replace it.
            Some(target) if std::fs::symlink_metadata(target).is_ok_and(|m| !m.is_file()) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(target)
                    .map_err(|e| Error::io(target, e))?;
                (Sink::Direct(file), target.to_path_buf())
            }
            Some(target) => {
                let file_name = target.file_name().ok_or_else(|| {
                    Error::io(target, io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))
                })?;
                let mut temp_name = std::ffi::OsString::from(".");
                temp_name.push(file_name);
                temp_name.push(format!(".peakend-{}.tmp", std::process::id()));
                let temp = target.with_file_name(temp_name);
                let file = crate::cleanup::create(&temp).map_err(|e| Error::io(target, e))?;
                (Sink::File { file, target: target.to_path_buf(), temp }, target.to_path_buf())
            }
        };
        let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, sink));
        writer.write_record(header).map_err(|e| write_error(&name, e))?;
        Ok(CsvOut { writer, name })
    }

    fn write(&mut self, record: &ByteRecord) -> Result<()> {
        self.writer.write_byte_record(record).map_err(|e| write_error(&self.name, e))
    }

    /// Flushes and, for a file, renames it into place.
    fn commit(self) -> Result<()> {
        let name = self.name;
        let buffered = self.writer.into_inner().map_err(|e| Error::io(&name, e.into_error()))?;
        let mut sink = buffered.into_inner().map_err(|e| Error::io(&name, e.into_error()))?;
        sink.flush().map_err(|e| Error::io(&name, e))?;
        if let Sink::File { file, target, temp } = &mut sink {
            file.sync_all().map_err(|e| Error::io(&*target, e))?;
            crate::cleanup::persist(temp, target).map_err(|e| Error::io(&*target, e))?;
            // Renamed: nothing left for Drop to remove.
            *temp = PathBuf::new();
        }
        Ok(())
    }
}

fn write_error(name: &Path, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(name, e),
        other => Error::io(name, io::Error::other(format!("{other:?}"))),
    }
}

/// Both outputs of a run.
pub struct Outputs {
    interactions: CsvOut,
    turns: Option<CsvOut>,
    record: ByteRecord,
    num: Vec<u8>,
}

impl Outputs {
    /// Opens the outputs (`None` or `-` is standard output) and writes their
    /// headers.
    pub fn create(interactions: Option<&Path>, turns: Option<&Path>) -> Result<Outputs> {
        Ok(Outputs {
            interactions: CsvOut::create(interactions, INTERACTION_COLUMNS)?,
            turns: turns.map(|p| CsvOut::create(Some(p), TURN_COLUMNS)).transpose()?,
            record: ByteRecord::new(),
            num: Vec::with_capacity(32),
        })
    }

    /// Writes one interaction's row and, when asked for, its turn rows.
    pub fn write(&mut self, ix: &Interaction, scored: &Scored) -> Result<()> {
        let s = &scored.summary;
        let turn_no = |i: Option<usize>| i.map(|i| ix.turns[i].turn);
        let last_customer = s.end_start_index.and_then(|_| {
            ix.turns.iter().rposition(|t| t.speaker == crate::record::Speaker::Customer)
        });
        let r = &mut self.record;
        let num = &mut self.num;
        r.clear();
        r.push_field(ix.id.as_bytes());
        r.push_field(scored.language.as_bytes());
        push_int(r, num, Some(ix.turns.len() as i64));
        push_int(r, num, Some(s.customer_turns as i64));
        push_f64(r, s.experienced);
        push_f64(r, s.peak);
        push_int(r, num, turn_no(s.peak_index));
        push_f64(r, s.end);
        push_f64(r, s.remembered);
        push_f64(r, s.gap);
        r.push_field(match s.bad_ending {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"",
        });
        push_int(r, num, Some(s.agent_turns as i64));
        push_f64(r, s.agent_valence);
        push_int(r, num, turn_no(last_customer));
        r.push_field(s.peak_index.map_or("", |i| scored.turns[i].terms.as_str()).as_bytes());
        // The end's terms: those of the customer turns in the end window.
        num.clear();
        if let Some(start) = s.end_start_index {
            for (t, score) in ix.turns[start..].iter().zip(&scored.turns[start..]) {
                if t.speaker == crate::record::Speaker::Customer && !score.terms.is_empty() {
                    if !num.is_empty() {
                        num.push(b'|');
                    }
                    num.extend_from_slice(score.terms.as_bytes());
                }
            }
        }
        r.push_field(num);
        let e = &scored.emotions;
        r.push_field(emotion_name(e.dominant).as_bytes());
        let peak_emotion = s.peak_index.map(|i| emotion_name(scored.turns[i].emotions.dominant()));
        r.push_field(peak_emotion.unwrap_or("").as_bytes());
        r.push_field(s.end_start_index.map_or("", |_| emotion_name(e.end)).as_bytes());
        r.push_field(match e.empathy_after_worst {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"",
        });
        self.interactions.write(r)?;

        if let Some(out) = &mut self.turns {
            for (t, score) in ix.turns.iter().zip(&scored.turns) {
                r.clear();
                r.push_field(ix.id.as_bytes());
                push_int(r, num, Some(t.turn));
                r.push_field(t.speaker.as_str().as_bytes());
                push_f64(r, Some(score.valence));
                push_f64(r, Some(score.positive));
                push_f64(r, Some(score.negative));
                push_f64(r, Some(score.neutral));
                push_int(r, num, t.start_ms);
                push_int(r, num, t.end_ms);
                r.push_field(emotion_name(score.emotions.dominant()).as_bytes());
                for v in score.emotions.0 {
                    push_f64(r, Some(v));
                }
                r.push_field(score.terms.as_bytes());
                r.push_field(score.emotion_terms.as_bytes());
                r.push_field(t.text.as_bytes());
                out.write(r)?;
            }
        }
        Ok(())
    }

    /// Flushes everything and moves file outputs into place.
    pub fn commit(self) -> Result<()> {
        crate::cleanup::begin_commit().map_err(|e| Error::io(&self.interactions.name, e))?;
        self.interactions.commit()?;
        if let Some(t) = self.turns {
            t.commit()?;
        }
        Ok(())
    }
}

/// An emotion's name, `neutral` for none.
fn emotion_name(e: Option<Emotion>) -> &'static str {
    e.map_or("neutral", Emotion::name)
}

fn push_int(r: &mut ByteRecord, buf: &mut Vec<u8>, v: Option<i64>) {
    buf.clear();
    if let Some(v) = v {
        let _ = write!(buf, "{v}");
    }
    r.push_field(buf);
}

/// Writes `v` with four decimals; never `-0.0000`.
fn push_f64(r: &mut ByteRecord, v: Option<f64>) {
    match v {
        Some(v) => r.push_field(crate::number::fixed(v, 4).as_bytes()),
        None => r.push_field(b""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_decimals_and_no_negative_zero() {
        let mut r = ByteRecord::new();
        for v in [Some(0.12345), Some(-0.00001), Some(-0.5), None, Some(1.0)] {
            push_f64(&mut r, v);
        }
        let got: Vec<&[u8]> = r.iter().collect();
        assert_eq!(got, vec![&b"0.1235"[..], b"0.0000", b"-0.5000", b"", b"1.0000"]);
    }
}
