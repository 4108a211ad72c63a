//! The command line as users and scripts see it (INTERFACE.md).

use crate::util::{col, csv_rows, data, TestCommand};

const HEADER: &str = "interaction_id,language,turns,customer_turns,experienced,peak,peak_turn,end,remembered,gap,bad_ending";
const TURN_HEADER: &str = "interaction_id,turn,speaker,valence,positive,negative,neutral";

fn examples() -> String {
    data("examples/transcripts.csv").display().to_string()
}

/// A transcript of `n` interactions cycling through a few shapes, large
/// enough to span several batches.
fn generated(n: usize) -> String {
    let texts = [
        "Hi, my internet is STILL not working!!",
        "I'm sorry to hear that, let me check.",
        "Thanks, that fixed it :)",
        "This is a waste of time, I want to cancel my account.",
        "ok",
    ];
    let mut s = String::from("interaction_id,speaker,text\n");
    for i in 0..n {
        for t in 0..(i % 7 + 1) {
            let speaker = if t % 2 == 0 { "customer" } else { "agent" };
            s += &format!("ix-{i},{speaker},\"{} #{i}\"\n", texts[(i + t) % texts.len()]);
        }
    }
    s
}

#[test]
fn scores_the_bundled_examples() {
    let out = TestCommand::new(&["score", &examples()]).stdout();
    let rows = csv_rows(&out);
    assert!(out.starts_with(HEADER), "{}", out.lines().next().unwrap());
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert!(ids.len() >= 15, "{} interactions", ids.len());
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "one row per interaction, in input order");
    let bad = col(&rows[0], "bad_ending");
    assert!(
        rows[1..].iter().any(|r| r[bad] == "true"),
        "a bad ending among the examples"
    );
    assert!(rows[1..].iter().any(|r| r[bad] == "false"));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let cmd = TestCommand::new(&[]);
    let input = cmd.file("big.csv", generated(12_000));
    let run = |threads: &str| {
        let mut c = TestCommand::new(&[
            "score",
            "--threads",
            threads,
            "--turns",
            "turns.csv",
            "-o",
            "ix.csv",
        ]);
        c.arg(&input);
        let o = c.output();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            std::fs::read(c.path("ix.csv")).unwrap(),
            std::fs::read(c.path("turns.csv")).unwrap(),
        )
    };
    let one = run("1");
    assert_eq!(csv_rows(std::str::from_utf8(&one.0).unwrap()).len(), 12_001);
    for threads in ["2", "3"] {
        let other = run(threads);
        assert!(one.0 == other.0, "interactions differ with {threads} threads");
        assert!(one.1 == other.1, "turns differ with {threads} threads");
    }
}

#[test]
fn reads_stdin_dash_and_several_files() {
    let csv = "id,speaker,text\na,customer,great service\nb,customer,awful\n";
    let from_stdin = TestCommand::new(&["score"]).stdin(csv).stdout();
    let from_dash = TestCommand::new(&["score", "-"]).stdin(csv).stdout();
    eqnice!(from_stdin, from_dash);
    let cmd = TestCommand::new(&[]);
    let one = cmd.file("one.csv", "id,speaker,text\na,customer,great service\n");
    let two = cmd.file("two.csv", "contact_id,role,message\nb,caller,awful\n");
    let mut c = TestCommand::new(&["score"]);
    c.arg(&one).arg(&two);
    eqnice!(from_stdin, c.stdout());
}

#[test]
fn jsonl_gives_the_same_scores_as_csv() {
    let csv = "interaction_id,speaker,text,start_ms,end_ms\n\
               a,customer,\"I'm furious, the bill is WRONG!!\",0,4000\n\
               a,agent,I'm so sorry about that,4000,6000\n\
               a,customer,\"ok, thanks, that fixed it\",6000,8000\n\
               b,agent,hello?,,\n";
    let jsonl = r#"{"interaction_id":"a","turns":[{"speaker":"customer","text":"I'm furious, the bill is WRONG!!","start_ms":0,"end_ms":4000},{"speaker":"agent","text":"I'm so sorry about that","start_ms":4000,"end_ms":6000},{"speaker":"customer","text":"ok, thanks, that fixed it","start_ms":6000,"end_ms":8000}]}
{"interaction_id":"b","turns":[{"speaker":"agent","text":"hello?"}]}
"#;
    let cmd = TestCommand::new(&[]);
    let j = cmd.file("in.jsonl", jsonl);
    let mut c = TestCommand::new(&["score"]);
    c.arg(&j);
    let from_jsonl = c.stdout();
    eqnice!(TestCommand::new(&["score"]).stdin(csv).stdout(), from_jsonl);
    eqnice!(
        from_jsonl,
        TestCommand::new(&["score", "--input-format", "jsonl"]).stdin(jsonl).stdout()
    );
}

