//! The page: one self-contained HTML file.
//!
//! Self-contained because coaches get it as a mail attachment or open it
//! from a shared drive, often offline: the CSS and the small script are
//! inline, the charts are inline SVG drawn by [`super::svg`], fonts are the
//! system's, and nothing refers to a URL. Everything a coach needs is in the
//! markup itself: the ranking is the order of the cards, every arc is in
//! the DOM, and each turn's text (with the words that drove its score
//! marked) sits in a collapsible transcript; the script only adds hover
//! tooltips (it copies that transcript entry), filters and the id search.
//!
//! The markup is a maud template (`html!`): every value spliced into it is
//! HTML-escaped unless it is marked `PreEscaped` (the inline CSS, script,
//! legend and the SVG, which escapes its own text), and the page's
//! structure is checked when the crate compiles.
//!
//! The output is deterministic (no dates, no random ids), so the same CSVs
//! give the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write;

use rustc_hash::FxHashMap;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::glance::Tally;
use super::read::{JourneyRow, Pause, Summary, TurnRow, FACETS};
use super::svg::{self, ArcGeometry, Frame};
use super::terms::{self, Term};
use super::{Journeys, Report, Shown, HIGH_EFFORT};
use crate::record::Speaker;
use crate::summary::moments::push_duration;

/// HTML-escapes text for element content and quoted attributes, as the
/// page's template does (for the SVG, drawn as text by [`super::svg`]).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let _ = maud::Escaper::new(&mut out).write_str(s);
    out
}

/// A figure for people: two decimals, a sign, and a true minus sign.
pub fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    if s == "-0.00" || s == "0.00" {
        "0.00".to_string()
    } else if let Some(rest) = s.strip_prefix('-') {
        format!("\u{2212}{rest}")
    } else {
        format!("+{s}")
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "\u{2014}".to_string(), num)
}

/// A figure in [0, 1] (effort), two decimals without a sign.
fn plain(v: Option<f64>) -> String {
    v.map_or_else(|| "\u{2014}".to_string(), |v| format!("{v:.2}"))
}

/// A length: `45s`, `4m10s`, `1h02m`.
fn duration(ms: i64) -> String {
    let mut s = String::new();
    push_duration(&mut s, ms);
    s
}

/// `yes` / `no` / `unknown`, the card's `data-resolved`.
fn resolved_key(r: Option<bool>) -> &'static str {
    match r {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

/// Effort at least [`HIGH_EFFORT`].
fn hard(effort: Option<f64>) -> bool {
    effort.is_some_and(|e| e >= HIGH_EFFORT)
}

/// The interaction has effort or resolution figures (a CSV of an older
/// version has neither).
fn has_outcome(s: &Summary) -> bool {
    s.figures.effort.is_some() || s.figures.resolved.is_some()
}

/// The card rank of each drawn interaction id, for links.
fn ranks(r: &Report) -> FxHashMap<&str, usize> {
    let mut m = FxHashMap::default();
    for (i, w) in r.worst.iter().enumerate() {
        m.entry(w.summary.id.as_str()).or_insert(i + 1);
    }
    m
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "\u{2014}".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Thousands separated by a thin space: 100000 → "100 000".
fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// Customer emotions a coach reads as bad news, for colours.
const NEGATIVE_EMOTIONS: &[&str] =
    &["anger", "frustration", "disappointment", "anxiety", "confusion"];
const POSITIVE_EMOTIONS: &[&str] = &["happiness", "gratitude", "empathy", "apology"];

fn emotion_tone(e: &str) -> &'static str {
    if NEGATIVE_EMOTIONS.contains(&e) {
        "neg"
    } else if POSITIVE_EMOTIONS.contains(&e) {
        "pos"
    } else {
        "neu"
    }
}

/// `yes` / `no` / `none`, the card's `data-empathy`.
fn empathy_key(e: Option<bool>) -> &'static str {
    match e {
        Some(true) => "yes",
        Some(false) => "no",
        None => "none",
    }
}

/// The agent-tone band of `agent_valence`, the card's `data-tone`.
fn agent_tone(v: Option<f64>) -> &'static str {
    v.map_or("none", svg::tone)
}

/// Inline SVG drawn by [`super::svg`] (which escapes its own text).
fn svg(draw: impl FnOnce(&mut String)) -> PreEscaped<String> {
    let mut out = String::new();
    draw(&mut out);
    PreEscaped(out)
}

/// The tone class of a signed number: `neg`, `pos` or `neu`.
fn sign_tone(v: f64) -> &'static str {
    if v < 0.0 {
        "neg"
    } else if v > 0.0 {
        "pos"
    } else {
        "neu"
    }
}

