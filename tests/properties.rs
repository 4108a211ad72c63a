//! Property tests of the invariants: scores in range, gap consistent,
//! peak-end between the extremes, agent turns never move customer figures,
//! and an interaction's result does not depend on its neighbours.

use std::sync::OnceLock;

use peakend::engine::{Engine, LangChoice};
use peakend::error::ErrorKind;
use peakend::input::{Format, Reader};
use peakend::lexicon::Lexicon;
use peakend::peak_end::{peak_end, Moment, PeakEndParams};
use peakend::record::{Interaction, Speaker, Turn};
use peakend::rejects::Rejects;
use peakend::score::{score_turn, ScoreOptions, Scratch};
use proptest::prelude::*;

fn lex() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::load("en", None).unwrap())
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        Engine::new(
            LangChoice::Auto,
            None,
            ScoreOptions::default(),
            PeakEndParams::default(),
        )
        .unwrap()
    })
}

/// Reads `data` through the whole pipeline (reader, engine), with or
/// without rejects and grouping: never a panic; an error is a clean one and,
/// with rejects, only a whole-file problem. Returns (turns scored, rows
/// rejected) when it succeeded.
fn read_everything(
    data: &[u8],
    format: Format,
    rejects: bool,
    group: bool,
) -> Option<(u64, u64)> {
    let sink = rejects.then(Rejects::in_memory);
    let mut reader = Reader::from_bytes(data, format).group_unsorted(group);
    if let Some(r) = &sink {
        reader = reader.rejects(r.clone());
    }
    let mut turns = 0;
    let mut scratch = Scratch::default();
    loop {
        match reader.next_interaction() {
            Ok(Some(ix)) => {
                turns += ix.turns.len() as u64;
                let scored = engine().score(&ix, &mut scratch);
                assert_eq!(scored.turns.len(), ix.turns.len());
            }
            Ok(None) => return Some((turns, sink.map_or(0, |r| r.count()))),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.starts_with("<memory>:"), "{msg}");
                if rejects {
                    let whole_file = matches!(e.kind(), ErrorKind::MissingColumn { .. })
                        || msg.contains("the file is empty")
                        || msg.contains("in the header");
                    assert!(whole_file, "with rejects a row stopped the run: {msg}");
                }
                return None;
            }
        }
    }
}

