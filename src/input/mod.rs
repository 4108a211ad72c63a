//! Input: transcripts from CSV or JSON Lines files, standard input or
//! memory, read as a stream of [`Interaction`]s.
//!
//! Each format reader groups contiguous rows (CSV) or reads one line (JSON
//! Lines) into an interaction; [`Reader`] chains the sources, counts the bytes
//! read for progress and throughput, and refuses an interaction id that comes
//! back after other interactions, naming both places, because scoring its
//! parts separately would silently give two wrong summaries (with
//! [`Reader::group_unsorted`] it groups them in memory instead).
//!
//! A row that cannot be scored (unknown speaker, wrong number of fields,
//! bad number, unterminated quote, id seen before...) stops the run with an
//! error naming the file and line, or, with [`Reader::rejects`], is set aside
//! with its reason and reading goes on. Bytes that are not UTF-8 are decoded
//! as Windows-1252 and counted ([`InputWarnings::invalid_utf8`]).
//!
//! Memory stays bounded by the largest interaction, plus 16 bytes per
//! distinct interaction id for the contiguity check (everything, with
//! `group_unsorted`).

pub(crate) mod csv;
mod jsonl;

use std::borrow::Cow;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::error::{Error, Result};
use crate::record::Interaction;
use crate::rejects::{Rejected, Rejects};

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
            Some(e)
                if e.eq_ignore_ascii_case("jsonl")
                    || e.eq_ignore_ascii_case("ndjson") =>
            {
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
    /// Bytes in memory (named `<memory>` in messages).
    Bytes(Arc<[u8]>),
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
            Source::Bytes(_) => PathBuf::from("<memory>"),
        }
    }

    /// Size in bytes when known (files), for progress.
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
            Source::Bytes(b) => Some(b.len() as u64),
        }
    }
}

/// Counts of input problems that were tolerated, reported in the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputWarnings {
    /// Rows (CSV) or lines (JSON Lines) that were not valid UTF-8 and were
    /// decoded as Windows-1252.
    pub invalid_utf8: u64,
    /// Rows set aside in the rejects (see [`Reader::rejects`]).
    pub rejected: u64,
    /// Interactions whose rows were not contiguous and were grouped in
    /// memory (see [`Reader::group_unsorted`]).
    pub regrouped: u64,
}

/// What the format readers share across sources: the warnings, the rejects,
/// and the ids seen so far.
struct Ctx {
    warnings: InputWarnings,
    rejects: Option<Rejects>,
    /// Interaction id hash -> source and line of its first row, packed
    /// ([`pack_place`]); not kept when grouping. At most [`TRACKED_IDS`].
    seen: Option<FxHashMap<u64, u64>>,
    /// Display names of the sources.
    names: Vec<PathBuf>,
    /// The source being read.
    source: usize,
}

impl Ctx {
    /// A row that cannot be scored: set aside with `--rejects` (and reading
    /// goes on), otherwise the error that stops the run.
    fn reject(
        &mut self,
        path: &Path,
        line: u64,
        column: Option<u64>,
        reason: String,
        raw: impl FnOnce() -> String,
    ) -> Result<()> {
        let path = path.to_path_buf();
        match &self.rejects {
            None => Err(match column {
                Some(c) => Error::input_at(path, line, c, reason),
                None => Error::input(path, line, reason),
            }),
            Some(rejects) => {
                self.warnings.rejected += 1;
                let reason = match column {
                    Some(c) => format!("column {c}: {reason}"),
                    None => reason,
                };
                rejects.add(Rejected { path, line, reason, raw: raw() })
            }
        }
    }

    /// Checks that interaction `id` has not been seen before; the reason why
    /// not otherwise.
    fn check_new(&self, id: &str) -> std::result::Result<(), String> {
        let Some(seen) = &self.seen else { return Ok(()) };
        let Some(&place) = seen.get(&FxBuildHasher.hash_one(id)) else {
            return Ok(());
        };
        let (first_source, first_line) = unpack_place(place);
        let place = if first_source == self.source {
            format!("line {first_line}")
        } else {
            format!("{}:{first_line}", self.names[first_source].display())
        };
        Err(format!(
            "interaction '{id}' appears again after other interactions (it started at {place}); \
             rows of one interaction must be contiguous: sort the input by interaction id, \
             or pass --group-unsorted to group them in memory"
        ))
    }

    /// Records that interaction `id` starts at `line`.
    fn register(&mut self, id: &str, line: u64) {
        if let Some(seen) = &mut self.seen {
            if seen.len() >= TRACKED_IDS {
                // Memory must not grow with the input: past this many
                // interactions, the check starts a new window.
                seen.clear();
            }
            seen.insert(FxBuildHasher.hash_one(id), pack_place(self.source, line));
        }
    }
}

