//! The coach report: one self-contained HTML page made from the two CSVs
//! that `peakend score` writes.
//!
//! Quality coaches do not read CSVs; they open one page in the morning and
//! want to see which conversations ended badly, what each looked like and
//! why. The page shows the batch at a glance, then the interactions whose
//! ending hurt their memory most, each with its valence arc and the words
//! that drove it (see the README, "Coach report").
//!
//! Memory is bounded by `--top`, not by the batch, in two streaming passes:
//!
//! 1. the per-interaction CSV feeds the aggregates ([`glance`]) and two
//!    bounded heaps ([`rank::TopN`]): the worst endings, and the worst of
//!    those without empathy after the customer's worst moment;
//! 2. the per-turn CSV is streamed and only the turns of the kept ids are
//!    kept.
//!
//! The page is then rendered by [`html`] with charts from [`svg`] and the
//! scoring words found back in each turn by [`terms`], and written by
//! [`sink`]. [`staging`] lets `score --report` do all of this in the same
//! run. Modules: [`read`] (CSV rows), [`rank`], [`glance`], [`terms`],
//! [`svg`], [`html`], [`sink`], [`staging`].

pub mod glance;
pub mod html;
pub mod rank;
pub mod read;
pub mod sink;
pub mod staging;
pub mod svg;
pub mod terms;

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::Result;
use crate::input::Source;
use glance::Glance;
use rank::{RankKey, TopN, Weights};
use read::{InteractionReader, Summary, TurnReader, TurnRow};

/// Interactions drawn in full by default (`--top`).
pub const DEFAULT_TOP: usize = 200;
/// The page title by default (`--title`).
pub const DEFAULT_TITLE: &str = "peakend report";

/// What to put on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// How many of the worst interactions get a full arc.
    pub top: usize,
    /// The page title.
    pub title: String,
    /// The weights `remembered` was computed with.
    pub weights: Weights,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            top: DEFAULT_TOP,
            title: DEFAULT_TITLE.to_string(),
            weights: Weights::default(),
        }
    }
}

/// One interaction drawn in full.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// Its row of the per-interaction CSV.
    pub summary: Summary,
    /// Where it ranks.
    pub key: RankKey,
    /// Its turns, in the per-turn CSV's order (empty when not found).
    pub turns: Vec<TurnRow>,
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The page title.
    pub title: String,
    /// The files the data came from, for the page header.
    pub from: Vec<String>,
    /// The ranking weights.
    pub weights: Weights,
    /// Aggregates over every interaction.
    pub glance: Glance,
    /// The worst endings, best-ranked first, at most `top`.
    pub worst: Vec<Shown>,
    /// Interactions without empathy after the worst moment, worst first,
    /// at most `top`.
    pub no_empathy: Vec<Summary>,
    /// How many interactions had no empathy after the worst moment.
    pub no_empathy_total: u64,
    /// The per-interaction CSV has an agent column.
    pub has_agent: bool,
    /// A per-turn CSV was read.
    pub has_turns: bool,
}

impl Report {
    /// Drawn interactions that had no row in the per-turn CSV.
    pub fn missing_turns(&self) -> usize {
        if self.has_turns {
            self.worst.iter().filter(|w| w.turns.is_empty()).count()
        } else {
            0
        }
    }
}

/// Reads the per-interaction CSV and, when given, the per-turn CSV, and
/// gathers what the page shows. At most one of them may be standard input.
pub fn build(
    interactions: &Source,
    turns: Option<&Source>,
    options: &Options,
) -> Result<Report> {
    options.weights.validate()?;
    let w = options.weights;
    let mut reader = InteractionReader::open(interactions)?;
    let has_agent = reader.has_agent();
    let mut glance = Glance::default();
    let mut worst = TopN::new(options.top);
    let mut no_empathy = TopN::new(options.top);
    let mut no_empathy_total = 0;
    while let Some(row) = reader.next_row()? {
        glance.add(&row, &w);
        let f = &row.figures;
        let key = RankKey {
            bad_ending: f.bad_ending == Some(true),
            effect: f.end.map(|e| w.ending_effect(e)),
            order: row.order,
        };
        worst.offer(key, || row.to_summary());
        if f.empathy_after_peak == Some(false) {
            no_empathy_total += 1;
            no_empathy.offer(key, || row.to_summary());
        }
    }
    let mut worst: Vec<Shown> = worst
        .into_ranked()
        .into_iter()
        .map(|(key, summary)| Shown { summary, key, turns: Vec::new() })
        .collect();

    let mut from = vec![interactions.display_path().display().to_string()];
    if let Some(source) = turns {
        from.push(source.display_path().display().to_string());
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        for (i, s) in worst.iter().enumerate() {
            index.entry(s.summary.id.clone()).or_insert(i);
        }
        let mut reader = TurnReader::open(source)?;
        while let Some(t) = reader.next_row()? {
            if let Some(&i) = index.get(t.id().as_ref()) {
                worst[i].turns.push(t.to_turn());
            }
        }
    }
    Ok(Report {
        title: options.title.clone(),
        from,
        weights: w,
        glance,
        worst,
        no_empathy: no_empathy.into_ranked().into_iter().map(|(_, s)| s).collect(),
        no_empathy_total,
        has_agent,
        has_turns: turns.is_some(),
    })
}

/// Renders the page and writes it to `output` (`None` or `-`: standard
/// output).
pub fn write(report: &Report, output: Option<&Path>) -> Result<()> {
    sink::write(output, html::render(report).as_bytes())
}