#[test]
fn empty_cells_without_customer_turns() {
    let out = TestCommand::new(&["score"])
        .stdin("id,speaker,text\nx,agent,hello there\n")
        .stdout();
    let rows = csv_rows(&out);
    let r = &rows[1];
    for name in
        ["experienced", "peak", "peak_turn", "end", "remembered", "gap", "bad_ending"]
    {
        assert_eq!(r[col(&rows[0], name)], "", "{name} should be empty");
    }
    assert_eq!(r[col(&rows[0], "customer_turns")], "0");
    assert_eq!(r[col(&rows[0], "agent_turns")], "1");
}

#[test]
fn files_turns_and_summary_on_stderr() {
    let mut c = TestCommand::new(&["score", "-o", "ix.csv", "--turns", "turns.csv"]);
    c.arg(examples());
    let o = c.output();
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "stdout carries only data");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("interactions") && err.contains("MB/s"), "{err}");
    let turns = std::fs::read_to_string(c.path("turns.csv")).unwrap();
    assert!(turns.starts_with(TURN_HEADER));
    let rows = csv_rows(&turns);
    let (p, n, u) =
        (col(&rows[0], "positive"), col(&rows[0], "negative"), col(&rows[0], "neutral"));
    for r in &rows[1..] {
        let sum: f64 = [p, n, u].iter().map(|&i| r[i].parse::<f64>().unwrap()).sum();
        assert!((sum - 1.0).abs() <= 0.0006, "{r:?}");
    }
    // No temporary files left beside the outputs.
    let left: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    // --quiet: nothing on stderr.
    let mut q = TestCommand::new(&["score", "-q"]);
    q.arg(examples());
    assert!(q.output().stderr.is_empty());
}

#[test]
fn user_lexicon_overrides_and_adds() {
    let input = "id,speaker,text\na,customer,the parcel arrived squashed\n";
    let base = TestCommand::new(&["score"]).stdin(input).stdout();
    let c = TestCommand::new(&[]);
    c.file("lex/en/valence.tsv", "# mine\nsquashed\t-2.5\nparcel arrived\t1.0\n");
    let mut with = TestCommand::new(&["score", "--lexicons"]);
    with.arg(c.path("lex")).stdin(input);
    let out = with.stdout();
    let rows = csv_rows(&out);
    let e = col(&rows[0], "end");
    assert_eq!(csv_rows(&base)[1][e], "0.0000");
    assert_ne!(rows[1][e], "0.0000");
    assert!(rows[1][col(&rows[0], "end_terms")].contains("squashed:-2.50"), "{out}");
    assert!(rows[1][col(&rows[0], "end_terms")].contains("parcel arrived:1.00"), "{out}");
}

#[test]
fn no_phrases_reproduces_vader() {
    let input = "id,speaker,text\na,customer,thank you so much\n";
    let rows = |args: &[&str]| csv_rows(&TestCommand::new(args).stdin(input).stdout());
    let vader = rows(&["score", "--no-phrases"]);
    let e = col(&vader[0], "end");
    // vaderSentiment 3.3.2: "thank you so much" -> 0.5413 (thank 1.5, so booster... )
    assert_eq!(
        vader[1][e],
        format!(
            "{:.4}",
            vader_parity::SentimentIntensityAnalyzer::new()
                .polarity_scores("thank you so much")
                .compound
        )
    );
    assert_ne!(rows(&["score"])[1][e], vader[1][e]);
}

