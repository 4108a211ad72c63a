//! Property tests of the invariants: scores in range, gap consistent,
//! peak-end between the extremes, agent turns never move customer figures,
//! and an interaction's result does not depend on its neighbours.

use std::sync::OnceLock;

use peakend::pipeline;
use peakend::pipeline::Outputs;
use peakend::pipeline::Rejects;
use peakend::pipeline::{Format, Reader};
use peakend::ErrorKind;
use peakend::Lexicon;
use peakend::{peak_end, Moment, PeakEndParams};
use peakend::{score_turn, ScoreOptions, Scratch};
use peakend::{Engine, LangChoice};
use peakend::{Interaction, Speaker, Turn};
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
                        || msg.contains("in the header")
                        || msg.contains("this looks like JSON, not CSV")
                        || msg.contains("gzip-compressed data is damaged");
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
            .map(|&(customer, valence, duration_ms)| Moment { customer, valence, duration_ms, ..Moment::default() })
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
        // An agent's refusal in the closing joins the end (peak_end.rs).
        prop_assume!(!agent.iter().any(|t| score_turn(lex(), ScoreOptions::default(), t, &mut Scratch::default()).unresolved));
        let turn = |speaker, text: &String| Turn { turn: 0, speaker, text: text.clone(), start_ms: None, end_ms: None, line: 0, platform_sentiment: None };
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
        // The language is given: detection reads a bounded sample of all turns in
        // order (agent turns included, lang.rs), so where agent turns sit may
        // rightly change the detected language and with it every figure.
        let score = |turns: Vec<Turn>| engine().score(&Interaction { id: "x".into(), language: Some("en".into()), turns, ..Default::default() }, &mut Scratch::default()).summary;
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

/// What reading `data` gives, as text to compare: every interaction, the
/// warnings, the error that stopped it and the rejected rows.
fn read_outcome(
    data: &[u8],
    format: Format,
    rejects: bool,
    group: bool,
    chunk: usize,
) -> String {
    let sink = rejects.then(Rejects::in_memory);
    let mut reader =
        Reader::from_bytes(data, format).group_unsorted(group).chunk_bytes(chunk);
    if let Some(r) = &sink {
        reader = reader.rejects(r.clone());
    }
    let mut out = String::new();
    let end = loop {
        match reader.next_interaction() {
            Ok(Some(ix)) => out += &format!("{ix:?}\n"),
            Ok(None) => break "end".to_string(),
            Err(e) => break e.to_string(),
        }
    };
    let rejected = sink.map(|r| r.take()).unwrap_or_default();
    format!("{out}{:?}\n{end}\n{rejected:?}", reader.warnings())
}

/// The input through the whole batch engine ([`pipeline::run`]) in chunks of
/// `chunk` bytes on `threads` threads: both outputs (or the error), the
/// rejected rows and the run's counts.
fn run_outcome(
    data: &[u8],
    format: Format,
    rejects: bool,
    chunk: usize,
    threads: usize,
) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = (dir.path().join("ix.csv"), dir.path().join("turns.csv"));
    let sink = rejects.then(Rejects::in_memory);
    let mut reader = Reader::from_bytes(data, format).chunk_bytes(chunk);
    if let Some(r) = &sink {
        reader = reader.rejects(r.clone());
    }
    let outputs = Outputs::create(Some(&ix), Some(&turns)).unwrap();
    let end = match pipeline::run(reader, engine(), outputs, threads, &|_| {}) {
        Ok(stats) => format!(
            "{}\n{}\n{} {} {:?}",
            std::fs::read_to_string(&ix).unwrap(),
            std::fs::read_to_string(&turns).unwrap(),
            stats.interactions,
            stats.turns,
            stats.warnings
        ),
        Err(e) => e.to_string(),
    };
    format!("{end}\n{:?}", sink.map(|r| r.take()).unwrap_or_default())
}

