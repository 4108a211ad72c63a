//! Output formats (`--format`), kept input columns (`--keep`,
//! `--keep-all`) and the run summary (`--summary`).

use std::fs::File;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use peakend::schema::{self, Type};

use crate::util::{col, csv_rows, data, TestCommand};

/// Turns with metadata: `agent_id` changes within interaction A (a
/// conflict), `queue` is empty on A's first row, `note` only on B.
const WITH_META: &str = "\
id,speaker,text,agent_id,queue,note,customer_id,start_time
A,customer,my bill is wrong again,Priya,,,C-1,2026-03-02T09:14:00Z
A,agent,sorry about that,Priya,billing,,C-1,2026-03-02T09:14:00Z
A,customer,still wrong and useless,Sam,billing,,C-1,2026-03-02T09:14:00Z
B,customer,thanks a lot that fixed it,Jo,sales,vip,C-1,2026-03-05T10:00:00Z
B,agent,glad to help,Jo,sales,,C-1,2026-03-05T10:00:00Z
";

fn score(input: &str, args: &[&str]) -> TestCommand {
    let mut c = TestCommand::new(&["score", "--threads", "1"]);
    let path = c.file("in.csv", input);
    c.arg(path);
    for a in args {
        c.arg(a);
    }
    c
}

#[test]
fn keep_carries_the_first_value_and_reports_conflicts() {
    let mut c = score(WITH_META, &["--keep", "agent_id,QUEUE", "--summary", "run.json"]);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&String::from_utf8(o.stdout).unwrap());
    let h = &rows[0];
    // After the schema's columns, in the order given, named as given.
    let schema_names: Vec<&str> = schema::names(schema::INTERACTION).collect();
    assert_eq!(h[..schema_names.len()], schema_names[..]);
    assert_eq!(h[schema_names.len()..], ["agent_id", "QUEUE"]);
    let get = |r: usize, name: &str| rows[r][col(h, name)].clone();
    assert_eq!((get(1, "agent_id"), get(1, "QUEUE")), ("Priya".into(), "billing".into()));
    assert_eq!((get(2, "agent_id"), get(2, "QUEUE")), ("Jo".into(), "sales".into()));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: 1 value of kept columns differed from the first value of the interaction, which is kept; the first: ")
            && err.contains("in.csv:4: column 'agent_id' is 'Sam' where the interaction had 'Priya'"),
        "{err}"
    );

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.path("run.json")).unwrap()).unwrap();
    assert_eq!(summary["peakend"], env!("CARGO_PKG_VERSION"));
    assert_eq!(summary["counts"]["interactions"], 2);
    assert_eq!(summary["counts"]["turns"], 5);
    assert_eq!(summary["counts"]["rejected_rows"], 0);
    assert_eq!(summary["counts"]["keep_conflicts"], 1);
    assert_eq!(summary["options"]["keep"], serde_json::json!(["agent_id", "QUEUE"]));
    assert_eq!(summary["options"]["threads"], 1);
    assert_eq!(summary["arguments"][0], "score");
    assert_eq!(
        summary["inputs"][0].as_str().unwrap(),
        c.path("in.csv").to_str().unwrap()
    );
    assert_eq!(summary["outputs"]["interactions"]["format"], "csv");
    assert_eq!(
        summary["languages"],
        serde_json::json!([{"language": "en", "interactions": 2}])
    );
    // A ends badly, B well.
    assert_eq!(summary["bad_ending_share"], 0.5);
    assert_eq!(summary["counts"]["bad_endings"], 1);
    let first = &summary["first_keep_conflict"];
    assert_eq!(
        (first["line"].as_u64(), first["first"].as_str()),
        (Some(4), Some("Priya"))
    );
    assert_eq!(first["later"], "Sam");
    let warnings = summary["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].as_str().unwrap().contains("'Sam'"));
    for phase in ["setup", "read_score_write", "total"] {
        assert!(summary["timings_s"][phase].as_f64().unwrap() >= 0.0, "{phase}");
    }
    assert!(summary["lexicons"].is_null());
}

