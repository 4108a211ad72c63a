//! `peakend report` and `peakend score --report`: the coach's HTML page.

use std::path::{Path, PathBuf};

use crate::util::{col, csv_rows, data, TestCommand};

/// Scores the bundled examples into `dir`; returns (interactions, turns).
pub fn scored_examples(dir: &Path) -> (PathBuf, PathBuf) {
    let (ix, turns) = (dir.join("ix.csv"), dir.join("turns.csv"));
    let mut c = TestCommand::new(&["score", "-q", "-o"]);
    c.arg(&ix).arg("--turns").arg(&turns).arg(data("examples/transcripts.csv"));
    c.stdout();
    (ix, turns)
}

/// The interaction ids of the drawn cards, in page order.
pub fn card_ids(html: &str) -> Vec<String> {
    html.split("<li class=\"card")
        .skip(1)
        .map(|card| {
            let start = card.find("data-id=\"").expect("data-id") + 9;
            let end = start + card[start..].find('"').unwrap();
            card[start..end].to_string()
        })
        .collect()
}

/// The ranking computed here from the CSV, independently of the library:
/// bad endings first, then end (the ending effect with equal weights is
/// end / 2), then input order.
pub fn expected_ranking(ix_csv: &str) -> Vec<String> {
    let rows = csv_rows(ix_csv);
    let h = &rows[0];
    let (bad, end) = (col(h, "bad_ending"), col(h, "end"));
    let mut v: Vec<(bool, f64, usize, String)> = rows[1..]
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (r[bad] != "true", r[end].parse().unwrap_or(f64::INFINITY), i, r[0].clone())
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    v.into_iter().map(|t| t.3).collect()
}

fn report(args: &[&str], ix: &Path, turns: Option<&Path>) -> (TestCommand, String) {
    let mut c = TestCommand::new(&["report", "-q"]);
    c.arg(ix);
    if let Some(t) = turns {
        c.arg("--turns").arg(t);
    }
    for a in args {
        c.arg(a);
    }
    let html = c.stdout();
    (c, html)
}

#[test]
fn report_of_the_bundled_examples_ranks_and_draws() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let expected = expected_ranking(&std::fs::read_to_string(&ix).unwrap());
    assert_eq!(expected.len(), 20);
    // cc-0020 ends confused ("I still don't really get how this
    // happened, but fine"): a complaint emotion, so a bad ending.
    assert_eq!(
        &expected[..5],
        ["cc-0007", "cc-0014", "cc-0003", "cc-0001", "cc-0020"],
        "the five bad endings"
    );

    let (_, html) = report(&[], &ix, Some(&turns));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg class=\"arc\"").count(), 20, "one arc per interaction");
    eqnice!(expected.join("\n"), card_ids(&html).join("\n"));
    // Every turn is a point: 215 turns in the examples.
    assert_eq!(
        html.matches("<circle class=\"pt ").count(),
        215 + 2,
        "and two in the legend"
    );
    assert_eq!(
        html.matches("class=\"mark peak\"").count(),
        20 + 1,
        "one per arc, one in the legend"
    );
    // The batch at a glance: two histograms, bad-ending share, end emotions,
    // the no-empathy list.
    assert_eq!(html.matches("<svg class=\"hist\"").count(), 2);
    assert!(html.contains("<div class=\"v\">25%</div><div class=\"l\">bad endings</div>"));
    assert!(html.contains("<th>gratitude</th>"), "end emotions");
    let noemp = &html[html.find("class=\"noemp\"").unwrap()
        ..html.find("class=\"noemp hard\"").unwrap()];
    assert!(
        noemp.contains("<code>cc-0020</code>") && !noemp.contains("<code>cc-0014</code>")
    );
    assert!(noemp.contains("<a href=\"#r5\">#5</a>"), "links to the card (cc-0020, 5th)");

    // --top N: only the worst N are drawn, all still counted.
    let (_, top) = report(&["--top", "5", "--title", "Week <12>"], &ix, Some(&turns));
    assert_eq!(top.matches("<svg class=\"arc\"").count(), 5);
    assert_eq!(card_ids(&top), expected[..5]);
    assert!(top.contains("<title>Week &lt;12&gt;</title>"));
    assert!(top.contains("The worst 5 of 20 interactions are drawn"));
    assert!(top.contains("<div class=\"v\">20</div><div class=\"l\">interactions</div>"));
}

