//! Criterion benchmarks of the hot path: tokenize, score one turn, summarise
//! one interaction, start-up, and the end-to-end batch over a generated
//! corpus (`examples/common/corpus.rs`), in bytes per second.

#[path = "../examples/common/corpus.rs"]
mod corpus;

use std::path::Path;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use peakend::internals::{tokenize, Tokens};
use peakend::pipeline;
use peakend::pipeline::Outputs;
use peakend::pipeline::{Format, Reader};
use peakend::Lexicon;
use peakend::{peak_end, Moment, PeakEndParams};
use peakend::{score_turn, ScoreOptions, Scratch};
use peakend::{Engine, LangChoice};

/// Turns in the style of the bundled examples.
const TURNS: &[&str] = &[
    "Hi, I've been on hold for 40 minutes and my internet is STILL not working!!",
    "I'm sorry to hear that, let me check your account right away.",
    "This is the third time calling this week. Honestly it's a waste of time.",
    "I understand how frustrating that must be. I can see an outage in your area.",
    "Ok thanks, that fixed it :) really appreciate your help, you were great",
    "Can you tell me why my bill is higher this month? I didn't change anything.",
    "The new phone arrived broken and the replacement never came.",
    "Perfect, thank you so much! Have a nice day.",
];

/// The engine as `peakend score` makes it without options (built-in
/// lexicons, language detected).
fn default_engine() -> Engine {
    Engine::new(LangChoice::Auto, None, ScoreOptions::default(), PeakEndParams::default())
        .unwrap()
}

fn corpus_text() -> Vec<&'static str> {
    TURNS.iter().copied().cycle().take(4096).collect()
}

fn bench_tokenize(c: &mut Criterion) {
    let lex = Lexicon::load("en", None).unwrap();
    let turns = corpus_text();
    let bytes: usize = turns.iter().map(|t| t.len()).sum();
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Bytes(bytes as u64));
    let mut toks = Tokens::default();
    g.bench_function("en", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &turns {
                tokenize(t, &lex, &mut toks);
                n += toks.len();
            }
            black_box(n)
        })
    });
    g.finish();
}

fn bench_score_turn(c: &mut Criterion) {
    let lex = Lexicon::load("en", None).unwrap();
    let turns = corpus_text();
    let bytes: usize = turns.iter().map(|t| t.len()).sum();
    let mut g = c.benchmark_group("score_turn");
    g.throughput(Throughput::Bytes(bytes as u64));
    for (name, phrases) in [("vader", false), ("phrases", true)] {
        let mut scratch = Scratch::default();
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut sum = 0.0;
                for t in &turns {
                    sum += score_turn(&lex, ScoreOptions { phrases }, t, &mut scratch)
                        .valence;
                }
                black_box(sum)
            })
        });
    }
    g.finish();
}

fn bench_peak_end(c: &mut Criterion) {
    let moments: Vec<Moment> = (0..40)
        .map(|i| Moment {
            customer: i % 2 == 0,
            valence: ((i * 37 % 19) as f64 - 9.0) / 10.0,
            duration_ms: Some(1000 + i * 10),
            ..Moment::default()
        })
        .collect();
    let p = PeakEndParams::default();
    c.bench_function("peak_end/40_turns", |b| {
        b.iter(|| black_box(peak_end(black_box(&moments), &p)))
    });
}

fn bench_engine(c: &mut Criterion) {
    use peakend::{Interaction, Speaker, Turn};
    let engine = default_engine();
    let ixs: Vec<Interaction> = (0..256)
        .map(|k| Interaction {
            id: format!("cc-{k}"),
            language: None,
            turns: (0..12)
                .map(|i| Turn {
                    turn: i + 1,
                    speaker: if i % 2 == 0 { Speaker::Customer } else { Speaker::Agent },
                    text: TURNS[(k + i as usize) % TURNS.len()].to_string(),
                    start_ms: None,
                    end_ms: None,
                    line: 0,
                    platform_sentiment: None,
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let bytes: usize = ixs.iter().map(|i| i.text_bytes()).sum();
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Bytes(bytes as u64));
    let mut scratch = Scratch::default();
    g.bench_function("score_interactions", |b| {
        b.iter(|| {
            let mut bad = 0;
            for ix in &ixs {
                bad += usize::from(
                    engine.score(ix, &mut scratch).summary.bad_ending == Some(true),
                );
            }
            black_box(bad)
        })
    });
    g.finish();
}

/// Start-up: the built-in English lexicon loaded and its phrase trie built.
fn bench_startup(c: &mut Criterion) {
    let mut g = c.benchmark_group("startup");
    g.sample_size(20);
    g.bench_function("engine_new", |b| b.iter(|| black_box(default_engine())));
    g.finish();
}

/// End to end: a generated 8 MB corpus read from memory, scored, and both
/// CSVs formatted and written (to /dev/null), with 1 and 2 threads.
fn bench_batch(c: &mut Criterion) {
    let mut data = Vec::new();
    corpus::generate(8_000_000, 7, &mut data).unwrap();
    let data: std::sync::Arc<[u8]> = data.into();
    let engine = default_engine();
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        g.bench_function(format!("both_outputs_{threads}_threads"), |b| {
            b.iter(|| {
                let reader = Reader::from_bytes(data.clone(), Format::Csv);
                let sink = Some(Path::new("/dev/null"));
                let out = Outputs::create(sink, sink).unwrap();
                black_box(
                    pipeline::run(reader, &engine, out, threads, &|_| {}).unwrap().turns,
                )
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_tokenize,
    bench_score_turn,
    bench_peak_end,
    bench_engine,
    bench_startup,
    bench_batch
);
criterion_main!(benches);
