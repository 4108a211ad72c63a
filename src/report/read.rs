//! Reading the two CSVs that `peakend score` writes, and the one that
//! `peakend journey` writes, one row at a time.
//!
//! The column names are those of [`crate::output::schema`] (checked in
//! debug builds), and the id aliases those of the transcript input. The
//! readers resolve the header to column positions once (by name, so
//! columns added later or reordered by a spreadsheet do no harm), reuse one
//! `ByteRecord` for the whole file, and check every row's figures, so a bad
//! cell is reported as `file:line: what is wrong` whether or not that row
//! ends up on the page. [`InteractionReader`] is the one reader of the
//! per-interaction CSV, for `peakend report` and `peakend journey`: each
//! names the columns it cannot do without (the report: those `INTERFACE.md`
//! fixes); the others are optional, so CSVs from older versions or other
//! tools still give a page (with less on it), and a user's own columns
//! (customer, time, channel) are found by name.
//!
//! Owned strings are made only for the rows the report keeps
//! ([`IxRow::to_summary`], [`TurnView::to_turn`]); the rest are looked at in
//! place.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use csv::{ByteRecord, ReaderBuilder};

use super::terms::{self, Term};
use crate::error::{Error, Result};
use crate::input::csv::{header_names, record_line, ID};
use crate::input::Source;
use crate::output::schema;
use crate::record::{Speaker, SPEAKER_VALUES};

/// What the page filters interactions by when the per-interaction CSV
/// has such a column (carried from the input by `score --keep`, or added by
/// another tool): the filter's name and the header names it accepts. A cell
/// may hold several values joined by `|` (the agents of a transfer).
pub const FACETS: [(&str, &[&str]); 3] = [
    ("agent", &["agent", "agent_id", "agent_name"]),
    ("queue", &["queue", "queue_name", "queue_id"]),
    ("channel", &["channel", "channel_type", "media_type"]),
];

/// The columns `peakend report` cannot do without.
const REPORT_NEEDS: &[&str] =
    &["experienced", "peak", "end", "remembered", "gap", "bad_ending"];

/// The figures of one interaction that the aggregates and the ranking use.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Figures {
    /// Mean customer valence.
    pub experienced: Option<f64>,
    /// Valence of the most intense customer moment.
    pub peak: Option<f64>,
    /// Valence of the ending.
    pub end: Option<f64>,
    /// The peak-end score.
    pub remembered: Option<f64>,
    /// `remembered - experienced`.
    pub gap: Option<f64>,
    /// The ending went wrong.
    pub bad_ending: Option<bool>,
    /// Mean valence of the agent's turns.
    pub agent_valence: Option<f64>,
    /// The agent's turn after the customer's worst moment showed empathy.
    pub empathy_after_peak: Option<bool>,
    /// How hard the contact was, in [0, 1].
    pub effort: Option<f64>,
    /// The customer got what they came for (`None`: no evidence).
    pub resolved: Option<bool>,
    /// Total length of the holds (`None` without timestamps).
    pub hold_ms: Option<i64>,
}

/// The timing figures of one interaction (empty without timestamps).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timing {
    /// The longest gap between two turns.
    pub longest_silence_ms: Option<i64>,
    /// Agent turns that started while the customer was talking.
    pub interruptions: Option<i64>,
    /// The agent's share of the talking time.
    pub agent_talk_share: Option<f64>,
    /// From the customer's first turn to the agent's answer.
    pub first_response_ms: Option<i64>,
}

/// A hold or a long silence: the gap before a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    /// The `turn` it ends before.
    pub turn: i64,
    /// Its length.
    pub ms: i64,
    /// A hold (else a silence).
    pub hold: bool,
}

/// One interaction as the page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// The interaction id.
    pub id: String,
    /// Language code (empty when the CSV has no `language` column).
    pub language: String,
    /// The values of the [`FACETS`] (agent, queue, channel), empty when
    /// absent.
    pub facets: [String; 3],
    /// Number of turns.
    pub turns: Option<i64>,
    /// Number of customer turns.
    pub customer_turns: Option<i64>,
    /// The `turn` of the peak.
    pub peak_turn: Option<i64>,
    /// The `turn` of the last customer turn.
    pub end_turn: Option<i64>,
    /// The figures.
    pub figures: Figures,
    /// The terms that drove the peak turn.
    pub peak_terms: Vec<Term>,
    /// The peak is a hold (before `peak_turn`), not a turn.
    pub peak_is_hold: bool,
    /// The terms of the end window.
    pub end_terms: Vec<Term>,
    /// Dominant customer emotion.
    pub emotion: String,
    /// Emotion of the peak turn.
    pub peak_emotion: String,
    /// Dominant emotion over the end window.
    pub end_emotion: String,
    /// The evidence behind `effort` (weights as contributions).
    pub effort_terms: Vec<Term>,
    /// The evidence behind `resolved` (1 for, -1 against).
    pub resolution_terms: Vec<Term>,
    /// Holds, silences, talk-over, response time.
    pub timing: Timing,
    /// The holds and long silences, in turn order.
    pub pauses: Vec<Pause>,
    /// 1-based line in the per-interaction CSV (0 when scored in the same
    /// run).
    pub line: u64,
    /// 0-based position among the interactions.
    pub order: u64,
}

