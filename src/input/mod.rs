//! Input: transcripts from CSV or JSON Lines files, standard input or
//! memory, read as a stream of [`Interaction`]s.
//!
//! [`Reader`] chains the sources and cuts each into chunks of whole
//! interactions (a quote-aware scan finds where one ends), which can be read
//! on their own, in parallel ([`crate::batch`]), or one after the other
//! ([`Reader::next_interaction`]); either way the interactions, messages and
//! rejects are the same. Each format reader groups contiguous rows (CSV) or
//! reads one line (JSON Lines) into an interaction. An interaction id that
//! comes back after other interactions is refused, naming both places,
//! because scoring its parts separately would silently give two wrong
//! summaries (with [`Reader::group_unsorted`] they are grouped in memory
//! instead).
//!
//! A row that cannot be scored (unknown speaker, wrong number of fields,
//! bad number or time, unterminated quote, id seen before...) stops the run
//! with an error naming the file and line, or, with [`Reader::rejects`], is
//! set aside with its reason and reading goes on. Bytes that are not UTF-8
//! are decoded as Windows-1252 and counted ([`InputWarnings::invalid_utf8`]).
//!
//! Memory stays bounded by a chunk and the largest interaction, plus 25
//! bytes for each of the last [`TRACKED_IDS`] interaction ids (everything,
//! with `group_unsorted`).

pub(crate) mod csv;
mod jsonl;
mod platform;
mod records;

pub(crate) use csv::CsvReaders;
pub use platform::Platform;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::record::{Interaction, Speakers};
use crate::rejects::{Rejected, Rejects};

/// An input format, forced on every source; without one (the default),
/// each source's content tells: JSON when it starts with `{` or `[` (each
/// call recognised by its keys: peakend's own interaction or a platform
/// export), CSV otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header row.
    Csv,
    /// peakend's JSON Lines, one interaction per line.
    Jsonl,
    /// A platform's JSON export: one call per file, several one after the
    /// other, or a list of them.
    Platform(Platform),
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

    /// Size in bytes when known (files, but not gzip-compressed ones, whose
    /// size is not what is read), for progress.
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Path(p)
                if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) =>
            {
                None
            }
            Source::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
            Source::Bytes(b) => Some(b.len() as u64),
        }
    }
}

/// Input columns carried to the per-interaction output ([`Reader::keep`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// None (the default).
    #[default]
    Nothing,
    /// These, by their input names (CSV headers case-insensitively, JSON
    /// fields exactly, a platform call's top-level ones); each must exist in
    /// every input, as far as its start shows (a CSV header, a first JSON
    /// line; a JSON document's calls are not read ahead).
    Columns(Vec<String>),
    /// Every column of the first input that is not part of the transcript,
    /// in input order (`--keep-all`); an input that lacks one leaves it
    /// empty.
    All,
}

/// The first kept value that differed from its interaction's first one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeepConflict {
    /// The input file.
    pub path: PathBuf,
    /// Its line.
    pub line: u64,
    /// The column (CSV) or JSON path (JSON Lines).
    pub column: String,
    /// The value kept: the interaction's first.
    pub first: String,
    /// The value that differed.
    pub later: String,
}

impl std::fmt::Display for KeepConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} is '{}' where the interaction had '{}'",
            self.path.display(),
            self.line,
            self.column,
            self.later,
            self.first
        )
    }
}

/// Counts of input problems that were tolerated, reported in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputWarnings {
    /// Rows (CSV) or lines (JSON Lines) that were not valid UTF-8 and were
    /// decoded as Windows-1252.
    pub invalid_utf8: u64,
    /// Rows set aside in the rejects (see [`Reader::rejects`]).
    pub rejected: u64,
    /// Interactions whose rows were not contiguous and were grouped in
    /// memory (see [`Reader::group_unsorted`]).
    pub regrouped: u64,
    /// Kept values ([`Reader::keep`]) that differed from the first value of
    /// their interaction, which is the one kept.
    pub keep_conflicts: u64,
    /// The first of them, in input order.
    pub first_conflict: Option<Box<KeepConflict>>,
}

impl InputWarnings {
    /// Adds `other`'s counts (`other` comes after `self` in the input).
    pub(crate) fn merge(&mut self, other: InputWarnings) {
        self.invalid_utf8 += other.invalid_utf8;
        self.rejected += other.rejected;
        self.regrouped += other.regrouped;
        self.keep_conflicts += other.keep_conflicts;
        if self.first_conflict.is_none() {
            self.first_conflict = other.first_conflict;
        }
    }
}

/// What a format reader reports to while it reads a chunk: the warnings,
/// the rejects and the ids seen so far.
pub(crate) struct Ctx<'a> {
    warnings: InputWarnings,
    /// Where rows that cannot be scored go; `None`: such a row is an error.
    rejects: Option<&'a Rejects>,
    /// The ids seen so far; `None` when grouping (ids may come back).
    seen: Option<&'a mut IdWindow>,
    /// Display names of the sources.
    names: &'a [PathBuf],
    /// The source being read.
    source: usize,
}