/// Renders the whole page.
pub fn render(r: &Report) -> String {
    let g = &r.glance;
    let version = env!("CARGO_PKG_VERSION");
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "peakend " (version) };
                title { (r.title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header.top {
                    h1 { (r.title) }
                    p.sub {
                        (count(g.interactions)) " interactions from "
                        @for (i, f) in r.from.iter().enumerate() {
                            @if i > 0 { " and " }
                            code { (f) }
                        }
                        " \u{b7} peak weight " (r.weights.peak) ", end weight " (r.weights.end)
                        " \u{b7} worst endings first"
                    }
                }
                main {
                    (glance(r))
                    @if let Some(j) = &r.journeys {
                        (journeys(r, j))
                    }
                    (worst(r))
                }
                footer {
                    "Made by peakend " (version) " from the CSVs of " code { "peakend score" } ". \
                     Valence runs from \u{2212}1 (most negative) to +1 (most positive); turns \
                     between \u{2212}0.05 and +0.05 count as neutral."
                }
                div #tip role="tooltip" hidden {}
                script { (PreEscaped(JS)) }
            }
        }
    };
    page.into_string()
}

fn kpi(value: &str, label: &str, note: Markup, class: &str) -> Markup {
    html! {
        div class={ "kpi " (class) } {
            div.v { (value) }
            div.l { (label) }
            div.n { (note) }
        }
    }
}

fn glance(r: &Report) -> Markup {
    let g = &r.glance;
    let negative_moment = g.empathy[0] + g.empathy[1];
    let langs: Vec<String> =
        g.languages.ranked().iter().map(|(l, n)| format!("{l} {}", count(*n))).collect();
    let known = g.resolved[0] + g.resolved[1];
    html! {
        section #glance {
            h2 { "The batch at a glance" }
            div.kpis {
                (kpi(&count(g.interactions), "interactions",
                     html! { (count(g.scored)) " with a customer turn" }, ""))
                (kpi(&pct(g.bad_endings, g.scored), "bad endings",
                     html! { (count(g.bad_endings)) " of " (count(g.scored)) }, "neg"))
                (kpi(&pct(g.remembered_worse, g.scored), "remembered worse than it went",
                     html! { (count(g.remembered_worse)) " with gap < 0" }, ""))
                (kpi(&opt(g.mean_remembered()), "mean remembered",
                     html! { "mean experienced " (opt(g.mean_experienced())) }, ""))
                (kpi(&pct(g.empathy[1], negative_moment), "no empathy after the worst moment",
                     html! { (count(g.empathy[1])) " of " (count(negative_moment)) " with a negative moment" },
                     "warn"))
                @if known > 0 {
                    (kpi(&pct(g.resolved[0], known), "resolved",
                         html! { (count(g.resolved[1])) " unresolved \u{b7} "
                                 (count(g.interactions - known)) " without evidence" }, ""))
                }
                @if g.effort.1 > 0 {
                    (kpi(&plain(g.mean_effort()), "mean effort",
                         html! { (count(g.high_effort)) " hard (effort \u{2265} " (HIGH_EFFORT) ")" },
                         if g.mean_effort().is_some_and(|e| e >= HIGH_EFFORT) { "warn" } else { "" }))
                }
                @if g.timed > 0 {
                    (kpi(&pct(g.held, g.timed), "put on hold",
                         html! { (count(g.held)) " of " (count(g.timed)) " with timestamps" }, ""))
                }
            }
            div.charts {
                figure.chart {
                    figcaption { b { "Remembered" } " score, per interaction" }
                    (svg(|out| svg::write_histogram(out, &g.remembered, "remembered", "Histogram of remembered scores")))
                    p.axis-note { "\u{2190} remembered badly \u{b7} remembered well \u{2192}" }
                }
                figure.chart {
                    figcaption { b { "Gap" } " = remembered \u{2212} experienced" }
                    (svg(|out| svg::write_histogram(out, &g.gap, "gap", "Histogram of gaps between remembered and experienced")))
                    p.axis-note { "\u{2190} remembered worse than it went \u{b7} better \u{2192}" }
                }
                figure.chart {
                    figcaption { b { "Emotion at the end" } " (" code { "end_emotion" } ")" }
                    (tally(&g.end_emotions))
                    p.axis-note { "Languages: " (langs.join(" \u{b7} ")) }
                }
            }
            (no_empathy(r))
            @if known > 0 || g.effort.1 > 0 {
                (hardest(r))
            }
            @if g.weight_mismatch > 0 {
                p.warning {
                    (count(g.weight_mismatch)) " interactions have a " code { "remembered" }
                    " that peak weight " (r.weights.peak) " and end weight " (r.weights.end)
                    " do not give: the CSV was scored with other weights, so the ending effects \
                     below are approximate. Give " code { "peakend report" } " the same "
                    code { "--peak-weight" } " and " code { "--end-weight" } " as "
                    code { "peakend score" } "."
                }
            }
        }
    }
}

