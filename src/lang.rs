//! Languages: which ones have lexicons, how input names them, and how an
//! interaction's language is detected when the input does not say.

use std::sync::OnceLock;

use whatlang::Lang;

use crate::text::{pack, pack_prefix, PackedMap};

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

/// Function words that each point to one language (`lexicons/stopwords.tsv`),
/// by their packed form ([`crate::text::pack`]), as an index into [`SUPPORTED`] (or
/// beyond it, for the languages without a lexicon the file lists).
fn stopwords() -> &'static (PackedMap<u8>, Vec<&'static str>) {
    static TABLE: OnceLock<(PackedMap<u8>, Vec<&'static str>)> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut langs: Vec<&'static str> = Vec::new();
        let mut words = PackedMap::default();
        let entries = include_str!("../lexicons/stopwords.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'));
        for (lang, word) in entries {
            let lang = lang.trim();
            let index = langs.iter().position(|&l| l == lang).unwrap_or_else(|| {
                langs.push(lang);
                langs.len() - 1
            });
            // Longer words cannot be packed; none is (`tests::stopwords_pack`).
            if let Some(key) = pack(word.trim().as_bytes()) {
                words.insert(key, index as u8);
            }
        }
        (words, langs)
    })
}

/// The fast path: counts function words per language. Most contact-centre
/// text names its language in a dozen "the/and/you" or "je/vous/pas" words,
/// which costs a few look-ups instead of a trigram model (whatlang takes
/// ~60 µs per call, which would halve throughput).
///
/// Words are runs of letters and apostrophes (curly ones read as `'`),
/// lowercased; words of more than 16 bytes as written are skipped. A byte at
/// a time: only non-ASCII characters are decoded.
fn by_function_words(text: &str) -> Option<&'static str> {
    let counts = function_word_counts(text);
    let mut best = (0, 0);
    let mut second = 0;
    for (lang, &n) in counts.iter().enumerate() {
        if n > best.1 {
            second = best.1;
            best = (lang, n);
        } else if n > second {
            second = n;
        }
    }
    (best.1 >= 3 && best.1 >= 2 * second).then(|| stopwords().1[best.0])
}

/// Function words of `text` per language (indexes of [`stopwords`]).
fn function_word_counts(text: &str) -> [usize; 32] {
    match text.len() <= DETECT_BYTES && text.is_ascii() {
        true => ascii_function_word_counts(text),
        false => general_function_word_counts(text),
    }
}

/// [`function_word_counts`] of ASCII text (at most [`DETECT_BYTES`]), in
/// two passes. The first finds the words without a branch per byte (a
/// branch that ends each word is mispredicted about once a word); the
/// second looks each one up, lowercased by setting the 0x20 bit (which
/// lowercases ASCII letters and leaves `'` as it is).
fn ascii_function_word_counts(text: &str) -> [usize; 32] {
    let (table, _) = stopwords();
    let mut bytes = [0u8; DETECT_BYTES + 16];
    bytes[..text.len()].copy_from_slice(text.as_bytes());
    // (end, length) of each word; a word ends before a non-word byte, and
    // the zero padding ends the last one.
    let mut words = [(0u16, 0u16); DETECT_BYTES / 2 + 1];
    let (mut n, mut len) = (0usize, 0u16);
    for (i, &b) in bytes[..=text.len()].iter().enumerate() {
        let in_word = WORD_BYTES[usize::from(b)] != NOT_WORD;
        words[n] = (i as u16, len);
        n += usize::from(!in_word && len > 0);
        len = if in_word { len + 1 } else { 0 };
    }
    let mut counts = [0usize; 32];
    for &(end, len) in &words[..n] {
        let (end, len) = (usize::from(end), usize::from(len));
        if len <= 15 {
            let start = end - len;
            let word: [u8; 16] = bytes[start..start + 16].try_into().unwrap_or_default();
            let lower = u128::from_le_bytes(word) | u128::from_le_bytes([0x20; 16]);
            if let Some(lang) = table.get(pack_prefix(lower.to_le_bytes(), len)) {
                counts[lang as usize] += 1;
            }
        }
    }
    counts
}