impl Ctx<'_> {
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
        match self.rejects {
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
        let Some(place) = seen.get(FxBuildHasher.hash_one(id)) else {
            return Ok(());
        };
        let (first_source, first_line) = unpack_place(place);
        let place = match self.names.get(first_source) {
            Some(name) if first_source != self.source => {
                format!("{}:{first_line}", name.display())
            }
            _ => format!("line {first_line}"),
        };
        Err(format!(
            "interaction '{id}' appears again after other interactions (it started at {place}); \
             rows of one interaction must be contiguous: sort the input by interaction id, \
             or pass --group-unsorted to group them in memory"
        ))
    }

    /// Kept value `i` of an interaction (`meta`) seen at `path:line` in
    /// `column`: the first non-empty one is kept, a different later one
    /// counted.
    fn keep(
        &mut self,
        meta: &mut [String],
        i: usize,
        value: &str,
        (path, line): (&Path, u64),
        column: impl FnOnce() -> String,
    ) {
        let value = value.trim();
        let Some(slot) = meta.get_mut(i) else { return };
        if value.is_empty() || slot == value {
            return;
        }
        if slot.is_empty() {
            slot.push_str(value);
            return;
        }
        self.warnings.keep_conflicts += 1;
        if self.warnings.first_conflict.is_none() {
            self.warnings.first_conflict = Some(Box::new(KeepConflict {
                path: path.to_path_buf(),
                line,
                column: column(),
                first: slot.clone(),
                later: value.to_string(),
            }));
        }
    }

    /// Records that interaction `id` starts at `line`.
    fn register(&mut self, id: &str, line: u64) {
        let source = self.source;
        if let Some(seen) = &mut self.seen {
            seen.insert(FxBuildHasher.hash_one(id), pack_place(source, line));
        }
    }
}

/// The interactions whose ids are remembered to catch non-contiguous rows:
/// a repeat is caught when fewer than this many interactions (about 250 MB
/// of typical transcripts) lie between the two runs of its rows. The window
/// stays under 8 MB, so memory does not grow with the input.
pub const TRACKED_IDS: usize = 200_000;

/// The ids of the last interactions started (at most a capacity), each with
/// where it started: a sliding window, the oldest forgotten first.
///
/// Ids are kept as 64-bit hashes: two different ids that collide would be
/// taken for a repeat, once in about 2^64 / N pairs. An id is never in the
/// window twice (a repeat is refused, not registered).
#[derive(Debug, Default)]
pub(crate) struct IdWindow {
    hashes: FxHashSet<u64>,
    /// (id hash, place ([`pack_place`])), oldest first: 16 bytes an id,
    /// plus 9 in the set.
    order: VecDeque<(u64, u64)>,
    capacity: usize,
}

impl IdWindow {
    /// A window over the last `capacity` ids.
    pub(crate) fn new(capacity: usize) -> IdWindow {
        // Exactly the capacity (growing would double it); untouched pages
        // cost no memory.
        IdWindow {
            order: VecDeque::with_capacity(capacity.min(TRACKED_IDS)),
            capacity,
            ..IdWindow::default()
        }
    }

    /// Where the id with this hash started, if it is in the window (a scan:
    /// only a repeat, which is an error or a rejected row, asks).
    fn get(&self, hash: u64) -> Option<u64> {
        if !self.hashes.contains(&hash) {
            return None;
        }
        self.order.iter().rev().find(|(h, _)| *h == hash).map(|&(_, place)| place)
    }

    fn insert(&mut self, hash: u64, place: u64) {
        if self.capacity == 0 {
            return;
        }
        if self.order.len() >= self.capacity {
            if let Some((old, _)) = self.order.pop_front() {
                self.hashes.remove(&old);
            }
        }
        self.hashes.insert(hash);
        self.order.push_back((hash, place));
    }

    /// Forgets every id, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.hashes.clear();
        self.order.clear();
    }
}

/// Source index (16 bits) and line (48 bits) in one word.
fn pack_place(source: usize, line: u64) -> u64 {
    ((source as u64 & 0xFFFF) << 48) | (line & 0xFFFF_FFFF_FFFF)
}

fn unpack_place(place: u64) -> (usize, u64) {
    ((place >> 48) as usize, place & 0xFFFF_FFFF_FFFF)
}

/// A source being read: what its header said, and the bytes read from it
/// and not yet handed out in a chunk.
struct Open {
    info: Arc<SourceInfo>,
    input: Box<dyn Read + Send>,
    /// Starts at a record (a line, in JSON Lines).
    buf: Vec<u8>,
    eof: bool,
    /// Line feeds in the source before `buf`.
    lines_before: u64,
    /// CSV quoting followed over `buf[..scanned]`.
    quotes: Option<csv::QuoteTracker>,
    scanned: usize,
    /// The first line feed outside quotes at or after the chunk size, once
    /// found (CSV).
    line_end: Option<usize>,
    /// For the rows read to find where a chunk ends.
    readers: CsvReaders,
}

/// What reading a chunk needs to know about its source.
#[derive(Debug)]
struct SourceInfo {
    index: usize,
    path: PathBuf,
    format: Head,
    /// The input columns kept ([`Reader::keep`]), by name.
    keep: Arc<[String]>,
    /// `--speakers`.
    speakers: Arc<Speakers>,
}

/// A source's format, with the CSV header once read.
#[derive(Debug)]
enum Head {
    Csv(csv::Head),
    /// peakend's JSON Lines only (`--input-format jsonl`).
    Jsonl,
    /// JSON values one per line: each line is read on its own.
    JsonLines(platform::Accept),
    /// JSON that spreads over lines: the whole source is one chunk.
    JsonDocuments(platform::Accept),
}

impl SourceInfo {
    /// True when turns carry their own numbers (a CSV `turn` column), so
    /// that turns grouped from several places are ordered by them rather
    /// than numbered again in file order.
    fn numbered(&self) -> bool {
        matches!(&self.format, Head::Csv(h) if h.numbered())
    }
}