/// One turn as the arc and its tooltip need it.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnRow {
    /// The turn number.
    pub turn: i64,
    /// Who spoke.
    pub speaker: Speaker,
    /// Compound valence in [-1, 1].
    pub valence: f64,
    /// The turn's dominant emotion (empty without the column).
    pub emotion: String,
    /// The terms that drove the valence.
    pub terms: Vec<Term>,
    /// The turn's text (empty without the column).
    pub text: String,
    /// Start offset, when known.
    pub start_ms: Option<i64>,
    /// End offset, when known.
    pub end_ms: Option<i64>,
}

/// A missing file said as `score` says it ("input file not found"), not
/// as the OS does.
fn not_found(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::NotFound {
        io::Error::new(io::ErrorKind::NotFound, "input file not found")
    } else {
        e
    }
}

/// One of score's CSVs, read a record at a time into one reused record.
struct CsvFile {
    rdr: csv::Reader<BufReader<Box<dyn Read>>>,
    path: PathBuf,
    record: ByteRecord,
    /// The header ends in CRLF (a file saved by Excel): see [`record_line`].
    crlf: bool,
}

impl CsvFile {
    /// Opens a source and reads its header: the lowercase column names. An
    /// empty file is an error saying `what` was expected.
    fn open(source: &Source, what: &str) -> Result<(CsvFile, Vec<String>)> {
        let path = source.display_path();
        let raw: Box<dyn Read> = match source {
            Source::Path(p) => {
                Box::new(File::open(p).map_err(|e| Error::io(p, not_found(e)))?)
            }
            Source::Stdin => Box::new(io::stdin()),
            Source::Bytes(b) => Box::new(io::Cursor::new(b.clone())),
        };
        let mut raw = BufReader::with_capacity(1 << 16, raw);
        let start = raw.fill_buf().map_err(|e| Error::io(&path, e))?;
        let crlf = start
            .iter()
            .position(|&b| b == b'\n')
            .is_some_and(|at| at > 0 && start[at - 1] == b'\r');
        let mut rdr =
            ReaderBuilder::new().has_headers(true).flexible(false).from_reader(raw);
        let header = rdr.byte_headers().map_err(|e| Error::csv(&path, e))?;
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(Error::input(
                &path,
                1,
                format!("the file is empty: expected {what}"),
            ));
        }
        let names = header_names(header);
        Ok((CsvFile { rdr, path, record: ByteRecord::new(), crlf }, names))
    }

    /// Reads the next record into `self.record`; its line, or `None` at the
    /// end of the file.
    fn next(&mut self) -> Result<Option<u64>> {
        if !self
            .rdr
            .read_byte_record(&mut self.record)
            .map_err(|e| Error::csv(&self.path, e))?
        {
            return Ok(None);
        }
        Ok(Some(record_line(&self.record, self.crlf)))
    }

    /// An error on `line` of this file.
    fn error(&self, line: u64, msg: String) -> Error {
        Error::input(&self.path, line, msg)
    }
}

/// Column look-up over a header, with errors that say which file was
/// expected.
struct Names<'a> {
    names: &'a [String],
    path: &'a Path,
    what: &'static str,
    hint: &'static str,
    /// The output table's columns (`schema::names`), which are the only
    /// ones read besides the id aliases and the agent column.
    schema: &'a [&'static str],
}

impl Names<'_> {
    fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases.iter().find_map(|a| self.names.iter().position(|n| n == a))
    }

    /// The column `name` of the output schema, when the file has it.
    fn optional(&self, name: &str) -> Option<usize> {
        debug_assert!(self.schema.contains(&name), "{name} is not an output column");
        self.find(&[name])
    }

    fn required(&self, name: &str) -> Result<usize> {
        self.optional(name).ok_or_else(|| self.missing(name))
    }

    fn missing(&self, name: &str) -> Error {
        missing(self.path, name, &format!("expected {}{}", self.what, self.hint))
    }
}

