//! CSV input: one row per turn, a header naming the columns.
//!
//! The delimiter (`,` `;` tab or `|`) is taken from the header line unless
//! given. The header is resolved once to column positions (by the aliases
//! that `INTERFACE.md` fixes); the read loop reuses one `ByteRecord`, and
//! allocates only each turn's text and each interaction's id. Cells that are
//! not UTF-8 are decoded as Windows-1252 and counted, so that bad bytes in
//! one turn never stop the run. Contiguous rows with the same id form one
//! interaction, ordered by the `turn` column when there is one.
//!
//! The header is read once per source ([`Head`]); the rows come in chunks
//! that end where an interaction does ([`Head::cut_after`]), each read by
//! [`Records`](super::records::Records), which reads plain records itself
//! and hands the others to a csv reader. [`QuoteTracker`] follows the
//! quoting of the raw bytes (with `memchr`, at memory speed) to find line
//! ends outside quotes, and to report a quoted field still open at the end
//! of input, which the csv crate accepts silently, making the rest of the
//! file one cell.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder};

/// Header names accepted for the interaction id (the report reads score's
/// output with them too).
pub(crate) use super::names::ID;
use super::names::{END, LANGUAGE, SPEAKER, START, TEXT, TURN};
use super::records::{Fields, Record, Records};
use super::{check_times, decode, parse_int, Ctx, KeepAsked};
use crate::error::{Error, ErrorKind, Result};
use crate::record::{unknown_speaker, Interaction, Speaker, Speakers, Turn};

/// Delimiters recognised in a header line, the first winning ties.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Column positions resolved from the header.
#[derive(Debug)]
struct Columns {
    id: usize,
    speaker: usize,
    text: usize,
    turn: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    language: Option<usize>,
    /// Header names as matched (lowercase), for messages.
    names: Vec<String>,
    /// Header names as written (trimmed), for the kept columns.
    written: Vec<String>,
}

/// The line where `record` starts. The csv crate counts a record of a file
/// with CRLF line ends one line short (its `\n` is read with the next
/// record), so `crlf` (the header line ends in CRLF) adds it back.
pub(crate) fn record_line(record: &ByteRecord, crlf: bool) -> u64 {
    line_of(record.position().map_or(0, |p| p.line()), crlf)
}

/// [`record_line`] of a record the csv crate puts on `line`.
fn line_of(line: u64, crlf: bool) -> u64 {
    line + u64::from(crlf)
}

/// A header row's names as matched against the aliases: trimmed, without a
/// byte order mark, lowercase (the report reads its headers the same way).
pub(crate) fn header_names(header: &ByteRecord) -> Vec<String> {
    header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
        })
        .collect()
}

impl Columns {
    fn resolve(header: &ByteRecord, path: &Path) -> Result<Columns> {
        let names = header_names(header);
        // The first alias in priority order wins, so `interaction_id` beats `id`.
        let find = |aliases: &[&str]| {
            aliases.iter().find_map(|a| names.iter().position(|n| n == a))
        };
        let required = |column: &'static str, aliases: &'static [&'static str]| {
            find(aliases).ok_or_else(|| {
                Error::from(ErrorKind::MissingColumn {
                    path: path.to_path_buf(),
                    column,
                    accepted: aliases,
                })
            })
        };
        Ok(Columns {
            id: required("interaction_id", ID)?,
            speaker: required("speaker", SPEAKER)?,
            text: required("text", TEXT)?,
            turn: find(TURN),
            start: find(START),
            end: find(END),
            language: find(LANGUAGE),
            names,
            written: header
                .iter()
                .map(|h| {
                    let h = String::from_utf8_lossy(h);
                    h.trim().trim_start_matches('\u{feff}').to_string()
                })
                .collect(),
        })
    }

    /// True when column `i` is part of the transcript.
    fn used(&self, i: usize) -> bool {
        [Some(self.id), Some(self.speaker), Some(self.text)]
            .into_iter()
            .chain([self.turn, self.start, self.end, self.language])
            .any(|c| c == Some(i))
    }
}

/// Picks the delimiter of a header line: the most frequent of
/// [`DELIMITERS`] outside quotes, `,` when there is none.
fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..DELIMITERS.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// Where a byte stream stands in CSV quoting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    /// Outside a quoted field.
    Outside,
    /// Inside a quoted field.
    Inside,
    /// Just after a quote inside a quoted field: it closes the field unless
    /// another quote follows (an escaped `""`).
    Closing,
}

/// Follows the quoting of raw bytes the way csv-core parses them (a quote
/// opens a field only at its start, `""` escapes a quote inside one),
/// jumping between quotes with `memchr`: it finds line ends that end a
/// record (to cut the input into chunks) and tells whether input ended
/// inside a quoted field (csv-core ends such a field at end of input
/// without complaint, silently making the rest of the file one cell).
#[derive(Clone, Copy, Debug)]
pub(super) struct QuoteTracker {
    delimiter: u8,
    state: Quoting,
    /// The byte before the next one scanned (a line end at the start).
    prev: u8,
}

impl QuoteTracker {
    /// A tracker at the start of a record.
    pub(super) fn new(delimiter: u8) -> QuoteTracker {
        QuoteTracker { delimiter, state: Quoting::Outside, prev: b'\n' }
    }

    /// True when the bytes scanned so far end inside a quoted field.
    pub(super) fn inside(&self) -> bool {
        self.state == Quoting::Inside
    }

