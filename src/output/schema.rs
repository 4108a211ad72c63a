//! The two output tables, defined once: per interaction and per turn.
//!
//! Each column is a name, a [`Type`], a line of documentation and an
//! accessor that reads its [`Value`] from a scored row. Every encoding is
//! driven from these tables (the CSV writer in `super`, the report's
//! reader in `report::read`, and the README's column tables, which a test
//! compares with them), so a new column is one entry here. The first
//! columns of each table are fixed by `INTERFACE.md`; later ones follow.

use crate::emotion::Emotion;
use crate::engine::Scored;
use crate::record::{Interaction, PlatformFacts, Speaker, Turn};
use crate::score::{Term, TurnScore};

/// What a column holds, for encodings that declare types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// Free text (ids, names, the turn's text).
    Text,
    /// A whole number; may be missing.
    Int,
    /// A real number, written with four decimals; may be missing.
    Figure,
    /// `true` / `false`; may be missing.
    Flag,
    /// Explanation terms: `term:contribution` joined by `|`
    /// (`term:category:weight` for emotion cues).
    Terms,
    /// An input column carried through (`--keep`): text; may be missing.
    Kept,
}

impl Type {
    /// The type as the README's column tables and `--summary` name it:
    /// the Parquet/Arrow type, and whether the value may be missing.
    pub fn describe(self) -> &'static str {
        match self {
            Type::Text | Type::Terms => "string",
            Type::Int => "int64, nullable",
            Type::Figure => "float64, nullable",
            Type::Flag => "bool, nullable",
            Type::Kept => "string, nullable",
        }
    }
}

/// One cell, borrowed from the scored row; `None` is an empty cell (a
/// figure that does not exist).
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// [`Type::Text`].
    Text(&'a str),
    /// [`Type::Text`] that is one of peakend's own names (a language code,
    /// a speaker, an emotion, a platform): never quoted or escaped, as no
    /// name holds a byte that needs it (`tests::names_need_no_quotes`).
    Name(&'a str),
    /// [`Type::Int`].
    Int(Option<i64>),
    /// [`Type::Figure`].
    Figure(Option<f64>),
    /// [`Type::Flag`].
    Flag(Option<bool>),
    /// [`Type::Terms`].
    Terms(TermList<'a>),
    /// [`Type::Kept`].
    Kept(Option<&'a str>),
}

/// The explanation terms of some turns of one interaction, in text order.
#[derive(Clone, Copy, Debug)]
pub struct TermList<'a> {
    turns: &'a [Turn],
    scores: &'a [TurnScore],
    customers_only: bool,
    emotions: bool,
}

impl<'a> TermList<'a> {
    /// How many terms.
    pub fn len(&self) -> usize {
        self.lists().map(<[Term]>::len).sum()
    }

    /// True when there is no term.
    pub fn is_empty(&self) -> bool {
        self.lists().all(<[Term]>::is_empty)
    }

    /// The term lists of the turns taken.
    fn lists(&self) -> impl Iterator<Item = &'a [Term]> + 'a {
        self.scored_lists().map(|(_, list)| list)
    }

    /// The turns taken, each score with its term list.
    pub fn scored_lists(&self) -> impl Iterator<Item = (&'a TurnScore, &'a [Term])> + 'a {
        let (customers_only, emotions) = (self.customers_only, self.emotions);
        self.turns
            .iter()
            .zip(self.scores)
            .filter(move |(t, _)| !customers_only || t.speaker == Speaker::Customer)
            .map(move |(_, s)| {
                (s, if emotions { &s.emotion_terms[..] } else { &s.terms[..] })
            })
    }

    /// The terms, each with the turn score that holds its label.
    pub fn iter(&self) -> impl Iterator<Item = (&'a TurnScore, &'a Term)> + 'a {
        self.scored_lists().flat_map(|(s, list)| list.iter().map(move |term| (s, term)))
    }
}

/// One column of a table; `F` reads its value from a row.
pub struct Column<F> {
    /// The header name.
    pub name: &'static str,
    /// What it holds.
    pub ty: Type,
    /// What it means (the README says it at more length).
    pub doc: &'static str,
    /// Its value in a row.
    pub value: F,
}

/// A column of the per-interaction table.
pub type InteractionColumn = Column<for<'r, 'a> fn(&'r InteractionRow<'a>) -> Value<'r>>;
/// A column of the per-turn table.
pub type TurnColumn = Column<for<'r, 'a> fn(&'r TurnRow<'a>) -> Value<'r>>;

/// One interaction as the per-interaction table sees it.
pub struct InteractionRow<'a> {
    /// The interaction as read.
    pub ix: &'a Interaction,
    /// Its scores.
    pub scored: &'a Scored,
}

