//! JSON Lines input: one interaction per line.
//!
//! `{"interaction_id": "...", "language": "en", "turns": [{"speaker": "...",
//! "text": "...", "start_ms": 0, "end_ms": 0}]}`. Field names accept the
//! same aliases as CSV headers. Lines are read into one reused buffer; blank
//! lines are skipped, a byte order mark and CRLF line ends are accepted, and
//! a line that is not UTF-8 is decoded as Windows-1252 and counted. A line
//! that cannot be used is one rejected row.

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::platform::{self, Accept, Platform};
use super::{
    check_times, decimal_int, decode_into, names, BadNumber, Ctx, KeepAsked, SourceInfo,
};
use crate::error::{Error, Result};
use crate::record::{unknown_speaker, Interaction, Speakers, Turn};

#[derive(Deserialize)]
struct JsonInteraction {
    #[serde(
        alias = "conversation_id",
        alias = "contact_id",
        alias = "call_id",
        alias = "id"
    )]
    interaction_id: Value,
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

/// The interaction of one JSON line, or why it cannot be scored (with the
/// 1-based column when it helps).
pub(super) fn parse_line(
    text: &str,
    line_no: u64,
    speakers: &Speakers,
) -> std::result::Result<Interaction, (Option<u64>, String)> {
    let raw: JsonInteraction =
        serde_json::from_str(text).map_err(|e| explain(text, &e))?;
    interaction(raw, line_no, speakers)
}

/// The interaction of a JSON line that has its shape, or `None` (without
/// the cost of saying why: it may be another format's call).
fn try_line(
    text: &str,
    line_no: u64,
    speakers: &Speakers,
) -> Option<std::result::Result<Interaction, (Option<u64>, String)>> {
    let raw: JsonInteraction = serde_json::from_str(text).ok()?;
    Some(interaction(raw, line_no, speakers))
}

fn interaction(
    raw: JsonInteraction,
    line_no: u64,
    speakers: &Speakers,
) -> std::result::Result<Interaction, (Option<u64>, String)> {
    let id = match raw.interaction_id {
        Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        other => {
            return Err((
                None,
                format!(
                    "interaction_id must be a non-empty string or a number, got {}",
                    describe(&other)
                ),
            ))
        }
    };
    let mut turns = Vec::with_capacity(raw.turns.len());
    for (pos, t) in raw.turns.into_iter().enumerate() {
        let at = |msg: String| (None, format!("turn {}: {msg}", pos + 1));
        let speaker =
            speakers.get(&t.speaker).ok_or_else(|| at(unknown_speaker(&t.speaker)))?;
        let ms = |v: Option<f64>, name: &str| match v {
            None => Ok(None),
            Some(x) => {
                decimal_int(x).map_err(|bad| at(bad.message(name, &format!("{x:e}"))))
            }
        };
        let (start_ms, end_ms) = (ms(t.start_ms, "start_ms")?, ms(t.end_ms, "end_ms")?);
        check_times(start_ms, end_ms).map_err(at)?;
        turns.push(Turn {
            turn: t.turn.unwrap_or(pos as i64 + 1),
            speaker,
            text: t.text,
            start_ms,
            end_ms,
            line: line_no,
            platform_sentiment: None,
        });
    }
    turns.sort_by_key(|t| t.turn);
    let language = raw.language.filter(|l| !l.trim().is_empty());
    Ok(Interaction { id, language, turns, meta: Vec::new(), platform: None })
}

/// True when `name` is a field of the transcript: of the interaction
/// (`turn_field` false) or of a turn.
fn transcript_field(name: &str, turn_field: bool) -> bool {
    let lists: &[&[&str]] = if turn_field {
        &[names::SPEAKER, names::TEXT, names::TURN, names::START, names::END]
    } else {
        &[names::ID, names::LANGUAGE, &["turns"]]
    };
    lists.iter().any(|l| l.contains(&name))
}

