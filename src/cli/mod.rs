//! Command-line arguments (clap derive) and one file per subcommand. Only
//! the binary uses this module.

mod journey;
mod report;
mod score;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Scores how customers felt in contact-centre conversations and how they
/// will remember them (Kahneman's peak-end rule).
#[derive(Debug, Parser)]
#[command(name = "peakend", version, max_term_width = 98, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score transcripts: one row per interaction (and per turn with --turns).
    #[command(after_long_help = SCORE_EXAMPLES)]
    Score(ScoreArgs),
    /// Make the coach report: one self-contained HTML page from score's two CSVs.
    #[command(after_long_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// One row per customer from score's per-interaction CSV: the customer's journey.
    #[command(after_long_help = journey::EXAMPLES)]
    Journey(journey::JourneyArgs),
}

const SCORE_EXAMPLES: &str = "\
Examples:
  peakend score examples/transcripts.csv
  peakend score calls-*.csv -o interactions.csv --turns turns.csv
  cat chats.jsonl | peakend score --input-format jsonl - > interactions.csv
  peakend score transcribe-output/ -o interactions.csv        # platform JSON exports
  zcat genesys.json.gz | peakend score --input-format genesys -
  peakend score diarised.csv --speakers spk_0=agent,spk_1=customer
  peakend score calls.csv --lexicons my-lexicons --end-window 1 --negativity-bias 2
  peakend score calls.csv -o interactions.csv --report report.html
  peakend score calls.csv --keep agent_id,queue -o interactions.parquet --turns turns.parquet
  peakend score calls.csv --format jsonl --summary run.json > interactions.jsonl

Input columns (CSV header, case-insensitive): interaction_id, speaker, text
(required); turn, start_ms, end_ms, language (optional). JSON is told by its
content: peakend's JSON Lines, or the exports of Amazon Transcribe, Contact
Lens, Genesys, Google CCAI and Twilio. See the README for every alias, each
format and every output column.

Exit status: 0 success (rows set aside with --rejects are counted on standard
error); 1 bad input or usage (the message names the file and line), or a failed
write; 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM, 129 by SIGHUP. A
failed or interrupted run leaves no output file and no temporary file (what
went to standard output stays there).";

const REPORT_EXAMPLES: &str = "\
Examples:
  peakend score calls.csv -o interactions.csv --turns turns.csv
  peakend report interactions.csv --turns turns.csv -o report.html
  peakend report interactions.csv --turns turns.csv --top 50 --title 'Week 12' -o week12.html
  peakend report interactions.csv --turns turns.csv --journeys journeys.csv -o report.html
  peakend score calls.csv --turns turns.csv | peakend report - --turns turns.csv > report.html
  peakend score calls.csv -o interactions.csv --report report.html    # both in one run

The page: the batch at a glance (histograms of remembered and gap, share of
bad endings, emotions at the end, interactions without empathy after the
customer's worst moment), then the worst endings first, each with its valence
arc, peak and end marked, and the words that drove each turn's score. Ranking:
bad_ending first, then ending effect = ew*end/(pw+ew) (what the ending did to
'remembered' compared with a neutral ending), most negative first, then input
order. Only the worst --top interactions are drawn; all count in the figures.

Exit status: 0 success, 1 bad input or usage (the message names the file and
line).";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Told by each input's content [default].
    Auto,
    /// CSV with a header row.
    Csv,
    /// peakend's JSON Lines, one interaction per line.
    Jsonl,
    /// Amazon Transcribe Call Analytics JSON.
    Transcribe,
    /// Amazon Connect Contact Lens analysis JSON.
    ContactLens,
    /// Genesys Cloud transcript JSON.
    Genesys,
    /// Google CCAI Insights conversation JSON (upload or analysed).
    Ccai,
    /// Twilio Conversational Intelligence sentences JSON.
    Twilio,
}