/// Bytes of input per chunk, at least (a chunk ends at the next
/// interaction after this many bytes): small enough that a chunk and its
/// formatted rows stay in a core's cache, large enough that the chunk's
/// set-up (a csv reader) is lost in its work.
pub const CHUNK_BYTES: usize = 1 << 16;

/// A run of whole interactions of one source, to be read on its own (by
/// another thread, out of order): [`Chunk::read`] gives exactly the
/// interactions that reading the whole input in order gives for these
/// bytes, as long as its ids were not seen before (see [`Reader::accept`]).
#[derive(Debug)]
pub(crate) struct Chunk {
    body: Body,
}

#[derive(Debug)]
enum Body {
    Bytes {
        source: Arc<SourceInfo>,
        bytes: Vec<u8>,
        /// Line feeds in the source before `bytes`.
        lines_before: u64,
        /// The last chunk of a source that ends inside a quoted field.
        unterminated: bool,
    },
    /// Interactions grouped in memory (`--group-unsorted`).
    Grouped(Vec<Interaction>),
}

impl Chunk {
    /// Reads the chunk's interactions into `each`, with `ctx` for its bad
    /// rows and ids.
    fn read_into(
        &mut self,
        readers: &mut CsvReaders,
        ctx: &mut Ctx,
        each: &mut dyn FnMut(&Interaction),
    ) -> Result<()> {
        match &mut self.body {
            Body::Bytes { source, bytes, lines_before, unterminated } => {
                ctx.source = source.index;
                match &source.format {
                    Head::Csv(head) => csv::read_chunk(
                        head,
                        &source.path,
                        &source.speakers,
                        bytes,
                        *lines_before,
                        *unterminated,
                        readers,
                        ctx,
                        each,
                    ),
                    Head::Jsonl => {
                        jsonl::read_chunk(source, None, bytes, *lines_before, ctx, each)
                    }
                    Head::JsonLines(expect) => jsonl::read_chunk(
                        source,
                        Some(*expect),
                        bytes,
                        *lines_before,
                        ctx,
                        each,
                    ),
                    Head::JsonDocuments(expect) => platform::read_chunk(
                        source,
                        *expect,
                        bytes,
                        *lines_before,
                        ctx,
                        each,
                    ),
                }
            }
            Body::Grouped(ixs) => {
                ixs.iter().for_each(each);
                Ok(())
            }
        }
    }

    /// Reads the chunk on its own, out of order, into `each`; `ids` gets
    /// the ids of the interactions it starts. Returns the warnings, or
    /// `None` when a row could not be read (even with rejects, whose order
    /// and line numbers are the in-order reader's business): the chunk must
    /// then be read again in order with [`Reader::read_chunk`], and what
    /// `each` was given discarded.
    pub(crate) fn read_detached(
        &mut self,
        readers: &mut CsvReaders,
        ids: &mut IdWindow,
        each: &mut dyn FnMut(&Interaction),
    ) -> Option<InputWarnings> {
        // Every id of the chunk, however many: a repeat the reader in order
        // would not catch only makes the chunk read again.
        ids.clear();
        ids.capacity = usize::MAX;
        let mut ctx = Ctx {
            warnings: InputWarnings::default(),
            rejects: None,
            seen: Some(ids),
            names: &[],
            source: 0,
        };
        let read = self.read_into(readers, &mut ctx, each);
        read.ok().map(|()| ctx.warnings)
    }
}

/// Reads interactions from several sources in turn, as chunks of whole
/// interactions (`Reader::next_chunk`, to read them in parallel) or one
/// at a time ([`Reader::next_interaction`]).
pub struct Reader {
    sources: Vec<Source>,
    names: Vec<PathBuf>,
    next_source: usize,
    forced: Option<Format>,
    delimiter: Option<u8>,
    keep: Keep,
    /// [`Keep::All`] resolved from the first source: a source may lack a
    /// column.
    keep_lenient: bool,
    speakers: Arc<Speakers>,
    chunk_bytes: usize,
    group: bool,
    grouped: Option<std::vec::IntoIter<Interaction>>,
    open: Option<Open>,
    bytes: Arc<AtomicU64>,
    warnings: InputWarnings,
    rejects: Option<Rejects>,
    /// The ids seen so far; `None` when grouping.
    seen: Option<IdWindow>,
    finished: bool,
    /// Interactions read ahead by [`Reader::next_interaction`], and the
    /// error that followed them.
    queued: VecDeque<Interaction>,
    queued_error: Option<Error>,
    /// Chunk buffers handed back, for the next chunks.
    spare: Vec<Vec<u8>>,
    /// For the chunks read in order.
    readers: CsvReaders,
}

/// Chunk buffers kept for reuse.
const SPARE_BUFFERS: usize = 64;

impl Reader {
    /// A reader over `sources`; `format` forces the format of all of them
    /// (otherwise each source's content decides, see [`Format`]).
    pub fn new(sources: Vec<Source>, format: Option<Format>) -> Reader {
        let names = sources.iter().map(Source::display_path).collect();
        Reader {
            sources,
            names,
            next_source: 0,
            forced: format,
            delimiter: None,
            keep: Keep::Nothing,
            keep_lenient: false,
            speakers: Arc::default(),
            chunk_bytes: CHUNK_BYTES,
            group: false,
            grouped: None,
            open: None,
            bytes: Arc::new(AtomicU64::new(0)),
            warnings: InputWarnings::default(),
            rejects: None,
            seen: Some(IdWindow::new(TRACKED_IDS)),
            finished: false,
            queued: VecDeque::new(),
            queued_error: None,
            spare: Vec::new(),
            readers: CsvReaders::default(),
        }
    }