/// Interactions whose ids are remembered to catch non-contiguous rows: a
/// repeat is caught when fewer than this many interactions (about 250 MB of
/// typical transcripts) lie between the two runs of its rows. The map stays
/// under 5 MB, so memory does not grow with the input.
pub const TRACKED_IDS: usize = 200_000;

/// Source index (16 bits) and line (48 bits) in one word.
fn pack_place(source: usize, line: u64) -> u64 {
    ((source as u64 & 0xFFFF) << 48) | (line & 0xFFFF_FFFF_FFFF)
}

fn unpack_place(place: u64) -> (usize, u64) {
    ((place >> 48) as usize, place & 0xFFFF_FFFF_FFFF)
}

/// A reader of one format over one byte stream.
trait FormatReader: Send {
    fn next_interaction(&mut self, ctx: &mut Ctx) -> Result<Option<Interaction>>;

    /// True when turns carry their own numbers (a CSV `turn` column), so
    /// that turns grouped from several places are ordered by them rather
    /// than numbered again in file order.
    fn numbered(&self) -> bool {
        false
    }
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

/// Interactions grouped in memory, in order of first appearance.
type Grouped = std::vec::IntoIter<Interaction>;

/// Reads interactions from several sources in turn.
pub struct Reader {
    sources: Vec<Source>,
    next_source: usize,
    forced: Option<Format>,
    delimiter: Option<u8>,
    group: bool,
    grouped: Option<Grouped>,
    current: Option<Box<dyn FormatReader>>,
    bytes: Arc<AtomicU64>,
    ctx: Ctx,
    finished: bool,
}

impl Reader {
    /// A reader over `sources`; `format` forces the format of all of them
    /// (otherwise each file's extension decides).
    pub fn new(sources: Vec<Source>, format: Option<Format>) -> Reader {
        let names = sources.iter().map(Source::display_path).collect();
        Reader {
            sources,
            next_source: 0,
            forced: format,
            delimiter: None,
            group: false,
            grouped: None,
            current: None,
            bytes: Arc::new(AtomicU64::new(0)),
            ctx: Ctx {
                warnings: InputWarnings::default(),
                rejects: None,
                seen: Some(FxHashMap::default()),
                names,
                source: 0,
            },
            finished: false,
        }
    }

    /// A reader over bytes in memory, in `format`.
    ///
    /// ```
    /// use peakend::input::{Format, Reader};
    ///
    /// let mut r = Reader::from_bytes(&b"id,speaker,text\na,customer,hi\n"[..], Format::Csv);
    /// assert_eq!(r.next_interaction()?.unwrap().turns.len(), 1);
    /// assert!(r.next_interaction()?.is_none());
    /// # Ok::<(), peakend::Error>(())
    /// ```
    pub fn from_bytes(data: impl Into<Arc<[u8]>>, format: Format) -> Reader {
        Reader::new(vec![Source::Bytes(data.into())], Some(format))
    }

    /// The CSV delimiter; `None` (the default) detects it from the header
    /// line among `,` `;` tab and `|`.
    pub fn delimiter(mut self, delimiter: Option<u8>) -> Reader {
        self.delimiter = delimiter;
        self
    }

    /// Groups rows by interaction id in memory (in order of first
    /// appearance) instead of refusing an id that comes back after other
    /// interactions. Memory then grows with the input.
    pub fn group_unsorted(mut self, yes: bool) -> Reader {
        self.group = yes;
        self.ctx.seen = if yes { None } else { Some(FxHashMap::default()) };
        self
    }

    /// Sets rows that cannot be scored aside in `rejects` instead of
    /// stopping; problems with a whole file still stop the run. The reader
    /// flushes `rejects` at the end of input; the caller commits it.
    pub fn rejects(mut self, rejects: Rejects) -> Reader {
        self.ctx.rejects = Some(rejects);
        self
    }

    /// A counter of the bytes read so far, shared for progress reports.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes)
    }

    /// Tolerated problems so far.
    pub fn warnings(&self) -> InputWarnings {
        self.ctx.warnings
    }

    /// The next interaction, `None` at the end of the last source.
    pub fn next_interaction(&mut self) -> Result<Option<Interaction>> {
        if !self.group {
            return self.next_in_file_order();
        }
        if self.grouped.is_none() {
            self.grouped = Some(self.group_all()?);
        }
        Ok(self.grouped.as_mut().and_then(Iterator::next))
    }