/// The encoding of the outputs (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// CSV with a header row.
    Csv,
    /// JSON Lines: one object per row, typed values.
    Jsonl,
    /// Apache Parquet: typed, compressed columns.
    Parquet,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Transcript files, directories or globs (CSV, JSON Lines or platform
    /// JSON exports, gzip-compressed or not); none or '-' reads standard input.
    #[arg(
        value_name = "INPUT",
        long_help = "Transcript files: CSV, peakend's JSON Lines, or the JSON exports of \
                     Amazon Transcribe Call Analytics, Amazon Connect Contact Lens, Genesys \
                     Cloud, Google CCAI Insights and Twilio, each told by its content (see \
                     --input-format), gzip-compressed or not. A directory stands for the \
                     *.csv, *.tsv, *.json, *.jsonl, *.ndjson files (and their .gz) in it \
                     and under it, a quoted glob ('calls/*.json') for the files it matches, \
                     both in name order. None, or '-', reads standard input."
    )]
    pub inputs: Vec<PathBuf>,

    /// Write the per-interaction table here [default: standard output].
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        long_help = "Write the per-interaction table here [default: standard output]: CSV, or \
                     Parquet / JSON Lines when the name ends in .parquet / .jsonl or --format \
                     says so."
    )]
    pub output: Option<PathBuf>,

    /// Also write the per-turn table here (format as for -o).
    #[arg(long, value_name = "FILE")]
    pub turns: Option<PathBuf>,

    /// Format of both outputs [default: by each output's name, else csv].
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        long_help = "Format of both outputs (-o and --turns): csv, jsonl (one JSON object per \
                     row, numbers as numbers, null for an empty cell) or parquet (typed columns, \
                     Snappy-compressed, a row group every 65,536 rows). Without it, each output's \
                     name decides: *.parquet is Parquet, *.jsonl or *.ndjson JSON Lines, anything \
                     else (and standard output) CSV. Parquet is refused on a terminal; it may go \
                     to standard output when that is a pipe or a file."
    )]
    pub format: Option<OutputFormat>,

    /// Input columns to carry to the per-interaction output, comma-separated.
    #[arg(
        long,
        value_name = "COLS",
        value_delimiter = ',',
        conflicts_with = "keep_all",
        long_help = "Input columns to carry to the per-interaction output, comma-separated, by \
                     their input names (CSV headers case-insensitively; JSON Lines: fields of the \
                     interaction object or of its turns; platform exports: top-level fields of \
                     each call): agent_id, queue, channel, customer_id, start_time... They follow the score columns, in the order given, as text: \
                     each interaction's first non-empty value. A later value that differs is \
                     counted in the summary, with the first example (file, line, column, both \
                     values); the first is kept. A column the input lacks is an error that lists \
                     the columns it has. With an agent column (agent, agent_id, agent_name), \
                     --report can filter by agent."
    )]
    pub keep: Vec<String>,

    /// Carry every input column that is not part of the transcript.
    #[arg(
        long,
        long_help = "Carry every input column that is not part of the transcript (id, speaker, \
                     text, turn, times, language) to the per-interaction output, as --keep does, \
                     in input order: the columns of the first input's header (JSON Lines: the \
                     fields of its first line). A later input that lacks one leaves it empty. \
                     Not for platform exports: name their fields with --keep."
    )]
    pub keep_all: bool,

    /// Write the run as JSON here: version, options, inputs, counts, warnings, timings.
    #[arg(
        long,
        value_name = "FILE",
        long_help = "Write the run as one JSON object here, atomically, like the outputs: \
                     peakend's version, the arguments as given and the options in force, the \
                     lexicon overlay folder and its files, the inputs and outputs, the counts \
                     (interactions, turns, rejected rows, kept-value conflicts...), the warnings \
                     with their texts, the share of bad endings, the languages with their counts \
                     and the time of each phase. A file only: standard output carries the scores."
    )]
    pub summary: Option<PathBuf>,

    /// Worker threads [default: all cores].
    #[arg(
        long,
        value_name = "N",
        long_help = "Worker threads [default: all cores]. 0 also means all cores; more than 4 per \
                     core are capped at 4 per core, with a note on standard error. The output is \
                     byte-identical for any N."
    )]
    pub threads: Option<usize>,

    /// Extra or overriding lexicon files: DIR/<lang>/valence.tsv, rules.tsv, emoji.tsv, emotion.tsv.
    #[arg(
        long,
        value_name = "DIR",
        long_help = "Extra or overriding lexicon entries on top of the built-in ones. \
                     For each language, DIR/<lang>/valence.tsv holds 'term<TAB>valence' \
                     lines (VADER scale -4..4; a term of several words is a phrase), \
                     DIR/<lang>/rules.tsv 'role<TAB>term[<TAB>value]' lines, \
                     DIR/<lang>/emoji.tsv 'emoji<TAB>description' lines and \
                     DIR/<lang>/emotion.tsv 'term<TAB>category<TAB>weight' lines. \
                     See lexicons/README.md."
    )]
    pub lexicons: Option<PathBuf>,

    /// Language of the text: an ISO 639-1 code, or 'auto'.
    #[arg(
        long,
        value_name = "CODE|auto",
        default_value = "auto",
        long_help = format!(
            "Language of the text: an ISO 639-1 code (supported: {}), or 'auto' \
             [default]: the input's language column or field when present, otherwise \
             detected per interaction from all its turns, and per turn where a turn \
             switches language. Unsupported or undetectable: --default-lang, counted \
             in the summary.",
            peakend::lang::names()
        )
    )]
    pub lang: String,

    /// Language of interactions whose language cannot be told [default: en].
    #[arg(
        long,
        value_name = "CODE",
        default_value = peakend::lang::DEFAULT,
        long_help = format!(
            "Language of the interactions whose language cannot be told (too little \
             text, or a language without a lexicon) with --lang auto; they are counted \
             in the summary. Supported: {}.",
            peakend::lang::names()
        )
    )]
    pub default_lang: String,

    /// Input format [default: auto, told by each input's content].
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        long_help = "Input format of every input. 'auto' [default] tells each input by its \
                     content: JSON when it starts with '{' or '[' (each call recognised by \
                     its keys: peakend's interaction, or a platform export), CSV otherwise. A \
                     platform's name makes every call read as that platform's export, so its \
                     errors say what is missing; 'jsonl' reads peakend's JSON Lines only."
    )]
    pub input_format: Option<InputFormat>,

    /// Who the input's speaker labels are: LABEL=ROLE,... (e.g. spk_0=agent,spk_1=customer).
    #[arg(
        long,
        value_name = "LABEL=ROLE,...",
        value_parser = parse_speakers,
        long_help = "Who the input's speaker labels are, for labels that are not the built-in \
                     speaker values (diarised 'spk_0', 'Speaker 1', channels): \
                     LABEL=ROLE,... with a role among the speaker values (agent, customer, \
                     ...), e.g. 'spk_0=agent,spk_1=customer'. Labels are case-insensitive; a \
                     channel may be written 0, ch_0, ch0 or 'channel 0' (platform exports that \
                     give only a channel use ch_N). The mapping applies to every input format \
                     and wins over the built-in names; a label still unknown is an error, or a \
                     reject with --rejects."
    )]
    pub speakers: Option<peakend::Speakers>,

    /// CSV delimiter: one character, or 'tab' [default: detected from the header].
    #[arg(
        long,
        value_name = "C",
        value_parser = parse_delimiter,
        long_help = "CSV delimiter: one ASCII character, or 'tab' (also '\\t'). By default it \
                     is detected from the header line: the most frequent of ',' ';' tab and '|'."
    )]
    pub delimiter: Option<u8>,

    /// Write rows that cannot be scored to FILE and go on, instead of stopping.
    #[arg(
        long,
        value_name = "FILE",
        long_help = "Write rows that cannot be scored to FILE (a CSV: line,reason,raw,file) \
                     and go on, instead of stopping at the first one: an unknown speaker, a \
                     wrong number of fields, a turn or timestamp that is not a number, an \
                     empty id, an unterminated quote, an interaction whose rows are not \
                     contiguous, a JSON line that cannot be read. Every input row is then \
                     either scored or listed, and the summary counts them. A missing or empty \
                     file, or a header without a required column, still stops the run. The \
                     file is written atomically, like the outputs."
    )]
    pub rejects: Option<PathBuf>,

    /// Group rows by interaction id in memory when they are not contiguous.
    #[arg(
        long,
        long_help = "Group the rows of each interaction by id in memory, in order of first \
                     appearance, instead of refusing an interaction whose rows are not \
                     contiguous. The whole input is then held in memory; sorting the input by \
                     interaction id keeps memory bounded."
    )]
    pub group_unsorted: bool,

    /// Score with VADER's lexicon and rules only (no phrase lexicon).
    #[arg(
        long,
        long_help = "Score with VADER's lexicon and rules only, without the phrase lexicon: \
                     the valence is then vaderSentiment 3.3.2's compound, except for the \
                     departures listed in DESIGN.md (curly apostrophes, typographic quotes, \
                     the 'but' fix)."
    )]
    pub no_phrases: bool,

    /// How much more a negative moment weighs when choosing the peak.
    #[arg(long, value_name = "F", default_value_t = peakend::PeakEndParams::default().negativity_bias)]
    pub negativity_bias: f64,

    /// Weight of the peak in 'remembered'.
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub peak_weight: f64,

    /// Weight of the end in 'remembered'.
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub end_weight: f64,

    /// The most final customer turns that make the end (at most a third of them).
    #[arg(long, value_name = "N", default_value_t = peakend::PeakEndParams::default().end_window)]
    pub end_window: usize,

    /// 'bad_ending' also when the end falls this far below the customer's earlier mean.
    #[arg(long, value_name = "D", default_value_t = peakend::PeakEndParams::default().drop)]
    pub bad_ending_drop: f64,

    /// 'bad_ending' also when the last customer turn is at or below this valence.
    #[arg(long, value_name = "V", allow_negative_numbers = true, default_value_t = peakend::PeakEndParams::default().last_below)]
    pub bad_ending_last: f64,

    /// Also write the coach report (HTML) here, from this run's outputs.
    #[arg(
        long,
        value_name = "FILE",
        long_help = "Also write the coach report, one self-contained HTML page, here: the page \
                     'peakend report' would make from -o and --turns, with this run's peak and end \
                     weights. It is built in memory as the interactions are written (memory grows \
                     with the report's 200 drawn interactions, not with the batch), whatever -o \
                     and --turns are, and put in place with the other outputs."
    )]
    pub report: Option<PathBuf>,

    /// No progress bar and no summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The per-interaction CSV of 'peakend score -o'; '-' reads standard input.
    #[arg(value_name = "INTERACTIONS")]
    pub interactions: PathBuf,

    /// The per-turn CSV of 'peakend score --turns', for the arcs.
    #[arg(
        long,
        value_name = "FILE",
        long_help = "The per-turn CSV of 'peakend score --turns': the arcs, and the text of \
                     every turn with its scoring words. Without it the page has the figures \
                     and the ranking but no arcs."
    )]
    pub turns: Option<PathBuf>,

    /// The journey CSV of 'peakend journey', for a section on customers who failed again.
    #[arg(
        long,
        value_name = "FILE",
        long_help = "The journey CSV of 'peakend journey' (made from the same per-interaction \
                     CSV): the page gains a section on the customers whose latest contact went \
                     wrong after an earlier one did, their contacts linked to the cards drawn, \
                     with contacts, channels, repeat contacts, remembered and effort."
    )]
    pub journeys: Option<PathBuf>,

    /// Write the HTML page here [default: standard output].
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// How many of the worst endings get a full arc.
    #[arg(
        long,
        value_name = "N",
        default_value_t = peakend::report::DEFAULT_TOP,
        long_help = "How many of the worst endings get a full arc, tooltip and transcript. \
                     All interactions count in the figures at the top; memory and page size \
                     grow with N, not with the batch."
    )]
    pub top: usize,

    /// The page title.
    #[arg(long, value_name = "TEXT", default_value = peakend::report::DEFAULT_TITLE)]
    pub title: String,

    /// Weight of the peak in 'remembered', as given to 'peakend score'.
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub peak_weight: f64,

    /// Weight of the end in 'remembered', as given to 'peakend score'.
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub end_weight: f64,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs the command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Score(args) => score::run(args),
        Command::Report(args) => report::run(args),
        Command::Journey(args) => journey::run(args),
    }
}