/// The fields of a JSON line that are not part of the transcript: the
/// interaction's, then its turns', each once, in order.
fn metadata_fields(fields: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &String| {
        if !out.contains(name) {
            out.push(name.clone());
        }
    };
    fields.keys().filter(|k| !transcript_field(k, false)).for_each(&mut add);
    if let Some(Value::Array(turns)) = fields.get("turns") {
        for turn in turns {
            if let Value::Object(turn) = turn {
                turn.keys().filter(|k| !transcript_field(k, true)).for_each(&mut add);
            }
        }
    }
    out
}

/// The message for `--keep-all` on a platform export: its calls' fields
/// are the transcript and the platform's figures, not metadata columns.
pub(super) const KEEP_ALL_PLATFORM: &str =
    "--keep-all takes the metadata columns of peakend's CSV or JSON Lines input; \
     name the top-level fields of a platform export's calls to keep with --keep \
     (e.g. --keep JobName)";

/// Checks the kept fields `names` against the first line of a source (or,
/// when `asked.all`, takes its metadata fields); returns the names kept. A
/// name the line lacks is an error unless `asked.lenient`. A first line
/// that is a platform's call is checked for the call's top-level fields.
pub(super) fn keep(
    first: &[u8],
    names: Vec<String>,
    asked: KeepAsked,
    path: &Path,
) -> Result<Vec<String>> {
    let text = String::from_utf8_lossy(first);
    // A line that is not an object is the reader's to report.
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&text) else {
        return Ok(names);
    };
    // As the reader tells them: a line with `turns` is peakend's own.
    let keys: Vec<String> = fields.keys().cloned().collect();
    let call = !fields.contains_key("turns") && Platform::sniff(&keys).is_some();
    if call && asked.all {
        return Err(Error::input(path, 1, KEEP_ALL_PLATFORM));
    }
    let found = if call { keys } else { metadata_fields(&fields) };
    if asked.all {
        return Ok(found);
    }
    for name in &names {
        if !call && (transcript_field(name, false) || transcript_field(name, true)) {
            return Err(Error::input(
                path,
                1,
                format!("--keep: field '{name}' is part of the transcript, not metadata to carry"),
            ));
        }
        if !asked.lenient && !found.contains(name) {
            let of =
                if call { "of the call" } else { "of the interaction and of its turns" };
            return Err(Error::input(
                path,
                1,
                format!(
                    "--keep: no field '{name}' in the first line (its fields, {of}: {})",
                    found.join(", ")
                ),
            ));
        }
    }
    Ok(names)
}

/// A kept JSON value as text: a string as it is, null as nothing, anything
/// else as its JSON.
fn kept_text(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::String(s) => s.as_str().into(),
        Value::Null => "".into(),
        other => other.to_string().into(),
    }
}

/// An object's fields with their values unparsed: a call's transcript is
/// only stepped over, not built, when one of its other fields is kept.
type RawFields<'a> = std::collections::HashMap<String, &'a RawValue>;

/// [`kept_text`] of a value not parsed yet.
fn raw_kept_text(raw: &RawValue) -> String {
    serde_json::from_str::<Value>(raw.get())
        .map(|v| kept_text(&v).into_owned())
        .unwrap_or_default()
}

/// Fills `ix.meta` with the fields `keep` of the interaction, then of its
/// turns in order (`text` is its JSON, `line` where it starts). A platform
/// call has no `turns`: its own top-level fields are kept.
pub(super) fn read_kept(
    ix: &mut Interaction,
    keep: &[String],
    text: &str,
    (path, line): (&Path, u64),
    ctx: &mut Ctx,
) {
    ix.meta = vec![String::new(); keep.len()];
    // The text was read as an interaction or a call: it is an object.
    let Ok(fields) = serde_json::from_str::<RawFields>(text) else { return };
    let turns: Vec<RawFields> = fields
        .get("turns")
        .and_then(|turns| serde_json::from_str(turns.get()).ok())
        .unwrap_or_default();
    for (k, name) in keep.iter().enumerate() {
        if let Some(v) = fields.get(name) {
            ctx.keep(&mut ix.meta, k, &raw_kept_text(v), (path, line), || name.clone());
        }
        for (i, turn) in turns.iter().enumerate() {
            if let Some(v) = turn.get(name) {
                let at = || format!("turns[{i}].{name}");
                ctx.keep(&mut ix.meta, k, &raw_kept_text(v), (path, line), at);
            }
        }
    }
}