/// Text made of sentiment words, modifiers, punctuation and noise.
fn turn_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "good",
        "bad",
        "not",
        "very",
        "GREAT",
        "terrible",
        "but",
        "never",
        "so",
        "kind",
        "of",
        "no",
        "least",
        "at",
        "still",
        "not working",
        "thank you so much",
        "on hold for",
        ":)",
        ":(",
        "😁",
        "!!!",
        "??",
        "the",
        "bill",
        "router",
        "don't",
        "isn't",
        "without",
        "doubt",
        "waste of time",
        "fixed",
        "it",
        "angry",
        "happy",
        "—",
        "l'attente",
        "¿qué?",
    ]);
    prop::collection::vec(words, 0..25).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn turn_scores_are_in_range(text in turn_text(), phrases in any::<bool>()) {
        let s = score_turn(lex(), ScoreOptions { phrases }, &text, &mut Scratch::default());
        prop_assert!((-1.0..=1.0).contains(&s.valence), "{}", s.valence);
        for p in [s.positive, s.negative, s.neutral] {
            prop_assert!((0.0..=1.0).contains(&p));
        }
        prop_assert!((s.positive + s.negative + s.neutral - 1.0).abs() < 1e-9);
    }

    #[test]
    fn arbitrary_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let s = score_turn(lex(), ScoreOptions::default(), &text, &mut Scratch::default());
        prop_assert!(s.valence.is_finite());
    }

    #[test]
    fn peak_end_is_consistent(
        turns in prop::collection::vec((any::<bool>(), -1.0f64..=1.0, prop::option::of(0i64..60_000)), 0..40),
        bias in 0.5f64..4.0, wp in 0.0f64..3.0, we in 0.01f64..3.0, window in 1usize..6,
    ) {
        let moments: Vec<Moment> = turns.iter()
            .map(|&(customer, valence, duration_ms)| Moment { customer, valence, duration_ms })
            .collect();
        let p = PeakEndParams { negativity_bias: bias, peak_weight: wp, end_weight: we, end_window: window, drop: 0.5, last_below: -0.5 };
        let s = peak_end(&moments, &p);
        let customer: Vec<f64> = moments.iter().filter(|m| m.customer).map(|m| m.valence).collect();
        prop_assert_eq!(s.customer_turns, customer.len());
        if customer.is_empty() {
            prop_assert!(s.remembered.is_none() && s.gap.is_none() && s.bad_ending.is_none());
        } else {
            let (lo, hi) = customer.iter().fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
            let r = s.remembered.unwrap();
            prop_assert!(lo - 1e-12 <= r && r <= hi + 1e-12, "{} not in [{}, {}]", r, lo, hi);
            prop_assert!((s.gap.unwrap() - (r - s.experienced.unwrap())).abs() < 1e-12);
            let e = s.experienced.unwrap();
            prop_assert!(lo - 1e-12 <= e && e <= hi + 1e-12);
        }
    }

    #[test]
    fn agent_turns_do_not_move_customer_figures(
        customer in prop::collection::vec(turn_text(), 1..8),
        agent in prop::collection::vec(turn_text(), 0..8),
        seed in any::<u64>(),
    ) {
        let turn = |speaker, text: &String| Turn { turn: 0, speaker, text: text.clone(), start_ms: None, end_ms: None, line: 0 };
        // Customer turns in order, agent turns spliced in at positions from `seed`.
        let mut a: Vec<Turn> = customer.iter().map(|t| turn(Speaker::Customer, t)).collect();
        let mut b = a.clone();
        let mut s = seed;
        for t in &agent {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let pos = (s >> 33) as usize % (a.len() + 1);
            a.insert(pos, turn(Speaker::Agent, t));
        }
        for t in agent.iter().rev() {
            b.push(turn(Speaker::Agent, t));
        }
        let score = |turns: Vec<Turn>| engine().score(&Interaction { id: "x".into(), language: None, turns }, &mut Scratch::default()).summary;
        let (sa, sb) = (score(a), score(b));
        prop_assert_eq!((sa.experienced, sa.peak, sa.end, sa.remembered, sa.gap, sa.bad_ending),
                        (sb.experienced, sb.peak, sb.end, sb.remembered, sb.gap, sb.bad_ending));
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_readers(
        body in prop::collection::vec(any::<u8>(), 0..600),
        csv_header in any::<bool>(), rejects in any::<bool>(), group in any::<bool>(),
    ) {
        // With a valid header half the time, so rows are reached.
        let mut data = if csv_header { b"id,speaker,text,turn\n".to_vec() } else { Vec::new() };
        data.extend_from_slice(&body);
        read_everything(&data, Format::Csv, rejects, group);
        read_everything(&body, Format::Jsonl, rejects, group);
    }

    #[test]
    fn csv_ish_bytes_never_panic_the_readers(
        cells in prop::collection::vec(prop::sample::select(vec![
            "a", "b", "customer", "agent", "robot", "\"", "\"\"", ",", ";", "\t", "\n", "\r\n", "1", "x",
            "caf\u{e9}", "\u{feff}", " ", "", "{", "}", "\"turns\":[", "\"speaker\":", "\"id\":\"a\"",
        ]), 0..80),
        rejects in any::<bool>(), group in any::<bool>(),
    ) {
        let body = cells.concat();
        let mut data = b"id,speaker,text\n".to_vec();
        data.extend_from_slice(body.as_bytes());
        read_everything(&data, Format::Csv, rejects, group);
        read_everything(body.as_bytes(), Format::Jsonl, rejects, group);
    }

    /// With rejects, every row is either scored or listed.
    #[test]
    fn rejects_account_for_every_row(
        rows in prop::collection::vec((0u8..4, 0usize..4, 0usize..6, 0u8..8), 1..60),
        group in any::<bool>(),
    ) {
        let speakers = ["customer", "agent", "robot", "Caller"];
        let texts = ["great, thanks", "still \"not\" working", "two\nlines", "", "ok", "caf\u{e9};x"];
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        w.write_record(["id", "speaker", "text", "turn"]).unwrap();
        for &(id, speaker, text, shape) in &rows {
            let id = format!("ix{id}");
            let turn = if shape == 1 { "x".to_string() } else { shape.to_string() };
            let mut record = vec![id.as_str(), speakers[speaker], texts[text], turn.as_str()];
            match shape {
                2 => record.push("extra"),
                3 => { record.pop(); }
                4 => record[0] = " ",
                _ => {}
            }
            w.write_record(&record).unwrap();
        }
        let data = w.into_inner().unwrap();
        let (turns, rejected) = read_everything(&data, Format::Csv, true, group).expect("a valid header");
        prop_assert_eq!(turns + rejected, rows.len() as u64);
    }
}
