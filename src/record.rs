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
}

impl Interaction {
    /// Total bytes of turn text, for throughput figures and batch sizing.
    pub fn text_bytes(&self) -> usize {
        self.turns.iter().map(|t| t.text.len()).sum()
    }
}