/// `n` and the noun, in the plural unless `n` is 1: "1 interaction",
/// "2 interactions".
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Parses `--speakers`.
fn parse_speakers(s: &str) -> Result<peakend::Speakers, String> {
    peakend::Speakers::parse(s)
}

/// Parses `--delimiter`: one ASCII character other than a quote or a line
/// end, or `tab` / `\t`.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "TAB" | "\\t" | "\t" => Ok(b'\t'),
        _ => match s.as_bytes() {
            [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(*b),
            _ => Err(format!(
                "'{s}' is not a delimiter: give one ASCII character other than a quote or a line end, or 'tab'"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(1, "interaction"), "1 interaction");
        assert_eq!(count(0, "interaction"), "0 interactions");
        assert_eq!(count(2, "bad ending"), "2 bad endings");
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\t"), Ok(b'\t'));
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter(";;").is_err());
        assert!(parse_delimiter("é").is_err());
    }

    #[test]
    fn flags_that_interact() {
        let args = |a: &[&str]| match Cli::try_parse_from(a) {
            Ok(Cli { command: Command::Score(s) }) => s,
            Ok(other) => panic!("not a score command: {other:?}"),
            Err(e) => panic!("{e}"),
        };
        let s = args(&[
            "peakend",
            "score",
            "--rejects",
            "r.csv",
            "--group-unsorted",
            "--delimiter",
            "tab",
            "x.csv",
        ]);
        assert_eq!(s.rejects.as_deref(), Some(std::path::Path::new("r.csv")));
        assert!(s.group_unsorted);
        assert_eq!(s.delimiter, Some(b'\t'));
        assert!(Cli::try_parse_from(["peakend", "score", "--delimiter", "ab"]).is_err());
        let s = args(&[
            "peakend",
            "score",
            "--speakers",
            "SPK_0=agent,1=customer",
            "--input-format",
            "contact-lens",
            "-",
        ]);
        let speakers = s.speakers.expect("parsed");
        assert_eq!(speakers.get("spk_0"), Some(peakend::Speaker::Agent));
        assert_eq!(speakers.get("ch_1"), Some(peakend::Speaker::Customer));
        assert_eq!(s.input_format, Some(InputFormat::ContactLens));
        for bad in ["spk_0", "spk_0=robot", "=agent", "a=agent,A=customer"] {
            assert!(
                Cli::try_parse_from(["peakend", "score", "--speakers", bad]).is_err(),
                "{bad}"
            );
        }
    }
}