/// The error of a header without the column `name`; `why` says why it is
/// needed.
fn missing(path: &Path, name: &str, why: &str) -> Error {
    Error::input(path, 1, format!("header has no '{name}' column: {why}"))
}

fn cell(record: &ByteRecord, col: Option<usize>) -> Cow<'_, str> {
    col.and_then(|i| record.get(i)).map_or(Cow::Borrowed(""), String::from_utf8_lossy)
}

/// An optional cell: empty (or no such column) is `None`; otherwise
/// `parse` of the trimmed text, whose error names the column. Figures are
/// ASCII: the bytes are trimmed and checked as they are (the lossy copy is
/// made only for a cell that is not UTF-8, to name it in the error).
fn optional<T>(
    record: &ByteRecord,
    col: Option<usize>,
    parse: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> std::result::Result<Option<T>, String> {
    let raw = col.and_then(|i| record.get(i)).unwrap_or_default().trim_ascii();
    if raw.is_empty() {
        return Ok(None);
    }
    match std::str::from_utf8(raw) {
        Ok(c) => parse(c.trim()).map(Some),
        Err(_) => parse(String::from_utf8_lossy(raw).trim()).map(Some),
    }
}

/// Parses an optional figure: anything but a finite number is an error
/// naming the column.
fn figure(
    record: &ByteRecord,
    col: Option<usize>,
    name: &str,
) -> std::result::Result<Option<f64>, String> {
    optional(record, col, |c| match c.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{name} '{c}' is not a number")),
    })
}

/// Parses an optional whole number (`12`, or `12.0` as spreadsheets write it).
fn whole(
    record: &ByteRecord,
    col: Option<usize>,
    name: &str,
) -> std::result::Result<Option<i64>, String> {
    optional(record, col, |c| {
        if let Ok(v) = c.parse::<i64>() {
            return Ok(v);
        }
        match c.parse::<f64>() {
            Ok(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9e15 => Ok(v as i64),
            _ => Err(format!("{name} '{c}' is not a whole number")),
        }
    })
}

/// Parses an optional `true` / `false` (case-insensitive).
fn flag(
    record: &ByteRecord,
    col: Option<usize>,
    name: &str,
) -> std::result::Result<Option<bool>, String> {
    optional(record, col, |c| {
        if c.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if c.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(format!("{name} '{c}' is not true or false"))
        }
    })
}

/// Parses an optional `turn:ms|turn:ms` cell (`holds`, `silences`) into
/// `out`.
fn pauses(
    record: &ByteRecord,
    col: Option<usize>,
    name: &str,
    hold: bool,
    out: &mut Vec<Pause>,
) -> std::result::Result<(), String> {
    let c = cell(record, col);
    for entry in c.split('|').map(str::trim).filter(|e| !e.is_empty()) {
        let parsed = entry.split_once(':').and_then(|(t, ms)| {
            Some(Pause {
                turn: t.trim().parse().ok()?,
                ms: ms.trim().parse().ok()?,
                hold,
            })
        });
        match parsed {
            Some(p) if p.ms >= 0 => out.push(p),
            _ => return Err(format!("{name} '{entry}' is not turn:ms")),
        }
    }
    Ok(())
}

/// Column positions of the per-interaction CSV.
#[derive(Debug)]
struct IxColumns {
    id: usize,
    experienced: Option<usize>,
    peak: Option<usize>,
    end: Option<usize>,
    remembered: Option<usize>,
    gap: Option<usize>,
    bad_ending: Option<usize>,
    language: Option<usize>,
    facets: [Option<usize>; 3],
    turns: Option<usize>,
    customer_turns: Option<usize>,
    peak_turn: Option<usize>,
    end_turn: Option<usize>,
    agent_valence: Option<usize>,
    peak_terms: Option<usize>,
    end_terms: Option<usize>,
    emotion: Option<usize>,
    peak_emotion: Option<usize>,
    end_emotion: Option<usize>,
    empathy_after_peak: Option<usize>,
    effort: Option<usize>,
    effort_terms: Option<usize>,
    resolved: Option<usize>,
    resolution_terms: Option<usize>,
    hold_ms: Option<usize>,
    longest_silence_ms: Option<usize>,
    interruptions: Option<usize>,
    agent_talk_share: Option<usize>,
    first_response_ms: Option<usize>,
    holds: Option<usize>,
    silences: Option<usize>,
}

/// Streams the per-interaction CSV (`peakend score -o`): the one reader of
/// it, for `peakend report` and `peakend journey`.
pub struct InteractionReader {
    file: CsvFile,
    cols: IxColumns,
    names: Vec<String>,
    rows: u64,
    pauses: Vec<Pause>,
}