/// What peakend reads, for the hints.
const ONE_PER_LINE: &str =
    "peakend reads JSON Lines: one interaction object per line (`jq -c` writes them)";

/// Why a line is not an interaction, said for a person: which field, what
/// was expected and what is there (serde's own message names Rust types:
/// "invalid type: string \"array\", expected a sequence"). Only called on
/// the error path: it parses the line again, as a [`Value`].
fn explain(text: &str, err: &serde_json::Error) -> (Option<u64>, String) {
    if text.trim_start().starts_with('[') {
        return (None, format!("this looks like a JSON array; {ONE_PER_LINE}"));
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) if e.is_eof() => {
            return (
                None,
                format!(
                    "the line ends inside a JSON value: this looks like pretty-printed (multi-line) JSON; {ONE_PER_LINE}"
                ),
            )
        }
        Err(e) => return (column(&e), format!("invalid JSON: {}", serde_message(&e))),
    };
    let Value::Object(fields) = &value else {
        return (None, format!("expected a JSON object, got {}", describe(&value)));
    };
    let problem = check_fields(
        fields,
        "",
        &[
            (names::ID, Expect::IdValue),
            (names::LANGUAGE, Expect::Text { required: false }),
            (&["turns"], Expect::Turns),
        ],
    )
    .or_else(|| {
        let Some(Value::Array(turns)) = fields.get("turns") else { return None };
        turns.iter().enumerate().find_map(|(i, turn)| {
            let path = format!("turns[{i}]");
            let Value::Object(turn) = turn else {
                return Some(format!(
                    "{path}: expected a turn {{\"speaker\": ..., \"text\": ...}}, got {}",
                    describe(turn)
                ));
            };
            check_fields(
                turn,
                &format!("{path}."),
                &[
                    (names::SPEAKER, Expect::Text { required: true }),
                    (names::TEXT, Expect::Text { required: true }),
                    (names::TURN, Expect::Whole),
                    (names::START, Expect::Number),
                    (names::END, Expect::Number),
                ],
            )
        })
    });
    match problem {
        Some(msg) => (None, msg),
        // Something else (a field given twice...): serde's words then.
        None => (column(err), format!("invalid JSON: {}", serde_message(err))),
    }
}

/// What a field must hold.
#[derive(Clone, Copy)]
enum Expect {
    /// A string or a number (required).
    IdValue,
    /// A string.
    Text { required: bool },
    /// A list of turns (required).
    Turns,
    /// A whole number that fits in 64 bits, or nothing.
    Whole,
    /// A number, or nothing.
    Number,
}

/// The first field of `fields` (each known by any of its names) that does
/// not hold what it must, said as `{prefix}{name}: expected ..., got ...`.
fn check_fields(
    fields: &serde_json::Map<String, Value>,
    prefix: &str,
    expected: &[(&[&str], Expect)],
) -> Option<String> {
    expected.iter().find_map(|&(names, expect)| {
        let found = names.iter().find_map(|n| fields.get(*n).map(|v| (*n, v)));
        let Some((name, value)) = found else {
            let required = matches!(
                expect,
                Expect::IdValue | Expect::Turns | Expect::Text { required: true }
            );
            return required.then(|| {
                let also = if names.len() > 1 {
                    format!(" (or: {})", names[1..].join(", "))
                } else {
                    String::new()
                };
                format!("missing field {prefix}{}{also}", names[0])
            });
        };
        let wanted = match (expect, value) {
            (Expect::IdValue, Value::String(_) | Value::Number(_))
            | (Expect::Text { .. }, Value::String(_))
            | (Expect::Text { required: false }, Value::Null)
            | (Expect::Turns, Value::Array(_))
            | (Expect::Whole | Expect::Number, Value::Null) => return None,
            (Expect::Number, Value::Number(_)) => return None,
            (Expect::Whole, Value::Number(n)) if n.is_i64() => return None,
            (Expect::Whole, Value::Number(n))
                if n.is_u64() || n.as_f64().is_some_and(|f| f.abs() >= 9.2e18) =>
            {
                return Some(format!(
                    "{prefix}{}",
                    BadNumber::Beyond64Bits.message(name, &n.to_string())
                ))
            }
            (Expect::IdValue, _) => "a string or a number",
            (Expect::Text { .. }, _) => "a string",
            (Expect::Turns, _) => {
                "a list of turns [{\"speaker\": ..., \"text\": ...}, ...]"
            }
            (Expect::Whole, _) => "a whole number (no point, no exponent)",
            (Expect::Number, _) => "a number",
        };
        Some(format!("{prefix}{name}: expected {wanted}, got {}", describe(value)))
    })
}

