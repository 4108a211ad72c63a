//! The customer's journey: one row per customer from the per-interaction
//! output of `peakend score`, whose rows carry a customer id and a time
//! (and, optionally, a channel) among their extra columns.
//!
//! Customers remember the company by the journey, not by one call: a chat,
//! then a call, then an email about the same problem. Over a customer's
//! contacts, in time order:
//!
//! - `peak` = the most intense `peak` of any contact (negative ones × 1.1,
//!   as in peak-end), with `peak_contact`;
//! - `end` = the latest contact's `end` (the journey so far ends there),
//!   with `end_contact`; `remembered` = (peak + end) / 2;
//! - `repeat_contacts` = contacts that came within `--repeat-days` (7) of
//!   the one before;
//! - `effort` = 1 − Π(1 − effortᵢ) × (1 − 0.4)^repeat_contacts: the
//!   contacts' efforts and every repeat contact (weighted as a
//!   `repeat_contact` cue is, `crate::summary::effort::REPEAT_CONTACT`)
//!   combined by the same noisy OR as one contact's effort;
//! - `failed_again` = the latest contact went wrong (`bad_ending` true or
//!   `resolved` false) after an earlier one that did too; then
//!   `failed_again_contacts` lists them, earlier ones first.
//!
//! Streaming: rows must be grouped by customer (any order within a
//! customer: a customer's contacts are held and sorted by time), so memory
//! is one customer's contacts plus 8 bytes per customer seen (to tell a
//! customer who comes back, an error). With `group_unsorted` every contact
//! is held in memory (about 200 bytes plus its text each: 1 million
//! contacts take some 250 MB) and customers are written in order of first
//! appearance.

use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::error::{Error, Result};
use crate::input::Source;
use crate::output::atomic::AtomicFile;
use crate::peak_end::PeakEndParams;
use crate::report::read::{InteractionReader, IxRow};
use crate::summary::effort::REPEAT_CONTACT;

/// What `peakend journey` needs to know.
#[derive(Clone, Debug)]
pub struct JourneyParams {
    /// The column holding the customer id.
    pub customer: String,
    /// The column holding the contact's time (ISO 8601, or epoch seconds
    /// or milliseconds).
    pub time: String,
    /// The column holding the channel, if any.
    pub channel: Option<String>,
    /// A contact within this many days of the one before is a repeat.
    pub repeat_days: f64,
    /// Group rows by customer in memory instead of requiring them grouped.
    pub group_unsorted: bool,
}

/// One contact, as the journey needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Contact {
    /// `interaction_id`.
    pub id: String,
    /// The time as written.
    pub time_text: String,
    /// The time in seconds since 1970.
    pub time: f64,
    /// The channel ("" without a channel column).
    pub channel: String,
    /// The contact's `peak`, `end`, `effort`.
    pub peak: Option<f64>,
    /// The contact's `end`.
    pub end: Option<f64>,
    /// The contact's `effort`.
    pub effort: Option<f64>,
    /// The contact's `bad_ending`.
    pub bad_ending: Option<bool>,
    /// The contact's `resolved`.
    pub resolved: Option<bool>,
}

impl Contact {
    /// It went wrong: a bad ending, or not resolved.
    fn went_wrong(&self) -> bool {
        self.bad_ending == Some(true) || self.resolved == Some(false)
    }
}

/// One customer's journey.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Journey {
    /// Number of contacts.
    pub contacts: usize,
    /// Channels in order of first use, joined by `|`.
    pub channels: String,
    /// First and last contact times, as written.
    pub first: String,
    /// The last contact's time.
    pub last: String,
    /// Contacts within the repeat window of the one before.
    pub repeat_contacts: usize,
    /// The most intense moment of the journey, and its contact.
    pub peak: Option<(f64, String)>,
    /// The latest contact's `end`, and its id.
    pub end: (Option<f64>, String),
    /// (peak + end) / 2.
    pub remembered: Option<f64>,
    /// The journey's effort.
    pub effort: Option<f64>,
    /// The latest contact's `resolved`.
    pub resolved: Option<bool>,
    /// The contacts that make a repeated failure, earlier ones first; empty
    /// when there is none.
    pub failed_again: Vec<String>,
}

