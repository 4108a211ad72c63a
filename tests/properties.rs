//! Property tests of the invariants: scores in range, gap consistent,
//! peak-end between the extremes, agent turns never move customer figures,
//! and an interaction's result does not depend on its neighbours.

use std::sync::OnceLock;

use peakend::engine::{Engine, LangChoice};
use peakend::lexicon::Lexicon;
use peakend::peak_end::{peak_end, Moment, PeakEndParams};
use peakend::record::{Interaction, Speaker, Turn};
use peakend::score::{score_turn, ScoreOptions, Scratch};
use proptest::prelude::*;

fn lex() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::load("en", None).unwrap())
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        Engine::new(LangChoice::Auto, None, ScoreOptions::default(), PeakEndParams::default()).unwrap()
    })
}

/// Text made of sentiment words, modifiers, punctuation and noise.
fn turn_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "good", "bad", "not", "very", "GREAT", "terrible", "but", "never", "so", "kind", "of",
        "no", "least", "at", "still", "not working", "thank you so much", "on hold for", ":)",
        ":(", "😁", "!!!", "??", "the", "bill", "router", "don't", "isn't", "without", "doubt",
        "waste of time", "fixed", "it", "angry", "happy", "—", "l'attente", "¿qué?",
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
}
