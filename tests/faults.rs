//! Bad input, faults and interruptions (issue 6): a clear message with the
//! file and line every time, exit 1, and no output or temporary file left
//! behind; `--rejects` accounts for every row; formats seen in the wild.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{col, csv_rows, TestCommand};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs `peakend score` on `input` (written as `name`) with `args` in a
/// fresh folder, expects exit 1 and a message containing `want`, and checks
/// that nothing but the input is left in the folder.
fn fails_cleanly(name: &str, input: &[u8], args: &[&str], want: &str) -> String {
    let mut c = TestCommand::new(&["score"]);
    if !name.is_empty() {
        c.file(name, input);
        c.arg(name);
    }
    let defaults: &[&str] = if args.contains(&"-o") {
        &["--turns", "turns.csv"]
    } else {
        &["-o", "ix.csv", "--turns", "turns.csv"]
    };
    for a in defaults.iter().chain(args) {
        c.arg(a);
    }
    let err = c.fails();
    assert!(err.contains(want), "{err:?} should contain {want:?}");
    assert!(err.starts_with("peakend: error: "), "{err}");
    assert!(!err.contains("stack backtrace"), "{err}");
    let left = names(c.dir.path());
    let expected: Vec<String> =
        if name.is_empty() { vec![] } else { vec![name.to_string()] };
    assert_eq!(left, expected, "only the input may be left: {err}");
    err
}

const SPEAKERS: &str = "(accepted, case-insensitive: customer, caller, client, user, inbound (customer); \
                        agent, rep, representative, advisor, system, bot, outbound (agent); \
                        name other labels with --speakers, e.g. --speakers spk_0=agent,spk_1=customer)";

#[test]
fn missing_and_unreadable_inputs() {
    fails_cleanly(
        "",
        b"",
        &["nope.csv"],
        "peakend: error: nope.csv: input file not found",
    );
    // A directory stands for its transcript files: here, none.
    let c = TestCommand::new(&[]);
    std::fs::create_dir(c.path("dir.csv")).unwrap();
    let mut cmd = TestCommand::new(&["score"]);
    cmd.arg(c.path("dir.csv"));
    let err = cmd.fails();
    assert!(err.contains("dir.csv: the directory holds no transcript file"), "{err}");
}

#[test]
fn empty_files() {
    fails_cleanly(
        "empty.csv",
        b"",
        &[],
        "empty.csv:1: the file is empty: expected a header row",
    );
    fails_cleanly(
        "blank.csv",
        b"\xef\xbb\xbf\r\n\n",
        &[],
        "blank.csv:1: the file is empty",
    );
    fails_cleanly(
        "empty.jsonl",
        b"",
        &[],
        "empty.jsonl:1: the file is empty: expected one JSON object per line",
    );
    fails_cleanly("blank.jsonl", b"\n \r\n", &[], "blank.jsonl:1: the file is empty");
}

#[test]
fn header_without_a_required_column() {
    fails_cleanly(
        "calls.csv",
        b"id,role,words\na,customer,hi\n",
        &[],
        "calls.csv:1: header has no 'text' column (accepted names, case-insensitive: text, content, utterance, message, transcript)",
    );
    fails_cleanly(
        "calls.csv",
        b"conversation,speaker,text\na,customer,hi\n",
        &[],
        "calls.csv:1: header has no 'interaction_id' column (accepted names, case-insensitive: interaction_id, conversation_id, contact_id, call_id, id)",
    );
}

