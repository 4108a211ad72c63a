//! Platform exports in: the same calls as CSV and as each platform's JSON
//! (tests/data/formats, written by make_fixtures.py from FORMATS.md) give
//! the same peakend figures; gzip, directories, globs, standard input,
//! `--speakers` and the errors of malformed exports.

use std::collections::BTreeMap;
use std::io::Write;

use crate::util::{col, csv_rows, data, TestCommand};

/// The three calls of the fixtures.
const IDS: [&str; 3] = ["call-1", "call-2", "call-3"];

/// Runs `peakend score` with `args` (and `stdin`); the per-interaction
/// rows by id, each without its id.
fn run(
    args: &[&str],
    stdin: Option<&[u8]>,
) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let mut c = TestCommand::new(&["score", "-q"]);
    for a in args {
        c.arg(a);
    }
    if let Some(s) = stdin {
        c.stdin(s.to_vec());
    }
    let out = c.stdout();
    let rows = csv_rows(&out);
    let header = rows[0].clone();
    let id = col(&header, "interaction_id");
    let by_id = rows[1..]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let key = r.remove(id);
            (key, r)
        })
        .collect();
    (header, by_id)
}

/// peakend's own figures of a run: every column but the id and the
/// `platform_` ones, by id.
fn figures(
    header: &[String],
    rows: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<(String, String)>> {
    let names: Vec<&String> = header.iter().filter(|h| *h != "interaction_id").collect();
    rows.iter()
        .map(|(id, r)| {
            let cells = names
                .iter()
                .zip(r)
                .filter(|(n, _)| !n.starts_with("platform"))
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect();
            (id.clone(), cells)
        })
        .collect()
}

fn fixture(rel: &str) -> String {
    data(&format!("tests/data/formats/{rel}")).display().to_string()
}

/// The figures of calls.csv; with `no_end` the calls whose `end_ms` is
/// blanked first (a format that carries start times only).
fn csv_figures(no_end: &[&str]) -> BTreeMap<String, Vec<(String, String)>> {
    let csv = std::fs::read_to_string(fixture("calls.csv")).unwrap();
    let mut lines: Vec<String> = Vec::new();
    for (i, line) in csv.lines().enumerate() {
        let blank = i > 0 && no_end.iter().any(|id| line.starts_with(&format!("{id},")));
        lines.push(match line.rsplit_once(',') {
            Some((rest, _)) if blank => format!("{rest},"),
            _ => line.to_string(),
        });
    }
    let (header, rows) = run(&["-"], Some((lines.join("\n") + "\n").as_bytes()));
    figures(&header, &rows)
}

/// Checks that the platform files of `dir` (read as `args` say) give the
/// figures of calls.csv; returns the run's rows for more checks.
fn same_as_csv(
    dir: &str,
    no_end: &[&str],
) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let (header, rows) = run(&[&fixture(dir)], None);
    assert_eq!(rows.keys().collect::<Vec<_>>(), IDS, "{dir}: ids");
    let got = figures(&header, &rows);
    let want = csv_figures(no_end);
    for id in IDS {
        assert_eq!(got[id], want[id], "{dir}: {id}");
    }
    (header, rows)
}

fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    // The rows lost their id column: positions after it move by one.
    let i = col(header, name);
    let id = col(header, "interaction_id");
    &row[if i > id { i - 1 } else { i }]
}

#[test]
fn transcribe_gives_the_csv_figures() {
    let (h, rows) = same_as_csv("transcribe", &[]);
    let r = &rows["call-1"];
    assert_eq!(cell(&h, r, "platform"), "transcribe");
    assert_eq!(cell(&h, r, "platform_customer_sentiment"), "-1.2000");
    assert_eq!(cell(&h, r, "platform_agent_sentiment"), "2.5000");
    // Last quarter (1.5) minus the first (-3.5).
    assert_eq!(cell(&h, r, "platform_customer_trend"), "5.0000");
    assert_eq!(cell(&h, r, "platform_duration_ms"), "25900");
    assert_eq!(cell(&h, r, "platform_talk_ms"), "23300");
    assert_eq!(cell(&h, r, "platform_non_talk_ms"), "2600");
    assert_eq!(cell(&h, r, "platform_interruptions"), "1");
    // call-3 has no JobName: its file name names it.
    assert!(rows.contains_key("call-3"));
}

#[test]
fn contact_lens_gives_the_csv_figures() {
    // Roles by ParticipantId; call-2 has no ContactId: the file name
    // `call-2_analysis_<time>.json` names it.
    let (h, rows) = same_as_csv("contact-lens", &[]);
    assert_eq!(cell(&h, &rows["call-2"], "platform"), "contact-lens");
    assert_eq!(cell(&h, &rows["call-2"], "platform_customer_sentiment"), "-1.2000");
}