    /// A reader over bytes in memory, in `format`.
    ///
    /// ```
    /// use peakend::pipeline::{Format, Reader};
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

    /// Carries input columns through to [`Interaction::meta`] (`--keep`,
    /// `--keep-all`); [`Reader::kept_columns`] names them.
    pub fn keep(mut self, keep: Keep) -> Reader {
        self.keep = keep;
        self
    }

    /// The names of the kept columns, in the order of
    /// [`Interaction::meta`]. With [`Keep::All`] this opens the first input
    /// to read them (its header, or its first JSON line).
    pub fn kept_columns(&mut self) -> Result<Vec<String>> {
        if self.keep == Keep::All && self.next_source == 0 {
            self.open_next()?;
        }
        Ok(match &self.keep {
            Keep::Columns(names) => names.clone(),
            Keep::Nothing | Keep::All => Vec::new(),
        })
    }

    /// Who the speaker labels of the input are (`--speakers`), before the
    /// built-in names.
    pub fn speakers(mut self, speakers: Speakers) -> Reader {
        self.speakers = Arc::new(speakers);
        self
    }

    /// Groups rows by interaction id in memory (in order of first
    /// appearance) instead of refusing an id that comes back after other
    /// interactions. Memory then grows with the input.
    pub fn group_unsorted(mut self, yes: bool) -> Reader {
        self.group = yes;
        self.seen = if yes { None } else { Some(IdWindow::new(TRACKED_IDS)) };
        self
    }

    /// Sets rows that cannot be scored aside in `rejects` instead of
    /// stopping; problems with a whole file still stop the run. The reader
    /// flushes `rejects` at the end of input; the caller commits it.
    pub fn rejects(mut self, rejects: Rejects) -> Reader {
        self.rejects = Some(rejects);
        self
    }

    /// The input bytes per chunk, at least (default `CHUNK_BYTES`); the
    /// interactions read do not depend on it.
    pub fn chunk_bytes(mut self, bytes: usize) -> Reader {
        self.chunk_bytes = bytes.max(1);
        self
    }

    /// How many ids the contiguity check remembers (default
    /// `TRACKED_IDS`); no effect when grouping.
    pub fn tracked_ids(mut self, ids: usize) -> Reader {
        if let Some(seen) = &mut self.seen {
            *seen = IdWindow::new(ids);
        }
        self
    }