    /// Follows `bytes`.
    pub(super) fn scan(&mut self, bytes: &[u8]) {
        self.follow(bytes, false);
    }

    /// Follows `bytes` up to the first line feed outside quotes, and
    /// returns its index (the tracker then stands after it); `None` when
    /// there is none (all of `bytes` followed).
    pub(super) fn line_end(&mut self, bytes: &[u8]) -> Option<usize> {
        self.follow(bytes, true)
    }

    fn follow(&mut self, bytes: &[u8], stop_at_line_end: bool) -> Option<usize> {
        let mut i = 0;
        let mut found = None;
        while i < bytes.len() {
            match self.state {
                Quoting::Inside => match memchr::memchr(b'"', &bytes[i..]) {
                    Some(j) => {
                        i += j + 1;
                        self.state = Quoting::Closing;
                    }
                    None => i = bytes.len(),
                },
                Quoting::Closing => {
                    if bytes[i] == b'"' {
                        i += 1;
                        self.state = Quoting::Inside;
                    } else {
                        self.state = Quoting::Outside;
                    }
                }
                Quoting::Outside => {
                    let next = if stop_at_line_end {
                        memchr::memchr2(b'"', b'\n', &bytes[i..])
                    } else {
                        memchr::memchr(b'"', &bytes[i..])
                    };
                    let Some(j) = next else {
                        i = bytes.len();
                        continue;
                    };
                    let at = i + j;
                    i = at + 1;
                    if bytes[at] == b'\n' {
                        found = Some(at);
                        break;
                    }
                    let before = if at == 0 { self.prev } else { bytes[at - 1] };
                    if before == self.delimiter || before == b'\n' || before == b'\r' {
                        self.state = Quoting::Inside;
                    }
                }
            }
        }
        if i > 0 {
            self.prev = bytes[i - 1];
        }
        found
    }
}

/// What the header of a CSV source says: where the columns are, the
/// delimiter and the line ends. Read once per source; every chunk of the
/// source is read with it.
#[derive(Debug)]
pub(super) struct Head {
    cols: Columns,
    /// Fields in the header.
    width: usize,
    delimiter: u8,
    /// Lines end in CRLF (as the header's does). csv ends a record at the
    /// `\r` and counts the `\n` with the next one, so its position is a
    /// line short.
    crlf: bool,
    /// The position of each kept column (`None`: this source lacks it).
    kept: Vec<Option<usize>>,
}

/// A csv reader of records that may be shorter or longer than the header
/// (such a row is reported, not a csv error).
pub(super) fn csv_reader<R: io::Read>(delimiter: u8, input: R) -> csv::Reader<R> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input)
}

/// The bytes under a reused csv reader: moved in, read, moved back out.
#[derive(Debug, Default)]
pub(super) struct Feed {
    pub(super) bytes: Vec<u8>,
    pos: usize,
}

impl io::Read for Feed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = io::Read::read(&mut &self.bytes[self.pos.min(self.bytes.len())..], buf)?;
        self.pos += n;
        Ok(n)
    }
}

impl io::Seek for Feed {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        // The readers only go back to the start.
        self.pos = match to {
            io::SeekFrom::Start(p) => p as usize,
            _ => 0,
        };
        Ok(self.pos as u64)
    }
}

/// What a worker keeps for the next chunks: csv readers, one per
/// delimiter (building one, its state machine, costs as much as reading a
/// few kilobytes), and the memory of the interactions read before.
#[derive(Debug, Default)]
pub(crate) struct CsvReaders {
    readers: Vec<(u8, csv::Reader<Feed>)>,
    recycled: Recycled,
}

impl CsvReaders {
    /// The reader with `delimiter`, made the first time.
    fn reader(&mut self, delimiter: u8) -> &mut csv::Reader<Feed> {
        self.parts(delimiter).0
    }

    /// [`CsvReaders::reader`], and the memory of the interactions read.
    fn parts(&mut self, delimiter: u8) -> (&mut csv::Reader<Feed>, &mut Recycled) {
        let i = match self.readers.iter().position(|(d, _)| *d == delimiter) {
            Some(i) => i,
            None => {
                self.readers.push((delimiter, csv_reader(delimiter, Feed::default())));
                self.readers.len() - 1
            }
        };
        (&mut self.readers[i].1, &mut self.recycled)
    }

    /// The reader with `delimiter`, at the start of a copy of `bytes` (in
    /// the reader's own buffer, reused).
    fn load_copy(&mut self, delimiter: u8, bytes: &[u8]) -> &mut csv::Reader<Feed> {
        let rdr = self.reader(delimiter);
        let copy = &mut rdr.get_mut().bytes;
        copy.clear();
        copy.extend_from_slice(bytes);
        // Reading from memory cannot fail, nor can going back to its start.
        let _ = rdr.seek_raw(io::SeekFrom::Start(0), csv::Position::new());
        rdr
    }
}

