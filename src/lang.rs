//! Languages: the one table of the languages peakend scores (code, names,
//! detector language, stemmer, lexicon files), from which everything else is
//! derived; and how the language of an interaction, or of one of its turns,
//! is told when the input does not say.
//!
//! Detection weighs, per supported language, the evidence of each word of a
//! bounded sample: function words that belong to one language
//! (`lexicons/stopwords.tsv`, diacritic-less spellings included), words its
//! lexicon knows (a French line is mostly known to the French lexicon and
//! mostly unknown to the English one), and letters or letter sequences that
//! only some languages use (`ß`, `ñ`, `ã`, `ș`, `ij`). One line of a
//! customer is usually enough; when the evidence is absent or tied, the
//! trigram model of the whatlang crate is asked, and failing that the
//! interaction is "unsure" (the deployment's default language applies).

use std::sync::OnceLock;

use wide::{i8x16, CmpEq, CmpGt, CmpLt};

use crate::lexicon::FileKind;
use crate::text::{blocks64, lane_masks, pack, pack_prefix, PackedMap};

/// One built-in lexicon file.
#[derive(Debug)]
pub(crate) struct BuiltinFile {
    /// The file's name in `lexicons/<code>/`.
    pub name: &'static str,
    /// Its layout.
    pub kind: FileKind,
    /// Its content, embedded at build time.
    pub text: &'static str,
}

/// A supported language.
#[derive(Debug)]
pub struct Language {
    /// ISO 639-1 code, as written in the output.
    pub code: &'static str,
    /// English name.
    pub name: &'static str,
    /// Other names input may give it, lowercase: ISO 639-2 codes, English
    /// and native names (with and without diacritics).
    pub aliases: &'static [&'static str],
    /// The language in whatlang's trigram model.
    pub(crate) detector: whatlang::Lang,
    /// The Snowball stemmer that finds inflected forms of lexicon words.
    pub(crate) stemmer: rust_stemmers::Algorithm,
    /// The built-in lexicon files, in loading order (later ones override).
    pub(crate) files: &'static [BuiltinFile],
    /// Writes compounds as one word (`Kundenservicekatastrophe`,
    /// `klantonvriendelijk`): a word the lexicon does not know is looked up
    /// by its head, the longest known final part.
    pub(crate) compounds: bool,
}

macro_rules! builtin_file {
    ($code:literal, $name:literal, $kind:ident) => {
        BuiltinFile {
            name: $name,
            kind: FileKind::$kind,
            text: include_str!(concat!("../lexicons/", $code, "/", $name)),
        }
    };
}

/// The four files of a language other than English.
macro_rules! files {
    ($code:literal) => {
        &[
            builtin_file!($code, "valence.tsv", Valence),
            builtin_file!($code, "rules.tsv", Rules),
            builtin_file!($code, "phrases.tsv", Valence),
            builtin_file!($code, "emotion.tsv", Emotion),
        ]
    };
}

/// One row of [`LANGUAGES`] for a language with the four usual files.
macro_rules! language {
    ($code:literal, $name:literal, [$($alias:literal),*], $detector:ident, $stemmer:ident, compounds: $compounds:literal) => {
        Language {
            code: $code,
            name: $name,
            aliases: &[$($alias),*],
            detector: whatlang::Lang::$detector,
            stemmer: rust_stemmers::Algorithm::$stemmer,
            files: files!($code),
            compounds: $compounds,
        }
    };
}

/// The supported languages. The first is the default `--default-lang`.
#[rustfmt::skip]
pub const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        name: "English",
        aliases: &["eng", "english"],
        detector: whatlang::Lang::Eng,
        stemmer: rust_stemmers::Algorithm::English,
        files: &[
            builtin_file!("en", "vader_lexicon.txt", VaderValence),
            builtin_file!("en", "emoji_utf8_lexicon.txt", Emoji),
            builtin_file!("en", "rules.tsv", Rules),
            builtin_file!("en", "phrases.tsv", Valence),
            builtin_file!("en", "emotion.tsv", Emotion),
        ],
        compounds: false,
    },
    language!("fr", "French", ["fra", "fre", "french", "français", "francais"], Fra, French, compounds: false),
    language!("it", "Italian", ["ita", "italian", "italiano"], Ita, Italian, compounds: false),
    language!("ro", "Romanian", ["ron", "rum", "romanian", "română", "romana"], Ron, Romanian, compounds: false),
    language!("es", "Spanish", ["spa", "spanish", "español", "espanol", "castellano"], Spa, Spanish, compounds: false),
    language!("de", "German", ["deu", "ger", "german", "deutsch"], Deu, German, compounds: true),
    language!("pt", "Portuguese", ["por", "portuguese", "português", "portugues"], Por, Portuguese, compounds: false),
    language!("nl", "Dutch", ["nld", "dut", "dutch", "nederlands"], Nld, Dutch, compounds: true),
];