#[test]
fn report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let (_, html) = report(&[], &ix, Some(&turns));
    let lower = html.to_lowercase();
    for bad in [
        "http://",
        "https://",
        "<script src",
        "<link",
        "@import",
        "url(",
        "<iframe",
        "<img",
    ] {
        assert!(!lower.contains(bad), "the page refers to an outside resource: {bad}");
    }
    assert_eq!(lower.matches("<script").count(), 1, "one inline script");
    assert_eq!(lower.matches("<style").count(), 1, "one inline style sheet");
}

#[test]
fn report_marks_the_words_that_drove_each_turn() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let (_, html) = report(&[], &ix, Some(&turns));
    // cc-0001 turn 2: "third time calling:-2.20|fault:-1.70".
    assert!(
        html.contains("this is the <mark class=\"neg\" title=\"\u{2212}2.20\">third time calling</mark> about the same <mark class=\"neg\" title=\"\u{2212}1.70\">fault</mark>"),
        "marks in cc-0001 turn 2"
    );
    // Case-insensitive: "Thanks for calling" from the term "thanks for calling".
    assert!(
        html.contains("<mark class=\"pos\" title=\"+0.60\">Thanks for calling</mark>")
    );
    // Each point's tooltip source exists.
    for id in ["r1-t0", "r4-t1", "r20-t0"] {
        assert!(
            html.contains(&format!("data-tip=\"{id}\""))
                && html.contains(&format!("<li id=\"{id}\"")),
            "{id}"
        );
    }
}

#[test]
fn text_from_the_csvs_is_escaped() {
    let c = TestCommand::new(&[]);
    let ix = c.file(
        "ix.csv",
        "interaction_id,experienced,peak,peak_turn,end,remembered,gap,bad_ending,end_turn,emotion,end_emotion\n\
         \"<b>x</b>\",-0.5,-0.9,1,-0.9,-0.9,-0.4,true,1,anger,\"<i>\"\n",
    );
    let turns = c.file(
        "turns.csv",
        "interaction_id,turn,speaker,valence,terms,text\n\"<b>x</b>\",1,customer,-0.9,awful:-2.50,\"<script>alert(1)</script> awful & \"\"bad\"\"\"\n",
    );
    let (_, html) = report(&[], &ix, Some(&turns));
    assert!(
        !html.contains("<b>x</b>") && !html.contains("<script>alert"),
        "raw markup from the CSV"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; <mark class=\"neg\" title=\"\u{2212}2.50\">awful</mark> &amp; &quot;bad&quot;"));
    assert!(html.contains("data-id=\"&lt;b&gt;x&lt;/b&gt;\""));
}

#[test]
fn report_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let c = TestCommand::new(&[]);
    let good = std::fs::read_to_string(&ix).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    let bad_row = lines[3].replacen(",true,", ",perhaps,", 1);
    lines[3] = &bad_row;
    let bad_bool = c.file("bad-bool.csv", lines.join("\n"));
    let no_col = c.file("no-col.csv", good.replacen("remembered", "remembrance", 1));
    let bad_turn = c.file("bad-turn.csv", "interaction_id,turn,speaker,valence\ncc-0001,1,customer,0.5\ncc-0001,2,customer,lots\n");
    let empty = c.file("empty.csv", "");
    let p = |p: &Path| p.display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["nope.csv".into()], "nope.csv: input file not found"),
        (vec![p(&ix), "--turns".into(), "missing-turns.csv".into()], "missing-turns.csv: input file not found"),
        (vec![p(&no_col)], "no-col.csv:1: header has no 'remembered' column: expected the per-interaction CSV written by `peakend score -o`"),
        (vec![p(&turns)], "turns.csv:1: header has no 'experienced' column: expected the per-interaction CSV written by `peakend score -o` (this looks like the per-turn CSV: give it to --turns)"),
        (vec![p(&ix), "--turns".into(), p(&ix)], "ix.csv:1: header has no 'turn' column: expected the per-turn CSV written by `peakend score --turns` (this looks like the per-interaction CSV"),
        (vec![p(&bad_bool)], "bad-bool.csv:4: bad_ending 'perhaps' is not true or false"),
        (vec![p(&ix), "--turns".into(), p(&bad_turn)], "bad-turn.csv:3: valence 'lots' is not a number"),
        (vec![p(&empty)], "empty.csv:1: the file is empty"),
        (vec!["-".into(), "--turns".into(), "-".into()], "cannot both be standard input"),
        (vec![p(&ix), "--turns".into(), "-".into(), "--journeys".into(), "-".into()], "--turns and --journeys cannot both be standard input"),
        (vec![p(&ix), "--journeys".into(), "nope-journeys.csv".into()], "nope-journeys.csv"),
        (vec![p(&ix), "--peak-weight".into(), "0".into(), "--end-weight".into(), "0".into()], "--peak-weight and --end-weight cannot both be 0"),
        (vec![p(&ix), "--top".into(), "many".into()], "--top"),
        (vec![p(&ix), "-o".into(), "no/such/dir/r.html".into()], "no/such/dir/r.html"),
    ];
    for (args, want) in cases {
        let mut cmd = TestCommand::new(&["report"]);
        for a in &args {
            cmd.arg(a);
        }
        cmd.stdin("");
        let err = cmd.fails();
        assert!(err.contains(want), "args {args:?}: {err:?} should contain {want:?}");
        if !want.starts_with("--top") {
            assert_eq!(err.lines().count(), 1, "one message: {err}");
        }
    }
}