/// The journey of one customer's `contacts` (in time order; at least one).
pub(crate) fn journey(contacts: &[Contact], repeat_days: f64) -> Journey {
    let bias = PeakEndParams::default().negativity_bias;
    let mut j = Journey { contacts: contacts.len(), ..Journey::default() };
    let mut best = f64::NEG_INFINITY;
    let mut keep = 1.0;
    let mut any_effort = false;
    for (i, c) in contacts.iter().enumerate() {
        if !c.channel.is_empty() && !j.channels.split('|').any(|ch| ch == c.channel) {
            if !j.channels.is_empty() {
                j.channels.push('|');
            }
            j.channels.push_str(&c.channel);
        }
        if i > 0 && c.time - contacts[i - 1].time <= repeat_days * 86_400.0 {
            j.repeat_contacts += 1;
            keep *= 1.0 - REPEAT_CONTACT;
        }
        if let Some(p) = c.peak {
            let intensity = p.abs() * if p < 0.0 { bias } else { 1.0 };
            if intensity > best {
                best = intensity;
                j.peak = Some((p, c.id.clone()));
            }
        }
        if let Some(e) = c.effort {
            keep *= 1.0 - e.clamp(0.0, 1.0);
            any_effort = true;
        }
    }
    let (Some(first), Some(last)) = (contacts.first(), contacts.last()) else {
        return j;
    };
    j.first = first.time_text.clone();
    j.last = last.time_text.clone();
    j.end = (last.end, last.id.clone());
    j.remembered = match (&j.peak, last.end) {
        (Some((p, _)), Some(e)) => Some((p + e) / 2.0),
        _ => None,
    };
    j.effort = (any_effort || j.repeat_contacts > 0).then_some(1.0 - keep);
    j.resolved = last.resolved;
    let before = &contacts[..contacts.len() - 1];
    if last.went_wrong() && before.iter().any(Contact::went_wrong) {
        j.failed_again = before
            .iter()
            .filter(|c| c.went_wrong())
            .chain([last])
            .map(|c| c.id.clone())
            .collect();
    }
    j
}

/// Seconds since 1970 of a time written as ISO 8601 (`2026-03-01`,
/// `2026-03-01T10:15[:30[.5]]`, a space for the `T`, `Z` or `±hh:mm`
/// after it) or as epoch seconds (epoch milliseconds from 10¹¹ on).
pub(crate) fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then(|| if v.abs() >= 1e11 { v / 1000.0 } else { v });
    }
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())?
    };
    let (date, rest) = s.split_at(s.find(['T', ' ']).unwrap_or(s.len()));
    let mut ymd = date.splitn(3, '-');
    let (y, m, d) = (num(ymd.next()?)?, num(ymd.next()?)?, num(ymd.next()?)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) as f64 * 86_400.0;
    let rest = rest.get(1..).unwrap_or("");
    if !rest.is_empty() {
        let zone = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
        let (clock, tz) = rest.split_at(zone);
        let mut hms = clock.splitn(3, ':');
        let h = num(hms.next()?)?;
        let mi = num(hms.next()?)?;
        let sec = match hms.next() {
            Some(t) => t.parse::<f64>().ok().filter(|v| (0.0..61.0).contains(v))?,
            None => 0.0,
        };
        if h > 23 || mi > 59 {
            return None;
        }
        secs += (h * 3600 + mi * 60) as f64 + sec;
        match tz {
            "" | "Z" | "z" => {}
            _ => {
                let sign = if tz.starts_with('-') { -1.0 } else { 1.0 };
                let (oh, om) = tz[1..].split_once(':').unwrap_or((&tz[1..], "0"));
                secs -= sign * (num(oh)? * 3600 + num(om)? * 60) as f64;
            }
        }
    }
    Some(secs)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The columns a journey reads besides the scores, by position in the
/// input.
struct Columns {
    customer: usize,
    time: usize,
    channel: Option<usize>,
}

impl Columns {
    fn find(reader: &InteractionReader, p: &JourneyParams) -> Result<Self> {
        Ok(Columns {
            customer: reader.column(&p.customer, "given by --customer")?,
            time: reader.column(&p.time, "given by --time")?,
            channel: match &p.channel {
                Some(c) => Some(reader.column(c, "given by --channel")?),
                None => None,
            },
        })
    }
}

/// The score columns a journey cannot do without.
const NEEDS: &[&str] = &["peak", "end", "bad_ending"];

/// What a run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JourneyStats {
    /// Contacts read.
    pub contacts: u64,
    /// Customers written.
    pub customers: u64,
}