/// One turn as the per-turn table sees it.
pub struct TurnRow<'a> {
    /// The interaction id.
    pub id: &'a str,
    /// The turn as read.
    pub turn: &'a Turn,
    /// Its score.
    pub score: &'a TurnScore,
    /// The language it was scored in (the interaction's, unless the turn
    /// switches language).
    pub language: &'static str,
}

impl InteractionRow<'_> {
    /// What the platform export said about the interaction.
    fn platform(&self) -> Option<&PlatformFacts> {
        self.ix.platform.as_deref()
    }

    /// The `turn` number of the `i`-th turn.
    fn turn_no(&self, i: Option<usize>) -> Option<i64> {
        i.map(|i| self.ix.turns[i].turn)
    }

    /// The terms of the `i`-th turn.
    fn terms_of(&self, i: Option<usize>) -> TermList<'_> {
        let i = i.map_or(0..0, |i| i..i + 1);
        TermList {
            turns: &self.ix.turns[i.clone()],
            scores: &self.scored.turns[i],
            customers_only: false,
            emotions: false,
        }
    }

    /// The terms of the customer turns from `start` on.
    fn terms_from(&self, start: Option<usize>) -> TermList<'_> {
        let start = start.unwrap_or(self.ix.turns.len());
        TermList {
            turns: &self.ix.turns[start..],
            scores: &self.scored.turns[start..],
            customers_only: true,
            emotions: false,
        }
    }
}

impl TurnRow<'_> {
    fn terms(&self, emotions: bool) -> TermList<'_> {
        TermList {
            turns: std::slice::from_ref(self.turn),
            scores: std::slice::from_ref(self.score),
            customers_only: false,
            emotions,
        }
    }

    fn emotion(&self, e: Emotion) -> Value<'_> {
        Value::Figure(Some(self.score.emotions.get(e)))
    }
}

/// An emotion's name, `neutral` for none.
fn emotion_name(e: Option<Emotion>) -> &'static str {
    e.map_or("neutral", Emotion::name)
}

/// A row of one of the two tables, as its writers see it.
pub(crate) trait Row {
    /// The header names, in column order.
    fn names() -> impl Iterator<Item = &'static str>;

    /// The values, in column order, through the table's accessors.
    fn values(&self) -> impl Iterator<Item = Value<'_>>;

    /// [`Row::values`], each given to `sink`. The accessors are called
    /// directly, not through the table's function pointers, so that a
    /// sink's [`Sink::value`], inlined, meets each column with its type
    /// known and encodes it without a dispatch per cell.
    fn write<'r>(&'r self, sink: &mut impl Sink<'r>);
}

/// What takes a row's values, one by one in column order ([`Row::write`]).
pub(crate) trait Sink<'r> {
    /// Takes the next value.
    fn value(&mut self, value: Value<'r>);
}

/// A table from one list of columns, each `(name, type, documentation,
/// accessor)`: the static list of its columns, and its [`Row`]
/// implementation, which calls the same accessors.
macro_rules! table {
    (
        $what:literal,
        $table:ident,
        $column:ident,
        $row:ident,
        [$(($name:literal, $ty:ident, $doc:expr, $value:expr $(,)?)),* $(,)?] $(,)?
    ) => {
        #[doc = $what]
        pub static $table: &[$column] = &[
            $(Column { name: $name, ty: Type::$ty, doc: $doc, value: $value },)*
        ];

        impl Row for $row<'_> {
            fn names() -> impl Iterator<Item = &'static str> {
                names($table)
            }

            fn values(&self) -> impl Iterator<Item = Value<'_>> {
                $table.iter().map(move |c| (c.value)(self))
            }

            #[inline(always)]
            fn write<'r>(&'r self, sink: &mut impl Sink<'r>) {
                $({
                    let value: for<'x, 'a> fn(&'x $row<'a>) -> Value<'x> = $value;
                    sink.value(value(self));
                })*
            }
        }
    };
}

/// The documentation of an emotion's column.
macro_rules! intensity {
    ($name:literal) => {
        concat!("intensity of ", $name, " in [0, 1)")
    };
}

