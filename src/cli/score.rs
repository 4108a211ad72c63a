//! `peakend score`: transcripts in, one row per interaction (and per turn,
//! and the coach report) out.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use peakend::lang;
use peakend::pipeline::{
    self, AtomicFile, Format, Keep, Outputs, Platform, Reader, RunStats,
};
use peakend::pipeline::{Rejects, ReportSlot, Source, Spec};
use peakend::report::{self, Weights};
use peakend::{Engine, LangChoice, PeakEndParams, ScoreOptions};

use super::{InputFormat, OutputFormat, ScoreArgs};

pub(crate) fn run(args: ScoreArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
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
    let setup = started.elapsed();

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
    let keep = if args.keep_all {
        Keep::All
    } else if args.keep.is_empty() {
        Keep::Nothing
    } else {
        Keep::Columns(args.keep.iter().map(|k| k.trim().to_string()).collect())
    };
    if matches!(&keep, Keep::Columns(k) if k.iter().any(String::is_empty)) {
        anyhow::bail!("--keep: an empty column name (COLS is comma-separated names)");
    }
    let mut reader = Reader::new(sources.clone(), format)
        .delimiter(args.delimiter)
        .speakers(args.speakers.clone().unwrap_or_default())
        .group_unsorted(args.group_unsorted)
        .keep(keep);
    let from: Vec<String> =
        sources.iter().map(|s| s.display_path().display().to_string()).collect();
    let report_slot = ReportSlot::default();
    let spec = Spec {
        format: args.format.map(|f| match f {
            OutputFormat::Csv => pipeline::OutputFormat::Csv,
            OutputFormat::Jsonl => pipeline::OutputFormat::Jsonl,
            OutputFormat::Parquet => pipeline::OutputFormat::Parquet,
        }),
        kept: reader.kept_columns()?,
    };
    refuse_binary_to_terminal(&args, &spec)?;
    let summary_file =
        args.summary.as_deref().map(|p| AtomicFile::create(Some(p))).transpose()?;
    let mut outputs =
        Outputs::create_as(args.output.as_deref(), args.turns.as_deref(), &spec)?;
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
    let run_started = std::time::Instant::now();
    let stats = pipeline::run(reader, &engine, outputs, threads, &progress)?;
    if let Some(r) = &rejects {
        r.commit()?;
    }
    let timings = Timings { setup, run: run_started.elapsed(), total: started.elapsed() };
    if let Some(mut file) = summary_file {
        let json =
            run_summary(&args, &sources, &spec, &stats, default_lang, threads, &timings);
        let mut text = serde_json::to_vec_pretty(&json)?;
        text.push(b'\n');
        file.write_all_named(&text)?;
        file.commit()?;
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
                    run_started.elapsed()
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
    for (flag, p) in [("--rejects", &args.rejects), ("--summary", &args.summary)] {
        if p.as_deref() == Some(Path::new("-")) {
            anyhow::bail!("{flag} needs a file: standard output carries the scores");
        }
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
        ("--summary", &args.summary),
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

/// Refuses Parquet on standard output when that is a terminal: it is
/// binary, and would only garble the screen. A pipe or a file is fine.
fn refuse_binary_to_terminal(args: &ScoreArgs, spec: &Spec) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() {
        return Ok(());
    }
    let to_stdout = |p: Option<&Path>| p.map_or(true, |p| p == Path::new("-"));
    let outputs = [
        ("-o", args.output.as_deref(), true),
        ("--turns", args.turns.as_deref(), args.turns.is_some()),
    ];
    for (flag, path, given) in outputs {
        let format =
            spec.format.unwrap_or_else(|| pipeline::OutputFormat::from_path(path));
        if given && to_stdout(path) && format == pipeline::OutputFormat::Parquet {
            anyhow::bail!(
                "{flag}: Parquet is binary and standard output is a terminal: name a file (-o interactions.parquet) or redirect standard output"
            );
        }
    }
    Ok(())
}

/// How long each phase of the run took.
struct Timings {
    /// Options and lexicons.
    setup: std::time::Duration,
    /// Reading, scoring and writing, which overlap; the report too.
    run: std::time::Duration,
    total: std::time::Duration,
}

/// The run as `--summary` writes it.
fn run_summary(
    args: &ScoreArgs,
    sources: &[Source],
    spec: &Spec,
    s: &RunStats,
    default_lang: &str,
    threads: usize,
    timings: &Timings,
) -> serde_json::Value {
    use serde_json::json;
    let path =
        |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let format = |p: Option<&Path>| {
        spec.format.unwrap_or_else(|| pipeline::OutputFormat::from_path(p)).name()
    };
    let lexicon_files: Vec<String> = match &args.lexicons {
        Some(dir) => pipeline::user_lexicon_files(dir)
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        None => Vec::new(),
    };
    let mut languages = s.languages.clone();
    languages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let w = &s.warnings;
    json!({
        "peakend": env!("CARGO_PKG_VERSION"),
        "arguments": std::env::args().skip(1).collect::<Vec<_>>(),
        "options": {
            "lang": args.lang,
            "default_lang": default_lang,
            // The names --input-format takes (`contact-lens`).
            "input_format": args
                .input_format
                .and_then(|f| f.to_possible_value())
                .map(|v| v.get_name().to_string()),
            "speakers": args.speakers.as_ref().map(|s| {
                s.labels().map(|(label, who)| (label.to_string(), json!(who.as_str())))
                    .collect::<serde_json::Map<_, _>>()
            }),
            "delimiter": args.delimiter.map(|d| char::from(d).to_string()),
            "threads": threads,
            "no_phrases": args.no_phrases,
            "negativity_bias": args.negativity_bias,
            "peak_weight": args.peak_weight,
            "end_weight": args.end_weight,
            "end_window": args.end_window,
            "bad_ending_drop": args.bad_ending_drop,
            "bad_ending_last": args.bad_ending_last,
            "group_unsorted": args.group_unsorted,
            "keep": spec.kept,
            "keep_all": args.keep_all,
        },
        "lexicons": args.lexicons.as_ref().map(|d| json!({
            "dir": d.display().to_string(),
            "files": lexicon_files,
        })),
        "inputs": sources.iter().map(|s| s.display_path().display().to_string()).collect::<Vec<_>>(),
        "outputs": {
            "interactions": {
                "path": path(&args.output).unwrap_or_else(|| "-".into()),
                "format": format(args.output.as_deref()),
            },
            "turns": args.turns.as_deref().map(|p| json!({"path": p.display().to_string(), "format": format(Some(p))})),
            "report": path(&args.report),
            "rejects": path(&args.rejects),
        },
        "counts": {
            "interactions": s.interactions,
            "turns": s.turns,
            "input_bytes": s.bytes,
            "rejected_rows": w.rejected,
            "invalid_utf8_rows": w.invalid_utf8,
            "regrouped_interactions": w.regrouped,
            "keep_conflicts": w.keep_conflicts,
            "lang_unsupported": s.lang_unsupported,
            "lang_undetected": s.lang_undetected,
            "bad_endings": s.bad_endings,
            "with_customer_turns": s.with_ending,
        },
        "bad_ending_share": (s.with_ending > 0).then(|| s.bad_endings as f64 / s.with_ending as f64),
        "languages": languages.iter().map(|(code, n)| json!({"language": code, "interactions": n})).collect::<Vec<_>>(),
        "warnings": warnings(s, default_lang),
        "first_keep_conflict": w.first_conflict.as_ref().map(|c| json!({
            "file": c.path.display().to_string(),
            "line": c.line,
            "column": c.column,
            "first": c.first,
            "later": c.later,
        })),
        "timings_s": {
            "setup": timings.setup.as_secs_f64(),
            "read_score_write": timings.run.as_secs_f64(),
            "total": timings.total.as_secs_f64(),
        },
    })
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

/// The warnings of a run, for the summary line and `--summary`.
fn warnings(s: &RunStats, default_lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.lang_unsupported > 0 {
        out.push(format!(
            "{} in unsupported languages scored as {}",
            super::count(s.lang_unsupported, "interaction"),
            default_lang
        ));
    }
    if s.lang_undetected > 0 {
        out.push(format!(
            "{} whose language could not be told, scored as {}",
            super::count(s.lang_undetected, "interaction"),
            default_lang
        ));
    }
    if s.warnings.invalid_utf8 > 0 {
        out.push(format!(
            "{} had invalid UTF-8, decoded as Windows-1252",
            super::count(s.warnings.invalid_utf8, "row")
        ));
    }
    if let Some(first) = &s.warnings.first_conflict {
        out.push(format!(
            "{} of kept columns differed from the first value of the interaction, which is kept; the first: {first}",
            super::count(s.warnings.keep_conflicts, "value")
        ));
    }
    out
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
    for warning in warnings(s, default_lang) {
        line += "; warning: ";
        line += &warning;
    }
    if let Some(path) = rejects {
        line += &format!(
            "; {} rejected (listed in {})",
            super::count(s.warnings.rejected, "row"),
            path.display()
        );
    }
    if s.warnings.regrouped > 0 {
        line += &format!(
            "; {} had rows that were not contiguous and were grouped (--group-unsorted)",
            super::count(s.warnings.regrouped, "interaction")
        );
    }
    line
}
