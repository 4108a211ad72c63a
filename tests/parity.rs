//! VADER parity: with phrases off, `valence` must equal vaderSentiment
//! 3.3.2's `compound` within 0.001 for at least 99% of sentences.

use peakend::Lexicon;
use peakend::{score_turn, ScoreOptions, Scratch};

const TOLERANCE: f64 = 0.001;
const REQUIRED: f64 = 0.99;

fn vader_only() -> (Lexicon, ScoreOptions, Scratch) {
    (
        Lexicon::load("en", None).unwrap(),
        ScoreOptions { phrases: false },
        Scratch::default(),
    )
}

/// The committed fixture: sentences written for peakend, expected values
/// from the Python package (tests/parity/make_fixture.py).
#[test]
fn fixture_matches_python_vader() {
    let data = include_str!("data/vader_parity.tsv");
    let (lex, opts, mut scratch) = vader_only();
    let (mut total, mut same, mut proportions_same) = (0, 0, 0);
    let mut worst = Vec::new();
    for line in data.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "bad fixture line {line:?}");
        let (text, compound): (&str, f64) = (f[0], f[1].parse().unwrap());
        let (pos, neu, neg): (f64, f64, f64) =
            (f[2].parse().unwrap(), f[3].parse().unwrap(), f[4].parse().unwrap());
        let s = score_turn(&lex, opts, text, &mut scratch);
        total += 1;
        if (s.valence - compound).abs() <= TOLERANCE {
            same += 1;
        } else {
            worst.push(format!("{text:?}: peakend {:.4}, VADER {compound}", s.valence));
        }
        // VADER gives 0/0/0 for text without tokens; peakend gives neutral 1.
        if pos + neu + neg == 0.0
            || [(s.positive, pos), (s.neutral, neu), (s.negative, neg)]
                .iter()
                .all(|(a, b)| (a - b).abs() <= 0.0015)
        {
            proportions_same += 1;
        }
    }
    let share = same as f64 / total as f64;
    eprintln!("parity fixture: {same}/{total} = {:.2}% within {TOLERANCE}; proportions {proportions_same}/{total}", share * 100.0);
    for w in worst.iter().take(20) {
        eprintln!("  differs: {w}");
    }
    assert!(total >= 2000, "fixture too small: {total}");
    assert!(share >= REQUIRED, "parity {:.3}% < 99%", share * 100.0);
    assert!(proportions_same as f64 / total as f64 >= REQUIRED);
}

/// Opt-in by data: every DailyDialog utterance in ../shared/data against the
/// `vader-parity` crate (an exact Rust port of vaderSentiment 3.3.2).
/// Skips when the data folder is absent.
#[test]
fn dailydialog_matches_vader_oracle() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/dailydialog_utterances.tsv");
    let Ok(data) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let oracle = vader_parity::SentimentIntensityAnalyzer::new();
    let (lex, opts, mut scratch) = vader_only();
    let (mut total, mut same) = (0u64, 0u64);
    let mut differs = Vec::new();
    for line in data.lines().skip(1) {
        let Some(text) = line.split('\t').nth(7) else { continue };
        let want = oracle.polarity_scores(text).compound;
        let got = score_turn(&lex, opts, text, &mut scratch).valence;
        total += 1;
        if (got - want).abs() <= TOLERANCE {
            same += 1;
        } else if differs.len() < 20 {
            differs.push(format!("{text:?}: peakend {got:.4}, VADER {want}"));
        }
    }
    let share = same as f64 / total as f64;
    eprintln!(
        "parity on DailyDialog: {same}/{total} = {:.3}% within {TOLERANCE}",
        share * 100.0
    );
    for d in &differs {
        eprintln!("  differs: {d}");
    }
    assert!(total >= 20_000);
    assert!(share >= REQUIRED, "parity {:.3}% < 99%", share * 100.0);
}