impl Head {
    /// Reads the header at the start of `buf` (a source's first bytes, the
    /// byte order mark removed): the head and where the rows start, or
    /// `None` when `buf` ends before the header does and more input may
    /// follow (`eof` false).
    pub(super) fn parse(
        buf: &[u8],
        eof: bool,
        delimiter: Option<u8>,
        path: &Path,
    ) -> Result<Option<(Head, usize)>> {
        // The first non-blank line finds the delimiter and the line ends.
        let first = buf.iter().position(|&b| b != b'\n' && b != b'\r');
        let line_end =
            first.and_then(|p| memchr::memchr(b'\n', &buf[p..]).map(|q| p + q));
        if line_end.is_none() && !eof {
            return Ok(None);
        }
        let head_line = &buf[..line_end.map_or(buf.len(), |q| q + 1)];
        if head_line.trim_ascii_start().starts_with(b"{")
            || head_line.trim_ascii_start().starts_with(b"[")
        {
            return Err(Error::input(
                path,
                1,
                "this looks like JSON, not CSV: peakend reads JSON Lines (one interaction \
                 object per line) from files named .jsonl, or with --input-format jsonl",
            ));
        }
        let delimiter =
            delimiter.unwrap_or_else(|| sniff_delimiter(head_line.trim_ascii_start()));
        let crlf = head_line.ends_with(b"\r\n");
        let mut rdr = csv_reader(delimiter, buf);
        let mut header = ByteRecord::new();
        rdr.read_byte_record(&mut header).map_err(|e| Error::csv(path, e))?;
        let body = rdr.position().byte() as usize;
        if body >= buf.len() && !eof {
            // The header may go on past what was read.
            return Ok(None);
        }
        if header.iter().all(|h| h.trim_ascii().is_empty()) {
            return Err(Error::input(
                path,
                1,
                "the file is empty: expected a header row",
            ));
        }
        if body >= buf.len() {
            let mut quotes = QuoteTracker::new(delimiter);
            quotes.scan(buf);
            if quotes.inside() {
                let line = header.position().map_or(1, |p| p.line());
                return Err(Error::input(
                    path,
                    line,
                    "unterminated quoted field in the header: a quote is never closed",
                ));
            }
        }
        let cols = Columns::resolve(&header, path)?;
        let head = Head { cols, width: header.len(), delimiter, crlf, kept: Vec::new() };
        Ok(Some((head, body)))
    }

    /// Finds the kept columns `names` in the header (case-insensitively)
    /// or, when `asked.all`, keeps every column that is not part of the
    /// transcript; returns the names kept. A name the header lacks is an
    /// error unless `asked.lenient`.
    pub(super) fn keep(
        &mut self,
        names: Vec<String>,
        asked: KeepAsked,
        path: &Path,
    ) -> Result<Vec<String>> {
        let cols = &self.cols;
        let names = if asked.all {
            let mut all: Vec<String> = Vec::new();
            for (i, name) in cols.written.iter().enumerate() {
                let seen = all.iter().any(|a| a.eq_ignore_ascii_case(name));
                if !cols.used(i) && !name.is_empty() && !seen {
                    all.push(name.clone());
                }
            }
            all
        } else {
            names
        };
        self.kept = names
            .iter()
            .map(|name| {
                let want = name.trim().to_lowercase();
                match cols.names.iter().position(|n| *n == want) {
                    Some(i) if cols.used(i) => Err(Error::input(
                        path,
                        1,
                        format!(
                            "--keep: column '{name}' is part of the transcript, not metadata to carry"
                        ),
                    )),
                    Some(i) => Ok(Some(i)),
                    None if asked.lenient => Ok(None),
                    None => Err(Error::input(
                        path,
                        1,
                        format!(
                            "--keep: no column '{name}' (the columns are: {})",
                            cols.written.join(", ")
                        ),
                    )),
                }
            })
            .collect::<Result<_>>()?;
        Ok(names)
    }

    /// A tracker for the rows after the header.
    pub(super) fn quotes(&self) -> QuoteTracker {
        QuoteTracker::new(self.delimiter)
    }

    /// Where the first interaction that starts after `line_end` (a line
    /// feed outside quotes in `buf`, which starts at a record) starts: the
    /// first row, after `line_end`, whose id differs from the id of the row
    /// before it that has one. `None` when `buf` holds no such row; then,
    /// unless at end of input, more bytes may show one.
    ///
    /// Rows that belong to no interaction (wrong width, blank id) are
    /// skipped as [`ChunkReader::next_interaction`] skips them, so that a
    /// chunk read on its own ends where reading the whole input would have
    /// ended that interaction.
    pub(super) fn cut_after(
        &self,
        readers: &mut CsvReaders,
        buf: &[u8],
        line_end: usize,
        eof: bool,
    ) -> Option<usize> {
        let tail = &buf[line_end..];
        let rdr = readers.load_copy(self.delimiter, tail);
        let mut record = Record::default();
        let mut last: Option<String> = None;
        while rdr.read_byte_record(record.parsed_mut()).ok()? {
            if !eof && rdr.position().byte() as usize >= tail.len() {
                return None; // The record may go on past what was read.
            }
            record.parsed();
            let Some(id) = self.row_id(record.fields(&[])) else { continue };
            match &last {
                Some(last) if *last != id => {
                    return Some(line_end + record.byte() as usize);
                }
                Some(_) => {}
                None => last = Some(id.into_owned()),
            }
        }
        None
    }

    /// The interaction id of a row, trimmed; `None` for a row that belongs
    /// to no interaction (wrong number of fields, or a blank id).
    fn row_id<'r>(&self, fields: Fields<'r>) -> Option<Cow<'r, str>> {
        if fields.len() != self.width {
            return None;
        }
        let id = Row::new(fields).id(self.cols.id, &mut false);
        (!id.is_empty()).then_some(id)
    }

    /// True when turns carry their own numbers (a `turn` column).
    pub(super) fn numbered(&self) -> bool {
        self.cols.turn.is_some()
    }
}

