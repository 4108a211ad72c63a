#!/usr/bin/env python3
"""Writes the platform-export fixtures of tests/formats.rs from calls.csv.

Each file follows the layout FORMATS.md (../shared) describes for its
platform, traps included: Contact Lens names speakers by ParticipantId and
has LoudnessScore (singular); Genesys times are epoch milliseconds with a
duration and an IVR prompt; CCAI comes in its upload form (microseconds,
start times only) and its analysed form (word offsets "1.5s", one file with
channels only); Twilio gives seconds. The same calls, so peakend's figures
must come out the same as from calls.csv. Run from this folder:
python3 make_fixtures.py
"""

import csv
import json
import os

EPOCH = 1709288130000  # 2024-03-01T10:15:30Z, in ms

with open("calls.csv", newline="") as f:
    rows = list(csv.DictReader(f))
calls = {}
for r in rows:
    calls.setdefault(r["interaction_id"], []).append(r)


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


SENTIMENT = ["NEGATIVE", "NEUTRAL", "POSITIVE", "MIXED"]


def aws_characteristics(turns):
    end = int(turns[-1]["end_ms"])
    talk = sum(int(t["end_ms"]) - int(t["start_ms"]) for t in turns)
    return {
        "TotalConversationDurationMillis": end,
        "NonTalkTime": {"TotalTimeMillis": end - talk, "Instances": []},
        "Interruptions": {"TotalCount": 1, "TotalTimeMillis": 800,
                          "InterruptionsByInterrupter": {"AGENT": [{"BeginOffsetMillis": 100, "EndOffsetMillis": 900, "DurationMillis": 800}]}},
        "TalkTime": {"TotalTimeMillis": talk, "DetailsByParticipant": {"AGENT": {"TotalTimeMillis": talk // 2}, "CUSTOMER": {"TotalTimeMillis": talk - talk // 2}}},
        "TalkSpeed": {"DetailsByParticipant": {"AGENT": {"AverageWordsPerMinute": 150}, "CUSTOMER": {"AverageWordsPerMinute": 170}}},
        "Sentiment": {
            "OverallSentiment": {"AGENT": 2.5, "CUSTOMER": -1.2},
            "SentimentByPeriod": {"QUARTER": {
                "AGENT": [{"Score": 2.0, "BeginOffsetMillis": 0, "EndOffsetMillis": end}] * 4,
                "CUSTOMER": [{"Score": s, "BeginOffsetMillis": 0, "EndOffsetMillis": end} for s in (-3.5, -1.0, 0.0, 1.5)],
            }},
        },
    }


for n, (cid, turns) in enumerate(calls.items()):
    # Amazon Transcribe Call Analytics; the third call names no JobName (the file name does).
    t = {
        "JobStatus": "COMPLETED",
        "LanguageCode": "en-US",
        "AccountId": "123456789012",
        "Channel": "VOICE",
        "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
        "Transcript": [
            {
                "Id": f"seg-{i}",
                "ParticipantRole": r["speaker"].upper(),
                "Content": r["text"],
                "BeginOffsetMillis": int(r["start_ms"]),
                "EndOffsetMillis": int(r["end_ms"]),
                "Sentiment": SENTIMENT[i % 4],
                "LoudnessScores": [71.2, 78.9],
                **({"IssuesDetected": [{"CharacterOffsets": {"Begin": 0, "End": 5}}]} if i == 0 else {}),
            }
            for i, r in enumerate(turns)
        ],
        "Categories": {"MatchedCategories": [], "MatchedDetails": {}},
        "ConversationCharacteristics": aws_characteristics(turns),
    }
    if n < 2:
        t = {"JobName": cid, **t}
    write(f"transcribe/{cid}.json", t)

    # Amazon Connect Contact Lens: ParticipantId, LoudnessScore; the second call has no ContactId.
    ids = {"agent": f"a1b2c3d4-000{n}-agent", "customer": f"e5f6a7b8-000{n}-cust"}
    cl = {
        "Version": "1.1.0",
        "AccountId": "123456789012",
        "InstanceId": "11111111-2222-3333-4444-555555555555",
        "Channel": "VOICE",
        "LanguageCode": "en-US",
        "CustomModels": [],
        "JobDetails": {"SkippedAnalysis": []},
        "Participants": [{"ParticipantId": ids["agent"], "ParticipantRole": "AGENT"},
                         {"ParticipantId": ids["customer"], "ParticipantRole": "CUSTOMER"}],
        "Transcript": [
            {
                "Id": f"turn-{i}",
                "ParticipantId": ids[r["speaker"]],
                "Content": r["text"],
                "BeginOffsetMillis": int(r["start_ms"]),
                "EndOffsetMillis": int(r["end_ms"]),
                "Sentiment": SENTIMENT[(i + 1) % 4],
                "LoudnessScore": [65.0, 70.5],
            }
            for i, r in enumerate(turns)
        ],
        "Categories": {"MatchedCategories": [], "MatchedDetails": {}},
        "ConversationCharacteristics": aws_characteristics(turns),
    }
    if n != 1:
        cl = {"ContactId": cid, **cl}
    write(f"contact-lens/{cid}_analysis_20240301T101530Z.json", cl)

    # Genesys Cloud: epoch times, durations, agent-side IVR prompts, sentiment by phraseIndex.
    phrases = [
        {
            "text": r["text"],
            "decoratedText": r["text"],
            "startTimeMs": EPOCH + 3600_000 * n + int(r["start_ms"]),
            "duration": {"milliseconds": int(r["end_ms"]) - int(r["start_ms"])},
            "participantPurpose": "external" if r["speaker"] == "customer" else ("ivr" if r["text"].startswith("Welcome") else "internal"),
            "words": [],
        }
        for r in turns
    ]
    write(f"genesys/{cid}.json", {
        "organizationId": "org-1",
        "conversationId": cid,
        "communicationId": f"comm-{n}",
        "mediaType": "call",
        "transcripts": [{
            "transcriptId": f"tr-{n}",
            "language": "en-us",
            "phrases": phrases,
            "analytics": {"sentiment": [
                {"phraseIndex": i, "sentiment": round(-0.6 + 0.25 * i, 2), "participant": "external", "startTimeMs": p["startTimeMs"]}
                for i, p in enumerate(phrases) if p["participantPurpose"] == "external"
            ]},
        }],
        "participants": [],
    })

    # Twilio: seconds, roles by media_channel.
    write(f"twilio/{cid}.json", {
        "sid": cid,
        "language_code": "en-US",
        "channel": {"participants": [{"channel_participant": 1, "role": "Customer"},
                                     {"channel_participant": 2, "role": "Agent"}]},
        "sentences": [
            {
                "media_channel": 1 if r["speaker"] == "customer" else 2,
                "sentence_index": i,
                "start_time": int(r["start_ms"]) / 1000,
                "end_time": int(r["end_ms"]) / 1000,
                "transcript": r["text"],
                "confidence": 0.93,
                "words": [],
            }
            for i, r in enumerate(turns)
        ],
    })


def words(r):
    ws = r["text"].split() or [""]
    s, e = int(r["start_ms"]), int(r["end_ms"])
    step = (e - s) / len(ws)
    out = []
    for i, w in enumerate(ws):
        ws_ = s + round(step * i) if i else s
        we = e if i == len(ws) - 1 else s + round(step * (i + 1))
        out.append({"startOffset": f"{ws_ / 1000}s", "endOffset": f"{we / 1000}s", "word": w, "confidence": 0.9})
    return out


names = list(calls)
# CCAI, upload form (start times only, microseconds).
write(f"ccai/{names[0]}.json", {
    "conversation_info": {"categories": [{"display_name": "billing"}]},
    "entries": [
        {"start_timestamp_usec": (EPOCH + int(r["start_ms"])) * 1000, "text": r["text"],
         "role": "CUSTOMER" if r["speaker"] == "customer" else "AGENT", "user_id": 1 if r["speaker"] == "customer" else 2}
        for r in calls[names[0]]
    ],
})
# CCAI, analysed with roles; and analysed with channels only (callMetadata tells them).
for cid, with_roles in ((names[1], True), (names[2], False)):
    segs = []
    for r in calls[cid]:
        seg = {
            "text": r["text"],
            "confidence": 0.91,
            "languageCode": "en-US",
            "channelTag": 1 if r["speaker"] == "customer" else 2,
            "words": words(r),
        }
        if with_roles:
            seg["segmentParticipant"] = {"role": "END_USER" if r["speaker"] == "customer" else "HUMAN_AGENT", "userId": "u"}
        if r["speaker"] == "customer":
            seg["sentiment"] = {"score": -0.4, "magnitude": 0.6}
        segs.append(seg)
    conv = {
        "name": f"projects/p/locations/us-central1/conversations/{cid}",
        "languageCode": "en-US",
        "duration": f"{int(calls[cid][-1]['end_ms']) / 1000}s",
        "transcript": {"transcriptSegments": segs},
    }
    if with_roles:
        conv["latestAnalysis"] = {"analysisResult": {"callAnalysisMetadata": {
            "sentiments": [{"channelTag": 1, "sentimentData": {"score": -0.3, "magnitude": 2.1}},
                           {"channelTag": 2, "sentimentData": {"score": 0.6, "magnitude": 1.4}}],
            "silence": {"silenceDuration": "4.5s", "silencePercentage": 0.1},
        }}}
    else:
        conv["callMetadata"] = {"customerChannel": 1, "agentChannel": 2}
    write(f"ccai/{cid}.json", conv)
