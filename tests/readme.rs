//! The README's example sentences and error messages, run as written. Each
//! case names text the README quotes (checked to be there, so the two move
//! together) and what peakend must give for it: a scorer or message change
//! that makes the README stale fails here, and the README is fixed with it.

use crate::util::{col, csv_rows, data, TestCommand};

/// The README with every run of whitespace made one space, so that a quote
/// wrapped over two lines is still found.
fn readme() -> String {
    let text = std::fs::read_to_string(data("README.md")).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the README says a sentence's valence is.
#[derive(Clone, Copy, Debug)]
enum Valence {
    /// As the README writes it, to two decimals.
    Is(f64),
    /// "positive" (> 0.05, VADER's neutral band).
    Positive,
    /// Anything: the claim is about terms or emotions.
    Any,
}

/// One sentence the README quotes, scored alone as one turn.
struct Sentence {
    lang: &'static str,
    speaker: &'static str,
    text: &'static str,
    valence: Valence,
    /// Substrings of the `terms` column.
    terms: &'static [&'static str],
    /// Substrings of the `emotion_terms` column.
    emotion_terms: &'static [&'static str],
    /// The turn's `emotion`, when the README names it.
    emotion: Option<&'static str>,
}

const fn s(lang: &'static str, text: &'static str, valence: Valence) -> Sentence {
    Sentence {
        lang,
        speaker: "customer",
        text,
        valence,
        terms: &[],
        emotion_terms: &[],
        emotion: None,
    }
}

impl Sentence {
    const fn terms(mut self, terms: &'static [&'static str]) -> Self {
        self.terms = terms;
        self
    }
    const fn emotion_terms(mut self, cues: &'static [&'static str]) -> Self {
        self.emotion_terms = cues;
        self
    }
    const fn emotion(mut self, emotion: &'static str) -> Self {
        self.emotion = Some(emotion);
        self
    }
}

use Valence::{Any, Is, Positive};

/// "How turns are scored", "Emotions", the peak rule and "Limitations".
const SENTENCES: &[Sentence] = &[
    // How turns are scored: scope, sarcasm, complaint emotions, politeness.
    s("en", "Not bad, thanks.", Any).terms(&["thanks:1.90"]),
    s("en", "It's not dropping, it's dead.", Any).terms(&["dead:-3.30"]),
    s("es", "nadie me ayuda. Es una vergüenza.", Any).terms(&["es una vergüenza:-2.40"]),
    s("en", "Oh great, another hour on hold", Any)
        .terms(&["sarcasm:great:"])
        .emotion_terms(&["sarcasm:great:frustration:0.60"])
        .emotion("frustration"),
    s("en", "3-5 days??", Is(-0.19)).terms(&["emotion:frustration:"]),
    s("en", "i didnt know i had two accounts", Is(-0.10)).terms(&["emotion:confusion:"]),
    s("en", "could you kindly", Is(0.0)),
    s("en", "that's not right", Any).terms(&["not right:-"]),
    // Emotions.
    s("en", "Sorry, I am a bit confused", Any).emotion("confusion"),
    s("en", "60??", Any).emotion_terms(&["??:frustration:0.50"]),
    s("en", "3-5 days??", Any).emotion_terms(&["??:frustration:0.50"]),
    // The peak rule's happy-then-angry call.
    s("en", "Great, thank you so much!! Why was I charged twice?", Is(0.71)),
    s("en", "Five working days? That is ridiculous.", Is(-0.62)).emotion("anger"),
    // Limitations.
    s("en", "4 hours", Is(0.0)).emotion("neutral"),
    s("en", "its now 4pm", Is(0.0)).emotion("neutral"),
    s("en", "nobody buzzed", Is(0.0)).emotion("neutral"),
    s("en", "had it for 6 years", Is(0.0)).emotion("neutral"),
    s("en", "better not be", Is(0.44)),
    s("en", "i didnt cancel it", Is(0.19)),
    s("en", "hello??", Any).emotion("frustration"),
    s("en", "flight is in 3 hrs", Any).emotion("anxiety"),
    s("en", "i have a client call at eleven", Is(0.0)).emotion("neutral"),
    s("en", "my wages go into that account", Is(0.0)).emotion("neutral"),
    s("en", "i didnt know you were open on sundays!", Is(-0.17)).emotion("confusion"),
    s("en", "Thank you. Then the total 38,40 is correct?", Any).emotion("gratitude"),
    s("en", "cool cool cool", Positive),
    s("en", "great, so I just wait then?", Positive),
    s("en", "Perfect, the engineer fixed it, the old one was broken", Any)
        .terms(&["sarcasm:perfect:"]),
    s("en", "So I sat at home all day for nothing", Is(0.0)),
    s("fr", "s'il vous plaît", Is(0.0)),
    s("de", "bitte", Is(0.0)),
    s("es", "por favor", Is(0.0)),
];