#[test]
fn malformed_rows() {
    fails_cleanly(
        "calls.csv",
        b"id,speaker,text\na,customer,hi\na,agent,\"hello\nb,customer,this row is swallowed\nb,agent,so is this\n",
        &[],
        "calls.csv:3: unterminated quoted field: the quote that opens field 3 ('text') is never closed, so lines 3-5 would be one cell",
    );
    // Unterminated in a field that is not the last: the quote is still named.
    fails_cleanly(
        "calls.csv",
        b"id,text,speaker\na,hi,customer\nb,\"oops,agent\n",
        &[],
        "calls.csv:3: unterminated quoted field: the quote that opens field 2 ('text')",
    );
    fails_cleanly(
        "calls.csv",
        b"id,speaker,text\na,customer,hi\na,agent,hello,extra\n",
        &[],
        "calls.csv:3: row has 4 fields but the header has 3",
    );
    fails_cleanly(
        "calls.csv",
        b"id,speaker,text\na,customer\n",
        &[],
        "calls.csv:2: row has 2 fields but the header has 3",
    );
    fails_cleanly(
        "calls.csv",
        b"id,speaker,text,turn\na,customer,hi,1\na,agent,hello,two\n",
        &[],
        "calls.csv:3: turn 'two' is not a whole number",
    );
    fails_cleanly(
        "calls.csv",
        b"id,speaker,text,start_ms\na,customer,hi,12:00\n",
        &[],
        "calls.csv:2: start_ms '12:00' is not a whole number",
    );
    fails_cleanly(
        "calls.csv",
        b"id,speaker,text\n ,customer,hi\n",
        &[],
        "calls.csv:2: empty interaction_id",
    );
}

#[test]
fn unknown_speaker() {
    let err = fails_cleanly(
        "calls.csv",
        b"id,speaker,text\na,customer,hi\na,Robot,beep\n",
        &[],
        "calls.csv:3: unknown speaker 'Robot' ",
    );
    assert!(err.contains(SPEAKERS), "{err}");
    fails_cleanly(
        "calls.jsonl",
        b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"hi\"},{\"speaker\":\"alien\",\"text\":\"x\"}]}\n",
        &[],
        "calls.jsonl:1: turn 2: unknown speaker 'alien' (accepted, case-insensitive:",
    );
}

#[test]
fn rows_that_are_not_contiguous() {
    let input = b"id,speaker,text\na,customer,hi\nb,customer,hello\na,agent,late\n";
    fails_cleanly(
        "calls.csv",
        input,
        &[],
        "calls.csv:4: interaction 'a' appears again after other interactions (it started at line 2); \
         rows of one interaction must be contiguous: sort the input by interaction id, or pass --group-unsorted to group them in memory",
    );
    // Across files, both places are named.
    let c = TestCommand::new(&[]);
    c.file("one.csv", "id,speaker,text\na,customer,hi\n");
    c.file("two.csv", "id,speaker,text\nb,customer,x\na,agent,y\n");
    let mut cmd = TestCommand::new(&["score"]);
    cmd.arg(c.path("one.csv")).arg(c.path("two.csv"));
    let err = cmd.fails();
    assert!(
        err.contains("two.csv:3: interaction 'a' appears again")
            && err.contains("one.csv:2)"),
        "{err}"
    );

    // --group-unsorted groups them, in order of first appearance, and says so.
    let input = "id,speaker,text\na,customer,I am furious\nb,customer,great\na,agent,sorry\nc,customer,ok\na,customer,thanks that fixed it\n";
    let mut c = TestCommand::new(&["score", "--group-unsorted", "--turns", "turns.csv"]);
    c.stdin(input);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--group-unsorted: reading all input into memory"), "{err}");
    assert!(
        err.contains(
            "; 1 interaction had rows that were not contiguous and were grouped"
        ),
        "{err}"
    );
    let rows = csv_rows(std::str::from_utf8(&o.stdout).unwrap());
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(rows[1][col(&rows[0], "turns")], "3");
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let a: Vec<(String, String)> = turns[1..]
        .iter()
        .filter(|r| r[0] == "a")
        .map(|r| (r[1].clone(), r[col(&turns[0], "text")].clone()))
        .collect();
    assert_eq!(
        a,
        [
            ("1".into(), "I am furious".into()),
            ("2".into(), "sorry".into()),
            ("3".into(), "thanks that fixed it".into())
        ]
    );
    // Sorted by the turn column when there is one.
    let input = "id,turn,speaker,text\na,3,customer,third\nb,1,customer,x\na,1,customer,first\na,2,agent,second\n";
    let mut c =
        TestCommand::new(&["score", "-q", "--group-unsorted", "--turns", "turns.csv"]);
    c.stdin(input);
    c.stdout();
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let text = col(&turns[0], "text");
    let a: Vec<&str> =
        turns[1..].iter().filter(|r| r[0] == "a").map(|r| r[text].as_str()).collect();
    assert_eq!(a, ["first", "second", "third"]);
}