#[test]
fn keep_all_takes_every_column_that_is_not_transcript_in_input_order() {
    let mut c = score(WITH_META, &["--keep-all"]);
    let rows = csv_rows(&c.stdout());
    let h = &rows[0];
    let n = schema::INTERACTION.len();
    assert_eq!(h[n..], ["agent_id", "queue", "note", "customer_id", "start_time"]);
    // An empty cell is no value: B's note comes from its first row, A has none.
    assert_eq!(rows[1][col(h, "note")], "");
    assert_eq!(rows[2][col(h, "note")], "vip");
}

#[test]
fn keep_refuses_unknown_and_transcript_columns() {
    let err = score(WITH_META, &["--keep", "agent_id,team"]).fails();
    assert!(
        err.contains("in.csv:1: --keep: no column 'team' (the columns are: id, speaker, text, agent_id, queue, note, customer_id, start_time)"),
        "{err}"
    );
    let err = score(WITH_META, &["--keep", "text"]).fails();
    assert!(err.contains("--keep: column 'text' is part of the transcript"), "{err}");
    let clash = "id,speaker,text,peak\nA,customer,hi,x\n";
    let err = score(clash, &["--keep", "peak"]).fails();
    assert!(err.contains("'peak' has the name of an output column"), "{err}");
    let err = score(WITH_META, &["--keep", "agent_id,Agent_ID"]).fails();
    assert!(err.contains("'Agent_ID' is given twice"), "{err}");
    let err = score(WITH_META, &["--keep", "queue", "--keep-all"]).fails();
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn keep_reads_json_lines_fields_of_the_interaction_and_of_its_turns() {
    let lines = concat!(
        r#"{"id":"a","queue":"billing","turns":[{"speaker":"customer","text":"hi","agent_id":null},"#,
        r#"{"speaker":"agent","text":"hello","agent_id":"Priya"},{"speaker":"agent","text":"bye","agent_id":"Sam"}]}"#,
        "\n",
        r#"{"id":"b","queue":7,"turns":[{"speaker":"customer","text":"thanks"}]}"#,
        "\n"
    );
    let mut c = TestCommand::new(&["score", "--keep", "agent_id,queue"]);
    let path = c.file("in.jsonl", lines);
    c.arg(path);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&String::from_utf8(o.stdout).unwrap());
    let h = &rows[0];
    assert_eq!(rows[1][col(h, "agent_id")], "Priya");
    assert_eq!(rows[1][col(h, "queue")], "billing");
    assert_eq!(
        (rows[2][col(h, "agent_id")].as_str(), rows[2][col(h, "queue")].as_str()),
        ("", "7")
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "in.jsonl:1: turns[2].agent_id is 'Sam' where the interaction had 'Priya'"
        ),
        "{err}"
    );

    let mut c = TestCommand::new(&["score", "--keep-all"]);
    let path = c.file("in.jsonl", lines);
    c.arg(path);
    let rows = csv_rows(&c.stdout());
    assert_eq!(rows[0][schema::INTERACTION.len()..], ["queue", "agent_id"]);

    let mut c = TestCommand::new(&["score", "--keep", "team"]);
    let path = c.file("in.jsonl", lines);
    c.arg(path);
    let err = c.fails();
    assert!(
        err.contains("--keep: no field 'team' in the first line (its fields, of the interaction and of its turns: queue, agent_id)"),
        "{err}"
    );
}