#[test]
fn genesys_gives_the_csv_figures() {
    // Epoch times made relative to the first phrase; the IVR prompt is an
    // agent-side turn.
    let (h, rows) = same_as_csv("genesys", &[]);
    assert_eq!(cell(&h, &rows["call-1"], "platform"), "genesys");
    assert_eq!(cell(&h, &rows["call-1"], "platform_customer_sentiment"), "");
}

#[test]
fn ccai_gives_the_csv_figures() {
    // call-1 is the upload form: start times only.
    let (h, rows) = same_as_csv("ccai", &["call-1"]);
    let r = &rows["call-2"];
    assert_eq!(cell(&h, r, "platform"), "ccai");
    assert_eq!(cell(&h, r, "platform_customer_sentiment"), "-0.3000");
    assert_eq!(cell(&h, r, "platform_agent_sentiment"), "0.6000");
    assert_eq!(cell(&h, r, "platform_non_talk_ms"), "4500");
    assert_eq!(cell(&h, r, "platform_duration_ms"), "56000");
}

#[test]
fn twilio_gives_the_csv_figures() {
    same_as_csv("twilio", &[]);
}

#[test]
fn per_turn_platform_sentiment() {
    let mut c =
        TestCommand::new(&["score", "-q", "-o", "ix.csv", "--turns", "turns.csv"]);
    c.arg(fixture("transcribe/call-1.json")).arg(fixture("genesys/call-2.json"));
    c.stdout();
    let rows = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let s = col(&rows[0], "platform_sentiment");
    let got: Vec<&str> = rows[1..].iter().map(|r| r[s].as_str()).collect();
    // Transcribe NEGATIVE NEUTRAL POSITIVE MIXED ...; Genesys on the
    // customer's phrases only (none in CSV: the golden outputs).
    assert_eq!(&got[..6], ["-1.0000", "0.0000", "1.0000", "0.0000", "-1.0000", "0.0000"]);
    assert_eq!(got[6..], ["", "", "-0.1000", "", "0.4000", "", "0.9000"]);
}