/// Number of supported languages.
const COUNT: usize = LANGUAGES.len();

/// The default of `--default-lang`: the language of interactions whose
/// language cannot be told, or is not supported.
pub const DEFAULT: &str = LANGUAGES[0].code;

/// Bytes of an interaction's text (all turns, in order) that its language
/// is detected from: a bounded cost per interaction, and plenty for a guess.
pub(crate) const SAMPLE_BYTES: usize = 256;

/// Bytes of one turn read to check whether the turn switches language.
pub(crate) const TURN_BYTES: usize = 200;

/// The supported language with this ISO 639-1 code.
pub fn get(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// The supported codes, comma-separated (for messages).
pub fn codes() -> String {
    LANGUAGES.iter().map(|l| l.code).collect::<Vec<_>>().join(", ")
}

/// The supported languages as `en (English), fr (French), ...` (for help).
pub fn names() -> String {
    let named: Vec<String> =
        LANGUAGES.iter().map(|l| format!("{} ({})", l.code, l.name)).collect();
    named.join(", ")
}

/// Normalises a language value from input (`en`, `EN`, `en-GB`, `en_US`,
/// `eng`, `English`, `français`) to a supported ISO 639-1 code, or `None`.
pub fn normalize(value: &str) -> Option<&'static str> {
    let primary = value.trim().split(['-', '_']).next().unwrap_or("").to_lowercase();
    LANGUAGES
        .iter()
        .find(|l| l.code == primary || l.aliases.contains(&primary.as_str()))
        .map(|l| l.code)
}

/// What detection found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// A supported language.
    Supported(&'static str),
    /// A language peakend has no lexicon for, reliably.
    Unsupported,
    /// No evidence for any language, or evidence tied.
    Unsure,
}

/// [`ASCII_WORD`] of a byte that is not part of a word.
const NOT_WORD: u8 = 0;

/// Per ASCII byte: its lowercase form when it is a letter, `'` or `-` (a
/// word byte: `c'est`, `s-a` are looked up whole first), else [`NOT_WORD`].
const ASCII_WORD: [u8; 128] = {
    let mut t = [NOT_WORD; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'\'' || c == b'-' {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// The word bytes ([`ASCII_WORD`]) of 64 ASCII bytes, one bit per byte,
/// the first byte lowest, and the number of letters among them (all but
/// `'`, as [`Evidence::letters`] counts them), from [`lane_masks`].
#[inline(always)]
fn ascii_block(block: &[u8; 64]) -> (u64, u32) {
    let [words, apostrophes] = lane_masks(block, |x| {
        let is = |b: u8| x.cmp_eq(i8x16::splat(b as i8));
        // Setting 0x20 lowercases a letter.
        let folded = x | i8x16::splat(0x20);
        let letter = folded.cmp_gt(i8x16::splat(b'a' as i8 - 1))
            & folded.cmp_lt(i8x16::splat(b'z' as i8 + 1));
        [letter | is(b'-') | is(b'\''), is(b'\'')]
    });
    (words, (words & !apostrophes).count_ones())
}

/// Weight of a function word of one language.
const FUNCTION: f32 = 2.0;
/// Weight of a word a language's lexicon knows.
const KNOWN: f32 = 1.0;
/// Weight of a letter or letter sequence that one language uses (shared by
/// the languages that use it).
const LETTERS: f32 = 1.0;

/// Words a lexicon knows that this many languages' lexicons know say
/// nothing about the language ("ok", "super", "a").
const KNOWN_BY_TOO_MANY: u32 = 4;

/// Function words, by their packed lowercase form: the index + 1 of their
/// language. Small enough to stay in cache: every turn is read with it.
fn function_table() -> &'static PackedMap<u8> {
    static TABLE: OnceLock<PackedMap<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = PackedMap::default();
        for (lang, word) in function_words() {
            // Longer words cannot be packed; none is (`tests::function_words_pack`).
            if let Some(key) = pack(word.as_bytes()) {
                table.insert(key, lang as u8 + 1);
            }
        }
        table
    })
}

/// Every word of each language's lexicon files, by its packed lowercase
/// form: the languages (mask over [`LANGUAGES`]) whose lexicon knows it.
/// Large (tens of thousands of words): read only when function words and
/// letters leave the language open.
fn known_table() -> &'static PackedMap<u16> {
    static TABLE: OnceLock<PackedMap<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut known: rustc_hash::FxHashMap<u128, u16> = Default::default();
        for (i, language) in LANGUAGES.iter().enumerate() {
            for file in language.files {
                for word in lexicon_words(file) {
                    if let Some(key) = pack(word.as_bytes()) {
                        *known.entry(key).or_default() |= 1 << i;
                    }
                }
            }
        }
        let mut table = PackedMap::default();
        for (key, mask) in known {
            if mask.count_ones() < KNOWN_BY_TOO_MANY {
                table.insert(key, mask);
            }
        }
        table
    })
}