// Not formatted by rustfmt (a line of it is longer than `max_width`):
// indent as the other entries do.
table!(
    "The per-interaction table (`-o`), in column order.",
    INTERACTION,
    InteractionColumn,
    InteractionRow,
    [
        ("interaction_id", Text, "as in the input", |r| Value::Text(&r.ix.id)),
        ("language", Text, "the language it was scored in (ISO 639-1)", |r| {
            Value::Name(r.scored.language)
        }),
        ("turns", Int, "number of turns", |r| Value::Int(Some(
            r.ix.turns.len() as i64
        ))),
        ("customer_turns", Int, "number of customer turns", |r| {
            Value::Int(Some(r.scored.summary.customer_turns as i64))
        }),
        ("experienced", Figure, "mean customer valence, in [-1, 1]", |r| {
            Value::Figure(r.scored.summary.experienced)
        }),
        ("peak", Figure, "valence of the customer's most intense moment", |r| {
            Value::Figure(r.scored.summary.peak)
        }),
        ("peak_turn", Int, "the `turn` of that moment", |r| {
            Value::Int(r.turn_no(r.scored.summary.peak_index))
        }),
        ("end", Figure, "valence of the ending", |r| Value::Figure(
            r.scored.summary.end
        )),
        ("remembered", Figure, "peak-end score, in [-1, 1]", |r| {
            Value::Figure(r.scored.summary.remembered)
        }),
        ("gap", Figure, "remembered - experienced", |r| Value::Figure(
            r.scored.summary.gap
        )),
        ("bad_ending", Flag, "the ending went wrong", |r| {
            Value::Flag(r.scored.summary.bad_ending)
        }),
        ("agent_turns", Int, "number of agent turns", |r| {
            Value::Int(Some(r.scored.summary.agent_turns as i64))
        }),
        ("agent_valence", Figure, "mean valence of the agent's turns", |r| {
            Value::Figure(r.scored.summary.agent_valence)
        }),
        ("end_turn", Int, "the `turn` of the last customer turn", |r| {
            let s = &r.scored.summary;
            let last = s.end_start_index.and_then(|_| {
                r.ix.turns.iter().rposition(|t| t.speaker == Speaker::Customer)
            });
            Value::Int(r.turn_no(last))
        }),
        ("peak_terms", Terms, "the terms that drove the peak turn's score", |r| {
            match r.scored.outcome.peak_hold.as_str() {
                "" => Value::Terms(r.terms_of(r.scored.summary.peak_index)),
                hold => Value::Text(hold),
            }
        }),
        ("end_terms",
            Terms,
            "the terms of the customer turns in the end window",
            |r| { Value::Terms(r.terms_from(r.scored.summary.end_start_index)) }),
        ("emotion", Text, "the customer's dominant emotion, or neutral", |r| {
            Value::Name(emotion_name(r.scored.emotions.dominant))
        }),
        ("peak_emotion", Text, "the emotion of the peak turn", |r| {
            let peak =
                r.scored.summary.peak_index.filter(|_| r.scored.outcome.peak_hold.is_empty());
            Value::Name(
                peak.map_or("", |i| emotion_name(r.scored.turns[i].emotions.dominant())),
            )
        }),
        ("end_emotion",
            Text,
            "the customer's dominant emotion over the end window",
            |r| {
                let e = &r.scored;
                Value::Name(
                    e.summary.end_start_index.map_or("", |_| emotion_name(e.emotions.end)),
                )
            }),
        ("empathy_after_peak",
            Flag,
            "the agent's next turn after the customer's worst moment showed empathy",
            |r| Value::Flag(r.scored.emotions.empathy_after_worst)),
        ("positive_peak", Figure, "valence of the customer's best moment", |r| {
            Value::Figure(r.scored.summary.positive_peak)
        }),
        ("positive_peak_turn", Int, "the `turn` of that moment", |r| {
            Value::Int(r.turn_no(r.scored.summary.positive_peak_index))
        }),
        ("trend", Figure, "end minus the customer's start", |r| {
            Value::Figure(r.scored.summary.trend)
        }),
        ("effort",
            Figure,
            "how hard the contact was for the customer, in [0, 1]",
            |r| { Value::Figure(r.scored.outcome.effort.effort) }),
        ("effort_terms", Text, "the evidence behind effort, label:weight", |r| {
            Value::Text(&r.scored.outcome.effort.terms)
        }),
        ("resolved", Flag, "the customer got what they came for", |r| {
            Value::Flag(r.scored.outcome.resolution.resolved)
        }),
        ("resolution_terms",
            Text,
            "the evidence in the closing window, label:1 for, label:-1 against",
            |r| Value::Text(&r.scored.outcome.resolution.terms)),
        ("hold_ms", Int, "total length of the holds", |r| {
            Value::Int(r.scored.outcome.timing.hold_ms)
        }),
        ("longest_silence_ms", Int, "the longest gap between two turns", |r| {
            Value::Int(r.scored.outcome.timing.longest_silence_ms)
        }),
        ("interruptions",
            Int,
            "agent turns that started while the customer was still talking",
            |r| Value::Int(r.scored.outcome.timing.interruptions)),
        ("agent_talk_share", Figure, "the agent's share of the talking time", |r| {
            Value::Figure(r.scored.outcome.timing.agent_talk_share)
        }),
        ("first_response_ms",
            Int,
            "from the customer's first turn to the agent's next one",
            |r| Value::Int(r.scored.outcome.timing.first_response_ms)),
        ("holds",
            Text,
            "each hold as turn:ms, the turn it ends before and its length",
            |r| Value::Text(&r.scored.outcome.holds)),
        ("silences",
            Text,
            "each silence of 10 s or more that is not a hold, as turn:ms",
            |r| Value::Text(&r.scored.outcome.silences)),
        ("platform",
            Text,
            "the platform export read: transcribe, contact-lens, genesys, ccai, twilio (empty for CSV and JSON Lines)",
            |r| Value::Name(r.platform().map_or("", |p| p.name))),
        ("platform_customer_sentiment",
            Figure,
            "the platform's overall customer sentiment, on its scale",
            |r| Value::Figure(r.platform().and_then(|p| p.customer_sentiment))),
        ("platform_agent_sentiment",
            Figure,
            "the platform's overall agent sentiment, on its scale",
            |r| Value::Figure(r.platform().and_then(|p| p.agent_sentiment))),
        ("platform_customer_trend",
            Figure,
            "the platform's customer sentiment trend (Amazon: last quarter minus first)",
            |r| Value::Figure(r.platform().and_then(|p| p.customer_trend))),
        ("platform_duration_ms", Int, "the platform's length of the conversation", |r| {
            Value::Int(r.platform().and_then(|p| p.duration_ms))
        }),
        ("platform_talk_ms", Int, "the platform's talk time", |r| {
            Value::Int(r.platform().and_then(|p| p.talk_ms))
        }),
        ("platform_non_talk_ms",
            Int,
            "the platform's non-talk (silence) time",
            |r| Value::Int(r.platform().and_then(|p| p.non_talk_ms))),
        ("platform_interruptions",
            Int,
            "the platform's count of interruptions",
            |r| Value::Int(r.platform().and_then(|p| p.interruptions))),
    ]
);

