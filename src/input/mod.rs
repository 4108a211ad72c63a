//! Input: transcripts from CSV or JSON Lines files, or standard input, read
//! as a stream of [`Interaction`]s.
//!
//! Each format reader groups contiguous rows (CSV) or reads one line (JSON
//! Lines) into an interaction; [`Reader`] chains the sources, counts the bytes
//! read for progress and throughput, and refuses an interaction id that comes
//! back after other interactions, naming both places, because scoring its
//! parts separately would silently give two wrong summaries.
//!
//! Memory stays bounded by the largest interaction, plus 16 bytes per
//! distinct interaction id for the contiguity check.

mod csv;
mod jsonl;

use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::error::{Error, Result};
use crate::record::Interaction;

/// The input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header row.
    Csv,
    /// JSON Lines, one interaction per line.
    Jsonl,
}

impl Format {
    /// The format of `path` by its extension: `.jsonl` (or `.ndjson`) is JSON
    /// Lines, anything else CSV.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson") => {
                Format::Jsonl
            }
            _ => Format::Csv,
        }
    }
}

/// Where input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl Source {
    /// `-` means standard input; anything else is a path.
    pub fn parse(arg: &Path) -> Source {
        if arg == Path::new("-") {
            Source::Stdin
        } else {
            Source::Path(arg.to_path_buf())
        }
    }

    /// The name used in messages.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Source::Path(p) => p.clone(),
            Source::Stdin => PathBuf::from("<stdin>"),
        }
    }

    /// Size in bytes when known (files), for progress.
    pub fn len(&self) -> Option<u64> {
        match self {
            Source::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        }
    }
}

/// Counts of input problems that were tolerated, reported in the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputWarnings {
    /// Text cells that were not valid UTF-8 and were decoded lossily.
    pub invalid_utf8: u64,
}

/// A reader of one format over one byte stream.
trait FormatReader: Send {
    fn next_interaction(&mut self, warnings: &mut InputWarnings) -> Result<Option<Interaction>>;
}

/// A `Read` that counts the bytes it hands out.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads interactions from several sources in turn.
pub struct Reader {
    sources: Vec<Source>,
    next_source: usize,
    forced: Option<Format>,
    current: Option<Box<dyn FormatReader>>,
    bytes: Arc<AtomicU64>,
    seen: FxHashMap<u64, (usize, u64)>,
    warnings: InputWarnings,
}

impl Reader {
    /// A reader over `sources`; `format` forces the format of all of them
    /// (otherwise each file's extension decides).
    pub fn new(sources: Vec<Source>, format: Option<Format>) -> Reader {
        Reader {
            sources,
            next_source: 0,
            forced: format,
            current: None,
            bytes: Arc::new(AtomicU64::new(0)),
            seen: FxHashMap::default(),
            warnings: InputWarnings::default(),
        }
    }

    /// A counter of the bytes read so far, shared for progress reports.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes)
    }

    /// Tolerated problems so far.
    pub fn warnings(&self) -> InputWarnings {
        self.warnings
    }

    /// The next interaction, `None` at the end of the last source.
    pub fn next_interaction(&mut self) -> Result<Option<Interaction>> {
        loop {
            if self.current.is_none() && !self.open_next()? {
                return Ok(None);
            }
            let reader = self.current.as_mut().expect("opened above");
            match reader.next_interaction(&mut self.warnings)? {
                Some(ix) => {
                    self.check_contiguous(&ix)?;
                    return Ok(Some(ix));
                }
                None => self.current = None,
            }
        }
    }

    fn open_next(&mut self) -> Result<bool> {
        let Some(source) = self.sources.get(self.next_source).cloned() else {
            return Ok(false);
        };
        self.next_source += 1;
        let path = source.display_path();
        let raw: Box<dyn Read + Send> = match &source {
            Source::Path(p) => Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
            Source::Stdin => Box::new(io::stdin()),
        };
        let counted =
            BufReader::with_capacity(1 << 16, Counting { inner: raw, count: self.bytes_read() });
        let format = self.forced.unwrap_or(match &source {
            Source::Path(p) => Format::from_path(p),
            Source::Stdin => Format::Csv,
        });
        self.current = Some(match format {
            Format::Csv => Box::new(csv::CsvReader::new(counted, path)?),
            Format::Jsonl => Box::new(jsonl::JsonlReader::new(counted, path)),
        });
        Ok(true)
    }

    fn check_contiguous(&mut self, ix: &Interaction) -> Result<()> {
        let line = ix.turns.first().map_or(0, |t| t.line);
        let source = self.next_source - 1;
        let hash = FxBuildHasher.hash_one(ix.id.as_str());
        if let Some(&(first_source, first_line)) = self.seen.get(&hash) {
            let here = self.sources[source].display_path();
            let there = self.sources[first_source].display_path();
            let place = if first_source == source {
                format!("line {first_line}")
            } else {
                format!("{}:{first_line}", there.display())
            };
            return Err(Error::input(
                here,
                line,
                format!(
                    "interaction '{}' appears again after other interactions (it started at {place}); \
                     rows of one interaction must be contiguous: sort the input by interaction id",
                    ix.id
                ),
            ));
        }
        self.seen.insert(hash, (source, line));
        Ok(())
    }
}

/// Reads every interaction of one format reader (for the readers' tests).
#[cfg(test)]
fn drain(mut r: impl FormatReader) -> Result<(Vec<Interaction>, InputWarnings)> {
    let mut warnings = InputWarnings::default();
    let mut out = Vec::new();
    while let Some(ix) = r.next_interaction(&mut warnings)? {
        out.push(ix);
    }
    Ok((out, warnings))
}

/// Parses an optional integer cell (milliseconds or a turn number); accepts
/// a decimal point (`1520.0`) and rounds it.
fn parse_int(cell: &str) -> std::result::Result<Option<i64>, ()> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = cell.parse::<i64>() {
        return Ok(Some(v));
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 9e15 => Ok(Some(v.round() as i64)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_path(Path::new("a.jsonl")), Format::Jsonl);
        assert_eq!(Format::from_path(Path::new("a.JSONL")), Format::Jsonl);
        assert_eq!(Format::from_path(Path::new("a.csv")), Format::Csv);
        assert_eq!(Format::from_path(Path::new("a")), Format::Csv);
        assert_eq!(Source::parse(Path::new("-")), Source::Stdin);
    }

    #[test]
    fn parse_int_cells() {
        assert_eq!(parse_int(""), Ok(None));
        assert_eq!(parse_int(" 12 "), Ok(Some(12)));
        assert_eq!(parse_int("1520.6"), Ok(Some(1521)));
        assert_eq!(parse_int("abc"), Err(()));
        assert_eq!(parse_int("NaN"), Err(()));
    }
}
