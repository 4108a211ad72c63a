//! Languages: which ones have lexicons, and how input names them.

/// Languages with a built-in lexicon (ISO 639-1).
pub const SUPPORTED: &[&str] = &["en"];

/// The language used when the input names none or an unsupported one.
pub const DEFAULT: &str = "en";

/// Normalises a language value from input (`en`, `EN`, `en-GB`, `en_US`,
/// `eng`, `English`) to a supported ISO 639-1 code, or `None`.
pub fn normalize(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let primary = v.split(['-', '_']).next().unwrap_or("");
    let code = match primary.to_ascii_lowercase().as_str() {
        "en" | "eng" | "english" => "en",
        _ => return None,
    };
    SUPPORTED.iter().copied().find(|&s| s == code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalizes_codes_and_names() {
        for (v, want) in [("en", Some("en")), ("EN-gb", Some("en")), ("en_US", Some("en")), ("English", Some("en")), ("xx", None), ("", None)] {
            assert_eq!(super::normalize(v), want, "{v}");
        }
    }
}
