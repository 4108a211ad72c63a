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
//! All text from the CSVs is HTML-escaped.
//!
//! The output is deterministic (no dates, no random ids), so the same CSVs
//! give the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::glance::Tally;
use super::read::{Summary, TurnRow};
use super::svg::{self, ArcGeometry, Frame};
use super::terms::{self, Term};
use super::{Report, Shown};
use crate::record::Speaker;

/// HTML-escapes text for element content and quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_esc(&mut out, s);
    out
}

/// Appends `s` HTML-escaped.
pub fn push_esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A figure for people: two decimals, a sign, and a true minus sign.
///
/// ```
/// use peakend::report::html::num;
/// assert_eq!(num(-0.6825), "\u{2212}0.68");
/// assert_eq!(num(0.41), "+0.41");
/// assert_eq!(num(-0.001), "0.00");
/// ```
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

/// Renders the whole page.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024 + r.worst.len() * 8 * 1024);
    let title = esc(&r.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"peakend {version}\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        version = env!("CARGO_PKG_VERSION"),
    );
    let g = &r.glance;
    let _ = write!(out, "<header class=\"top\"><h1>{title}</h1><p class=\"sub\">");
    let from: Vec<String> =
        r.from.iter().map(|f| format!("<code>{}</code>", esc(f))).collect();
    let _ =
        write!(out, "{} interactions from {}", count(g.interactions), from.join(" and "));
    let _ = write!(
        out,
        " \u{b7} peak weight {}, end weight {} \u{b7} worst endings first</p></header>\n<main>\n",
        r.weights.peak, r.weights.end
    );
    write_glance(&mut out, r);
    write_worst(&mut out, r);
    let _ = write!(
        out,
        "</main>\n<footer>Made by peakend {} from the CSVs of <code>peakend score</code>. \
         Valence runs from \u{2212}1 (most negative) to +1 (most positive); turns between \
         \u{2212}0.05 and +0.05 count as neutral.</footer>\n\
         <div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>{JS}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn kpi(out: &mut String, value: &str, label: &str, note: &str, class: &str) {
    let _ = write!(
        out,
        "<div class=\"kpi {class}\"><div class=\"v\">{value}</div><div class=\"l\">{label}</div><div class=\"n\">{note}</div></div>"
    );
}

fn write_glance(out: &mut String, r: &Report) {
    let g = &r.glance;
    out.push_str(
        "<section id=\"glance\"><h2>The batch at a glance</h2>\n<div class=\"kpis\">",
    );
    kpi(
        out,
        &count(g.interactions),
        "interactions",
        &format!("{} with a customer turn", count(g.scored)),
        "",
    );
    kpi(
        out,
        &pct(g.bad_endings, g.scored),
        "bad endings",
        &format!("{} of {}", count(g.bad_endings), count(g.scored)),
        "neg",
    );
    kpi(
        out,
        &pct(g.remembered_worse, g.scored),
        "remembered worse than it went",
        &format!("{} with gap &lt; 0", count(g.remembered_worse)),
        "",
    );
    kpi(
        out,
        &opt(g.mean_remembered()),
        "mean remembered",
        &format!("mean experienced {}", opt(g.mean_experienced())),
        "",
    );
    let negative_moment = g.empathy[0] + g.empathy[1];
    kpi(
        out,
        &pct(g.empathy[1], negative_moment),
        "no empathy after the worst moment",
        &format!(
            "{} of {} with a negative moment",
            count(g.empathy[1]),
            count(negative_moment)
        ),
        "warn",
    );
    out.push_str("</div>\n<div class=\"charts\">");
    out.push_str("<figure class=\"chart\"><figcaption><b>Remembered</b> score, per interaction</figcaption>");
    svg::write_histogram(
        out,
        &g.remembered,
        "remembered",
        "Histogram of remembered scores",
    );
    out.push_str("<p class=\"axis-note\">\u{2190} remembered badly \u{b7} remembered well \u{2192}</p></figure>");
    out.push_str("<figure class=\"chart\"><figcaption><b>Gap</b> = remembered \u{2212} experienced</figcaption>");
    svg::write_histogram(
        out,
        &g.gap,
        "gap",
        "Histogram of gaps between remembered and experienced",
    );
    out.push_str("<p class=\"axis-note\">\u{2190} remembered worse than it went \u{b7} better \u{2192}</p></figure>");
    out.push_str("<figure class=\"chart\"><figcaption><b>Emotion at the end</b> (<code>end_emotion</code>)</figcaption>");
    write_tally(out, &g.end_emotions);
    let langs: Vec<String> = g
        .languages
        .ranked()
        .iter()
        .map(|(l, n)| format!("{} {}", esc(l), count(*n)))
        .collect();
    let _ = write!(
        out,
        "<p class=\"axis-note\">Languages: {}</p></figure>",
        langs.join(" \u{b7} ")
    );
    out.push_str("</div>\n");
    write_no_empathy(out, r);
    if g.weight_mismatch > 0 {
        let _ = writeln!(
            out,
            "<p class=\"warning\">{} interactions have a <code>remembered</code> that peak weight {} and end weight {} do not give: \
             the CSV was scored with other weights, so the ending effects below are approximate. \
             Give <code>peakend report</code> the same <code>--peak-weight</code> and <code>--end-weight</code> as <code>peakend score</code>.</p>",
            count(g.weight_mismatch),
            r.weights.peak,
            r.weights.end
        );
    }
    out.push_str("</section>\n");
}

