//! Google Contact Center AI Insights conversations, in either of their two
//! forms: the upload form (`entries[]` with `role`, `text` and
//! `start_timestamp_usec`) and the analysed conversation
//! (`transcript.transcriptSegments[]`).
//!
//! Roles: `AGENT`, `HUMAN_AGENT`, `AUTOMATED_AGENT`, `ANY_AGENT` are the
//! agent, `CUSTOMER` and `END_USER` the customer. A segment without a role
//! is told by its `channelTag`: `callMetadata.customerChannel` /
//! `agentChannel` when given, else `--speakers ch_1=customer,...`. Times:
//! upload microseconds made relative to the first entry; a segment starts
//! at its first word's `startOffset` and ends at its last word's
//! `endOffset` (`"1.5s"`), or, without words, starts at its `messageTime`
//! (relative to the first one). A segment's `sentiment.score` (-1..1) is
//! kept per turn; `callAnalysisMetadata.sentiments[]` (at the top or in
//! `latestAnalysis.analysisResult`) give the customer's and the agent's
//! overall sentiment by channel, `silence.silenceDuration` the non-talk
//! time, `duration` the length.

use serde::Deserialize;

use super::{named_id, rfc3339_ms, seconds_ms, Doc, Problem};
use crate::record::{Interaction, PlatformFacts, Speaker, Turn};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Conversation {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    // The upload form.
    #[serde(default, rename = "entries")]
    entries: Option<Vec<Entry>>,
    // The analysed form.
    #[serde(default)]
    transcript: Option<Transcript>,
    #[serde(default)]
    call_metadata: Option<CallMetadata>,
    #[serde(default)]
    call_analysis_metadata: Option<AnalysisMetadata>,
    #[serde(default)]
    latest_analysis: Option<LatestAnalysis>,
}