/// [`function_word_counts`] of any text, a byte at a time.
fn general_function_word_counts(text: &str) -> [usize; 32] {
    let (table, _) = stopwords();
    let mut counts = [0usize; 32];
    // The word being read: its first 16 lowercase bytes (slot 16 takes the
    // rest, unread), their number, and its bytes as written.
    let (mut word, mut len, mut written) = ([0u8; 17], 0usize, 0usize);
    let mut count = |word: &[u8; 17], len: usize, written: usize| {
        if written <= 16 && len <= 15 {
            let bytes: [u8; 16] = word[..16].try_into().unwrap_or_default();
            if let Some(lang) = table.get(pack_prefix(bytes, len)) {
                counts[lang as usize] += 1;
            }
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match WORD_BYTES[usize::from(b)] {
            NOT_WORD => i += 1,
            NON_ASCII => {
                let c = text[i..].chars().next().unwrap_or(' ');
                i += c.len_utf8();
                if c == '\u{2019}' || c.is_alphabetic() {
                    let mut utf8 = [0u8; 4];
                    let lower = if c == '\u{2019}' { '\'' } else { c };
                    for l in lower.to_lowercase() {
                        for &b in l.encode_utf8(&mut utf8).as_bytes() {
                            word[len.min(16)] = b;
                            len += 1;
                        }
                    }
                    written += c.len_utf8();
                    continue;
                }
            }
            lower => {
                word[len.min(16)] = lower;
                len += 1;
                written += 1;
                i += 1;
                continue;
            }
        }
        if written > 0 {
            count(&word, len, written);
        }
        (len, written) = (0, 0);
    }
    if written > 0 {
        count(&word, len, written);
    }
    counts
}

/// [`WORD_BYTES`] values that are not word bytes.
const NOT_WORD: u8 = 0;
const NON_ASCII: u8 = 0x80;

/// Per byte: its lowercase form when it is an ASCII letter or `'` (a word
/// byte), [`NOT_WORD`] for other ASCII, [`NON_ASCII`] for the bytes of
/// multi-byte characters (decoded and classified one by one).
const WORD_BYTES: [u8; 256] = {
    let mut t = [NOT_WORD; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            NON_ASCII
        } else if c.is_ascii_alphabetic() || c == b'\'' {
            c.to_ascii_lowercase()
        } else {
            NOT_WORD
        };
        b += 1;
    }
    t
};

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
        for (v, want) in [
            ("en", Some("en")),
            ("EN-gb", Some("en")),
            ("en_US", Some("en")),
            ("English", Some("en")),
            ("xx", None),
            ("", None),
        ] {
            assert_eq!(normalize(v), want, "{v}");
        }
    }

    #[test]
    fn stopwords_pack() {
        let (words, langs) = stopwords();
        let listed = include_str!("../lexicons/stopwords.tsv")
            .lines()
            .filter(|l| l.contains('\t') && !l.starts_with('#'));
        assert_eq!(words.len(), listed.count(), "every function word packed, once");
        assert!(langs.len() <= 32);
    }

    #[test]
    fn function_words_are_whole_lowercased_words() {
        // Capitals, curly apostrophes and accented letters are read as
        // the listed forms; parts of longer words are not counted.
        assert_eq!(by_function_words("THE cat AND you, the end"), Some("en"));
        assert_eq!(by_function_words("theatre andante youth"), None);
        assert_eq!(by_function_words("C\u{2019}est à vous, je ne sais pas"), Some("fr"));
        assert_eq!(by_function_words("the and you the and you vous"), Some("en"));
        assert_eq!(by_function_words("the and you vous je pas"), None);
    }

    /// The word rules written plainly: split, skip long words, lowercase,
    /// count.
    fn function_word_counts_reference(text: &str) -> [usize; 32] {
        let (table, _) = stopwords();
        let mut counts = [0usize; 32];
        for word in
            text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '\u{2019}'))
        {
            if word.is_empty() || word.len() > 16 {
                continue;
            }
            let lower: String = word
                .chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == '\u{2019}' { '\'' } else { c })
                .collect();
            if let Some(lang) = pack(lower.as_bytes()).and_then(|k| table.get(k)) {
                counts[lang as usize] += 1;
            }
        }
        counts
    }

    proptest::proptest! {
        #[test]
        fn function_words_match_the_plain_rules(words in proptest::collection::vec(proptest::sample::select(&[
            "the", "The", "AND", "you", "vous", "je", "pas", "à", "À", "été", "não", "c\u{2019}est", "l'", "der",
            "die", "und", "het", "een", "și", "că", "che", "non", "y", "que", "de", "İ", "ß", "😀", "123",
            "abcdefghijklmnopq", "theeeeeeeeeeeeee", "Straße", "it's", "Don\u{2019}t", "N'EST", ",", "!", " ", "\u{2019}", "-", "\n",
        ][..]), 0..60)) {
            let text: String = words.concat();
            proptest::prop_assert_eq!(function_word_counts(&text), function_word_counts_reference(&text), "{:?}", text);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_function_words_match_the_plain_rules(words in proptest::collection::vec(proptest::sample::select(&[
            "the", "The", "AND", "you", "vous", "je", "pas", "l'", "der", "die", "und", "het", "een", "che", "non",
            "y", "que", "de", "123", "abcdefghijklmnopq", "theeeeeeeeeeeeee", "theeeeeeeeeeeee", "it's", "N'EST",
            ",", "!", " ", "'", "-", "\n", "\t", "\0", "\x7f",
        ][..]), 0..150)) {
            let text: String = words.concat();
            let text = &text[..text.len().min(DETECT_BYTES)];
            proptest::prop_assert_eq!(ascii_function_word_counts(text), function_word_counts_reference(text), "{:?}", text);
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
