//! Contact-centre platform exports, read as they are: Amazon Transcribe
//! Call Analytics and Amazon Connect Contact Lens ([`aws`]), Genesys Cloud
//! ([`genesys`]), Google CCAI Insights ([`ccai`]) and Twilio
//! Conversational Intelligence ([`twilio`]), as `FORMATS.md` describes them.
//!
//! A JSON source holds one call, several one after the other (JSON Lines
//! of exports included), or a list of them. Each call is recognised by its
//! top-level keys ([`Platform::sniff`]) unless the format is forced, read
//! into the format's typed structs (serde, so a wrong field is an error
//! that names its JSON path, `Transcript[3].Content`), and turned into the
//! same [`Interaction`] as CSV, with the platform's own sentiment and
//! conversation figures beside it ([`PlatformFacts`]). peakend's own JSON
//! interaction (`turns`) is recognised too, so a pretty-printed one or a
//! list of them reads as JSON Lines does.

mod aws;
mod ccai;
mod genesys;
mod twilio;

use std::fmt;
use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::{jsonl, Ctx, SourceInfo};
use crate::record::{unknown_speaker, Interaction, Speaker, Speakers};

/// A platform export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Amazon Transcribe Call Analytics (post-call JSON).
    Transcribe,
    /// Amazon Connect Contact Lens (voice analysis file).
    ContactLens,
    /// Genesys Cloud speech and text analytics transcript.
    Genesys,
    /// Google Contact Center AI Insights conversation (upload or analysed).
    Ccai,
    /// Twilio Conversational Intelligence transcript sentences.
    Twilio,
}

impl Platform {
    /// Every format, in the order they are tried.
    pub const ALL: [Platform; 5] = [
        Platform::Transcribe,
        Platform::ContactLens,
        Platform::Genesys,
        Platform::Ccai,
        Platform::Twilio,
    ];

    /// The name used by `--input-format` and the `platform` column.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Transcribe => "transcribe",
            Platform::ContactLens => "contact-lens",
            Platform::Genesys => "genesys",
            Platform::Ccai => "ccai",
            Platform::Twilio => "twilio",
        }
    }

    /// The format and the keys that tell it, for messages.
    fn described(self) -> &'static str {
        match self {
            Platform::Transcribe => {
                "Amazon Transcribe Call Analytics (Transcript[], JobName)"
            }
            Platform::ContactLens => {
                "Amazon Connect Contact Lens (Transcript[], ContactId or InstanceId)"
            }
            Platform::Genesys => "Genesys Cloud (conversationId, transcripts[])",
            Platform::Ccai => {
                "Google CCAI Insights (entries[], or transcript.transcriptSegments[])"
            }
            Platform::Twilio => "Twilio Conversational Intelligence (sentences[])",
        }
    }

    /// The format a call's top-level keys tell, if any.
    pub(crate) fn sniff(keys: &[String]) -> Option<Platform> {
        let has = |k: &str| keys.iter().any(|key| key == k);
        if has("Transcript") {
            let connect = ["ContactId", "InstanceId", "CustomModels", "JobDetails"];
            Some(if connect.iter().any(|k| has(k)) {
                Platform::ContactLens
            } else {
                Platform::Transcribe
            })
        } else if has("transcripts") || has("conversationId") {
            Some(Platform::Genesys)
        } else if has("entries") || has("transcript") || has("conversation_info") {
            Some(Platform::Ccai)
        } else if has("sentences") {
            Some(Platform::Twilio)
        } else {
            None
        }
    }

    fn read(self, doc: &Doc) -> Result<Interaction, Problem> {
        let mut ix = match self {
            Platform::Transcribe | Platform::ContactLens => aws::read(self, doc),
            Platform::Genesys => genesys::read(doc),
            Platform::Ccai => ccai::read(doc),
            Platform::Twilio => twilio::read(doc),
        }?;
        if let Some(facts) = &mut ix.platform {
            facts.name = self.name();
        }
        for (pos, t) in ix.turns.iter_mut().enumerate() {
            t.turn = pos as i64 + 1;
            t.line = doc.line;
        }
        Ok(ix)
    }
}

/// What the calls of a JSON source are expected to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Any format, recognised by its keys.
    Any,
    /// This format only.
    Only(Platform),
}

