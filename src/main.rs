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
use peakend::report::rank::Weights;
use peakend::report::staging::Staging;
use peakend::score::ScoreOptions;

use cli::{Cli, Command, InputFormat, ReportArgs, ScoreArgs};

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
        Command::Report(args) => report(args),
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
    let reader = Reader::new(sources.clone(), format);
    // With --report, outputs that cannot be read back go to temporary files.
    let staging = args
        .report
        .as_deref()
        .map(|r| Staging::plan(r, args.output.as_deref(), args.turns.as_deref()))
        .transpose()?;
    let outputs = match &staging {
        Some(s) => Outputs::create(Some(s.interactions()), Some(s.turns()))?,
        None => Outputs::create(args.output.as_deref(), args.turns.as_deref())?,
    };
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
    if let (Some(staging), Some(path)) = (staging, args.report.as_deref()) {
        let started = std::time::Instant::now();
        let options = peakend::report::Options {
            weights: Weights { peak: args.peak_weight, end: args.end_weight },
            ..Default::default()
        };
        let mut report = peakend::report::build(
            &Source::Path(staging.interactions().to_path_buf()),
            Some(&Source::Path(staging.turns().to_path_buf())),
            &options,
        )?;
        report.from = sources.iter().map(|s| s.display_path().display().to_string()).collect();
        peakend::report::write(&report, Some(path))?;
        staging.deliver()?;
        if !args.quiet {
            eprintln!("{}", report_summary(&report, Some(path), started.elapsed()));
        }
    }
    Ok(())
}

fn report(args: ReportArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let interactions = Source::parse(&args.interactions);
    let turns = args.turns.as_deref().map(Source::parse);
    if interactions == Source::Stdin && turns == Some(Source::Stdin) {
        anyhow::bail!("INTERACTIONS and --turns cannot both be standard input ('-')");
    }
    for source in std::iter::once(&interactions).chain(turns.as_ref()) {
        if let Source::Path(p) = source {
            if !p.exists() {
                anyhow::bail!("{}: input file not found", p.display());
            }
        }
    }
    let options = peakend::report::Options {
        top: args.top,
        title: args.title,
        weights: Weights { peak: args.peak_weight, end: args.end_weight },
    };
    let report = peakend::report::build(&interactions, turns.as_ref(), &options)?;
    peakend::report::write(&report, args.output.as_deref())?;
    if !args.quiet {
        eprintln!("{}", report_summary(&report, args.output.as_deref(), started.elapsed()));
    }
    Ok(())
}

/// The one-line summary of a report on standard error.
fn report_summary(r: &peakend::report::Report, out: Option<&std::path::Path>, took: std::time::Duration) -> String {
    let out = match out {
        Some(p) if p != std::path::Path::new("-") => p.display().to_string(),
        _ => "<stdout>".to_string(),
    };
    let mut line = format!(
        "peakend: report of {} interactions ({} bad endings), {} drawn, {:.2} s: {out}",
        r.glance.interactions,
        r.glance.bad_endings,
        r.worst.len(),
        took.as_secs_f64()
    );
    let missing = r.missing_turns();
    if missing > 0 {
        line += &format!(
            "; warning: {missing} drawn interactions have no rows in the per-turn CSV (not from the same run?)"
        );
    }
    if !r.has_turns {
        line += "; no --turns: the page has no arcs";
    }
    if r.glance.weight_mismatch > 0 {
        line += &format!(
            "; warning: {} interactions' remembered does not follow from --peak-weight {} --end-weight {} (pass the weights they were scored with)",
            r.glance.weight_mismatch, r.weights.peak, r.weights.end
        );
    }
    line
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
