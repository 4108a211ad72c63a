//! The throughput report: one command measures, side by side, peakend with
//! one thread and with all threads (on the CSV corpus, and on the same
//! calls as Amazon Transcribe JSON), the CSV parse floor, start-up, and
//! vaderSentiment (Python) on the same turns, then prints a Markdown table
//! with the ratios the project targets.
//!
//!     cargo build --release && cargo run --release --example throughput -- 200MB
//!     cargo run --release --example throughput -- 2GB --only-memory
//!
//! Options: `--threads N` (the "all threads" run; default: all cores),
//! `--runs N` (best of N timed runs, default 3; vaderSentiment too),
//! `--vader-turns N` (turns given to vaderSentiment, default 20000),
//! `--out-dir DIR` (where the two output CSVs are written; default
//! `/dev/shm` where it exists, so that the figures are the engine's and not
//! the disk's, else the temporary directory), `--keep` (keep the corpus and
//! outputs), `--only-memory` (stream the corpus into peakend's standard
//! input, outputs to /dev/null, and report peak memory: for inputs too big
//! to keep on disk).
//!
//! Outputs are removed before each run, so that no run pays for freeing the
//! previous run's files. Peak memory is the child's maximum resident set
//! size from `wait4`.

#[path = "common/corpus.rs"]
mod corpus;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

struct Options {
    size: u64,
    size_arg: String,
    threads: usize,
    runs: usize,
    vader_turns: usize,
    keep: bool,
    only_memory: bool,
    out_dir: Option<PathBuf>,
}

/// One measured run of a child process.
#[derive(Clone, Copy)]
struct Run {
    seconds: f64,
    max_rss_kb: u64,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("throughput: error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let opts = parse_args()?;
    let peakend = peakend_binary()?;
    let dir =
        std::env::temp_dir().join(format!("peakend-throughput-{}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = if opts.only_memory {
        memory_report(&opts, &peakend)
    } else {
        full_report(&opts, &peakend, &dir)
    };
    if opts.keep {
        eprintln!("kept: {}", dir.display());
    } else {
        let _ = fs::remove_dir_all(&dir);
    }
    result
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        size: 200_000_000,
        size_arg: "200MB".into(),
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        runs: 3,
        vader_turns: 20_000,
        keep: false,
        only_memory: false,
        out_dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match a.as_str() {
            "--threads" => opts.threads = value("--threads")?.max(1),
            "--runs" => opts.runs = value("--runs")?.max(1),
            "--vader-turns" => opts.vader_turns = value("--vader-turns")?,
            "--keep" => opts.keep = true,
            "--out-dir" => {
                opts.out_dir =
                    Some(args.next().ok_or("--out-dir needs a directory")?.into())
            }
            "--only-memory" => opts.only_memory = true,
            s => {
                opts.size = corpus::parse_size(s)
                    .ok_or_else(|| format!("'{s}' is not a size such as 200MB"))?;
                opts.size_arg = s.to_string();
            }
        }
    }
    Ok(opts)
}

/// `target/release/peakend`, beside this example's own directory.
fn peakend_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join(format!("peakend{}", std::env::consts::EXE_SUFFIX)))
        .ok_or("cannot locate the target directory")?;
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("{} not found: run `cargo build --release` first", bin.display()))
    }
}

