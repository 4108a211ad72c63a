//! `peakend score`: transcripts in, one row per interaction (and per turn,
//! and the coach report) out.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use peakend::batch::{self, RunStats};
use peakend::engine::{Engine, LangChoice};
use peakend::input::{Format, Platform, Reader, Source};
use peakend::lang;
use peakend::output::{Outputs, ReportSlot};
use peakend::peak_end::PeakEndParams;
use peakend::rejects::Rejects;
use peakend::report::{self, rank::Weights};
use peakend::score::ScoreOptions;

use super::{InputFormat, ScoreArgs};

pub(crate) fn run(args: ScoreArgs) -> anyhow::Result<()> {
    let lang = match args.lang.trim() {
        l if l.eq_ignore_ascii_case("auto") => LangChoice::Auto,
        l => LangChoice::Fixed(lang::normalize(l).with_context(|| {
            format!(
                "--lang: unsupported language '{l}' (supported: {}, or auto)",
                lang::codes()
            )
        })?),
    };
    let default_lang = lang::normalize(&args.default_lang).with_context(|| {
        format!(
            "--default-lang: unsupported language '{}' (supported: {})",
            args.default_lang,
            lang::codes()
        )
    })?;
    let params = PeakEndParams {
        negativity_bias: args.negativity_bias,
        peak_weight: args.peak_weight,
        end_weight: args.end_weight,
        end_window: args.end_window,
        drop: args.bad_ending_drop,
        last_below: args.bad_ending_last,
    };
    let options = ScoreOptions { phrases: !args.no_phrases };
    let engine = Engine::new(lang, args.lexicons.as_deref(), options, params)?
        .with_default_lang(default_lang)?;

    let sources: Vec<Source> = if args.inputs.is_empty() {
        vec![Source::Stdin]
    } else {
        expand_inputs(&args.inputs)?
    };
    check_output_paths(&args, &sources)?;
    let total: Option<u64> = sources.iter().map(Source::size).sum();
    let format = args.input_format.and_then(|f| match f {
        InputFormat::Auto => None,
        InputFormat::Csv => Some(Format::Csv),
        InputFormat::Jsonl => Some(Format::Jsonl),
        InputFormat::Transcribe => Some(Format::Platform(Platform::Transcribe)),
        InputFormat::ContactLens => Some(Format::Platform(Platform::ContactLens)),
        InputFormat::Genesys => Some(Format::Platform(Platform::Genesys)),
        InputFormat::Ccai => Some(Format::Platform(Platform::Ccai)),
        InputFormat::Twilio => Some(Format::Platform(Platform::Twilio)),
    });
    let mut reader = Reader::new(sources.clone(), format)
        .delimiter(args.delimiter)
        .speakers(args.speakers.clone().unwrap_or_default())
        .group_unsorted(args.group_unsorted);
    let from: Vec<String> =
        sources.iter().map(|s| s.display_path().display().to_string()).collect();
    let report_slot = ReportSlot::default();
    let mut outputs = Outputs::create(args.output.as_deref(), args.turns.as_deref())?;
    if let Some(path) = args.report.as_deref() {
        let options = report::Options {
            weights: Weights { peak: args.peak_weight, end: args.end_weight },
            ..Default::default()
        };
        outputs = outputs.with_report(path, &options, from, report_slot.clone())?;
    }
    let rejects = args.rejects.as_deref().map(Rejects::create).transpose()?;
    if let Some(r) = &rejects {
        reader = reader.rejects(r.clone());
    }
    if args.group_unsorted && !args.quiet {
        eprintln!("peakend: --group-unsorted: reading all input into memory to group rows by interaction id");
    }
    let threads = threads(args.threads, args.quiet);

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
    let started = std::time::Instant::now();
    let stats = batch::run(reader, &engine, outputs, threads, &progress)?;
    if let Some(r) = &rejects {
        r.commit()?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.quiet {
        eprintln!("{}", summary(&stats, args.rejects.as_deref(), default_lang));
        let report = report_slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(report) = report {
            eprintln!(
                "{}",
                super::report::summary(
                    &report,
                    args.report.as_deref(),
                    started.elapsed()
                )
            );
        }
    }
    Ok(())
}

/// File names a directory stands for: transcripts, compressed or not.
const INPUT_EXTENSIONS: [&str; 5] = ["csv", "tsv", "json", "jsonl", "ndjson"];

/// The sources of the INPUT arguments: `-` is standard input, a directory
/// its transcript files (recursively), a pattern that names no file the
/// files it matches (for a glob the shell did not expand: quoted, or on
/// Windows); each directory and pattern in name order, so that the output
/// does not depend on the file system's order.
fn expand_inputs(inputs: &[std::path::PathBuf]) -> anyhow::Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        let source = Source::parse(input);
        let Source::Path(p) = &source else {
            sources.push(source);
            continue;
        };
        // Not `is_file`: `<(zcat calls.csv.gz)` and FIFOs are inputs too.
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let before = sources.len();
                walk(p, &mut sources).with_context(|| {
                    format!("{}: cannot read the directory", p.display())
                })?;
                if sources.len() == before {
                    anyhow::bail!(
                        "{}: the directory holds no transcript file (*.{}, or .gz of them)",
                        p.display(),
                        INPUT_EXTENSIONS.join(", *.")
                    );
                }
            }
            Ok(_) => sources.push(source),
            Err(_) if p.to_string_lossy().contains(['*', '?', '[']) => {
                let pattern = p.to_string_lossy();
                let paths = glob::glob(&pattern)
                    .with_context(|| format!("{pattern}: not a valid glob pattern"))?;
                let mut matched: Vec<_> =
                    paths.filter_map(Result::ok).filter(|m| m.is_file()).collect();
                if matched.is_empty() {
                    anyhow::bail!("{pattern}: no input file matches this pattern");
                }
                matched.sort();
                sources.extend(matched.into_iter().map(Source::Path));
            }
            Err(_) => anyhow::bail!("{}: input file not found", p.display()),
        }
    }
    Ok(sources)
}

