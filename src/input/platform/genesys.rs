//! Genesys Cloud speech and text analytics transcripts: `conversationId`,
//! phrases in `transcripts[].phrases[]`.
//!
//! `participantPurpose` `external` is the customer, `internal` the agent;
//! the system prompts `acd` and `ivr` are kept as agent-side turns (they
//! are what the customer heard, so they count for timing and silences,
//! never in the customer's figures). Phrases of all transcripts are put in
//! time order; `startTimeMs` is epoch milliseconds, made relative to the
//! first phrase, and a phrase ends `duration.milliseconds` later. A
//! phrase's sentiment (-1..1) comes from `transcripts[].analytics.sentiment[]`
//! by `phraseIndex` within its transcript. A transcript file carries no
//! conversation-level figures.

use serde::Deserialize;

use super::{Doc, Problem};
use crate::record::{Interaction, PlatformFacts, Speaker, Turn};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Conversation {
    #[serde(default)]
    conversation_id: Option<String>,
    transcripts: Vec<Transcript>,
}

#[derive(Deserialize)]
struct Transcript {
    #[serde(default)]
    language: Option<String>,
    phrases: Vec<Phrase>,
    #[serde(default)]
    analytics: Option<Analytics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Phrase {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    decorated_text: Option<String>,
    #[serde(default)]
    start_time_ms: Option<i64>,
    #[serde(default)]
    duration: Option<Duration>,
    participant_purpose: String,
}

#[derive(Deserialize)]
struct Duration {
    #[serde(default)]
    milliseconds: Option<i64>,
}

#[derive(Deserialize)]
struct Analytics {
    #[serde(default)]
    sentiment: Vec<PhraseSentiment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhraseSentiment {
    phrase_index: usize,
    sentiment: f64,
}

/// Genesys' participant purposes.
fn purpose(label: &str) -> Option<Speaker> {
    let l = label.trim();
    if l.eq_ignore_ascii_case("external") {
        Some(Speaker::Customer)
    } else if ["internal", "acd", "ivr"].iter().any(|p| l.eq_ignore_ascii_case(p)) {
        Some(Speaker::Agent)
    } else {
        None
    }
}

pub(super) fn read(doc: &Doc) -> Result<Interaction, Problem> {
    let conv: Conversation = doc.parse()?;
    let language = conv.transcripts.iter().find_map(|t| t.language.clone());
    // (epoch start, turn), in file order.
    let mut turns: Vec<(Option<i64>, Turn)> = Vec::new();
    for (ti, transcript) in conv.transcripts.into_iter().enumerate() {
        let mut sentiments = vec![None; transcript.phrases.len()];
        for (si, s) in transcript.analytics.iter().flat_map(|a| &a.sentiment).enumerate()
        {
            match sentiments.get_mut(s.phrase_index) {
                Some(slot) => *slot = Some(s.sentiment),
                None => {
                    return Err(doc.problem(
                        &format!(
                            "transcripts[{ti}].analytics.sentiment[{si}].phraseIndex"
                        ),
                        format!(
                            "{} is not a phrase of this transcript (it has {})",
                            s.phrase_index,
                            transcript.phrases.len()
                        ),
                    ))
                }
            }
        }
        for (pi, (phrase, platform_sentiment)) in
            transcript.phrases.into_iter().zip(sentiments).enumerate()
        {
            let path = || format!("transcripts[{ti}].phrases[{pi}]");
            let speaker = doc.speaker(
                &phrase.participant_purpose,
                &|| format!("{}.participantPurpose", path()),
                purpose,
            )?;
            let Some(text) = phrase.text.or(phrase.decorated_text) else {
                return Err(doc.problem(&path(), "missing field text (or decoratedText)"));
            };
            let duration = phrase.duration.and_then(|d| d.milliseconds);
            if let Some(d) = duration.filter(|&d| d < 0) {
                return Err(doc.problem(
                    &format!("{}.duration.milliseconds", path()),
                    format!("{d} is negative"),
                ));
            }
            turns.push((
                phrase.start_time_ms,
                Turn {
                    turn: 0,
                    speaker,
                    text,
                    start_ms: None,
                    end_ms: duration,
                    line: 0,
                    platform_sentiment,
                },
            ));
        }
    }
    // Time order when every phrase has a time (stable: ties keep file order).
    if turns.iter().all(|(start, _)| start.is_some()) {
        turns.sort_by_key(|(start, _)| *start);
    }
    let first = turns.iter().filter_map(|(start, _)| *start).min();
    let turns = turns
        .into_iter()
        .map(|(start, mut t)| {
            t.start_ms = start.zip(first).map(|(s, f)| s.saturating_sub(f));
            // `end_ms` held the duration until now.
            t.end_ms = t.start_ms.zip(t.end_ms).map(|(s, d)| s.saturating_add(d));
            t
        })
        .collect();
    Ok(Interaction {
        id: doc.id(conv.conversation_id),
        language,
        turns,
        platform: Some(Box::new(PlatformFacts::default())),
        meta: Vec::new(),
    })
}