/// The function words of `lexicons/stopwords.tsv`: (language index, word).
fn function_words() -> impl Iterator<Item = (usize, &'static str)> {
    include_str!("../lexicons/stopwords.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(code, word)| {
            let lang = LANGUAGES.iter().position(|l| l.code == code.trim())?;
            Some((lang, word.trim()))
        })
}

/// The lowercase single words a lexicon file lists: terms, the words of
/// phrases, and the words rules name.
fn lexicon_words(file: &BuiltinFile) -> impl Iterator<Item = String> + '_ {
    let column = usize::from(file.kind == FileKind::Rules);
    file.text
        .lines()
        .filter(move |l| file.kind == FileKind::VaderValence || !l.starts_with('#'))
        .filter(|_| file.kind != FileKind::Emoji)
        .filter_map(move |l| l.split('\t').nth(column))
        .flat_map(|term| term.split_whitespace())
        .map(|w| crate::text::trim_punct(&w.to_lowercase()).replace('\u{2019}', "'"))
        .filter(|w| w.chars().all(|c| c.is_alphabetic() || c == '\''))
        .filter(|w| !w.is_empty())
}

/// The languages that use a letter, as a mask over [`LANGUAGES`].
fn letter_languages(c: char) -> u16 {
    let codes: &[&str] = match c {
        'ß' | 'ä' | 'ö' | 'ü' => &["de"],
        'ñ' | '¿' | '¡' => &["es"],
        'ã' | 'õ' => &["pt"],
        'ă' | 'ș' | 'ş' | 'ț' | 'ţ' => &["ro"],
        'â' | 'î' => &["ro", "fr"],
        'ç' | 'ê' | 'ô' => &["fr", "pt"],
        'œ' | 'û' | 'ë' | 'ï' => &["fr", "nl"],
        'è' | 'ù' => &["fr", "it"],
        'ì' | 'ò' => &["it"],
        'à' => &["fr", "it", "pt"],
        'á' | 'í' | 'ó' | 'ú' => &["es", "pt"],
        _ => return 0,
    };
    mask(codes)
}

/// Letter sequences that, in a word no table knows, point to some
/// languages: Dutch `ij`, Portuguese `lh`/`nh` and `-cao`/`-coes` written
/// without diacritics, Romanian plural `-ii`, German and Dutch `sch`.
fn sequence_languages(word: &[u8]) -> u16 {
    let has = |s: &[u8]| word.windows(s.len()).any(|w| w == s);
    let mut m = 0;
    if has(b"ij") {
        m |= mask(&["nl"]);
    }
    if has(b"lh") || has(b"nh") || word.ends_with(b"cao") || word.ends_with(b"coes") {
        m |= mask(&["pt"]);
    }
    if word.ends_with(b"ii") {
        m |= mask(&["ro"]);
    }
    if has(b"sch") {
        m |= mask(&["de", "nl"]);
    }
    m
}

/// The mask over [`LANGUAGES`] of some codes.
fn mask(codes: &[&str]) -> u16 {
    LANGUAGES
        .iter()
        .enumerate()
        .filter(|(_, l)| codes.contains(&l.code))
        .fold(0, |m, (i, _)| m | 1 << i)
}

/// Adds `weight`, shared among the languages of `mask`, to `score`.
fn share(score: &mut [f32; COUNT], mask: u16, weight: f32) {
    let w = weight / mask.count_ones().max(1) as f32;
    for (i, s) in score.iter_mut().enumerate() {
        if mask & (1 << i) != 0 {
            *s += w;
        }
    }
}

/// How much each supported language is supported by some text.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Evidence {
    /// Whether the words lexicons know are counted (else only function
    /// words and letters: the cheap first look).
    lexicons: bool,
    score: [f32; COUNT],
    /// Words read.
    words: u32,
    /// Per language, the words that support it.
    hits: [u32; COUNT],
    /// Letters read, and those outside the Latin script.
    letters: u32,
    non_latin: u32,
}

impl Evidence {
    /// The evidence of `text`: function words, letters and the words
    /// lexicons know.
    pub fn of(text: &str) -> Evidence {
        let mut e = Evidence { lexicons: true, ..Evidence::default() };
        e.add(text);
        e
    }

    /// The cheap first look at `text`: function words and letters only.
    pub fn glance(text: &str) -> Evidence {
        let mut e = Evidence::default();
        e.add(text);
        e
    }