impl InteractionReader {
    /// Opens the file and checks its header for the columns the report
    /// needs.
    pub fn open(source: &Source) -> Result<InteractionReader> {
        InteractionReader::open_needing(source, REPORT_NEEDS)
    }

    /// Opens the file and checks that its header has `interaction_id` and
    /// the columns of `needs` (names of the output schema).
    pub fn open_needing(source: &Source, needs: &[&str]) -> Result<InteractionReader> {
        let what = "the per-interaction CSV written by `peakend score -o`";
        let (file, names) = CsvFile::open(source, what)?;
        let hint = if names.iter().any(|n| n == "speaker")
            && names.iter().any(|n| n == "valence")
        {
            " (this looks like the per-turn CSV: give it to --turns)"
        } else {
            ""
        };
        let schema: Vec<&str> = schema::names(schema::INTERACTION).collect();
        let n = Names { names: &names, path: &file.path, what, hint, schema: &schema };
        let id = n.find(ID).ok_or_else(|| n.missing("interaction_id"))?;
        for name in needs {
            n.required(name)?;
        }
        let cols = IxColumns {
            id,
            experienced: n.optional("experienced"),
            peak: n.optional("peak"),
            end: n.optional("end"),
            remembered: n.optional("remembered"),
            gap: n.optional("gap"),
            bad_ending: n.optional("bad_ending"),
            language: n.optional("language"),
            facets: FACETS.map(|(_, aliases)| n.find(aliases)),
            turns: n.optional("turns"),
            customer_turns: n.optional("customer_turns"),
            peak_turn: n.optional("peak_turn"),
            end_turn: n.optional("end_turn"),
            agent_valence: n.optional("agent_valence"),
            peak_terms: n.optional("peak_terms"),
            end_terms: n.optional("end_terms"),
            emotion: n.optional("emotion"),
            peak_emotion: n.optional("peak_emotion"),
            end_emotion: n.optional("end_emotion"),
            empathy_after_peak: n.optional("empathy_after_peak"),
            effort: n.optional("effort"),
            effort_terms: n.optional("effort_terms"),
            resolved: n.optional("resolved"),
            resolution_terms: n.optional("resolution_terms"),
            hold_ms: n.optional("hold_ms"),
            longest_silence_ms: n.optional("longest_silence_ms"),
            interruptions: n.optional("interruptions"),
            agent_talk_share: n.optional("agent_talk_share"),
            first_response_ms: n.optional("first_response_ms"),
            holds: n.optional("holds"),
            silences: n.optional("silences"),
        };
        Ok(InteractionReader { file, cols, names, rows: 0, pauses: Vec::new() })
    }

    /// Which [`FACETS`] the CSV has a column for.
    pub fn facets(&self) -> [bool; 3] {
        self.cols.facets.map(|c| c.is_some())
    }

    /// The position of a column named by the user (case-insensitive), or
    /// an error naming it and `why` it is needed.
    pub fn column(&self, name: &str, why: &str) -> Result<usize> {
        let lower = name.trim().to_lowercase();
        self.names.iter().position(|n| *n == lower).ok_or_else(|| {
            Error::input(
                &self.file.path,
                1,
                format!("header has no '{name}' column ({why})"),
            )
        })
    }

    /// The file's name in messages.
    pub fn path(&self) -> &Path {
        &self.file.path
    }