#[test]
fn keep_reads_the_top_level_fields_of_platform_calls() {
    let dir = data("tests/data/formats/transcribe");
    let mut c = TestCommand::new(&["score", "-q", "--keep", "Channel,AccountId,Nope"]);
    c.arg(&dir);
    let rows = csv_rows(&c.stdout());
    let h = &rows[0];
    assert_eq!(h[schema::INTERACTION.len()..], ["Channel", "AccountId", "Nope"]);
    for row in &rows[1..] {
        // A document's calls are not read ahead: a field none has is empty.
        let kept =
            [&row[col(h, "Channel")], &row[col(h, "AccountId")], &row[col(h, "Nope")]];
        assert_eq!(kept, ["VOICE", "123456789012", ""]);
    }
    // A field that is not a string is kept as its JSON.
    let mut c = TestCommand::new(&["score", "-q", "--keep", "participants,mediaType"]);
    c.arg(data("tests/data/formats/genesys/call-1.json"));
    let rows = csv_rows(&c.stdout());
    let h = &rows[0];
    assert_eq!(rows[1][col(h, "mediaType")], "call");
    assert!(rows[1][col(h, "participants")].starts_with('['));

    // One call per line: the first line's fields are checked, as for
    // peakend's own JSON Lines.
    let calls: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(f.unwrap().path()).unwrap())
                    .unwrap();
            format!("{json}\n")
        })
        .collect();
    let mut c = TestCommand::new(&["score", "-q", "--keep", "Channel"]);
    let path = c.file("calls.jsonl", &calls);
    c.arg(path);
    let rows = csv_rows(&c.stdout());
    assert_eq!(rows.len(), 4);
    assert!(rows[1..].iter().all(|r| r[col(&rows[0], "Channel")] == "VOICE"));
    let mut c = TestCommand::new(&["score", "--keep", "Nope"]);
    let path = c.file("calls.jsonl", &calls);
    c.arg(path);
    let err = c.fails();
    assert!(
        err.contains("calls.jsonl:1: --keep: no field 'Nope' in the first line (its fields, of the call: JobName, "),
        "{err}"
    );

    // --keep-all: a call's fields are its transcript and the platform's
    // figures, so the fields are named instead.
    for input in [dir, c.path("calls.jsonl")] {
        let mut c = TestCommand::new(&["score", "--keep-all"]);
        c.arg(input);
        let err = c.fails();
        assert!(err.contains(":1: --keep-all takes the metadata columns of peakend's CSV or JSON Lines input; name the top-level fields of a platform export's calls to keep with --keep"), "{err}");
    }
}

#[test]
fn a_run_with_keep_feeds_the_report_filters() {
    let mut c = score(
        WITH_META,
        &["-q", "--keep", "agent_id,queue", "-o", "ix.csv", "--report", "r.html"],
    );
    c.stdout();
    let html = std::fs::read_to_string(c.path("r.html")).unwrap();
    assert!(
        html.contains("<select name=\"agent\" class=\"facet\"><option value=\"\">all</option><option value=\"Jo\">Jo</option><option value=\"Priya\">Priya</option></select>"),
        "no agent filter"
    );
    assert!(html.contains("<select name=\"queue\""), "no queue filter");
    assert!(!html.contains("has no agent column"));
    // Without --keep: no agent to filter by.
    let mut c = score(WITH_META, &["-q", "-o", "ix.csv", "--report", "r.html"]);
    c.stdout();
    let html = std::fs::read_to_string(c.path("r.html")).unwrap();
    assert!(!html.contains("<select name=\"agent\""));
    assert!(!html.contains("<select name=\"queue\""));
}

#[test]
fn a_run_with_keep_feeds_journey() {
    let mut c =
        score(WITH_META, &["-q", "--keep", "customer_id,start_time", "-o", "ix.csv"]);
    c.stdout();
    let ix = c.path("ix.csv");
    let mut j = TestCommand::new(&[
        "journey",
        "-q",
        "--customer",
        "customer_id",
        "--time",
        "start_time",
    ]);
    j.arg(ix);
    let rows = csv_rows(&j.stdout());
    let h = &rows[0];
    assert_eq!(rows.len(), 2, "one customer");
    assert_eq!(rows[1][col(h, "customer_id")], "C-1");
    assert_eq!(rows[1][col(h, "contacts")], "2");
}

