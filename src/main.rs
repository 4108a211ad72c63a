//! The `peakend` binary: parses arguments, runs, prints one error and exits.

mod cli;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use peakend::batch::{self, RunStats};
use peakend::engine::{Engine, LangChoice};
use peakend::input::{Format, Reader, Source};
use peakend::output::Outputs;
use peakend::peak_end::PeakEndParams;
use peakend::rejects::Rejects;
use peakend::report::rank::Weights;
use peakend::report::staging::Staging;
use peakend::score::ScoreOptions;

use cli::{Cli, Command, InputFormat, ReportArgs, ScoreArgs};

fn main() -> ExitCode {
    handle_signals();
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
            if peakend::cleanup::discarded() > 0 {
                eprintln!("peakend: no output written (removed temporary files)");
            }
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
            // Not `is_file`: `<(zcat calls.csv.gz)` and FIFOs are inputs too.
            match std::fs::metadata(p) {
                Err(_) => anyhow::bail!("{}: input file not found", p.display()),
                Ok(m) if m.is_dir() => {
                    anyhow::bail!("{}: is a directory, not an input file", p.display())
                }
                Ok(_) => {}
            }
        }
    }
    check_output_paths(&args, &sources)?;
    let total: Option<u64> = sources.iter().map(Source::size).sum();
    let format = args.input_format.map(|f| match f {
        InputFormat::Csv => Format::Csv,
        InputFormat::Jsonl => Format::Jsonl,
    });
    let mut reader = Reader::new(sources.clone(), format)
        .delimiter(args.delimiter)
        .group_unsorted(args.group_unsorted);
    STDOUT_OUTPUT.store(
        args.output.as_deref().map_or(true, |p| p == Path::new("-")),
        Ordering::Relaxed,
    );
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
    let rejects = args.rejects.as_deref().map(Rejects::create).transpose()?;
    if let Some(r) = &rejects {
        reader = reader.rejects(r.clone());
    }
    if args.group_unsorted && !args.quiet {
        eprintln!("peakend: --group-unsorted: reading all input into memory to group rows by interaction id");
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);

    let bar =
        (!args.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total));
    let last = AtomicU64::new(0);
    let progress = |bytes: u64| {
        if let Some(bar) = &bar {
            if bytes != last.swap(bytes, Ordering::Relaxed) {
                bar.set_position(bytes);
            }
        }
    };
    let stats = batch::run(reader, &engine, outputs, threads, &progress)?;
    if let Some(r) = &rejects {
        r.commit()?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.quiet {
        eprintln!("{}", summary(&stats, args.rejects.as_deref()));
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
        report.from =
            sources.iter().map(|s| s.display_path().display().to_string()).collect();
        peakend::report::write(&report, Some(path))?;
        staging.deliver()?;
        if !args.quiet {
            eprintln!("{}", report_summary(&report, Some(path), started.elapsed()));
        }
    }
    Ok(())
}

/// Refuses outputs that would clash: two outputs on one file (their
/// temporary files would be one), or an output over an input.
fn check_output_paths(args: &ScoreArgs, sources: &[Source]) -> anyhow::Result<()> {
    if args.rejects.as_deref() == Some(Path::new("-")) {
        anyhow::bail!("--rejects needs a file: standard output carries the scores");
    }
    let outputs: Vec<(&str, &Path)> =
        [("-o", &args.output), ("--turns", &args.turns), ("--rejects", &args.rejects)]
            .into_iter()
            .filter_map(|(flag, p)| p.as_deref().map(|p| (flag, p)))
            .filter(|(_, p)| *p != Path::new("-"))
            // Devices and pipes (`/dev/null`) are written through, not replaced:
            // two outputs may share one.
            .filter(|(_, p)| {
                !std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir())
            })
            .collect();
    // The same file, however it is spelled: compare canonical parents.
    let key = |p: &Path| {
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::canonicalize(parent)
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    for (i, (flag, p)) in outputs.iter().enumerate() {
        if std::fs::metadata(p).is_ok_and(|m| m.is_dir()) {
            anyhow::bail!("{}: {flag} is a directory, not a file", p.display());
        }
        let Some(k) = key(p) else { continue };
        for (other, q) in &outputs[..i] {
            if key(q).as_ref() == Some(&k) {
                anyhow::bail!("{}: {other} and {flag} name the same file", p.display());
            }
        }
        let is_plain_file = std::fs::symlink_metadata(p).map_or(true, |m| m.is_file());
        for s in sources {
            if let Source::Path(input) = s {
                if is_plain_file && key(input).as_ref() == Some(&k) {
                    anyhow::bail!(
                        "{}: {flag} would overwrite an input file",
                        p.display()
                    );
                }
            }
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
        eprintln!(
            "{}",
            report_summary(&report, args.output.as_deref(), started.elapsed())
        );
    }
    Ok(())
}

/// Whether the per-interaction output goes to standard output (for the
/// message of an interrupted run).
static STDOUT_OUTPUT: AtomicBool = AtomicBool::new(true);

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary files, say so and exit
/// 128 + the signal number (130, 143, 129), as shells do. A thread of its
/// own waits for the signals, so this works while the main thread is
/// blocked reading standard input. signal-hook rather than ctrlc: ctrlc's
/// one handler cannot tell SIGINT from SIGTERM, and the exit status should.
#[cfg(unix)]
fn handle_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
    else {
        return; // Without handlers the defaults apply: no cleanup, but no harm.
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            // None: the outputs are complete and being renamed; let the run finish.
            let Some(removed) = peakend::cleanup::interrupt() else { continue };
            let name = match signal {
                SIGINT => "SIGINT",
                SIGTERM => "SIGTERM",
                _ => "SIGHUP",
            };
            let mut what = Vec::new();
            if removed > 0 || !STDOUT_OUTPUT.load(Ordering::Relaxed) {
                what.push(format!(
                    "no output written (removed {removed} temporary files)"
                ));
            }
            if STDOUT_OUTPUT.load(Ordering::Relaxed) {
                what.push("the output on standard output is incomplete".to_string());
            }
            eprintln!("\npeakend: interrupted by {name}: {}", what.join("; "));
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn handle_signals() {}

/// The one-line summary of a report on standard error.
fn report_summary(
    r: &peakend::report::Report,
    out: Option<&std::path::Path>,
    took: std::time::Duration,
) -> String {
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
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                .expect("valid template"),
        ),
    };
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// The one-line summary printed on standard error.
fn summary(s: &RunStats, rejects: Option<&Path>) -> String {
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
            "; warning: {} rows had invalid UTF-8 and were decoded as Windows-1252",
            s.warnings.invalid_utf8
        );
    }
    if let Some(path) = rejects {
        line += &format!(
            "; {} rows rejected (listed in {})",
            s.warnings.rejected,
            path.display()
        );
    }
    if s.warnings.regrouped > 0 {
        line += &format!(
            "; {} interactions had rows that were not contiguous and were grouped (--group-unsorted)",
            s.warnings.regrouped
        );
    }
    line
}
