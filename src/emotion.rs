//! Emotions: what the customer felt, turn by turn, and what the agent did
//! about it.
//!
//! Valence says how good or bad a moment was; coaches need to know *what* was
//! felt, because the remedy differs (confusion needs a clearer explanation,
//! anxiety reassurance, anger an apology and ownership). Each turn gets an
//! intensity in [0, 1) per [`Emotion`], from the emotion lexicon's words and
//! phrases (found in the same token pass and the same phrase scan as
//! valence), with three rules:
//!
//! - **negation** (a negator up to three words before the cue): a negated
//!   happiness or gratitude cue ("not happy") becomes disappointment at half
//!   weight; any other negated cue ("not angry", "not sorry") is cancelled.
//!   Phrases that carry their own negation ("don't understand") are not
//!   negated again;
//! - **boosters and dampeners** just before a cue scale it by (1 + b), with
//!   VADER's b = ±0.293;
//! - **questions**: a turn with `?` and a question word (how, what, why...),
//!   or a question word opening a sentence (speech-to-text has no `?`),
//!   adds [`QUESTION_CONFUSION`] to confusion: alone (intensity 0.295) it is
//!   just under the threshold, so a plain question is not confusion, but it
//!   tips "how do I ...?" or "what does this mean?" over. On DailyDialog a
//!   weight of 0.4 labelled 18.5% of emotion-free turns confusion, 0.35 1.4%,
//!   with the same macro-F1.
//!
//! Customer turns get only the customer categories ([`Emotion::CUSTOMER`]);
//! sarcasm and the repetition of the customer's own words are cues of
//! frustration (`score.rs`).
//!
//! Intensity = 1 − e^(−sum of weights): one strong cue (weight 1) gives 0.63,
//! two give 0.86. The turn's `emotion` is the strongest category when it
//! reaches [`DOMINANT_THRESHOLD`], else `neutral`.

use std::fmt;

/// Weight a question adds to confusion.
pub const QUESTION_CONFUSION: f64 = 0.35;
/// Intensity a category needs to be a turn's (or an interaction's) emotion.
pub const DOMINANT_THRESHOLD: f64 = 0.3;

/// An emotion category (contact-centre taxonomy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Emotion {
    /// Customer: anger.
    Anger,
    /// Customer: blocked, repeated effort.
    Frustration,
    /// Customer: expectation not met.
    Disappointment,
    /// Customer: worry or urgency about a problem.
    Anxiety,
    /// Customer: not understanding.
    Confusion,
    /// Customer: satisfaction, relief, joy.
    Happiness,
    /// Customer: thanks, appreciation.
    Gratitude,
    /// Agent: acknowledging the customer's feelings.
    Empathy,
    /// Agent: apologising.
    Apology,
}

/// Number of categories.
pub const COUNT: usize = 9;

impl Emotion {
    /// All categories, in output column order (also the tie-break order).
    pub const ALL: [Emotion; COUNT] = [
        Emotion::Anger,
        Emotion::Frustration,
        Emotion::Disappointment,
        Emotion::Anxiety,
        Emotion::Confusion,
        Emotion::Happiness,
        Emotion::Gratitude,
        Emotion::Empathy,
        Emotion::Apology,
    ];

    /// The customer's categories: all but the agent's two, which come last.
    pub const CUSTOMER: &'static [Emotion] = Emotion::ALL.split_at(7).0;

