//! CSV input: one row per turn, a header naming the columns.
//!
//! The header is resolved once to column positions (by the aliases that
//! `INTERFACE.md` fixes); the read loop reuses one `ByteRecord`, and only the
//! text cell is decoded as UTF-8 (lossily, counted as a warning) so that bad
//! bytes in one turn never stop the run. Contiguous rows with the same id form
//! one interaction, ordered by the `turn` column when there is one.

use std::io::Read;
use std::path::PathBuf;

use csv::{ByteRecord, ReaderBuilder};

use super::{parse_int, FormatReader, InputWarnings};
use crate::error::{Error, ErrorKind, Result};
use crate::record::{Interaction, Speaker, Turn, SPEAKER_VALUES};

const ID: &[&str] = &["interaction_id", "conversation_id", "contact_id", "call_id", "id"];
const SPEAKER: &[&str] = &["speaker", "role", "participant", "participant_role", "party"];
const TEXT: &[&str] = &["text", "content", "utterance", "message", "transcript"];
const TURN: &[&str] = &["turn", "turn_index", "seq", "sequence"];
const START: &[&str] = &["start_ms", "begin_offset_millis"];
const END: &[&str] = &["end_ms", "end_offset_millis"];
const LANGUAGE: &[&str] = &["language", "lang"];

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
}

impl Columns {
    fn resolve(header: &ByteRecord, path: &PathBuf) -> Result<Columns> {
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        // The first alias in priority order wins, so `interaction_id` beats `id`.
        let find = |aliases: &[&str]| aliases.iter().find_map(|a| names.iter().position(|n| n == a));
        let required = |column: &'static str, aliases: &'static [&'static str]| {
            find(aliases).ok_or_else(|| {
                Error::from(ErrorKind::MissingColumn { path: path.clone(), column, accepted: aliases })
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
        })
    }
}

/// One parsed row waiting to be grouped.
struct Row {
    id: String,
    language: Option<String>,
    turn: Turn,
}

pub(super) struct CsvReader<R> {
    rdr: csv::Reader<R>,
    path: PathBuf,
    cols: Columns,
    record: ByteRecord,
    pending: Option<Row>,
    done: bool,
}

impl<R: Read + Send> CsvReader<R> {
    pub(super) fn new(input: R, path: PathBuf) -> Result<CsvReader<R>> {
        let mut rdr = ReaderBuilder::new().has_headers(true).flexible(false).from_reader(input);
        let header = rdr.byte_headers().map_err(|e| csv_error(&path, e))?.clone();
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(Error::input(path, 1, "the file is empty: expected a header row"));
        }
        let cols = Columns::resolve(&header, &path)?;
        Ok(CsvReader { rdr, path, cols, record: ByteRecord::new(), pending: None, done: false })
    }

    fn read_row(&mut self, warnings: &mut InputWarnings) -> Result<Option<Row>> {
        if self.done || !self.rdr.read_byte_record(&mut self.record).map_err(|e| csv_error(&self.path, e))? {
            self.done = true;
            return Ok(None);
        }
        let r = &self.record;
        let line = r.position().map_or(0, |p| p.line());
        let fail = |msg: String| Error::input(&self.path, line, msg);
        let cell = |i: usize| String::from_utf8_lossy(&r[i]);

        let id = cell(self.cols.id).trim().to_string();
        if id.is_empty() {
            return Err(fail("empty interaction_id".into()));
        }
        let speaker_cell = cell(self.cols.speaker);
        let speaker = Speaker::parse(&speaker_cell).ok_or_else(|| {
            fail(format!("unknown speaker '{}' (accepted, case-insensitive: {SPEAKER_VALUES})", speaker_cell.trim()))
        })?;
        let text = match std::str::from_utf8(&r[self.cols.text]) {
            Ok(s) => s.to_string(),
            Err(_) => {
                warnings.invalid_utf8 += 1;
                String::from_utf8_lossy(&r[self.cols.text]).into_owned()
            }
        };
        let number = |col: Option<usize>, name: &str| -> Result<Option<i64>> {
            match col {
                None => Ok(None),
                Some(i) => parse_int(&cell(i)).map_err(|()| {
                    fail(format!("{name} '{}' is not a whole number", cell(i).trim()))
                }),
            }
        };
        let turn = number(self.cols.turn, "turn")?;
        let start_ms = number(self.cols.start, "start_ms")?;
        let end_ms = number(self.cols.end, "end_ms")?;
        let language = self.cols.language.map(|i| cell(i).trim().to_string()).filter(|l| !l.is_empty());
        Ok(Some(Row {
            id,
            language,
            // Position is filled in when the row joins its interaction.
            turn: Turn { turn: turn.unwrap_or(i64::MIN), speaker, text, start_ms, end_ms, line },
        }))
    }
}

impl<R: Read + Send> FormatReader for CsvReader<R> {
    fn next_interaction(&mut self, warnings: &mut InputWarnings) -> Result<Option<Interaction>> {
        let first = match self.pending.take() {
            Some(row) => row,
            None => match self.read_row(warnings)? {
                Some(row) => row,
                None => return Ok(None),
            },
        };
        let mut ix = Interaction { id: first.id, language: first.language, turns: vec![first.turn] };
        while let Some(row) = self.read_row(warnings)? {
            if row.id != ix.id {
                self.pending = Some(row);
                break;
            }
            if ix.language.is_none() {
                ix.language = row.language;
            }
            ix.turns.push(row.turn);
        }
        if self.cols.turn.is_some() {
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

/// Turns a csv error into one that names the file and line.
fn csv_error(path: &PathBuf, err: csv::Error) -> Error {
    let line = err.position().map_or(0, |p| p.line());
    match err.kind() {
        csv::ErrorKind::Io(e) => Error::io(path, std::io::Error::new(e.kind(), e.to_string())),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::input(
            path,
            line,
            format!("row has {len} fields but the header has {expected_len}"),
        ),
        _ => Error::input(path, line, format!("malformed CSV: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &str) -> Result<Vec<Interaction>> {
        Ok(super::super::drain(CsvReader::new(data.as_bytes(), "t.csv".into())?)?.0)
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
            ("id,text\nA,hi\n", "t.csv:1: header has no 'speaker' column (accepted names, case-insensitive: speaker, role,"),
            ("id,speaker,text\nA,customer,hi\nA,robot,x\n", "t.csv:3: unknown speaker 'robot'"),
            ("id,speaker,text\nA,customer,hi,extra\n", "t.csv:2: row has 4 fields but the header has 3"),
            ("id,speaker,text,turn\nA,customer,hi,x\n", "t.csv:2: turn 'x' is not a whole number"),
            ("id,speaker,text\n,customer,hi\n", "t.csv:2: empty interaction_id"),
        ];
        for (data, want) in cases {
            let err = read_all(data).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }

    #[test]
    fn invalid_utf8_text_is_decoded_lossily_and_counted() {
        let data = b"id,speaker,text\nA,customer,caf\xe9\n";
        let (ixs, w) = super::super::drain(CsvReader::new(&data[..], "t.csv".into()).unwrap()).unwrap();
        assert_eq!(ixs[0].turns[0].text, "caf\u{fffd}");
        assert_eq!(w.invalid_utf8, 1);
    }
}