/// Reads the interactions of one chunk: rows of a CSV source, starting at
/// a record, after `lines_before` line feeds of the source. `unterminated`:
/// the chunk is the last of its source, which ends inside a quoted field.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_chunk(
    head: &Head,
    path: &Path,
    speakers: &Speakers,
    bytes: &mut Vec<u8>,
    lines_before: u64,
    unterminated: bool,
    readers: &mut CsvReaders,
    ctx: &mut Ctx,
    each: &mut dyn FnMut(&Interaction),
) -> Result<()> {
    let (len, ends_in_line_feed) = (bytes.len(), bytes.last() == Some(&b'\n'));
    let (rdr, recycled) = readers.parts(head.delimiter);
    let mut reader = ChunkReader {
        rdr,
        recycled,
        bytes: std::mem::take(bytes),
        head,
        path,
        speakers,
        len,
        ends_in_line_feed,
        unterminated,
        record: Record::default(),
        // csv counts lines from here: its positions are the file's.
        records: Records::new(lines_before + 1),
        pending: false,
        last_turns: 0,
    };
    let read = loop {
        match reader.next_interaction(ctx) {
            Ok(Some(ix)) => {
                each(&ix);
                reader.recycled.give(ix);
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    // The chunk keeps its bytes (it may be read again).
    *bytes = std::mem::take(&mut reader.bytes);
    read
}

struct ChunkReader<'a> {
    /// Reads the records that are not plain ([`Records`]).
    rdr: &'a mut csv::Reader<Feed>,
    recycled: &'a mut Recycled,
    /// The chunk.
    bytes: Vec<u8>,
    head: &'a Head,
    path: &'a Path,
    speakers: &'a Speakers,
    /// Bytes in the chunk.
    len: usize,
    ends_in_line_feed: bool,
    /// The chunk ends inside a quoted field.
    unterminated: bool,
    record: Record,
    /// Where the next record is.
    records: Records,
    /// `record` holds a row read but not used yet: the first of the next
    /// interaction.
    pending: bool,
    /// Turns in the previous interaction: room reserved for the next one,
    /// which is usually about as long, instead of growing its turns step by
    /// step (at most [`RESERVED_TURNS`]).
    last_turns: usize,
}

/// The most turns reserved ahead for an interaction: enough for nearly
/// every call, little memory when one huge interaction precedes small ones.
const RESERVED_TURNS: usize = 64;

/// The strings and turn lists of interactions already read and scored, for
/// the next ones: once warm, reading allocates nothing per turn (a `malloc`
/// and a `free` per turn were 1.6% of the instructions of a run). Bounded:
/// at most [`RECYCLED_STRINGS`] strings, none over [`RECYCLED_CAPACITY`]
/// bytes.
#[derive(Debug, Default)]
struct Recycled {
    strings: Vec<String>,
    /// An empty list of turns, with the room the last interaction used.
    turns: Option<Vec<Turn>>,
}

/// Strings kept at most: the turns of a long interaction.
const RECYCLED_STRINGS: usize = 256;
/// The largest string kept: a long turn's text is allocated for it alone,
/// and the strings kept hold 1 MB at most.
const RECYCLED_CAPACITY: usize = 1 << 12;

impl Recycled {
    /// Keeps what `ix` holds for the next interactions.
    fn give(&mut self, ix: Interaction) {
        let Interaction { id, mut turns, .. } = ix;
        self.keep(id);
        for turn in turns.drain(..) {
            self.keep(turn.text);
        }
        self.turns.get_or_insert(turns);
    }

    fn keep(&mut self, s: String) {
        if self.strings.len() < RECYCLED_STRINGS && s.capacity() <= RECYCLED_CAPACITY {
            self.strings.push(s);
        }
    }

    /// `s` as an owned string, in a kept one when there is one.
    fn string(&mut self, s: &str) -> String {
        match self.strings.pop() {
            Some(mut kept) => {
                kept.clear();
                kept.push_str(s);
                kept
            }
            None => s.to_owned(),
        }
    }

    /// An empty list of turns with room for `n` of them.
    fn turns(&mut self, n: usize) -> Vec<Turn> {
        let mut turns = self.turns.take().unwrap_or_default();
        turns.reserve(n);
        turns
    }
}

impl ChunkReader<'_> {
    /// Reads the next record into `self.record`; false at the end.
    fn read_record(&mut self) -> Result<bool> {
        let (bytes, delimiter) = (&mut self.bytes, self.head.delimiter);
        let read = self.records.next(bytes, delimiter, self.rdr, &mut self.record);
        read.map_err(|e| Error::csv(self.path, e))
    }

    /// The line where the current record starts.
    fn line(&self) -> u64 {
        line_of(self.record.line(), self.head.crlf)
    }

    /// The current record's fields.
    fn fields(&self) -> Fields<'_> {
        self.record.fields(&self.bytes)
    }

    /// The current record as text, its fields joined again with the
    /// delimiter (for the rejects).
    fn raw(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.head.delimiter)
            .flexible(true)
            .from_writer(Vec::new());
        let _ = w.write_record(self.fields().iter());
        let bytes = w.into_inner().unwrap_or_default();
        let mut text = String::new();
        super::decode_into(&bytes, &mut text);
        if text.ends_with('\n') {
            text.pop();
        }
        text
    }

    /// The name of column `i`, for messages.
    fn column_name(&self, i: usize) -> &str {
        self.head.cols.names.get(i).map_or("", String::as_str)
    }

    /// Why the current record cannot be read as a row at all, if it cannot.
    fn malformed(&self) -> Option<String> {
        let r = &self.record;
        let line = self.line();
        // Only the last record can reach the end of an unterminated chunk.
        let (at, at_line) = self.records.position();
        if self.unterminated && at >= self.len {
            let field = r.len();
            let name = self.column_name(field.saturating_sub(1));
            // The position is past the last line end, if any.
            let last = at_line - u64::from(self.ends_in_line_feed);
            let lines = if last > line {
                format!("lines {line}-{last}")
            } else {
                format!("line {line}")
            };
            return Some(format!(
                "unterminated quoted field: the quote that opens field {field} ('{name}') is never closed, \
                 so {lines} would be one cell"
            ));
        }
        if r.len() != self.head.width {
            return Some(format!(
                "row has {} fields but the header has {}",
                r.len(),
                self.head.width
            ));
        }
        None
    }
}

