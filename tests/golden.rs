//! Golden outputs: a small hand-written transcript and the exact CSVs it
//! must produce. Set PEAKEND_BLESS=1 to rewrite them after a reviewed change.

use crate::util::{data, TestCommand};

#[test]
fn small_transcript() {
    let input = data("tests/data/golden/small.csv");
    let mut c = TestCommand::new(&["score", "-o", "ix.csv", "--turns", "turns.csv"]);
    c.arg(&input);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (got, want) in
        [("ix.csv", "small.interactions.csv"), ("turns.csv", "small.turns.csv")]
    {
        let got = std::fs::read_to_string(c.path(got)).unwrap();
        let want_path = data(&format!("tests/data/golden/{want}"));
        if std::env::var_os("PEAKEND_BLESS").is_some() {
            std::fs::write(&want_path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&want_path).unwrap();
        eqnice!(want, got);
    }
}

/// The README's "Sample output" is what `peakend score
/// examples/transcripts.csv` writes today (its first 14 columns).
#[test]
fn readme_sample_output() {
    let readme = std::fs::read_to_string(data("README.md")).unwrap();
    let from = readme.find("```\ninteraction_id,language,turns").expect("sample") + 4;
    let sample = &readme[from..from + readme[from..].find("```").unwrap()];
    let mut c = TestCommand::new(&["score", "-q"]);
    c.arg(data("examples/transcripts.csv"));
    let out = c.stdout();
    let got: Vec<String> = out
        .lines()
        .take(sample.lines().count())
        .map(|l| l.split(',').take(14).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(sample.lines().collect::<Vec<_>>(), got);
}