    /// Adds the evidence of `text`'s words. Words are runs of letters,
    /// apostrophes (curly ones read as `'`) and hyphens, lowercased; an
    /// elided or hyphenated word not known whole (`l'attente`, `m-ati`) is
    /// read as its two parts; a word longer than 15 bytes only counts its
    /// letters.
    ///
    /// ASCII text (nearly all of it) is read 64 bytes at a time
    /// ([`Evidence::add_ascii`]): a bit mask of the word bytes (vector
    /// compares) gives each word's end, where a byte at a time
    /// ([`Evidence::add_any`], which decodes non-ASCII characters) costs
    /// a dozen instructions per byte and, at each word's end, a
    /// mispredicted branch. On the 3 MB benchmark (one thread) `add` went
    /// from 27.0M instructions to 17.9M and from 300K mispredicted
    /// branches to 183K; most of what remains is the words' table
    /// look-ups (about half the words are function words, in no order).
    /// Both paths give the same evidence
    /// (`tests::ascii_path_reads_as_the_byte_loop`).
    pub fn add(&mut self, text: &str) {
        match text.is_ascii() {
            true => self.add_ascii(text.as_bytes()),
            false => self.add_any(text),
        }
    }

    /// [`Evidence::add`] a byte at a time: any text.
    fn add_any(&mut self, text: &str) {
        // The word being read: its last 16 lowercase bytes, shifted in from
        // the top of a number (all of it when it can be packed: at most 15
        // bytes), its length, the languages its letters point to, and
        // whether it has an apostrophe or a hyphen.
        let (mut tail, mut len, mut letters, mut joined) = (0u128, 0usize, 0u16, false);
        let push = |tail: &mut u128, b: u8| *tail = *tail >> 8 | u128::from(b) << 120;
        // Letters read, kept here rather than in `self` while reading.
        let mut read = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        loop {
            let lower = match bytes.get(i) {
                Some(&b) if b < 0x80 => {
                    i += 1;
                    ASCII_WORD[usize::from(b)]
                }
                Some(_) => {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    i += c.len_utf8();
                    match c {
                        '\u{2019}' => b'\'',
                        c if c.is_alphabetic() => {
                            read += 1;
                            self.non_latin += u32::from(c as u32 >= 0x250);
                            let l = c.to_lowercase().next().unwrap_or(c);
                            letters |= letter_languages(l);
                            let mut utf8 = [0u8; 4];
                            for &b in l.encode_utf8(&mut utf8).as_bytes() {
                                push(&mut tail, b);
                                len += 1;
                            }
                            continue;
                        }
                        _ => NOT_WORD,
                    }
                }
                // The end of the text ends the last word.
                None => NOT_WORD,
            };
            if lower != NOT_WORD {
                push(&mut tail, lower);
                len += 1;
                read += u32::from(lower != b'\'');
                // Letters are `a..=z`; `'` and `-` come before.
                joined |= lower < b'a';
                continue;
            }
            if len > 0 && len <= 15 {
                let bytes = (tail >> (8 * (16 - len))).to_le_bytes();
                self.word(&bytes[..len], pack_prefix(bytes, len), letters, joined);
            }
            if i >= bytes.len() {
                break;
            }
            (tail, len, letters, joined) = (0, 0, 0, false);
        }
        self.letters += read;
    }

    /// [`Evidence::add`] of ASCII `bytes`, 64 at a time: the mask of a
    /// block's word bytes ([`ascii_block`]) gives each word's end (the
    /// first byte after it), one `trailing_zeros` per word; its start is
    /// after the last byte before the end that is not a word byte, or,
    /// when there is none in the block, where the word running into the
    /// block started.
    fn add_ascii(&mut self, bytes: &[u8]) {
        // The start of the word at the end of the blocks read (the start
        // of the next block when the last byte read is not a word byte),
        // whether a word runs there (bit 0), and letters read.
        let (mut open, mut carry, mut read) = (0usize, 0u64, 0u32);
        // The rest of the text is followed by zeros (not word bytes).
        for (n, block) in blocks64(bytes, &mut [0; 64]).enumerate() {
            let base = 64 * n;
            let (words, letters) = ascii_block(block);
            read += letters;
            let mut ends = !words & (words << 1 | carry);
            while ends != 0 {
                let end = ends.trailing_zeros();
                ends &= ends - 1;
                let before = !words & ((1 << end) - 1);
                let start = match before {
                    0 => open,
                    b => base + 64 - b.leading_zeros() as usize,
                };
                self.ascii_word(bytes, start, base + end as usize);
            }
            if words != u64::MAX {
                open = base + 64 - (!words).leading_zeros() as usize;
            }
            carry = words >> 63;
        }
        if carry != 0 {
            self.ascii_word(bytes, open, bytes.len());
        }
        self.letters += read;
    }