    /// The next row, checked; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<IxRow<'_>>> {
        let Some(line) = self.file.next()? else { return Ok(None) };
        let r = &self.file.record;
        let c = &self.cols;
        let fail = |msg: String| self.file.error(line, msg);
        if cell(r, Some(c.id)).trim().is_empty() {
            return Err(fail("empty interaction_id".into()));
        }
        let figures = Figures {
            experienced: figure(r, c.experienced, "experienced").map_err(fail)?,
            peak: figure(r, c.peak, "peak").map_err(fail)?,
            end: figure(r, c.end, "end").map_err(fail)?,
            remembered: figure(r, c.remembered, "remembered").map_err(fail)?,
            gap: figure(r, c.gap, "gap").map_err(fail)?,
            bad_ending: flag(r, c.bad_ending, "bad_ending").map_err(fail)?,
            agent_valence: figure(r, c.agent_valence, "agent_valence").map_err(fail)?,
            empathy_after_peak: flag(r, c.empathy_after_peak, "empathy_after_peak")
                .map_err(fail)?,
            effort: figure(r, c.effort, "effort").map_err(fail)?,
            resolved: flag(r, c.resolved, "resolved").map_err(fail)?,
            hold_ms: whole(r, c.hold_ms, "hold_ms").map_err(fail)?,
        };
        let counts = [
            whole(r, c.turns, "turns"),
            whole(r, c.customer_turns, "customer_turns"),
            whole(r, c.peak_turn, "peak_turn"),
            whole(r, c.end_turn, "end_turn"),
        ];
        let mut ints = [None; 4];
        for (slot, v) in ints.iter_mut().zip(counts) {
            *slot = v.map_err(fail)?;
        }
        let timing = Timing {
            longest_silence_ms: whole(r, c.longest_silence_ms, "longest_silence_ms")
                .map_err(fail)?,
            interruptions: whole(r, c.interruptions, "interruptions").map_err(fail)?,
            agent_talk_share: figure(r, c.agent_talk_share, "agent_talk_share")
                .map_err(fail)?,
            first_response_ms: whole(r, c.first_response_ms, "first_response_ms")
                .map_err(fail)?,
        };
        self.pauses.clear();
        pauses(r, c.holds, "holds", true, &mut self.pauses).map_err(fail)?;
        pauses(r, c.silences, "silences", false, &mut self.pauses).map_err(fail)?;
        self.pauses.sort_by_key(|p| (p.turn, !p.hold));
        let order = self.rows;
        self.rows += 1;
        Ok(Some(IxRow {
            record: &self.file.record,
            cols: &self.cols,
            path: &self.file.path,
            figures,
            ints,
            timing,
            pauses: &self.pauses,
            line,
            order,
        }))
    }
}

/// One checked row of the per-interaction CSV, borrowed from the reader.
pub struct IxRow<'a> {
    record: &'a ByteRecord,
    cols: &'a IxColumns,
    path: &'a Path,
    /// The figures.
    pub figures: Figures,
    ints: [Option<i64>; 4],
    timing: Timing,
    pauses: &'a [Pause],
    /// 1-based line in the file.
    pub line: u64,
    /// 0-based position among the data rows.
    pub order: u64,
}

impl IxRow<'_> {
    /// The interaction id.
    pub fn id(&self) -> Cow<'_, str> {
        cell(self.record, Some(self.cols.id))
    }
    /// The cell of column `col` (from [`InteractionReader::column`]).
    pub fn cell(&self, col: usize) -> Cow<'_, str> {
        cell(self.record, Some(col))
    }
    /// An error about this row.
    pub fn error(&self, msg: String) -> Error {
        Error::input(self.path, self.line, msg)
    }
    /// The language (empty when absent).
    pub fn language(&self) -> Cow<'_, str> {
        cell(self.record, self.cols.language)
    }
    /// The emotion of the end window (empty when absent).
    pub fn end_emotion(&self) -> Cow<'_, str> {
        cell(self.record, self.cols.end_emotion)
    }

    /// An owned copy, for the rows the page keeps.
    pub fn to_summary(&self) -> Summary {
        let text = |col| cell(self.record, col).trim().to_string();
        let c = self.cols;
        Summary {
            id: text(Some(c.id)),
            language: text(c.language),
            facets: c.facets.map(text),
            turns: self.ints[0],
            customer_turns: self.ints[1],
            peak_turn: self.ints[2],
            end_turn: self.ints[3],
            figures: self.figures,
            peak_terms: terms::parse(&text(c.peak_terms)),
            peak_is_hold: cell(self.record, c.peak_terms)
                .trim_start()
                .starts_with("hold:"),
            end_terms: terms::parse(&text(c.end_terms)),
            emotion: text(c.emotion),
            peak_emotion: text(c.peak_emotion),
            end_emotion: text(c.end_emotion),
            effort_terms: terms::parse(&text(c.effort_terms)),
            resolution_terms: terms::parse(&text(c.resolution_terms)),
            timing: self.timing,
            pauses: self.pauses.to_vec(),
            line: self.line,
            order: self.order,
        }
    }
}

/// Column positions of the per-turn CSV.
#[derive(Debug)]
struct TurnColumns {
    id: usize,
    turn: usize,
    speaker: usize,
    valence: usize,
    emotion: Option<usize>,
    terms: Option<usize>,
    text: Option<usize>,
    start_ms: Option<usize>,
    end_ms: Option<usize>,
}

/// Streams the per-turn CSV (`peakend score --turns`).
pub struct TurnReader {
    file: CsvFile,
    cols: TurnColumns,
}

