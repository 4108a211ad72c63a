//! Languages: valence sign accuracy and detection accuracy per language, on
//! sentences written for peakend (tests/data/lang/<lang>.tsv, labelled by
//! their authors), plus rule checks per language.

use peakend::lang::{self, Detected};
use peakend::{Engine, LangChoice};
use peakend::{Interaction, Speaker, Turn};
use peakend::{ScoreOptions, Scratch};

/// Labelled sentences of a language: (text, label, note).
fn sentences(code: &str) -> Vec<(String, String, String)> {
    let path = crate::util::data(&format!("tests/data/lang/{code}.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                f[1].trim().to_string(),
                f.get(2).unwrap_or(&"").to_string(),
            )
        })
        .collect()
}

fn valence(engine: &Engine, text: &str) -> f64 {
    let ix = Interaction {
        id: "x".into(),
        language: None,
        turns: vec![Turn {
            turn: 1,
            speaker: Speaker::Customer,
            text: text.into(),
            start_ms: None,
            end_ms: None,
            line: 1,
            platform_sentiment: None,
        }],
        ..Default::default()
    };
    engine.score(&ix, &mut Scratch::default()).turns[0].valence
}

fn sign(v: f64) -> &'static str {
    if v >= 0.05 {
        "positive"
    } else if v <= -0.05 {
        "negative"
    } else {
        "neutral"
    }
}

#[test]
fn valence_sign_and_detection_per_language() {
    let mut report = String::new();
    for code in lang::LANGUAGES.iter().map(|l| l.code).filter(|&c| c != "en") {
        let engine = Engine::new(
            LangChoice::Fixed(code),
            None,
            ScoreOptions::default(),
            Default::default(),
        )
        .unwrap();
        let rows = sentences(code);
        assert!(rows.len() >= 50, "{code}: {} sentences", rows.len());
        let mut right = 0;
        let mut wrong = Vec::new();
        for (text, label, note) in &rows {
            let v = valence(&engine, text);
            if sign(v) == label {
                right += 1;
            } else {
                wrong.push(format!("{text:?} ({note}): {v:.3}, labelled {label}"));
            }
        }
        let short = rows
            .iter()
            .filter(|(t, _, _)| lang::detect(t) == Detected::Supported(code))
            .count();
        let groups: Vec<String> = rows
            .chunks(4)
            .map(|c| c.iter().map(|r| r.0.as_str()).collect::<Vec<_>>().join(" "))
            .collect();
        let long = groups
            .iter()
            .filter(|g| lang::detect(g) == Detected::Supported(code))
            .count();
        let acc = right as f64 / rows.len() as f64;
        report += &format!(
            "{code}: sign {right}/{} = {:.1}%; detection single sentence {short}/{} = {:.1}%, 4 sentences {long}/{} = {:.1}%\n",
            rows.len(), acc * 100.0, rows.len(), 100.0 * short as f64 / rows.len() as f64, groups.len(), 100.0 * long as f64 / groups.len() as f64
        );
        for w in &wrong {
            report += &format!("  wrong: {w}\n");
        }
        assert!(acc >= 0.75, "{code}: valence sign accuracy {acc:.2}\n{report}");
        assert!(
            long as f64 / groups.len() as f64 >= 0.9,
            "{code}: detection on 4-sentence texts\n{report}"
        );
    }
    eprintln!("{report}");
}

fn interaction(turns: &[(Speaker, &str)]) -> Interaction {
    Interaction {
        id: "x".into(),
        language: None,
        turns: turns
            .iter()
            .enumerate()
            .map(|(i, (speaker, text))| Turn {
                turn: i as i64 + 1,
                speaker: *speaker,
                text: (*text).into(),
                start_ms: None,
                end_ms: None,
                line: i as u64 + 2,
                platform_sentiment: None,
            })
            .collect(),
        ..Default::default()
    }
}

/// The words and phrases behind a turn's score.
fn labels(score: &peakend::TurnScore) -> Vec<&str> {
    score.terms.iter().map(|t| score.label(t)).collect()
}

fn auto() -> Engine {
    Engine::new(LangChoice::Auto, None, ScoreOptions::default(), Default::default())
        .unwrap()
}