table!(
    "The per-turn table (`--turns`), in column order.",
    TURN,
    TurnColumn,
    TurnRow,
    [
        ("interaction_id", Text, "as in the input", |r| Value::Text(r.id)),
        ("turn", Int, "as in the input, or the 1-based position", |r| {
            Value::Int(Some(r.turn.turn))
        }),
        ("speaker", Text, "customer or agent", |r| Value::Name(
            r.turn.speaker.as_str()
        )),
        ("valence", Figure, "compound valence in [-1, 1]", |r| {
            Value::Figure(Some(r.score.valence))
        }),
        ("positive", Figure, "proportion of positive sentiment", |r| {
            Value::Figure(Some(r.score.positive))
        }),
        ("negative", Figure, "proportion of negative sentiment", |r| {
            Value::Figure(Some(r.score.negative))
        }),
        ("neutral", Figure, "proportion of neutral tokens", |r| {
            Value::Figure(Some(r.score.neutral))
        }),
        ("language",
            Text,
            "the language the turn was scored in (ISO 639-1): the interaction's, or another when the turn switches",
            |r| Value::Name(r.language)),
        ("start_ms", Int, "as in the input", |r| Value::Int(r.turn.start_ms)),
        ("end_ms", Int, "as in the input", |r| Value::Int(r.turn.end_ms)),
        ("emotion", Text, "the turn's dominant emotion, or neutral", |r| {
            Value::Name(emotion_name(r.score.emotions.dominant()))
        }),
        ("anger", Figure, intensity!("anger"), |r| r.emotion(Emotion::Anger)),
        ("frustration", Figure, intensity!("frustration"), |r| r.emotion(Emotion::Frustration)),
        ("disappointment", Figure, intensity!("disappointment"), |r| r.emotion(Emotion::Disappointment)),
        ("anxiety", Figure, intensity!("anxiety"), |r| r.emotion(Emotion::Anxiety)),
        ("confusion", Figure, intensity!("confusion"), |r| r.emotion(Emotion::Confusion)),
        ("happiness", Figure, intensity!("happiness"), |r| r.emotion(Emotion::Happiness)),
        ("gratitude", Figure, intensity!("gratitude"), |r| r.emotion(Emotion::Gratitude)),
        ("empathy", Figure, intensity!("empathy"), |r| r.emotion(Emotion::Empathy)),
        ("apology", Figure, intensity!("apology"), |r| r.emotion(Emotion::Apology)),
        ("terms", Terms, "the words and phrases that drove the score", |r| {
            Value::Terms(r.terms(false))
        }),
        ("emotion_terms", Terms, "the cues behind the emotions", |r| Value::Terms(
            r.terms(true)
        )),
        ("text", Text, "the turn's text", |r| Value::Text(&r.turn.text)),
        ("platform_sentiment",
            Figure,
            "the platform's own sentiment of the turn, on its scale (empty when the input has none)",
            |r| Value::Figure(r.turn.platform_sentiment)),
    ]
);