fn tally(t: &Tally) -> Markup {
    let ranked = t.ranked();
    let total = t.total();
    let max = ranked.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    html! {
        table.tally {
            @if ranked.is_empty() {
                tr { td { "no interaction with an end" } }
            }
            @for (label, n) in &ranked {
                tr {
                    th { (label) }
                    td.barcell {
                        span class={ "hbar " (emotion_tone(label)) }
                            style=(format!("width:{:.1}%", *n as f64 * 100.0 / max as f64)) {}
                    }
                    td.num { (count(*n)) }
                    td."num dim" { (pct(*n, total)) }
                }
            }
        }
    }
}

/// A bounded list under the glance: its title with the total, how it is
/// ranked, and its table (or "None in this batch.").
struct Listing<'a> {
    class: &'a str,
    title: &'a str,
    total: u64,
    how: Markup,
    head: &'a [&'a str],
    rows: Vec<Markup>,
}

fn listing(l: Listing<'_>) -> Markup {
    html! {
        div class=(l.class) {
            h3 { (l.title) " " span.count { (count(l.total)) } }
            p.how {
                (l.how)
                @if l.total > l.rows.len() as u64 {
                    "; the first " (l.rows.len()) " are listed"
                }
                "."
            }
            @if l.rows.is_empty() {
                p.dim { "None in this batch." }
            } @else {
                div.scroll {
                    table.list {
                        thead {
                            tr {
                                @for h in l.head {
                                    th class=[h.strip_prefix('#').map(|_| "num")] {
                                        (h.trim_start_matches('#'))
                                    }
                                }
                            }
                        }
                        tbody { @for row in &l.rows { (row) } }
                    }
                }
            }
        }
    }
}

fn no_empathy(r: &Report) -> Markup {
    listing(Listing {
        class: "noemp",
        title: "No empathy after the customer\u{2019}s worst moment",
        total: r.no_empathy_total,
        how: html! {
            "The agent\u{2019}s next turn after the customer\u{2019}s most negative turn \
             showed neither empathy nor apology (" code { "empathy_after_peak = false" }
            "). Worst endings first"
        },
        head: &[
            "rank",
            "interaction",
            "language",
            "peak",
            "#end",
            "#remembered",
            "ended",
            "words at the peak",
        ],
        rows: r.no_empathy.iter().map(|s| no_empathy_row(r, s)).collect(),
    })
}

fn hardest(r: &Report) -> Markup {
    let row = |s: &Summary| {
        html! {
            tr {
                td { (rank_link(r, s)) }
                td { code { (s.id) } }
                td { (resolved_text(s.figures.resolved)) }
                td class={ "num" @if hard(s.figures.effort) { " warn" } } {
                    (plain(s.figures.effort))
                }
                td { (effort_chips(&s.effort_terms)) }
                td { (resolution_chips(&s.resolution_terms)) }
            }
        }
    };
    listing(Listing {
        class: "noemp hard",
        title: "Unresolved or hard for the customer",
        total: r.hardest_total,
        how: html! {
            "Contacts not resolved (" code { "resolved = false" } ") first, then those with "
            code { "effort" } " \u{2265} " (HIGH_EFFORT) ", highest effort first"
        },
        head: &[
            "rank",
            "interaction",
            "resolved",
            "#effort",
            "what made it hard",
            "evidence of the outcome",
        ],
        rows: r.hardest.iter().map(row).collect(),
    })
}

/// `#N` linking to the interaction's card, or a dash when it is not drawn.
fn rank_link(r: &Report, s: &Summary) -> Markup {
    let rank = r.worst.iter().position(|w| w.summary.order == s.order);
    html! {
        @if let Some(i) = rank {
            a href={ "#r" (i + 1) } { "#" (i + 1) }
        } @else {
            "\u{2014}"
        }
    }
}

fn resolved_text(r: Option<bool>) -> &'static str {
    match r {
        Some(true) => "resolved",
        Some(false) => "not resolved",
        None => "no evidence",
    }
}

/// Effort evidence as chips: `hold 4m10s 0.28`.
fn effort_chips(all: &[Term]) -> Markup {
    html! {
        @for t in all {
            span.term.neu { (t.word.replace([':', '_'], " ")) small { (format!("{:.2}", t.contribution)) } }
        }
        @if all.is_empty() { span.dim { "\u{2014}" } }
    }
}

/// Resolution evidence as chips, for or against.
fn resolution_chips(all: &[Term]) -> Markup {
    html! {
        @for t in all {
            span class={ "term " (sign_tone(t.contribution)) }
                title=(if t.contribution > 0.0 { "says it was resolved" } else { "says it was not" }) {
                (t.word) small { (if t.contribution > 0.0 { "\u{2713}" } else { "\u{2717}" }) }
            }
        }
        @if all.is_empty() { span.dim { "\u{2014}" } }
    }
}

