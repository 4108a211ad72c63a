//! The coach report: one self-contained HTML page of a batch.
//!
//! Quality coaches do not read CSVs; they open one page in the morning and
//! want to see which conversations ended badly, what each looked like and
//! why. The page shows the batch at a glance, then the interactions whose
//! ending hurt their memory most, each with its valence arc and the words
//! that drove it, its effort, whether it was resolved and its holds (see
//! the README, "Coach report"); given `peakend journey`'s output
//! ([`read_journeys`]), also the customers who failed again.
//!
//! A `Builder` takes the interactions one at a time, in input order, and
//! keeps fixed-size aggregates (`glance`) and two bounded heaps
//! (`rank::TopN`: the worst endings, and the worst of those without
//! empathy after the customer's worst moment), so memory is bounded by
//! `--top`, not by the batch. It is fed either by `score --report` with
//! the scored interactions as they are written (`Entry::new`: nothing is
//! staged on disk, and the explanation terms arrive as data), or by
//! `peakend report` from the two CSVs ([`build`]: the per-interaction CSV,
//! then the per-turn CSV for the kept ids only). Both see the values the
//! CSVs hold (figures rounded as written, the same capped term lists), so
//! both give the same page.
//!
//! The page is then rendered by `html` with charts from `svg` and the
//! scoring words found back in each turn by `terms`. Modules: `read`
//! (CSV rows), `rank`, `glance`, `terms`, `svg`, `html`.

pub(crate) mod glance;
pub(crate) mod html;
pub(crate) mod rank;
pub(crate) mod read;
pub(crate) mod svg;
pub(crate) mod terms;

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::engine::Scored;
use crate::error::Result;
use crate::input::Source;
use crate::number::rounded;
use crate::output::schema::{self, TermList, Value};
use crate::record::Interaction;
use glance::Glance;
pub use rank::Weights;
use rank::{RankKey, TopN};
use read::{
    Figures, InteractionReader, JourneyReader, JourneyRow, Pause, Summary, Timing,
    TurnReader, TurnRow, FACETS,
};
use terms::Term;

/// Interactions drawn in full by default (`--top`).
pub const DEFAULT_TOP: usize = 200;
/// The page title by default (`--title`).
pub const DEFAULT_TITLE: &str = "peakend report";
/// Effort from which a contact counts as hard: one repeat-contact cue
/// ("third time I'm calling") alone reaches it.
pub const HIGH_EFFORT: f64 = 0.4;

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
pub(crate) struct Shown {
    /// Its row of the per-interaction CSV.
    pub(crate) summary: Summary,
    /// Where it ranks.
    pub(crate) key: RankKey,
    /// Its turns, in the per-turn CSV's order (empty when not found).
    pub(crate) turns: Vec<TurnRow>,
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The page title.
    pub(crate) title: String,
    /// The files the data came from, for the page header.
    pub(crate) from: Vec<String>,
    /// The ranking weights.
    pub(crate) weights: Weights,
    /// Aggregates over every interaction.
    pub(crate) glance: Glance,
    /// The worst endings, best-ranked first, at most `top`.
    pub(crate) worst: Vec<Shown>,
    /// Interactions without empathy after the worst moment, worst first,
    /// at most `top`.
    pub(crate) no_empathy: Vec<Summary>,
    /// How many interactions had no empathy after the worst moment.
    pub(crate) no_empathy_total: u64,
    /// Unresolved or hard contacts: unresolved first, then by effort, at
    /// most `top`.
    pub(crate) hardest: Vec<Summary>,
    /// How many interactions were unresolved or hard.
    pub(crate) hardest_total: u64,
    /// Which [`FACETS`] (agent, queue, channel) the interactions have.
    pub(crate) facets: [bool; 3],
    /// A per-turn CSV was read.
    pub(crate) has_turns: bool,
    /// The journeys, when `--journeys` was given.
    pub(crate) journeys: Option<Journeys>,
}

/// What the page shows of `peakend journey`'s output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Journeys {
    /// The file it came from.
    pub(crate) from: String,
    /// The name of its customer column.
    pub(crate) customer: String,
    /// Customers read.
    pub(crate) customers: u64,
    /// Customers whose latest contact went wrong after an earlier one did.
    pub(crate) failed_again: u64,
    /// Customers with at least one repeat contact.
    pub(crate) repeat: u64,
    /// Customers who used more than one channel.
    pub(crate) multichannel: u64,
    /// Sum and count of the journeys' effort.
    pub(crate) effort: (f64, u64),
    /// The customers who failed again, worst remembered first, at most
    /// `top`.
    pub(crate) shown: Vec<JourneyRow>,
}