    /// Adds the evidence of the word `bytes[start..end]` (ASCII word
    /// bytes), when it can be packed (at most 15 bytes).
    #[inline(always)]
    fn ascii_word(&mut self, bytes: &[u8], start: usize, end: usize) {
        let len = end - start;
        if len > 15 {
            return;
        }
        let raw = match bytes.get(start..).and_then(<[u8]>::first_chunk::<16>) {
            Some(&sixteen) => sixteen,
            // Near the end of the text.
            None => {
                let mut raw = [0u8; 16];
                raw[..len].copy_from_slice(&bytes[start..end]);
                raw
            }
        };
        // Setting 0x20 lowercases a letter and keeps `'` (0x27) and `-`
        // (0x2D); the bytes after the word are dropped by the packing.
        let lower =
            (u128::from_le_bytes(raw) | u128::from_le_bytes([0x20; 16])).to_le_bytes();
        let key = pack_prefix(lower, len);
        // Letters have 0x40 set, `'` and `-` do not; nor has any byte of
        // `key` after the word (zeros, then the length, at most 15).
        let joined =
            (!key & u128::from_le_bytes([0x40; 16])).trailing_zeros() < 8 * len as u32;
        self.word(&lower[..len], key, 0, joined);
    }

    /// Adds the evidence of one lowercase word; `key` is its packed form
    /// ([`pack`]), `joined` tells whether it has an apostrophe or a hyphen.
    #[inline(always)]
    fn word(&mut self, word: &[u8], key: u128, letters: u16, joined: bool) {
        let (word, key) = match joined {
            false => (word, Some(key)),
            true => match trim_apostrophes(word) {
                [] => return,
                trimmed if trimmed.len() == word.len() => (word, Some(key)),
                trimmed => (trimmed, pack(trimmed)),
            },
        };
        self.words += 1;
        if letters != 0 {
            share(&mut self.score, letters, LETTERS);
        }
        let mut support = letters | self.lookup(key);
        if support & !letters == 0 {
            let joint = match joined {
                true => word.iter().position(|&b| b == b'\'' || b == b'-'),
                false => None,
            };
            match joint {
                // "l'attente", "dell'ordine", "m-ati" not listed whole: an
                // elided article keeps its apostrophe, a hyphen goes.
                Some(at) => {
                    let end = if word[at] == b'\'' { at + 1 } else { at };
                    support |= self.lookup(pack(&word[..end]));
                    support |= self.lookup(pack(trim_apostrophes(&word[at + 1..])));
                }
                None if letters == 0 && self.lexicons => {
                    let seq = sequence_languages(word);
                    share(&mut self.score, seq, LETTERS / 2.0);
                    support |= seq;
                }
                None => {}
            }
        }
        // One bit (one language) at a time: most words support none or one.
        let mut rest = support;
        while rest != 0 {
            if let Some(h) = self.hits.get_mut(rest.trailing_zeros() as usize) {
                *h += 1;
            }
            rest &= rest - 1;
        }
    }

    /// Adds what the tables know of `word`; returns the languages it
    /// supports. Inlined: it runs for every word of every sample, and a
    /// call costs about as much as the look-up.
    #[inline(always)]
    fn lookup(&mut self, key: Option<u128>) -> u16 {
        let Some(key) = key else {
            return 0;
        };
        let mut support = 0;
        if let Some(lang) = function_table().get(key) {
            self.score[usize::from(lang - 1)] += FUNCTION;
            support |= 1 << (lang - 1);
        }
        if self.lexicons {
            let known = known_table().get(key).unwrap_or(0);
            for (i, s) in self.score.iter_mut().enumerate() {
                if known & (1 << i) != 0 {
                    *s += KNOWN;
                }
            }
            support |= known;
        }
        support
    }

    /// The best-supported language (index into [`LANGUAGES`]) and its
    /// score, and the best score of the others.
    fn ranked(&self, except: Option<usize>) -> (usize, f32, f32) {
        let (mut best, mut second) = ((0, f32::MIN), f32::MIN);
        for (i, &s) in self.score.iter().enumerate().filter(|&(i, _)| Some(i) != except) {
            if s > best.1 {
                second = best.1;
                best = (i, s);
            } else if s > second {
                second = s;
            }
        }
        (best.0, best.1, second)
    }

    /// The language the evidence points to, if it is clear: at least one
    /// known word's worth, a word's worth ahead of the next language, and
    /// not a stray word in a long text of another language.
    fn clear(&self) -> Option<usize> {
        let (best, score, second) = self.ranked(None);
        let enough = score >= KNOWN && score >= 0.15 * self.words as f32;
        (enough && score >= second + KNOWN && score >= 1.25 * second).then_some(best)
    }