fn write_tally(out: &mut String, t: &Tally) {
    let ranked = t.ranked();
    let total = t.total();
    let max = ranked.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    out.push_str("<table class=\"tally\">");
    if ranked.is_empty() {
        out.push_str("<tr><td>no interaction with an end</td></tr>");
    }
    for (label, n) in &ranked {
        let _ = write!(
            out,
            "<tr><th>{}</th><td class=\"barcell\"><span class=\"hbar {}\" style=\"width:{:.1}%\"></span></td><td class=\"num\">{}</td><td class=\"num dim\">{}</td></tr>",
            esc(label),
            emotion_tone(label),
            *n as f64 * 100.0 / max as f64,
            count(*n),
            pct(*n, total)
        );
    }
    out.push_str("</table>");
}

fn write_no_empathy(out: &mut String, r: &Report) {
    let _ = write!(
        out,
        "<div class=\"noemp\"><h3>No empathy after the customer\u{2019}s worst moment <span class=\"count\">{}</span></h3>\
         <p class=\"how\">The agent\u{2019}s next turn after the customer\u{2019}s most negative turn showed neither empathy nor apology \
         (<code>empathy_after_peak = false</code>). Worst endings first",
        count(r.no_empathy_total)
    );
    if r.no_empathy_total > r.no_empathy.len() as u64 {
        let _ = write!(out, "; the worst {} are listed", r.no_empathy.len());
    }
    out.push_str(".</p>");
    if r.no_empathy.is_empty() {
        out.push_str("<p class=\"dim\">None in this batch.</p></div>\n");
        return;
    }
    out.push_str(
        "<div class=\"scroll\"><table class=\"list\"><thead><tr><th>rank</th><th>interaction</th><th>language</th><th>peak</th>\
         <th class=\"num\">end</th><th class=\"num\">remembered</th><th>ended</th><th>words at the peak</th></tr></thead><tbody>",
    );
    for s in &r.no_empathy {
        let rank = r.worst.iter().position(|w| w.summary.order == s.order);
        let link = match rank {
            Some(i) => format!("<a href=\"#r{}\">#{}</a>", i + 1, i + 1),
            None => "\u{2014}".to_string(),
        };
        let f = &s.figures;
        let worst = match s.peak_turn {
            Some(t) => format!("turn {t}, {}", esc(&s.peak_emotion)),
            None => esc(&s.peak_emotion),
        };
        let _ = write!(
            out,
            "<tr><td>{link}</td><td><code>{}</code></td><td>{}</td><td>{worst}</td><td class=\"num {}\">{}</td><td class=\"num {}\">{}</td><td>{}</td><td>",
            esc(&s.id),
            esc(&s.language),
            f.end.map_or("", svg::tone),
            opt(f.end),
            f.remembered.map_or("", svg::tone),
            opt(f.remembered),
            esc(&s.end_emotion),
        );
        write_chips(out, &s.peak_terms, 4);
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></div></div>\n");
}

/// Term chips, at most `max` (0: all).
fn write_chips(out: &mut String, all: &[Term], max: usize) {
    let n = if max == 0 { all.len() } else { all.len().min(max) };
    for t in &all[..n] {
        let tone = if t.contribution < 0.0 {
            "neg"
        } else if t.contribution > 0.0 {
            "pos"
        } else {
            "neu"
        };
        let _ = write!(
            out,
            "<span class=\"term {tone}\">{}<small>{}</small></span>",
            esc(&t.word),
            num(t.contribution)
        );
    }
    if all.len() > n {
        let _ = write!(out, "<span class=\"more\">+{}</span>", all.len() - n);
    }
    if all.is_empty() {
        out.push_str("<span class=\"dim\">\u{2014}</span>");
    }
}

fn options(
    out: &mut String,
    name: &str,
    label: &str,
    values: &BTreeSet<String>,
    all: &str,
) {
    let _ = write!(
        out,
        "<label>{label}<select name=\"{name}\"><option value=\"\">{all}</option>"
    );
    for v in values {
        let e = esc(v);
        let _ = write!(out, "<option value=\"{e}\">{e}</option>");
    }
    out.push_str("</select></label>");
}

fn write_worst(out: &mut String, r: &Report) {
    let total = r.glance.interactions;
    let _ = write!(
        out,
        "<section id=\"worst\"><h2>Worst endings first</h2>\n<p class=\"how\">Ranked by what the ending did to how the call will be \
         remembered: interactions with a <b>bad ending</b> first, then by <b>ending effect</b> = ew\u{b7}end / (pw + ew), \
         how far the ending moved <i>remembered</i> from what a neutral ending (end = 0) would have given \
         (pw = {}, ew = {}), most negative first; ties keep the input order. ",
        r.weights.peak, r.weights.end
    );
    if total > r.worst.len() as u64 {
        let _ = write!(
            out,
            "The worst {} of {} interactions are drawn below (<code>--top</code>); the others count in the figures above.",
            r.worst.len(),
            count(total)
        );
    } else {
        let _ = write!(out, "All {} interactions are drawn below.", r.worst.len());
    }
    out.push_str("</p>\n");
    out.push_str(LEGEND);

    // Filters, from the values present among the cards.
    let mut langs = BTreeSet::new();
    let mut emotions = BTreeSet::new();
    let mut agents = BTreeSet::new();
    for w in &r.worst {
        let s = &w.summary;
        if !s.language.is_empty() {
            langs.insert(s.language.clone());
        }
        if !s.emotion.is_empty() {
            emotions.insert(s.emotion.clone());
        }
        for a in s.agent.split('|').map(str::trim).filter(|a| !a.is_empty()) {
            agents.insert(a.to_string());
        }
    }
    out.push_str(
        "<form id=\"filters\" class=\"filters\" autocomplete=\"off\"><label class=\"search\">Interaction id\
         <input type=\"search\" name=\"q\" placeholder=\"search, e.g. cc-0042\"></label>",
    );
    options(out, "lang", "Language", &langs, "all");
    options(out, "emotion", "Dominant emotion", &emotions, "all");
    if r.has_agent {
        options(out, "agent", "Agent", &agents, "all");
    }
    out.push_str(
        "<label>Empathy after worst moment<select name=\"empathy\"><option value=\"\">all</option>\
         <option value=\"no\">no empathy</option><option value=\"yes\">showed empathy</option>\
         <option value=\"none\">no negative moment</option></select></label>\
         <label>Agent tone<select name=\"tone\"><option value=\"\">all</option><option value=\"neg\">negative</option>\
         <option value=\"neu\">neutral</option><option value=\"pos\">positive</option></select></label>\
         <label class=\"check\"><input type=\"checkbox\" name=\"bad\"> bad endings only</label></form>\n",
    );
    if !r.has_agent {
        out.push_str(
            "<p class=\"dim small\">The per-interaction CSV has no agent column, so interactions are filtered \
             by what the agent did instead: empathy after the customer\u{2019}s worst moment and the agent\u{2019}s tone \
             (mean valence of the agent\u{2019}s turns).</p>\n",
        );
    }
    let _ = write!(
        out,
        "<p id=\"shown\" class=\"shown\" aria-live=\"polite\">{} interactions drawn</p>\n<ol class=\"cards\">\n",
        r.worst.len()
    );
    for (i, w) in r.worst.iter().enumerate() {
        write_card(out, r, i + 1, w);
    }
    out.push_str("</ol>\n<p id=\"none\" class=\"dim\" hidden>No interaction among those drawn matches. Only the worst ");
    let _ = write!(
        out,
        "{} of {} interactions are in this page; run <code>peakend report --top N</code> for more.</p>\n</section>\n",
        r.worst.len(),
        count(total)
    );
}

/// One sentence on why the card is where it is.
fn why(s: &Summary, effect: Option<f64>) -> String {
    let f = &s.figures;
    let mut parts = Vec::new();
    if f.remembered.is_none() {
        return "No customer turn: nothing to remember.".to_string();
    }
    let ended = match (f.end, s.end_emotion.as_str()) {
        (Some(e), "") | (Some(e), "neutral") => format!("ended at {}", num(e)),
        (Some(e), emotion) => format!("ended at {} in {}", num(e), esc(emotion)),
        (None, _) => "has no end".to_string(),
    };
    if f.bad_ending == Some(true) {
        parts.push(format!("<b>Bad ending</b>: the customer {ended}"));
    } else {
        parts.push(format!("The customer {ended}"));
    }
    if let Some(e) = effect {
        let dir = if e < 0.0 {
            "pulled"
        } else if e > 0.0 {
            "lifted"
        } else {
            "left"
        };
        let amount = if e == 0.0 { String::new() } else { format!(" by {:.2}", e.abs()) };
        parts.push(format!(
            "the ending {dir} the remembered score{amount} (remembered {} vs experienced {})",
            opt(f.remembered),
            opt(f.experienced)
        ));
    }
    let mut s1 = parts.join("; ");
    s1.push('.');
    match f.empathy_after_peak {
        Some(false) => s1.push_str(
            " <b>No empathy</b> from the agent after the customer\u{2019}s worst moment.",
        ),
        Some(true) => s1.push_str(
            " The agent showed empathy after the customer\u{2019}s worst moment.",
        ),
        None => {}
    }
    s1
}

fn write_card(out: &mut String, r: &Report, rank: usize, w: &Shown) {
    let s = &w.summary;
    let f = &s.figures;
    let key = format!("r{rank}");
    let effect = f.end.map(|e| r.weights.ending_effect(e));
    let bad = f.bad_ending == Some(true);
    let _ = write!(
        out,
        "<li class=\"card{}\" id=\"{key}\" data-rank=\"{rank}\" data-id=\"{}\" data-lang=\"{}\" data-emotion=\"{}\" data-agent=\"{}\" data-empathy=\"{}\" data-tone=\"{}\" data-bad=\"{}\">",
        if bad { " bad" } else { "" },
        esc(&s.id),
        esc(&s.language),
        esc(&s.emotion),
        esc(&s.agent),
        empathy_key(f.empathy_after_peak),
        agent_tone(f.agent_valence),
        u8::from(bad),
    );
    let _ =
        write!(out, "<header><span class=\"rank\">#{rank}</span><h3>{}</h3>", esc(&s.id));
    if bad {
        out.push_str("<span class=\"chip bad\">bad ending</span>");
    }
    if !s.language.is_empty() {
        let _ = write!(out, "<span class=\"chip\">{}</span>", esc(&s.language));
    }
    if !s.emotion.is_empty() {
        let _ = write!(
            out,
            "<span class=\"chip {}\">felt {}</span>",
            emotion_tone(&s.emotion),
            esc(&s.emotion)
        );
    }
    if !s.end_emotion.is_empty() && f.end.is_some() {
        let _ = write!(
            out,
            "<span class=\"chip {}\">ended {}</span>",
            emotion_tone(&s.end_emotion),
            esc(&s.end_emotion)
        );
    }
    match f.empathy_after_peak {
        Some(false) => {
            out.push_str("<span class=\"chip warn\">no empathy after worst moment</span>")
        }
        Some(true) => {
            out.push_str("<span class=\"chip ok\">empathy after worst moment</span>")
        }
        None => {}
    }
    if !s.agent.is_empty() {
        let _ = write!(out, "<span class=\"chip\">agent {}</span>", esc(&s.agent));
    }
    let _ = write!(
        out,
        "<span class=\"effect {}\" title=\"ending effect: ew\u{b7}end/(pw+ew)\"><b>{}</b> ending effect</span></header>",
        effect.map_or("neu", svg::tone),
        opt(effect)
    );
    let _ = write!(
        out,
        "<p class=\"why\">{}</p><div class=\"body\"><div class=\"plot\">",
        why(s, effect)
    );
    if w.turns.is_empty() {
        let _ = write!(
            out,
            "<p class=\"noturns\">{}</p>",
            if r.has_turns {
                "No rows for this interaction in the per-turn CSV: was it written by the same run?"
            } else {
                "No per-turn CSV given (<code>--turns</code>): no arc."
            }
        );
    } else {
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
    }
    out.push_str("</div><dl class=\"figs\">");
    let figs = [
        ("experienced", f.experienced, String::new()),
        ("remembered", f.remembered, String::new()),
        ("gap", f.gap, String::new()),
        (
            "peak",
            f.peak,
            s.peak_turn.map_or(String::new(), |t| format!(" <small>turn {t}</small>")),
        ),
        (
            "end",
            f.end,
            s.end_turn.map_or(String::new(), |t| format!(" <small>turn {t}</small>")),
        ),
        ("agent tone", f.agent_valence, String::new()),
    ];
    for (name, v, extra) in figs {
        let _ = write!(
            out,
            "<dt>{name}</dt><dd class=\"{}\">{}{extra}</dd>",
            v.map_or("", svg::tone),
            opt(v)
        );
    }
    let _ = write!(
        out,
        "<dt>turns</dt><dd>{}</dd>",
        s.turns.map_or(w.turns.len() as i64, |t| t)
    );
    if let Some(c) = s.customer_turns {
        let _ = write!(out, "<dt>customer turns</dt><dd>{c}</dd>");
    }
    out.push_str("</dl></div><div class=\"terms\">");
    out.push_str("<div><span class=\"tl\">Words at the peak</span>");
    write_chips(out, &s.peak_terms, 0);
    out.push_str("</div><div><span class=\"tl\">Words at the end</span>");
    write_chips(out, &s.end_terms, 0);
    out.push_str("</div></div>");
    if !w.turns.is_empty() {
        let _ = write!(
            out,
            "<details class=\"transcript\"><summary>Transcript ({} turns, scoring words marked)</summary><ol>",
            w.turns.len()
        );
        for (i, t) in w.turns.iter().enumerate() {
            write_turn(out, &key, i, t, s);
        }
        out.push_str("</ol></details>");
    }
    out.push_str("</li>\n");
}

fn write_turn(out: &mut String, key: &str, i: usize, t: &TurnRow, s: &Summary) {
    let who = match t.speaker {
        Speaker::Customer => "customer",
        Speaker::Agent => "agent",
    };
    let mut notes = Vec::new();
    if t.speaker == Speaker::Customer && s.peak_turn == Some(t.turn) {
        notes.push("peak");
    }
    if t.speaker == Speaker::Customer && s.end_turn == Some(t.turn) {
        notes.push("last customer turn");
    }
    let _ = write!(
        out,
        "<li id=\"{key}-t{i}\" class=\"{who}\"><div class=\"th\"><b>{}</b> \u{b7} turn {} \u{b7} <span class=\"{}\">{}</span>",
        if who == "customer" { "Customer" } else { "Agent" },
        t.turn,
        svg::tone(t.valence),
        num(t.valence),
    );
    if !t.emotion.is_empty() && t.emotion != "neutral" {
        let _ = write!(out, " \u{b7} {}", esc(&t.emotion));
    }
    for n in notes {
        let _ = write!(out, " <span class=\"tag\">{n}</span>");
    }
    out.push_str("</div><p>");
    write_marked(out, &t.text, &t.terms);
    out.push_str("</p></li>");
}

/// The text, escaped, with the scoring terms in `<mark>`.
pub fn write_marked(out: &mut String, text: &str, terms: &[Term]) {
    if text.is_empty() {
        out.push_str("<span class=\"dim\">(no text column)</span>");
        return;
    }
    let mut at = 0;
    for span in terms::find_spans(text, terms) {
        push_esc(out, &text[at..span.start]);
        let tone = if span.contribution < 0.0 {
            "neg"
        } else if span.contribution > 0.0 {
            "pos"
        } else {
            "neu"
        };
        let _ =
            write!(out, "<mark class=\"{tone}\" title=\"{}\">", num(span.contribution));
        push_esc(out, &text[span.start..span.end]);
        out.push_str("</mark>");
        at = span.end;
    }
    push_esc(out, &text[at..]);
}

const LEGEND: &str = "<div class=\"legend\" aria-label=\"legend\">\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><polyline class=\"line customer\" points=\"2,10 22,4 42,8\"/><circle class=\"pt customer neg\" cx=\"22\" cy=\"4\" r=\"4\"/></svg>customer turns</span>\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><polyline class=\"line agent\" points=\"2,8 22,6 42,9\"/><circle class=\"pt agent pos\" cx=\"22\" cy=\"6\" r=\"3\"/></svg>agent turns</span>\
<span><i class=\"sw neg\"></i>negative</span><span><i class=\"sw neu\"></i>neutral</span><span><i class=\"sw pos\"></i>positive</span>\
<span><svg viewBox=\"0 0 20 20\" class=\"lg sq\"><circle class=\"mark peak\" cx=\"10\" cy=\"10\" r=\"7\"/></svg>peak (most intense moment)</span>\
<span><svg viewBox=\"0 0 20 20\" class=\"lg sq\"><path class=\"mark end\" d=\"M10 3L17 10L10 17L3 10Z\"/></svg>end (mean of the final customer turns)</span>\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><line class=\"ref experienced\" x1=\"2\" y1=\"7\" x2=\"42\" y2=\"7\"/></svg>experienced (mean)</span>\
<span><svg viewBox=\"0 0 44 14\" class=\"lg\"><line class=\"ref remembered\" x1=\"2\" y1=\"7\" x2=\"42\" y2=\"7\"/></svg>remembered (peak-end)</span>\
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
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn marks_terms_in_escaped_text() {
        let mut out = String::new();
        write_marked(
            &mut out,
            "Still <not> working & I'm NOT happy",
            &terms::parse("still:0.1|happy:-2.00"),
        );
        assert_eq!(
            out,
            "<mark class=\"pos\" title=\"+0.10\">Still</mark> &lt;not&gt; working &amp; I&#39;m NOT \
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
}