impl Report {
    /// Interactions counted in the page's figures (all of them).
    pub fn interactions(&self) -> u64 {
        self.glance.interactions
    }

    /// Interactions with a bad ending.
    pub fn bad_endings(&self) -> u64 {
        self.glance.bad_endings
    }

    /// Interactions drawn in full (at most [`Options::top`]).
    pub fn drawn(&self) -> usize {
        self.worst.len()
    }

    /// A per-turn CSV was read: the drawn interactions have arcs.
    pub fn has_turns(&self) -> bool {
        self.has_turns
    }

    /// The weights the interactions were ranked with.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Interactions whose `remembered` does not follow from
    /// [`Report::weights`]: scored with other weights.
    pub fn weight_mismatch(&self) -> u64 {
        self.glance.weight_mismatch
    }

    /// The journeys shown, when given: customers read and those who failed
    /// again.
    pub fn journeys(&self) -> Option<&Journeys> {
        self.journeys.as_ref()
    }

    /// Shows `journeys` (from [`read_journeys`]) on the page.
    pub fn set_journeys(&mut self, journeys: Journeys) {
        self.journeys = Some(journeys);
    }

    /// Drawn interactions that had no row in the per-turn CSV.
    pub fn missing_turns(&self) -> usize {
        if self.has_turns {
            self.worst.iter().filter(|w| w.turns.is_empty()).count()
        } else {
            0
        }
    }
}

impl Journeys {
    /// Customers read.
    pub fn customers(&self) -> u64 {
        self.customers
    }

    /// Customers whose latest contact went wrong after an earlier one did.
    pub fn failed_again(&self) -> u64 {
        self.failed_again
    }
}

/// Gathers what the page shows from interactions offered in input order.
pub(crate) struct Builder {
    options: Options,
    glance: Glance,
    worst: TopN<Shown>,
    no_empathy: TopN<Summary>,
    no_empathy_total: u64,
    hardest: TopN<Summary>,
    hardest_total: u64,
    seen: u64,
    facets: [bool; 3],
}

impl Builder {
    /// A builder for a page with `options`; the weights are checked.
    pub fn new(options: &Options) -> Result<Builder> {
        options.weights.validate()?;
        Ok(Builder {
            options: options.clone(),
            glance: Glance::default(),
            worst: TopN::new(options.top),
            no_empathy: TopN::new(options.top),
            no_empathy_total: 0,
            hardest: TopN::new(options.top),
            hardest_total: 0,
            seen: 0,
            facets: [false; 3],
        })
    }

    /// Counts the next interaction. `summary` and `turns` are called only
    /// when the page keeps it; `summary` gets the interaction's position.
    fn offer(
        &mut self,
        figures: &Figures,
        language: &str,
        end_emotion: &str,
        summary: impl Fn(u64) -> Summary,
        turns: impl FnOnce() -> Vec<TurnRow>,
    ) {
        let w = self.options.weights;
        let order = self.seen;
        self.seen += 1;
        self.glance.add(figures, language, end_emotion, &w);
        let key = RankKey {
            bad_ending: figures.bad_ending == Some(true),
            effect: figures.end.map(|e| w.ending_effect(e)),
            order,
        };
        self.worst.offer(key, || Shown { summary: summary(order), key, turns: turns() });
        if figures.empathy_after_peak == Some(false) {
            self.no_empathy_total += 1;
            self.no_empathy.offer(key, || summary(order));
        }
        let unresolved = figures.resolved == Some(false);
        if unresolved || figures.effort.is_some_and(|e| e >= HIGH_EFFORT) {
            self.hardest_total += 1;
            let key = RankKey {
                bad_ending: unresolved,
                effect: figures.effort.map(|e| -e),
                order,
            };
            self.hardest.offer(key, || summary(order));
        }
    }