fn journeys(r: &Report, j: &Journeys) -> Markup {
    let ranks = ranks(r);
    let mean_effort = (j.effort.1 > 0).then(|| j.effort.0 / j.effort.1 as f64);
    html! {
        section #journeys {
            h2 { "Journeys: customers who failed again" }
            p.how {
                "From " code { (j.from) } " (" code { "peakend journey" } "): a customer "
                b { "failed again" } " when their latest contact went wrong (a bad ending, or not \
                 resolved) after an earlier one did. Their contacts link to the cards below when \
                 drawn. Worst remembered journey first"
                @if j.failed_again > j.shown.len() as u64 {
                    "; the worst " (j.shown.len()) " are listed"
                }
                "."
            }
            div.kpis {
                (kpi(&count(j.customers), "customers", html! { "in " (j.customer) }, ""))
                (kpi(&pct(j.failed_again, j.customers), "failed again",
                     html! { (count(j.failed_again)) " of " (count(j.customers)) }, "neg"))
                (kpi(&pct(j.repeat, j.customers), "came back within the repeat window",
                     html! { (count(j.repeat)) " with a repeat contact" }, ""))
                (kpi(&pct(j.multichannel, j.customers), "used several channels",
                     html! { (count(j.multichannel)) " customers" }, ""))
                (kpi(&plain(mean_effort), "mean journey effort",
                     html! { "contacts' effort and repeats, combined" }, ""))
            }
            @if j.shown.is_empty() {
                p.dim { "No customer failed again." }
            } @else {
                div.scroll.journeys {
                    table.list {
                        thead {
                            tr {
                                th { (j.customer) } th.num { "contacts" } th { "channels" }
                                th.num { "repeats" } th.num { "remembered" } th.num { "effort" }
                                th { "latest resolved" } th { "contacts that went wrong" }
                                th { "last contact" }
                            }
                        }
                        tbody {
                            @for row in &j.shown {
                                (journey_row(row, &ranks))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn journey_row(row: &JourneyRow, ranks: &FxHashMap<&str, usize>) -> Markup {
    let int =
        |v: Option<i64>| v.map_or_else(|| "\u{2014}".to_string(), |n| n.to_string());
    html! {
        tr data-customer=(row.customer) {
            td { code { (row.customer) } }
            td.num { (int(row.contacts)) }
            td { (row.channels.replace('|', " \u{2192} ")) }
            td.num { (int(row.repeat_contacts)) }
            td class={ "num " (row.remembered.map_or("", svg::tone)) } { (opt(row.remembered)) }
            td class={ "num" @if hard(row.effort) { " warn" } } { (plain(row.effort)) }
            td { (resolved_text(row.resolved)) }
            td {
                @for (k, id) in row.failed_again_contacts.iter().enumerate() {
                    @if k > 0 { " \u{2192} " }
                    @if let Some(rank) = ranks.get(id.as_str()) {
                        a href={ "#r" (rank) } title={ "card #" (rank) } { code { (id) } }
                    } @else {
                        code { (id) } small.dim { " (not drawn)" }
                    }
                }
            }
            td { (row.last_contact) }
        }
    }
}

fn no_empathy_row(r: &Report, s: &Summary) -> Markup {
    let f = &s.figures;
    html! {
        tr {
            td { (rank_link(r, s)) }
            td { code { (s.id) } }
            td { (s.language) }
            td {
                @if let Some(t) = s.peak_turn { "turn " (t) ", " }
                (s.peak_emotion)
            }
            td class={ "num " (f.end.map_or("", svg::tone)) } { (opt(f.end)) }
            td class={ "num " (f.remembered.map_or("", svg::tone)) } { (opt(f.remembered)) }
            td { (s.end_emotion) }
            td { (chips(&s.peak_terms, 4)) }
        }
    }
}

/// Term chips, at most `max` (0: all).
fn chips(all: &[Term], max: usize) -> Markup {
    let n = if max == 0 { all.len() } else { all.len().min(max) };
    html! {
        @for t in &all[..n] {
            span class={ "term " (sign_tone(t.contribution)) } {
                (t.word.strip_prefix("hold:").map_or_else(|| t.word.clone(), |l| format!("hold {l}")))
                small { (num(t.contribution)) }
            }
        }
        @if all.len() > n {
            span.more { "+" (all.len() - n) }
        }
        @if all.is_empty() {
            span.dim { "\u{2014}" }
        }
    }
}

/// A select of fixed choices, (value, text), after "all".
fn choice(name: &str, label: &str, choices: &[(&str, &str)]) -> Markup {
    html! {
        label {
            (label)
            select name=(name) {
                option value="" { "all" }
                @for (value, text) in choices {
                    option value=(value) { (text) }
                }
            }
        }
    }
}

/// The select of one of the [`FACETS`]: `class="facet"` makes the script
/// filter the cards' `data-{name}` by it.
fn facet_options(name: &str, values: &BTreeSet<String>) -> Markup {
    let mut label = name.to_string();
    label[..1].make_ascii_uppercase();
    options(name, &label, values, "all", Some("facet"))
}

fn options(
    name: &str,
    label: &str,
    values: &BTreeSet<String>,
    all: &str,
    class: Option<&str>,
) -> Markup {
    html! {
        label {
            (label)
            select name=(name) class=[class] {
                option value="" { (all) }
                @for v in values {
                    option value=(v) { (v) }
                }
            }
        }
    }
}

fn worst(r: &Report) -> Markup {
    let total = r.glance.interactions;
    // Filters, from the values present among the cards.
    let mut langs = BTreeSet::new();
    let mut emotions = BTreeSet::new();
    let mut facets: [BTreeSet<String>; 3] = Default::default();
    for w in &r.worst {
        let s = &w.summary;
        if !s.language.is_empty() {
            langs.insert(s.language.clone());
        }
        if !s.emotion.is_empty() {
            emotions.insert(s.emotion.clone());
        }
        for (values, v) in facets.iter_mut().zip(&s.facets) {
            for a in v.split('|').map(str::trim).filter(|a| !a.is_empty()) {
                values.insert(a.to_string());
            }
        }
    }
    let outcome = r.worst.iter().any(|w| has_outcome(&w.summary));
    html! {
        section #worst {
            h2 { "Worst endings first" }
            p.how {
                "Ranked by what the ending did to how the call will be remembered: interactions \
                 with a " b { "bad ending" } " first, then by " b { "ending effect" }
                " = ew\u{b7}end / (pw + ew), how far the ending moved " i { "remembered" }
                " from what a neutral ending (end = 0) would have given (pw = " (r.weights.peak)
                ", ew = " (r.weights.end) "), most negative first; ties keep the input order. "
                @if total > r.worst.len() as u64 {
                    "The worst " (r.worst.len()) " of " (count(total)) " interactions are drawn \
                     below (" code { "--top" } "); the others count in the figures above."
                } @else {
                    "All " (r.worst.len()) " interactions are drawn below."
                }
            }
            (PreEscaped(LEGEND))
            form #filters.filters autocomplete="off" {
                label.search {
                    "Interaction id"
                    input type="search" name="q" placeholder="search, e.g. cc-0042";
                }
                (options("lang", "Language", &langs, "all", None))
                (options("emotion", "Dominant emotion", &emotions, "all", None))
                @for (k, (name, _)) in FACETS.iter().enumerate() {
                    @if r.facets[k] {
                        (facet_options(name, &facets[k]))
                    }
                }
                (choice("empathy", "Empathy after worst moment", &[
                    ("no", "no empathy"), ("yes", "showed empathy"), ("none", "no negative moment"),
                ]))
                (choice("tone", "Agent tone", &[
                    ("neg", "negative"), ("neu", "neutral"), ("pos", "positive"),
                ]))
                @if outcome {
                    (choice("resolved", "Resolved", &[
                        ("no", "not resolved"), ("yes", "resolved"), ("unknown", "no evidence"),
                    ]))
                }
                label.check { input type="checkbox" name="bad"; " bad endings only" }
                @if outcome {
                    label.check { input type="checkbox" name="hard"; " hard contacts only (effort \u{2265} " (HIGH_EFFORT) ")" }
                }
            }
            @if !r.facets[0] {
                p."dim small" {
                    "The per-interaction CSV has no agent column, so interactions are filtered \
                     by what the agent did instead: empathy after the customer\u{2019}s worst \
                     moment and the agent\u{2019}s tone (mean valence of the agent\u{2019}s turns)."
                }
            }
            p #shown.shown aria-live="polite" { (r.worst.len()) " interactions drawn" }
            ol.cards {
                @for (i, w) in r.worst.iter().enumerate() {
                    (card(r, i + 1, w))
                }
            }
            p #none.dim hidden {
                "No interaction among those drawn matches. Only the worst " (r.worst.len())
                " of " (count(total)) " interactions are in this page; run "
                code { "peakend report --top N" } " for more."
            }
        }
    }
}

/// One sentence on why the card is where it is.
fn why(s: &Summary, effect: Option<f64>) -> Markup {
    let f = &s.figures;
    if f.remembered.is_none() {
        return html! { "No customer turn: nothing to remember." };
    }
    let ended = html! {
        @match (f.end, s.end_emotion.as_str()) {
            (Some(e), "") | (Some(e), "neutral") => { "ended at " (num(e)) }
            (Some(e), emotion) => { "ended at " (num(e)) " in " (emotion) }
            (None, _) => { "has no end" }
        }
    };
    html! {
        @if f.bad_ending == Some(true) {
            b { "Bad ending" } ": the customer " (ended)
        } @else {
            "The customer " (ended)
        }
        @if let Some(e) = effect {
            "; the ending "
            (if e < 0.0 { "pulled" } else if e > 0.0 { "lifted" } else { "left" })
            " the remembered score"
            @if e != 0.0 { " by " (format!("{:.2}", e.abs())) }
            " (remembered " (opt(f.remembered)) " vs experienced " (opt(f.experienced)) ")"
        }
        "."
        @match f.empathy_after_peak {
            Some(false) => {
                " " b { "No empathy" } " from the agent after the customer\u{2019}s worst moment."
            }
            Some(true) => { " The agent showed empathy after the customer\u{2019}s worst moment." }
            None => {}
        }
        (pauses_said(s))
        (outcome_said(s))
    }
}

/// How many holds or silences the explanation names, longest first.
const PAUSES_NAMED: usize = 3;

/// The holds and long silences in words: where, how long, and whether one
/// is the peak.
fn pauses_said(s: &Summary) -> Markup {
    let mut named: Vec<&Pause> = s.pauses.iter().collect();
    named.sort_by_key(|p| (!p.hold, std::cmp::Reverse(p.ms), p.turn));
    let more = named.len().saturating_sub(PAUSES_NAMED);
    named.truncate(PAUSES_NAMED);
    named.sort_by_key(|p| p.turn);
    html! {
        @for p in &named {
            @if p.hold {
                " " b { "On hold " (duration(p.ms)) } " before turn " (p.turn)
                @if s.peak_is_hold && s.peak_turn == Some(p.turn) {
                    ": the customer\u{2019}s most intense moment"
                }
                "."
            } @else {
                " A silence of " (duration(p.ms)) " before turn " (p.turn) "."
            }
        }
        @if more > 0 {
            " " (more) " more on the arc."
        }
    }
}

/// Resolution and effort in words.
fn outcome_said(s: &Summary) -> Markup {
    let f = &s.figures;
    let against = s.resolution_terms.iter().rev().find(|t| t.contribution < 0.0);
    let hardest =
        s.effort_terms.iter().max_by(|a, b| a.contribution.total_cmp(&b.contribution));
    html! {
        @match f.resolved {
            Some(false) => {
                " " b { "Not resolved" }
                @if let Some(t) = against { " (\u{201c}" (t.word) "\u{201d})" }
                "."
            }
            Some(true) => { " Resolved." }
            None => {}
        }
        @if hard(f.effort) {
            " " b { "Hard for the customer" } ": effort " (plain(f.effort))
            @if let Some(t) = hardest { ", mostly " (t.word.replace([':', '_'], " ")) }
            "."
        }
    }
}

fn card(r: &Report, rank: usize, w: &Shown) -> Markup {
    let s = &w.summary;
    let f = &s.figures;
    let key = format!("r{rank}");
    let effect = f.end.map(|e| r.weights.ending_effect(e));
    let bad = f.bad_ending == Some(true);
    let turn_note =
        |t: Option<i64>| html! { @if let Some(t) = t { " " small { "turn " (t) } } };
    let figs = [
        ("experienced", f.experienced, html! {}),
        ("remembered", f.remembered, html! {}),
        ("gap", f.gap, html! {}),
        ("peak", f.peak, turn_note(s.peak_turn)),
        ("end", f.end, turn_note(s.end_turn)),
        ("agent tone", f.agent_valence, html! {}),
    ];
    html! {
        li class={ "card" @if bad { " bad" } } id=(key) data-rank=(rank) data-id=(s.id)
            data-lang=(s.language) data-emotion=(s.emotion)
            data-agent=[r.facets[0].then_some(&s.facets[0])]
            data-queue=[r.facets[1].then_some(&s.facets[1])]
            data-channel=[r.facets[2].then_some(&s.facets[2])]
            data-empathy=(empathy_key(f.empathy_after_peak))
            data-tone=(agent_tone(f.agent_valence)) data-bad=(u8::from(bad))
            data-resolved=(resolved_key(f.resolved)) data-hard=(u8::from(hard(f.effort))) {
            header {
                span.rank { "#" (rank) }
                h3 { (s.id) }
                @if bad { span."chip bad" { "bad ending" } }
                @if !s.language.is_empty() { span.chip { (s.language) } }
                @if !s.emotion.is_empty() {
                    span class={ "chip " (emotion_tone(&s.emotion)) } { "felt " (s.emotion) }
                }
                @if !s.end_emotion.is_empty() && f.end.is_some() {
                    span class={ "chip " (emotion_tone(&s.end_emotion)) } { "ended " (s.end_emotion) }
                }
                @match f.empathy_after_peak {
                    Some(false) => { span."chip warn" { "no empathy after worst moment" } }
                    Some(true) => { span."chip ok" { "empathy after worst moment" } }
                    None => {}
                }
                @match f.resolved {
                    Some(false) => { span."chip warn" { "not resolved" } }
                    Some(true) => { span."chip ok" { "resolved" } }
                    None => { @if has_outcome(s) { span.chip { "resolution unknown" } } }
                }
                @if let Some(e) = f.effort {
                    span class={ "chip" @if hard(Some(e)) { " warn" } } title="effort, in [0, 1]" {
                        "effort " (plain(Some(e)))
                    }
                }
                @if s.pauses.iter().any(|p| p.hold) {
                    span."chip hold" { "on hold " (duration(s.pauses.iter().filter(|p| p.hold).map(|p| p.ms).sum())) }
                }
                @for (k, (name, _)) in FACETS.iter().enumerate() {
                    @if !s.facets[k].is_empty() { span.chip { (name) " " (s.facets[k]) } }
                }
                span class={ "effect " (effect.map_or("neu", svg::tone)) }
                    title="ending effect: ew\u{b7}end/(pw+ew)" {
                    b { (opt(effect)) } " ending effect"
                }
            }
            p.why { (why(s, effect)) }
            div.body {
                div.plot {
                    @if w.turns.is_empty() {
                        p.noturns {
                            @if r.has_turns {
                                "No rows for this interaction in the per-turn CSV: was it written \
                                 by the same run?"
                            } @else {
                                "No per-turn CSV given (" code { "--turns" } "): no arc."
                            }
                        }
                    } @else {
                        (svg(|out| {
                            let g = ArcGeometry::new(Frame::ARC, &w.turns, s);
                            let label = format!(
                                "Valence arc of {}, {} turns: experienced {}, remembered {}, end {}",
                                s.id,
                                w.turns.len(),
                                opt(f.experienced),
                                opt(f.remembered),
                                opt(f.end)
                            );
                            svg::write_arc(out, &g, &key, &label, s);
                        }))
                    }
                }
                dl.figs {
                    @for (name, v, extra) in &figs {
                        dt { (name) }
                        dd class=(v.map_or("", svg::tone)) { (opt(*v)) (extra) }
                    }
                    dt { "turns" }
                    dd { (s.turns.unwrap_or(w.turns.len() as i64)) }
                    @if let Some(c) = s.customer_turns {
                        dt { "customer turns" }
                        dd { (c) }
                    }
                    @if has_outcome(s) {
                        dt { "effort" }
                        dd class=[hard(f.effort).then_some("warn")] { (plain(f.effort)) }
                        dt { "resolved" }
                        dd class=[(f.resolved == Some(false)).then_some("warn")] {
                            (match f.resolved { Some(true) => "yes", Some(false) => "no", None => "unknown" })
                        }
                    }
                    @for (name, v) in timing_figs(s) {
                        dt { (name) }
                        dd { (v) }
                    }
                }
            }
            div.terms {
                div { span.tl { "Words at the peak" } (chips(&s.peak_terms, 0)) }
                div { span.tl { "Words at the end" } (chips(&s.end_terms, 0)) }
                @if !s.effort_terms.is_empty() {
                    div.effort { span.tl { "Effort" } (effort_chips(&s.effort_terms)) }
                }
                @if !s.resolution_terms.is_empty() {
                    div.resolution { span.tl { "Resolution" } (resolution_chips(&s.resolution_terms)) }
                }
            }
            @if !w.turns.is_empty() {
                details.transcript {
                    summary { "Transcript (" (w.turns.len()) " turns, scoring words marked)" }
                    ol {
                        @for (i, t) in w.turns.iter().enumerate() {
                            (turn(&key, i, t, s))
                        }
                    }
                }
            }
        }
    }
}

/// The timing figures the interaction has, as (name, value) for the card.
fn timing_figs(s: &Summary) -> Vec<(&'static str, String)> {
    let t = &s.timing;
    let mut v = Vec::new();
    if let Some(h) = s.figures.hold_ms {
        v.push(("on hold", duration(h)));
    }
    if let Some(l) = t.longest_silence_ms {
        v.push(("longest silence", duration(l)));
    }
    if let Some(n) = t.interruptions {
        v.push(("talked over", n.to_string()));
    }
    if let Some(a) = t.agent_talk_share {
        v.push(("agent talk share", format!("{:.0}%", a * 100.0)));
    }
    if let Some(r) = t.first_response_ms {
        v.push(("first response", duration(r)));
    }
    v
}

fn turn(key: &str, i: usize, t: &TurnRow, s: &Summary) -> Markup {
    let customer = t.speaker == Speaker::Customer;
    html! {
        li id={ (key) "-t" (i) } class=(if customer { "customer" } else { "agent" }) {
            div.th {
                b { (if customer { "Customer" } else { "Agent" }) }
                " \u{b7} turn " (t.turn) " \u{b7} "
                span class=(svg::tone(t.valence)) { (num(t.valence)) }
                @if !t.emotion.is_empty() && t.emotion != "neutral" {
                    " \u{b7} " (t.emotion)
                }
                @if customer && s.peak_turn == Some(t.turn) {
                    " " span.tag { "peak" }
                }
                @if customer && s.end_turn == Some(t.turn) {
                    " " span.tag { "last customer turn" }
                }
            }
            p { (marked(&t.text, &t.terms)) }
        }
    }
}

/// The text, escaped, with the scoring terms in `<mark>`.
pub fn marked(text: &str, terms: &[Term]) -> Markup {
    if text.is_empty() {
        return html! { span.dim { "(no text column)" } };
    }
    let spans = terms::find_spans(text, terms);
    let mut at = 0;
    let mut parts = Vec::with_capacity(spans.len());
    for span in &spans {
        parts.push((&text[at..span.start], span));
        at = span.end;
    }
    html! {
        @for (before, span) in &parts {
            (before)
            mark class=(sign_tone(span.contribution)) title=(num(span.contribution)) {
                (&text[span.start..span.end])
            }
        }
        (&text[at..])
    }
}

const LEGEND: &str = "<div class=\"legend\" aria-label=\"legend\">\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><polyline class=\"line customer\" points=\"2,10 22,4 42,8\"/><circle class=\"pt customer neg\" cx=\"22\" cy=\"4\" r=\"4\"/></svg>customer turns</span>\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><polyline class=\"line agent\" points=\"2,8 22,6 42,9\"/><circle class=\"pt agent pos\" cx=\"22\" cy=\"6\" r=\"3\"/></svg>agent turns</span>\
<span><i class=\"sw neg\"></i>negative</span><span><i class=\"sw neu\"></i>neutral</span><span><i class=\"sw pos\"></i>positive</span>\
<span><svg viewBox=\"0 0 20 20\" class=\"lg sq\"><circle class=\"mark peak\" cx=\"10\" cy=\"10\" r=\"7\"/></svg>peak (most intense moment)</span>\
<span><svg viewBox=\"0 0 20 20\" class=\"lg sq\"><path class=\"mark end\" d=\"M10 3L17 10L10 17L3 10Z\"/></svg>end (mean of the final customer turns)</span>\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><line class=\"ref experienced\" x1=\"2\" y1=\"7\" x2=\"42\" y2=\"7\"/></svg>experienced (mean)</span>\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><line class=\"ref remembered\" x1=\"2\" y1=\"7\" x2=\"42\" y2=\"7\"/></svg>remembered (peak-end)</span>\
<span><svg viewBox=\"0 0 20 14\" class=\"lg sq\"><rect class=\"pause hold\" x=\"2\" y=\"1\" width=\"16\" height=\"12\"/></svg>hold</span>\
<span><svg viewBox=\"0 0 20 14\" class=\"lg sq\"><rect class=\"pause silence\" x=\"2\" y=\"1\" width=\"16\" height=\"12\"/></svg>silence of 10 s or more</span>\
<span><mark class=\"neg\">word</mark> <mark class=\"pos\">word</mark> drove the score (hover a point)</span>\
</div>\n";

/// The page's style sheet (inlined: no external resources).
const CSS: &str = include_str!("page.css");

/// The page's script: tooltips, filters, search (inlined).
const JS: &str = include_str!("page.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_from_the_csvs() {
        assert_eq!(
            esc("<b>\"Tom\" & 'Jerry'</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; 'Jerry'&lt;/b&gt;"
        );
    }

    #[test]
    fn marks_terms_in_escaped_text() {
        let out = marked(
            "Still <not> working & I'm NOT happy",
            &terms::parse("still:0.1|happy:-2.00"),
        )
        .into_string();
        assert_eq!(
            out,
            "<mark class=\"pos\" title=\"+0.10\">Still</mark> &lt;not&gt; working &amp; I'm NOT \
             <mark class=\"neg\" title=\"\u{2212}2.00\">happy</mark>"
        );
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(num(0.0), "0.00");
        assert_eq!(num(-0.004), "0.00");
        assert_eq!(num(1.0), "+1.00");
        assert_eq!(count(100_000), "100\u{202f}000");
        assert_eq!(count(999), "999");
        assert_eq!(pct(1, 3), "33%");
        assert_eq!(pct(1, 0), "\u{2014}");
    }

    /// The example of [`num`].
    #[test]
    fn num_example() {
        use crate::report::html::num;
        assert_eq!(num(-0.6825), "\u{2212}0.68");
        assert_eq!(num(0.41), "+0.41");
        assert_eq!(num(-0.001), "0.00");
    }
}