#[test]
fn stdin_with_and_without_input_format() {
    for (dir, format) in [
        ("transcribe", "transcribe"),
        ("contact-lens", "contact-lens"),
        ("genesys", "genesys"),
        ("ccai", "ccai"),
        ("twilio", "twilio"),
    ] {
        let file = fixture(&format!(
            "{dir}/call-2{}",
            if dir == "contact-lens" {
                "_analysis_20240301T101530Z.json"
            } else {
                ".json"
            }
        ));
        let json = std::fs::read(&file).unwrap();
        let (h1, forced) = run(&["--input-format", format, "-"], Some(&json));
        let (h2, auto) = run(&["-"], Some(&json));
        let (h3, named) = run(&[&file], None);
        let values = |h, rows| figures(h, rows).into_values().collect::<Vec<_>>();
        assert_eq!(values(&h1, &forced), values(&h3, &named), "{format}");
        assert_eq!(values(&h2, &auto), values(&h3, &named), "{format}");
        // Contact Lens' call-2 has no ContactId, and standard input no file
        // name: named `stdin`.
        let id = if dir == "contact-lens" { "stdin" } else { "call-2" };
        assert_eq!(forced.keys().collect::<Vec<_>>(), [id], "{format}");
    }
    // CSV and JSON Lines on standard input are told by content too.
    let csv = std::fs::read(fixture("calls.csv")).unwrap();
    assert_eq!(
        run(&["-"], Some(&csv)).1,
        run(&["--input-format", "csv", "-"], Some(&csv)).1
    );
    let jsonl = b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"great, thanks\"}]}\n";
    assert_eq!(
        run(&["-"], Some(jsonl)).1,
        run(&["--input-format", "jsonl", "-"], Some(jsonl)).1
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_directories_globs_and_many_calls_per_file() {
    let want = run(&[&fixture("transcribe")], None);
    let c = TestCommand::new(&[]);
    let mut docs = Vec::new();
    for id in IDS {
        let json = std::fs::read(fixture(&format!("transcribe/{id}.json"))).unwrap();
        // `.gz` by name, and gzip by its magic bytes alone.
        c.file(&format!("gz/{id}.json.gz"), gzip(&json));
        c.file(&format!("magic/{id}.json"), gzip(&json));
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        docs.push(value);
    }
    let dir = |d: &str| c.path(d).display().to_string();
    assert_eq!(run(&[&dir("gz")], None), want, "a directory of .json.gz");
    assert_eq!(run(&[&dir("magic")], None), want, "gzip told by content");
    // A glob the shell did not expand (quoted), in name order.
    let pattern = format!("{}/*.json", fixture("transcribe"));
    assert_eq!(run(&[&pattern], None), want, "a glob");
    // The same calls as one JSON list, and as JSON Lines of exports; the
    // third has no JobName: named by the file and its place.
    let list = serde_json::to_string_pretty(&docs).unwrap();
    let (_, rows) = run(&[&c.file("all.json", &list).display().to_string()], None);
    assert_eq!(rows.keys().collect::<Vec<_>>(), ["all[2]", "call-1", "call-2"]);
    let lines: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
    let (h, rows) =
        run(&[&c.file("all.jsonl", lines.join("\n")).display().to_string()], None);
    assert_eq!(rows.keys().collect::<Vec<_>>(), ["all:3", "call-1", "call-2"]);
    assert_eq!(figures(&h, &rows)["call-1"], figures(&want.0, &want.1)["call-1"]);
    // A gzip-compressed CSV on standard input.
    let csv = std::fs::read(fixture("calls.csv")).unwrap();
    assert_eq!(run(&["-"], Some(&gzip(&csv))), run(&[&fixture("calls.csv")], None));
    // peakend's own JSON, pretty-printed or as a list: read too.
    let pretty = b"[\n  {\"id\": \"a\",\n   \"turns\": [{\"speaker\": \"customer\", \"text\": \"great\"}]}\n]\n";
    let (_, rows) = run(&[&c.file("own.json", pretty).display().to_string()], None);
    assert_eq!(rows.keys().collect::<Vec<_>>(), ["a"]);
}

#[test]
fn speakers_maps_labels_in_every_format() {
    let csv = std::fs::read_to_string(fixture("calls.csv")).unwrap();
    let diarised = csv.replace(",agent,", ",spk_0,").replace(",customer,", ",SPK_1,");
    let want = run(&["-"], Some(csv.as_bytes()));
    let mut c = TestCommand::new(&["score", "-"]);
    c.stdin(diarised.clone());
    let err = c.fails();
    assert!(err.contains("<stdin>:2: unknown speaker 'spk_0'"), "{err}");
    assert!(err.contains("--speakers spk_0=agent,spk_1=customer"), "{err}");
    let mapped = run(
        &["--speakers", "spk_0=agent,spk_1=customer", "-"],
        Some(diarised.as_bytes()),
    );
    assert_eq!(mapped, want);
    // Channels: a CCAI conversation that gives only channelTag.
    let json = std::fs::read_to_string(fixture("ccai/call-3.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v.as_object_mut().unwrap().remove("callMetadata");
    let bare = v.to_string();
    let mut c = TestCommand::new(&["score", "-"]);
    c.stdin(bare.clone());
    let err = c.fails();
    assert!(
        err.contains("<stdin>:1: transcript.transcriptSegments[0].channelTag: unknown speaker 'ch_1'"),
        "{err}"
    );
    let (h, rows) =
        run(&["--speakers", "1=customer,channel 2=agent", "-"], Some(bare.as_bytes()));
    let (h0, rows0) = run(&[&fixture("ccai/call-3.json")], None);
    assert_eq!(figures(&h, &rows), figures(&h0, &rows0));
    // JSON Lines too; and the mapping wins over the platform's own names.
    let jsonl =
        b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"Speaker 1\",\"text\":\"awful\"}]}\n";
    let (h, rows) = run(&["--speakers", "speaker 1=customer", "-"], Some(jsonl));
    assert_eq!(cell(&h, &rows["a"], "customer_turns"), "1");
    let genesys = std::fs::read(fixture("genesys/call-1.json")).unwrap();
    let (h, rows) = run(&["--speakers", "external=agent", "-"], Some(&genesys));
    assert_eq!(cell(&h, &rows["call-1"], "customer_turns"), "0");
}

/// `peakend score NAME` on `json` written as NAME fails with `want`.
fn fails_with(name: &str, json: &str, args: &[&str], want: &str) {
    let mut c = TestCommand::new(&["score", "-q"]);
    c.file(name, json);
    c.arg(name);
    for a in args {
        c.arg(a);
    }
    let err = c.fails();
    assert!(err.contains(want), "{err:?} should contain {want:?}");
}

#[test]
fn errors_name_the_file_the_json_path_and_the_problem() {
    let transcribe = std::fs::read_to_string(fixture("transcribe/call-1.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&transcribe).unwrap();
    v["Transcript"][3]["Content"] = serde_json::json!(7);
    let bad = serde_json::to_string_pretty(&v).unwrap();
    let line = bad.lines().position(|l| l.contains("\"Content\": 7")).unwrap() + 1;
    fails_with(
        "job.json",
        &bad,
        &[],
        &format!(
            "job.json:{line}:18: Transcript[3].Content: expected a string, got integer 7"
        ),
    );
    v["Transcript"][3]["Content"] = serde_json::json!("x");
    v["Transcript"][1].as_object_mut().unwrap().remove("ParticipantRole");
    fails_with(
        "job.json",
        &v.to_string(),
        &[],
        "job.json:1: Transcript[1]: missing field ParticipantRole (or ParticipantId)",
    );
    v["Transcript"][1]["ParticipantRole"] = serde_json::json!("SUPERVISOR");
    fails_with(
        "job.json",
        &v.to_string(),
        &[],
        "job.json:1: Transcript[1].ParticipantRole: unknown speaker 'SUPERVISOR' (accepted",
    );
    // JSON, but no format peakend knows.
    fails_with(
        "x.json",
        "{\"foo\": 1, \"bar\": [2]}",
        &[],
        "x.json:1: not a format peakend knows; tried peakend JSON (interaction_id, turns[]); \
         Amazon Transcribe Call Analytics (Transcript[], JobName); Amazon Connect Contact Lens \
         (Transcript[], ContactId or InstanceId); Genesys Cloud (conversationId, transcripts[]); \
         Google CCAI Insights (entries[], or transcript.transcriptSegments[]); Twilio \
         Conversational Intelligence (sentences[]); the object's keys are: foo, bar",
    );
    // A format forced on another: what it misses.
    fails_with(
        "t.json",
        &transcribe,
        &["--input-format", "genesys"],
        "t.json:1: missing field transcripts (read as Genesys Cloud (conversationId, transcripts[]) \
         as asked; the object's keys are: JobName, JobStatus, LanguageCode, AccountId, Channel, Participants, \
         Transcript, Categories, ConversationCharacteristics)",
    );
    // Contact Lens: an id not in Participants.
    let cl = std::fs::read_to_string(fixture(
        "contact-lens/call-1_analysis_20240301T101530Z.json",
    ))
    .unwrap()
    .replacen(
        "\"ParticipantId\": \"e5f6a7b8-0000-cust\",\n      \"Content\"",
        "\"ParticipantId\": \"nobody\",\n      \"Content\"",
        1,
    );
    fails_with(
        "c_analysis_1.json",
        &cl,
        &[],
        "Transcript[1].ParticipantId: 'nobody' is not among Participants[] (their ParticipantIds: ",
    );
    // Genesys: a sentiment for a phrase that is not there.
    let g = std::fs::read_to_string(fixture("genesys/call-1.json")).unwrap().replacen(
        "\"phraseIndex\": 1,",
        "\"phraseIndex\": 99,",
        1,
    );
    fails_with(
        "g.json",
        &g,
        &[],
        "g.json:1: transcripts[0].analytics.sentiment[0].phraseIndex: 99 is not a phrase of this transcript (it has 6)",
    );
    // CCAI: neither form.
    fails_with(
        "c.json",
        "{\"conversation_info\": {}}",
        &[],
        "c.json:1: missing field entries (the upload form) or transcript.transcriptSegments (an analysed conversation)",
    );
    // In a list: the place in the list comes first.
    fails_with(
        "l.json",
        "[{\"sentences\": []}, {\"sentences\": [{\"media_channel\": 1}]}]",
        &[],
        "l.json:1:55: [1].sentences[0]: missing field transcript",
    );
    // Cut short, invalid, and a bad gzip.
    fails_with("cut.json", &transcribe[..transcribe.len() / 2], &[], "cut.json:");
    fails_with(
        "cut.json",
        &transcribe[..transcribe.len() / 2],
        &[],
        "the JSON ends inside a value: the file is cut short",
    );
    fails_with(
        "bad.json",
        "{\"Transcript\": [}\n",
        &[],
        "bad.json:1:17: invalid JSON: expected value",
    );
    let mut c = TestCommand::new(&["score", "-q"]);
    c.file("bad.json.gz", [0x1f, 0x8b, 8, 0, 1, 2, 3]);
    c.arg("bad.json.gz");
    let err = c.fails();
    assert!(err.contains("bad.json.gz: "), "{err}");
}

#[test]
fn rejects_set_a_bad_call_aside() {
    let mut c = TestCommand::new(&["score", "-q", "--rejects", "rejects.csv"]);
    let good = std::fs::read_to_string(fixture("genesys/call-1.json")).unwrap();
    c.file("calls/a.json", &good);
    c.file("calls/b.json", "{\"conversationId\": \"b\", \"transcripts\": [{\"phrases\": [{\"text\": \"hi\", \"participantPurpose\": \"robot\"}]}]}");
    c.arg(c.path("calls"));
    let out = c.stdout();
    assert_eq!(csv_rows(&out).len(), 2, "{out}");
    let rejects = std::fs::read_to_string(c.path("rejects.csv")).unwrap();
    assert!(
        rejects.contains(
            "transcripts[0].phrases[0].participantPurpose: unknown speaker 'robot'"
        ),
        "{rejects}"
    );
}