/// Why a call cannot be read: where (the line in the source, and the
/// column when known) and what, the JSON path first.
#[derive(Debug)]
pub(crate) struct Problem {
    pub line: u64,
    pub column: Option<u64>,
    pub msg: String,
}

/// One call being read: its JSON text and where it is.
pub(super) struct Doc<'a> {
    /// The call's JSON.
    text: &'a str,
    /// The line of the source where it starts.
    line: u64,
    /// The column (1-based, in bytes) of that line where it starts.
    column: u64,
    /// Its place in a list (`[2]`), empty otherwise.
    prefix: String,
    /// The source's file name without extensions, for ids.
    stem: &'a str,
    speakers: &'a Speakers,
}

impl Doc<'_> {
    /// The call's fields in the format's typed structs; a field that does
    /// not fit is a problem naming its JSON path, the line and column.
    fn parse<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        // Read again to find the path only when the plain read fails.
        if let Ok(value) = serde_json::from_str(self.text) {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_str(self.text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let msg = humane(&jsonl::serde_message(inner));
            // serde finds a field missing at the object's end: for the
            // call's own fields, its start says more.
            if path.is_empty() && msg.starts_with("missing field") {
                return self.problem("", msg);
            }
            let column = match inner.line() {
                1 => self.column + inner.column() as u64 - 1,
                _ => inner.column() as u64,
            };
            Problem {
                line: self.line + inner.line().saturating_sub(1) as u64,
                column: (inner.column() > 0).then_some(column),
                msg: self.at(&path, &msg),
            }
        })
    }

    /// `msg` about the field at `path` (within the call).
    fn at(&self, path: &str, msg: &str) -> String {
        let path = match (self.prefix.is_empty(), path.is_empty()) {
            (true, _) => path.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{path}", self.prefix),
        };
        if path.is_empty() {
            msg.to_string()
        } else {
            format!("{path}: {msg}")
        }
    }

    /// A problem with the field at `path`, at the call's first line.
    fn problem(&self, path: &str, msg: impl AsRef<str>) -> Problem {
        Problem { line: self.line, column: None, msg: self.at(path, msg.as_ref()) }
    }

    /// The call's id: the one it names (trimmed), else [`Doc::fallback_id`].
    fn id(&self, named: Option<String>) -> String {
        named_id(named).unwrap_or_else(|| self.fallback_id())
    }

    /// The id of a call that names none: the file's name, with the call's
    /// place when the file holds several.
    fn fallback_id(&self) -> String {
        match (self.prefix.as_str(), self.line) {
            ("", 1) => self.stem.to_string(),
            ("", line) => format!("{}:{line}", self.stem),
            (prefix, _) => format!("{}{prefix}", self.stem),
        }
    }

    /// Who spoke under `label` (the field at `path`): `--speakers` first,
    /// then the platform's own names (`vocabulary`), then the built-in ones.
    fn speaker(
        &self,
        label: &str,
        path: &dyn Fn() -> String,
        vocabulary: fn(&str) -> Option<Speaker>,
    ) -> Result<Speaker, Problem> {
        self.speakers
            .mapped(label)
            .or_else(|| vocabulary(label))
            .or_else(|| Speaker::parse(label))
            .ok_or_else(|| self.problem(&path(), unknown_speaker(label)))
    }

    /// Checks a turn's times (offsets from the start of the call).
    fn check_times(
        &self,
        path: &dyn Fn() -> String,
        start: Option<i64>,
        end: Option<i64>,
    ) -> Result<(), Problem> {
        super::check_times(start, end).map_err(|msg| self.problem(&path(), msg))
    }
}

/// An id or a language as named: trimmed, `None` when empty.
fn named_id(named: Option<String>) -> Option<String> {
    named.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// serde's "invalid type: integer `7`, expected a string" said the way the
/// other input messages say it: "expected a string, got integer `7`".
fn humane(msg: &str) -> String {
    for lead in ["invalid type: ", "invalid value: "] {
        if let Some((got, expected)) =
            msg.strip_prefix(lead).and_then(|rest| rest.split_once(", expected "))
        {
            return format!("expected {expected}, got {got}").replace('`', "");
        }
    }
    msg.replace('`', "")
}

/// The top-level keys of a JSON object, in order (the values are skipped
/// unread).
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object (one call)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(KeysVisitor)
    }
}

