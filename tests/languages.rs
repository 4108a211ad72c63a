//! Languages: valence sign accuracy and detection accuracy per language, on
//! sentences written for peakend (tests/data/lang/<lang>.tsv, labelled by
//! their authors), plus rule checks per language.

use peakend::engine::{Engine, LangChoice};
use peakend::lang::{self, Detected};
use peakend::record::{Interaction, Speaker, Turn};
use peakend::score::{ScoreOptions, Scratch};

/// Labelled sentences of a language: (text, label, note).
fn sentences(code: &str) -> Vec<(String, String, String)> {
    let path = crate::util::data(&format!("tests/data/lang/{code}.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                f[1].trim().to_string(),
                f.get(2).unwrap_or(&"").to_string(),
            )
        })
        .collect()
}

fn valence(engine: &Engine, text: &str) -> f64 {
    let ix = Interaction {
        id: "x".into(),
        language: None,
        turns: vec![Turn {
            turn: 1,
            speaker: Speaker::Customer,
            text: text.into(),
            start_ms: None,
            end_ms: None,
            line: 1,
        }],
    };
    engine.score(&ix, &mut Scratch::default()).turns[0].valence
}

fn sign(v: f64) -> &'static str {
    if v >= 0.05 {
        "positive"
    } else if v <= -0.05 {
        "negative"
    } else {
        "neutral"
    }
}

#[test]
fn valence_sign_and_detection_per_language() {
    let mut report = String::new();
    for &code in lang::SUPPORTED.iter().filter(|&&c| c != "en") {
        let engine = Engine::new(
            LangChoice::Fixed(code),
            None,
            ScoreOptions::default(),
            Default::default(),
        )
        .unwrap();
        let rows = sentences(code);
        assert!(rows.len() >= 50, "{code}: {} sentences", rows.len());
        let mut right = 0;
        let mut wrong = Vec::new();
        for (text, label, note) in &rows {
            let v = valence(&engine, text);
            if sign(v) == label {
                right += 1;
            } else {
                wrong.push(format!("{text:?} ({note}): {v:.3}, labelled {label}"));
            }
        }
        let short = rows
            .iter()
            .filter(|(t, _, _)| lang::detect(t) == Detected::Supported(code))
            .count();
        let groups: Vec<String> = rows
            .chunks(4)
            .map(|c| c.iter().map(|r| r.0.as_str()).collect::<Vec<_>>().join(" "))
            .collect();
        let long = groups
            .iter()
            .filter(|g| lang::detect(g) == Detected::Supported(code))
            .count();
        let acc = right as f64 / rows.len() as f64;
        report += &format!(
            "{code}: sign {right}/{} = {:.1}%; detection single sentence {short}/{} = {:.1}%, 4 sentences {long}/{} = {:.1}%\n",
            rows.len(), acc * 100.0, rows.len(), 100.0 * short as f64 / rows.len() as f64, groups.len(), 100.0 * long as f64 / groups.len() as f64
        );
        for w in &wrong {
            report += &format!("  wrong: {w}\n");
        }
        assert!(acc >= 0.75, "{code}: valence sign accuracy {acc:.2}\n{report}");
        assert!(
            long as f64 / groups.len() as f64 >= 0.9,
            "{code}: detection on 4-sentence texts\n{report}"
        );
    }
    eprintln!("{report}");
}