    /// The language a glance at function words and letters settles: one
    /// language has at least three function words' worth, three times any
    /// other's (most interactions: a few look-ups in a small table).
    pub fn settled(&self) -> Option<&'static str> {
        let (best, score, second) = self.ranked(None);
        (score >= 3.0 * FUNCTION && score >= 3.0 * second).then_some(LANGUAGES[best].code)
    }

    /// True when a glance at one turn leaves room for another language
    /// than `current`: another has a function word's worth of evidence, and
    /// more than `current`. Only such turns are read in full.
    pub fn may_switch_from(&self, current: &str) -> bool {
        let cur = LANGUAGES.iter().position(|l| l.code == current);
        let cur_score = cur.map_or(0.0, |c| self.score[c]);
        let other =
            |(i, &s): (usize, &f32)| Some(i) != cur && s >= FUNCTION && s > cur_score;
        self.score.iter().enumerate().any(other)
    }

    /// The language of the text read: the evidence when it is clear; a
    /// text mostly outside the Latin script is unsupported; otherwise
    /// whatlang's trigram model on `text` (the same text) when it is
    /// reliable, else the evidence's leader if it leads at all.
    pub fn decide(&self, text: &str) -> Detected {
        if let Some(i) = self.clear() {
            return Detected::Supported(LANGUAGES[i].code);
        }
        if self.non_latin * 2 > self.letters {
            return Detected::Unsupported;
        }
        if let Some(info) = whatlang::detect(text).filter(|i| i.is_reliable()) {
            return match LANGUAGES.iter().find(|l| l.detector == info.lang()) {
                Some(l) => Detected::Supported(l.code),
                None => Detected::Unsupported,
            };
        }
        match self.ranked(None) {
            (best, score, second) if score >= KNOWN && score > second => {
                Detected::Supported(LANGUAGES[best].code)
            }
            _ => Detected::Unsure,
        }
    }

    /// The language one turn switches to from `current` (a code), if it
    /// does: another supported language knows two or more of its words and
    /// at least 40% of them, twice as many as the current language, with a function
    /// word and one more word's worth of evidence, and more than twice the
    /// current language's. ("Los Gatos" or "bye bye" in an English call
    /// stay English.)
    pub fn switch_from(&self, current: &str) -> Option<&'static str> {
        let cur = LANGUAGES.iter().position(|l| l.code == current)?;
        let (best, score, _) = self.ranked(Some(cur));
        let words = self.words as f32;
        (score >= FUNCTION + KNOWN
            && score > 2.0 * self.score[cur] + KNOWN / 2.0
            && self.hits[best] >= 2
            && self.hits[best] as f32 >= 0.4 * words
            && 2 * self.hits[cur] <= self.hits[best])
            .then_some(LANGUAGES[best].code)
    }
}

/// `word` without leading and trailing apostrophes (quotes) and hyphens.
fn trim_apostrophes(word: &[u8]) -> &[u8] {
    let joiner = |b: &u8| *b == b'\'' || *b == b'-';
    let start = word.iter().position(|b| !joiner(b)).unwrap_or(word.len());
    let end = word.iter().rposition(|b| !joiner(b)).map_or(start, |e| e + 1);
    &word[start..end]
}

/// The first at most `max` bytes of `text`, cut at a character boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Detects the language of `text` (at most `SAMPLE_BYTES` of it are
/// read; the caller bounds it).
pub fn detect(text: &str) -> Detected {
    if let Some(code) = Evidence::glance(text).settled() {
        return Detected::Supported(code);
    }
    Evidence::of(text).decide(text)
}

/// Where [`word_flags`] puts a function word's language (index + 1, four
/// bits) and the languages the word points to, by its letters or as a
/// function word (a mask, [`COUNT`] bits).
const FUNCTION_SHIFT: u32 = 23;
const HINTS_SHIFT: u32 = 28;
const _: () = assert!(COUNT <= 8, "word_flags has 8 bits for the language mask");

/// What a lowercase token says of its language, as bits of
/// [`crate::lexicon::WordInfo::flags`] (within
/// [`crate::lexicon::flag::LANGUAGE_BITS`]): computed once per distinct
/// word by the scorer's word cache, so the per-turn check costs a few
/// instructions per token.
pub(crate) fn word_flags(lower: &str) -> u64 {
    let form = crate::text::trim_punct(lower);
    let function =
        pack(form.as_bytes()).and_then(|k| function_table().get(k)).unwrap_or(0);
    let letters = match form.is_ascii() {
        true => 0,
        false => form.chars().fold(0, |m, c| m | letter_languages(c)),
    };
    let hinted = letters | one_hot(function);
    u64::from(function) << FUNCTION_SHIFT | u64::from(hinted) << HINTS_SHIFT
}