#[test]
fn report_reads_standard_input_and_writes_files_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let (_, from_file) = report(&[], &ix, Some(&turns));
    let mut c = TestCommand::new(&["report", "-q", "-", "--turns"]);
    c.arg(&turns).stdin(std::fs::read(&ix).unwrap());
    let from_stdin = c.stdout();
    assert_eq!(card_ids(&from_stdin), card_ids(&from_file));
    assert!(from_stdin.contains("interactions from <code>&lt;stdin&gt;</code>"));

    let mut c = TestCommand::new(&["report", "-o", "r.html"]);
    c.arg(&ix).arg("--turns").arg(&turns);
    let o = c.output();
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "the page went to the file");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("peakend: report of 20 interactions (5 bad endings), 20 drawn"),
        "{err}"
    );
    let page = std::fs::read_to_string(c.path("r.html")).unwrap();
    assert_eq!(page.replace("ix.csv", "").len(), from_file.replace("ix.csv", "").len());
    let left: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["r.html"], "no temporary file left");
    // The same CSVs give the same bytes.
    assert_eq!(report(&[], &ix, Some(&turns)).1, from_file);
}

#[test]
fn report_without_turns_ranks_but_draws_no_arcs() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, _) = scored_examples(dir.path());
    let mut c = TestCommand::new(&["report"]);
    c.arg(&ix);
    let o = c.output();
    assert!(o.status.success());
    let html = String::from_utf8(o.stdout).unwrap();
    assert_eq!(html.matches("<svg class=\"arc\"").count(), 0);
    assert_eq!(card_ids(&html).len(), 20);
    assert!(html.contains("No per-turn CSV given"));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no --turns: the page has no arcs")
    );
}

#[test]
fn turns_of_other_runs_are_reported_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, _) = scored_examples(dir.path());
    let c = TestCommand::new(&[]);
    let other =
        c.file("other.csv", "interaction_id,turn,speaker,valence\nzz-1,1,customer,0.5\n");
    let mut cmd = TestCommand::new(&["report"]);
    cmd.arg(&ix).arg("--turns").arg(&other);
    let o = cmd.output();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: no rows in the per-turn CSV for 20 drawn interactions"),
        "{err}"
    );
}

#[test]
fn ranking_uses_the_weights_and_warns_when_they_differ() {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let mut c = TestCommand::new(&["report", "--end-weight", "3"]);
    c.arg(&ix).arg("--turns").arg(&turns);
    let o = c.output();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "remembered does not follow from --peak-weight 1 --end-weight 3 in "
        ),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("class=\"warning\""));

    // Scored and reported with the same weights: no warning.
    let mut s = TestCommand::new(&[
        "score",
        "-q",
        "--end-weight",
        "3",
        "-o",
        "ix3.csv",
        "--turns",
        "t3.csv",
    ]);
    s.arg(data("examples/transcripts.csv"));
    s.stdout();
    let mut c = TestCommand::new(&["report", "--end-weight", "3"]);
    c.arg(s.path("ix3.csv")).arg("--turns").arg(s.path("t3.csv"));
    let o = c.output();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && !err.contains("warning"), "{err}");
    let html = String::from_utf8(o.stdout).unwrap();
    assert!(html.contains("(pw = 1, ew = 3)"));
    // An ending effect of 3/4 of the end: cc-0014 ends at -0.7516.
    assert!(html.contains("<b>\u{2212}0.56</b> ending effect"), "3 x -0.7516 / 4");
}

