//! JSON Lines input: one interaction per line.
//!
//! `{"interaction_id": "...", "language": "en", "turns": [{"speaker": "...",
//! "text": "...", "start_ms": 0, "end_ms": 0}]}`. Field names accept the
//! same aliases as CSV headers. Lines are read into one reused buffer; blank
//! lines are skipped, a byte order mark and CRLF line ends are accepted, and
//! a line that is not UTF-8 is decoded as Windows-1252 and counted. A line
//! that cannot be used is one rejected row.

use std::io::BufRead;
use std::path::PathBuf;

use serde::Deserialize;

use super::{decode_into, Ctx, FormatReader, BOM};
use crate::error::{Error, Result};
use crate::record::{Interaction, Speaker, Turn, SPEAKER_VALUES};

#[derive(Deserialize)]
struct JsonInteraction {
    #[serde(
        alias = "conversation_id",
        alias = "contact_id",
        alias = "call_id",
        alias = "id"
    )]
    interaction_id: serde_json::Value,
    #[serde(default, alias = "lang")]
    language: Option<String>,
    turns: Vec<JsonTurn>,
}

#[derive(Deserialize)]
struct JsonTurn {
    #[serde(
        alias = "role",
        alias = "participant",
        alias = "participant_role",
        alias = "party"
    )]
    speaker: String,
    #[serde(
        alias = "content",
        alias = "utterance",
        alias = "message",
        alias = "transcript"
    )]
    text: String,
    #[serde(default, alias = "turn_index", alias = "seq", alias = "sequence")]
    turn: Option<i64>,
    #[serde(default, alias = "begin_offset_millis")]
    start_ms: Option<f64>,
    #[serde(default, alias = "end_offset_millis")]
    end_ms: Option<f64>,
}

/// Milliseconds beyond this are refused (as in CSV), so that durations
/// never overflow.
const MAX_MS: f64 = 9e15;

pub(super) struct JsonlReader<R> {
    input: R,
    path: PathBuf,
    bytes: Vec<u8>,
    /// The line decoded, when it was not UTF-8.
    decoded: String,
    line_no: u64,
    /// A non-blank line was read.
    any: bool,
}

impl<R: BufRead + Send> JsonlReader<R> {
    pub(super) fn new(input: R, path: PathBuf) -> JsonlReader<R> {
        JsonlReader {
            input,
            path,
            bytes: Vec::new(),
            decoded: String::new(),
            line_no: 0,
            any: false,
        }
    }
}

/// The interaction of one JSON line, or why it cannot be scored (with the
/// 1-based column when it helps).
fn parse_line(
    text: &str,
    line_no: u64,
) -> std::result::Result<Interaction, (Option<u64>, String)> {
    let raw: JsonInteraction = serde_json::from_str(text).map_err(|e| {
        // serde_json appends " at line 1 column N": the column is ours to show.
        let msg = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let msg = msg.strip_suffix(&suffix).unwrap_or(&msg);
        let column = (e.column() > 0).then_some(e.column() as u64);
        (column, format!("invalid JSON: {msg}"))
    })?;
    let id = match raw.interaction_id {
        serde_json::Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => {
            return Err((
                None,
                format!(
                    "interaction_id must be a non-empty string or a number, got {other}"
                ),
            ))
        }
    };
    let mut turns = Vec::with_capacity(raw.turns.len());
    for (pos, t) in raw.turns.into_iter().enumerate() {
        let speaker = Speaker::parse(&t.speaker).ok_or_else(|| {
            (
                None,
                format!(
                    "turn {}: unknown speaker '{}' (accepted, case-insensitive: {SPEAKER_VALUES})",
                    pos + 1,
                    t.speaker.trim()
                ),
            )
        })?;
        let ms = |v: Option<f64>, name: &str| match v {
            Some(x) if !x.is_finite() || x.abs() >= MAX_MS => {
                Err((None, format!("turn {}: {name} {x:e} is out of range", pos + 1)))
            }
            v => Ok(v.map(|x| x.round() as i64)),
        };
        turns.push(Turn {
            turn: t.turn.unwrap_or(pos as i64 + 1),
            speaker,
            text: t.text,
            start_ms: ms(t.start_ms, "start_ms")?,
            end_ms: ms(t.end_ms, "end_ms")?,
            line: line_no,
        });
    }
    turns.sort_by_key(|t| t.turn);
    let language = raw.language.filter(|l| !l.trim().is_empty());
    Ok(Interaction { id, language, turns })
}

