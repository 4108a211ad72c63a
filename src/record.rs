//! Plain data: a turn, an interaction, who spoke.

/// Who spoke a turn. Customer figures drive the peak-end summary; agent
/// turns are scored and reported but never enter the customer's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Speaker {
    /// The customer (also: caller, client, user, inbound).
    Customer,
    /// The agent (also: rep, representative, advisor, system, bot, outbound).
    Agent,
}

/// Speaker values accepted in input, case-insensitive, for error messages.
pub const SPEAKER_VALUES: &str = "customer, caller, client, user, inbound (customer); \
agent, rep, representative, advisor, system, bot, outbound (agent)";

impl Speaker {
    /// Parses a speaker value as `INTERFACE.md` defines it, case-insensitively
    /// and ignoring surrounding white space.
    pub fn parse(value: &str) -> Option<Speaker> {
        // The spellings of nearly every row, first.
        match value {
            "customer" => return Some(Speaker::Customer),
            "agent" => return Some(Speaker::Agent),
            _ => {}
        }
        let v = value.trim();
        const CUSTOMER: [&str; 5] = ["customer", "caller", "client", "user", "inbound"];
        const AGENT: [&str; 7] =
            ["agent", "rep", "representative", "advisor", "system", "bot", "outbound"];
        if CUSTOMER.iter().any(|c| c.eq_ignore_ascii_case(v)) {
            Some(Speaker::Customer)
        } else if AGENT.iter().any(|a| a.eq_ignore_ascii_case(v)) {
            Some(Speaker::Agent)
        } else {
            None
        }
    }

    /// The canonical name written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Customer => "customer",
            Speaker::Agent => "agent",
        }
    }
}

/// One turn of an interaction, as read from input.
#[derive(Clone, Debug, PartialEq)]
pub struct Turn {
    /// The turn number: the input's `turn` value, or the 1-based position.
    pub turn: i64,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub text: String,
    /// Start offset in milliseconds, when the input has one.
    pub start_ms: Option<i64>,
    /// End offset in milliseconds, when the input has one.
    pub end_ms: Option<i64>,
    /// 1-based line of the input where this turn starts (for messages).
    pub line: u64,
    /// The platform's own sentiment of the turn, on its scale (see
    /// [`PlatformFacts`]), when the input has one.
    pub platform_sentiment: Option<f64>,
}

impl Turn {
    /// Duration in milliseconds when both timestamps exist and are ordered.
    pub fn duration_ms(&self) -> Option<i64> {
        match (self.start_ms, self.end_ms) {
            (Some(s), Some(e)) if e >= s => e.checked_sub(s),
            _ => None,
        }
    }
}

/// One interaction: contiguous turns sharing an id, in conversation order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interaction {
    /// The id as given in the input.
    pub id: String,
    /// The language given in the input (`language` column or JSON field).
    pub language: Option<String>,
    /// The turns in conversation order.
    pub turns: Vec<Turn>,
    /// The values of the input columns carried to the output (`--keep`), in
    /// the order the reader was given them: the first non-empty value of
    /// each in the interaction; empty when it has none.
    pub meta: Vec<String>,
    /// What the contact-centre platform that exported it said about it
    /// (`None` for CSV and JSON Lines input).
    pub platform: Option<Box<PlatformFacts>>,
}

/// The figures a platform export carries about a whole conversation, kept
/// so users can compare them with peakend's; `None` where the export has
/// none. Sentiments are on the platform's own scale (README, "Platform
/// exports").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlatformFacts {
    /// The export format: `transcribe`, `contact-lens`, `genesys`, `ccai`, `twilio`.
    pub name: &'static str,
    /// The customer's overall sentiment.
    pub customer_sentiment: Option<f64>,
    /// The agent's overall sentiment.
    pub agent_sentiment: Option<f64>,
    /// The platform's customer sentiment trend (Amazon: last quarter's
    /// score minus the first's).
    pub customer_trend: Option<f64>,
    /// Length of the conversation.
    pub duration_ms: Option<i64>,
    /// Time someone was talking.
    pub talk_ms: Option<i64>,
    /// Time nobody was talking.
    pub non_talk_ms: Option<i64>,
    /// How many times one party talked over the other.
    pub interruptions: Option<i64>,
}