    /// Shows the filters that the kept input columns `kept` (`score
    /// --keep`, by their input names) allow, as a page read from score's
    /// CSV would: a [`FACETS`] filter appears when its column is kept, even
    /// if every value is empty.
    pub fn with_kept(mut self, kept: &[String]) -> Builder {
        for (has, (_, aliases)) in self.facets.iter_mut().zip(FACETS) {
            *has |=
                kept.iter().any(|k| aliases.iter().any(|a| k.eq_ignore_ascii_case(a)));
        }
        self
    }

    /// Counts one interaction scored in this run.
    pub fn add(&mut self, entry: Entry) {
        let Entry { figures, summary, turns, facets } = entry;
        for (has, given) in self.facets.iter_mut().zip(facets) {
            *has |= given;
        }
        let (language, end_emotion) =
            (summary.language.clone(), summary.end_emotion.clone());
        let mut turns = Some(turns);
        self.offer(
            &figures,
            &language,
            &end_emotion,
            |order| Summary { order, ..summary.clone() },
            || turns.take().unwrap_or_default(),
        );
    }

    /// The page's content; `from` names the inputs, `has_turns` says
    /// whether turns were given.
    pub fn finish(self, from: Vec<String>, has_turns: bool) -> Report {
        let ranked =
            |top: TopN<Summary>| top.into_ranked().into_iter().map(|(_, s)| s).collect();
        Report {
            title: self.options.title,
            from,
            weights: self.options.weights,
            glance: self.glance,
            worst: self.worst.into_ranked().into_iter().map(|(_, s)| s).collect(),
            no_empathy: ranked(self.no_empathy),
            no_empathy_total: self.no_empathy_total,
            hardest: ranked(self.hardest),
            hardest_total: self.hardest_total,
            facets: self.facets,
            has_turns,
            journeys: None,
        }
    }
}

/// One scored interaction as the report sees it: the values of the
/// per-interaction and per-turn tables, read through [`schema`], with
/// figures rounded as the CSV writes them.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    figures: Figures,
    summary: Summary,
    turns: Vec<TurnRow>,
    facets: [bool; 3],
}

impl Entry {
    /// The entry of `ix`, scored as `scored`.
    pub fn new(ix: &Interaction, scored: &Scored) -> Entry {
        let row = schema::InteractionRow { ix, scored };
        let get = |name: &str| {
            schema::INTERACTION.iter().find(|c| c.name == name).map(|c| (c.value)(&row))
        };
        let figures = Figures {
            experienced: figure(get("experienced")),
            peak: figure(get("peak")),
            end: figure(get("end")),
            remembered: figure(get("remembered")),
            gap: figure(get("gap")),
            bad_ending: flag(get("bad_ending")),
            agent_valence: figure(get("agent_valence")),
            empathy_after_peak: flag(get("empathy_after_peak")),
            effort: figure(get("effort")),
            resolved: flag(get("resolved")),
            hold_ms: int(get("hold_ms")),
        };
        // The holds and silences as data, at their turns.
        let t = &scored.outcome.timing;
        let at = |hold: bool| {
            move |g: &crate::summary::moments::Hold| Pause {
                turn: ix.turns[g.before].turn,
                ms: g.ms,
                hold,
            }
        };
        let mut pauses: Vec<Pause> = t
            .holds
            .iter()
            .map(at(true))
            .chain(t.silences.iter().map(at(false)))
            .collect();
        pauses.sort_by_key(|p| (p.turn, !p.hold));
        let summary = Summary {
            id: text(get("interaction_id")),
            language: text(get("language")),
            facets: Default::default(),
            turns: int(get("turns")),
            customer_turns: int(get("customer_turns")),
            peak_turn: int(get("peak_turn")),
            end_turn: int(get("end_turn")),
            figures,
            peak_terms: term_list(get("peak_terms")),
            peak_is_hold: !scored.outcome.peak_hold.is_empty(),
            end_terms: term_list(get("end_terms")),
            emotion: text(get("emotion")),
            peak_emotion: text(get("peak_emotion")),
            end_emotion: text(get("end_emotion")),
            effort_terms: terms::parse(&text(get("effort_terms"))),
            resolution_terms: terms::parse(&text(get("resolution_terms"))),
            timing: Timing {
                longest_silence_ms: int(get("longest_silence_ms")),
                interruptions: int(get("interruptions")),
                agent_talk_share: figure(get("agent_talk_share")),
                first_response_ms: int(get("first_response_ms")),
            },
            pauses,
            line: 0,
            order: 0,
        };
        let turns = ix
            .turns
            .iter()
            .zip(&scored.turns)
            .enumerate()
            .map(|(i, (turn, score))| {
                let language = scored.turn_language(i);
                let row = schema::TurnRow { id: &ix.id, turn, score, language };
                let get = |name: &str| {
                    schema::TURN.iter().find(|c| c.name == name).map(|c| (c.value)(&row))
                };
                TurnRow {
                    turn: turn.turn,
                    speaker: turn.speaker,
                    valence: figure(get("valence")).unwrap_or(0.0),
                    emotion: text(get("emotion")),
                    terms: term_list(get("terms")),
                    text: turn.text.clone(),
                    start_ms: turn.start_ms,
                    end_ms: turn.end_ms,
                }
            })
            .collect();
        Entry { figures, summary, turns, facets: [false; 3] }
    }