fn full_report(opts: &Options, peakend: &Path, dir: &Path) -> Result<(), String> {
    let corpus_path = dir.join("corpus.csv");
    let started = Instant::now();
    let file = fs::File::create(&corpus_path)
        .map_err(|e| format!("{}: {e}", corpus_path.display()))?;
    let written = corpus::generate(opts.size, 2026, file).map_err(|e| e.to_string())?;
    let mb = written.bytes as f64 / 1e6;
    eprintln!(
        "corpus: {} interactions, {} turns, {:.1} MB ({:.1} MB of turn text), made in {:.1} s",
        written.interactions,
        written.turns,
        mb,
        written.text_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let out_dir = match &opts.out_dir {
        Some(d) => d.clone(),
        None if Path::new("/dev/shm").is_dir() => PathBuf::from("/dev/shm"),
        None => dir.to_path_buf(),
    };
    let tag = format!("peakend-throughput-{}", std::process::id());
    let ix = out_dir.join(format!("{tag}-interactions.csv"));
    let turns = out_dir.join(format!("{tag}-turns.csv"));
    let score_args = |threads: usize| -> Vec<String> {
        vec![
            "score".into(),
            corpus_path.display().to_string(),
            "--threads".into(),
            threads.to_string(),
            "-o".into(),
            ix.display().to_string(),
            "--turns".into(),
            turns.display().to_string(),
            "--quiet".into(),
        ]
    };
    let (one, all) = one_and_all(opts, peakend, &score_args, &[&ix, &turns], opts.keep)?;
    // The same runs with both outputs as Parquet (`--format parquet`).
    let parquet_ix = out_dir.join(format!("{tag}-interactions.parquet"));
    let parquet_turns = out_dir.join(format!("{tag}-turns.parquet"));
    let parquet_args = |threads: usize| -> Vec<String> {
        let mut args = score_args(threads);
        for (i, path) in [(5, &parquet_ix), (7, &parquet_turns)] {
            args[i] = path.display().to_string();
        }
        args
    };
    let parquet_outputs = [&*parquet_ix, &*parquet_turns];
    let (parquet_one, parquet_all) =
        one_and_all(opts, peakend, &parquet_args, &parquet_outputs, opts.keep)?;
    let floor = best_of(opts.runs, || csv_floor(&corpus_path))?;

    // The same calls as Amazon Transcribe Call Analytics JSON, one call per
    // line (read as such by content), into the same two CSVs.
    let json_path = dir.join("corpus.transcribe.jsonl");
    let json_mb = transcribe_corpus(&corpus_path, &json_path)? as f64 / 1e6;
    let json_args = |threads: usize| -> Vec<String> {
        let mut args = score_args(threads);
        args[1] = json_path.display().to_string();
        args
    };
    let (json_one, json_all) =
        one_and_all(opts, peakend, &json_args, &[&ix, &turns], false)?;

    let header_only = dir.join("empty.csv");
    fs::write(&header_only, "interaction_id,speaker,text\n")
        .map_err(|e| e.to_string())?;
    let startup_args: Vec<String> = vec![
        "score".into(),
        header_only.display().to_string(),
        "-o".into(),
        "/dev/null".into(),
        "--quiet".into(),
    ];
    let startup = best_of(10, || run_child(peakend, &startup_args, None))?;

    let vader = vader(&corpus_path, dir, opts.vader_turns, opts.runs);
    let scoring_only = peakend_scoring_only(&corpus_path, opts.vader_turns, opts.runs)?;

    let turns_per_s = |r: &Run| written.turns as f64 / r.seconds;
    println!("\n## peakend throughput: {:.0} MB corpus ({} turns), input CSV -> both output CSVs\n", mb, written.turns);
    println!("| run | MB/s (input) | turns/s | peak memory |");
    println!("|---|---:|---:|---:|");
    println!(
        "| peakend, 1 thread | {:.1} | {:.0} | {} |",
        mb / one.seconds,
        turns_per_s(&one),
        rss(&one)
    );
    println!(
        "| peakend, {} threads | {:.1} | {:.0} | {} |",
        opts.threads,
        mb / all.seconds,
        turns_per_s(&all),
        rss(&all)
    );
    for (threads, run) in [(1, &parquet_one), (opts.threads, &parquet_all)] {
        println!(
            "| peakend, {} thread{}, both outputs Parquet | {:.1} | {:.0} | {} |",
            threads,
            if threads == 1 { "" } else { "s" },
            mb / run.seconds,
            turns_per_s(run),
            rss(run)
        );
    }
    for (threads, run) in [(1, &json_one), (opts.threads, &json_all)] {
        println!(
            "| peakend, the same calls as Amazon Transcribe JSON ({:.0} MB, one call per line), {} thread{} | {:.1} | {:.0} | {} |",
            json_mb,
            threads,
            if threads == 1 { "" } else { "s" },
            json_mb / run.seconds,
            turns_per_s(run),
            rss(run)
        );
    }
    println!("| csv parse floor (csv crate, every byte touched, 1 thread) | {:.1} | {:.0} | - |", mb / floor.seconds, turns_per_s(&floor));
    match &vader {
        Ok(v) => println!(
            "| vaderSentiment 3.3.2 (Python), first {} turns, scoring only | {:.2} (turn text) | {:.0} | - |",
            v.turns,
            v.text_mb_per_s,
            v.turns_per_s
        ),
        Err(note) => println!("| vaderSentiment 3.3.2 (Python) | skipped: {note} | | |"),
    }
    println!(
        "| peakend's turn scorer alone (English, phrases and emotions), the same {} turns, scoring only, 1 thread | - | {:.0} | - |",
        opts.vader_turns, scoring_only
    );
    println!();
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    let scaling = one.seconds / all.seconds;
    println!(
        "- {} threads / 1 thread: {:.2}x (target >= 1.8x: {})",
        opts.threads,
        scaling,
        verdict(scaling >= 1.8)
    );
    let of_floor = floor.seconds / one.seconds * 100.0;
    println!(
        "- 1 thread / csv floor: {:.1}% (target >= 25%: {})",
        of_floor,
        verdict(of_floor >= 25.0)
    );
    if let Ok(v) = &vader {
        let ratio = turns_per_s(&one) / v.turns_per_s;
        println!(
            "- peakend 1 thread / vaderSentiment, turns per second: {:.1}x (target >= 50x: {})",
            ratio,
            verdict(ratio >= 50.0)
        );
        println!(
            "- like for like, both scoring only on the same turns: {:.1}x (for information: the target is on the whole run)",
            scoring_only / v.turns_per_s
        );
    }
    let mem_mb = one.max_rss_kb.max(all.max_rss_kb) as f64 / 1024.0;
    println!(
        "- peak memory: {:.0} MB (target <= 256 MB: {})",
        mem_mb,
        verdict(mem_mb <= 256.0)
    );
    let startup_ms = startup.seconds * 1000.0;
    println!(
        "- start-up (score a header-only file, built-in lexicons and automaton ready): {:.1} ms (target < 50 ms: {})",
        startup_ms,
        verdict(startup_ms < 50.0)
    );
    println!(
        "\nTimes are the best of {} runs (start-up: best of 10). Outputs are written to {}. Commands:",
        opts.runs,
        out_dir.display()
    );
    println!("    peakend {}", score_args(1).join(" "));
    println!("    peakend {}", score_args(opts.threads).join(" "));
    println!("    peakend {}", parquet_args(1).join(" "));
    println!("    peakend {}", parquet_args(opts.threads).join(" "));
    println!("    peakend {}", json_args(1).join(" "));
    println!("    peakend {}", startup_args.join(" "));
    Ok(())
}

/// Writes the calls of the corpus CSV as Amazon Transcribe Call Analytics
/// JSON, one call per line; returns the bytes written.
fn transcribe_corpus(csv_path: &Path, out: &Path) -> Result<u64, String> {
    let mut rdr = csv::Reader::from_path(csv_path).map_err(|e| e.to_string())?;
    let file = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut w = io::BufWriter::with_capacity(1 << 20, file);
    let (mut bytes, mut id, mut line) = (0u64, String::new(), String::new());
    let mut flush =
        |line: &mut String, w: &mut io::BufWriter<fs::File>| -> io::Result<()> {
            if !line.is_empty() {
                line.push_str("]}\n");
                bytes += line.len() as u64;
                w.write_all(line.as_bytes())?;
                line.clear();
            }
            Ok(())
        };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        if rec[0] != id {
            flush(&mut line, &mut w).map_err(|e| e.to_string())?;
            id = rec[0].to_string();
            line.push_str(&format!(
                "{{\"JobName\":{},\"LanguageCode\":\"en-US\",\"Transcript\":[",
                json_string(&id)
            ));
        } else {
            line.push(',');
        }
        let role = if &rec[2] == "customer" { "CUSTOMER" } else { "AGENT" };
        line.push_str(&format!(
            "{{\"ParticipantRole\":\"{role}\",\"Content\":{}",
            json_string(&rec[3])
        ));
        for (name, cell) in [("BeginOffsetMillis", &rec[4]), ("EndOffsetMillis", &rec[5])]
        {
            if !cell.is_empty() {
                line.push_str(&format!(",\"{name}\":{cell}"));
            }
        }
        line.push('}');
    }
    flush(&mut line, &mut w).map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Streams a generated corpus into `peakend score -` and reports its peak
/// memory: the input never touches the disk.
fn memory_report(opts: &Options, peakend: &Path) -> Result<(), String> {
    let args: Vec<String> = [
        "score",
        "-",
        "--threads",
        &opts.threads.to_string(),
        "-o",
        "/dev/null",
        "--turns",
        "/dev/null",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let size = opts.size;
    let mut written = corpus::Written::default();
    let run = run_child(
        peakend,
        &args,
        Some(&mut |stdin| {
            written = corpus::generate(size, 2026, stdin)?;
            Ok(())
        }),
    )?;
    let mb = written.bytes as f64 / 1e6;
    println!(
        "\n## peakend memory: {:.0} MB streamed through standard input ({} turns)\n",
        mb, written.turns
    );
    println!("| run | MB/s (input, generator included) | peak memory |");
    println!("|---|---:|---:|");
    let threads = if opts.threads == 1 {
        "1 thread".to_string()
    } else {
        format!("{} threads", opts.threads)
    };
    println!(
        "| peakend, {threads}, both outputs to /dev/null | {:.1} | {} |",
        mb / run.seconds,
        rss(&run)
    );
    let mem_mb = run.max_rss_kb as f64 / 1024.0;
    println!(
        "\n- peak memory: {:.0} MB (target <= 256 MB: {})",
        mem_mb,
        if mem_mb <= 256.0 { "PASS" } else { "MISS" }
    );
    println!("\nCommand: <generated corpus> | peakend {}", args.join(" "));
    Ok(())
}

fn rss(r: &Run) -> String {
    if r.max_rss_kb == 0 {
        "-".into()
    } else {
        format!("{:.0} MB", r.max_rss_kb as f64 / 1024.0)
    }
}

/// The fastest of `n` runs, with the largest peak memory of them all.
/// The best of `opts.runs` runs of peakend with `args(threads)` on one
/// thread and on `opts.threads`; `outputs` are removed before each run and,
/// unless `keep`, after the last.
fn one_and_all(
    opts: &Options,
    peakend: &Path,
    args: &dyn Fn(usize) -> Vec<String>,
    outputs: &[&Path],
    keep: bool,
) -> Result<(Run, Run), String> {
    let remove = || {
        for path in outputs {
            let _ = fs::remove_file(path);
        }
    };
    let run = |threads: usize| {
        remove();
        run_child(peakend, &args(threads), None)
    };
    let runs = best_of(opts.runs, || run(1))
        .and_then(|one| Ok((one, best_of(opts.runs, || run(opts.threads))?)));
    if !keep {
        remove();
    }
    runs
}

fn best_of(n: usize, mut f: impl FnMut() -> Result<Run, String>) -> Result<Run, String> {
    let mut best = Run { seconds: f64::INFINITY, max_rss_kb: 0 };
    for _ in 0..n {
        let r = f()?;
        best = Run {
            seconds: best.seconds.min(r.seconds),
            max_rss_kb: best.max_rss_kb.max(r.max_rss_kb),
        };
    }
    Ok(best)
}

type Feeder<'a> = &'a mut dyn FnMut(&mut std::process::ChildStdin) -> io::Result<()>;

/// Runs `bin args`, optionally feeding its standard input, and returns its
/// wall time and peak memory (`ru_maxrss` from `wait4`).
fn run_child(bin: &Path, args: &[String], feed: Option<Feeder>) -> Result<Run, String> {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdin(if feed.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if let (Some(feed), Some(mut stdin)) = (feed, child.stdin.take()) {
        feed(&mut stdin).map_err(|e| format!("feeding peakend: {e}"))?;
        drop(stdin);
    }
    let (status, max_rss_kb) = wait_with_rusage(child.id())?;
    let seconds = started.elapsed().as_secs_f64();
    if status != 0 {
        return Err(format!("peakend {} exited with status {status}", args.join(" ")));
    }
    Ok(Run { seconds, max_rss_kb })
}

#[cfg(unix)]
fn wait_with_rusage(pid: u32) -> Result<(i32, u64), String> {
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter for wait4, and the
    // pid is our own child, not yet waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if got < 0 {
        return Err(format!("wait4: {}", io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    // Linux reports ru_maxrss in kilobytes.
    Ok((code, usage.ru_maxrss as u64))
}

#[cfg(not(unix))]
fn wait_with_rusage(_pid: u32) -> Result<(i32, u64), String> {
    Err("peak memory needs wait4 (Unix)".into())
}

/// The floor: parse the CSV with the csv crate, touching every byte of every
/// field, in this process, one thread.
fn csv_floor(path: &Path) -> Result<Run, String> {
    let started = Instant::now();
    let mut rdr = csv::ReaderBuilder::new().from_path(path).map_err(|e| e.to_string())?;
    let mut record = csv::ByteRecord::new();
    let mut sum = 0u64;
    while rdr.read_byte_record(&mut record).map_err(|e| e.to_string())? {
        for field in record.iter() {
            for &b in field {
                sum = sum.wrapping_add(u64::from(b));
            }
        }
    }
    std::hint::black_box(sum);
    Ok(Run { seconds: started.elapsed().as_secs_f64(), max_rss_kb: 0 })
}

struct Vader {
    turns: usize,
    turns_per_s: f64,
    text_mb_per_s: f64,
}

const VADER_SCRIPT: &str = r#"
import json, sys, time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
texts = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
analyzer = SentimentIntensityAnalyzer()
elapsed = float("inf")
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    for t in texts:
        analyzer.polarity_scores(t)
    elapsed = min(elapsed, time.perf_counter() - started)
print(len(texts), elapsed, sum(len(t.encode("utf-8")) for t in texts))
"#;

/// vaderSentiment on the first `n` turns of the corpus, best of `runs`
/// (import and lexicon loading not timed); `Err` with the reason when it
/// cannot run.
fn vader(corpus_path: &Path, dir: &Path, n: usize, runs: usize) -> Result<Vader, String> {
    let probe = Command::new("python3")
        .args(["-c", "import vaderSentiment"])
        .stderr(Stdio::null())
        .status()
        .map_err(|_| "python3 not found".to_string())?;
    if !probe.success() {
        return Err("the vaderSentiment package is not installed (pip install vadersentiment==3.3.2)".into());
    }
    let texts = dir.join("vader-turns.jsonl");
    let mut out =
        io::BufWriter::new(fs::File::create(&texts).map_err(|e| e.to_string())?);
    for text in first_turns(corpus_path, n)? {
        writeln!(out, "{}", json_string(&text)).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    let output = Command::new("python3")
        .args(["-c", VADER_SCRIPT])
        .arg(&texts)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "vaderSentiment failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<f64> =
        line.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let [turns, seconds, bytes] = fields[..] else {
        return Err(format!("unexpected output from the vaderSentiment script: {line}"));
    };
    Ok(Vader {
        turns: turns as usize,
        turns_per_s: turns / seconds,
        text_mb_per_s: bytes / seconds / 1e6,
    })
}

/// The text of the first `n` turns of the corpus.
fn first_turns(corpus_path: &Path, n: usize) -> Result<Vec<String>, String> {
    let mut rdr = csv::Reader::from_path(corpus_path).map_err(|e| e.to_string())?;
    rdr.records()
        .take(n)
        .map(|rec| rec.map(|r| r[3].to_string()).map_err(|e| e.to_string()))
        .collect()
}

/// peakend's turn scorer alone (English lexicon, phrases and emotions, one
/// thread, in this process) on the turns vaderSentiment scores: the like
/// for like figure, best of `runs`, in turns per second.
fn peakend_scoring_only(
    corpus_path: &Path,
    n: usize,
    runs: usize,
) -> Result<f64, String> {
    use peakend::{score_turn_into, ScoreOptions, Scratch, TurnScore};
    let texts = first_turns(corpus_path, n)?;
    let lex = peakend::Lexicon::load("en", None).map_err(|e| e.to_string())?;
    let (mut scratch, mut score) = (Scratch::default(), TurnScore::default());
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let started = Instant::now();
        for t in &texts {
            score_turn_into(&lex, ScoreOptions::default(), t, &mut scratch, &mut score);
            std::hint::black_box(score.valence);
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    Ok(texts.len() as f64 / best)
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