    /// A counter of the bytes read so far, shared for progress reports.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes)
    }

    /// Tolerated problems so far.
    pub fn warnings(&self) -> InputWarnings {
        self.warnings.clone()
    }

    /// The next interaction, `None` at the end of the last source.
    pub fn next_interaction(&mut self) -> Result<Option<Interaction>> {
        loop {
            if let Some(ix) = self.queued.pop_front() {
                return Ok(Some(ix));
            }
            if let Some(e) = self.queued_error.take() {
                return Err(e);
            }
            let Some(chunk) = self.next_chunk()? else { return Ok(None) };
            let mut queued = std::mem::take(&mut self.queued);
            let mut chunk = chunk;
            let read =
                self.read_chunk(&mut chunk, &mut |ix| queued.push_back(ix.clone()));
            self.queued = queued;
            self.queued_error = read.err();
            self.recycle(chunk);
        }
    }

    /// The next chunk of whole interactions, `None` at the end of the last
    /// source. Read each with [`Chunk::read_detached`] (in any order, on any
    /// thread), then hand it, in input order, to [`Reader::accept`] or, when
    /// that refuses it, [`Reader::read_chunk`].
    pub(crate) fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        if self.group {
            let grouped = match &mut self.grouped {
                Some(g) => g,
                None => {
                    let all = self.group_all()?;
                    self.grouped.insert(all)
                }
            };
            let mut ixs = Vec::new();
            let mut text = 0;
            while text < self.chunk_bytes {
                let Some(ix) = grouped.next() else { break };
                text += ix.text_bytes().max(1);
                ixs.push(ix);
            }
            return Ok((!ixs.is_empty()).then_some(Chunk { body: Body::Grouped(ixs) }));
        }
        self.next_chunk_in_file_order()
    }

    fn next_chunk_in_file_order(&mut self) -> Result<Option<Chunk>> {
        loop {
            if self.open.is_none() && !self.open_next()? {
                if !self.finished {
                    self.finished = true;
                    if let Some(rejects) = &self.rejects {
                        rejects.finish()?;
                    }
                }
                return Ok(None);
            }
            let open = self.open.as_mut().expect("opened above");
            let spare = self.spare.pop().unwrap_or_default();
            match open.next_chunk(self.chunk_bytes, spare, &self.bytes)? {
                Some(chunk) => return Ok(Some(chunk)),
                None => self.open = None,
            }
        }
    }

    /// Takes a chunk read on its own ([`Chunk::read_detached`], which gave
    /// `ids` and `warnings`) as read: true unless one of its ids was seen
    /// before it, when it must be read again in order
    /// ([`Reader::read_chunk`]) for the error or the rejects that follow.
    /// Chunks must come in input order.
    pub(crate) fn accept(&mut self, ids: &IdWindow, warnings: InputWarnings) -> bool {
        if let Some(seen) = &mut self.seen {
            if ids.order.iter().any(|(hash, _)| seen.hashes.contains(hash)) {
                return false;
            }
            for &(hash, place) in &ids.order {
                seen.insert(hash, place);
            }
        }
        self.warnings.merge(warnings);
        true
    }

    /// Reads a chunk in input order into `each`: what reading the whole
    /// input in order gives, errors and rejects included.
    pub(crate) fn read_chunk(
        &mut self,
        chunk: &mut Chunk,
        each: &mut dyn FnMut(&Interaction),
    ) -> Result<()> {
        let mut ctx = Ctx {
            warnings: InputWarnings::default(),
            rejects: self.rejects.as_ref(),
            seen: self.seen.as_mut(),
            names: &self.names,
            source: 0,
        };
        let read = chunk.read_into(&mut self.readers, &mut ctx, each);
        let warnings = ctx.warnings;
        self.warnings.merge(warnings);
        read
    }

    /// Hands a chunk's memory back for the next chunks.
    pub(crate) fn recycle(&mut self, chunk: Chunk) {
        if let Body::Bytes { mut bytes, .. } = chunk.body {
            if self.spare.len() < SPARE_BUFFERS {
                bytes.clear();
                self.spare.push(bytes);
            }
        }
    }

    /// Reads everything and groups turns by interaction id.
    fn group_all(&mut self) -> Result<std::vec::IntoIter<Interaction>> {
        // (interaction, every part numbered, made of several parts)
        let mut all: Vec<(Interaction, bool, bool)> = Vec::new();
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        while let Some(chunk) = self.next_chunk_in_file_order()? {
            let numbered = match &chunk.body {
                Body::Bytes { source, .. } => source.numbered(),
                Body::Grouped(_) => false,
            };
            let mut ixs = Vec::new();
            let mut chunk = chunk;
            self.read_chunk(&mut chunk, &mut |ix| ixs.push(ix.clone()))?;
            self.recycle(chunk);
            for ix in ixs {
                match index.get(&ix.id) {
                    Some(&i) => {
                        let (into, all_numbered, merged) = &mut all[i];
                        into.turns.extend(ix.turns);
                        if into.language.is_none() {
                            into.language = ix.language;
                        }
                        for (kept, later) in into.meta.iter_mut().zip(ix.meta) {
                            if kept.is_empty() {
                                *kept = later;
                            }
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
        }
        let mut out = Vec::with_capacity(all.len());
        for (mut ix, numbered, merged) in all {
            if merged {
                self.warnings.regrouped += 1;
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
        let index = self.next_source;
        self.next_source += 1;
        let path = self.names[index].clone();
        let input: Box<dyn Read + Send> = match &source {
            Source::Path(p) => Box::new(File::open(p).map_err(|e| {
                Error::io(
                    p,
                    io::Error::new(e.kind(), format!("cannot open the input file: {e}")),
                )
            })?),
            Source::Stdin => Box::new(io::stdin()),
            Source::Bytes(b) => Box::new(io::Cursor::new(Arc::clone(b))),
        };
        let input = gunzip_if_gzipped(input).map_err(|e| Error::io(&path, e))?;
        let keep: Arc<[String]> = match &self.keep {
            Keep::Columns(names) => names.as_slice().into(),
            Keep::Nothing | Keep::All => Arc::new([]),
        };
        let speakers = Arc::clone(&self.speakers);
        let mut open = Open {
            info: Arc::new(SourceInfo {
                index,
                path,
                format: Head::Jsonl,
                keep,
                speakers,
            }),
            input,
            buf: self.spare.pop().unwrap_or_default(),
            eof: false,
            lines_before: 0,
            quotes: None,
            scanned: 0,
            line_end: None,
            readers: CsvReaders::default(),
        };
        let keep = KeepAsked { all: self.keep == Keep::All, lenient: self.keep_lenient };
        open.start(self.forced, self.delimiter, keep, self.chunk_bytes, &self.bytes)?;
        if keep.all {
            self.keep = Keep::Columns(open.info.keep.to_vec());
            self.keep_lenient = true;
        }
        self.open = Some(open);
        Ok(true)
    }
}

/// How the kept columns are asked for, as a source opens.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeepAsked {
    /// [`Keep::All`], not yet resolved: this source names the columns.
    pub(crate) all: bool,
    /// A source may lack a kept column (resolved from [`Keep::All`]).
    pub(crate) lenient: bool,
}

/// Bytes read past the chunk size before looking for its end, so that the
/// end is usually found without reading again.
const SLACK: usize = 1 << 12;

/// Bytes asked of the input at a time.
const READ_STEP: usize = 1 << 18;

impl Open {
    /// Reads until `buf` holds `want` bytes or the input ends.
    fn fill(&mut self, want: usize, count: &AtomicU64) -> Result<()> {
        while self.buf.len() < want && !self.eof {
            // In steps: `want` may be far more than the input holds. One
            // `read` per step, as a rule: `read_to_end` starts every call
            // with 8 KB reads, five system calls per step.
            let step = (want - self.buf.len()).min(READ_STEP);
            let start = self.buf.len();
            self.buf.resize(start + step, 0);
            let mut n = 0;
            while n < step {
                match self.input.read(&mut self.buf[start + n..]) {
                    Ok(0) => break,
                    Ok(read) => n += read,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.buf.truncate(start + n);
                        return Err(Error::io(&self.info.path, e));
                    }
                }
            }
            self.buf.truncate(start + n);
            count.fetch_add(n as u64, Ordering::Relaxed);
            self.eof = n < step;
        }
        Ok(())
    }

    /// Reads what comes before the rows: a byte order mark, and the CSV
    /// header (a JSON Lines source must have a line that is not blank).
    /// Without a `format`, the content tells: JSON when it starts with `{`
    /// or `[`, read line by line when its first line is a whole JSON value,
    /// as one document otherwise; CSV else.
    fn start(
        &mut self,
        format: Option<Format>,
        delimiter: Option<u8>,
        keep: KeepAsked,
        chunk_bytes: usize,
        count: &AtomicU64,
    ) -> Result<()> {
        let path = self.info.path.clone();
        let kept = self.info.keep.to_vec();
        let mut want = chunk_bytes.min(READ_STEP).max(BOM.len());
        self.fill(want, count)?;
        if self.buf.starts_with(BOM) {
            self.buf.drain(..BOM.len());
        }
        let (head, body) = loop {
            if let Some(found) = self.head(format, delimiter, &path)? {
                break found;
            }
            want = want.saturating_mul(2).max(self.buf.len() + 1);
            self.fill(want, count)?;
        };
        let (head, kept) = self.kept(head, kept, keep, &mut want, count)?;
        self.lines_before = memchr::memchr_iter(b'\n', &self.buf[..body]).count() as u64;
        self.buf.drain(..body);
        if let Head::Csv(h) = &head {
            self.quotes = Some(h.quotes());
        }
        let (keep, speakers) = (kept.into(), Arc::clone(&self.info.speakers));
        self.info = Arc::new(SourceInfo {
            index: self.info.index,
            path,
            format: head,
            keep,
            speakers,
        });
        Ok(())
    }

    /// The columns kept from this source, `kept` checked against what its
    /// start shows (or, when `keep.all`, found there): the CSV header, the
    /// first JSON line. The calls of a JSON document are not read ahead:
    /// a kept field one lacks is left empty, and `--keep-all` needs
    /// peakend's own columns or fields, so it is an error there.
    fn kept(
        &mut self,
        mut head: Head,
        kept: Vec<String>,
        keep: KeepAsked,
        want: &mut usize,
        count: &AtomicU64,
    ) -> Result<(Head, Vec<String>)> {
        let path = &self.info.path;
        let kept = match &mut head {
            Head::Csv(h) => h.keep(kept, keep, path)?,
            Head::Jsonl | Head::JsonLines(_) if keep.all || !kept.is_empty() => {
                // The first line names the fields; it is there (not blank).
                let end = loop {
                    if let Some(end) = self.first_line_end() {
                        break end;
                    }
                    *want = want.saturating_mul(2).max(self.buf.len() + 1);
                    self.fill(*want, count)?;
                };
                jsonl::keep(&self.buf[..end], kept, keep, &self.info.path)?
            }
            Head::JsonDocuments(_) if keep.all => {
                return Err(Error::input(path, 1, jsonl::KEEP_ALL_PLATFORM));
            }
            Head::Jsonl | Head::JsonLines(_) | Head::JsonDocuments(_) => kept,
        };
        Ok((head, kept))
    }

    /// The end of the first line of `buf` that is not blank (the end of
    /// `buf` at the end of input); `None` when more input is needed.
    fn first_line_end(&self) -> Option<usize> {
        let start = self.buf.iter().position(|b| !b.is_ascii_whitespace())?;
        match memchr::memchr(b'\n', &self.buf[start..]) {
            Some(i) => Some(start + i),
            None => self.eof.then_some(self.buf.len()),
        }
    }

    /// The source's format and where its rows start in `buf`, once `buf`
    /// shows them (see [`Open::start`]).
    fn head(
        &self,
        format: Option<Format>,
        delimiter: Option<u8>,
        path: &Path,
    ) -> Result<Option<(Head, usize)>> {
        let first = self.buf.iter().position(|b| !b.is_ascii_whitespace());
        let json = match (format, first) {
            (Some(Format::Csv), _) => false,
            (Some(_), _) => true,
            (None, Some(i)) => matches!(self.buf[i], b'{' | b'['),
            // Empty: the message of the format its name says.
            (None, None) if self.eof => path.extension().is_some_and(|e| {
                ["json", "jsonl", "ndjson"].iter().any(|j| e.eq_ignore_ascii_case(j))
            }),
            (None, None) => return Ok(None),
        };
        if !json {
            let head = csv::Head::parse(&self.buf, self.eof, delimiter, path)?;
            return Ok(head.map(|(head, body)| (Head::Csv(head), body)));
        }
        let Some(first) = first else {
            if !self.eof {
                return Ok(None);
            }
            let what = match format {
                Some(Format::Platform(p)) => format!("a {} export", p.name()),
                _ => "one JSON object per line".to_string(),
            };
            return Err(Error::input(
                path,
                1,
                format!("the file is empty: expected {what}"),
            ));
        };
        let expect = match format {
            Some(Format::Jsonl) => return Ok(Some((Head::Jsonl, 0))),
            Some(Format::Platform(p)) => platform::Accept::Only(p),
            _ => platform::Accept::Any,
        };
        let Some(end) = self.first_line_end() else {
            return Ok(None);
        };
        // A first line that is a whole value: JSON Lines (of any calls).
        let whole =
            serde_json::from_slice::<serde::de::IgnoredAny>(&self.buf[first..end])
                .is_ok();
        Ok(Some((
            if whole { Head::JsonLines(expect) } else { Head::JsonDocuments(expect) },
            0,
        )))
    }

    /// The next chunk of at least `chunk_bytes` (unless the source ends),
    /// in `spare`'s memory; `None` at the end of the source.
    fn next_chunk(
        &mut self,
        chunk_bytes: usize,
        mut spare: Vec<u8>,
        count: &AtomicU64,
    ) -> Result<Option<Chunk>> {
        let mut want = chunk_bytes.saturating_add(SLACK);
        loop {
            self.fill(want, count)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            let cut = if self.buf.len() <= chunk_bytes {
                None
            } else {
                self.find_cut(chunk_bytes)
            };
            let unterminated = match cut {
                Some(_) => false,
                None if self.eof => match &mut self.quotes {
                    Some(quotes) => {
                        quotes.scan(&self.buf[self.scanned..]);
                        quotes.inside()
                    }
                    None => false,
                },
                None => {
                    want = want.saturating_mul(2).max(self.buf.len() + 1);
                    continue;
                }
            };
            let cut = cut.unwrap_or(self.buf.len());
            spare.clear();
            spare.extend_from_slice(&self.buf[cut..]);
            let mut bytes = std::mem::replace(&mut self.buf, spare);
            bytes.truncate(cut);
            let lines_before = self.lines_before;
            self.lines_before += memchr::memchr_iter(b'\n', &bytes).count() as u64;
            if let Head::Csv(head) = &self.info.format {
                // A chunk ends at a record: outside quotes.
                self.quotes = Some(head.quotes());
            }
            self.scanned = 0;
            self.line_end = None;
            return Ok(Some(Chunk {
                body: Body::Bytes {
                    source: Arc::clone(&self.info),
                    bytes,
                    lines_before,
                    unterminated,
                },
            }));
        }
    }

    /// Where the chunk that starts `buf` ends: at the first interaction
    /// that starts after `target` bytes. `None` when `buf` does not show it.
    fn find_cut(&mut self, target: usize) -> Option<usize> {
        let head = match &self.info.format {
            Head::Csv(head) => head,
            // A line is an interaction.
            Head::Jsonl | Head::JsonLines(_) => {
                return memchr::memchr(b'\n', &self.buf[target - 1..]).map(|i| target + i)
            }
            // The whole source is one chunk.
            Head::JsonDocuments(_) => return None,
        };
        let quotes = self.quotes.as_mut()?;
        let line_end = match self.line_end {
            Some(at) => at,
            None => {
                if self.scanned < target {
                    quotes.scan(&self.buf[self.scanned..target]);
                    self.scanned = target;
                }
                match quotes.line_end(&self.buf[self.scanned..]) {
                    Some(i) => {
                        let at = self.scanned + i;
                        self.scanned = at + 1;
                        *self.line_end.insert(at)
                    }
                    None => {
                        self.scanned = self.buf.len();
                        return None;
                    }
                }
            }
        };
        head.cut_after(&mut self.readers, &self.buf, line_end, self.eof)
    }
}

/// `input`, decompressed when it starts with the gzip magic bytes (a
/// `.gz` file, or `zcat`'s input piped in): one stream or several
/// concatenated, as `gzip -d` reads them.
fn gunzip_if_gzipped(
    mut input: Box<dyn Read + Send>,
) -> io::Result<Box<dyn Read + Send>> {
    let mut magic = [0u8; 2];
    let mut n = 0;
    while n < magic.len() {
        match input.read(&mut magic[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let whole = io::Cursor::new(magic[..n].to_vec()).chain(input);
    Ok(if magic[..n] == [0x1f, 0x8b] {
        Box::new(Gunzip(flate2::read::MultiGzDecoder::new(whole)))
    } else {
        Box::new(whole)
    })
}

/// A gzip decoder whose errors say that the compressed file is damaged:
/// flate2's own ("unexpected end of file", "corrupt deflate stream") do not
/// say which layer failed. Such a file stops the run even with `--rejects`:
/// no row after the damage can be read.
struct Gunzip<R>(flate2::read::MultiGzDecoder<R>);

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("the gzip-compressed data is damaged or cut short ({e})"),
            )
        })
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

/// Reads every interaction of `data`, named `name` in messages, in chunks
/// of `chunk_bytes` (for the readers' tests).
#[cfg(test)]
fn read_named(
    data: &[u8],
    format: Format,
    name: &str,
    chunk_bytes: usize,
) -> Result<(Vec<Interaction>, InputWarnings)> {
    let mut r = Reader::from_bytes(data, format).chunk_bytes(chunk_bytes);
    r.names = vec![PathBuf::from(name)];
    let mut out = Vec::new();
    while let Some(ix) = r.next_interaction()? {
        out.push(ix);
    }
    Ok((out, r.warnings()))
}

/// The names each input field goes by (CSV headers and JSON keys alike,
/// case-insensitive in CSV), as `INTERFACE.md` fixes them; the first is
/// the field's own name and wins over the others.
pub(crate) mod names {
    pub const ID: &[&str] =
        &["interaction_id", "conversation_id", "contact_id", "call_id", "id"];
    pub const SPEAKER: &[&str] =
        &["speaker", "role", "participant", "participant_role", "party"];
    pub const TEXT: &[&str] = &["text", "content", "utterance", "message", "transcript"];
    pub const TURN: &[&str] = &["turn", "turn_index", "seq", "sequence"];
    pub const START: &[&str] = &["start_ms", "begin_offset_millis"];
    pub const END: &[&str] = &["end_ms", "end_offset_millis"];
    pub const LANGUAGE: &[&str] = &["language", "lang"];
}

/// Numbers written with a decimal point or an exponent are exact below
/// 2^53 (about 9.007e15): larger ones are refused rather than rounded.
const MAX_DECIMAL: f64 = 9e15;

/// Why a number cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BadNumber {
    /// Not a number, or not a whole one.
    NotWhole,
    /// A whole number beyond 64 bits.
    Beyond64Bits,
    /// Written with a point or an exponent, beyond [`MAX_DECIMAL`].
    BeyondExact,
}

impl BadNumber {
    /// The message for field `name` holding `shown`.
    fn message(self, name: &str, shown: &str) -> String {
        match self {
            BadNumber::NotWhole => format!("{name} '{shown}' is not a whole number"),
            BadNumber::Beyond64Bits => {
                format!("{name} '{shown}' is too large: more than 64 bits")
            }
            BadNumber::BeyondExact => format!(
                "{name} '{shown}' is too large: beyond 9e15, where numbers with a point or an exponent are no longer exact"
            ),
        }
    }
}

/// Parses an optional integer cell (milliseconds or a turn number); accepts
/// a decimal point (`1520.0`) and rounds it.
fn parse_int(cell: &str) -> std::result::Result<Option<i64>, BadNumber> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = cell.parse::<i64>() {
        return Ok(Some(v));
    }
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadNumber::Beyond64Bits);
    }
    decimal_int(cell.parse::<f64>().map_err(|_| BadNumber::NotWhole)?)
}