    /// The entry with the interaction's extra columns (those `--keep`
    /// carries to the per-interaction output), as (name, value): the ones
    /// the page filters by ([`FACETS`]: agent, queue, channel, by the same
    /// header names as a CSV) are taken, the rest ignored.
    pub fn with_columns<N: AsRef<str>, V: AsRef<str>>(
        mut self,
        columns: impl IntoIterator<Item = (N, V)>,
    ) -> Entry {
        for (name, value) in columns {
            let name = name.as_ref().trim().to_lowercase();
            if let Some(k) =
                FACETS.iter().position(|(_, aliases)| aliases.contains(&&*name))
            {
                if !self.facets[k] {
                    self.facets[k] = true;
                    self.summary.facets[k] = value.as_ref().trim().to_string();
                }
            }
        }
        self
    }
}

fn figure(v: Option<Value<'_>>) -> Option<f64> {
    match v {
        Some(Value::Figure(v)) => v.map(|v| rounded(v, 4)),
        _ => None,
    }
}

fn int(v: Option<Value<'_>>) -> Option<i64> {
    match v {
        Some(Value::Int(v)) => v,
        _ => None,
    }
}

fn flag(v: Option<Value<'_>>) -> Option<bool> {
    match v {
        Some(Value::Flag(v)) => v,
        _ => None,
    }
}

fn text(v: Option<Value<'_>>) -> String {
    match v {
        Some(Value::Text(t) | Value::Name(t)) => t.trim().to_string(),
        _ => String::new(),
    }
}

/// The terms a CSV cell would show, as data.
fn term_list(v: Option<Value<'_>>) -> Vec<Term> {
    // A hold that is the peak is one term written as text (`hold:11m00s:-0.89`).
    if let Some(Value::Text(t)) = v {
        return terms::parse(t);
    }
    let Some(Value::Terms(list)) = v else { return Vec::new() };
    let list: TermList<'_> = list;
    let (kept, _) = crate::output::shown_terms(list, &mut Vec::new());
    kept.map(|(score, t)| Term {
        word: crate::output::cell_label(score.label(t)).trim().to_string(),
        contribution: rounded(t.contribution, 2),
        position: Some(t.position),
    })
    .collect()
}

/// Reads the per-interaction CSV and, when given, the per-turn CSV (only
/// once the first has ended, so both may come from one pipe's producer),
/// and gathers what the page shows. At most one of them may be standard
/// input.
pub fn build(
    interactions: &Source,
    turns: Option<&Source>,
    options: &Options,
) -> Result<Report> {
    let mut builder = Builder::new(options)?;
    let mut reader = InteractionReader::open(interactions)?;
    builder.facets = reader.facets();
    while let Some(row) = reader.next_row()? {
        let summary = |order| Summary { order, ..row.to_summary() };
        builder.offer(
            &row.figures,
            &row.language(),
            &row.end_emotion(),
            summary,
            Vec::new,
        );
    }
    let mut from = vec![interactions.display_path().display().to_string()];
    if let Some(source) = turns {
        from.push(source.display_path().display().to_string());
    }
    let mut report = builder.finish(from, turns.is_some());
    if let Some(source) = turns {
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        for (i, s) in report.worst.iter().enumerate() {
            index.entry(s.summary.id.clone()).or_insert(i);
        }
        let mut reader = TurnReader::open(source)?;
        while let Some(t) = reader.next_row()? {
            if let Some(&i) = index.get(t.id().as_ref()) {
                report.worst[i].turns.push(t.to_turn());
            }
        }
    }
    Ok(report)
}