    fn next_in_file_order(&mut self) -> Result<Option<Interaction>> {
        loop {
            if self.current.is_none() && !self.open_next()? {
                if !self.finished {
                    self.finished = true;
                    if let Some(rejects) = &self.ctx.rejects {
                        rejects.finish()?;
                    }
                }
                return Ok(None);
            }
            let reader = self.current.as_mut().expect("opened above");
            match reader.next_interaction(&mut self.ctx)? {
                Some(ix) => return Ok(Some(ix)),
                None => self.current = None,
            }
        }
    }

    /// Reads everything and groups turns by interaction id.
    fn group_all(&mut self) -> Result<Grouped> {
        // (interaction, every part numbered, made of several parts)
        let mut all: Vec<(Interaction, bool, bool)> = Vec::new();
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        while let Some(ix) = self.next_in_file_order()? {
            let numbered = self.current.as_ref().is_some_and(|r| r.numbered());
            match index.get(&ix.id) {
                Some(&i) => {
                    let (into, all_numbered, merged) = &mut all[i];
                    into.turns.extend(ix.turns);
                    if into.language.is_none() {
                        into.language = ix.language;
                    }
                    *all_numbered &= numbered;
                    *merged = true;
                }
                None => {
                    index.insert(ix.id.clone(), all.len());
                    all.push((ix, numbered, false));
                }
            }
        }
        let mut out = Vec::with_capacity(all.len());
        for (mut ix, numbered, merged) in all {
            if merged {
                self.ctx.warnings.regrouped += 1;
                if numbered {
                    ix.turns.sort_by_key(|t| t.turn);
                } else {
                    for (pos, t) in ix.turns.iter_mut().enumerate() {
                        t.turn = pos as i64 + 1;
                    }
                }
            }
            out.push(ix);
        }
        Ok(out.into_iter())
    }

    fn open_next(&mut self) -> Result<bool> {
        let Some(source) = self.sources.get(self.next_source).cloned() else {
            return Ok(false);
        };
        self.ctx.source = self.next_source;
        self.next_source += 1;
        let path = source.display_path();
        let raw: Box<dyn Read + Send> = match &source {
            Source::Path(p) => Box::new(File::open(p).map_err(|e| {
                Error::io(
                    p,
                    io::Error::new(e.kind(), format!("cannot open the input file: {e}")),
                )
            })?),
            Source::Stdin => Box::new(io::stdin()),
            Source::Bytes(b) => Box::new(io::Cursor::new(Arc::clone(b))),
        };
        let counted = BufReader::with_capacity(
            1 << 16,
            Counting { inner: raw, count: self.bytes_read() },
        );
        let format = self.forced.unwrap_or(match &source {
            Source::Path(p) => Format::from_path(p),
            Source::Stdin | Source::Bytes(_) => Format::Csv,
        });
        self.current = Some(match format {
            Format::Csv => Box::new(csv::CsvReader::new(counted, path, self.delimiter)?),
            Format::Jsonl => Box::new(jsonl::JsonlReader::new(counted, path)),
        });
        Ok(true)
    }
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Windows-1252 characters for bytes 0x80-0x9F (0xA0-0xFF are Latin-1, the
/// same code points; the five undefined bytes map to C1 controls, as in
/// WHATWG's decoder).
const CP1252_80_9F: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
    '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}',
    '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
    '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}',
    '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// Decodes `bytes` as UTF-8, and every byte that is not part of valid UTF-8
/// as Windows-1252 (sets `*invalid` when there was one): a Latin-1 or
/// Windows-1252 export reads as written, and a UTF-8 file with a few bad
/// bytes keeps its valid characters.
fn decode<'a>(bytes: &'a [u8], invalid: &mut bool) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            *invalid = true;
            let mut out = String::with_capacity(bytes.len() + 8);
            decode_into(bytes, &mut out);
            Cow::Owned(out)
        }
    }
}

/// Appends `bytes` to `out`, decoded as [`decode`] does.
fn decode_into(mut bytes: &[u8], out: &mut String) {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // `valid` was just checked: this never falls back.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                for &b in &rest[..bad] {
                    out.push(match b {
                        0x80..=0x9F => CP1252_80_9F[usize::from(b - 0x80)],
                        _ => char::from(b),
                    });
                }
                bytes = &rest[bad..];
            }
        }
    }
}

/// Reads every interaction of one format reader (for the readers' tests).
#[cfg(test)]
fn drain(mut r: impl FormatReader) -> Result<(Vec<Interaction>, InputWarnings)> {
    let mut ctx = Ctx {
        warnings: InputWarnings::default(),
        rejects: None,
        seen: Some(FxHashMap::default()),
        names: vec![PathBuf::from("t")],
        source: 0,
    };
    let mut out = Vec::new();
    while let Some(ix) = r.next_interaction(&mut ctx)? {
        out.push(ix);
    }
    Ok((out, ctx.warnings))
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
