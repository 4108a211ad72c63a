//! Tokenizer: splits a turn into the tokens that the scoring rules read.
//!
//! English valence must reproduce vaderSentiment 3.3.2, so the token rules are
//! VADER's: emoji are replaced by their descriptions, the text is split on
//! white space, and leading/trailing punctuation is stripped unless that leaves
//! two characters or fewer (which keeps emoticons such as `:)` and `<3`, and
//! contractions such as `don't`, whole). Each token gets its lowercase form for
//! lexicon look-ups and, when phrases are on, a punctuation-free form in a
//! space-padded buffer that the phrase automaton scans once per turn.
//!
//! Three deliberate departures from VADER, each fixing a known weakness on
//! chat text (see DESIGN.md and the `departures` tests in `score.rs`):
//! curly apostrophes (`don’t`) are read as `'`, typographic quotes and
//! Spanish/French marks (`“ ” « » ¿ ¡ …`) are stripped like ASCII punctuation,
//! and the emoji variation selector U+FE0F is dropped so that `❤️` reads as `❤`.
//!
//! Nothing here allocates per token: all forms are appended to buffers owned
//! by [`Tokens`], which a worker reuses for every turn.

use rustc_hash::FxHashMap;

/// Where one token's forms live in the [`Tokens`] buffers.
#[derive(Clone, Copy, Debug)]
pub struct Token {
    lower_start: u32,
    lower_end: u32,
    phrase_start: u32,
    phrase_end: u32,
    upper: bool,
}

/// The tokens of one turn, in buffers reused from turn to turn.
#[derive(Debug, Default)]
pub struct Tokens {
    expanded: String,
    lower: String,
    phrase_text: String,
    tokens: Vec<Token>,
    exclamations: u32,
    questions: u32,
}

impl Tokens {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when the turn has no token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The lowercase form of token `i` (VADER's `item.lower()`).
    #[inline]
    pub fn lower(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.lower[t.lower_start as usize..t.lower_end as usize]
    }

    /// True when token `i` is ALL CAPS (Python's `str.isupper`).
    #[inline]
    pub fn is_upper(&self, i: usize) -> bool {
        self.tokens[i].upper
    }

    /// The form shown in explanations: lowercase, surrounding punctuation
    /// stripped (the lowercase form when that would leave nothing).
    pub fn label(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        if t.phrase_end > t.phrase_start {
            &self.phrase_text[t.phrase_start as usize..t.phrase_end as usize]
        } else {
            let l = self.lower(i);
            let s = trim_punct(l);
            if s.is_empty() {
                l
            } else {
                s
            }
        }
    }

    /// The space-padded phrase text: `" form  form  form "`, one form per
    /// token, so a phrase pattern `" w1  w2 "` can only match whole tokens.
    /// Empty unless tokenized with phrases on.
    pub fn phrase_text(&self) -> &str {
        &self.phrase_text
    }

    /// The token whose phrase form starts at byte `pos - 1` of
    /// [`Tokens::phrase_text`] or contains `pos`; used to map phrase matches
    /// back to tokens.
    pub fn token_at_phrase_offset(&self, pos: usize) -> usize {
        let pos = pos as u32;
        self.tokens.partition_point(|t| t.phrase_end < pos)
    }

    /// Count of `!` in the text (VADER counts the whole text).
    pub fn exclamations(&self) -> u32 {
        self.exclamations
    }

    /// Count of `?` in the text.
    pub fn questions(&self) -> u32 {
        self.questions
    }

    fn clear(&mut self) {
        self.expanded.clear();
        self.lower.clear();
        self.phrase_text.clear();
        self.tokens.clear();
        self.exclamations = 0;
        self.questions = 0;
    }
}

/// Python's `str.isspace`: Unicode white space plus the ASCII separators
/// U+001C..U+001F, which `str.split()` also splits on.
#[inline]
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Punctuation stripped from token ends: Python's `string.punctuation` plus
/// typographic quotes and marks (a departure, see the module doc).
#[inline]
fn is_strip_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201C}' | '\u{201D}' | '\u{201E}'
                | '\u{00AB}' | '\u{00BB}' | '\u{2039}' | '\u{203A}' | '\u{00BF}' | '\u{00A1}'
                | '\u{2026}' | '\u{2013}' | '\u{2014}'
        )
}