#[test]
fn unwritable_outputs() {
    let input: &[u8] = b"id,speaker,text\na,customer,hi\n";
    fails_cleanly(
        "in.csv",
        input,
        &["-o", "no-such-dir/ix.csv"],
        "no-such-dir/ix.csv: cannot create the output file: No such file or directory",
    );
    fails_cleanly(
        "in.csv",
        input,
        &["--rejects", "no-such-dir/r.csv"],
        "no-such-dir/r.csv: cannot create the output file",
    );
    let c = TestCommand::new(&["score"]);
    c.file("in.csv", input);
    std::fs::create_dir(c.path("out")).unwrap();
    for (args, want) in [
        (vec!["-o", "out"], "out: -o is a directory, not a file"),
        (
            vec!["-o", "x.csv", "--turns", "./x.csv"],
            "./x.csv: -o and --turns name the same file",
        ),
        (
            vec!["-o", "x.csv", "--rejects", "x.csv"],
            "x.csv: -o and --rejects name the same file",
        ),
        (vec!["-o", "in.csv"], "in.csv: -o would overwrite an input file"),
        (vec!["--rejects", "-"], "--rejects needs a file"),
    ] {
        let mut cmd = TestCommand::new(&["score"]);
        cmd.arg(c.path("in.csv"));
        for a in &args {
            cmd.arg(if a.ends_with(".csv") || *a == "out" {
                c.path(a).display().to_string()
            } else {
                a.to_string()
            });
        }
        let err = cmd.fails();
        assert!(err.contains(want), "{args:?}: {err}");
    }
    assert_eq!(names(c.dir.path()), ["in.csv", "out"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_during_the_run() {
    // /dev/full is written in place (a device) and fails with ENOSPC; the
    // per-turn output's temporary file must go too.
    let mut input = String::from("id,speaker,text\n");
    for i in 0..2000 {
        input += &format!("ix-{i},customer,all good thanks\n");
    }
    for threads in ["1", "2"] {
        // The per-interaction file is a temporary file by then; the header
        // of the per-turn output already fails.
        let mut c = TestCommand::new(&[
            "score",
            "in.csv",
            "--threads",
            threads,
            "-o",
            "ix.csv",
            "--turns",
            "/dev/full",
        ]);
        c.file("in.csv", input.as_bytes());
        let err = c.fails();
        assert!(
            err.starts_with(
                "peakend: error: /dev/full: No space left on device (os error 28)\n"
            ),
            "{err}"
        );
        assert!(err.contains("no output written (removed temporary files)"), "{err}");
        assert_eq!(names(c.dir.path()), ["in.csv"]);
        // Failing on the first write, before any temporary file exists.
        let err = fails_cleanly(
            "in.csv",
            input.as_bytes(),
            &["--threads", threads, "-o", "/dev/full"],
            "/dev/full: No space left on device",
        );
        assert_eq!(err.matches("No space left").count(), 1, "{err}");
    }
}

#[test]
fn bad_json_lines() {
    fails_cleanly(
        "calls.jsonl",
        b"{\"id\":\"a\",\"turns\":[]}\n{\"id\":\"b\",\"turns\":[{\"speaker\":\"agent\" \"text\":\"x\"}]}\n",
        &[],
        "calls.jsonl:2:39: invalid JSON: expected `,` or `}`",
    );
    fails_cleanly(
        "calls.jsonl",
        b"{\"id\":\"a\"}\n",
        &[],
        "calls.jsonl:1: missing field turns",
    );
    // What a new user tripped on: a JSON file that is not JSON Lines, and
    // serde's words for a field of the wrong type. (Without
    // `--input-format jsonl` such files are read: tests/formats.rs.)
    fails_cleanly(
        "calls.json",
        b"[\n  {\"id\": \"a\", \"turns\": []}\n]\n",
        &["--input-format", "jsonl"],
        "calls.json:1: this looks like a JSON array; peakend reads JSON Lines: one interaction object per line",
    );
    fails_cleanly(
        "calls.json",
        b"{\n  \"id\": \"a\",\n  \"turns\": []\n}\n",
        &["--input-format", "jsonl"],
        "calls.json:1: the line ends inside a JSON value: this looks like pretty-printed (multi-line) JSON",
    );
    fails_cleanly(
        "calls.jsonl",
        b"{\"id\":\"a\",\"turns\":\"array\"}\n",
        &[],
        "calls.jsonl:1: turns: expected a list of turns",
    );
    fails_cleanly(
        "calls.jsonl",
        b"{\"id\":[1],\"turns\":[]}\n",
        &[],
        "calls.jsonl:1: interaction_id must be a non-empty string or a number",
    );
}

#[test]
fn a_failed_run_says_no_output_was_written() {
    let mut input = String::from("id,speaker,text\n");
    for i in 0..3000 {
        input += &format!("ix-{i},customer,all good thanks\n");
    }
    input += "zzz,alien,boom\n";
    for threads in ["1", "2"] {
        let err = fails_cleanly(
            "in.csv",
            input.as_bytes(),
            &["--threads", threads, "--rejects", "r.csv", "--lang", "xx"],
            "unsupported language",
        );
        assert!(!err.contains("no output written"), "nothing was opened yet: {err}");
        let err = fails_cleanly(
            "in.csv",
            input.as_bytes(),
            &["--threads", threads],
            "in.csv:3002: unknown speaker 'alien'",
        );
        assert!(
            err.ends_with("peakend: no output written (removed temporary files)\n"),
            "{err}"
        );
    }
}

/// The same transcript in the shapes it arrives in.
#[test]
fn formats_seen_in_the_wild() {
    let plain = "id,speaker,text\na,customer,\"I'm furious, the bill is WRONG!!\"\na,agent,sorry about that\na,customer,\"ok, thanks\"\n";
    let reference = TestCommand::new(&["score", "-q"]).stdin(plain).stdout();
    let variants: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        ("bom+crlf", format!("\u{feff}{}", plain.replace('\n', "\r\n")).into_bytes(), vec![]),
        ("semicolon", b"id;speaker;text\na;customer;I'm furious, the bill is WRONG!!\na;agent;sorry about that\na;customer;\"ok, thanks\"\n".to_vec(), vec![]),
        ("tab", b"id\tspeaker\ttext\na\tcustomer\tI'm furious, the bill is WRONG!!\na\tagent\tsorry about that\na\tcustomer\tok, thanks\n".to_vec(), vec![]),
        ("--delimiter tab", b"id\tspeaker\ttext\na\tcustomer\tI'm furious, the bill is WRONG!!\na\tagent\tsorry about that\na\tcustomer\tok, thanks\n".to_vec(), vec!["--delimiter", "tab"]),
        ("--delimiter |", b"id|speaker|text\na|customer|I'm furious, the bill is WRONG!!\na|agent|sorry about that\na|customer|ok, thanks\n".to_vec(), vec!["--delimiter", "|"]),
        ("jsonl bom+crlf", b"\xef\xbb\xbf{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"I'm furious, the bill is WRONG!!\"},{\"speaker\":\"agent\",\"text\":\"sorry about that\"},{\"speaker\":\"customer\",\"text\":\"ok, thanks\"}]}\r\n".to_vec(), vec!["--input-format", "jsonl"]),
    ];
    for (name, input, args) in variants {
        let mut c = TestCommand::new(&["score", "-q"]);
        for a in args {
            c.arg(a);
        }
        c.stdin(input);
        eqnice!(reference, c.stdout());
        let _ = name;
    }
}

#[test]
fn multi_line_and_empty_text() {
    let input = "id,speaker,text\na,customer,\"first line\r\nsecond line, still \"\"quoted\"\"\"\na,agent,\na,customer,\"\"\nb,customer,bye\n";
    let mut c = TestCommand::new(&["score", "-q", "--turns", "turns.csv"]);
    c.stdin(input);
    c.stdout();
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let h = &turns[0];
    assert_eq!(turns.len(), 5);
    assert_eq!(turns[1][col(h, "text")], "first line\r\nsecond line, still \"quoted\"");
    for r in &turns[2..4] {
        assert_eq!(
            [
                &r[col(h, "text")],
                &r[col(h, "valence")],
                &r[col(h, "neutral")],
                &r[col(h, "emotion")]
            ],
            ["", "0.0000", "1.0000", "neutral"],
            "empty text is neutral"
        );
    }
}

#[test]
fn windows_1252_is_decoded_and_counted() {
    let input: &[u8] = b"id,speaker,text\na,customer,Tr\xe8s d\xe9\xe7u \x96 \x93nul\x94\na,agent,fine\nb,customer,na\xefve \x80 \xe2\x82\xac\n";
    let mut c = TestCommand::new(&["score", "--turns", "turns.csv"]);
    c.stdin(input);
    let o = c.output();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: 2 rows had invalid UTF-8, decoded as Windows-1252"),
        "{err}"
    );
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let text = col(&turns[0], "text");
    assert_eq!(turns[1][text], "Très déçu – “nul”");
    assert_eq!(turns[3][text], "naïve € €");
    // JSON Lines too.
    let mut c =
        TestCommand::new(&["score", "--input-format", "jsonl", "--turns", "turns.csv"]);
    c.stdin(&b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"d\xe9\xe7u\"}]}\n"[..]);
    let o = c.output();
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("warning: 1 row had invalid UTF-8,")
    );
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    assert_eq!(turns[1][col(&turns[0], "text")], "déçu");
}

#[test]
fn huge_turns_and_huge_interactions() {
    // A turn of 4 MB.
    let big = "the service was terrible but the agent was great ".repeat(80_000);
    let input = format!("id,speaker,text\na,customer,\"{big}\"\na,agent,ok\n");
    let mut c = TestCommand::new(&["score", "-q", "--turns", "turns.csv"]);
    c.stdin(input);
    let rows = csv_rows(&c.stdout());
    assert_eq!(rows[1][col(&rows[0], "turns")], "2");
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    assert_eq!(turns[1][col(&turns[0], "text")].len(), big.len());
    // 100,000 turns in one interaction.
    let mut input = String::from("id,speaker,text\n");
    for i in 0..100_000 {
        input +=
            if i % 2 == 0 { "a,customer,still not working\n" } else { "a,agent,sorry\n" };
    }
    input += "b,customer,thanks\n";
    let rows = csv_rows(&TestCommand::new(&["score", "-q"]).stdin(input).stdout());
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][col(&rows[0], "turns")], "100000");
    assert_eq!(rows[1][col(&rows[0], "customer_turns")], "50000");
}