/// One-line interactions, as a new user tried them (issue 15) and one
/// positive and one negated line per language (diacritic-less Romanian and
/// Portuguese too): detected with `auto`, and scored with the right sign.
#[test]
fn one_line_interactions_are_detected_and_scored() {
    let engine = auto();
    let cases = [
        ("Pas mal, merci.", "fr", "positive"),
        ("Nicht schlecht, danke.", "de", "positive"),
        ("Je ne suis pas content du tout.", "fr", "negative"),
        ("Merci, tout fonctionne maintenant.", "fr", "positive"),
        ("Ça ne marche toujours pas.", "fr", "negative"),
        ("Danke, jetzt funktioniert alles wieder.", "de", "positive"),
        ("Ich bin überhaupt nicht zufrieden.", "de", "negative"),
        ("Gracias, ya funciona todo.", "es", "positive"),
        ("No estoy nada contento con el servicio.", "es", "negative"),
        ("Grazie mille, adesso funziona tutto.", "it", "positive"),
        ("Non sono per niente soddisfatto.", "it", "negative"),
        ("Obrigado, agora está tudo a funcionar.", "pt", "positive"),
        ("Ainda nao funciona, estou muito chateado.", "pt", "negative"),
        ("Bedankt, het werkt weer.", "nl", "positive"),
        ("Ik ben helemaal niet tevreden.", "nl", "negative"),
        ("Multumesc frumos, acum merge.", "ro", "positive"),
        ("Nu sunt deloc multumit de serviciu.", "ro", "negative"),
    ];
    let mut wrong = Vec::new();
    for (text, want_lang, want_sign) in cases {
        let scored = engine
            .score(&interaction(&[(Speaker::Customer, text)]), &mut Scratch::default());
        let v = scored.turns[0].valence;
        if scored.language != want_lang
            || sign(v) != want_sign
            || scored.lang_fallback.is_some()
        {
            wrong.push(format!(
                "{text:?}: {} {v:.3} ({})",
                scored.language,
                labels(&scored.turns[0]).join("|")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // "tout" is not English "tout" here.
    let scored = engine.score(
        &interaction(&[(Speaker::Customer, "Je ne suis pas content du tout.")]),
        &mut Scratch::default(),
    );
    let terms = labels(&scored.turns[0]);
    assert!(!terms.contains(&"tout"), "{terms:?}");
}

/// An English call that ends in French: the French turns are scored in
/// French, and say so; the English ones stay English.
#[test]
fn a_code_switched_call_scores_each_turn_in_its_language() {
    let call = interaction(&[
        (
            Speaker::Customer,
            "My internet has been down for three days and nobody called me back.",
        ),
        (Speaker::Agent, "I'm sorry to hear that, let me check your line."),
        (Speaker::Customer, "It still doesn't work, this is ridiculous."),
        (Speaker::Agent, "I have reset the modem, can you try again?"),
        (Speaker::Customer, "Merci, c'est parfait maintenant, vous êtes formidable."),
    ]);
    let scored = auto().score(&call, &mut Scratch::default());
    assert_eq!(scored.language, "en");
    let langs: Vec<&str> = (0..5).map(|i| scored.turn_language(i)).collect();
    assert_eq!(langs, ["en", "en", "en", "en", "fr"]);
    assert!(scored.turns[4].valence > 0.5, "{:?}", scored.turns[4]);
    assert!(scored.summary.end.unwrap() > 0.0, "{:?}", scored.summary);
    // With the language given, nothing is detected and nothing switches.
    let fixed = Engine::new(
        LangChoice::Fixed("en"),
        None,
        ScoreOptions::default(),
        Default::default(),
    )
    .unwrap()
    .score(&call, &mut Scratch::default());
    assert!(fixed.turn_languages.is_empty());
    assert_eq!(fixed.turns[4].valence, 0.0);
}

/// `--default-lang` applies where nothing tells the language, and the
/// summary counts those interactions; `--help` lists the languages.
#[test]
fn default_lang_flag() {
    use crate::util::{col, csv_rows, TestCommand};
    let input = "interaction_id,speaker,text\na,customer,ok\nb,customer,Pas mal merci\n\
                 c,customer,The router works again and the lights are all green now thanks\nc,customer,Merci beaucoup c'est parfait maintenant\n";
    let mut c = TestCommand::new(&["score", "--default-lang", "de", "--turns", "t.csv"]);
    c.stdin(input);
    let o = c.output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&String::from_utf8_lossy(&o.stdout));
    let l = col(&rows[0], "language");
    let langs: Vec<&str> = rows[1..].iter().map(|r| r[l].as_str()).collect();
    assert_eq!(langs, ["de", "fr", "en"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("1 interaction whose language could not be told, scored as de"),
        "{stderr}"
    );
    let turns = csv_rows(&std::fs::read_to_string(c.path("t.csv")).unwrap());
    let l = col(&turns[0], "language");
    let langs: Vec<&str> = turns[1..].iter().map(|r| r[l].as_str()).collect();
    assert_eq!(langs, ["de", "fr", "en", "fr"]);

    let err = TestCommand::new(&["score", "--default-lang", "xx"]).stdin("").fails();
    assert!(
        err.contains("--default-lang: unsupported language 'xx' (supported: en, fr"),
        "{err}"
    );
    let help = TestCommand::new(&["score", "--help"]).stdout();
    assert!(help.contains("fr (French)") && help.contains("--default-lang"), "{help}");
}

/// Negation stops at a sentence end, and at a comma before a clause
/// opener, in every language: (language, text, expected sign). In each
/// text a negator is within VADER's three words of a sentiment word of the
/// next sentence (with `--no-phrases`, VADER's scope, most flip).
#[test]
fn negation_scope_stops_at_clause_boundaries() {
    let cases: &[(&str, &str, &str)] = &[
        ("en", "Not bad, thanks.", "positive"),
        ("en", "It's not dropping, it's dead.", "negative"),
        ("es", "nadie me ayuda. Es una vergüenza.", "negative"),
        ("fr", "Pas encore. Quelle honte.", "negative"),
        ("de", "Leider nicht. Eine Frechheit.", "negative"),
        ("it", "Non ancora. Che vergogna.", "negative"),
        ("pt", "Ainda não. Que vergonha.", "negative"),
        ("nl", "Nog niet. Wat een schande.", "negative"),
        ("ro", "Încă nu. Ce rușine.", "negative"),
    ];
    for &(code, text, want) in cases {
        let engine = Engine::new(
            LangChoice::Fixed(lang::normalize(code).unwrap()),
            None,
            ScoreOptions::default(),
            Default::default(),
        )
        .unwrap();
        let v = valence(&engine, text);
        assert_eq!(sign(v), want, "{code}: {text:?} gave {v}");
    }
}

/// An engine with the language given.
fn fixed(code: &str) -> Engine {
    Engine::new(
        LangChoice::Fixed(lang::normalize(code).unwrap()),
        None,
        ScoreOptions::default(),
        Default::default(),
    )
    .unwrap()
}

/// Every effort and resolution cue of every language is found when said
/// alone, by the party it names, as a sentence of its own: the files are
/// written as the tokenizer splits text (elisions apart, punctuation off).
#[test]
fn every_cue_of_every_language_is_found_as_written() {
    let mut missed = Vec::new();
    for code in lang::LANGUAGES.iter().map(|l| l.code).filter(|&c| c != "en") {
        let engine = fixed(code);
        for file in ["effort.tsv", "resolution.tsv"] {
            let path = crate::util::data(&format!("lexicons/{code}/{file}"));
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
                let f: Vec<&str> = line.split('\t').collect();
                let (cue, kind, who) = (f[0], f[1], f[2]);
                if kind == "condition" {
                    continue;
                }
                let speaker =
                    if who == "agent" { Speaker::Agent } else { Speaker::Customer };
                let scored = engine.score(
                    &interaction(&[(speaker, &format!("{cue}."))]),
                    &mut Scratch::default(),
                );
                let found = scored.outcome.cues.iter().any(|h| h.kind.name() == kind);
                if !found {
                    let got: Vec<String> = scored
                        .outcome
                        .cues
                        .iter()
                        .map(|h| format!("{}:{}", h.kind.name(), h.label))
                        .collect();
                    missed.push(format!(
                        "{code}/{file}: {cue:?} ({kind}) found as {got:?}"
                    ));
                }
            }
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// The contact-centre pattern families of every language (thanks for
/// nothing, still not working, already told you, how many times, third time
/// calling, waiting for weeks, works now, problem solved, politeness and
/// hold formulas at 0, empathy, never received, nobody answers, sarcasm, fed
/// up): sign, dominant emotion and effort/resolution cue, per sentence of
/// tests/data/lang/contact_centre.tsv.
#[test]
fn contact_centre_patterns_per_language() {
    let path = crate::util::data("tests/data/lang/contact_centre.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut engines: Vec<(&str, Engine)> = Vec::new();
    let mut wrong = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (code, who, said, want_sign) = (f[0], f[1], f[2], f[3]);
        let (want_emotion, want_cue) = (f.get(4).unwrap_or(&""), f.get(5).unwrap_or(&""));
        if !engines.iter().any(|(c, _)| *c == code) {
            engines.push((code, fixed(code)));
        }
        let engine = &engines.iter().find(|(c, _)| *c == code).unwrap().1;
        let speaker = if who == "agent" { Speaker::Agent } else { Speaker::Customer };
        let scored =
            engine.score(&interaction(&[(speaker, said)]), &mut Scratch::default());
        let turn = &scored.turns[0];
        let emotion = turn.emotions.dominant().map_or("neutral", |e| e.name());
        let cues: Vec<&str> = scored.outcome.cues.iter().map(|h| h.kind.name()).collect();
        if sign(turn.valence) != want_sign
            || (!want_emotion.is_empty() && emotion != *want_emotion)
            || (!want_cue.is_empty() && !cues.contains(want_cue))
        {
            wrong.push(format!(
                "{code}: {said:?}: {:.3} {emotion} {cues:?} ({})",
                turn.valence,
                labels(turn).join("|")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