/// A record's cells as text, decoded as [`decode`] decodes them.
struct Row<'a> {
    fields: Fields<'a>,
    /// The whole record, when it is UTF-8: then every cell that starts and
    /// ends on a character boundary is UTF-8 too, and is borrowed from it
    /// without a check of its own (one check per row instead of one per cell).
    utf8: Option<&'a str>,
}

impl<'a> Row<'a> {
    fn new(fields: Fields<'a>) -> Row<'a> {
        Row { fields, utf8: std::str::from_utf8(fields.bytes()).ok() }
    }

    /// Cell `i`, as `decode(field i, invalid)` gives it. A record the csv
    /// crate read holds its fields without delimiters, so a valid record
    /// can still split a character between two cells: those cells (and
    /// every cell of an invalid record) are decoded on their own.
    fn cell(&self, i: usize, invalid: &mut bool) -> Cow<'a, str> {
        match self.utf8.zip(self.fields.range(i)).and_then(|(s, range)| s.get(range)) {
            Some(cell) => Cow::Borrowed(cell),
            None => decode(self.fields.get(i), invalid),
        }
    }

    /// Cell `i` as an interaction id: trimmed after decoding (white space
    /// is ASCII or valid UTF-8, so this is what trimming the bytes first
    /// and the text again gave).
    fn id(&self, i: usize, invalid: &mut bool) -> Cow<'a, str> {
        match self.cell(i, invalid) {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        }
    }
}

/// A row's cells other than the id, parsed.
struct Cells<'a> {
    speaker: Speaker,
    text: Cow<'a, str>,
    turn: Option<i64>,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
}

fn parse_cells<'a>(
    row: &Row<'a>,
    cols: &Columns,
    speakers: &Speakers,
    invalid: &mut bool,
) -> std::result::Result<Cells<'a>, String> {
    let r = row.fields;
    let speaker_cell = row.cell(cols.speaker, invalid);
    let speaker =
        speakers.get(&speaker_cell).ok_or_else(|| unknown_speaker(&speaker_cell))?;
    let number = |col: Option<usize>, name: &str| match col.map(|i| r.get(i)) {
        None => Ok(None),
        Some(cell) => plain_int(cell).map_or_else(|| any_int(cell, name), Ok),
    };
    let turn = number(cols.turn, "turn")?;
    let (start_ms, end_ms) =
        (number(cols.start, "start_ms")?, number(cols.end, "end_ms")?);
    check_times(start_ms, end_ms)?;
    Ok(Cells { speaker, turn, start_ms, end_ms, text: row.cell(cols.text, invalid) })
}

/// A number cell that [`plain_int`] does not read, by [`parse_int`]; kept
/// out of line so that the common path stays small.
#[cold]
#[inline(never)]
fn any_int(cell: &[u8], name: &str) -> std::result::Result<Option<i64>, String> {
    let cell = String::from_utf8_lossy(cell);
    parse_int(&cell).map_err(|bad| bad.message(name, cell.trim()))
}