/// The mask of the language of a function-word index + 1 (0: none).
fn one_hot(function: u8) -> u16 {
    match function {
        0 => 0,
        f => 1 << (f - 1),
    }
}

/// The language a turn switches to from `current`, if it does
/// ([`Evidence::switch_from`]). `infos` are what the lexicon said of the
/// turn's tokens ([`word_flags`]): a turn none of whose function words or
/// letters points to another language (most) costs one OR per token; the
/// others are weighed by function words and letters, and only those that
/// leave room for another language are read in full (their first
/// [`TURN_BYTES`]).
pub(crate) fn turn_switch(
    infos: &[crate::lexicon::WordInfo],
    text: &str,
    current: &str,
) -> Option<&'static str> {
    let cur = LANGUAGES.iter().position(|l| l.code == current)?;
    let hinted = infos.iter().fold(0, |m, i| m | i.flags) >> HINTS_SHIFT;
    if hinted & !(1 << cur) == 0 {
        return None;
    }
    let mut glance = Evidence::default();
    for info in infos {
        let function = ((info.flags >> FUNCTION_SHIFT) & 0xF) as u8;
        if function > 0 {
            glance.score[usize::from(function - 1)] += FUNCTION;
        }
        let letters = (info.flags >> HINTS_SHIFT) as u16 & !one_hot(function);
        if letters != 0 {
            share(&mut glance.score, letters, LETTERS);
        }
    }
    if !glance.may_switch_from(current) {
        return None;
    }
    Evidence::of(prefix(text, TURN_BYTES)).switch_from(current)
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
            ("français", Some("fr")),
            ("Deutsch", Some("de")),
            ("pt-BR", Some("pt")),
            ("xx", None),
            ("", None),
        ] {
            assert_eq!(normalize(v), want, "{v}");
        }
    }

    #[test]
    fn every_language_is_named_once() {
        let mut seen = std::collections::HashSet::new();
        for l in LANGUAGES {
            assert_eq!(normalize(l.code), Some(l.code));
            assert_eq!(normalize(l.name), Some(l.code));
            for a in l.aliases.iter().chain([&l.code]) {
                assert!(seen.insert(*a), "{a} names two languages");
            }
        }
        let bits = (0xF << FUNCTION_SHIFT) | (0xFF << HINTS_SHIFT);
        assert_eq!(bits & !crate::lexicon::flag::LANGUAGE_BITS, 0);
    }

    #[test]
    fn function_words_pack() {
        let listed = include_str!("../lexicons/stopwords.tsv")
            .lines()
            .filter(|l| l.contains('\t') && !l.starts_with('#'))
            .count();
        assert_eq!(function_words().count(), listed, "every code is supported");
        assert!(function_words().all(|(_, w)| pack(w.as_bytes()).is_some()));
        let mut words: Vec<&str> = function_words().map(|(_, w)| w).collect();
        words.sort_unstable();
        let n = words.len();
        words.dedup();
        assert_eq!(words.len(), n, "a function word points to one language");
    }

    #[test]
    fn words_are_whole_lowercased_and_elisions_split() {
        let fr = LANGUAGES.iter().position(|l| l.code == "fr").unwrap();
        let en = 0;
        let e = Evidence::of("THE cat AND you");
        assert!(e.score[en] >= 3.0 * FUNCTION, "{e:?}");
        // Parts of longer words are not words.
        assert_eq!(Evidence::of("theatre andante youth").score[en], 0.0);
        // Curly apostrophes, capitals, elisions.
        let e = Evidence::of("C\u{2019}EST À VOUS");
        assert!(e.score[fr] >= 2.0 * FUNCTION, "{e:?}");
        let e = Evidence::of("l'attente");
        assert!(e.score[fr] > 0.0, "{e:?}");
        assert_eq!(Evidence::of("'quoted'").words, 1);
    }

    /// `Evidence::of` and `Evidence::glance` of `text`, read a byte at a
    /// time (the plain version of the ASCII path).
    fn byte_loop(text: &str) -> [Evidence; 2] {
        [true, false].map(|lexicons| {
            let mut e = Evidence { lexicons, ..Evidence::default() };
            e.add_any(text);
            e
        })
    }

    #[test]
    fn ascii_bytes_are_told_apart_as_the_table_does() {
        for b in 0..0x80u8 {
            // At every place of a block, among word and other bytes.
            for at in 0..64 {
                let mut block =
                    *b"Ab'-z Zz.aZ'-0@[`{ \t\nlong-WORD's end, and more words here.......";
                block[at] = b;
                let (words, letters) = ascii_block(&block);
                let mut want = (0, 0);
                for (i, &byte) in block.iter().enumerate() {
                    let lower = ASCII_WORD[usize::from(byte)];
                    want.0 |= u64::from(lower != NOT_WORD) << i;
                    want.1 += u32::from(lower != NOT_WORD && lower != b'\'');
                }
                assert_eq!((words, letters), want, "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn ascii_words_across_blocks_read_as_the_byte_loop() {
        // Every word length (packed or not) ending at every place around
        // the first and second block ends, and at the text's end.
        for at in 0..140 {
            for len in 1..80 {
                for end in ["", " the", "-", "'"] {
                    let text = format!("{}{}{end}", " ".repeat(at), "A".repeat(len));
                    assert_eq!(
                        [Evidence::of(&text), Evidence::glance(&text)],
                        byte_loop(&text)
                    );
                }
            }
        }
    }

    /// Pieces of the texts of `ascii_path_reads_as_the_byte_loop`: runs of
    /// word bytes, runs of other bytes, and words the tables know.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let word_bytes: Vec<char> =
            ('a'..='z').chain('A'..='Z').chain(['\'', '-']).collect();
        let others: Vec<char> = ('0'..='9').chain(" \t\n.,!?;:\"()/&".chars()).collect();
        let run = |chars: Vec<char>, n| {
            proptest::collection::vec(proptest::sample::select(chars), n)
                .prop_map(|c| c.into_iter().collect::<String>())
        };
        let mut known: Vec<String> = function_words()
            .map(|(_, w)| w.to_string())
            .filter(|w| w.is_ascii())
            .collect();
        known.extend(
            ["l'attente", "m-ati", "'quoted'", "--", "'", "schijn", "trabalhacao"]
                .map(String::from),
        );
        let known = (proptest::sample::select(known), any::<bool>())
            .prop_map(|(w, upper)| if upper { w.to_uppercase() } else { w });
        prop_oneof![
            3 => run(word_bytes, 1..80),
            3 => run(others.clone(), 1..4),
            1 => run(others, 1..80),
            3 => known,
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// The ASCII path gives the byte loop's evidence, bit for bit.
        #[test]
        fn ascii_path_reads_as_the_byte_loop(
            pieces in proptest::collection::vec(piece(), 0..120),
            cut in 0usize..600,
        ) {
            let text = pieces.concat();
            let text = prefix(&text, cut);
            proptest::prop_assert!(text.is_ascii());
            proptest::prop_assert_eq!([Evidence::of(text), Evidence::glance(text)], byte_loop(text));
        }
    }

    #[test]
    fn detects_one_line_and_refuses_absent_evidence() {
        for (text, want) in [
            ("Pas mal, merci.", "fr"),
            ("Nicht schlecht, danke.", "de"),
            ("Je ne suis pas content du tout.", "fr"),
            ("Thanks, it works now.", "en"),
            ("Multumesc, acum merge.", "ro"),
            ("Ainda nao funciona.", "pt"),
            ("Het werkt nog steeds niet.", "nl"),
            ("Todavía no funciona.", "es"),
            ("Grazie, adesso funziona.", "it"),
        ] {
            assert_eq!(detect(text), Detected::Supported(want), "{text}");
        }
        assert_eq!(detect("ok"), Detected::Unsure);
        assert_eq!(detect(""), Detected::Unsure);
        assert_eq!(detect("12345 ..."), Detected::Unsure);
        let el = "Καλησπέρα, το ίντερνετ μου δεν λειτουργεί εδώ και τρεις μέρες.";
        assert_eq!(detect(el), Detected::Unsupported);
        // Latin-script languages without a lexicon: whatlang tells them.
        for text in [
            "Dzień dobry, internet nie działa od wczoraj i nikt nie oddzwonił.",
            "Merhaba, internetim dünden beri çalışmıyor ve kimse geri aramadı.",
        ] {
            assert_eq!(detect(text), Detected::Unsupported, "{text}");
        }
    }

    #[test]
    fn a_turn_switches_only_on_evidence() {
        let fr = Evidence::of("Merci, c'est parfait maintenant, vous êtes formidable.");
        assert_eq!(fr.switch_from("en"), Some("fr"));
        assert_eq!(fr.switch_from("fr"), None);
        assert_eq!(Evidence::of("ok").switch_from("en"), None);
        assert_eq!(Evidence::of("The router is still down.").switch_from("en"), None);
        assert_eq!(Evidence::of("Paris").switch_from("en"), None);
        // One word that is both a function word and known to a lexicon.
        assert_eq!(Evidence::of("Um spielberg").switch_from("en"), None);
        assert_eq!(Evidence::of("er, 1997.").switch_from("en"), None);
    }
}