/// Strips [`is_strip_punct`] characters from both ends.
#[inline]
pub fn trim_punct(s: &str) -> &str {
    let b = s.as_bytes();
    // Fast path: both ends ASCII (any multi-byte character ends in a byte
    // >= 0x80, so an ASCII byte at an end is a whole character).
    if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
        if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
            return s;
        }
    }
    s.trim_matches(is_strip_punct)
}

/// Python's `str.isupper`: at least one cased character and no lowercase one.
#[inline]
fn is_upper(s: &str) -> bool {
    let mut cased = false;
    if s.is_ascii() {
        for b in s.bytes() {
            if b.is_ascii_lowercase() {
                return false;
            }
            cased |= b.is_ascii_uppercase();
        }
        return cased;
    }
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Appends the lowercase form of `s` to `out`, reading curly apostrophes as
/// ASCII ones.
#[inline]
fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        // SAFETY-free: ASCII lowercasing keeps the buffer valid UTF-8.
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in s.chars() {
        match c {
            '\u{2019}' | '\u{2018}' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Splits `text` into `out`, replacing emoji by their descriptions from
/// `emoji` and splitting elided articles (`elisions`, lowercase, such as
/// `l'` or `dell'`) off the word they precede. With `phrases`, also builds
/// [`Tokens::phrase_text`].
pub fn tokenize(
    text: &str,
    emoji: &FxHashMap<char, Box<str>>,
    elisions: &[Box<str>],
    phrases: bool,
    out: &mut Tokens,
) {
    out.clear();
    let mut expanded = std::mem::take(&mut out.expanded);
    let source = if text.is_ascii() || emoji.is_empty() {
        text
    } else {
        expand_emoji(text, emoji, &mut expanded);
        expanded.as_str()
    };
    for b in source.bytes() {
        out.exclamations += u32::from(b == b'!');
        out.questions += u32::from(b == b'?');
    }
    for word in source.split(is_py_space) {
        if word.is_empty() {
            continue;
        }
        match split_elision(word, elisions) {
            Some((article, rest)) => {
                push_token(out, article, phrases);
                push_token(out, rest, phrases);
            }
            None => push_token(out, word, phrases),
        }
    }
    out.expanded = expanded;
}

/// VADER's emoji pass: each emoji becomes its description, preceded by a
/// space unless one is already there (and, as in VADER, not followed by one).
fn expand_emoji(text: &str, emoji: &FxHashMap<char, Box<str>>, out: &mut String) {
    let mut prev_space = true;
    for c in text.chars() {
        if c == '\u{FE0F}' {
            continue;
        }
        match emoji.get(&c) {
            Some(description) => {
                if !prev_space {
                    out.push(' ');
                }
                out.push_str(description);
                prev_space = false;
            }
            None => {
                out.push(c);
                prev_space = c == ' ';
            }
        }
    }
}

/// `l'attente` -> (`l'`, `attente`) when `l'` is an elision of the language
/// (case-insensitive, ASCII or curly apostrophe); leading punctuation such
/// as `«` stays with the article.
fn split_elision<'a>(word: &'a str, elisions: &[Box<str>]) -> Option<(&'a str, &'a str)> {
    if elisions.is_empty() {
        return None;
    }
    let start = word.len() - word.trim_start_matches(is_strip_punct).len();
    let (pos, apostrophe) = word[start..].char_indices().find(|&(_, c)| c == '\'' || c == '\u{2019}')?;
    let cut = start + pos + apostrophe.len_utf8();
    if pos == 0 || pos > 8 || cut >= word.len() {
        return None;
    }
    let article = &word[start..start + pos];
    let known = elisions.iter().any(|e| {
        let e = e.strip_suffix('\'').unwrap_or(e);
        e.len() == article.len() && e.chars().zip(article.chars()).all(|(a, b)| b.to_lowercase().eq(std::iter::once(a)))
    });
    known.then(|| (&word[..cut], &word[cut..]))
}

fn push_token(out: &mut Tokens, word: &str, phrases: bool) {
    let stripped = trim_punct(word);
    // VADER keeps the original when stripping leaves <= 2 characters.
    let short = stripped.len() <= 2 || stripped.chars().nth(2).is_none();
    let tok = if short { word } else { stripped };

    let lower_start = out.lower.len() as u32;
    push_lower(&mut out.lower, tok);
    let lower_end = out.lower.len() as u32;

    let (mut phrase_start, mut phrase_end) = (0, 0);
    if phrases {
        let lower = &out.lower[lower_start as usize..lower_end as usize];
        let form = trim_punct(lower);
        out.phrase_text.push(' ');
        phrase_start = out.phrase_text.len() as u32;
        out.phrase_text.push_str(form);
        phrase_end = out.phrase_text.len() as u32;
        out.phrase_text.push(' ');
    }
    out.tokens.push(Token { lower_start, lower_end, phrase_start, phrase_end, upper: is_upper(tok) });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        let mut emoji = FxHashMap::default();
        emoji.insert('😁', "beaming face with smiling eyes".into());
        let mut t = Tokens::default();
        tokenize(text, &emoji, &[], true, &mut t);
        (0..t.len()).map(|i| t.lower(i).to_string()).collect()
    }

    #[test]
    fn vader_token_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("Hello, World!", &["hello", "world"]),
            ("I don't know", &["i", "don't", "know"]),
            ("nice :) and <3", &["nice", ":)", "and", "<3"]),
            ("it. is", &["it.", "is"]),
            ("!!! ??", &["!!!", "??"]),
            ("GREAT job", &["great", "job"]),
            ("(great)", &["great"]),
            ("good,bad", &["good,bad"]),
            ("", &[]),
            ("   \t\n", &[]),
            ("a\u{1c}b", &["a", "b"]),
            ("word😁next", &["word", "beaming", "face", "with", "smiling", "eyesnext"]),
            ("don\u{2019}t", &["don't"]),
            ("\u{201C}great\u{201D}", &["great"]),
            ("¿qué?", &["qué"]),
        ];
        for (text, want) in cases {
            assert_eq!(toks(text), *want, "text: {text:?}");
        }
    }

    #[test]
    fn caps_counts_and_phrase_text() {
        let mut t = Tokens::default();
        tokenize("NOT good!! ok?", &FxHashMap::default(), &[], true, &mut t);
        assert!(t.is_upper(0));
        assert!(!t.is_upper(1));
        assert!(!t.is_upper(2));
        assert_eq!(t.exclamations(), 2);
        assert_eq!(t.questions(), 1);
        assert_eq!(t.phrase_text(), " not  good  ok ");
        assert_eq!(t.label(1), "good");
        assert_eq!(t.token_at_phrase_offset(0), 0);
        assert_eq!(t.token_at_phrase_offset(6), 1);
        assert_eq!(t.token_at_phrase_offset(13), 2);
    }

    #[test]
    fn elisions_split_off_their_word() {
        let elisions: Vec<Box<str>> = ["l'", "n'", "dell'", "qu'"].into_iter().map(Box::from).collect();
        let mut t = Tokens::default();
        let lowers = |text: &str, t: &mut Tokens| {
            tokenize(text, &FxHashMap::default(), &elisions, true, t);
            (0..t.len()).map(|i| t.lower(i).to_string()).collect::<Vec<_>>()
        };
        assert_eq!(lowers("L'attente n'est pas finie", &mut t), ["l'", "attente", "n'", "est", "pas", "finie"]);
        assert_eq!(lowers("dell\u{2019}ordine «l'attente»", &mut t), ["dell", "ordine", "«l'", "attente"]);
        assert_eq!(lowers("don't aujourd'hui l'", &mut t), ["don't", "aujourd'hui", "l'"]);
        assert_eq!(t.phrase_text(), " don't  aujourd'hui  l ");
    }

    #[test]
    fn isupper_matches_python() {
        for (s, want) in [("ABC", true), ("AbC", false), ("123", false), ("A1!", true), ("ÉTÉ", true), ("été", false), (":D", true)] {
            assert_eq!(is_upper(s), want, "{s}");
        }
    }
}