#[test]
fn agent_column_gives_an_agent_filter() {
    let c = TestCommand::new(&[]);
    let ix = c.file(
        "ix.csv",
        "interaction_id,experienced,peak,end,remembered,gap,bad_ending,agent_valence,empathy_after_peak,agent_id\n\
         a,-0.5,-0.9,-0.9,-0.9,-0.4,true,-0.2,false,Priya\n\
         b,0.5,0.9,0.9,0.9,0.4,false,0.3,true,Sam|Priya\n\
         c,0.1,0.2,0.0,0.1,0.0,false,0.0,,\n",
    );
    let (_, html) = report(&[], &ix, None);
    assert!(html.contains("<select name=\"agent\" class=\"facet\"><option value=\"\">all</option><option value=\"Priya\">Priya</option><option value=\"Sam\">Sam</option></select>"));
    assert!(
        html.contains("data-agent=\"Sam|Priya\" data-empathy=\"yes\" data-tone=\"pos\"")
    );
    assert!(html.contains("data-agent=\"Priya\" data-empathy=\"no\" data-tone=\"neg\""));
    assert!(!html.contains("has no agent column"));
    // Without it: filters by what the agent did, and says so.
    let ix2 = c.file("ix2.csv", "interaction_id,experienced,peak,end,remembered,gap,bad_ending\na,-0.5,-0.9,-0.9,-0.9,-0.4,true\n");
    let (_, html) = report(&[], &ix2, None);
    assert!(!html.contains("<select name=\"agent\""));
    assert!(
        html.contains("has no agent column")
            && html.contains("<select name=\"empathy\">")
            && html.contains("<select name=\"tone\">")
    );
}

#[test]
fn large_batches_draw_only_the_top() {
    // 30,000 interactions straight into the report (no scoring): the page
    // draws the worst 7 and counts them all.
    let mut ix = String::from("interaction_id,experienced,peak,peak_turn,end,remembered,gap,bad_ending,end_turn\n");
    let mut turns = String::from("interaction_id,turn,speaker,valence,terms,text\n");
    for i in 0..30_000u32 {
        let end = ((i * 7919) % 2001) as f64 / 1000.0 - 1.0;
        let bad = i % 1000 == 17;
        ix += &format!(
            "ix-{i},0.1,{end:.4},2,{end:.4},{end:.4},{:.4},{bad},2\n",
            end - 0.1
        );
        turns += &format!("ix-{i},1,agent,0.1,,Hello\nix-{i},2,customer,{end:.4},,Bye\n");
    }
    let c = TestCommand::new(&[]);
    let ixp = c.file("ix.csv", &ix);
    let tp = c.file("turns.csv", &turns);
    let (_, html) = report(&["--top", "7"], &ixp, Some(&tp));
    let ids = card_ids(&html);
    assert_eq!(ids.len(), 7);
    assert!(ids[..7].iter().all(|id| id.ends_with("017")), "bad endings first: {ids:?}");
    assert_eq!(ids, expected_ranking(&ix)[..7]);
    assert_eq!(html.matches("<svg class=\"arc\"").count(), 7);
    assert_eq!(html.matches("<circle class=\"pt ").count(), 14 + 2);
    assert!(html.contains(
        "<div class=\"v\">30\u{202f}000</div><div class=\"l\">interactions</div>"
    ));
    assert!(html.len() < 400_000, "{} bytes", html.len());
}

