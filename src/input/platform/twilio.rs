//! Twilio Conversational Intelligence: a transcript's `sentences[]`
//! (`media_channel`, `sentence_index`, `start_time` / `end_time` in seconds,
//! `transcript`), with the roles of its channel participants
//! (`channel.participants[]`: `channel_participant`, `role` `Customer` |
//! `Agent`) matched by `media_channel`; without them, `--speakers
//! ch_1=customer,ch_2=agent`. The id is the transcript's `sid` (or
//! `transcript_sid`), else the file name. Twilio gives no per-sentence
//! sentiment.

use serde::Deserialize;

use super::{named_id, Doc, Problem};
use crate::record::{Interaction, PlatformFacts, Turn};

#[derive(Deserialize)]
struct Transcript {
    #[serde(default, alias = "transcript_sid")]
    sid: Option<String>,
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    channel: Option<Channel>,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Channel {
    #[serde(default)]
    participants: Vec<ChannelParticipant>,
}

#[derive(Deserialize)]
struct ChannelParticipant {
    #[serde(default)]
    channel_participant: Option<i64>,
    #[serde(default)]
    role: Option<String>,
}

#[derive(Deserialize)]
struct Sentence {
    media_channel: i64,
    #[serde(default)]
    sentence_index: Option<i64>,
    #[serde(default)]
    start_time: Option<Seconds>,
    #[serde(default)]
    end_time: Option<Seconds>,
    transcript: String,
}

/// Seconds, as a number or a decimal string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Number(f64),
    Text(String),
}

impl Seconds {
    fn ms(&self) -> Option<i64> {
        let s = match self {
            Seconds::Number(n) => *n,
            Seconds::Text(t) => t.trim().parse().ok()?,
        };
        (s.is_finite() && s.abs() < 9e12).then(|| (s * 1000.0).round() as i64)
    }
}

pub(super) fn read(doc: &Doc) -> Result<Interaction, Problem> {
    let t: Transcript = doc.parse()?;
    let participants = t.channel.map(|c| c.participants).unwrap_or_default();
    let mut order: Vec<(Option<i64>, usize)> =
        t.sentences.iter().enumerate().map(|(i, s)| (s.sentence_index, i)).collect();
    order.sort();
    let mut sentences: Vec<Option<Sentence>> =
        t.sentences.into_iter().map(Some).collect();
    let mut turns = Vec::with_capacity(sentences.len());
    for (_, i) in order {
        let Some(s) = sentences[i].take() else { continue };
        let path = || format!("sentences[{i}]");
        let role = participants
            .iter()
            .find(|p| p.channel_participant == Some(s.media_channel))
            .and_then(|p| p.role.clone());
        let speaker = match role {
            Some(r) => {
                doc.speaker(&r, &|| format!("{}.media_channel", path()), |_| None)?
            }
            None => doc.speaker(
                &format!("ch_{}", s.media_channel),
                &|| format!("{}.media_channel", path()),
                |_| None,
            )?,
        };
        let time = |v: &Option<Seconds>, field: &str| match v {
            None => Ok(None),
            Some(v) => v.ms().map(Some).ok_or_else(|| {
                doc.problem(
                    &format!("{}.{field}", path()),
                    "expected a number of seconds",
                )
            }),
        };
        let (start_ms, end_ms) =
            (time(&s.start_time, "start_time")?, time(&s.end_time, "end_time")?);
        doc.check_times(&path, start_ms, end_ms)?;
        turns.push(Turn {
            turn: 0,
            speaker,
            text: s.transcript,
            start_ms,
            end_ms,
            line: 0,
            platform_sentiment: None,
        });
    }
    Ok(Interaction {
        id: doc.id(t.sid),
        language: named_id(t.language_code),
        turns,
        platform: Some(Box::new(PlatformFacts::default())),
        meta: Vec::new(),
    })
}