#[test]
fn peak_end_flags_change_the_figures() {
    let input =
        "id,speaker,text\na,customer,I am annoyed\na,customer,fine\na,customer,ok\n\
                 a,customer,fine\na,customer,that is odd\na,customer,great thanks\n";
    let get = |args: &[&str]| {
        let rows = csv_rows(&TestCommand::new(args).stdin(input).stdout());
        let h = rows[0].clone();
        let r = rows[1].clone();
        move |name: &str| r[col(&h, name)].clone()
    };
    let last = get(&["score", "--end-window", "1"]);
    let window = get(&["score", "--end-window", "3"]);
    assert_ne!(last("end"), window("end"));
    let peak_only = get(&["score", "--end-weight", "0"]);
    assert_eq!(peak_only("remembered"), peak_only("peak"));
    let end_only = get(&["score", "--peak-weight", "0"]);
    assert_eq!(end_only("remembered"), end_only("end"));
    let unbiased = get(&["score", "--negativity-bias", "1"]);
    assert_eq!(unbiased("peak_turn"), "6", "'great thanks' is the most intense");
    let biased = get(&["score", "--negativity-bias", "3"]);
    assert_eq!(biased("peak_turn"), "1", "'I am annoyed' weighs 3 times more");
    let strict = get(&["score", "--bad-ending-last", "-0.01", "--end-window", "1"]);
    assert_eq!(strict("bad_ending"), "false");
}

#[test]
fn help_and_version() {
    let help = TestCommand::new(&["score", "--help"]).stdout();
    assert!(
        help.contains("Examples:")
            && help.contains("--turns")
            && help.contains("--lexicons"),
        "{help}"
    );
    assert!(TestCommand::new(&["--version"]).stdout().starts_with("peakend "));
}

#[test]
fn clear_errors_with_file_and_line() {
    let c = TestCommand::new(&[]);
    let cases: Vec<(Vec<String>, Option<&str>, &str)> = vec![
        (vec!["score".into(), "nope.csv".into()], None, "nope.csv: input file not found"),
        (vec!["score".into()], Some(""), "<stdin>:1: the file is empty"),
        (vec!["score".into()], Some("id,text\na,b\n"), "<stdin>:1: header has no 'speaker' column"),
        (vec!["score".into()], Some("id,speaker,text\na,customer,x\na,alien,y\n"), "<stdin>:3: unknown speaker 'alien'"),
        (vec!["score".into()], Some("id,speaker,text\na,customer,x\nb,customer,y\na,agent,z\n"), "<stdin>:4: interaction 'a' appears again after other interactions (it started at line 2)"),
        (vec!["score".into(), "--lang".into(), "xx".into()], Some(""), "unsupported language 'xx'"),
        (vec!["score".into(), "--end-window".into(), "0".into()], Some(""), "--end-window must be at least 1"),
        (vec!["score".into(), "--bogus".into()], Some(""), "--bogus"),
        (vec!["score".into(), "--lexicons".into(), "missing-dir".into()], Some(""), "missing-dir: lexicon folder not found"),
    ];
    for (args, stdin, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = TestCommand::new(&args);
        if let Some(s) = stdin {
            cmd.stdin(s);
        }
        let err = cmd.fails();
        assert!(err.contains(want), "args {args:?}: {err:?} should contain {want:?}");
    }
    // A bad user lexicon names its file and line.
    c.file("lex/en/valence.tsv", "good\t1\nbad\tterrible\n");
    let mut cmd = TestCommand::new(&["score", "--lexicons"]);
    cmd.arg(c.path("lex")).stdin("id,speaker,text\na,customer,x\n");
    let err = cmd.fails();
    assert!(err.contains("valence.tsv:2: lexicon: 'terrible' is not a number"), "{err}");
}

#[test]
fn failed_run_leaves_no_output_file() {
    let mut c = TestCommand::new(&["score", "-o", "ix.csv", "--turns", "t.csv", "-"]);
    c.stdin(generated(5000) + "zzz,alien,boom\n");
    c.fails();
    let left: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn unsupported_language_column_falls_back_with_a_warning() {
    let o = TestCommand::new(&["score"])
        .stdin("id,speaker,text,language\na,customer,great,en-GB\nb,customer,great,tlh\n")
        .output();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("1 interaction in unsupported languages scored as en"), "{err}");
}

#[test]
fn bundled_jsonl_matches_bundled_csv() {
    let csv = TestCommand::new(&["score", &examples()]).stdout();
    let jsonl = TestCommand::new(&[
        "score",
        &data("examples/transcripts.jsonl").display().to_string(),
    ])
    .stdout();
    eqnice!(csv, jsonl);
}