#[test]
fn score_writes_the_report_in_the_same_run() {
    let examples = data("examples/transcripts.csv");
    let plain = {
        let mut c = TestCommand::new(&["score", "-q"]);
        c.arg(&examples);
        c.stdout()
    };
    // -o a file, no --turns: the turns are staged beside the report and removed.
    let mut c = TestCommand::new(&["score", "-o", "ix.csv", "--report", "r.html"]);
    c.arg(&examples);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("peakend: report of 20 interactions (5 bad endings), 20 drawn"));
    eqnice!(plain, std::fs::read_to_string(c.path("ix.csv")).unwrap());
    let html = std::fs::read_to_string(c.path("r.html")).unwrap();
    assert_eq!(html.matches("<svg class=\"arc\"").count(), 20);
    eqnice!(expected_ranking(&plain).join("\n"), card_ids(&html).join("\n"));
    assert!(html.contains("interactions from <code>"), "names the transcripts");
    assert!(html.contains("transcripts.csv</code>"));
    let mut left: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["ix.csv", "r.html"]);

    // Standard output: the CSV still comes out there, whole.
    let mut c =
        TestCommand::new(&["score", "-q", "--turns", "t.csv", "--report", "r.html"]);
    c.arg(&examples);
    eqnice!(plain, c.stdout());
    let mut left: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["r.html", "t.csv"]);
    assert_eq!(
        std::fs::read_to_string(c.path("r.html"))
            .unwrap()
            .matches("<svg class=\"arc\"")
            .count(),
        20
    );

    // The run's weights are the report's.
    let mut c = TestCommand::new(&[
        "score",
        "-q",
        "--peak-weight",
        "2",
        "--report",
        "r.html",
        "-o",
        "/dev/null",
    ]);
    c.arg(&examples);
    let o = c.output();
    assert!(
        o.status.success() && o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(std::fs::read_to_string(c.path("r.html"))
        .unwrap()
        .contains("(pw = 2, ew = 1)"));

    // A failed run leaves nothing behind.
    let mut c = TestCommand::new(&["score", "-q", "--report", "r.html", "-"]);
    c.stdin("id,speaker,text\na,customer,fine\nb,alien,boom\n");
    c.fails();
    let left: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");

    let mut c =
        TestCommand::new(&["score", "-q", "-o", "same.html", "--report", "same.html"]);
    c.arg(&examples);
    assert!(c.fails().contains("--report must name another file than -o"));
}

#[test]
fn help_documents_the_report() {
    let help = TestCommand::new(&["report", "--help"]).stdout();
    for want in [
        "Examples:",
        "--turns",
        "--journeys",
        "--top",
        "--title",
        "--peak-weight",
        "ending effect",
        "peakend score calls.csv -o interactions.csv --report report.html",
    ] {
        assert!(help.contains(want), "{want}: {help}");
    }
    let top = TestCommand::new(&["--help"]).stdout();
    assert!(top.contains("report"), "{top}");
    assert!(TestCommand::new(&["score", "--help"]).stdout().contains("--report"));
}