/// Reads the per-interaction CSV at `input` (`-` for standard input) and
/// writes one row per customer to `output` (`None` or `-`: standard
/// output; a file is written beside its target and renamed into place).
pub fn run(
    input: &Path,
    output: Option<&Path>,
    p: &JourneyParams,
) -> Result<JourneyStats> {
    let source = Source::parse(input);
    let mut reader = InteractionReader::open_needing(&source, NEEDS)?;
    let cols = Columns::find(&reader, p)?;
    let name = reader.path().to_path_buf();
    let mut out = Output::create(output, &p.customer)?;
    let mut stats = JourneyStats::default();

    let mut current: Option<String> = None;
    let mut group: Vec<Contact> = Vec::new();
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let mut groups: Vec<(String, Vec<Contact>)> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    while let Some(row) = reader.next_row()? {
        let line = row.line;
        let (customer, contact) = read_contact(&row, &cols, p)?;
        stats.contacts += 1;
        if p.group_unsorted {
            let at = *index.entry(customer.clone()).or_insert_with(|| {
                groups.push((customer, Vec::new()));
                groups.len() - 1
            });
            groups[at].1.push(contact);
            continue;
        }
        if current.as_deref() != Some(customer.as_str()) {
            if let Some(done) = current.take() {
                out.write(&done, &mut group, p.repeat_days)?;
                stats.customers += 1;
            }
            if !seen.insert(hash(&customer)) {
                return Err(Error::input(
                    &name,
                    line,
                    format!(
                        "customer {customer:?} comes back after other customers: the rows \
                         must be grouped by {:?} (sort them, or pass --group-unsorted)",
                        p.customer
                    ),
                ));
            }
            current = Some(customer);
        }
        group.push(contact);
    }
    if let Some(done) = current {
        out.write(&done, &mut group, p.repeat_days)?;
        stats.customers += 1;
    }
    for (customer, mut contacts) in groups {
        out.write(&customer, &mut contacts, p.repeat_days)?;
        stats.customers += 1;
    }
    out.commit()?;
    Ok(stats)
}

fn hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// One row's customer and contact; errors name the line and column.
fn read_contact(
    row: &IxRow<'_>,
    cols: &Columns,
    p: &JourneyParams,
) -> Result<(String, Contact)> {
    let customer = row.cell(cols.customer);
    let customer = customer.trim();
    if customer.is_empty() {
        return Err(row.error(format!("empty {}", p.customer)));
    }
    let time_text = row.cell(cols.time);
    let time_text = time_text.trim();
    let time = parse_time(time_text).ok_or_else(|| {
        row.error(format!(
            "{} '{time_text}' is not a time (ISO 8601, or epoch seconds or milliseconds)",
            p.time
        ))
    })?;
    let f = &row.figures;
    let contact = Contact {
        id: row.id().trim().to_string(),
        time_text: time_text.to_string(),
        time,
        channel: cols.channel.map_or(String::new(), |c| row.cell(c).trim().to_string()),
        peak: f.peak,
        end: f.end,
        effort: f.effort,
        bad_ending: f.bad_ending,
        resolved: f.resolved,
    };
    Ok((customer.to_string(), contact))
}

/// The journey CSV: standard output, or a file made atomically.
struct Output {
    writer: csv::Writer<AtomicFile>,
    name: PathBuf,
    row: Vec<String>,
}

/// The journey columns after the customer column.
pub const COLUMNS: &[&str] = &[
    "contacts",
    "channels",
    "first_contact",
    "last_contact",
    "repeat_contacts",
    "peak",
    "peak_contact",
    "end",
    "end_contact",
    "remembered",
    "effort",
    "resolved",
    "failed_again",
    "failed_again_contacts",
];

impl Output {
    fn create(path: Option<&Path>, customer: &str) -> Result<Output> {
        let file = AtomicFile::create(path)?;
        let name = file.name().to_path_buf();
        let mut out =
            Output { writer: csv::Writer::from_writer(file), name, row: Vec::new() };
        let header = std::iter::once(customer).chain(COLUMNS.iter().copied());
        out.writer.write_record(header).map_err(|e| out.error(e))?;
        Ok(out)
    }