/// The common number cell: empty, or up to 18 ASCII digits (no sign, no
/// space, no point), read without decoding; anything else is `None` and
/// goes to [`parse_int`].
#[inline]
fn plain_int(cell: &[u8]) -> Option<Option<i64>> {
    if cell.len() > 18 {
        return None;
    }
    // One pass: 18 digits cannot overflow.
    let mut v = 0i64;
    for &b in cell {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some((!cell.is_empty()).then_some(v))
}

impl ChunkReader<'_> {
    /// The next interaction of the chunk; `None` at its end.
    fn next_interaction(&mut self, ctx: &mut Ctx) -> Result<Option<Interaction>> {
        let mut current: Option<Interaction> = None;
        loop {
            if self.pending {
                self.pending = false;
            } else if !self.read_record()? {
                break;
            }
            let line = self.line();
            if let Some(reason) = self.malformed() {
                ctx.reject(self.path, line, None, reason, || self.raw())?;
                continue;
            }
            let row = Row::new(self.record.fields(&self.bytes));
            let mut invalid = false;
            // Most rows repeat the current interaction's id byte for byte;
            // that id is decoded, trimmed and checked already, so such a row
            // skips all of it.
            let same = current
                .as_ref()
                .is_some_and(|c| c.id.as_bytes() == row.fields.get(self.head.cols.id));
            let mut new_id = None;
            if !same {
                let id = row.id(self.head.cols.id, &mut invalid);
                if id.is_empty() {
                    ctx.reject(
                        self.path,
                        line,
                        None,
                        "empty interaction_id".into(),
                        || self.raw(),
                    )?;
                    continue;
                }
                match &current {
                    Some(c) if c.id != id => {
                        // The first row of the next interaction: keep it for the next call.
                        self.pending = true;
                        break;
                    }
                    Some(_) => {}
                    None => {
                        if let Err(reason) = ctx.check_new(&id) {
                            ctx.reject(self.path, line, None, reason, || self.raw())?;
                            continue;
                        }
                        new_id = Some(id);
                    }
                }
            }
            let cells =
                match parse_cells(&row, &self.head.cols, self.speakers, &mut invalid) {
                    Ok(cells) => cells,
                    Err(reason) => {
                        ctx.reject(self.path, line, None, reason, || self.raw())?;
                        continue;
                    }
                };
            if let Some(id) = new_id {
                ctx.register(&id, line);
                current = Some(Interaction {
                    id: self.recycled.string(&id),
                    language: None,
                    turns: self.recycled.turns(self.last_turns.min(RESERVED_TURNS)),
                    meta: vec![String::new(); self.head.kept.len()],
                    platform: None,
                });
            }
            // A row is `same` only with a current interaction, and without
            // one the row's id started one above.
            let Some(ix) = current.as_mut() else { continue };
            if ix.language.is_none() {
                if let Some(i) = self.head.cols.language {
                    let lang = row.cell(i, &mut invalid);
                    let lang = lang.trim();
                    if !lang.is_empty() {
                        ix.language = Some(lang.to_string());
                    }
                }
            }
            for (k, &col) in self.head.kept.iter().enumerate() {
                if let Some(c) = col {
                    let value = row.cell(c, &mut invalid);
                    let name = || format!("column '{}'", self.head.cols.written[c]);
                    ctx.keep(&mut ix.meta, k, &value, (self.path, line), name);
                }
            }
            if invalid {
                ctx.warnings.invalid_utf8 += 1;
            }
            ix.turns.push(Turn {
                // Position is filled in below.
                turn: cells.turn.unwrap_or(i64::MIN),
                speaker: cells.speaker,
                text: self.recycled.string(&cells.text),
                start_ms: cells.start_ms,
                end_ms: cells.end_ms,
                line,
                platform_sentiment: None,
            });
        }
        let Some(mut ix) = current else { return Ok(None) };
        self.last_turns = ix.turns.len();
        if self.head.cols.turn.is_some() {
            // Blank turn cells sort by position among the numbered ones.
            for (pos, t) in ix.turns.iter_mut().enumerate() {
                if t.turn == i64::MIN {
                    t.turn = pos as i64 + 1;
                }
            }
            ix.turns.sort_by_key(|t| t.turn);
        } else {
            for (pos, t) in ix.turns.iter_mut().enumerate() {
                t.turn = pos as i64 + 1;
            }
        }
        Ok(Some(ix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Format, InputWarnings, Reader};

    fn read_all(data: &str) -> Result<Vec<Interaction>> {
        Ok(read_named(data.as_bytes())?.0)
    }

    fn read_named(data: &[u8]) -> Result<(Vec<Interaction>, InputWarnings)> {
        super::super::read_named(data, Format::Csv, "t.csv", 1 << 16)
    }

    #[test]
    fn recycled_memory_is_reused_and_bounded() {
        let mut r = Recycled::default();
        let turn = |text: &str| Turn {
            turn: 1,
            speaker: Speaker::Customer,
            text: text.into(),
            start_ms: None,
            end_ms: None,
            line: 2,
            platform_sentiment: None,
        };
        let long = "x".repeat(RECYCLED_CAPACITY + 1);
        r.give(Interaction {
            id: "first call".into(),
            turns: vec![turn("a longer text than the next"), turn(&long)],
            ..Interaction::default()
        });
        // The huge text is not kept; the id and the first text are.
        assert_eq!(r.strings.len(), 2);
        let kept = r.strings.last().map(|s| s.as_ptr());
        let again = r.string("hi");
        assert_eq!(again, "hi");
        assert_eq!(Some(again.as_ptr()), kept);
        assert_eq!(r.string("ok"), "ok");
        assert_eq!(r.string("new"), "new");
        let turns = r.turns(3);
        assert!(turns.is_empty() && turns.capacity() >= 3);
    }

    #[test]
    fn interactions_read_after_longer_ones_are_whole() {
        let data = "id,speaker,text\nA,customer,\"a long, long first turn\"\nA,agent,two\nB,customer,b\nC,agent,\"c, c\"\nC,customer,last\n";
        let ixs = read_all(data).unwrap();
        let texts: Vec<Vec<&str>> = ixs
            .iter()
            .map(|ix| ix.turns.iter().map(|t| t.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [vec!["a long, long first turn", "two"], vec!["b"], vec!["c, c", "last"]]
        );
        let ids: Vec<&str> = ixs.iter().map(|ix| ix.id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "C"]);
    }

    #[test]
    fn aliases_and_grouping() {
        let data = "Conversation_ID,Role,Utterance,Lang\nA,caller,hi,en\nA,Rep,hello,\nB,user,bye,en-GB\n";
        let ixs = read_all(data).unwrap();
        assert_eq!(ixs.len(), 2);
        assert_eq!(ixs[0].id, "A");
        assert_eq!(ixs[0].language.as_deref(), Some("en"));
        assert_eq!(ixs[0].turns[1].speaker, Speaker::Agent);
        assert_eq!(ixs[0].turns[1].turn, 2);
        assert_eq!(ixs[0].turns[1].line, 3);
        assert_eq!(ixs[1].language.as_deref(), Some("en-GB"));
    }

    #[test]
    fn turn_column_orders_rows() {
        let data = "id,speaker,text,turn,start_ms,end_ms\nA,agent,second,2,10,20\nA,customer,first,1,0,9.5\n";
        let ixs = read_all(data).unwrap();
        assert_eq!(ixs[0].turns[0].text, "first");
        assert_eq!(ixs[0].turns[0].end_ms, Some(10));
        assert_eq!(ixs[0].turns[1].duration_ms(), Some(10));
    }

    #[test]
    fn errors_name_line_and_problem() {
        let cases = [
            ("", "t.csv:1: the file is empty"),
            ("\u{feff}", "t.csv:1: the file is empty"),
            ("\r\n\n", "t.csv:1: the file is empty"),
            ("id,text\nA,hi\n", "t.csv:1: header has no 'speaker' column (accepted names, case-insensitive: speaker, role,"),
            ("id,speaker,text\nA,customer,hi\nA,robot,x\n", "t.csv:3: unknown speaker 'robot'"),
            ("id,speaker,text\nA,customer,hi,extra\n", "t.csv:2: row has 4 fields but the header has 3"),
            ("id,speaker,text\nA,customer\n", "t.csv:2: row has 2 fields but the header has 3"),
            ("id,speaker,text,turn\nA,customer,hi,x\n", "t.csv:2: turn 'x' is not a whole number"),
            ("id,speaker,text\n,customer,hi\n", "t.csv:2: empty interaction_id"),
            ("id,speaker,text\nA,customer,hi\nA,agent,\"oops\nB,customer,lost\n", "t.csv:3: unterminated quoted field: the quote that opens field 3 ('text') is never closed, so lines 3-4 would be one cell"),
            ("id,speaker,\"text\n", "t.csv:1: unterminated quoted field in the header"),
            ("id,speaker,text,start_ms,end_ms\nA,customer,hi,-5,\n", "t.csv:2: start_ms -5 is negative: times are milliseconds from the start of the interaction"),
            ("id,speaker,text,start_ms,end_ms\nA,customer,hi,200,100.0\n", "t.csv:2: end_ms 100 is before start_ms 200"),
            ("id,speaker,text,turn\nA,customer,hi,99999999999999999999\n", "t.csv:2: turn '99999999999999999999' is too large: more than 64 bits"),
            ("id,speaker,text,end_ms\nA,customer,hi,1e17\n", "t.csv:2: end_ms '1e17' is too large: beyond 9e15"),
            ("{\"id\":\"a\",\"turns\":[]}\n", "t.csv:1: this looks like JSON, not CSV"),
        ];
        for (data, want) in cases {
            let err = read_all(data).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }

    #[test]
    fn quotes_that_are_closed_or_literal_are_fine() {
        // Escaped quotes, a quote inside an unquoted cell, multi-line text,
        // and a closed quote at the very end without a line end.
        let data = "id,speaker,text\nA,customer,\"he said \"\"hi\"\"\"\nA,agent,5'11\" tall\nA,customer,\"two\nlines\"\nB,agent,\"end\"";
        let ixs = read_all(data).unwrap();
        assert_eq!(ixs[0].turns[0].text, "he said \"hi\"");
        assert_eq!(ixs[0].turns[1].text, "5'11\" tall");
        assert_eq!(ixs[0].turns[2].text, "two\nlines");
        assert_eq!(ixs[1].turns[0].text, "end");
        assert_eq!(ixs[1].turns[0].line, 6);
    }

    #[test]
    fn quote_tracker_follows_chunk_boundaries() {
        // Feed one byte at a time: the state must carry over.
        let data = b"id,speaker,text\nA,customer,\"a \"\"b\"\" c\"\nA,agent,x\"y\n";
        let mut t = QuoteTracker::new(b',');
        for i in 0..data.len() {
            t.scan(&data[i..i + 1]);
        }
        assert_eq!(t.state, Quoting::Outside);
        let mut t = QuoteTracker::new(b',');
        t.scan(b"A,customer,\"open");
        assert!(t.inside());
        // Line ends inside quotes are passed over.
        let mut t = QuoteTracker::new(b',');
        assert_eq!(t.line_end(b"A,\"x\ny\"\"\n\"\nB"), Some(10));
        assert_eq!(t.line_end(b"A,5'11\" tall\nB"), Some(12));
    }

    #[test]
    fn delimiters_bom_and_crlf() {
        assert_eq!(sniff_delimiter(b"id;speaker;text\r\n"), b';');
        assert_eq!(sniff_delimiter(b"id\tspeaker\ttext\n"), b'\t');
        assert_eq!(sniff_delimiter(b"id|speaker|text"), b'|');
        assert_eq!(sniff_delimiter(b"\"a;b\",speaker,text"), b',');
        assert_eq!(sniff_delimiter(b"text"), b',');
        for data in [
            "\u{feff}id;speaker;text\r\nA;customer;\"caf\u{e9}; ok\"\r\nA;agent;hi\r\n",
            "\u{feff}\r\nid;speaker;text\r\nA;customer;\"caf\u{e9}; ok\"\r\nA;agent;hi\r\n",
            "\u{feff}\"id\"\tspeaker\ttext\nA\tcustomer\tcaf\u{e9}; ok\nA\tagent\thi\n",
        ] {
            let ixs = read_all(data).unwrap();
            assert_eq!(ixs.len(), 1, "{data:?}");
            assert_eq!(ixs[0].turns[0].text, "caf\u{e9}; ok");
            let blank_first = u64::from(data.starts_with("\u{feff}\r\n"));
            assert_eq!(ixs[0].turns[1].line, 3 + blank_first);
        }
        // A delimiter given overrides detection.
        let data = "id,speaker;text\nA,customer;hi\n";
        let with_semicolon = |data: &[u8]| {
            let mut r = Reader::from_bytes(data, Format::Csv).delimiter(Some(b';'));
            r.next_interaction()
        };
        let err = with_semicolon(data.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("header has no 'interaction_id' column"), "{err}");
        let ix = with_semicolon(b"id;speaker;text\nA;customer;a,b\n").unwrap().unwrap();
        assert_eq!(ix.turns[0].text, "a,b");
    }

    #[test]
    fn invalid_utf8_is_decoded_as_windows_1252_and_counted_per_row() {
        let data = b"id,speaker,text\nA,customer,caf\xe9 \x93ok\x94 \xe2\x82\xac5\nA,agent,fine\nA,customer,na\xefve \x80\n";
        let (ixs, w) = read_named(&data[..]).unwrap();
        assert_eq!(ixs[0].turns[0].text, "caf\u{e9} \u{201c}ok\u{201d} \u{20ac}5");
        assert_eq!(ixs[0].turns[2].text, "na\u{ef}ve \u{20ac}");
        assert_eq!(w.invalid_utf8, 2);
    }

    #[test]
    fn cells_read_as_decode_reads_them() {
        // Valid; Windows-1252; valid as a whole but with a character split
        // between two cells; white space around an id (trimmed after
        // decoding, where it used to be trimmed before too).
        let records: [&[&[u8]]; 5] = [
            &[b"a", b"customer", "caf\u{e9} \u{20ac}".as_bytes(), b""],
            &[b"caf\xe9", b"customer", b"\x93ok\x94", b"1"],
            &[b"a\xc3", b"\xa9customer", b"hi", b"x\xe2\x82", b"\xac"],
            &[b" a\xc3\t", b"\xe2\x82 ", b"\xac", b"\xe2\x82\xac"],
            &["\u{a0}a\u{3000}".as_bytes(), b"", b"\xff", b"\r\n"],
        ];
        for fields in records {
            let record = ByteRecord::from(fields.to_vec());
            let mut parsed = Record::default();
            *parsed.parsed_mut() = record.clone();
            parsed.parsed();
            let row = Row::new(parsed.fields(&[]));
            for i in 0..record.len() {
                let (mut fast, mut slow) = (false, false);
                assert_eq!(
                    row.cell(i, &mut fast),
                    decode(&record[i], &mut slow),
                    "{fields:?} {i}"
                );
                assert_eq!(fast, slow, "{fields:?} {i}");
                let mut trimmed_first = false;
                assert_eq!(
                    row.cell(i, &mut fast).trim(),
                    decode(record[i].trim_ascii(), &mut trimmed_first).trim()
                );
                assert_eq!(trimmed_first, slow, "{fields:?} {i}");
            }
        }
        // A character split between cells still counts its row.
        let data = b"id,speaker,text,note\nA,customer,x\xc3,\xa9\nA,agent,caf\xc3\xa9,\n";
        let (ixs, w) = read_named(&data[..]).unwrap();
        assert_eq!(ixs[0].turns[0].text, "x\u{c3}");
        assert_eq!(ixs[0].turns[1].text, "caf\u{e9}");
        assert_eq!(w.invalid_utf8, 1);
    }

    #[test]
    fn ids_repeated_byte_for_byte_or_not_group_alike() {
        // The same id written again exactly (the shortcut), with white space,
        // and in Windows-1252 then UTF-8 (decoded alike; the invalid rows
        // still counted, the shortcut never takes them).
        let data = b"id,speaker,text\nA,customer,x\n A ,agent,y\nA,customer,z\ncaf\xe9,agent,1\ncaf\xe9,customer,2\ncaf\xc3\xa9,agent,3\n\xc2\xa0B\xe3\x80\x80,agent,4\n";
        let (ixs, w) = read_named(&data[..]).unwrap();
        let ids: Vec<(&str, usize)> =
            ixs.iter().map(|ix| (ix.id.as_str(), ix.turns.len())).collect();
        assert_eq!(ids, [("A", 3), ("caf\u{e9}", 3), ("B", 1)]);
        assert_eq!(w.invalid_utf8, 2);
        let err = read_all("id,speaker,text\nA,customer,x\nB,agent,y\nA,agent,z\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.csv:4: interaction 'A' appears again"), "{err}");
    }

    #[test]
    fn plain_number_cells_read_as_parse_int_reads_them() {
        for cell in [
            "",
            "0",
            "7",
            "1520",
            "000123",
            "999999999999999999",
            "9999999999999999999",
            " 12",
            "-3",
            "1.5",
            "1e3",
            "x",
            "١٢",
        ] {
            let slow = parse_int(&String::from_utf8_lossy(cell.as_bytes()));
            match plain_int(cell.as_bytes()) {
                Some(fast) => assert_eq!(Ok(fast), slow, "{cell:?}"),
                None => assert!(
                    cell.len() > 18 || !cell.bytes().all(|b| b.is_ascii_digit()),
                    "{cell:?}"
                ),
            }
        }
    }

    #[test]
    fn empty_text_cells_are_turns() {
        let ixs = read_all("id,speaker,text\nA,customer,\nA,agent,\"\"\n").unwrap();
        assert_eq!(ixs[0].turns.len(), 2);
        assert_eq!(ixs[0].turns[0].text, "");
    }
}