/// Reads the journey CSV of `peakend journey` into what the page shows:
/// figures over every customer, and the `top` customers who failed again,
/// worst remembered first.
pub fn read_journeys(source: &Source, top: usize) -> Result<Journeys> {
    let mut reader = JourneyReader::open(source)?;
    let mut j = Journeys {
        from: source.display_path().display().to_string(),
        customer: reader.customer().to_string(),
        ..Journeys::default()
    };
    let mut shown = TopN::new(top);
    while let Some(row) = reader.next_row()? {
        j.customers += 1;
        j.repeat += u64::from(row.repeat_contacts.is_some_and(|n| n > 0));
        j.multichannel += u64::from(row.channels.split('|').count() > 1);
        if let Some(e) = row.effort {
            j.effort.0 += e;
            j.effort.1 += 1;
        }
        if row.failed_again {
            j.failed_again += 1;
            let key =
                RankKey { bad_ending: true, effect: row.remembered, order: j.customers };
            shown.offer(key, || row);
        }
    }
    j.shown = shown.into_ranked().into_iter().map(|(_, r)| r).collect();
    Ok(j)
}

/// Renders the page and writes it to `output` (`None` or `-`: standard
/// output).
pub fn write(report: &Report, output: Option<&Path>) -> Result<()> {
    let mut file = crate::output::atomic::AtomicFile::create(output)?;
    file.write_all_named(html::render(report).as_bytes())?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Speaker, Turn};
    use crate::summary::moments::Hold;

    fn turn(turn: i64, speaker: Speaker, start: i64) -> Turn {
        Turn {
            turn,
            speaker,
            text: String::new(),
            start_ms: Some(start),
            end_ms: Some(start + 1_000),
            line: 0,
            platform_sentiment: None,
        }
    }

    #[test]
    fn entries_carry_holds_as_data_and_take_the_columns_they_filter_by() {
        // Numbered 10, 20, ...: the pauses are at the turns' numbers.
        let ix = Interaction {
            id: "h-1".into(),
            language: None,
            turns: vec![
                turn(10, Speaker::Customer, 0),
                turn(20, Speaker::Agent, 1_000),
                turn(30, Speaker::Agent, 182_000),
                turn(40, Speaker::Customer, 198_000),
            ],
            ..Default::default()
        };
        let mut scored =
            Scored { turns: vec![Default::default(); 4], ..Scored::default() };
        let t = &mut scored.outcome.timing;
        t.holds = vec![Hold { before: 2, ms: 180_000 }];
        t.silences = vec![Hold { before: 3, ms: 15_000 }];
        t.hold_ms = Some(180_000);
        let e = Entry::new(&ix, &scored).with_columns([
            ("Queue", " billing "),
            ("agent_id", "Priya|Sam"),
            ("customer_id", "C-1"),
            ("queue", "ignored: the first one counts"),
        ]);
        assert_eq!(
            e.summary.pauses,
            [
                Pause { turn: 30, ms: 180_000, hold: true },
                Pause { turn: 40, ms: 15_000, hold: false }
            ]
        );
        assert_eq!(e.figures.hold_ms, Some(180_000));
        assert_eq!(e.facets, [true, true, false]);
        assert_eq!(
            e.summary.facets,
            ["Priya|Sam".to_string(), "billing".into(), String::new()]
        );
        assert_eq!(e.turns[2].start_ms, Some(182_000));
        let mut b = Builder::new(&Options::default()).unwrap();
        b.add(e);
        b.add(Entry::new(&ix, &scored));
        let r = b.finish(Vec::new(), true);
        assert_eq!(
            r.facets,
            [true, true, false],
            "a filter when any entry has the column"
        );
        assert_eq!((r.glance.timed, r.glance.held), (2, 2));
        // Kept columns named up front give their filters, values or not.
        let kept = ["MEDIA_TYPE".to_string(), "customer_id".into()];
        let b = Builder::new(&Options::default()).unwrap().with_kept(&kept);
        assert_eq!(b.finish(Vec::new(), false).facets, [false, false, true]);
    }
}