/// CSV rows in runs of a few ids (that may come back), with the shapes that
/// need care where a chunk ends: quoted line ends and quotes, rows of the
/// wrong width, blank ids, bad cells, CRLF, and an open quote at the end.
fn tricky_csv() -> impl Strategy<Value = Vec<u8>> {
    let row = (0u8..5, 0usize..4, 0usize..7, 0u8..10, 1usize..4);
    (prop::collection::vec(row, 0..40), any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(|(rows, crlf, bom, open_quote)| {
            let speakers = ["customer", "agent", "robot", "Caller"];
            let texts = [
                "great, thanks",
                "still \"not\" working",
                "two\nlines",
                "",
                "ok",
                "caf\u{e9};x",
                "5'11\" tall",
            ];
            let end = if crlf { "\r\n" } else { "\n" };
            let mut data = if bom { "\u{feff}".to_string() } else { String::new() };
            data += &format!("id,speaker,text,turn{end}");
            for (id, speaker, text, shape, run) in rows {
                for n in 0..run {
                    let text = texts[text];
                    let text = if text.contains(['"', ',', '\n', ';'])
                        && !text.starts_with('5')
                    {
                        format!("\"{}\"", text.replace('"', "\"\"").replace('\n', end))
                    } else {
                        text.to_string()
                    };
                    let id = match shape {
                        4 => " ".to_string(),
                        5 => format!(" ix{id} "),
                        _ => format!("ix{id}"),
                    };
                    let turn = if shape == 1 { "x".to_string() } else { n.to_string() };
                    let mut cells = vec![id, speakers[speaker].to_string(), text, turn];
                    match shape {
                        2 => cells.push("extra".into()),
                        3 => {
                            cells.pop();
                        }
                        _ => {}
                    }
                    data += &cells.join(",");
                    data += end;
                }
            }
            if open_quote {
                data += "ix9,customer,\"never closed";
                data += end;
                data += "ix9,agent,hi";
            }
            data.into_bytes()
        })
}

/// JSON Lines with blank lines, bad lines and ids that come back.
fn tricky_jsonl() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0u8..6, 0u8..5), 0..30).prop_map(|lines| {
        let mut data = String::new();
        for (id, shape) in lines {
            data += &match shape {
                0 => String::new(),
                1 => format!("{{\"id\":\"ix{id}\",\"turns\":[{{\"speaker\":\"robot\",\"text\":\"x\"}}]}}"),
                2 => "{oops".to_string(),
                _ => format!("{{\"id\":\"ix{id}\",\"turns\":[{{\"speaker\":\"customer\",\"text\":\"great\"}}]}}"),
            };
            data += if id == 0 { "\r\n" } else { "\n" };
        }
        data.into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Chunks end where reading the whole input would end an interaction:
    /// the chunk size changes nothing that is read, errors and rejects
    /// included.
    #[test]
    fn chunk_size_changes_nothing_read(
        csv in tricky_csv(), jsonl in tricky_jsonl(), chunk in 1usize..120,
        rejects in any::<bool>(), group in any::<bool>(),
    ) {
        prop_assert_eq!(
            read_outcome(&csv, Format::Csv, rejects, group, chunk),
            read_outcome(&csv, Format::Csv, rejects, group, 1 << 30)
        );
        prop_assert_eq!(
            read_outcome(&jsonl, Format::Jsonl, rejects, group, chunk),
            read_outcome(&jsonl, Format::Jsonl, rejects, group, 1 << 30)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Chunks read out of order on several threads, then checked in order,
    /// give what one thread reading one chunk gives: outputs, errors and
    /// rejects alike.
    #[test]
    fn threads_and_chunks_change_nothing_written(
        csv in tricky_csv(), jsonl in tricky_jsonl(), chunk in 1usize..200,
        threads in 2usize..4, rejects in any::<bool>(),
    ) {
        for (data, format) in [(&csv, Format::Csv), (&jsonl, Format::Jsonl)] {
            prop_assert_eq!(
                run_outcome(data, format, rejects, chunk, threads),
                run_outcome(data, format, rejects, 1 << 30, 1)
            );
        }
    }
}

/// `--threads 10000` on a small input starts no thread for nothing: the
/// pipeline never has more workers than chunks (it took 154 s and 215 MB).
#[test]
fn more_threads_than_chunks_start_none() {
    let data = std::fs::read("examples/transcripts.csv").unwrap();
    let started = std::time::Instant::now();
    let tasks = || std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count());
    let before = tasks();
    let most = std::sync::atomic::AtomicUsize::new(0);
    let dir = tempfile::tempdir().unwrap();
    let outputs = Outputs::create(Some(&dir.path().join("ix.csv")), None).unwrap();
    let stats = pipeline::run(
        Reader::from_bytes(data, Format::Csv),
        engine(),
        outputs,
        10_000,
        &|_| {
            most.fetch_max(tasks(), std::sync::atomic::Ordering::Relaxed);
        },
    )
    .unwrap();
    assert_eq!(stats.interactions, 20);
    // Other tests run threads of their own meanwhile: a margin, not 10,000.
    assert!(most.into_inner() < before + 64, "threads were started for nothing");
    assert!(started.elapsed().as_secs() < 10);
}
