//! JSON Lines input: one interaction per line.
//!
//! `{"interaction_id": "...", "language": "en", "turns": [{"speaker": "...",
//! "text": "...", "start_ms": 0, "end_ms": 0}]}`. Field names accept the
//! same aliases as CSV headers. Lines are read into one reused `String`;
//! blank lines are skipped.

use std::io::BufRead;
use std::path::PathBuf;

use serde::Deserialize;

use super::{FormatReader, InputWarnings};
use crate::error::{Error, Result};
use crate::record::{Interaction, Speaker, Turn, SPEAKER_VALUES};

#[derive(Deserialize)]
struct JsonInteraction {
    #[serde(alias = "conversation_id", alias = "contact_id", alias = "call_id", alias = "id")]
    interaction_id: serde_json::Value,
    #[serde(default, alias = "lang")]
    language: Option<String>,
    turns: Vec<JsonTurn>,
}

#[derive(Deserialize)]
struct JsonTurn {
    #[serde(alias = "role", alias = "participant", alias = "participant_role", alias = "party")]
    speaker: String,
    #[serde(alias = "content", alias = "utterance", alias = "message", alias = "transcript")]
    text: String,
    #[serde(default, alias = "turn_index", alias = "seq", alias = "sequence")]
    turn: Option<i64>,
    #[serde(default, alias = "begin_offset_millis")]
    start_ms: Option<f64>,
    #[serde(default, alias = "end_offset_millis")]
    end_ms: Option<f64>,
}

pub(super) struct JsonlReader<R> {
    input: R,
    path: PathBuf,
    line: String,
    line_no: u64,
}

impl<R: BufRead + Send> JsonlReader<R> {
    pub(super) fn new(input: R, path: PathBuf) -> JsonlReader<R> {
        JsonlReader { input, path, line: String::new(), line_no: 0 }
    }
}

impl<R: BufRead + Send> FormatReader for JsonlReader<R> {
    fn next_interaction(&mut self, _: &mut InputWarnings) -> Result<Option<Interaction>> {
        loop {
            self.line.clear();
            self.line_no += 1;
            let n = self.input.read_line(&mut self.line).map_err(|e| {
                let msg = if e.kind() == std::io::ErrorKind::InvalidData {
                    "line is not valid UTF-8".to_string()
                } else {
                    e.to_string()
                };
                Error::input(&self.path, self.line_no, msg)
            })?;
            if n == 0 {
                return Ok(None);
            }
            let text = self.line.trim();
            if text.is_empty() {
                continue;
            }
            let fail = |msg: String| Error::input(&self.path, self.line_no, msg);
            let raw: JsonInteraction =
                serde_json::from_str(text).map_err(|e| fail(format!("invalid JSON: {e}")))?;
            let id = match raw.interaction_id {
                serde_json::Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                other => return Err(fail(format!("interaction_id must be a non-empty string or a number, got {other}"))),
            };
            let mut turns = Vec::with_capacity(raw.turns.len());
            for (pos, t) in raw.turns.into_iter().enumerate() {
                let speaker = Speaker::parse(&t.speaker).ok_or_else(|| {
                    fail(format!(
                        "turn {}: unknown speaker '{}' (accepted, case-insensitive: {SPEAKER_VALUES})",
                        pos + 1,
                        t.speaker.trim()
                    ))
                })?;
                let ms = |v: Option<f64>| v.filter(|x| x.is_finite()).map(|x| x.round() as i64);
                turns.push(Turn {
                    turn: t.turn.unwrap_or(pos as i64 + 1),
                    speaker,
                    text: t.text,
                    start_ms: ms(t.start_ms),
                    end_ms: ms(t.end_ms),
                    line: self.line_no,
                });
            }
            turns.sort_by_key(|t| t.turn);
            let language = raw.language.filter(|l| !l.trim().is_empty());
            return Ok(Some(Interaction { id, language, turns }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &str) -> Result<Vec<Interaction>> {
        Ok(super::super::drain(JsonlReader::new(data.as_bytes(), "t.jsonl".into()))?.0)
    }

    #[test]
    fn reads_interactions_with_aliases() {
        let data = "{\"interaction_id\":\"a\",\"language\":\"en\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"hi\",\"start_ms\":0,\"end_ms\":1500}]}\n\n{\"call_id\":7,\"turns\":[{\"role\":\"bot\",\"content\":\"hello\"}]}\n";
        let ixs = read_all(data).unwrap();
        assert_eq!(ixs.len(), 2);
        assert_eq!(ixs[0].turns[0].duration_ms(), Some(1500));
        assert_eq!(ixs[1].id, "7");
        assert_eq!(ixs[1].turns[0].speaker, Speaker::Agent);
        assert_eq!(ixs[1].turns[0].line, 3);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("{\"interaction_id\":\"a\",\"turns\":[]}\n{oops}\n", "t.jsonl:2: invalid JSON"),
            ("{\"interaction_id\":\"a\",\"turns\":[{\"speaker\":\"x\",\"text\":\"\"}]}", "t.jsonl:1: turn 1: unknown speaker 'x'"),
            ("{\"interaction_id\":null,\"turns\":[]}", "t.jsonl:1: interaction_id must be"),
            ("{\"interaction_id\":\"a\"}", "t.jsonl:1: invalid JSON: missing field `turns`"),
        ];
        for (data, want) in cases {
            let err = read_all(data).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }
}