/// A number read as a decimal, rounded to a whole one.
fn decimal_int(v: f64) -> std::result::Result<Option<i64>, BadNumber> {
    if v.is_nan() {
        Err(BadNumber::NotWhole)
    } else if v.abs() >= MAX_DECIMAL {
        Err(BadNumber::BeyondExact)
    } else {
        Ok(Some(v.round() as i64))
    }
}

/// Checks a turn's times: milliseconds from the start of the interaction,
/// so never negative, and the end not before the start.
fn check_times(start: Option<i64>, end: Option<i64>) -> std::result::Result<(), String> {
    for (name, ms) in [("start_ms", start), ("end_ms", end)] {
        if let Some(ms) = ms.filter(|&ms| ms < 0) {
            return Err(format!(
                "{name} {ms} is negative: times are milliseconds from the start of the interaction"
            ));
        }
    }
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(format!("end_ms {e} is before start_ms {s}")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_is_a_dash() {
        assert_eq!(Source::parse(Path::new("-")), Source::Stdin);
    }

    #[test]
    fn parse_int_cells() {
        assert_eq!(parse_int(""), Ok(None));
        assert_eq!(parse_int(" 12 "), Ok(Some(12)));
        assert_eq!(parse_int("1520.6"), Ok(Some(1521)));
        assert_eq!(parse_int("-3"), Ok(Some(-3)));
        assert_eq!(parse_int("abc"), Err(BadNumber::NotWhole));
        assert_eq!(parse_int("NaN"), Err(BadNumber::NotWhole));
        assert_eq!(parse_int("99999999999999999999"), Err(BadNumber::Beyond64Bits));
        assert_eq!(parse_int("-99999999999999999999"), Err(BadNumber::Beyond64Bits));
        assert_eq!(parse_int("1e16"), Err(BadNumber::BeyondExact));
        assert_eq!(parse_int("9999999999999999.0"), Err(BadNumber::BeyondExact));
    }

    #[test]
    fn the_contiguity_window_slides_over_the_last_ids() {
        // One row per interaction, ids in this order, a window of 3 ids.
        let read = |ids: &str| {
            let mut data = "id,speaker,text\n".to_string();
            for id in ids.chars() {
                data += &format!("{id},customer,hi\n");
            }
            let mut r = Reader::from_bytes(data.as_bytes(), Format::Csv).tracked_ids(3);
            let mut n = 0;
            loop {
                match r.next_interaction() {
                    Ok(Some(_)) => n += 1,
                    Ok(None) => return Ok(n),
                    Err(e) => return Err(e.to_string()),
                }
            }
        };
        let repeat = |line: u64, id: char, first: u64| {
            Err(format!(
                "<memory>:{line}: interaction '{id}' appears again after other interactions (it started at line {first}); \
                 rows of one interaction must be contiguous: sort the input by interaction id, \
                 or pass --group-unsorted to group them in memory"
            ))
        };
        assert_eq!(read("ABCA"), repeat(5, 'A', 2));
        // Four ids later, A is out of the window.
        assert_eq!(read("ABCDA"), Ok(5));
        // A window cleared when full forgot C here (after D it held D only).
        assert_eq!(read("ABCDC"), repeat(6, 'C', 4));
        assert_eq!(read("ABCDEFGE"), repeat(9, 'E', 6));
        let mut w = IdWindow::new(2);
        for (hash, place) in [(1, 10), (2, 20), (3, 30)] {
            w.insert(hash, place);
        }
        assert_eq!((w.get(1), w.get(2), w.get(3)), (None, Some(20), Some(30)));
        assert_eq!((w.hashes.len(), w.order.len()), (2, 2));
    }

    #[test]
    fn times_must_be_offsets_in_order() {
        assert_eq!(check_times(None, None), Ok(()));
        assert_eq!(check_times(Some(0), Some(0)), Ok(()));
        assert_eq!(check_times(Some(5), None), Ok(()));
        let err = |s, e| check_times(s, e).unwrap_err();
        assert!(err(Some(-1), None).starts_with("start_ms -1 is negative"));
        assert!(err(Some(1), Some(-1)).starts_with("end_ms -1 is negative"));
        assert_eq!(err(Some(200), Some(100)), "end_ms 100 is before start_ms 200");
    }
}