fn interaction_types() -> Vec<Type> {
    schema::INTERACTION.iter().map(|c| c.ty).collect()
}

fn turn_types() -> Vec<Type> {
    schema::TURN.iter().map(|c| c.ty).collect()
}

/// The inputs the typed outputs are checked on: the bundled examples (CSV),
/// and platform exports, whose `platform_` columns have values (one call
/// of each of three formats: the fixtures of every format share three ids).
fn typed_inputs() -> [Vec<std::path::PathBuf>; 2] {
    let calls = ["transcribe/call-1", "ccai/call-2", "genesys/call-3"];
    [
        vec![data("examples/transcripts.csv")],
        calls.iter().map(|c| data(&format!("tests/data/formats/{c}.json"))).collect(),
    ]
}

/// The per-interaction and per-turn CSVs of `inputs`.
fn csv_outputs(inputs: &[std::path::PathBuf]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut c = TestCommand::new(&["score", "-q", "--turns", "t.csv"]);
    c.args(inputs);
    let ix = csv_rows(&c.stdout());
    let turns = csv_rows(&std::fs::read_to_string(c.path("t.csv")).unwrap());
    (ix, turns)
}

#[test]
fn platform_columns_have_values_in_the_typed_checks() {
    let [_, platforms] = typed_inputs();
    let (ix, turns) = csv_outputs(&platforms);
    let filled = |rows: &[Vec<String>], name: &str| {
        let i = col(&rows[0], name);
        rows[1..].iter().filter(|r| !r[i].is_empty()).count()
    };
    assert_eq!(filled(&ix, "platform"), 3);
    for name in ["platform_customer_sentiment", "platform_duration_ms"] {
        assert!(filled(&ix, name) > 0, "{name}");
    }
    assert!(filled(&turns, "platform_sentiment") > 0);
}

#[test]
fn jsonl_rows_are_the_csv_rows_with_typed_values() {
    for inputs in typed_inputs() {
        jsonl_rows_are_the_csv_rows(&inputs);
    }
}

fn jsonl_rows_are_the_csv_rows(inputs: &[std::path::PathBuf]) {
    let (csv_ix, csv_turns) = csv_outputs(inputs);
    let mut c =
        TestCommand::new(&["score", "-q", "--format", "jsonl", "--turns", "t.out"]);
    c.args(inputs);
    let ix = c.stdout();
    let turns = std::fs::read_to_string(c.path("t.out")).unwrap();
    let tables = [(ix, csv_ix, interaction_types()), (turns, csv_turns, turn_types())];
    for (jsonl, csv, types) in tables {
        let lines: Vec<&str> = jsonl.lines().collect();
        assert_eq!(lines.len(), csv.len() - 1);
        for (line, row) in lines.iter().zip(&csv[1..]) {
            let object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(line).unwrap();
            let keys: Vec<&String> = object.keys().collect();
            assert_eq!(keys, csv[0].iter().collect::<Vec<_>>(), "keys in column order");
            for ((name, value), (cell, &ty)) in object.iter().zip(row.iter().zip(&types))
            {
                let typed = match ty {
                    _ if cell.is_empty() && ty != Type::Text && ty != Type::Terms => {
                        value.is_null()
                    }
                    Type::Int => {
                        value.as_i64().map(|v| v.to_string()).as_ref() == Some(cell)
                    }
                    Type::Figure => {
                        value.as_f64().map(|v| format!("{v:.4}")).as_ref() == Some(cell)
                    }
                    Type::Flag => {
                        value.as_bool().map(|v| v.to_string()).as_ref() == Some(cell)
                    }
                    Type::Text | Type::Terms | Type::Kept => value.as_str() == Some(cell),
                };
                assert!(typed, "{name}: {value} for the CSV cell {cell:?}");
            }
        }
    }
}

