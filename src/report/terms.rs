//! The words that drove a score, found back in the turn's text.
//!
//! Terms arrive as data: from the scorer in the same run, or read from a
//! `terms` cell (`term:contribution` joined by `|`, in text order), where a
//! term is the lowercase word or phrase the lexicon matched. To show
//! a coach *why* a turn scored as it did, the page marks those terms in the
//! original text. Matching is case-insensitive, treats curly apostrophes as
//! straight ones, lets the words of a phrase be separated by any spaces or
//! punctuation (`thanks, so much`), and only accepts whole words, so `fault`
//! is never marked inside `default`. Terms are matched in order, each after
//! the previous one, which pairs a repeated word with the right
//! contribution (`happy` negated in one place and not in another). A term
//! that cannot be found (an emoji scored by its description) is just not
//! marked.

/// One word or phrase that drove a score, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The lowercase word or phrase.
    pub word: String,
    /// Its contribution on VADER's -4..4 scale (0 when unreadable).
    pub contribution: f64,
    /// The position of its first token in the turn, when known (terms
    /// scored in the same run; a CSV does not carry it).
    pub position: Option<u32>,
}

/// Reads a `terms` cell: entries split on `|`, each on its last `:`; the
/// `+K more` that ends a capped list is not a term.
pub fn parse(cell: &str) -> Vec<Term> {
    let is_more = |e: &str| e.starts_with('+') && e.ends_with(" more");
    cell.split('|')
        .map(str::trim)
        .filter(|e| !e.is_empty() && !is_more(e))
        .map(|entry| match entry.rsplit_once(':') {
            Some((term, c)) if !term.is_empty() => Term {
                word: term.trim().to_string(),
                contribution: c.trim().parse().unwrap_or(0.0),
                position: None,
            },
            _ => Term { word: entry.to_string(), contribution: 0.0, position: None },
        })
        .collect()
}

/// A marked stretch of a text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span<'a> {
    /// Byte offset where it starts (a char boundary).
    pub start: usize,
    /// Byte offset where it ends (a char boundary).
    pub end: usize,
    /// The term found there.
    pub term: &'a str,
    /// Its contribution.
    pub contribution: f64,
}

/// The char used for comparisons: lowercase, curly apostrophes straight.
fn fold(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

fn alnum(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Finds where each term of `terms` is in `text`: spans in text order,
/// never overlapping.
pub fn find_spans<'a>(text: &str, terms: &'a [Term]) -> Vec<Span<'a>> {
    let chars: Vec<(usize, char)> =
        text.char_indices().map(|(i, c)| (i, fold(c))).collect();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut spans = Vec::new();
    let mut cursor = 0;
    for t in terms {
        let words: Vec<Vec<char>> =
            t.word.split_whitespace().map(|w| w.chars().map(fold).collect()).collect();
        if words.is_empty() {
            continue;
        }
        let found = find(&chars, &words, cursor, &taken)
            .or_else(|| find(&chars, &words, 0, &taken));
        if let Some((s, e)) = found {
            taken.push((s, e));
            if s >= cursor {
                cursor = e;
            }
            spans.push(Span {
                start: byte(s),
                end: byte(e),
                term: &t.word,
                contribution: t.contribution,
            });
        }
    }
    spans.sort_by_key(|s| s.start);
    spans
}

/// The first whole-word match of `words` at or after char `from` that does
/// not overlap `taken`, as a char range.
fn find(
    chars: &[(usize, char)],
    words: &[Vec<char>],
    from: usize,
    taken: &[(usize, usize)],
) -> Option<(usize, usize)> {
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let first = words[0][0];
    let last = *words.last()?.last()?;
    for start in from..chars.len() {
        if at(start) != Some(first) {
            continue;
        }
        // A word starts here: not after a letter, nor after a letter and
        // an apostrophe ("can't" does not contain the word "t").
        if first.is_alphanumeric() && start > 0 {
            let before = at(start - 1);
            if alnum(before)
                || (before == Some('\'') && start > 1 && alnum(at(start - 2)))
            {
                continue;
            }
        }
        let Some(end) = match_words(chars, start, words) else { continue };
        if last.is_alphanumeric() {
            let after = at(end);
            if alnum(after) || (after == Some('\'') && alnum(at(end + 1))) {
                continue;
            }
        }
        if taken.iter().any(|&(s, e)| start < e && s < end) {
            continue;
        }
        return Some((start, end));
    }
    None
}

