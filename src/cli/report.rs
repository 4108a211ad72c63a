//! `peakend report`: the coach's HTML page from score's two CSVs.

use peakend::pipeline::Source;
use peakend::report::{self, Weights};

use super::ReportArgs;

pub(crate) fn run(args: ReportArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let interactions = Source::parse(&args.interactions);
    let turns = args.turns.as_deref().map(Source::parse);
    let journeys = args.journeys.as_deref().map(Source::parse);
    let inputs = [
        ("INTERACTIONS", Some(&interactions)),
        ("--turns", turns.as_ref()),
        ("--journeys", journeys.as_ref()),
    ];
    let stdin: Vec<&str> = inputs
        .iter()
        .filter(|(_, s)| *s == Some(&Source::Stdin))
        .map(|(n, _)| *n)
        .collect();
    if let [a, b, ..] = stdin[..] {
        anyhow::bail!("{a} and {b} cannot both be standard input ('-')");
    }
    let options = report::Options {
        top: args.top,
        title: args.title,
        weights: Weights { peak: args.peak_weight, end: args.end_weight },
    };
    // Each input is opened as it is read, and a missing one is said there:
    // --turns only once INTERACTIONS has ended (in `peakend score ... --turns
    // t.csv | peakend report - --turns t.csv` it does not exist before).
    let mut report = report::build(&interactions, turns.as_ref(), &options)?;
    if let Some(source) = &journeys {
        report.set_journeys(report::read_journeys(source, args.top)?);
    }
    report::write(&report, args.output.as_deref())?;
    if !args.quiet {
        eprintln!("{}", summary(&report, args.output.as_deref(), started.elapsed()));
    }
    Ok(())
}

/// The one-line summary of a report on standard error.
pub(crate) fn summary(
    r: &report::Report,
    out: Option<&std::path::Path>,
    took: std::time::Duration,
) -> String {
    let out = match out {
        Some(p) if p != std::path::Path::new("-") => p.display().to_string(),
        _ => "<stdout>".to_string(),
    };
    let mut line = format!(
        "peakend: report of {} ({}), {} drawn, {:.2} s: {out}",
        super::count(r.interactions(), "interaction"),
        super::count(r.bad_endings(), "bad ending"),
        r.drawn(),
        took.as_secs_f64()
    );
    if let Some(j) = r.journeys() {
        line += &format!(
            "; journeys: {}, {} failed again",
            super::count(j.customers(), "customer"),
            j.failed_again()
        );
    }
    let missing = r.missing_turns();
    if missing > 0 {
        line += &format!(
            "; warning: no rows in the per-turn CSV for {} (not from the same run?)",
            super::count(missing as u64, "drawn interaction")
        );
    }
    if !r.has_turns() {
        line += "; no --turns: the page has no arcs";
    }
    if r.weight_mismatch() > 0 {
        line += &format!(
            "; warning: remembered does not follow from --peak-weight {} --end-weight {} in {} (pass the weights they were scored with)",
            r.weights().peak,
            r.weights().end,
            super::count(r.weight_mismatch(), "interaction")
        );
    }
    line
}