impl TurnReader {
    /// Opens the file and checks its header.
    pub fn open(source: &Source) -> Result<TurnReader> {
        let what = "the per-turn CSV written by `peakend score --turns`";
        let (file, names) = CsvFile::open(source, what)?;
        let hint = if names.iter().any(|n| n == "remembered") {
            " (this looks like the per-interaction CSV: give it as the first argument)"
        } else {
            ""
        };
        let schema: Vec<&str> = schema::names(schema::TURN).collect();
        let n = Names { names: &names, path: &file.path, what, hint, schema: &schema };
        let cols = TurnColumns {
            id: n.find(ID).ok_or_else(|| n.missing("interaction_id"))?,
            turn: n.required("turn")?,
            speaker: n.required("speaker")?,
            valence: n.required("valence")?,
            emotion: n.optional("emotion"),
            terms: n.optional("terms"),
            text: n.optional("text"),
            start_ms: n.optional("start_ms"),
            end_ms: n.optional("end_ms"),
        };
        Ok(TurnReader { file, cols })
    }

    /// True when the CSV has the turns' text.
    #[cfg(test)]
    pub fn has_text(&self) -> bool {
        self.cols.text.is_some()
    }

    /// The next row, checked; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<TurnView<'_>>> {
        let Some(line) = self.file.next()? else { return Ok(None) };
        let r = &self.file.record;
        let c = &self.cols;
        let fail = |msg: String| self.file.error(line, msg);
        let speaker_cell = cell(r, Some(c.speaker));
        let speaker = Speaker::parse(&speaker_cell).ok_or_else(|| {
            fail(format!(
                "unknown speaker '{}' (accepted, case-insensitive: {SPEAKER_VALUES})",
                speaker_cell.trim()
            ))
        })?;
        let turn = whole(r, Some(c.turn), "turn").map_err(fail)?;
        let valence = figure(r, Some(c.valence), "valence").map_err(fail)?;
        let (Some(turn), Some(valence)) = (turn, valence) else {
            let name = if turn.is_none() { "turn" } else { "valence" };
            return Err(fail(format!("empty {name}")));
        };
        let start_ms = whole(r, c.start_ms, "start_ms").map_err(fail)?;
        let end_ms = whole(r, c.end_ms, "end_ms").map_err(fail)?;
        Ok(Some(TurnView {
            record: &self.file.record,
            cols: &self.cols,
            turn,
            speaker,
            valence,
            start_ms,
            end_ms,
        }))
    }
}

/// One checked row of the per-turn CSV, borrowed from the reader.
pub struct TurnView<'a> {
    record: &'a ByteRecord,
    cols: &'a TurnColumns,
    turn: i64,
    speaker: Speaker,
    valence: f64,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
}

impl TurnView<'_> {
    /// The interaction id, trimmed.
    pub fn id(&self) -> Cow<'_, str> {
        match cell(self.record, Some(self.cols.id)) {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        }
    }

    /// An owned copy, for the turns the page draws.
    pub fn to_turn(&self) -> TurnRow {
        let text = |col| cell(self.record, col).into_owned();
        TurnRow {
            turn: self.turn,
            speaker: self.speaker,
            valence: self.valence,
            emotion: text(self.cols.emotion).trim().to_string(),
            terms: terms::parse(&text(self.cols.terms)),
            text: text(self.cols.text),
            start_ms: self.start_ms,
            end_ms: self.end_ms,
        }
    }
}

/// One customer of the journey CSV (`peakend journey`), as the page shows
/// it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JourneyRow {
    /// The customer id.
    pub customer: String,
    /// Number of contacts.
    pub contacts: Option<i64>,
    /// Channels in order of first use, joined by `|`.
    pub channels: String,
    /// Contacts within the repeat window of the one before.
    pub repeat_contacts: Option<i64>,
    /// The journey's remembered score.
    pub remembered: Option<f64>,
    /// The journey's effort.
    pub effort: Option<f64>,
    /// The latest contact's `resolved`.
    pub resolved: Option<bool>,
    /// The latest contact went wrong after an earlier one did.
    pub failed_again: bool,
    /// The contacts that make the repeated failure, earlier ones first.
    pub failed_again_contacts: Vec<String>,
    /// The time of the latest contact, as written.
    pub last_contact: String,
    /// 1-based line in the file.
    pub line: u64,
}

/// Column positions of the journey CSV.
struct JourneyColumns {
    contacts: usize,
    channels: Option<usize>,
    repeat_contacts: Option<usize>,
    remembered: Option<usize>,
    effort: Option<usize>,
    resolved: Option<usize>,
    failed_again: usize,
    failed_again_contacts: usize,
    last_contact: Option<usize>,
}