#[test]
fn readme_sentences_score_as_it_says() {
    let readme = readme();
    let mut input = csv::Writer::from_writer(Vec::new());
    input.write_record(["interaction_id", "language", "speaker", "text"]).unwrap();
    for (i, c) in SENTENCES.iter().enumerate() {
        assert!(readme.contains(c.text), "the README no longer quotes {:?}", c.text);
        input.write_record([&i.to_string(), c.lang, c.speaker, c.text]).unwrap();
    }
    let mut cmd =
        TestCommand::new(&["score", "-q", "-o", "ix.csv", "--turns", "turns.csv", "-"]);
    cmd.stdin(input.into_inner().unwrap()).stdout();
    let rows = csv_rows(&std::fs::read_to_string(cmd.path("turns.csv")).unwrap());
    let (header, rows) = rows.split_first().unwrap();
    assert_eq!(rows.len(), SENTENCES.len());
    let get = |row: &[String], name: &str| row[col(header, name)].clone();
    let mut stale = Vec::new();
    for (c, row) in SENTENCES.iter().zip(rows) {
        let valence: f64 = get(row, "valence").parse().unwrap();
        let (terms, cues, emotion) =
            (get(row, "terms"), get(row, "emotion_terms"), get(row, "emotion"));
        let valence_ok = match c.valence {
            Is(v) => (valence * 100.0).round() == (v * 100.0_f64).round(),
            Positive => valence > 0.05,
            Any => true,
        };
        if !valence_ok
            || !c.terms.iter().all(|t| terms.contains(t))
            || !c.emotion_terms.iter().all(|t| cues.contains(t))
            || c.emotion.is_some_and(|e| e != emotion)
        {
            stale.push(format!(
                "{:?}: valence {valence} (README: {:?}), terms {terms:?} (README: {:?}), \
                 emotion_terms {cues:?} (README: {:?}), emotion {emotion} (README: {:?})",
                c.text, c.valence, c.terms, c.emotion_terms, c.emotion
            ));
        }
    }
    assert!(stale.is_empty(), "README claims that no longer hold:\n{}", stale.join("\n"));
}

/// "Languages": one line is enough to tell French from German, and an
/// English call's French last turn is scored in French and ends positive.
#[test]
fn readme_language_examples() {
    let readme = readme();
    let lines = ["Pas mal, merci.", "Nicht schlecht, danke."];
    let switch = "Merci, c'est parfait maintenant, vous êtes formidable.";
    for text in lines.iter().chain([&switch]) {
        assert!(readme.contains(text), "the README no longer quotes {text:?}");
    }
    let input = format!(
        "id,speaker,text\nfr,customer,\"{}\"\nde,customer,\"{}\"\n\
         sw,customer,My internet has been down since yesterday and I need it for work.\n\
         sw,agent,Let me check the line for you.\nsw,customer,\"{switch}\"\n",
        lines[0], lines[1]
    );
    let mut cmd = TestCommand::new(&["score", "-q", "--turns", "turns.csv", "-"]);
    let ix = csv_rows(&cmd.stdin(input).stdout());
    let language: Vec<&str> =
        ix[1..].iter().map(|r| r[col(&ix[0], "language")].as_str()).collect();
    assert_eq!(language, ["fr", "de", "en"]);
    let end: f64 = ix[3][col(&ix[0], "end")].parse().unwrap();
    assert!(end > 0.05, "the code-switched call should end positive: {end}");
    let turns = csv_rows(&std::fs::read_to_string(cmd.path("turns.csv")).unwrap());
    assert_eq!(turns.last().unwrap()[col(&turns[0], "language")], "fr");
}