    fn error(&self, e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(e) => Error::io(&self.name, e),
            other => Error::io(&self.name, io::Error::other(format!("{other:?}"))),
        }
    }

    /// Writes one customer's row; sorts `contacts` by time and empties it.
    fn write(
        &mut self,
        customer: &str,
        contacts: &mut Vec<Contact>,
        days: f64,
    ) -> Result<()> {
        contacts.sort_by(|a, b| a.time.total_cmp(&b.time));
        let j = journey(contacts, days);
        contacts.clear();
        let fig = |v: Option<f64>| {
            let mut s = String::new();
            if let Some(v) = v {
                crate::summary::push_figure(&mut s, v, 4);
            }
            s
        };
        let flag = |v: Option<bool>| v.map_or("", |b| if b { "true" } else { "false" });
        self.row.clear();
        self.row.extend([
            customer.to_string(),
            j.contacts.to_string(),
            j.channels,
            j.first,
            j.last,
            j.repeat_contacts.to_string(),
            fig(j.peak.as_ref().map(|p| p.0)),
            j.peak.map(|p| p.1).unwrap_or_default(),
            fig(j.end.0),
            j.end.1,
            fig(j.remembered),
            fig(j.effort),
            flag(j.resolved).to_string(),
            (!j.failed_again.is_empty()).to_string(),
            j.failed_again.join("|"),
        ]);
        self.writer.write_record(&self.row).map_err(|e| self.error(e))
    }

    fn commit(self) -> Result<()> {
        let name = self.name;
        let file = self
            .writer
            .into_inner()
            .map_err(|e| Error::io(&name, io::Error::other(e.error().to_string())))?;
        file.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(
        id: &str,
        day: f64,
        end: f64,
        bad: bool,
        resolved: Option<bool>,
    ) -> Contact {
        Contact {
            id: id.into(),
            time_text: format!("day {day}"),
            time: day * 86_400.0,
            channel: id.split('-').next().unwrap_or("").into(),
            peak: Some(end),
            end: Some(end),
            effort: Some(0.2),
            bad_ending: Some(bad),
            resolved,
        }
    }

    #[test]
    fn journey_figures() {
        let contacts = [
            contact("chat-1", 0.0, -0.3, true, Some(false)),
            contact("call-2", 2.0, -0.8, true, None),
            contact("chat-3", 20.0, 0.5, false, Some(true)),
        ];
        let j = journey(&contacts, 7.0);
        assert_eq!(j.contacts, 3);
        assert_eq!(j.channels, "chat|call");
        assert_eq!(j.repeat_contacts, 1);
        assert_eq!(j.peak, Some((-0.8, "call-2".to_string())));
        assert_eq!(j.end, (Some(0.5), "chat-3".to_string()));
        assert!((j.remembered.unwrap() - (-0.15)).abs() < 1e-12);
        let want = 1.0 - 0.8f64.powi(3) * (1.0 - REPEAT_CONTACT);
        assert!((j.effort.unwrap() - want).abs() < 1e-12);
        assert_eq!(j.resolved, Some(true));
        // Ended well: no repeated failure.
        assert!(j.failed_again.is_empty());
        // The same, ending badly again.
        let mut worse = contacts.to_vec();
        worse[2] = contact("chat-3", 3.0, -0.5, false, Some(false));
        let j = journey(&worse, 7.0);
        assert_eq!(j.failed_again, ["chat-1", "call-2", "chat-3"]);
        assert_eq!(j.repeat_contacts, 2);
        // One bad contact alone is not a repeated failure.
        assert!(journey(&worse[2..], 7.0).failed_again.is_empty());
    }

    #[test]
    fn times() {
        let day = 86_400.0;
        let cases = [
            ("1970-01-02", Some(day)),
            ("2026-03-01", Some(20_513.0 * day)),
            ("2026-03-01T10:15:30Z", Some(20_513.0 * day + 36_930.0)),
            ("2026-03-01 10:15", Some(20_513.0 * day + 36_900.0)),
            ("2026-03-01T10:15:30+01:00", Some(20_513.0 * day + 33_330.0)),
            ("2026-03-01T10:15:30.5-02:00", Some(20_513.0 * day + 44_130.5)),
            ("1772360130", Some(1_772_360_130.0)),
            ("1772360130000", Some(1_772_360_130.0)),
            ("2026-13-01", None),
            ("yesterday", None),
            ("2026-03-01T25:00", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_time(text), want, "{text}");
        }
    }

    /// The example of [`journey`].
    #[test]
    fn journey_example() {
        use crate::journey::{journey, Contact};

        let c = |id: &str, t, end, resolved| Contact {
            id: id.into(),
            time: t,
            peak: Some(end),
            end: Some(end),
            resolved: Some(resolved),
            ..Contact::default()
        };
        let j = journey(&[c("a", 0.0, -0.6, false), c("b", 86_400.0, -0.4, false)], 7.0);
        assert_eq!(j.repeat_contacts, 1);
        assert_eq!(j.failed_again, ["a", "b"]);
    }
}