#[test]
fn the_report_in_memory_is_the_report_from_the_csvs() {
    // The timed calls have holds and silences: in memory they come from the
    // scorer's data, from the CSVs through the holds/silences columns.
    for (name, holds) in [("transcripts.csv", false), ("calls_timed.csv", true)] {
        let examples = data(&format!("examples/{name}"));
        let mut c = TestCommand::new(&[
            "score", "-q", "-o", "ix.csv", "--turns", "t.csv", "--report", "r.html",
        ]);
        c.arg(&examples);
        c.stdout();
        let (_, from_csvs) = report(&[], &c.path("ix.csv"), Some(&c.path("t.csv")));
        let in_memory = std::fs::read_to_string(c.path("r.html")).unwrap();
        // Only the line naming the inputs differs.
        let without_sources = |html: &str| {
            html.lines()
                .filter(|l| !l.contains("interactions from <code>"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        eqnice!(without_sources(&from_csvs), without_sources(&in_memory));
        assert!(in_memory.contains(&format!("{name}</code>")));
        assert_eq!(in_memory.contains("<title>hold of"), holds, "{name}");
    }
}

#[test]
fn the_readme_pipe_works() {
    // `peakend score big.csv --turns pt.csv -q | peakend report - --turns pt.csv`:
    // the report opens pt.csv only once standard input has ended.
    let c = TestCommand::new(&[]);
    let bin = env!("CARGO_BIN_EXE_peakend");
    let examples = data("examples/transcripts.csv");
    let status = std::process::Command::new("sh")
        .current_dir(c.dir.path())
        .arg("-c")
        .arg(format!(
            "'{bin}' score '{}' --turns pt.csv -q | '{bin}' report - --turns pt.csv -q > r.html",
            examples.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(c.path("r.html")).unwrap();
    assert_eq!(html.matches("<svg class=\"arc\"").count(), 20);
}

#[test]
fn report_errors_name_the_asked_path() {
    let mut c = TestCommand::new(&["score", "-q", "--report", "nodir/r.html"]);
    c.arg(data("examples/transcripts.csv"));
    let err = c.fails();
    assert!(
        err.contains("peakend: error: nodir/r.html: cannot create the output file"),
        "{err}"
    );
    assert!(!err.contains(".r.html."), "{err}");
    let mut c = TestCommand::new(&["report", "-q", "-o", "nodir/r.html"]);
    c.arg(data("tests/data/golden/small.interactions.csv"));
    let err = c.fails();
    assert!(err.contains("nodir/r.html: cannot create the output file"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_report() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_peakend"))
        .current_dir(dir.path())
        .args(["score", "-o", "ix.csv", "--report", "r.html", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = String::from("id,speaker,text\n");
    for i in 0..2000 {
        input += &format!("ix-{i},customer,still not working #{i}\n");
    }
    child.stdin.as_mut().unwrap().write_all(input.as_bytes()).unwrap();
    // Both temporary files exist: the run is under way, stdin still open.
    let temps = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp")
            })
            .count()
    };
    let started = std::time::Instant::now();
    while temps() < 2 {
        assert!(started.elapsed().as_secs() < 60, "no temporary files");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    assert!(kill.unwrap().success());
    let stdin = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(err.contains("no output written (removed 2 temporary files)"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Scores `examples/calls_timed.csv` (holds, silences, talk-over) into the
/// command's directory; returns (interactions, turns).
fn scored_timed(c: &TestCommand) -> (PathBuf, PathBuf) {
    let mut s = TestCommand::new(&["score", "-q", "-o"]);
    s.arg(c.path("ix.csv")).arg("--turns").arg(c.path("t.csv"));
    s.arg(data("examples/calls_timed.csv"));
    s.stdout();
    (c.path("ix.csv"), c.path("t.csv"))
}

/// The markup of the card of interaction `id`.
fn card_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("data-id=\"{id}\"")).expect(id);
    let card = &html[start..];
    &card[..card.find("</li><li class=\"card").unwrap_or(card.len())]
}

#[test]
fn cards_show_effort_resolution_and_holds() {
    let c = TestCommand::new(&[]);
    let (ix, turns) = scored_timed(&c);
    let (_, html) = report(&[], &ix, Some(&turns));
    // tc-04: an 11-minute hold is the peak; not resolved.
    let card = card_of(&html, "tc-04");
    for want in [
        "data-resolved=\"no\" data-hard=\"1\"",
        "<span class=\"chip warn\">not resolved</span>",
        "effort 0.44</span>",
        "<span class=\"chip hold\">on hold 11m00s</span>",
        // Named in the explanation, as the peak.
        "<b>On hold 11m00s</b> before turn 5: the customer\u{2019}s most intense moment.",
        "<b>Not resolved</b> (\u{201c}we'll be in touch\u{201d}).",
        // On the arc, placed by time, with its length.
        "<rect class=\"pause hold\"",
        "<title>hold of 11m00s before turn 5</title>",
        ">hold 11m00s</text>",
        "<text class=\"axisname\" x=\"2\" y=\"238.0\">time</text>",
        // The evidence.
        "<span class=\"tl\">Effort</span><span class=\"term neu\">hold 11m00s<small>0.44</small></span>",
        "<span class=\"term neg\" title=\"says it was not\">we'll be in touch<small>\u{2717}</small></span>",
        "<dt>on hold</dt><dd>11m00s</dd>",
        "<dt>resolved</dt><dd class=\"warn\">no</dd>",
        "<dt>agent talk share</dt><dd>55%</dd>",
        // The peak's word is the hold.
        "<span class=\"term neg\">hold 11m00s<small>\u{2212}0.89</small></span>",
    ] {
        assert!(card.contains(want), "tc-04 card lacks {want}");
    }
    // tc-01: resolved, a hold and a silence, neither the peak.
    let card = card_of(&html, "tc-01");
    assert!(card.contains("<span class=\"chip ok\">resolved</span>"));
    assert!(card.contains("<b>On hold 4m10s</b> before turn 5."));
    assert!(card.contains("A silence of 1m00s before turn 8."));
    assert_eq!(card.matches("<rect class=\"pause ").count(), 2);
    assert!(card.contains("<rect class=\"pause silence\""));

    // The batch: resolved share, mean effort, holds; the hardest list,
    // unresolved first, then by effort.
    for want in [
        "<div class=\"v\">50%</div><div class=\"l\">resolved</div>",
        "<div class=\"l\">mean effort</div>",
        "<div class=\"v\">100%</div><div class=\"l\">put on hold</div>",
        "<select name=\"resolved\">",
        "<input type=\"checkbox\" name=\"hard\">",
    ] {
        assert!(html.contains(want), "page lacks {want}");
    }
    let hard = &html
        [html.find("class=\"noemp hard\"").unwrap()..html.find("id=\"worst\"").unwrap()];
    let order: Vec<usize> = ["tc-02", "tc-04"]
        .iter()
        .map(|id| hard.find(&format!("<code>{id}</code>")).unwrap())
        .collect();
    assert!(order[0] < order[1], "unresolved, highest effort first");
    assert!(!hard.contains("<code>tc-03</code>"), "resolved, effort 0.34: not hard");
}

#[test]
fn holds_without_timestamps_sit_between_turns() {
    // A per-turn CSV without start_ms: the arc is by turn, the hold between
    // turns 2 and 3, still with its length.
    let c = TestCommand::new(&[]);
    let ix = c.file(
        "ix.csv",
        "interaction_id,experienced,peak,peak_turn,end,remembered,gap,bad_ending,end_turn,holds,silences,hold_ms\n\
         a,-0.1,-0.4,3,-0.4,-0.4,-0.3,true,3,3:95000,2:12000,95000\n",
    );
    let turns = c.file(
        "t.csv",
        "interaction_id,turn,speaker,valence\na,1,customer,0.1\na,2,agent,0.2\na,3,customer,-0.4\n",
    );
    let (_, html) = report(&[], &ix, Some(&turns));
    assert!(html.contains("<title>hold of 1m35s before turn 3</title>"));
    assert!(html.contains("<title>silence of 12s before turn 2</title>"));
    assert!(html.contains(">turn</text>"), "the axis is by turn");
    assert!(
        html.contains("<div class=\"v\">100%</div><div class=\"l\">put on hold</div>")
    );
    let bad = c.file(
        "bad.csv",
        std::fs::read_to_string(&ix).unwrap().replace("3:95000", "3-95000"),
    );
    let err = TestCommand::new(&["report", "-q"]).arg(&bad).fails();
    assert!(err.contains("bad.csv:2: holds '3-95000' is not turn:ms"), "{err}");
}

#[test]
fn nothing_of_effort_resolution_or_holds_without_their_columns() {
    let c = TestCommand::new(&[]);
    let ix = c.file(
        "ix.csv",
        "interaction_id,experienced,peak,end,remembered,gap,bad_ending\na,-0.5,-0.9,-0.9,-0.9,-0.4,true\n",
    );
    let (_, html) = report(&[], &ix, None);
    for absent in [
        "class=\"l\">resolved<",
        "mean effort",
        "put on hold",
        "class=\"noemp hard\"",
        "name=\"resolved\"",
        "name=\"hard\"",
        "resolution unknown",
        "class=\"term neu\"",
        "id=\"journeys\"",
        "class=\"facet\"",
    ] {
        assert!(!html.contains(absent), "{absent} without the data");
    }
    assert!(html.contains("data-resolved=\"unknown\" data-hard=\"0\""));
    // The bundled examples have timestamps but no hold: no band, no "on hold" chip.
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let (_, html) = report(&[], &ix, Some(&turns));
    assert!(!html.contains("<title>hold of") && !html.contains("class=\"chip hold\""));
    assert!(html.contains("<div class=\"v\">0%</div><div class=\"l\">put on hold</div>"));
}

#[test]
fn queue_and_channel_columns_give_filters() {
    let c = TestCommand::new(&[]);
    let ix = c.file(
        "ix.csv",
        "interaction_id,experienced,peak,end,remembered,gap,bad_ending,Queue,media_type\n\
         a,-0.5,-0.9,-0.9,-0.9,-0.4,true,billing,voice\n\
         b,0.5,0.9,0.9,0.9,0.4,false,<b>tech</b>,chat\n",
    );
    let (_, html) = report(&[], &ix, None);
    assert!(html.contains("<label>Queue<select name=\"queue\" class=\"facet\"><option value=\"\">all</option><option value=\"&lt;b&gt;tech&lt;/b&gt;\">&lt;b&gt;tech&lt;/b&gt;</option><option value=\"billing\">billing</option></select>"));
    assert!(html.contains("<label>Channel<select name=\"channel\" class=\"facet\">"));
    assert!(html.contains("data-queue=\"billing\" data-channel=\"voice\""));
    assert!(html.contains("<span class=\"chip\">queue &lt;b&gt;tech&lt;/b&gt;</span>"));
    assert!(!html.contains("<b>tech</b>"));
    assert!(!html.contains("name=\"agent\"") && !html.contains("data-agent="));
}

#[test]
fn journeys_section_links_the_contacts_to_their_cards() {
    let c = TestCommand::new(&[]);
    let examples = data("examples/journey_interactions.csv");
    let mut j = crate::journey::example_journeys();
    j.arg("-o").arg(c.path("j.csv"));
    j.stdout();
    let journeys = c.path("j.csv");
    let (_, html) = report(&["--journeys", journeys.to_str().unwrap()], &examples, None);
    let section = &html[html.find("<section id=\"journeys\">").unwrap()
        ..html.find("<section id=\"worst\">").unwrap()];
    // C-1001: chat, call, email; the call and the email went wrong.
    let ids = card_ids(&html);
    let rank = |id: &str| ids.iter().position(|i| i == id).unwrap() + 1;
    for want in [
        "<div class=\"v\">4</div><div class=\"l\">customers</div>".to_string(),
        "<div class=\"v\">25%</div><div class=\"l\">failed again</div>".to_string(),
        "<td><code>C-1001</code></td><td class=\"num\">3</td><td>chat \u{2192} call \u{2192} email</td><td class=\"num\">2</td>".to_string(),
        format!("<a href=\"#r{0}\" title=\"card #{0}\"><code>j-102</code></a>", rank("j-102")),
        format!("<a href=\"#r{0}\" title=\"card #{0}\"><code>j-103</code></a>", rank("j-103")),
        "<td class=\"num warn\">0.88</td>".to_string(),
    ] {
        assert!(section.contains(&want), "journeys lack {want}: {section}");
    }
    assert_eq!(section.matches("<tr data-customer=").count(), 1, "only who failed again");
    // Only one card drawn: the other contact is named, not linked.
    let (_, top) = report(
        &["--top", "1", "--journeys", journeys.to_str().unwrap()],
        &examples,
        None,
    );
    assert!(
        top.contains("<code>j-103</code><small class=\"dim\"> (not drawn)</small>")
            || top
                .contains("<code>j-102</code><small class=\"dim\"> (not drawn)</small>")
    );
    let mut summary = TestCommand::new(&["report", "-o", "r.html", "--journeys"]);
    summary.arg(&journeys).arg(&examples);
    let err = String::from_utf8(summary.output().stderr).unwrap();
    assert!(err.contains("; journeys: 4 customers, 1 failed again"), "{err}");
    // Without --journeys, no section; a wrong file is an error naming it.
    let (_, plain) = report(&[], &examples, None);
    assert!(!plain.contains("id=\"journeys\""));
    let mut bad = TestCommand::new(&["report", "-q", "--journeys"]);
    bad.arg(&examples).arg(&examples);
    let err = bad.fails();
    assert!(err.contains("journey_interactions.csv:1: header has no 'contacts' column: expected the journey CSV written by `peakend journey`"), "{err}");
    // Escaped.
    let evil = c.file(
        "evil.csv",
        std::fs::read_to_string(&journeys).unwrap().replace("C-1001", "<i>C</i>"),
    );
    let (_, html) = report(&["--journeys", evil.to_str().unwrap()], &examples, None);
    assert!(
        html.contains("<code>&lt;i&gt;C&lt;/i&gt;</code>") && !html.contains("<i>C</i>")
    );
}