/// The `--speakers` mapping: speaker labels the input uses (diarised
/// `spk_0`, channels `ch_1`...) and who they are, consulted before the
/// built-in names ([`Speaker::parse`]). Which label is the agent is known
/// only to the deployment, so it is a setting, never a guess.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Speakers {
    /// (label as [`Speakers::key`] writes it, who).
    labels: Vec<(String, Speaker)>,
}

impl Speakers {
    /// Parses `LABEL=ROLE,...` (`spk_0=agent,spk_1=customer`; a role is
    /// any built-in speaker value). Labels are case-insensitive; a channel
    /// number may be written `0`, `ch_0`, `ch0` or `channel 0`.
    ///
    /// ```
    /// use peakend::{Speaker, Speakers};
    ///
    /// let s = Speakers::parse("spk_0=agent, ch_1=customer")?;
    /// assert_eq!(s.get("SPK_0"), Some(Speaker::Agent));
    /// assert_eq!(s.get("1"), Some(Speaker::Customer));
    /// assert_eq!(s.get("caller"), Some(Speaker::Customer));
    /// assert_eq!(s.get("spk_2"), None);
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(spec: &str) -> Result<Speakers, String> {
        let mut labels: Vec<(String, Speaker)> = Vec::new();
        for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((label, role)) = pair.split_once('=') else {
                return Err(format!(
                    "'{}' is not LABEL=ROLE (e.g. spk_0=agent,spk_1=customer)",
                    pair.trim()
                ));
            };
            let key = Speakers::key(label);
            if key.is_empty() {
                return Err(format!("'{}': the label is empty", pair.trim()));
            }
            let who = Speaker::parse(role).ok_or_else(|| {
                format!(
                    "'{}': unknown role '{}' (accepted: {SPEAKER_VALUES})",
                    pair.trim(),
                    role.trim()
                )
            })?;
            match labels.iter().find(|(k, _)| *k == key) {
                Some((_, before)) if *before != who => {
                    return Err(format!(
                        "label '{}' is given twice, as {} and {}",
                        label.trim(),
                        before.as_str(),
                        who.as_str()
                    ))
                }
                Some(_) => {}
                None => labels.push((key, who)),
            }
        }
        Ok(Speakers { labels })
    }

    /// True when no label is mapped.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The mapped labels (as [`Speakers::key`] writes them) and who they
    /// are, in the order given.
    pub fn labels(&self) -> impl Iterator<Item = (&str, Speaker)> + '_ {
        self.labels.iter().map(|(label, who)| (label.as_str(), *who))
    }

    /// Who spoke under `label`: the mapping first, then the built-in names.
    pub fn get(&self, label: &str) -> Option<Speaker> {
        self.mapped(label).or_else(|| Speaker::parse(label))
    }

    /// Who spoke under `label` by the mapping alone.
    pub fn mapped(&self, label: &str) -> Option<Speaker> {
        if self.labels.is_empty() {
            return None;
        }
        let key = Speakers::key(label);
        self.labels.iter().find(|(k, _)| *k == key).map(|(_, who)| *who)
    }

    /// A label as compared: trimmed, lowercase, and a channel (`0`, `ch0`,
    /// `ch_0`, `channel 0`, `channel_0`) as `ch_0`.
    pub fn key(label: &str) -> String {
        let l = label.trim().to_lowercase();
        let number = ["channel", "ch"]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .map(|n| n.trim_start_matches([' ', '_', '-']))
            .unwrap_or(&l);
        if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
            let n = number.trim_start_matches('0');
            format!("ch_{}", if n.is_empty() { "0" } else { n })
        } else {
            l
        }
    }
}

/// The message for a speaker label that is neither mapped nor built in.
pub fn unknown_speaker(label: &str) -> String {
    format!(
        "unknown speaker '{}' (accepted, case-insensitive: {SPEAKER_VALUES}; \
         name other labels with --speakers, e.g. --speakers spk_0=agent,spk_1=customer)",
        label.trim()
    )
}

impl Interaction {
    /// Total bytes of turn text, for throughput figures and batch sizing.
    pub fn text_bytes(&self) -> usize {
        self.turns.iter().map(|t| t.text.len()).sum()
    }
}