/// Files to write (name, contents), the arguments, and the message.
type ErrorCase = (Vec<(&'static str, String)>, Vec<&'static str>, &'static str);

/// "Errors and exit status": each message as the README prints it.
#[test]
fn readme_error_messages() {
    let readme = readme();
    let json_bad_comma = "{\"interaction_id\":\"a\",\"turns\":[]}\n\
                          {\"interaction_id\":\"cc-1\", \"turns\": [] \"x\"}\n";
    let jsonl_turn3 = "{\"interaction_id\":\"a\",\"turns\":[]}\n{\"interaction_id\":\"b\",\"turns\":[\
                       {\"speaker\":\"customer\",\"text\":\"x\"},{\"speaker\":\"agent\",\"text\":\"y\"},\
                       {\"speaker\":\"robot\",\"text\":\"z\"}]}\n";
    let ids = "id,speaker,text\n";
    let unclosed = format!("{ids}a,customer,1\na,agent,2\na,customer,3\na,agent,4\na,customer,5\n\
                            a,agent,\"six\nb,customer,7\nb,agent,8\nb,customer,9\nb,agent,10\nb,customer,11\n");
    let cases: Vec<ErrorCase> = vec![
        (vec![], vec!["score", "calls.csv"], "calls.csv: input file not found"),
        (
            vec![("calls/notes.txt", String::new())],
            vec!["score", "calls"],
            "calls: the directory holds no transcript file (*.csv, *.tsv, *.json, *.jsonl, *.ndjson, or .gz of them)",
        ),
        (
            vec![("calls.csv", String::new())],
            vec!["score", "calls.csv"],
            "calls.csv:1: the file is empty: expected a header row",
        ),
        (
            vec![("chats.jsonl", "\u{feff}\n\n".into())],
            vec!["score", "chats.jsonl"],
            "chats.jsonl:1: the file is empty: expected one JSON object per line",
        ),
        (
            vec![("calls.csv", "id,who,text\na,customer,x\n".into())],
            vec!["score", "calls.csv"],
            "calls.csv:1: header has no 'speaker' column (accepted names, case-insensitive: speaker, role, participant, participant_role, party)",
        ),
        (
            vec![("calls.csv", "id,speaker,\"text\na,customer,x\n".into())],
            vec!["score", "calls.csv"],
            "calls.csv:1: unterminated quoted field in the header: a quote is never closed",
        ),
        (
            vec![("calls.csv", unclosed)],
            vec!["score", "calls.csv"],
            "calls.csv:7: unterminated quoted field: the quote that opens field 3 ('text') is never closed, so lines 7-12 would be one cell",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,1\na,agent,2\na,customer,3\na,agent,4\na,customer,5\na,agent,6,x\n"))],
            vec!["score", "calls.csv"],
            "calls.csv:7: row has 4 fields but the header has 3",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\na,robot,y\n"))],
            vec!["score", "calls.csv"],
            "calls.csv:3: unknown speaker 'robot' (accepted, case-insensitive: customer, caller, client, user, inbound (customer); agent, rep, representative, advisor, system, bot, outbound (agent); name other labels with --speakers, e.g. --speakers spk_0=agent,spk_1=customer)",
        ),
        (
            vec![("chats.jsonl", jsonl_turn3.into())],
            vec!["score", "chats.jsonl"],
            "chats.jsonl:2: turn 3: unknown speaker 'robot' (accepted, ",
        ),
        (
            vec![("calls.csv", "id,speaker,text,turn\na,customer,x,1\na,agent,y,2\na,customer,z,3\na,agent,w,x\n".into())],
            vec!["score", "calls.csv"],
            "calls.csv:5: turn 'x' is not a whole number",
        ),
        (
            vec![("calls.csv", "id,speaker,text,start_ms\na,customer,x,1\na,agent,y,2\na,customer,z,3\na,agent,w,12:00\n".into())],
            vec!["score", "calls.csv"],
            "calls.csv:5: start_ms '12:00' is not a whole number",
        ),
        (
            vec![("chats.jsonl", "{\"id\":\"a\",\"turns\":[]}\n{\"id\":\"b\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"x\",\"start_ms\":1e300}]}\n".into())],
            vec!["score", "chats.jsonl"],
            "chats.jsonl:2: turn 1: start_ms '1e300' is too large: beyond 9e15, where numbers with a point or an exponent are no longer exact",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\na,agent,y\n,customer,z\n"))],
            vec!["score", "calls.csv"],
            "calls.csv:4: empty interaction_id",
        ),
        (
            vec![("chats.jsonl", "{\"id\":\"a\",\"turns\":[]}\n{\"id\":\"b\",\"turns\":[]}\n{\"id\":\"c\",\"turns\":[]}\n{\"id\":null,\"turns\":[]}\n".into())],
            vec!["score", "chats.jsonl"],
            "chats.jsonl:4: interaction_id must be a non-empty string or a number, got null",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\nb,customer,y\na,agent,z\n"))],
            vec!["score", "calls.csv"],
            "calls.csv:4: interaction 'a' appears again after other interactions (it started at line 2); rows of one interaction must be contiguous: sort the input by interaction id, or pass --group-unsorted to group them in memory",
        ),
        (
            vec![("one.csv", format!("{ids}a,customer,x\n")), ("two.csv", format!("{ids}b,customer,y\na,agent,z\n"))],
            vec!["score", "one.csv", "two.csv"],
            "(it started at one.csv:2)",
        ),
        (
            vec![("chats.jsonl", json_bad_comma.into())],
            vec!["score", "chats.jsonl"],
            "chats.jsonl:2:39: invalid JSON: expected `,` or `}`",
        ),
        (
            vec![("chats.jsonl", "{\"interaction_id\":\"a\"}\n".into())],
            vec!["score", "chats.jsonl"],
            "chats.jsonl:1: missing field turns",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\n"))],
            vec!["score", "calls.csv", "-o", "out/ix.csv"],
            "out/ix.csv: cannot create the output file: No such file or directory (os error 2)",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\n")), ("out/keep", String::new())],
            vec!["score", "calls.csv", "-o", "out"],
            "out: -o is a directory, not a file",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\n"))],
            vec!["score", "calls.csv", "-o", "x.csv", "--turns", "x.csv"],
            "x.csv: -o and --turns name the same file",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\n"))],
            vec!["score", "calls.csv", "-o", "calls.csv"],
            "calls.csv: -o would overwrite an input file",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\n"))],
            vec!["score", "calls.csv", "--rejects", "-"],
            "--rejects needs a file: standard output carries the scores",
        ),
        (
            vec![("ix.csv", "interaction_id,language,turns,customer_turns,experienced,peak,peak_turn,end,gap,bad_ending\n".into())],
            vec!["report", "ix.csv"],
            "ix.csv:1: header has no 'remembered' column: expected the per-interaction CSV written by `peakend score -o`",
        ),
        (
            vec![("calls.csv", format!("{ids}a,customer,x\n")), ("my-lexicons/en/valence.tsv", "squashed\t-2.5\nbad\tterrible\n".into())],
            vec!["score", "calls.csv", "--lexicons", "my-lexicons"],
            "my-lexicons/en/valence.tsv:2: lexicon: 'terrible' is not a number",
        ),
        (
            vec![],
            vec!["score", "--delimiter", "ab", "calls.csv"],
            "error: invalid value 'ab' for '--delimiter <C>': 'ab' is not a delimiter: give one ASCII character other than a quote or a line end, or 'tab'",
        ),
    ];
    let mut stale = Vec::new();
    for (files, args, message) in cases {
        if !readme.contains(message) {
            stale.push(format!("the README no longer shows {message:?}"));
        }
        let mut cmd = TestCommand::new(&args);
        for (name, contents) in &files {
            cmd.file(name, contents);
        }
        let err = cmd.fails();
        if !err.contains(message) {
            stale.push(format!("{args:?}: {err:?} does not say {message:?}"));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}