/// Reads a Parquet file back: its batches.
fn read_parquet(path: &std::path::Path) -> Vec<RecordBatch> {
    let file = File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    reader.map(|b| b.unwrap()).collect()
}

#[test]
fn parquet_has_the_schema_types_and_the_csv_values() {
    for inputs in typed_inputs() {
        parquet_values_are_the_csv_values(&inputs);
    }
}

fn parquet_values_are_the_csv_values(inputs: &[std::path::PathBuf]) {
    let (csv_ix, csv_turns) = csv_outputs(inputs);
    let mut c =
        TestCommand::new(&["score", "-q", "-o", "ix.parquet", "--turns", "t.parquet"]);
    c.args(inputs);
    assert_eq!(c.stdout(), "", "the name chose Parquet, to files");
    let tables = [
        ("ix.parquet", csv_ix, interaction_types()),
        ("t.parquet", csv_turns, turn_types()),
    ];
    for (name, csv, types) in tables {
        let batches = read_parquet(&c.path(name));
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(rows, csv.len() - 1, "{name}");
        let schema = batches[0].schema();
        let mut at = 1;
        for batch in &batches {
            for (i, (field, ty)) in schema.fields().iter().zip(&types).enumerate() {
                assert_eq!(field.name(), &csv[0][i]);
                let (want, nullable) = match ty {
                    Type::Text | Type::Terms => (DataType::Utf8, false),
                    Type::Kept => (DataType::Utf8, true),
                    Type::Int => (DataType::Int64, true),
                    Type::Figure => (DataType::Float64, true),
                    Type::Flag => (DataType::Boolean, true),
                };
                assert_eq!(
                    (field.data_type(), field.is_nullable()),
                    (&want, nullable),
                    "{}",
                    field.name()
                );
                let array = batch.column(i);
                for r in 0..batch.num_rows() {
                    let cell = &csv[at + r][i];
                    let value = if array.is_null(r) {
                        String::new()
                    } else {
                        match ty {
                            Type::Int => {
                                array.as_primitive::<Int64Type>().value(r).to_string()
                            }
                            Type::Figure => {
                                format!(
                                    "{:.4}",
                                    array.as_primitive::<Float64Type>().value(r)
                                )
                            }
                            Type::Flag => array.as_boolean().value(r).to_string(),
                            _ => array.as_string::<i32>().value(r).to_string(),
                        }
                    };
                    assert_eq!(&value, cell, "{name} {} row {}", field.name(), at + r);
                }
            }
            at += batch.num_rows();
        }
    }
}

/// `n` copies of the bundled examples, each with its own ids.
fn many_calls(n: usize) -> String {
    let base = std::fs::read_to_string(data("examples/transcripts.csv")).unwrap();
    let (header, body) = base.split_once('\n').unwrap();
    let mut out = format!("{header}\n");
    for k in 0..n {
        out += &body.replace("cc-", &format!("cc{k}-"));
    }
    out
}

#[test]
fn parquet_and_jsonl_are_the_same_bytes_for_any_threads() {
    // Several chunks, so that the threads have work to share.
    let input = many_calls(12);
    assert!(input.len() > 4 * 65536);
    let run = |threads: &str, format: &str| {
        let mut c =
            TestCommand::new(&["score", "-q", "--threads", threads, "--format", format]);
        let path = c.file("in.csv", &input);
        c.arg(path).arg("-o").arg("ix.out").arg("--turns").arg("t.out");
        c.stdout();
        (
            std::fs::read(c.path("ix.out")).unwrap(),
            std::fs::read(c.path("t.out")).unwrap(),
        )
    };
    for format in ["parquet", "jsonl"] {
        let one = run("1", format);
        assert_eq!(run("3", format), one, "{format}");
    }
    let (ix, _) = run("2", "parquet");
    assert!(ix.starts_with(b"PAR1") && ix.ends_with(b"PAR1"));
}