    /// The category's name, as in lexicon files and output columns.
    pub fn name(self) -> &'static str {
        match self {
            Emotion::Anger => "anger",
            Emotion::Frustration => "frustration",
            Emotion::Disappointment => "disappointment",
            Emotion::Anxiety => "anxiety",
            Emotion::Confusion => "confusion",
            Emotion::Happiness => "happiness",
            Emotion::Gratitude => "gratitude",
            Emotion::Empathy => "empathy",
            Emotion::Apology => "apology",
        }
    }

    /// Parses a category name (lowercase).
    pub fn parse(name: &str) -> Option<Emotion> {
        Emotion::ALL.into_iter().find(|e| e.name() == name)
    }

    /// What a negated cue of this category becomes: "not happy" is some
    /// disappointment; "not angry" is nothing.
    pub(crate) fn negated(self) -> Option<(Emotion, f64)> {
        match self {
            Emotion::Happiness | Emotion::Gratitude => {
                Some((Emotion::Disappointment, 0.5))
            }
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Emotion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Per-category intensities of one turn, each in [0, 1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Emotions(pub [f64; COUNT]);

impl Emotions {
    /// The intensity of one category.
    pub fn get(&self, e: Emotion) -> f64 {
        self.0[e.index()]
    }

    /// How activated the turn is on the side of its valence, in (-1, 1):
    /// the strongest aroused category on that side minus the strongest on
    /// the other (a mixed turn, "Great, thanks. Why was I charged twice?",
    /// is less intense than a plain one).
    ///
    /// In Russell's circumplex of affect, anger, frustration and anxiety
    /// are activated unpleasant states and happiness (delight, relief) an
    /// activated pleasant one; disappointment, confusion and gratitude sit
    /// nearer the calm middle and add nothing. A turn of valence 0 counts
    /// as positive.
    pub fn arousal(&self, valence: f64) -> f64 {
        use Emotion::*;
        let unpleasant =
            self.get(Anger).max(self.get(Frustration)).max(self.get(Anxiety));
        let pleasant = self.get(Happiness);
        if valence < 0.0 {
            unpleasant - pleasant
        } else {
            pleasant - unpleasant
        }
    }

    /// The customer's strongest complaint (anger, frustration,
    /// disappointment, anxiety, confusion) and its intensity, when it
    /// reaches the threshold.
    pub fn complaint(&self) -> Option<(Emotion, f64)> {
        use Emotion::*;
        let e = self.dominant_among(&[
            Anger,
            Frustration,
            Disappointment,
            Anxiety,
            Confusion,
        ])?;
        Some((e, self.get(e)))
    }

    /// The strongest of `among` when it reaches the threshold.
    pub fn dominant_among(&self, among: &[Emotion]) -> Option<Emotion> {
        let mut best: Option<(Emotion, f64)> = None;
        for &e in among {
            let v = self.get(e);
            if v >= DOMINANT_THRESHOLD && best.map_or(true, |(_, b)| v > b) {
                best = Some((e, v));
            }
        }
        best.map(|(e, _)| e)
    }

    /// The turn's emotion: the strongest category, if it reaches the threshold.
    pub fn dominant(&self) -> Option<Emotion> {
        self.dominant_among(&Emotion::ALL)
    }
}

/// Raw weights being summed for one turn.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accumulator([f64; COUNT]);

impl Accumulator {
    /// Adds a cue of `weight` for `emotion`, after the negation and booster
    /// rules (`negated`, `boost` = the booster increment before it, or 0).
    /// Returns the category and weight actually added, if any.
    pub fn add(
        &mut self,
        emotion: Emotion,
        weight: f64,
        negated: bool,
        boost: f64,
    ) -> Option<(Emotion, f64)> {
        let (e, w) = if negated {
            emotion.negated().map(|(e, f)| (e, weight * f))?
        } else {
            (emotion, weight)
        };
        let w = w * (1.0 + boost);
        if w <= 0.0 {
            return None;
        }
        self.0[e.index()] += w;
        Some((e, w))
    }

    /// Intensities: 1 − e^(−sum); 0 for a category without a cue (most
    /// of them, in most turns) without computing e^0.
    pub fn finish(&self) -> Emotions {
        Emotions(self.0.map(|s| if s == 0.0 { 0.0 } else { 1.0 - (-s).exp() }))
    }
}

/// One scored turn, as the interaction summary needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmotionMoment {
    /// True for customer turns.
    pub customer: bool,
    /// Turn valence.
    pub valence: f64,
    /// Turn emotions.
    pub emotions: Emotions,
}

/// The emotional summary of one interaction.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EmotionSummary {
    /// The customer's dominant emotion over the whole interaction (`None`:
    /// neutral, or no customer turn).
    pub dominant: Option<Emotion>,
    /// The customer's dominant emotion in the end window.
    pub end: Option<Emotion>,
    /// Whether the agent's next turn after the customer's most negative
    /// moment showed empathy or apology; `None` when the customer had no
    /// negative moment or no agent turn followed it.
    pub empathy_after_worst: Option<bool>,
}

/// Summarises emotions over `turns`; `end_start` is the first turn of the
/// peak-end end window.
pub fn summarise(turns: &[EmotionMoment], end_start: Option<usize>) -> EmotionSummary {
    let customer_sum = |from: usize| {
        let mut sum = [0.0; COUNT];
        for t in turns[from..].iter().filter(|t| t.customer) {
            for (s, v) in sum.iter_mut().zip(t.emotions.0) {
                *s += v;
            }
        }
        Emotions(sum)
    };
    let any_customer = turns.iter().any(|t| t.customer);
    let dominant =
        any_customer.then(|| customer_sum(0).dominant_among(Emotion::CUSTOMER)).flatten();
    let end = end_start.and_then(|s| customer_sum(s).dominant_among(Emotion::CUSTOMER));

    // The most negative customer moment (first on ties), if negative at all.
    let worst = turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.customer && t.valence < crate::peak_end::NEGATIVE_BELOW)
        .fold(None::<(usize, f64)>, |best, (i, t)| match best {
            Some((_, v)) if v <= t.valence => best,
            _ => Some((i, t.valence)),
        });
    let empathy_after_worst = worst.and_then(|(i, _)| {
        turns[i + 1..].iter().find(|t| !t.customer).map(|agent| {
            agent.emotions.get(Emotion::Empathy) >= DOMINANT_THRESHOLD
                || agent.emotions.get(Emotion::Apology) >= DOMINANT_THRESHOLD
        })
    });
    EmotionSummary { dominant, end, empathy_after_worst }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(customer: bool, valence: f64, cues: &[(Emotion, f64)]) -> EmotionMoment {
        let mut acc = Accumulator::default();
        for &(e, w) in cues {
            acc.add(e, w, false, 0.0);
        }
        EmotionMoment { customer, valence, emotions: acc.finish() }
    }

    #[test]
    fn rules() {
        let mut acc = Accumulator::default();
        assert_eq!(
            acc.add(Emotion::Happiness, 1.0, true, 0.0),
            Some((Emotion::Disappointment, 0.5))
        );
        assert_eq!(acc.add(Emotion::Anger, 1.0, true, 0.0), None);
        assert_eq!(
            acc.add(Emotion::Anger, 1.0, false, 0.293),
            Some((Emotion::Anger, 1.293))
        );
        let e = acc.finish();
        assert!((e.get(Emotion::Disappointment) - (1.0 - (-0.5f64).exp())).abs() < 1e-12);
        assert_eq!(e.dominant(), Some(Emotion::Anger));
        assert_eq!(Accumulator::default().finish().dominant(), None);
        assert_eq!(Emotion::parse("gratitude"), Some(Emotion::Gratitude));
        assert_eq!(Emotion::parse("joy"), None);
    }

    #[test]
    fn summary() {
        use Emotion::*;
        let turns = [
            turn(true, -0.8, &[(Anger, 0.8)]),
            turn(false, 0.1, &[(Empathy, 1.0)]),
            turn(true, 0.2, &[(Confusion, 0.5)]),
            turn(false, 0.0, &[]),
            turn(true, 0.7, &[(Gratitude, 1.0), (Happiness, 0.5)]),
        ];
        let s = summarise(&turns, Some(4));
        assert_eq!(s.dominant, Some(Gratitude), "0.63 (gratitude) beats 0.55 (anger)");
        assert_eq!(s.end, Some(Gratitude));
        assert_eq!(s.empathy_after_worst, Some(true));
        // No empathy after the worst moment.
        let turns = [
            turn(true, -0.8, &[(Anger, 1.0)]),
            turn(false, 0.0, &[]),
            turn(false, 0.0, &[(Apology, 1.0)]),
        ];
        assert_eq!(summarise(&turns, Some(0)).empathy_after_worst, Some(false));
        // No negative moment, or no agent after it.
        assert_eq!(summarise(&[turn(true, 0.5, &[])], Some(0)).empathy_after_worst, None);
        assert_eq!(
            summarise(&[turn(false, 0.0, &[]), turn(true, -0.5, &[])], Some(1))
                .empathy_after_worst,
            None
        );
        assert_eq!(
            summarise(&[turn(false, 0.0, &[(Empathy, 1.0)])], None),
            EmotionSummary::default()
        );
    }
}
