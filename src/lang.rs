//! Languages: which ones have lexicons, how input names them, and how an
//! interaction's language is detected when the input does not say.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use whatlang::Lang;

/// Languages with a built-in lexicon (ISO 639-1), in a fixed order.
pub const SUPPORTED: &[&str] = &["en", "fr", "it", "ro", "es", "de", "pt", "nl"];

/// The language used when the input names none and detection is not sure,
/// or names an unsupported one.
pub const DEFAULT: &str = "en";

/// Bytes of customer text given to the detector: enough for a reliable
/// guess, and a bounded cost per interaction.
pub const DETECT_BYTES: usize = 600;

/// Normalises a language value from input (`en`, `EN`, `en-GB`, `en_US`,
/// `eng`, `English`, `français`) to a supported ISO 639-1 code, or `None`.
pub fn normalize(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let primary = v.split(['-', '_']).next().unwrap_or("").to_lowercase();
    let code = match primary.as_str() {
        "en" | "eng" | "english" => "en",
        "fr" | "fra" | "fre" | "french" | "français" | "francais" => "fr",
        "it" | "ita" | "italian" | "italiano" => "it",
        "ro" | "ron" | "rum" | "romanian" | "română" | "romana" => "ro",
        "es" | "spa" | "spanish" | "español" | "espanol" | "castellano" => "es",
        "de" | "deu" | "ger" | "german" | "deutsch" => "de",
        "pt" | "por" | "portuguese" | "português" | "portugues" => "pt",
        "nl" | "nld" | "dut" | "dutch" | "nederlands" => "nl",
        _ => return None,
    };
    SUPPORTED.iter().copied().find(|&s| s == code)
}

/// What detection found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// A supported language, reliably.
    Supported(&'static str),
    /// A language peakend has no lexicon for, reliably.
    Unsupported,
    /// Too little or too mixed text to tell.
    Unsure,
}

/// Function words that each point to one language (`lexicons/stopwords.tsv`).
fn stopwords() -> &'static FxHashMap<&'static [u8], &'static str> {
    static TABLE: OnceLock<FxHashMap<&'static [u8], &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../lexicons/stopwords.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(lang, word)| (word.trim().as_bytes(), lang.trim()))
            .collect()
    })
}

/// The fast path: counts function words per language. Most contact-centre
/// text names its language in a dozen "the/and/you" or "je/vous/pas" words,
/// which costs a few hash look-ups instead of a trigram model (whatlang
/// takes ~60 µs per call, which would halve throughput).
fn by_function_words(text: &str) -> Option<&'static str> {
    let table = stopwords();
    let mut counts: [(usize, &str); 8] = [(0, ""); 8];
    let mut count = |word: &[u8]| {
        if let Some(&lang) = table.get(word) {
            if let Some(slot) = counts.iter_mut().find(|(n, l)| *l == lang || *n == 0) {
                *slot = (slot.0 + 1, lang);
            }
        }
    };
    if text.is_ascii() {
        // Most text: lowercase each short word into a stack buffer.
        let mut buf = [0u8; 16];
        for word in text.as_bytes().split(|&b| !(b.is_ascii_alphabetic() || b == b'\'')) {
            if word.is_empty() || word.len() > 16 {
                continue;
            }
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word);
            lower.make_ascii_lowercase();
            count(lower);
        }
    } else {
        let mut lower = String::with_capacity(24);
        for word in text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '\u{2019}')) {
            if word.is_empty() || word.len() > 16 {
                continue;
            }
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase).map(|c| if c == '\u{2019}' { '\'' } else { c }));
            count(lower.as_bytes());
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0));
    let (best, second) = (counts[0], counts[1]);
    (best.0 >= 3 && best.0 >= 2 * second.0).then_some(best.1)
}

/// Detects the language of `text` (the customer's words of a whole
/// interaction; short single turns are too ambiguous to try): function words
/// first, whatlang's trigram model when they do not settle it.
pub fn detect(text: &str) -> Detected {
    if let Some(code) = by_function_words(text) {
        return match SUPPORTED.iter().copied().find(|&s| s == code) {
            Some(s) => Detected::Supported(s),
            None => Detected::Unsupported,
        };
    }
    let Some(info) = whatlang::detect(text) else {
        return Detected::Unsure;
    };
    if !info.is_reliable() {
        return Detected::Unsure;
    }
    let code = match info.lang() {
        Lang::Eng => "en",
        Lang::Fra => "fr",
        Lang::Ita => "it",
        Lang::Ron => "ro",
        Lang::Spa => "es",
        Lang::Deu => "de",
        Lang::Por => "pt",
        Lang::Nld => "nl",
        _ => return Detected::Unsupported,
    };
    match SUPPORTED.iter().copied().find(|&s| s == code) {
        Some(s) => Detected::Supported(s),
        None => Detected::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_codes_and_names() {
        for (v, want) in [("en", Some("en")), ("EN-gb", Some("en")), ("en_US", Some("en")), ("English", Some("en")), ("xx", None), ("", None)] {
            assert_eq!(normalize(v), want, "{v}");
        }
    }

    #[test]
    fn detects_long_text_and_refuses_short_or_foreign() {
        let en = "Hi, my internet has been down since Monday and this is the third time I am calling about it. \
                  I was on hold for forty minutes and nobody called me back.";
        assert_eq!(detect(en), Detected::Supported("en"));
        assert_eq!(detect("ok"), Detected::Unsure);
        assert_eq!(detect(""), Detected::Unsure);
        let el = "Καλησπέρα, το ίντερνετ μου δεν λειτουργεί εδώ και τρεις μέρες και κανείς δεν με πήρε πίσω τηλέφωνο.";
        assert_eq!(detect(el), Detected::Unsupported);
    }
}
