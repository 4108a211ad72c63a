//! Amazon Transcribe Call Analytics and Amazon Connect Contact Lens: one
//! JSON object per call, turns in `Transcript[]`.
//!
//! Contact Lens writes Transcribe's layout with two differences (the traps
//! of `FORMATS.md`): a turn names its speaker by `ParticipantId`, whose
//! role is in `Participants[]`, and its loudness is `LoudnessScore`, not
//! `LoudnessScores` (neither is read). The id is `JobName` (Transcribe) or
//! `ContactId` (Contact Lens), else the file name (`<job>.json`,
//! `<contactId>_analysis_<time>.json`). A turn's `Sentiment` is kept as
//! POSITIVE 1, NEGATIVE -1, NEUTRAL and MIXED 0; the conversation's
//! `ConversationCharacteristics` as the overall sentiments (-5..5), the
//! customer's trend (last quarter's score minus the first's, as AWS's
//! post-call analytics sample computes it), duration, talk and non-talk
//! time and interruptions.

use std::collections::HashMap;

use serde::Deserialize;

use super::{named_id, Doc, Platform, Problem};
use crate::record::{Interaction, PlatformFacts, Turn};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Call {
    #[serde(default)]
    job_name: Option<String>,
    #[serde(default)]
    contact_id: Option<String>,
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    participants: Vec<Participant>,
    transcript: Vec<Segment>,
    #[serde(default)]
    conversation_characteristics: Option<Characteristics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Participant {
    #[serde(default)]
    participant_id: Option<String>,
    participant_role: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Segment {
    #[serde(default)]
    participant_role: Option<String>,
    #[serde(default)]
    participant_id: Option<String>,
    content: String,
    #[serde(default)]
    begin_offset_millis: Option<i64>,
    #[serde(default)]
    end_offset_millis: Option<i64>,
    #[serde(default)]
    sentiment: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Characteristics {
    #[serde(default)]
    total_conversation_duration_millis: Option<i64>,
    #[serde(default)]
    non_talk_time: Option<Total>,
    #[serde(default)]
    talk_time: Option<Total>,
    #[serde(default)]
    interruptions: Option<Interruptions>,
    #[serde(default)]
    sentiment: Option<Sentiments>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Total {
    #[serde(default)]
    total_time_millis: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Interruptions {
    #[serde(default)]
    total_count: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Sentiments {
    #[serde(default)]
    overall_sentiment: HashMap<String, f64>,
    #[serde(default)]
    sentiment_by_period: Option<ByPeriod>,
}

#[derive(Deserialize)]
struct ByPeriod {
    #[serde(default, rename = "QUARTER")]
    quarter: HashMap<String, Vec<PeriodScore>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PeriodScore {
    score: f64,
}

/// A turn's `Sentiment` as a number.
fn sentiment(label: &str) -> Option<f64> {
    let is = |name: &str| label.trim().eq_ignore_ascii_case(name);
    if is("POSITIVE") {
        Some(1.0)
    } else if is("NEGATIVE") {
        Some(-1.0)
    } else if is("NEUTRAL") || is("MIXED") {
        Some(0.0)
    } else {
        None
    }
}

pub(super) fn read(platform: Platform, doc: &Doc) -> Result<Interaction, Problem> {
    let call: Call = doc.parse()?;
    let roles: HashMap<&str, &str> = call
        .participants
        .iter()
        .filter_map(|p| Some((p.participant_id.as_deref()?, p.participant_role.as_str())))
        .collect();
    let mut turns = Vec::with_capacity(call.transcript.len());
    for (i, seg) in call.transcript.into_iter().enumerate() {
        let path = || format!("Transcript[{i}]");
        let (label, field) = match (&seg.participant_role, &seg.participant_id) {
            (Some(role), _) => (role.as_str(), "ParticipantRole"),
            (None, Some(id)) => match roles.get(id.as_str()) {
                Some(role) => (*role, "ParticipantId"),
                None if doc.speakers.mapped(id).is_some() => {
                    (id.as_str(), "ParticipantId")
                }
                None => {
                    let known: Vec<&str> = roles.keys().copied().collect();
                    return Err(doc.problem(
                        &format!("{}.ParticipantId", path()),
                        format!(
                            "'{id}' is not among Participants[] (their ParticipantIds: {})",
                            if known.is_empty() { "none".to_string() } else { known.join(", ") }
                        ),
                    ));
                }
            },
            (None, None) => {
                return Err(doc.problem(
                    &path(),
                    "missing field ParticipantRole (or ParticipantId)",
                ))
            }
        };
        let speaker = doc.speaker(label, &|| format!("{}.{field}", path()), |_| None)?;
        let platform_sentiment = match seg.sentiment.as_deref() {
            None => None,
            Some(s) => Some(sentiment(s).ok_or_else(|| {
                doc.problem(
                    &format!("{}.Sentiment", path()),
                    format!("'{s}' is not POSITIVE, NEGATIVE, NEUTRAL or MIXED"),
                )
            })?),
        };
        let (start_ms, end_ms) = (seg.begin_offset_millis, seg.end_offset_millis);
        doc.check_times(&path, start_ms, end_ms)?;
        turns.push(Turn {
            turn: 0,
            speaker,
            text: seg.content,
            start_ms,
            end_ms,
            line: 0,
            platform_sentiment,
        });
    }
    let named = match platform {
        Platform::ContactLens => call.contact_id.or(call.job_name),
        _ => call.job_name.or(call.contact_id),
    };
    let id = named_id(named).unwrap_or_else(|| {
        let id = doc.fallback_id();
        // Contact Lens: `<contactId>_analysis_<timestamp>`.
        match id.split_once("_analysis_") {
            Some((contact, _)) if !contact.is_empty() => contact.to_string(),
            _ => id,
        }
    });
    Ok(Interaction {
        id,
        language: named_id(call.language_code),
        turns,
        platform: Some(Box::new(facts(
            call.conversation_characteristics.unwrap_or_default(),
        ))),
        meta: Vec::new(),
    })
}

fn facts(c: Characteristics) -> PlatformFacts {
    let (overall, quarters) = match c.sentiment {
        Some(s) => (s.overall_sentiment, s.sentiment_by_period.map(|p| p.quarter)),
        None => (HashMap::new(), None),
    };
    let customer_trend = quarters.and_then(|q| {
        let scores = q.get("CUSTOMER")?;
        match (scores.first(), scores.last()) {
            (Some(first), Some(last)) if scores.len() > 1 => {
                Some(last.score - first.score)
            }
            _ => None,
        }
    });
    PlatformFacts {
        name: "",
        customer_sentiment: overall.get("CUSTOMER").copied(),
        agent_sentiment: overall.get("AGENT").copied(),
        customer_trend,
        duration_ms: c.total_conversation_duration_millis,
        talk_ms: c.talk_time.and_then(|t| t.total_time_millis),
        non_talk_ms: c.non_talk_time.and_then(|t| t.total_time_millis),
        interruptions: c.interruptions.and_then(|i| i.total_count),
    }
}