/// The names peakend's own JSON interaction is told by.
fn is_peakend(keys: &[String]) -> bool {
    keys.iter().any(|k| k == "turns" || super::names::ID.contains(&k.as_str()))
}

/// Reads one call.
fn read_call(doc: &Doc, expect: Accept) -> Result<Interaction, Problem> {
    match serde_json::from_str::<Keys>(doc.text) {
        Ok(Keys(keys)) => read_object(doc, keys, expect),
        Err(_) => {
            let got = serde_json::from_str::<serde_json::Value>(doc.text)
                .map_or_else(|_| "something else".to_string(), |v| jsonl::describe(&v));
            Err(doc.problem("", format!("expected a JSON object (one call), got {got}")))
        }
    }
}

/// Reads one call, a JSON object with these top-level keys.
fn read_object(
    doc: &Doc,
    keys: Vec<String>,
    expect: Accept,
) -> Result<Interaction, Problem> {
    let platform = match expect {
        Accept::Only(p) => p,
        Accept::Any => match Platform::sniff(&keys) {
            Some(p) => p,
            None if is_peakend(&keys) => {
                return jsonl::parse_line(doc.text, doc.line, doc.speakers).map_err(
                    |(column, msg)| Problem {
                        line: doc.line,
                        column,
                        msg: doc.at("", &msg),
                    },
                );
            }
            None => {
                let tried: Vec<&str> =
                    std::iter::once("peakend JSON (interaction_id, turns[])")
                        .chain(Platform::ALL.iter().map(|p| p.described()))
                        .collect();
                return Err(doc.problem(
                    "",
                    format!(
                        "not a format peakend knows; tried {}; the object's keys are: {} \
                         (--input-format names the format, and its errors then say what is missing)",
                        tried.join("; "),
                        shown_keys(&keys)
                    ),
                ));
            }
        },
    };
    platform.read(doc).map_err(|mut p| {
        if Platform::sniff(&keys) != Some(platform) {
            p.msg += &format!(
                " (read as {} as asked; the object's keys are: {})",
                platform.described(),
                shown_keys(&keys)
            );
        }
        p
    })
}

/// Keys for a message: the first dozen.
fn shown_keys(keys: &[String]) -> String {
    match keys.len() {
        0 => "none (an empty object)".to_string(),
        n if n > 12 => format!("{}, ... ({n} keys)", keys[..12].join(", ")),
        _ => keys.join(", "),
    }
}

/// A source's file name without `.gz` and the format's extension: the id
/// of a call that names none (`job-17.json.gz` -> `job-17`).
pub(super) fn stem(path: &Path) -> String {
    let name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.trim_start_matches('<').trim_end_matches('>');
    let name = strip_suffix_ci(name, ".gz");
    let name = [".json", ".jsonl", ".ndjson"]
        .iter()
        .fold(name, |n, ext| strip_suffix_ci(n, ext));
    name.to_string()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> &'a str {
    let n = s.len().wrapping_sub(suffix.len());
    match s.get(n..) {
        Some(end) if s.len() > suffix.len() && end.eq_ignore_ascii_case(suffix) => {
            &s[..n]
        }
        _ => s,
    }
}

/// What is done with each call read: its line, the interaction or its
/// problem, and its JSON.
type OnCall<'a> =
    dyn FnMut(u64, Result<Interaction, Problem>, &str) -> crate::error::Result<()> + 'a;