/// Matches the words at `start`, separated in the text by at least one
/// space or punctuation mark; returns the char index after the last.
fn match_words(
    chars: &[(usize, char)],
    start: usize,
    words: &[Vec<char>],
) -> Option<usize> {
    let mut i = start;
    for (k, word) in words.iter().enumerate() {
        if k > 0 {
            let gap_start = i;
            let next_alnum = word[0].is_alphanumeric();
            while let Some(&(_, c)) = chars.get(i) {
                if c.is_whitespace() || (next_alnum && !c.is_alphanumeric()) {
                    i += 1;
                } else {
                    break;
                }
            }
            if i == gap_start {
                return None;
            }
        }
        for &w in word {
            if chars.get(i).map(|c| c.1) != Some(w) {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, terms: &str) -> Vec<String> {
        find_spans(text, &parse(terms))
            .iter()
            .map(|s| format!("{}={}", &text[s.start..s.end], s.contribution))
            .collect()
    }

    #[test]
    fn finds_terms_as_whole_words_case_insensitively() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("The default fault", "fault:-1.70", &["fault=-1.7"]),
            (
                "Third TIME calling now",
                "third time calling:-2.20",
                &["Third TIME calling=-2.2"],
            ),
            ("thanks,  so much", "thanks so much:2.80", &["thanks,  so much=2.8"]),
            ("I can't log in", "can:0.5", &[]),
            (
                "It’s not working, don’t bother",
                "don't bother:-1.20",
                &["don’t bother=-1.2"],
            ),
            ("'great' service", "great:3.10", &["great=3.1"]),
            ("ok :) bye", ":):1.90", &[":)=1.9"]),
            ("emoji only 😊", "smiling:2.00", &[]),
            ("", "great:3.10", &[]),
            ("great", "", &[]),
            (
                "ÉNORME problème",
                "énorme:-1.00|problème:-2.00",
                &["ÉNORME=-1", "problème=-2"],
            ),
        ];
        for (text, terms, want) in cases {
            assert_eq!(marked(text, terms), *want, "{text:?} with {terms:?}");
        }
    }

    #[test]
    fn repeated_words_pair_in_text_order() {
        let text = "happy? not happy at all. happy now";
        let got = marked(text, "happy:1.00|happy:-2.00|happy:1.00");
        assert_eq!(got, ["happy=1", "happy=-2", "happy=1"]);
        let terms = parse("happy:1.00|happy:-2.00");
        let spans = find_spans(text, &terms);
        assert_eq!((spans[1].start, spans[1].end), (11, 16));
    }

    #[test]
    fn out_of_order_terms_are_still_found_once() {
        // A term listed after a later one is searched from the start.
        let got = marked("bad then good", "good:1.90|bad:-2.50");
        assert_eq!(got, ["bad=-2.5", "good=1.9"]);
        // Overlapping terms: the first one listed wins.
        let got = marked("not working at all", "not working:-2.0|working:1.0");
        assert_eq!(got, ["not working=-2"]);
    }

    #[test]
    fn spans_fall_on_char_boundaries() {
        let text = "İstanbul ist große Klasse";
        for s in find_spans(text, &parse("ist:1|große:2|klasse:3")) {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
        assert_eq!(marked(text, "große:2|klasse:3"), ["große=2", "Klasse=3"]);
    }

    /// The example of [`parse`].
    #[test]
    fn parse_example() {
        use crate::report::terms::parse;
        let t = parse("third time calling:-2.20|:):1.90|+3 more");
        assert_eq!((t[0].word.as_str(), t[0].contribution), ("third time calling", -2.2));
        assert_eq!((t[1].word.as_str(), t[1].contribution), (":)", 1.9));
        assert_eq!(t.len(), 2);
    }

    /// The example of [`find_spans`].
    #[test]
    fn find_spans_example() {
        use crate::report::terms::{find_spans, parse};
        let text = "I'm NOT happy. Thanks, so much!";
        let terms = parse("happy:-2.00|thanks so much:2.80");
        let spans = find_spans(text, &terms);
        let found: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(found, ["happy", "Thanks, so much"]);
    }
}