#[derive(Deserialize)]
struct Entry {
    text: String,
    role: String,
    #[serde(default)]
    start_timestamp_usec: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transcript {
    transcript_segments: Vec<Segment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Segment {
    text: String,
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    channel_tag: Option<i64>,
    #[serde(default)]
    segment_participant: Option<Participant>,
    #[serde(default)]
    sentiment: Option<Sentiment>,
    #[serde(default)]
    message_time: Option<String>,
    #[serde(default)]
    words: Vec<Word>,
}

#[derive(Deserialize)]
struct Participant {
    #[serde(default)]
    role: Option<String>,
}

#[derive(Deserialize)]
struct Sentiment {
    #[serde(default)]
    score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Word {
    #[serde(default)]
    start_offset: Option<String>,
    #[serde(default)]
    end_offset: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallMetadata {
    #[serde(default)]
    customer_channel: Option<i64>,
    #[serde(default)]
    agent_channel: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LatestAnalysis {
    #[serde(default)]
    analysis_result: Option<AnalysisResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnalysisResult {
    #[serde(default)]
    call_analysis_metadata: Option<AnalysisMetadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnalysisMetadata {
    #[serde(default)]
    sentiments: Vec<ChannelSentiment>,
    #[serde(default)]
    silence: Option<Silence>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelSentiment {
    #[serde(default)]
    channel_tag: Option<i64>,
    #[serde(default)]
    sentiment_data: Option<Sentiment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Silence {
    #[serde(default)]
    silence_duration: Option<String>,
}

/// CCAI's participant roles.
fn role(label: &str) -> Option<Speaker> {
    let is = |names: &[&str]| names.iter().any(|n| label.trim().eq_ignore_ascii_case(n));
    if is(&["AGENT", "HUMAN_AGENT", "AUTOMATED_AGENT", "ANY_AGENT"]) {
        Some(Speaker::Agent)
    } else if is(&["CUSTOMER", "END_USER"]) {
        Some(Speaker::Customer)
    } else {
        None
    }
}

pub(super) fn read(doc: &Doc) -> Result<Interaction, Problem> {
    let conv: Conversation = doc.parse()?;
    let (turns, channels) = match (conv.entries, conv.transcript) {
        (Some(entries), _) => (upload(doc, entries)?, Channels::default()),
        (None, Some(t)) => analysed(doc, t.transcript_segments, conv.call_metadata)?,
        (None, None) => {
            return Err(doc.problem(
                "",
                "missing field entries (the upload form) or transcript.transcriptSegments (an analysed conversation)",
            ))
        }
    };
    let metadata = conv
        .call_analysis_metadata
        .or_else(|| conv.latest_analysis?.analysis_result?.call_analysis_metadata);
    let mut facts = PlatformFacts {
        duration_ms: conv.duration.as_deref().and_then(seconds_ms),
        ..PlatformFacts::default()
    };
    if let Some(m) = metadata {
        let of = |channel: Option<i64>| {
            let channel = channel?;
            m.sentiments
                .iter()
                .find(|s| s.channel_tag == Some(channel))
                .and_then(|s| s.sentiment_data.as_ref()?.score)
        };
        facts.customer_sentiment = of(channels.customer);
        facts.agent_sentiment = of(channels.agent);
        facts.non_talk_ms =
            m.silence.and_then(|s| s.silence_duration).as_deref().and_then(seconds_ms);
    }
    // `projects/p/locations/l/conversations/ID`: the ID.
    let id = doc.id(conv.name.map(|n| n.rsplit('/').next().unwrap_or(&n).to_string()));
    let language = named_id(conv.language_code.or(channels.language));
    Ok(Interaction {
        id,
        language,
        turns,
        meta: Vec::new(),
        platform: Some(Box::new(facts)),
    })
}

fn upload(doc: &Doc, entries: Vec<Entry>) -> Result<Vec<Turn>, Problem> {
    let first = entries.iter().filter_map(|e| e.start_timestamp_usec).min();
    let mut turns = Vec::with_capacity(entries.len());
    for (i, e) in entries.into_iter().enumerate() {
        let speaker = doc.speaker(&e.role, &|| format!("entries[{i}].role"), role)?;
        let start_ms =
            e.start_timestamp_usec.zip(first).map(|(t, f)| t.saturating_sub(f) / 1000);
        turns.push(Turn {
            turn: 0,
            speaker,
            text: e.text,
            start_ms,
            end_ms: None,
            line: 0,
            platform_sentiment: None,
        });
    }
    Ok(turns)
}

/// The channels of the customer and the agent, and the segments' language.
#[derive(Default)]
struct Channels {
    customer: Option<i64>,
    agent: Option<i64>,
    language: Option<String>,
}

fn analysed(
    doc: &Doc,
    segments: Vec<Segment>,
    meta: Option<CallMetadata>,
) -> Result<(Vec<Turn>, Channels), Problem> {
    let mut channels = Channels {
        customer: meta.as_ref().and_then(|m| m.customer_channel),
        agent: meta.as_ref().and_then(|m| m.agent_channel),
        language: segments.iter().find_map(|s| s.language_code.clone()),
    };
    let times: Vec<Option<i64>> =
        segments.iter().map(|s| s.message_time.as_deref().and_then(rfc3339_ms)).collect();
    let first_time = times.iter().flatten().min().copied();
    let mut turns = Vec::with_capacity(segments.len());
    for (i, (seg, time)) in segments.into_iter().zip(times).enumerate() {
        let path = || format!("transcript.transcriptSegments[{i}]");
        let given = seg.segment_participant.and_then(|p| p.role).filter(|r| {
            !r.trim().is_empty() && !r.eq_ignore_ascii_case("ROLE_UNSPECIFIED")
        });
        let speaker = match (given, seg.channel_tag) {
            (Some(r), _) => {
                doc.speaker(&r, &|| format!("{}.segmentParticipant.role", path()), role)?
            }
            (None, Some(ch)) if channels.customer == Some(ch) => Speaker::Customer,
            (None, Some(ch)) if channels.agent == Some(ch) => Speaker::Agent,
            (None, Some(ch)) => doc.speaker(
                &format!("ch_{ch}"),
                &|| format!("{}.channelTag", path()),
                |_| None,
            )?,
            (None, None) => {
                return Err(doc.problem(
                    &path(),
                    "missing field segmentParticipant.role (or channelTag)",
                ))
            }
        };
        if let Some(ch) = seg.channel_tag {
            let slot = match speaker {
                Speaker::Customer => &mut channels.customer,
                Speaker::Agent => &mut channels.agent,
            };
            slot.get_or_insert(ch);
        }
        let offset = |o: &Option<String>, field: &str| match o {
            None => Ok(None),
            Some(s) => seconds_ms(s).map(Some).ok_or_else(|| {
                doc.problem(
                    &format!("{}.words[].{field}", path()),
                    format!("'{s}' is not a duration in seconds (\"1.5s\")"),
                )
            }),
        };
        let (start_ms, end_ms) = match (seg.words.first(), seg.words.last()) {
            (Some(first), Some(last)) => (
                offset(&first.start_offset, "startOffset")?,
                offset(&last.end_offset, "endOffset")?,
            ),
            _ => (time.zip(first_time).map(|(t, f)| t.saturating_sub(f)), None),
        };
        doc.check_times(&path, start_ms, end_ms)?;
        turns.push(Turn {
            turn: 0,
            speaker,
            text: seg.text,
            start_ms,
            end_ms,
            line: 0,
            platform_sentiment: seg.sentiment.and_then(|s| s.score),
        });
    }
    Ok((turns, channels))
}