/// Reads the calls of `text` (one JSON value, several one after the
/// other, each a call or a list of calls), starting at line `first_line`
/// of the source, into `each`: an interaction, or the problem of a call
/// that cannot be read with the call's JSON. Invalid JSON ends the text
/// (nothing after it can be told apart), as one problem.
pub(super) fn read_calls(
    text: &str,
    first_line: u64,
    expect: Accept,
    stem: &str,
    speakers: &Speakers,
    each: &mut OnCall,
) -> crate::error::Result<()> {
    let lines = LineCounter::new(text, first_line);
    let doc =
        |text, (line, column), prefix| Doc { text, line, column, prefix, stem, speakers };
    // The common text, one object: its keys tell it (and that nothing
    // follows), without a pass to cut the text into values.
    let json = text.trim();
    if json.starts_with('{') {
        if let Ok(Keys(keys)) = serde_json::from_str::<Keys>(json) {
            let d = doc(json, lines.place_of(json), String::new());
            return each(d.line, read_object(&d, keys, expect), json);
        }
    }
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    loop {
        let value = match stream.next() {
            None => return Ok(()),
            Some(Ok(value)) => value,
            Some(Err(e)) => {
                let problem = Problem {
                    line: first_line + e.line().saturating_sub(1) as u64,
                    column: (e.column() > 0).then_some(e.column() as u64),
                    msg: if e.is_eof() {
                        "the JSON ends inside a value: the file is cut short".to_string()
                    } else {
                        format!("invalid JSON: {}", jsonl::serde_message(&e))
                    },
                };
                let offset = stream.byte_offset().min(text.len());
                let rest = text.get(offset..).unwrap_or_default();
                return each(problem.line, Err(problem), rest);
            }
        };
        let json = value.get();
        let (line, column) = lines.place_of(json);
        if json.starts_with('[') {
            match serde_json::from_str::<Vec<&RawValue>>(json) {
                Ok(calls) => {
                    for (i, call) in calls.iter().enumerate() {
                        let d =
                            doc(call.get(), lines.place_of(call.get()), format!("[{i}]"));
                        each(d.line, read_call(&d, expect), d.text)?;
                    }
                }
                // Valid JSON (the stream read it) of other strings: not reached.
                Err(e) => {
                    let d = doc(json, (line, column), String::new());
                    each(line, Err(d.problem("", e.to_string())), json)?
                }
            }
        } else {
            let d = doc(json, (line, column), String::new());
            each(line, read_call(&d, expect), json)?;
        }
    }
}

/// Hands a call read to `each`, or sets its problem aside (or stops) as
/// [`Ctx::reject`] does; a call whose id was seen before is a problem too.
pub(super) fn deliver(
    line: u64,
    call: Result<Interaction, Problem>,
    raw: &str,
    source: &SourceInfo,
    ctx: &mut Ctx,
    each: &mut dyn FnMut(&Interaction),
) -> crate::error::Result<()> {
    let path = &*source.path;
    let checked = call.and_then(|ix| match ctx.check_new(&ix.id) {
        Ok(()) => Ok(ix),
        Err(msg) => Err(Problem { line, column: None, msg }),
    });
    match checked {
        Ok(mut ix) => {
            if !source.keep.is_empty() {
                // The call's top-level fields (README, "Keeping input columns").
                jsonl::read_kept(&mut ix, &source.keep, raw, (path, line), ctx);
            }
            ctx.register(&ix.id, line);
            each(&ix);
            Ok(())
        }
        Err(p) => ctx.reject(path, p.line, p.column, p.msg, || raw.to_string()),
    }
}

/// Reads a chunk that is a whole JSON source (its calls spread over
/// lines), after `lines_before` line feeds (of a byte order mark's line);
/// a source that is not UTF-8 is decoded as Windows-1252.
pub(super) fn read_chunk(
    source: &SourceInfo,
    expect: Accept,
    bytes: &[u8],
    lines_before: u64,
    ctx: &mut Ctx,
    each: &mut dyn FnMut(&Interaction),
) -> crate::error::Result<()> {
    let path = &*source.path;
    let mut invalid = false;
    let text = super::decode(bytes, &mut invalid);
    if invalid {
        ctx.warnings.invalid_utf8 += 1;
    }
    let stem = stem(path);
    read_calls(
        &text,
        lines_before + 1,
        expect,
        &stem,
        &source.speakers,
        &mut |line, call, raw| deliver(line, call, raw, source, ctx, each),
    )
}

/// Line numbers of places in a text (by their address within it).
struct LineCounter<'a> {
    text: &'a str,
    first_line: u64,
    /// (byte offset, line) of the last place asked for: places come in order.
    last: std::cell::Cell<(usize, u64)>,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str, first_line: u64) -> Self {
        LineCounter { text, first_line, last: std::cell::Cell::new((0, first_line)) }
    }

    /// The line and column where `part` (a slice of the text) starts.
    fn place_of(&self, part: &str) -> (u64, u64) {
        let offset = (part.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .min(self.text.len());
        let (mut from, mut line) = self.last.get();
        if offset < from {
            (from, line) = (0, self.first_line);
        }
        let bytes = self.text.as_bytes();
        line += memchr::memchr_iter(b'\n', &bytes[from..offset]).count() as u64;
        self.last.set((offset, line));
        let line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        (line, (offset - line_start) as u64 + 1)
    }
}