/// A JSON value as a person would name it.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("the string \"{}...\"", s.chars().take(40).collect::<String>())
        }
        Value::String(s) if s.trim().is_empty() => "an empty string".into(),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// serde_json's message without its " at line 1 column N" (the column is
/// ours to show).
pub(super) fn serde_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    msg.strip_suffix(&suffix).unwrap_or(&msg).to_string()
}

fn column(e: &serde_json::Error) -> Option<u64> {
    (e.column() > 0).then_some(e.column() as u64)
}

/// Reads the interactions of one chunk: whole lines of a JSON Lines
/// source, after `lines_before` line feeds of the source (blank lines are
/// skipped; a line that is not UTF-8 is decoded as Windows-1252). Each
/// line is peakend's interaction, or with `calls`, any call (or list of
/// calls) those formats allow.
pub(super) fn read_chunk(
    source: &SourceInfo,
    calls: Option<Accept>,
    bytes: &[u8],
    lines_before: u64,
    ctx: &mut Ctx,
    each: &mut dyn FnMut(&Interaction),
) -> Result<()> {
    let (path, keep, speakers) = (&*source.path, &*source.keep, &*source.speakers);
    let stem = match calls {
        Some(_) => platform::stem(path),
        None => String::new(),
    };
    let mut decoded = String::new();
    let mut line_no = lines_before;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        line_no += 1;
        let line = line.trim_ascii_end();
        if line.trim_ascii_start().is_empty() {
            continue;
        }
        let text = match std::str::from_utf8(line) {
            Ok(text) => text,
            Err(_) => {
                ctx.warnings.invalid_utf8 += 1;
                decoded.clear();
                decode_into(line, &mut decoded);
                decoded.as_str()
            }
        };
        let own = match calls {
            None => Some(parse_line(text, line_no, speakers)),
            // peakend's own interaction first: the common line, one parse
            // (not tried on a line without its `turns`: another format).
            Some(Accept::Any)
                if memchr::memmem::find(text.as_bytes(), b"\"turns\"").is_some() =>
            {
                try_line(text, line_no, speakers)
            }
            Some(Accept::Any) => None,
            Some(Accept::Only(_)) => None,
        };
        let Some(own) = own else {
            platform::read_calls(
                text,
                line_no,
                calls.unwrap_or(Accept::Any),
                &stem,
                speakers,
                &mut |line, call, raw| {
                    platform::deliver(line, call, raw, source, ctx, each)
                },
            )?;
            continue;
        };
        let parsed = own.and_then(|ix| match ctx.check_new(&ix.id) {
            Ok(()) => Ok(ix),
            Err(reason) => Err((None, reason)),
        });
        match parsed {
            Ok(mut ix) => {
                if !keep.is_empty() {
                    read_kept(&mut ix, keep, text, (path, line_no), ctx);
                }
                ctx.register(&ix.id, line_no);
                each(&ix);
            }
            Err((column, reason)) => {
                ctx.reject(path, line_no, column, reason, || text.to_string())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Format, InputWarnings};
    use crate::record::Speaker;

    fn read_all(data: &[u8]) -> Result<Vec<Interaction>> {
        Ok(read_named(data)?.0)
    }

    fn read_named(data: &[u8]) -> Result<(Vec<Interaction>, InputWarnings)> {
        super::super::read_named(data, Format::Jsonl, "t.jsonl", 1 << 16)
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
        let (ixs, w) = read_named(&data[..]).unwrap();
        assert_eq!(ixs[0].turns[0].text, "caf\u{e9}");
        assert_eq!(w.invalid_utf8, 1);
    }

    #[test]
    fn every_field_name_is_read() {
        // The field names of the derive are the shared lists, every one.
        for (id, lang) in names::ID.iter().zip(names::LANGUAGE.iter().cycle()) {
            for (((speaker, text), turn), (start, end)) in names::SPEAKER
                .iter()
                .zip(names::TEXT)
                .zip(names::TURN.iter().cycle())
                .zip(names::START.iter().zip(names::END).cycle())
            {
                let line = format!(
                    "{{\"{id}\":\"a\",\"{lang}\":\"en\",\"turns\":[{{\"{speaker}\":\"agent\",\"{text}\":\"hi\",\"{turn}\":3,\"{start}\":1,\"{end}\":2}}]}}"
                );
                let ix = parse_line(&line, 1, &Speakers::default())
                    .unwrap_or_else(|e| panic!("{line}: {e:?}"));
                assert_eq!(ix.language.as_deref(), Some("en"));
                let t = &ix.turns[0];
                assert_eq!(
                    (t.turn, t.text.as_str(), t.start_ms, t.end_ms),
                    (3, "hi", Some(1), Some(2))
                );
            }
        }
    }

    #[test]
    fn errors_name_the_line() {
        let cases: [(&[u8], &str); 19] = [
            (b"{\"interaction_id\":\"a\",\"turns\":[]}\n{oops}\n", "t.jsonl:2:2: invalid JSON: key must be a string"),
            (b"{\"interaction_id\":\"a\",\"turns\":[{\"speaker\":\"x\",\"text\":\"\"}]}", "t.jsonl:1: turn 1: unknown speaker 'x'"),
            (b"{\"interaction_id\":null,\"turns\":[]}", "t.jsonl:1: interaction_id must be"),
            (b"{\"interaction_id\":\"a\"}", "t.jsonl:1: missing field turns"),
            (b"{\"turns\":[]}", "t.jsonl:1: missing field interaction_id (or: conversation_id, contact_id, call_id, id)"),
            (b"", "t.jsonl:1: the file is empty"),
            (b"\n \r\n", "t.jsonl:1: the file is empty"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"\",\"start_ms\":-1e300,\"end_ms\":1e300}]}", "t.jsonl:1: turn 1: start_ms '-1e300' is too large: beyond 9e15"),
            // What a new user trips on: serde's words are not theirs.
            (b"[{\"id\":\"a\",\"turns\":[]}]\n", "t.jsonl:1: this looks like a JSON array; peakend reads JSON Lines: one interaction object per line"),
            (b"{\n  \"id\": \"a\",\n  \"turns\": []\n}\n", "t.jsonl:1: the line ends inside a JSON value: this looks like pretty-printed (multi-line) JSON; peakend reads JSON Lines"),
            (b"{\"id\":\"a\",\"turns\":\"array\"}", "t.jsonl:1: turns: expected a list of turns [{\"speaker\": ..., \"text\": ...}, ...], got the string \"array\""),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"hi\"},{\"role\":\"agent\",\"text\":7}]}", "t.jsonl:1: turns[1].text: expected a string, got the number 7"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\"}]}", "t.jsonl:1: missing field turns[0].text (or: content, utterance, message, transcript)"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"x\",\"turn\":99999999999999999999}]}", "t.jsonl:1: turns[0].turn '1e+20' is too large: more than 64 bits"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"x\",\"turn\":1.5}]}", "t.jsonl:1: turns[0].turn: expected a whole number (no point, no exponent), got the number 1.5"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"x\",\"start_ms\":200,\"end_ms\":100}]}", "t.jsonl:1: turn 1: end_ms 100 is before start_ms 200"),
            (b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"x\",\"start_ms\":-5}]}", "t.jsonl:1: turn 1: start_ms -5 is negative"),
            (b"42\n", "t.jsonl:1: expected a JSON object, got the number 42"),
            (b"{\"id\":\"a\",\"turns\":[]}\n{\"id\":\"b\",\"turns\":[]}\n{\"id\":\"a\",\"turns\":[]}\n", "t.jsonl:3: interaction 'a' appears again after other interactions (it started at line 1)"),
        ];
        for (data, want) in cases {
            let err = read_all(data).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }
}