#[test]
fn parquet_goes_to_a_pipe_and_keeps_columns_as_nullable_strings() {
    let mut c =
        score(WITH_META, &["-q", "--format", "parquet", "--keep", "note,agent_id"]);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.starts_with(b"PAR1"));
    let path = c.file("piped.parquet", &o.stdout);
    let batches = read_parquet(&path);
    let schema = batches[0].schema();
    let note = schema.field_with_name("note").unwrap();
    assert_eq!((note.data_type(), note.is_nullable()), (&DataType::Utf8, true));
    let i = schema.index_of("note").unwrap();
    let notes = batches[0].column(i).as_string::<i32>();
    assert!(notes.is_null(0));
    assert_eq!(notes.value(1), "vip");
    let agents = batches[0].column(i + 1).as_string::<i32>();
    assert_eq!((agents.value(0), agents.value(1)), ("Priya", "Jo"));
}

#[test]
fn summary_names_the_input_format_and_speakers_as_the_options_take_them() {
    let mut c = TestCommand::new(&[
        "score",
        "-q",
        "--input-format",
        "contact-lens",
        "--speakers",
        "spk_0=agent,Channel 1=customer",
        "--summary",
        "run.json",
    ]);
    c.arg(data("tests/data/formats/contact-lens"));
    c.stdout();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.path("run.json")).unwrap()).unwrap();
    assert_eq!(summary["options"]["input_format"], "contact-lens");
    assert_eq!(
        summary["options"]["speakers"],
        serde_json::json!({"spk_0": "agent", "ch_1": "customer"})
    );
    assert_eq!(summary["inputs"].as_array().unwrap().len(), 3, "the folder's files");
}

#[test]
fn summary_needs_a_file() {
    let err = score(WITH_META, &["--summary", "-"]).fails();
    assert!(
        err.contains("--summary needs a file: standard output carries the scores"),
        "{err}"
    );
    let err = score(WITH_META, &["--summary", "x.csv", "-o", "x.csv"]).fails();
    assert!(err.contains("-o and --summary name the same file"), "{err}");
}

#[test]
fn conflicts_and_their_first_example_do_not_depend_on_threads() {
    // Many chunks; every 7th interaction changes agent on its last row.
    let mut input = String::from("id,speaker,text,agent_id\n");
    for i in 0..3000 {
        for (t, speaker) in ["customer", "agent", "customer", "agent"].iter().enumerate()
        {
            let agent = if i % 7 == 3 && t == 3 { "Sam" } else { "Priya" };
            input +=
                &format!("call-{i},{speaker},the line dropped again this week,{agent}\n");
        }
    }
    let run = |threads: &str| {
        let mut c = TestCommand::new(&[
            "score",
            "-q",
            "--threads",
            threads,
            "--keep",
            "agent_id",
        ]);
        let path = c.file("in.csv", &input);
        c.arg(path).arg("--summary").arg("s.json").arg("-o").arg("ix.csv");
        c.stdout();
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(c.path("s.json")).unwrap()).unwrap();
        (s["counts"]["keep_conflicts"].clone(), s["first_keep_conflict"]["line"].clone())
    };
    let one = run("1");
    assert_eq!(one, (serde_json::json!(429), serde_json::json!(17)));
    assert_eq!(run("3"), one);
}

#[test]
fn summary_lists_the_lexicon_overlay() {
    let mut c = score(WITH_META, &["-q", "--lexicons", "lex", "--summary", "s.json"]);
    c.file("lex/en/valence.tsv", "zorgly\t2.0\n");
    c.file("lex/fr/rules.tsv", "");
    c.stdout();
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.path("s.json")).unwrap()).unwrap();
    assert_eq!(
        s["lexicons"],
        serde_json::json!({"dir": "lex", "files": ["lex/en/valence.tsv", "lex/fr/rules.tsv"]})
    );
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["peakend", "arguments", "options"], "in a readable order");
}
