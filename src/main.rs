//! The `peakend` binary: parses arguments, runs, prints one error and exits.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use peakend::batch::{self, RunStats};
use peakend::engine::{Engine, LangChoice};
use peakend::input::{Format, Reader, Source};
use peakend::output::Outputs;
use peakend::peak_end::PeakEndParams;
use peakend::score::ScoreOptions;

use cli::{Cli, Command, InputFormat, ScoreArgs};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // Help and version are not errors; usage errors exit 1 (INTERFACE.md).
            return ExitCode::from(if err.use_stderr() { 1 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<peakend::Error>().is_some_and(|e| e.is_broken_pipe())
                    || e.downcast_ref::<std::io::Error>()
                        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("peakend: error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Score(args) => score(args),
    }
}

fn score(args: ScoreArgs) -> anyhow::Result<()> {
    let lang = match args.lang.trim() {
        l if l.eq_ignore_ascii_case("auto") => LangChoice::Auto,
        l => LangChoice::Fixed(peakend::lang::normalize(l).with_context(|| {
            format!(
                "--lang: unsupported language '{l}' (supported: {}, or auto)",
                peakend::lang::SUPPORTED.join(", ")
            )
        })?),
    };
    let params = PeakEndParams {
        negativity_bias: args.negativity_bias,
        peak_weight: args.peak_weight,
        end_weight: args.end_weight,
        end_window: args.end_window,
        drop: args.bad_ending_drop,
        last_below: args.bad_ending_last,
    };
    let options = ScoreOptions { phrases: !args.no_phrases };
    let engine = Engine::new(lang, args.lexicons.as_deref(), options, params)?;

    let sources: Vec<Source> = if args.inputs.is_empty() {
        vec![Source::Stdin]
    } else {
        args.inputs.iter().map(|p| Source::parse(p)).collect()
    };
    for s in &sources {
        if let Source::Path(p) = s {
            if !p.is_file() {
                anyhow::bail!("{}: input file not found", p.display());
            }
        }
    }
    let total: Option<u64> = sources.iter().map(Source::len).sum();
    let format = args.input_format.map(|f| match f {
        InputFormat::Csv => Format::Csv,
        InputFormat::Jsonl => Format::Jsonl,
    });
    let reader = Reader::new(sources, format);
    let outputs = Outputs::create(args.output.as_deref(), args.turns.as_deref())?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);

    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total));
    let last = AtomicU64::new(0);
    let progress = |bytes: u64| {
        if let Some(bar) = &bar {
            if bytes != last.swap(bytes, Ordering::Relaxed) {
                bar.set_position(bytes);
            }
        }
    };
    let stats = batch::run(reader, &engine, outputs, threads, &progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.quiet {
        eprintln!("{}", summary(&stats));
    }
    Ok(())
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}").expect("valid template"),
        ),
    };
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// The one-line summary printed on standard error.
fn summary(s: &RunStats) -> String {
    let secs = s.elapsed.as_secs_f64();
    let mbps = if secs > 0.0 { s.bytes as f64 / 1e6 / secs } else { 0.0 };
    let mut line = format!(
        "peakend: {} interactions, {} turns, {:.2} s, {:.1} MB/s",
        s.interactions, s.turns, secs, mbps
    );
    if s.lang_unsupported > 0 {
        line += &format!(
            "; warning: {} interactions in unsupported languages scored as {}",
            s.lang_unsupported,
            peakend::lang::DEFAULT
        );
    }
    if s.lang_undetected > 0 {
        line += &format!(
            "; warning: {} interactions too short to detect their language, scored as {}",
            s.lang_undetected,
            peakend::lang::DEFAULT
        );
    }
    if s.warnings.invalid_utf8 > 0 {
        line += &format!(
            "; warning: {} text cells were not valid UTF-8 (decoded lossily)",
            s.warnings.invalid_utf8
        );
    }
    line
}
