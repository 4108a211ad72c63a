//! Reading the two CSVs that `peakend score` writes, one row at a time.
//!
//! The column names are those of [`crate::output::schema`] (checked in
//! debug builds), and the id aliases those of the transcript input. Both
//! readers resolve the header to column positions once (by name, so
//! columns added later or reordered by a spreadsheet do no harm), reuse one
//! `ByteRecord` for the whole file, and check every row's figures, so a bad
//! cell is reported as `file:line: what is wrong` whether or not that row
//! ends up on the page. Columns that `INTERFACE.md` fixes are required;
//! the README's later columns are optional, so CSVs from older versions or
//! other tools still give a page (with less on it).
//!
//! Owned strings are made only for the rows the report keeps
//! ([`IxRow::to_summary`], [`TurnView::to_turn`]); the rest are looked at in
//! place.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use csv::{ByteRecord, ReaderBuilder};

use super::terms::{self, Term};
use crate::error::{Error, Result};
use crate::input::csv::{header_names, ID};
use crate::input::Source;
use crate::output::schema;
use crate::record::{Speaker, SPEAKER_VALUES};

/// Header names accepted for an optional agent column.
const AGENT: &[&str] = &["agent", "agent_id", "agent_name"];

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
}

/// One interaction as the page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// The interaction id.
    pub id: String,
    /// Language code (empty when the CSV has no `language` column).
    pub language: String,
    /// The agent(s), when the CSV has an `agent` column; else empty.
    pub agent: String,
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
    /// The terms of the end window.
    pub end_terms: Vec<Term>,
    /// Dominant customer emotion.
    pub emotion: String,
    /// Emotion of the peak turn.
    pub peak_emotion: String,
    /// Dominant emotion over the end window.
    pub end_emotion: String,
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
}

/// One of score's CSVs, read a record at a time into one reused record.
struct CsvFile {
    rdr: csv::Reader<Box<dyn Read>>,
    path: PathBuf,
    record: ByteRecord,
}

impl CsvFile {
    /// Opens a source and reads its header: the lowercase column names. An
    /// empty file is an error saying `what` was expected.
    fn open(source: &Source, what: &str) -> Result<(CsvFile, Vec<String>)> {
        let path = source.display_path();
        let raw: Box<dyn Read> = match source {
            Source::Path(p) => Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
            Source::Stdin => Box::new(io::stdin()),
            Source::Bytes(b) => Box::new(io::Cursor::new(b.clone())),
        };
        let mut rdr = ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .buffer_capacity(1 << 16)
            .from_reader(raw);
        let header = rdr.byte_headers().map_err(|e| Error::csv(&path, e))?;
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(Error::input(
                &path,
                1,
                format!("the file is empty: expected {what}"),
            ));
        }
        let names = header_names(header);
        Ok((CsvFile { rdr, path, record: ByteRecord::new() }, names))
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
        Ok(Some(self.record.position().map_or(0, |p| p.line())))
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
        Error::input(
            self.path,
            1,
            format!("header has no '{name}' column: expected {}{}", self.what, self.hint),
        )
    }
}

fn cell(record: &ByteRecord, col: Option<usize>) -> Cow<'_, str> {
    col.and_then(|i| record.get(i)).map_or(Cow::Borrowed(""), String::from_utf8_lossy)
}

/// An optional cell: empty (or no such column) is `None`; otherwise
/// `parse` of the trimmed text, whose error names the column.
fn optional<T>(
    record: &ByteRecord,
    col: Option<usize>,
    parse: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> std::result::Result<Option<T>, String> {
    let c = cell(record, col);
    let c = c.trim();
    if c.is_empty() {
        Ok(None)
    } else {
        parse(c).map(Some)
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

/// Column positions of the per-interaction CSV.
#[derive(Debug)]
struct IxColumns {
    id: usize,
    experienced: usize,
    peak: usize,
    end: usize,
    remembered: usize,
    gap: usize,
    bad_ending: usize,
    language: Option<usize>,
    agent: Option<usize>,
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
}

/// Streams the per-interaction CSV (`peakend score -o`).
pub struct InteractionReader {
    file: CsvFile,
    cols: IxColumns,
    rows: u64,
}

impl InteractionReader {
    /// Opens the file and checks its header.
    pub fn open(source: &Source) -> Result<InteractionReader> {
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
        let cols = IxColumns {
            id: n.find(ID).ok_or_else(|| n.missing("interaction_id"))?,
            experienced: n.required("experienced")?,
            peak: n.required("peak")?,
            end: n.required("end")?,
            remembered: n.required("remembered")?,
            gap: n.required("gap")?,
            bad_ending: n.required("bad_ending")?,
            language: n.optional("language"),
            agent: n.find(AGENT),
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
        };
        Ok(InteractionReader { file, cols, rows: 0 })
    }

    /// True when the CSV has an agent column.
    pub fn has_agent(&self) -> bool {
        self.cols.agent.is_some()
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
            experienced: figure(r, Some(c.experienced), "experienced").map_err(fail)?,
            peak: figure(r, Some(c.peak), "peak").map_err(fail)?,
            end: figure(r, Some(c.end), "end").map_err(fail)?,
            remembered: figure(r, Some(c.remembered), "remembered").map_err(fail)?,
            gap: figure(r, Some(c.gap), "gap").map_err(fail)?,
            bad_ending: flag(r, Some(c.bad_ending), "bad_ending").map_err(fail)?,
            agent_valence: figure(r, c.agent_valence, "agent_valence").map_err(fail)?,
            empathy_after_peak: flag(r, c.empathy_after_peak, "empathy_after_peak")
                .map_err(fail)?,
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
        let order = self.rows;
        self.rows += 1;
        Ok(Some(IxRow {
            record: &self.file.record,
            cols: &self.cols,
            figures,
            ints,
            line,
            order,
        }))
    }
}

/// One checked row of the per-interaction CSV, borrowed from the reader.
pub struct IxRow<'a> {
    record: &'a ByteRecord,
    cols: &'a IxColumns,
    /// The figures.
    pub figures: Figures,
    ints: [Option<i64>; 4],
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
    /// The language (empty when absent).
    pub fn language(&self) -> Cow<'_, str> {
        cell(self.record, self.cols.language)
    }
    /// The dominant emotion (empty when absent).
    pub fn emotion(&self) -> Cow<'_, str> {
        cell(self.record, self.cols.emotion)
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
            agent: text(c.agent),
            turns: self.ints[0],
            customer_turns: self.ints[1],
            peak_turn: self.ints[2],
            end_turn: self.ints[3],
            figures: self.figures,
            peak_terms: terms::parse(&text(c.peak_terms)),
            end_terms: terms::parse(&text(c.end_terms)),
            emotion: text(c.emotion),
            peak_emotion: text(c.peak_emotion),
            end_emotion: text(c.end_emotion),
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
        };
        Ok(TurnReader { file, cols })
    }

    /// True when the CSV has the turns' text.
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
        Ok(Some(TurnView {
            record: &self.file.record,
            cols: &self.cols,
            turn,
            speaker,
            valence,
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
        }
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
        assert_eq!(rows[0].agent, "Priya");
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