/// A duration written as protobuf JSON does (`"12.5s"`), in milliseconds.
fn seconds_ms(s: &str) -> Option<i64> {
    let secs: f64 = s.trim().strip_suffix('s')?.parse().ok()?;
    secs.is_finite().then(|| (secs * 1000.0).round() as i64)
}

/// An RFC 3339 time (`2024-03-01T10:15:30.250Z`, `...+01:00`) in
/// milliseconds since 1970.
fn rfc3339_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let f: f64 = format!("0.{}", &frac[..digits]).parse().ok()?;
        ms = (f * 1000.0).round() as i64;
        rest = &frac[digits..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 60 + om)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(seconds_ms("12.5s"), Some(12_500));
        assert_eq!(seconds_ms("0s"), Some(0));
        assert_eq!(seconds_ms("12"), None);
        assert_eq!(rfc3339_ms("1970-01-01T00:00:01.250Z"), Some(1250));
        assert_eq!(rfc3339_ms("2024-03-01T10:15:30Z"), Some(1_709_288_130_000));
        assert_eq!(rfc3339_ms("2024-03-01T11:15:30+01:00"), Some(1_709_288_130_000));
        assert_eq!(rfc3339_ms("yesterday"), None);
    }

    /// The interactions of `json` read with `speakers`, or the problems.
    fn read(json: &str, speakers: &str) -> Result<Vec<Interaction>, Vec<String>> {
        let speakers = Speakers::parse(speakers).unwrap();
        let (mut ixs, mut problems) = (Vec::new(), Vec::new());
        read_calls(json, 1, Accept::Any, "f", &speakers, &mut |_, call, _| {
            match call {
                Ok(ix) => ixs.push(ix),
                Err(p) => problems.push(p.msg),
            }
            Ok(())
        })
        .unwrap();
        if problems.is_empty() {
            Ok(ixs)
        } else {
            Err(problems)
        }
    }

    fn starts(
        ix: &Interaction,
    ) -> Vec<(crate::record::Speaker, Option<i64>, Option<i64>)> {
        ix.turns.iter().map(|t| (t.speaker, t.start_ms, t.end_ms)).collect()
    }

    #[test]
    fn sniffing_by_keys() {
        let sniff = |keys: &[&str]| {
            Platform::sniff(&keys.iter().map(|k| k.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(sniff(&["JobName", "Transcript"]), Some(Platform::Transcribe));
        assert_eq!(sniff(&["Transcript", "ContactId"]), Some(Platform::ContactLens));
        assert_eq!(sniff(&["conversationId"]), Some(Platform::Genesys));
        assert_eq!(sniff(&["entries"]), Some(Platform::Ccai));
        assert_eq!(sniff(&["transcript", "name"]), Some(Platform::Ccai));
        assert_eq!(sniff(&["sentences"]), Some(Platform::Twilio));
        assert_eq!(sniff(&["turns", "id"]), None);
    }

    #[test]
    fn the_less_common_shapes() {
        use crate::record::Speaker::{Agent, Customer};
        // CCAI chat: message times only, relative to the first.
        let chat = r#"{"transcript": {"transcriptSegments": [
            {"text": "hi", "segmentParticipant": {"role": "END_USER"}, "messageTime": "2024-03-01T10:00:01.500Z"},
            {"text": "hello", "segmentParticipant": {"role": "AUTOMATED_AGENT"}, "messageTime": "2024-03-01T10:00:04Z"}]}}"#;
        let ix = &read(chat, "").unwrap()[0];
        assert_eq!(starts(ix), [(Customer, Some(0), None), (Agent, Some(2500), None)]);
        assert_eq!(ix.id, "f");
        // Genesys: two transcripts in time order; decoratedText alone.
        let genesys = r#"{"conversationId": "g", "transcripts": [
            {"phrases": [{"decoratedText": "b", "startTimeMs": 1700000002000, "participantPurpose": "internal"}]},
            {"phrases": [{"text": "a", "startTimeMs": 1700000000000, "duration": {"milliseconds": 500}, "participantPurpose": "external"}]}]}"#;
        let ix = &read(genesys, "").unwrap()[0];
        assert_eq!(
            starts(ix),
            [(Customer, Some(0), Some(500)), (Agent, Some(2000), None)]
        );
        assert_eq!((ix.turns[0].text.as_str(), ix.turns[1].turn), ("a", 2));
        // Twilio: seconds as strings, roles by --speakers, sentence_index order.
        let twilio = r#"{"sentences": [
            {"media_channel": 2, "sentence_index": 1, "start_time": "1.25", "end_time": 2, "transcript": "b"},
            {"media_channel": 1, "sentence_index": 0, "start_time": 0, "end_time": "1", "transcript": "a"}]}"#;
        assert_eq!(
            read(twilio, "").unwrap_err(),
            ["sentences[1].media_channel: ".to_string() + &unknown_speaker("ch_1")]
        );
        let ix = &read(twilio, "ch_1=customer,2=agent").unwrap()[0];
        assert_eq!(
            starts(ix),
            [(Customer, Some(0), Some(1000)), (Agent, Some(1250), Some(2000))]
        );
        // Contact Lens: an id outside Participants, named by --speakers.
        let cl = r#"{"ContactId": "c", "Participants": [], "Transcript": [
            {"ParticipantId": "p-9", "Content": "hi", "BeginOffsetMillis": 0, "EndOffsetMillis": 10}]}"#;
        assert!(
            read(cl, "").unwrap_err()[0].contains("'p-9' is not among Participants[]")
        );
        assert_eq!(read(cl, "p-9=customer").unwrap()[0].turns[0].speaker, Customer);
        // Several calls one after the other, and a list.
        let two = format!("{cl}\n{cl}");
        let ids: Vec<String> =
            read(&two, "p-9=agent").unwrap().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, ["c", "c"]);
        let listed = format!("[{genesys}, {chat}]");
        let ids: Vec<String> =
            read(&listed, "").unwrap().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, ["g", "f[1]"]);
    }

    #[test]
    fn cut_or_damaged_exports_are_problems_not_panics() {
        let fixtures = [
            include_str!("../../../tests/data/formats/transcribe/call-1.json"),
            include_str!("../../../tests/data/formats/genesys/call-2.json"),
            include_str!("../../../tests/data/formats/ccai/call-2.json"),
            include_str!("../../../tests/data/formats/twilio/call-3.json"),
        ];
        for json in fixtures {
            assert_eq!(read(json, "").map(|ixs| ixs.len()), Ok(1));
            // Numbers beyond 64 bits.
            let _ = read(&json.replace("1709", "9223372036854775807"), "");
            for cut in (0..json.len()).step_by(23).filter(|&c| json.is_char_boundary(c)) {
                let _ = read(&json[..cut], "");
                // A digit, a quote or a bracket where something else was.
                for with in ["7", "\"", "]"] {
                    if json.is_char_boundary(cut + 1) {
                        let _ = read(
                            &format!("{}{with}{}", &json[..cut], &json[cut + 1..]),
                            "",
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn times_at_the_ends_of_64_bits_do_not_overflow() {
        let (min, max) = (i64::MIN, i64::MAX);
        let genesys = format!(
            r#"{{"conversationId": "g", "transcripts": [{{"phrases": [
            {{"text": "a", "startTimeMs": {min}, "participantPurpose": "external"}},
            {{"text": "b", "startTimeMs": {max}, "duration": {{"milliseconds": {max}}}, "participantPurpose": "internal"}}]}}]}}"#
        );
        let ix = &read(&genesys, "").unwrap()[0];
        assert_eq!(ix.turns[1].start_ms, Some(max));
        let upload = format!(
            r#"{{"entries": [{{"text": "a", "role": "CUSTOMER", "start_timestamp_usec": {min}}},
            {{"text": "b", "role": "AGENT", "start_timestamp_usec": {max}}}]}}"#
        );
        assert_eq!(read(&upload, "").unwrap()[0].turns[1].start_ms, Some(max / 1000));
    }

    #[test]
    fn stems_and_messages() {
        assert_eq!(stem(Path::new("a/job-17.json.gz")), "job-17");
        assert_eq!(stem(Path::new("calls.JSONL")), "calls");
        assert_eq!(stem(Path::new("<stdin>")), "stdin");
        assert_eq!(
            humane("invalid type: integer `7`, expected a string"),
            "expected a string, got integer 7"
        );
        assert_eq!(humane("missing field `Content`"), "missing field Content");
    }
}