/// Header names of a table, in order.
pub fn names<F>(table: &[Column<F>]) -> impl Iterator<Item = &'static str> + '_ {
    table.iter().map(|c| c.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of the README table under `heading`, in order, each
    /// with the type its row gives.
    fn readme_columns(heading: &str) -> Vec<(String, String)> {
        let readme = include_str!("../../README.md");
        let section = readme.split(heading).nth(1).expect("README section");
        let mut columns = Vec::new();
        for line in section.lines().skip_while(|l| !l.starts_with('|')) {
            let Some(row) = line.strip_prefix('|') else {
                break; // The end of the table.
            };
            let mut cells = row.split(" | ");
            let (first, ty) = (cells.next().unwrap_or(""), cells.next().unwrap_or(""));
            // `a`, `b`: every name between backticks.
            for name in first.split('`').skip(1).step_by(2) {
                columns.push((name.to_string(), ty.trim().to_string()));
            }
        }
        columns
    }

    #[test]
    fn names_need_no_quotes() {
        use crate::input::Platform;
        let emotions = Emotion::ALL.map(|e| emotion_name(Some(e)));
        let names =
            [emotion_name(None), Speaker::Customer.as_str(), Speaker::Agent.as_str()]
                .into_iter()
                .chain(emotions)
                .chain(crate::lang::LANGUAGES.iter().map(|l| l.code))
                .chain(Platform::ALL.map(Platform::name));
        for name in names {
            let special =
                |b: &u8| matches!(b, b',' | b'"' | b'\\' | b'\n' | b'\r') || *b < 0x20;
            assert!(!name.bytes().any(|b| special(&b)), "{name:?}");
        }
    }

    #[test]
    fn the_readme_lists_every_column_in_order_with_its_type() {
        fn schema<F>(table: &[Column<F>]) -> Vec<(String, String)> {
            table
                .iter()
                .map(|c| (c.name.to_string(), c.ty.describe().to_string()))
                .collect()
        }
        let tables = [
            ("### Per interaction", schema(INTERACTION)),
            ("### Per turn", schema(TURN)),
        ];
        for (heading, schema) in tables {
            assert_eq!(readme_columns(heading), schema, "README {heading}");
        }
    }

    /// Collects what [`Row::write`] gives, as text.
    struct Collect(Vec<String>);

    impl<'r> Sink<'r> for Collect {
        fn value(&mut self, value: Value<'r>) {
            self.0.push(format!("{value:?}"));
        }
    }

    /// `Row::write` calls the accessors of the table, in its order.
    fn written_as_listed(row: &impl Row) {
        let mut written = Collect(Vec::new());
        row.write(&mut written);
        let listed: Vec<String> = row.values().map(|v| format!("{v:?}")).collect();
        assert_eq!(written.0, listed);
    }

    #[test]
    fn rows_write_the_values_their_tables_list() {
        use crate::engine::{Engine, LangChoice};
        use crate::input::{Format, Reader};
        use crate::score::{ScoreOptions, Scratch};
        let data = std::fs::read("examples/transcripts.csv").unwrap();
        let options = ScoreOptions::default();
        let engine = Engine::new(LangChoice::Auto, None, options, Default::default());
        let (engine, mut scratch) = (engine.unwrap(), Scratch::default());
        let mut reader = Reader::from_bytes(data, Format::Csv);
        while let Some(ix) = reader.next_interaction().unwrap() {
            let scored = engine.score(&ix, &mut scratch);
            written_as_listed(&InteractionRow { ix: &ix, scored: &scored });
            for (i, (turn, score)) in ix.turns.iter().zip(&scored.turns).enumerate() {
                let language = scored.turn_language(i);
                written_as_listed(&TurnRow { id: &ix.id, turn, score, language });
            }
        }
    }

    #[test]
    fn emotion_columns_are_the_emotions() {
        let turn: Vec<&str> = names(TURN).collect();
        let at = turn.iter().position(|&n| n == "anger").unwrap();
        let emotions: Vec<&str> = Emotion::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(turn[at..at + emotions.len()], emotions[..]);
    }
}