/// Streams the journey CSV (`peakend journey -o`): its first column is the
/// customer (named as `--customer` was), then [`crate::journey::COLUMNS`].
pub struct JourneyReader {
    file: CsvFile,
    cols: JourneyColumns,
    customer: String,
}

impl JourneyReader {
    /// Opens the file and checks its header.
    pub fn open(source: &Source) -> Result<JourneyReader> {
        let what = "the journey CSV written by `peakend journey`";
        let (file, names) = CsvFile::open(source, what)?;
        let find = |name: &str| names.iter().position(|n| n == name);
        debug_assert!(["contacts", "failed_again_contacts", "last_contact"]
            .iter()
            .all(|c| crate::journey::COLUMNS.contains(c)));
        let need = |name: &str| {
            find(name)
                .ok_or_else(|| missing(&file.path, name, &format!("expected {what}")))
        };
        let cols = JourneyColumns {
            contacts: need("contacts")?,
            channels: find("channels"),
            repeat_contacts: find("repeat_contacts"),
            remembered: find("remembered"),
            effort: find("effort"),
            resolved: find("resolved"),
            failed_again: need("failed_again")?,
            failed_again_contacts: need("failed_again_contacts")?,
            last_contact: find("last_contact"),
        };
        let customer = names[0].clone();
        if crate::journey::COLUMNS.contains(&customer.as_str()) {
            return Err(Error::input(
                &file.path,
                1,
                format!("the first column is '{customer}': expected the customer id, as `peakend journey` writes it"),
            ));
        }
        Ok(JourneyReader { file, cols, customer })
    }

    /// The name of the customer column.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// The next row, checked; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<JourneyRow>> {
        let Some(line) = self.file.next()? else { return Ok(None) };
        let r = &self.file.record;
        let c = &self.cols;
        let fail = |msg: String| self.file.error(line, msg);
        let text = |col| cell(r, col).trim().to_string();
        let customer = text(Some(0));
        if customer.is_empty() {
            return Err(fail(format!("empty {}", self.customer)));
        }
        Ok(Some(JourneyRow {
            customer,
            contacts: whole(r, Some(c.contacts), "contacts").map_err(fail)?,
            channels: text(c.channels),
            repeat_contacts: whole(r, c.repeat_contacts, "repeat_contacts")
                .map_err(fail)?,
            remembered: figure(r, c.remembered, "remembered").map_err(fail)?,
            effort: figure(r, c.effort, "effort").map_err(fail)?,
            resolved: flag(r, c.resolved, "resolved").map_err(fail)?,
            failed_again: flag(r, Some(c.failed_again), "failed_again").map_err(fail)?
                == Some(true),
            failed_again_contacts: cell(r, Some(c.failed_again_contacts))
                .split('|')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(String::from)
                .collect(),
            last_contact: text(c.last_contact),
            line,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix_source(dir: &tempfile::TempDir, name: &str, data: &str) -> Source {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        Source::Path(p)
    }

    fn read_ix(data: &str) -> Result<Vec<Summary>> {
        let dir = tempfile::tempdir().unwrap();
        let mut r = InteractionReader::open(&ix_source(&dir, "ix.csv", data))?;
        let mut out = Vec::new();
        while let Some(row) = r.next_row()? {
            out.push(row.to_summary());
        }
        Ok(out)
    }

    const IX: &str = "interaction_id,experienced,peak,end,remembered,gap,bad_ending";

    #[test]
    fn reads_figures_and_optional_columns() {
        let rows = read_ix(&format!(
            "{IX},agent_id,end_emotion\na,0.1,-0.8,-0.6,-0.7,-0.8,true,Priya,anger\nb,,,,,,,,\n"
        ))
        .unwrap();
        assert_eq!(rows[0].id, "a");
        assert_eq!(rows[0].facets[0], "Priya");
        assert_eq!(rows[0].figures.end, Some(-0.6));
        assert_eq!(rows[0].figures.bad_ending, Some(true));
        assert_eq!(rows[0].end_emotion, "anger");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].figures, Figures::default());
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let cases = [
            ("", "ix.csv:1: the file is empty"),
            ("interaction_id,experienced,peak,end,gap,bad_ending\n", "ix.csv:1: header has no 'remembered' column: expected the per-interaction CSV"),
            ("interaction_id,turn,speaker,valence\n", "ix.csv:1: header has no 'experienced' column: expected the per-interaction CSV written by `peakend score -o` (this looks like the per-turn CSV"),
            (&format!("{IX}\na,0.1,-0.8,-0.6,-0.7,-0.8,true\nb,0.1,-0.8,x,-0.7,-0.8,true\n"), "ix.csv:3: end 'x' is not a number"),
            (&format!("{IX}\na,0.1,-0.8,-0.6,-0.7,-0.8,maybe\n"), "ix.csv:2: bad_ending 'maybe' is not true or false"),
            (&format!("{IX}\na,0.1,-0.8,-0.6,-0.7,-0.8\n"), "ix.csv:2: row has 6 fields but the header has 7"),
            (&format!("{IX}\n,0.1,-0.8,-0.6,-0.7,-0.8,true\n"), "ix.csv:2: empty interaction_id"),
            (&format!("{IX},peak_turn\na,0.1,-0.8,-0.6,-0.7,-0.8,true,2.5\n"), "ix.csv:2: peak_turn '2.5' is not a whole number"),
            (&format!("{IX}\na,NaN,-0.8,-0.6,-0.7,-0.8,true\n"), "ix.csv:2: experienced 'NaN' is not a number"),
        ];
        for (data, want) in cases {
            let err = read_ix(data).unwrap_err().to_string();
            assert!(err.contains(want), "{err:?} should contain {want:?}");
        }
    }

    #[test]
    fn journey_rows_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let head = "cust,contacts,channels,repeat_contacts,remembered,effort,resolved,\
                    failed_again,failed_again_contacts,last_contact";
        let data = format!(
            "{head}\nk1,3,chat|call,2,-0.28,0.88,false,true,j-1| j-2 ,2026-03-06\n\
             k2,1,call,0,0.8,,,false,,2026-03-01\nk3,2,call,0,0.8,,,perhaps,,x\n,1,,,,,,false,,\n"
        );
        let mut r = JourneyReader::open(&ix_source(&dir, "j.csv", &data)).unwrap();
        assert_eq!(r.customer(), "cust");
        let first = r.next_row().unwrap().unwrap();
        assert_eq!(first.failed_again_contacts, ["j-1", "j-2"]);
        assert_eq!(
            (first.failed_again, first.resolved, first.line),
            (true, Some(false), 2)
        );
        let second = r.next_row().unwrap().unwrap();
        assert_eq!((second.failed_again, second.effort), (false, None));
        let err = r.next_row().err().unwrap().to_string();
        assert!(
            err.ends_with("j.csv:4: failed_again 'perhaps' is not true or false"),
            "{err}"
        );
        let err = r.next_row().err().unwrap().to_string();
        assert!(err.ends_with("j.csv:5: empty cust"), "{err}");
        // The per-interaction CSV is not a journey CSV.
        let ix = ix_source(&dir, "ix.csv", &format!("{IX}\n"));
        let err = JourneyReader::open(&ix).err().unwrap().to_string();
        assert!(err.contains("ix.csv:1: header has no 'contacts' column"), "{err}");
        let swapped = ix_source(&dir, "s.csv", &format!("contacts,{head}\n"));
        let err = JourneyReader::open(&swapped).err().unwrap().to_string();
        assert!(err.contains("the first column is 'contacts'"), "{err}");
    }