#[test]
fn outputs_to_devices_are_written_in_place() {
    // `--turns /dev/stdout` must write there, never rename a file over it.
    let mut c =
        TestCommand::new(&["score", "-q", "-o", "/dev/null", "--turns", "/dev/stdout"]);
    c.arg(examples());
    let out = c.stdout();
    assert!(out.starts_with(TURN_HEADER), "{out}");
    // Not followed: /dev/stdout itself must still be a link or a device.
    for dev in ["/dev/stdout", "/dev/null"] {
        assert!(!std::fs::symlink_metadata(dev).unwrap().is_file(), "{dev} was replaced");
    }
}

#[test]
fn emotions_on_the_bundled_examples() {
    let mut c = TestCommand::new(&["score", "-q", "--turns", "turns.csv"]);
    c.arg(examples());
    let rows = csv_rows(&c.stdout());
    let h = &rows[0];
    let get = |id: &str, name: &str| {
        rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("no {id}"))
            [col(h, name)]
        .clone()
    };
    // (id, emotion, peak_emotion, end_emotion, empathy_after_peak)
    let cases = [
        ("cc-0001", "frustration", "frustration", "frustration", "true"), // outage, third call
        ("cc-0004", "gratitude", "anger", "gratitude", "true"), // furious, then recovered
        ("cc-0005", "neutral", "neutral", "neutral", ""),       // flat address change
        ("cc-0014", "anger", "anger", "anger", ""), // ends angry, no agent after it
        // Estimated bill: the peak is the aroused "going round in circles",
        // not the calmer (if more negative) "I don't understand".
        ("cc-0020", "confusion", "frustration", "confusion", "false"),
    ];
    for (id, emotion, peak, end, empathy) in cases {
        assert_eq!(
            [
                get(id, "emotion"),
                get(id, "peak_emotion"),
                get(id, "end_emotion"),
                get(id, "empathy_after_peak")
            ],
            [emotion, peak, end, empathy],
            "{id}"
        );
    }
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let th = &turns[0];
    let names = [
        "anger",
        "frustration",
        "disappointment",
        "anxiety",
        "confusion",
        "happiness",
        "gratitude",
        "empathy",
        "apology",
    ];
    for r in &turns[1..] {
        let values: Vec<f64> =
            names.iter().map(|n| r[col(th, n)].parse().unwrap()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)), "{r:?}");
        let emotion = &r[col(th, "emotion")];
        assert!(emotion == "neutral" || names.contains(&emotion.as_str()), "{emotion}");
    }
    // Agent empathy is detected on the agent's side.
    assert!(turns[1..]
        .iter()
        .any(|r| r[col(th, "speaker")] == "agent" && r[col(th, "emotion")] == "empathy"));
}

/// Issue 13: in a happy-then-angry call the peak people remember is the
/// angry turn, not the polite opener, and the figures agree with the bad
/// ending.
#[test]
fn the_peak_is_the_angry_turn_not_the_polite_opener() {
    let input = "id,speaker,text\n\
        a,customer,\"Great, thank you so much!! Why was I charged twice?\"\n\
        a,agent,\"The second payment is an authorisation, it drops off in 5 working days.\"\n\
        a,customer,\"Five working days? That is ridiculous.\"\n\
        a,agent,There's nothing more I can do.\n\
        a,customer,Fine. Whatever. Bye.\n";
    let mut c = TestCommand::new(&["score", "--lang", "en", "--turns", "turns.csv"]);
    let rows = csv_rows(&c.stdin(input).stdout());
    let get = |name: &str| rows[1][col(&rows[0], name)].clone();
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let valence =
        |turn: usize| -> f64 { turns[turn][col(&turns[0], "valence")].parse().unwrap() };
    // The opener reads more strongly than the angry turn even with the
    // negativity bias (|v| x 1.1): only its felt arousal decides.
    assert!(valence(1) > 1.1 * -valence(3), "{} {}", valence(1), valence(3));
    assert_eq!(get("peak_turn"), "3");
    assert_eq!(get("peak_emotion"), "anger");
    assert_eq!(
        (get("positive_peak_turn"), get("bad_ending")),
        ("1".into(), "true".into())
    );
    let figure = |name: &str| -> f64 { get(name).parse().unwrap() };
    assert!(figure("remembered") < 0.0 && figure("gap") < 0.0, "{rows:?}");
}