impl<R: BufRead + Send> FormatReader for JsonlReader<R> {
    fn next_interaction(&mut self, ctx: &mut Ctx) -> Result<Option<Interaction>> {
        loop {
            self.bytes.clear();
            self.line_no += 1;
            let n = self
                .input
                .read_until(b'\n', &mut self.bytes)
                .map_err(|e| Error::io(&self.path, e))?;
            if n == 0 {
                if !self.any {
                    return Err(Error::input(
                        &self.path,
                        1,
                        "the file is empty: expected one JSON object per line",
                    ));
                }
                return Ok(None);
            }
            let mut bytes = self.bytes.trim_ascii_end();
            if self.line_no == 1 {
                bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
            }
            if bytes.trim_ascii_start().is_empty() {
                continue;
            }
            self.any = true;
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    ctx.warnings.invalid_utf8 += 1;
                    self.decoded.clear();
                    decode_into(bytes, &mut self.decoded);
                    self.decoded.as_str()
                }
            };
            let parsed = parse_line(text, self.line_no).and_then(|ix| {
                match ctx.check_new(&ix.id) {
                    Ok(()) => Ok(ix),
                    Err(reason) => Err((None, reason)),
                }
            });
            match parsed {
                Ok(ix) => {
                    ctx.register(&ix.id, self.line_no);
                    return Ok(Some(ix));
                }
                Err((column, reason)) => {
                    ctx.reject(&self.path, self.line_no, column, reason, || {
                        text.to_string()
                    })?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8]) -> Result<Vec<Interaction>> {
        Ok(super::super::drain(JsonlReader::new(data, "t.jsonl".into()))?.0)
    }

    #[test]
    fn reads_interactions_with_aliases() {
        let data = "{\"interaction_id\":\"a\",\"language\":\"en\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"hi\",\"start_ms\":0,\"end_ms\":1500}]}\n\n{\"call_id\":7,\"turns\":[{\"role\":\"bot\",\"content\":\"hello\"}]}\n";
        let ixs = read_all(data.as_bytes()).unwrap();
        assert_eq!(ixs.len(), 2);
        assert_eq!(ixs[0].turns[0].duration_ms(), Some(1500));
        assert_eq!(ixs[1].id, "7");
        assert_eq!(ixs[1].turns[0].speaker, Speaker::Agent);
        assert_eq!(ixs[1].turns[0].line, 3);
    }

    #[test]
    fn bom_crlf_and_windows_1252() {
        let data = b"\xef\xbb\xbf{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"caf\xe9\"}]}\r\n\r\n";
        let (ixs, w) =
            super::super::drain(JsonlReader::new(&data[..], "t.jsonl".into())).unwrap();
        assert_eq!(ixs[0].turns[0].text, "caf\u{e9}");
        assert_eq!(w.invalid_utf8, 1);
    }

    #[test]
    fn errors_name_the_line() {
        let cases: [(&[u8], &str); 8] = [
            (b"{\"interaction_id\":\"a\",\"turns\":[]}\n{oops}\n", "t.jsonl:2:2: invalid JSON: key must be a string"),
            (b"{\"interaction_id\":\"a\",\"turns\":[{\"speaker\":\"x\",\"text\":\"\"}]}", "t.jsonl:1: turn 1: unknown speaker 'x'"),
            (b"{\"interaction_id\":null,\"turns\":[]}", "t.jsonl:1: interaction_id must be"),
            (b"{\"interaction_id\":\"a\"}", "t.jsonl:1:22: invalid JSON: missing field `turns`"),
            (b"", "t.jsonl:1: the file is empty"),
            (b"\n \r\n", "t.jsonl:1: the file is empty"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"\",\"start_ms\":-1e300,\"end_ms\":1e300}]}", "t.jsonl:1: turn 1: start_ms -1e300 is out of range"),
            (b"{\"id\":\"a\",\"turns\":[]}\n{\"id\":\"b\",\"turns\":[]}\n{\"id\":\"a\",\"turns\":[]}\n", "t.jsonl:3: interaction 'a' appears again after other interactions (it started at line 1)"),
        ];
        for (data, want) in cases {
            let err = read_all(data).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }
}
