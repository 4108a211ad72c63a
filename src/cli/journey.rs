//! `peakend journey`: its arguments and its run (the work is in
//! `peakend::journey`).

use std::path::PathBuf;

use clap::Args;

use peakend::journey::{self, JourneyParams};

pub const EXAMPLES: &str = "\
Examples:
  peakend journey interactions.csv --customer customer_id --time started_at --channel channel
  peakend journey examples/journey_interactions.csv --customer customer_id --time started_at \\
      --channel channel --repeat-days 3 -o journeys.csv

One row per customer: contacts, channels used, repeat contacts, the journey's peak and end
(its latest contact), remembered = (peak + end) / 2, effort across the journey, and
failed_again: the latest contact went wrong (bad ending or unresolved) after an earlier
one did, with the contact ids that explain it.

Rows must be grouped by customer (then memory is one customer's contacts); with
--group-unsorted they may come in any order and every contact is held in memory.

Exit status: 0 success, 1 bad input or usage (the message names the file and line).";

#[derive(Debug, Args)]
pub struct JourneyArgs {
    /// The per-interaction CSV of 'peakend score -o'; '-' reads standard input.
    #[arg(value_name = "INTERACTIONS")]
    pub interactions: PathBuf,

    /// The column holding the customer id.
    #[arg(long, value_name = "COL")]
    pub customer: String,

    /// The column holding the contact's time (ISO 8601, or epoch seconds or ms).
    #[arg(long, value_name = "COL")]
    pub time: String,

    /// The column holding the channel (chat, call, email ...).
    #[arg(long, value_name = "COL")]
    pub channel: Option<String>,

    /// Write the journeys here [default: standard output].
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// A contact within N days of the one before is a repeat contact.
    #[arg(long, value_name = "N", default_value_t = 7.0)]
    pub repeat_days: f64,

    /// Accept rows in any order, grouping them by customer in memory.
    #[arg(
        long,
        long_help = "Accept rows in any order: every contact is held in memory (about 250 MB \
                     per million contacts) and customers are written in order of first \
                     appearance. Without it the rows must be grouped by customer, and memory \
                     is one customer's contacts."
    )]
    pub group_unsorted: bool,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

pub(crate) fn run(args: JourneyArgs) -> anyhow::Result<()> {
    if !(args.repeat_days.is_finite() && args.repeat_days >= 0.0) {
        anyhow::bail!("--repeat-days must be a number >= 0, got {}", args.repeat_days);
    }
    let params = JourneyParams {
        customer: args.customer,
        time: args.time,
        channel: args.channel,
        repeat_days: args.repeat_days,
        group_unsorted: args.group_unsorted,
    };
    let stats = journey::run(&args.interactions, args.output.as_deref(), &params)?;
    if !args.quiet {
        eprintln!(
            "peakend: {}, {}",
            super::count(stats.contacts, "contact"),
            super::count(stats.customers, "customer")
        );
    }
    Ok(())
}