    #[test]
    fn turn_rows_are_checked_and_copied() {
        let dir = tempfile::tempdir().unwrap();
        let data = "interaction_id,turn,speaker,valence,terms,text\n\
                    a,1,customer,-0.5,awful:-2.0,\"It was awful, really\"\n\
                    a,2,Agent,0.1,,sorry\n\
                    a,3,robot,0.1,,beep\n";
        let mut r = TurnReader::open(&ix_source(&dir, "t.csv", data)).unwrap();
        assert!(r.has_text());
        let first = r.next_row().unwrap().unwrap().to_turn();
        assert_eq!(first.speaker, Speaker::Customer);
        assert_eq!(first.text, "It was awful, really");
        assert_eq!(r.next_row().unwrap().unwrap().to_turn().speaker, Speaker::Agent);
        let err = r.next_row().err().unwrap().to_string();
        assert!(
            err.starts_with(&format!(
                "{}:4: unknown speaker 'robot'",
                dir.path().join("t.csv").display()
            )),
            "{err}"
        );

        let swapped = ix_source(&dir, "ix.csv", &format!("{IX}\n"));
        let err = TurnReader::open(&swapped).err().unwrap().to_string();
        assert!(
            err.contains("header has no 'turn' column")
                && err.contains("this looks like the per-interaction CSV"),
            "{err}"
        );
        let bad = ix_source(
            &dir,
            "t2.csv",
            "interaction_id,turn,speaker,valence\na,1,customer,high\n",
        );
        let mut r = TurnReader::open(&bad).unwrap();
        let err = r.next_row().err().unwrap().to_string();
        assert!(err.ends_with("t2.csv:2: valence 'high' is not a number"), "{err}");
    }
}