/// Rows of every kind of problem among good ones: with `--rejects`, each
/// input row is scored or listed, never lost.
#[test]
fn rejects_account_for_every_row() {
    let input: &[u8] = b"interaction_id,turn,speaker,text,start_ms\n\
a,1,customer,hi there,0\n\
a,2,agent,hello,100\n\
a,3,robot,beep,200\n\
a,4,customer,\"fine, \"\"thanks\"\"\",300\n\
b,1,customer,too,many,fields\n\
b,2,customer,short\n\
b,x,customer,bad turn,0\n\
b,3,agent,bad time,noon\n\
,4,agent,no id,0\n\
c,1,customer,caf\xe9,0\n\
a,9,customer,a comes back,0\n\
a,10,agent,still back,0\n\
d,1,customer,\"never closed,0\n\
e,1,agent,swallowed,0\n";
    // 14 lines after the header, 13 rows: the unterminated quote makes the
    // last two lines one row, whose raw text shows both.
    let data_rows = 13;
    for threads in ["1", "2"] {
        let mut c = TestCommand::new(&[
            "score",
            "--threads",
            threads,
            "-o",
            "ix.csv",
            "--turns",
            "turns.csv",
            "--rejects",
            "rejects.csv",
        ]);
        c.file("in.csv", input);
        c.arg("in.csv");
        let o = c.output();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        assert!(err.contains("9 rows rejected (listed in rejects.csv)"), "{err}");
        assert!(err.contains("warning: 1 row had invalid UTF-8,"), "{err}");
        let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
        let rejects = csv_rows(&std::fs::read_to_string(c.path("rejects.csv")).unwrap());
        assert_eq!(rejects[0], ["line", "reason", "raw", "file"]);
        assert_eq!(
            turns.len() - 1 + rejects.len() - 1,
            data_rows,
            "scored + rejected = input rows"
        );
        let got: Vec<(&str, &str)> =
            rejects[1..].iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
        let want_prefixes = [
            ("4", "unknown speaker 'robot'"),
            ("6", "row has 6 fields but the header has 5"),
            ("7", "row has 4 fields but the header has 5"),
            ("8", "turn 'x' is not a whole number"),
            ("9", "start_ms 'noon' is not a whole number"),
            ("10", "empty interaction_id"),
            ("12", "interaction 'a' appears again after other interactions (it started at line 2)"),
            ("13", "interaction 'a' appears again"),
            ("14", "unterminated quoted field: the quote that opens field 4 ('text') is never closed, so lines 14-15 would be one cell"),
        ];
        assert_eq!(got.len(), 9, "{got:?}");
        for ((line, reason), (want_line, want)) in got.iter().zip(want_prefixes) {
            assert_eq!(*line, want_line, "{got:?}");
            assert!(reason.starts_with(want), "{reason:?} should start with {want:?}");
        }
        // The raw row as read (fields joined again), and the file.
        assert_eq!(rejects[1][2], "a,3,robot,beep,200");
        assert_eq!(rejects[2][2], "b,1,customer,too,many,fields");
        assert_eq!(rejects[1][3], "in.csv");
        assert_eq!(
            rejects[9][2],
            "d,1,customer,\"never closed,0\ne,1,agent,swallowed,0\n\""
        );
        assert_eq!(names(c.dir.path()), ["in.csv", "ix.csv", "rejects.csv", "turns.csv"]);
        let ix = csv_rows(&std::fs::read_to_string(c.path("ix.csv")).unwrap());
        let ids: Vec<&str> = ix[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(ids, ["a", "c"], "b and d have no good row left");
    }
}

#[test]
fn rejects_in_json_lines_and_whole_file_problems_stay_fatal() {
    let input: &[u8] =
        b"{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"hi\"}]}\n\
{\"id\":\"b\",\"turns\":[{\"speaker\":\"martian\",\"text\":\"hi\"}]}\n\
{not json}\n\
\n\
{\"id\":\"a\",\"turns\":[]}\n\
{\"id\":\"c\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"bye\"}]}\n";
    let mut c = TestCommand::new(&["score", "-o", "ix.csv", "--rejects", "rejects.csv"]);
    c.file("in.jsonl", input);
    c.arg("in.jsonl");
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rejects = csv_rows(&std::fs::read_to_string(c.path("rejects.csv")).unwrap());
    let lines: Vec<&str> = rejects[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(lines, ["2", "3", "5"]);
    assert!(
        rejects[2][1].starts_with("column 2: invalid JSON: key must be a string"),
        "{:?}",
        rejects[2]
    );
    assert_eq!(rejects[2][2], "{not json}");
    // Header problems and missing files stop the run, and the rejects file
    // is not left behind.
    fails_cleanly(
        "in.csv",
        b"id,speaker\na,customer\n",
        &["--rejects", "rejects.csv"],
        "in.csv:1: header has no 'text' column",
    );
    fails_cleanly(
        "in.csv",
        b"",
        &["--rejects", "rejects.csv"],
        "in.csv:1: the file is empty",
    );
    fails_cleanly(
        "",
        b"",
        &["--rejects", "rejects.csv", "missing.csv"],
        "missing.csv: input file not found",
    );
}

/// A `peakend` process with its standard input kept open, in its own
/// folder, writing `-o ix.csv --turns turns.csv --rejects rejects.csv`.
fn spawn_blocked(dir: &Path, args: &[&str], input: &str) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_peakend"))
        .current_dir(dir)
        .arg("score")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.as_mut().unwrap().write_all(input.as_bytes()).unwrap();
    child
}

/// Waits until `n` temporary files exist in `dir` (the run is under way and
/// its signal handler installed); no sleep races against the run's speed.
fn wait_for_temp_files(dir: &Path, n: usize) {
    let started = Instant::now();
    while names(dir).iter().filter(|f| f.ends_with(".tmp")).count() < n {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no temporary files: {:?}",
            names(dir)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Sends signal `name` and waits for the exit, keeping standard input open
/// until then (`wait_with_output` alone would close it first): the exit
/// status and standard error.
fn interrupt(mut child: Child, name: &str) -> (Option<i32>, String) {
    signal(&child, name);
    let stdin = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn many_rows(n: usize) -> String {
    let mut s = String::from("id,speaker,text\n");
    for i in 0..n {
        s += &format!(
            "ix-{i},customer,still not working #{i}\nix-{i},agent,sorry about that\n"
        );
    }
    s
}

#[test]
fn sigterm_while_blocked_on_stdin_leaves_nothing() {
    for threads in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let args = [
            "--threads",
            threads,
            "-o",
            "ix.csv",
            "--turns",
            "turns.csv",
            "--rejects",
            "rejects.csv",
        ];
        // Enough rows for several batches to be scored and written, then
        // the input stays open: the run is certainly still going.
        let child = spawn_blocked(dir.path(), &args, &many_rows(6000));
        wait_for_temp_files(dir.path(), 3);
        let (code, err) = interrupt(child, "TERM");
        assert_eq!(code, Some(143), "{err}");
        assert!(err.contains("peakend: interrupted by SIGTERM: no output written (removed 3 temporary files)"), "{err}");
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }
}

#[cfg(unix)]
#[test]
fn sigint_while_reading_a_fifo_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("calls.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let child = Command::new(env!("CARGO_BIN_EXE_peakend"))
        .current_dir(dir.path())
        .args(["score", "calls.csv", "-o", "ix.csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_temp_files(dir.path(), 1);
    // Opening blocks until peakend opens its end; the writer stays open.
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    writer.write_all(many_rows(500).as_bytes()).unwrap();
    let (code, err) = interrupt(child, "INT");
    drop(writer);
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains(
            "interrupted by SIGINT: no output written (removed 1 temporary files)"
        ),
        "{err}"
    );
    assert_eq!(names(dir.path()), ["calls.csv"]);
}

#[test]
fn interrupted_output_on_stdout_is_called_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let child = spawn_blocked(dir.path(), &["--turns", "turns.csv"], &many_rows(100));
    wait_for_temp_files(dir.path(), 1);
    let (code, err) = interrupt(child, "TERM");
    assert_eq!(code, Some(143), "{err}");
    assert!(err.contains("no output written (removed 1 temporary files); the output on standard output is incomplete"), "{err}");
    assert!(names(dir.path()).is_empty());
}

#[test]
fn help_documents_the_new_flags() {
    let help = TestCommand::new(&["score", "--help"]).stdout();
    for flag in [
        "--rejects <FILE>",
        "--delimiter <C>",
        "--group-unsorted",
        "130 interrupted by SIGINT",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

/// A damaged or cut gzip file stops the run, even with `--rejects` (no row
/// after the damage can be read), with a message that says so.
#[test]
fn damaged_gzip() {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b"id,speaker,text\na,customer,my bill is wrong\n").unwrap();
    let whole = e.finish().unwrap();
    let want = "calls.csv.gz: the gzip-compressed data is damaged or cut short";
    fails_cleanly("calls.csv.gz", &whole[..whole.len() / 2], &[], want);
    fails_cleanly("calls.csv.gz", &whole[..2], &["--rejects", "rejects.csv"], want);
}

/// Every output is created as the umask allows (0644 under 022), not
/// private to its writer: a pipeline loading it may run as another user.
#[cfg(unix)]
#[test]
fn outputs_are_readable_as_the_umask_allows() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let examples = crate::util::data("examples/transcripts.csv");
    let status = Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "umask 022; exec {} score {} -q -o ix.csv --turns t.parquet --summary run.json \
             --report r.html --rejects rj.csv",
            env!("CARGO_BIN_EXE_peakend"),
            examples.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    for name in ["ix.csv", "t.parquet", "run.json", "r.html", "rj.csv"] {
        let mode = std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644, "{name}");
    }
}