/// Adds the transcript files under `dir` (not hidden ones), in name order.
fn walk(dir: &Path, sources: &mut Vec<Source>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, sources)?;
            continue;
        }
        let name = name.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let transcript = Path::new(name)
            .extension()
            .is_some_and(|e| INPUT_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
        if transcript {
            sources.push(Source::Path(path));
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
    for (flag, p) in [("-o", &args.output), ("--turns", &args.turns)] {
        if p.is_some() && p.as_deref() == args.report.as_deref() {
            anyhow::bail!("--report must name another file than {flag}");
        }
    }
    let outputs: Vec<(&str, &Path)> = [
        ("-o", &args.output),
        ("--turns", &args.turns),
        ("--rejects", &args.rejects),
        ("--report", &args.report),
    ]
    .into_iter()
    .filter_map(|(flag, p)| p.as_deref().map(|p| (flag, p)))
    .filter(|(_, p)| *p != Path::new("-"))
    // Devices and pipes (`/dev/null`) are written through, not replaced:
    // two outputs may share one.
    .filter(|(_, p)| !std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()))
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

/// Most worker threads: more only adds memory and start-up time.
const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads for `--threads`: 0 or none means one per core;
/// more than [`MAX_THREADS_PER_CORE`] per core is capped, with a note on
/// standard error (10,000 threads took minutes and hundreds of megabytes
/// to start, for nothing).
fn threads(asked: Option<usize>, quiet: bool) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = cores * MAX_THREADS_PER_CORE;
    match asked {
        None | Some(0) => cores,
        Some(n) if n > cap => {
            if !quiet {
                eprintln!(
                    "peakend: --threads {n}: using {cap} ({MAX_THREADS_PER_CORE} per core on {cores} cores)"
                );
            }
            cap
        }
        Some(n) => n,
    }
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
fn summary(s: &RunStats, rejects: Option<&Path>, default_lang: &str) -> String {
    let secs = s.elapsed.as_secs_f64();
    let mbps = if secs > 0.0 { s.bytes as f64 / 1e6 / secs } else { 0.0 };
    let mut line = format!(
        "peakend: {}, {}, {:.2} s, {:.1} MB/s",
        super::count(s.interactions, "interaction"),
        super::count(s.turns, "turn"),
        secs,
        mbps
    );
    if s.lang_unsupported > 0 {
        line += &format!(
            "; warning: {} in unsupported languages scored as {}",
            super::count(s.lang_unsupported, "interaction"),
            default_lang
        );
    }
    if s.lang_undetected > 0 {
        line += &format!(
            "; warning: {} whose language could not be told, scored as {}",
            super::count(s.lang_undetected, "interaction"),
            default_lang
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