#[test]
fn user_emotion_cues() {
    let input = "id,speaker,text\na,customer,the engineer was a no-show\n";
    let c = TestCommand::new(&[]);
    c.file("lex/en/emotion.tsv", "engineer was a no-show\tfrustration\t1\n");
    let mut cmd = TestCommand::new(&["score", "--lexicons"]);
    cmd.arg(c.path("lex")).stdin(input);
    let rows = csv_rows(&cmd.stdout());
    assert_eq!(rows[1][col(&rows[0], "emotion")], "frustration");
    c.file("lex2/en/emotion.tsv", "no-show\tfury\t1\n");
    let mut bad = TestCommand::new(&["score", "--lexicons"]);
    bad.arg(c.path("lex2")).stdin(input);
    let err = bad.fails();
    assert!(err.contains("emotion.tsv:1: lexicon: unknown emotion 'fury'"), "{err}");
}

#[test]
fn explanation_lists_are_capped() {
    // 41 terms: 30 "good" (1.9), 10 "terrible" (-2.5) and the complaint's
    // emotion (under 1). The 32 kept are the strongest, in text order:
    // every "terrible", and of the tied "good"s the first 22.
    let words = "good ".repeat(30) + &"terrible ".repeat(10);
    let input = format!("id,speaker,text\na,customer,{words}\n");
    let mut c = TestCommand::new(&["score", "-", "--turns", "turns.csv"]);
    let out = c.stdin(input).stdout();
    let rows = csv_rows(&out);
    let peak_terms = &rows[1][col(&rows[0], "peak_terms")];
    let turns = csv_rows(&std::fs::read_to_string(c.path("turns.csv")).unwrap());
    let terms = &turns[1][col(&turns[0], "terms")];
    assert_eq!(peak_terms, terms);
    let entries: Vec<&str> = terms.split('|').collect();
    assert_eq!(entries.len(), 33, "{terms}");
    assert_eq!(entries[32], "+9 more");
    // The strongest are kept: every "terrible", then the first "good"s.
    assert_eq!(entries.iter().filter(|e| e.starts_with("terrible:")).count(), 10);
    assert!(entries[..22].iter().all(|e| e.starts_with("good:")), "{terms}");
}

#[test]
fn threads_zero_means_every_core_and_huge_counts_are_capped() {
    let plain = TestCommand::new(&["score", "-q", &examples()]).stdout();
    let zero = TestCommand::new(&["score", "-q", "--threads", "0", &examples()]).stdout();
    eqnice!(plain, zero);
    let started = std::time::Instant::now();
    let o = TestCommand::new(&["score", "--threads", "10000", &examples()]).output();
    assert!(o.status.success());
    eqnice!(plain, String::from_utf8(o.stdout).unwrap());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("--threads 10000: using "), "{err}");
    assert!(err.contains(" per core on "), "{err}");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn an_error_before_the_first_row_prints_nothing_on_stdout() {
    for input in ["id,speaker\n", "id,speaker,text\na,alien,hello\n", ""] {
        let o = TestCommand::new(&["score", "-"]).stdin(input).output();
        assert_eq!(o.status.code(), Some(1), "{input:?}");
        assert!(o.stdout.is_empty(), "{input:?}: {}", String::from_utf8_lossy(&o.stdout));
    }
    // An empty run still gets its header.
    let out = TestCommand::new(&["score", "-"]).stdin("id,speaker,text\n").stdout();
    assert!(out.starts_with(HEADER) && out.lines().count() == 1, "{out}");
}

#[test]
fn the_summary_agrees_in_number() {
    let o = TestCommand::new(&["score", "-"])
        .stdin("id,speaker,text\na,customer,hi\n")
        .output();
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.starts_with("peakend: 1 interaction, 1 turn, "), "{err}");
    // "ok" says nothing of its language: the default applies, and is counted.
    let o = TestCommand::new(&["score", "-", "--default-lang", "fr"])
        .stdin("id,speaker,text\na,customer,ok\n")
        .output();
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains(
            "warning: 1 interaction whose language could not be told, scored as fr"
        ),
        "{err}"
    );
}
