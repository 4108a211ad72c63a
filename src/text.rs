//! Tokenizer: splits a turn into the tokens that the scoring rules read.
//!
//! English valence must reproduce vaderSentiment 3.3.2, so the token rules are
//! VADER's: emoji are replaced by their descriptions, the text is split on
//! white space, and leading/trailing punctuation is stripped unless that leaves
//! two characters or fewer (which keeps emoticons such as `:)` and `<3`, and
//! contractions such as `don't`, whole). Each token gets its lowercase form for
//! lexicon look-ups, and its form: the lowercase form with surrounding
//! punctuation stripped, which phrases are matched on and explanations show.
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
use wide::{i8x16, CmpGt, CmpLt};

/// Where one token's forms live in the [`Tokens`] buffers.
#[derive(Clone, Copy, Debug)]
pub struct Token {
    lower_start: u32,
    lower_end: u32,
    /// The form is a part of the lowercase form, in the same buffer.
    form_start: u32,
    form_end: u32,
    upper: bool,
    /// What the punctuation after the word closes (see [`Close`]).
    close: Close,
    /// The word is in quotes (`"help"`): scare quotes, with a complaint.
    quoted: bool,
}

/// What a token's trailing punctuation closes, for the scope of negation
/// and boosters (`score.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Close {
    /// Nothing: no `,` `.` `!` `?` `;` `…` after the word.
    #[default]
    Nothing,
    /// A comma: a clause ends if the next word opens one.
    Comma,
    /// `.` `!` `?` `;` or `…`: the sentence ends.
    Sentence,
}

impl Close {
    /// What the trailing punctuation `tail` closes.
    #[inline]
    fn of(tail: &str) -> Close {
        let mut close = Close::Nothing;
        for c in tail.chars() {
            match c {
                '.' | '!' | '?' | ';' | '\u{2026}' => return Close::Sentence,
                ',' => close = Close::Comma,
                _ => {}
            }
        }
        close
    }
}

/// The tokens of one turn, in buffers reused from turn to turn.
#[derive(Debug, Default)]
pub struct Tokens {
    expanded: String,
    lower: String,
    tokens: Vec<Token>,
    /// The ASCII path's byte classes.
    classes: Classes,
    /// Per token, [`Tokens::key`].
    keys: Vec<Option<u128>>,
    exclamations: u32,
    questions: u32,
    exasperated: bool,
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

    /// Token `i`'s lowercase form packed by [`pack`]; `None` for forms
    /// longer than 15 bytes. Packed once per token (the word cache and the
    /// repetition cue both read it).
    #[inline]
    pub fn key(&self, i: usize) -> Option<u128> {
        self.keys[i]
    }

    /// True when token `i` is ALL CAPS (Python's `str.isupper`).
    #[inline]
    pub fn is_upper(&self, i: usize) -> bool {
        self.tokens[i].upper
    }

    /// The form of token `i`: lowercase, surrounding punctuation stripped
    /// (empty for a token of punctuation only). Phrases are matched on it.
    #[inline]
    pub fn form(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.lower[t.form_start as usize..t.form_end as usize]
    }

    /// The length in bytes of [`Tokens::form`].
    #[inline]
    pub fn form_len(&self, i: usize) -> usize {
        let t = &self.tokens[i];
        (t.form_end - t.form_start) as usize
    }

    /// The form shown in explanations: [`Tokens::form`], or the lowercase
    /// form when that would leave nothing.
    pub fn label(&self, i: usize) -> &str {
        match self.form(i) {
            "" => self.lower(i),
            form => form,
        }
    }

    /// True when token `i` is in quotes of its own (`"help"`, `‘help’`).
    #[inline]
    pub fn is_quoted(&self, i: usize) -> bool {
        self.tokens[i].quoted
    }

    /// What the punctuation after token `i` closes.
    #[inline]
    pub(crate) fn close(&self, i: usize) -> Close {
        self.tokens[i].close
    }

    /// Count of `!` in the text (VADER counts the whole text).
    pub fn exclamations(&self) -> u32 {
        self.exclamations
    }

    /// Count of `?` in the text.
    pub fn questions(&self) -> u32 {
        self.questions
    }

    /// True when the text doubles a question mark (`??`, `?!`, `!?`):
    /// exasperation rather than a question.
    pub fn exasperated(&self) -> bool {
        self.exasperated
    }

    /// Ends a turn's tokens: pads the lowercase forms so that 16 bytes can
    /// be read from any token's start, and packs them ([`Tokens::key`]).
    fn finish(&mut self) {
        self.lower.push_str(KEY_PADDING);
        let lower = self.lower.as_bytes();
        self.keys.extend(self.tokens.iter().map(|t| {
            let (start, len) =
                (t.lower_start as usize, (t.lower_end - t.lower_start) as usize);
            if len > 15 {
                return None;
            }
            let bytes: [u8; 16] = lower.get(start..start + 16)?.try_into().ok()?;
            Some(pack_prefix(bytes, len))
        }));
    }

    fn clear(&mut self) {
        self.expanded.clear();
        self.lower.clear();
        self.tokens.clear();
        self.keys.clear();
        self.exclamations = 0;
        self.exasperated = false;
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
            '\u{2018}'
                | '\u{2019}'
                | '\u{201A}'
                | '\u{201C}'
                | '\u{201D}'
                | '\u{201E}'
                | '\u{00AB}'
                | '\u{00BB}'
                | '\u{2039}'
                | '\u{203A}'
                | '\u{00BF}'
                | '\u{00A1}'
                | '\u{2026}'
                | '\u{2013}'
                | '\u{2014}'
        )
}

/// Strips `is_strip_punct` characters from both ends.
#[inline]
pub fn trim_punct(s: &str) -> &str {
    s.trim_matches(is_strip_punct)
}

/// An ASCII quote mark.
#[inline]
fn is_quote(b: u8) -> bool {
    b == b'"' || b == b'\''
}

/// Python's `str.isupper`: at least one cased character and no lowercase one.
#[inline]
fn is_upper(s: &str) -> bool {
    let mut cased = false;
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
/// `l'` or `dell'`) off the word they precede.
pub fn tokenize(
    text: &str,
    emoji: &FxHashMap<char, Box<str>>,
    elisions: &[Box<str>],
    out: &mut Tokens,
) {
    out.clear();
    let mut expanded = std::mem::take(&mut out.expanded);
    let ascii = text.is_ascii();
    let source = if ascii || emoji.is_empty() {
        text
    } else {
        expand_emoji(text, emoji, &mut expanded);
        expanded.as_str()
    };
    // Emoji descriptions are ASCII: most texts with emoji are ASCII now.
    if ascii || source.is_ascii() {
        tokenize_ascii(source, elisions, out);
        out.finish();
        out.expanded = expanded;
        return;
    }
    count_marks(source.as_bytes(), out);
    for word in source.split(is_py_space) {
        if word.is_empty() {
            continue;
        }
        match split_elision(word, elisions) {
            Some((article, rest)) => {
                push_token(out, article);
                push_token(out, rest);
            }
            None => push_token(out, word),
        }
    }
    out.finish();
    out.expanded = expanded;
}

/// Adds the `!` and `?` of `bytes` to the counts, and whether two of them
/// stand together (`??`, `?!`, `!?`: [`Tokens::exasperated`]). White space
/// is neither, so the text's counts are the sums of its words'.
fn count_marks(bytes: &[u8], out: &mut Tokens) {
    let (mut exclamations, mut questions) = (0, 0);
    for &b in bytes {
        exclamations += u32::from(b == b'!');
        questions += u32::from(b == b'?');
    }
    out.exclamations += exclamations;
    out.questions += questions;
    out.exasperated |= out.questions >= 1
        && out.questions + out.exclamations >= 2
        && bytes.windows(2).any(|w| matches!(w, [b'?', b'?' | b'!'] | [b'!', b'?']));
}

/// A word of at most 15 bytes in one number, for look-ups that need no
/// string hashing or compare: its bytes, and its length in the top byte.
/// `bytes` starts with the word; what follows it is ignored.
#[inline]
pub(crate) fn pack_prefix(bytes: [u8; 16], len: usize) -> u128 {
    (u128::from_le_bytes(bytes) & KEY_MASKS[len]) | (len as u128) << 120
}

/// [`pack_prefix`] of a whole word; `None` when it is longer than 15 bytes.
pub(crate) fn pack(word: &[u8]) -> Option<u128> {
    if word.len() > 15 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes[..word.len()].copy_from_slice(word);
    Some(pack_prefix(bytes, word.len()))
}

/// A map from packed words ([`pack`]) to small values: open addressing
/// with linear probing over a power-of-two array at most half full. A hit
/// costs a multiply, a shift and one key compare, about a third of a
/// general hash map's instructions; it runs once per token.
#[derive(Debug)]
pub(crate) struct PackedMap<V> {
    /// `(key, value)`; key 0 marks an empty slot (a packed word never is 0:
    /// its length is in the top byte).
    slots: Vec<(u128, V)>,
    len: usize,
}

impl<V> Default for PackedMap<V> {
    fn default() -> Self {
        PackedMap { slots: Vec::new(), len: 0 }
    }
}

impl<V: Copy + Default> PackedMap<V> {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn slot_of(key: u128, mask: usize) -> usize {
        let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask
    }

    /// The slot holding `key`, or the empty one where it would go (there
    /// is one: the slots are at most half full).
    #[inline]
    fn find(&self, key: u128) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = Self::slot_of(key, mask);
        loop {
            match self.slots[at].0 {
                k if k == key || k == 0 => return at,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// The value of `key`.
    #[inline]
    pub(crate) fn get(&self, key: u128) -> Option<V> {
        if self.slots.is_empty() {
            return None;
        }
        let (k, v) = self.slots[self.find(key)];
        (k == key).then_some(v)
    }

    /// The value of `key`, made by `value` the first time.
    #[inline]
    pub(crate) fn get_or_insert(&mut self, key: u128, value: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(key) {
            return v;
        }
        let v = value();
        self.insert(key, v);
        v
    }

    /// Sets the value of `key`.
    pub(crate) fn insert(&mut self, key: u128, value: V) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.find(key);
        if self.slots[at].0 == 0 {
            self.len += 1;
        }
        self.slots[at] = (key, value);
    }

    /// Doubles the slots (1024 at first) and re-inserts every entry.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![(0, V::default()); size]);
        for (key, value) in old.into_iter().filter(|&(k, _)| k != 0) {
            let at = self.find(key);
            self.slots[at] = (key, value);
        }
    }

    /// Removes every entry.
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }
}

/// `KEY_MASKS[n]` keeps the first `n` bytes of a little-endian `u128` (a
/// table: a variable 128-bit shift takes several instructions).
const KEY_MASKS: [u128; 16] = {
    let mut masks = [0u128; 16];
    let mut n = 1;
    while n < 16 {
        masks[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

/// Appended to the lowercase buffer so that [`Tokens::finish`] can read 16
/// bytes from any token's start.
const KEY_PADDING: &str = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// The common case, ASCII text: the same tokens as the general path
/// (`tests::ascii_path_matches_general_path`, and a property test),
/// without decoding characters. The whole text is lowercased once, so a
/// token's lowercase form is a range of it, at the token's own offsets.
///
/// Words are found in bitmaps of byte classes ([`Classes`]), not by a loop
/// that tests every byte: such a loop's exit is mispredicted at nearly
/// every word end, and the tokenizer was a sixth of a run's time.
fn tokenize_ascii(text: &str, elisions: &[Box<str>], out: &mut Tokens) {
    out.lower.push_str(text);
    out.lower.make_ascii_lowercase();
    if memchr::memchr2(b'!', b'?', text.as_bytes()).is_some() {
        count_marks(text.as_bytes(), out);
    }
    let mut classes = std::mem::take(&mut out.classes);
    classes.read(text.as_bytes());
    // Each word starts where white space ends, and ends where it starts.
    let (mut start, mut space_before) = (0, 1);
    for (k, block) in classes.blocks.iter().enumerate() {
        let after_space = block.space << 1 | space_before;
        let starts = !block.space & after_space;
        let mut edges = starts | (block.space & !after_space);
        space_before = block.space >> 63;
        while edges != 0 {
            let at = edges.trailing_zeros();
            edges &= edges - 1;
            if starts >> at & 1 != 0 {
                start = 64 * k + at as usize;
            } else {
                push_ascii_word(
                    out,
                    text,
                    elisions,
                    &classes,
                    start,
                    64 * k + at as usize,
                );
            }
        }
    }
    out.classes = classes;
}

/// The tokens of the ASCII word `text[start..end]`: one, or an elided
/// article and the word it precedes.
#[inline(always)]
fn push_ascii_word(
    out: &mut Tokens,
    text: &str,
    elisions: &[Box<str>],
    classes: &Classes,
    start: usize,
    end: usize,
) {
    if !elisions.is_empty() {
        if let Some((article, _)) = split_elision(&text[start..end], elisions) {
            let cut = start + article.len();
            push_ascii_token(out, text, classes, start, cut);
            push_ascii_token(out, text, classes, cut, end);
            return;
        }
    }
    push_ascii_token(out, text, classes, start, end);
}

/// The byte classes of an ASCII text, one bit per byte in blocks of 64:
/// white space, punctuation, upper- and lowercase letters. Bytes past the
/// end are white space; a word's bits can be read across the end of the
/// last block ([`Classes::shape`]).
#[derive(Debug, Default)]
struct Classes {
    blocks: Vec<Block>,
}

/// One 64-byte block of [`Classes`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Block {
    space: u64,
    punct: u64,
    upper: u64,
    lower: u64,
}

impl Classes {
    /// Classifies `bytes`, a block at a time.
    fn read(&mut self, bytes: &[u8]) {
        self.blocks.clear();
        for block in blocks64(bytes, &mut [b' '; 64]) {
            self.blocks.push(Block::of(block));
        }
        // All white space: it ends a word that runs to the end of a block.
        self.blocks.push(Block { space: u64::MAX, ..Block::default() });
    }

    /// The shape of the word of `len` (1 to 64) bytes from `start`; `None`
    /// for most words, which have no punctuation and no capital.
    #[inline]
    fn shape(&self, start: usize, len: usize) -> Option<Shape> {
        let (k, s) = (start / 64, (start % 64) as u32);
        let keep = u64::MAX >> (64 - len);
        let (a, b) = (&self.blocks[k], &self.blocks[k + 1]);
        // `(x << 1) << (63 - s)` is `x << (64 - s)`, and nothing when s = 0.
        let at = |x: u64, y: u64| ((x >> s) | ((y << 1) << (63 - s))) & keep;
        let (punct, upper) = (at(a.punct, b.punct), at(a.upper, b.upper));
        if punct | upper == 0 {
            return None;
        }
        let lead = (!punct).trailing_zeros().min(len as u32) as usize;
        // The punctuation bits moved to the top: the trailing run leads.
        let trail = match lead == len {
            true => 0,
            false => (!(punct << (64 - len))).leading_zeros() as usize,
        };
        Some(Shape { lead, trail, upper: upper != 0, lower: at(a.lower, b.lower) != 0 })
    }
}

impl Block {
    /// The classes of 64 ASCII bytes ([`lane_masks`]), equal to
    /// [`class`]'s (`tests::blocks_match_class`).
    fn of(bytes: &[u8; 64]) -> Block {
        let [space, punct, upper, lower, mut controls] = lane_masks(bytes, |x| {
            let above = |b: u8| x.cmp_gt(i8x16::splat(b as i8));
            let below = |b: u8| x.cmp_lt(i8x16::splat(b as i8));
            let upper = above(b'A' - 1) & below(b'Z' + 1);
            let lower = above(b'a' - 1) & below(b'z' + 1);
            let digit = above(b'0' - 1) & below(b'9' + 1);
            let punct = above(b' ') & below(0x7f) & !(upper | lower | digit);
            [below(b' ' + 1), punct, upper, lower, below(b' ')]
        });
        let mut block = Block { space, punct, upper, lower };
        // Control characters: only some are white space.
        while controls != 0 {
            let at = controls.trailing_zeros();
            if class(bytes[at as usize]) & SPACE == 0 {
                block.space &= !(1 << at);
            }
            controls &= controls - 1;
        }
        block
    }
}

/// `bytes` in blocks of 64: how the ASCII paths (here and in language
/// detection) read a text. The rest after the last whole block is copied
/// into `last`, which the caller fills with the byte that pads it.
pub(crate) fn blocks64<'a>(
    bytes: &'a [u8],
    last: &'a mut [u8; 64],
) -> impl Iterator<Item = &'a [u8; 64]> {
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    let last = (!rest.is_empty()).then_some(&*last);
    // `chunks_exact` gives 64 bytes: the `unwrap_or` is never taken.
    blocks.map(|b| <&[u8; 64]>::try_from(b).unwrap_or(&[0; 64])).chain(last)
}

/// `N` bit masks of 64 ASCII bytes, one bit per byte, the first byte
/// lowest: `classify` is given 16 bytes at a time and sets, in each of its
/// `N` results, the lanes of the bytes that mask takes. Vector compares
/// (`wide`: SSE2 or NEON, safely) order ASCII as signed bytes, since it is
/// below 0x80.
#[inline(always)]
pub(crate) fn lane_masks<const N: usize>(
    block: &[u8; 64],
    classify: impl Fn(i8x16) -> [i8x16; N],
) -> [u64; N] {
    let mut masks = [0; N];
    for (k, part) in block.chunks_exact(16).enumerate() {
        // `chunks_exact` gives 16 bytes: the `unwrap_or` is never taken.
        let part: [u8; 16] = part.try_into().unwrap_or([0; 16]);
        for (mask, lanes) in masks.iter_mut().zip(classify(bytemuck::cast(part))) {
            *mask |= u64::from(lanes.move_mask() as u16) << (16 * k);
        }
    }
    masks
}

/// The bytes of `block` equal to one of `needles`, one bit per byte (the
/// first lowest): 16 bytes compared at once.
#[inline(always)]
pub(crate) fn any_of<const N: usize>(block: &[u8; 16], needles: [u8; N]) -> u16 {
    use wide::CmpEq;
    let v = i8x16::from(bytemuck::cast::<[u8; 16], [i8; 16]>(*block));
    let mut hits = i8x16::splat(0);
    for b in needles {
        hits |= v.cmp_eq(i8x16::splat(b as i8));
    }
    hits.move_mask() as u16
}

/// Appends `bytes[..len]`. A copy of varying length is a `memcpy` call,
/// whose size dispatch mispredicts about once a call (a tenth of the run's
/// mispredicted branches went there, cachegrind); a short one (`len` at
/// most 16, with 16 bytes to read) is one 16-byte copy, cut back to `len`.
#[inline(always)]
pub(crate) fn push_prefix(out: &mut Vec<u8>, bytes: &[u8], len: usize) {
    match bytes.first_chunk::<16>() {
        Some(block) if len <= 16 => {
            out.extend_from_slice(block);
            out.truncate(out.len() - 16 + len);
        }
        _ => out.extend_from_slice(&bytes[..len]),
    }
}

/// Byte classes for [`tokenize_ascii`].
const SPACE: u8 = 1;
const PUNCT: u8 = 2;
const UPPER: u8 = 4;
const LOWER: u8 = 8;

#[inline]
fn class(b: u8) -> u8 {
    const TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            t[b] = if matches!(
                c,
                b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f
            ) {
                SPACE
            } else if c.is_ascii_punctuation() {
                PUNCT
            } else if c.is_ascii_uppercase() {
                UPPER
            } else if c.is_ascii_lowercase() {
                LOWER
            } else {
                0
            };
            b += 1;
        }
        t
    };
    TABLE[usize::from(b)]
}

/// What [`push_ascii_token`] needs of a word's classes: how many bytes of
/// punctuation lead and trail it, and whether it has upper- and lowercase
/// letters.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Shape {
    lead: usize,
    trail: usize,
    upper: bool,
    lower: bool,
}

impl Shape {
    /// The shape of `word`, byte by byte (words longer than a block).
    fn of_bytes(word: &[u8]) -> Shape {
        let punct = |b: &u8| class(*b) & PUNCT != 0;
        let lead = word.iter().take_while(|b| punct(b)).count();
        let trail = word[lead..].iter().rev().take_while(|b| punct(b)).count();
        let has = |c: u8| word.iter().any(|&b| class(b) & c != 0);
        Shape { lead, trail, upper: has(UPPER), lower: has(LOWER) }
    }
}

/// [`push_token`] for the ASCII word `text[start..end]`.
#[inline(always)]
fn push_ascii_token(
    out: &mut Tokens,
    text: &str,
    classes: &Classes,
    start: usize,
    end: usize,
) {
    let len = end - start;
    let shape = match len {
        1..=64 => match classes.shape(start, len) {
            Some(shape) => shape,
            None => {
                let (start, end) = (start as u32, end as u32);
                out.tokens.push(Token {
                    lower_start: start,
                    lower_end: end,
                    form_start: start,
                    form_end: end,
                    upper: false,
                    close: Close::Nothing,
                    quoted: false,
                });
                return;
            }
        },
        _ => Shape::of_bytes(&text.as_bytes()[start..end]),
    };
    let bytes = text.as_bytes();
    let (s, e) = (start + shape.lead, end - shape.trail);
    // VADER keeps the original when stripping leaves <= 2 characters.
    let (lower_start, lower_end) = if e - s <= 2 { (start, end) } else { (s, e) };
    // Punctuation has no case, so the classes of the whole word are those
    // of the stripped one.
    out.tokens.push(Token {
        lower_start: lower_start as u32,
        lower_end: lower_end as u32,
        form_start: s as u32,
        form_end: e as u32,
        upper: shape.upper && !shape.lower,
        close: if e < end { Close::of(&text[e..end]) } else { Close::Nothing },
        quoted: s > start
            && e < end
            && is_quote(bytes[start])
            && bytes[e..end].iter().copied().any(is_quote),
    });
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
    let (pos, apostrophe) =
        word[start..].char_indices().find(|&(_, c)| c == '\'' || c == '\u{2019}')?;
    let cut = start + pos + apostrophe.len_utf8();
    if pos == 0 || pos > 8 || cut >= word.len() {
        return None;
    }
    let article = &word[start..start + pos];
    let known = elisions.iter().any(|e| {
        let e = e.strip_suffix('\'').unwrap_or(e);
        e.len() == article.len()
            && e.chars()
                .zip(article.chars())
                .all(|(a, b)| b.to_lowercase().eq(std::iter::once(a)))
    });
    known.then(|| (&word[..cut], &word[cut..]))
}

fn push_token(out: &mut Tokens, word: &str) {
    let stripped = trim_punct(word);
    // VADER keeps the original when stripping leaves <= 2 characters.
    let short = stripped.len() <= 2 || stripped.chars().nth(2).is_none();
    let tok = if short { word } else { stripped };

    let lower_start = out.lower.len();
    push_lower(&mut out.lower, tok);
    let lower_end = out.lower.len();
    let lower = &out.lower[lower_start..lower_end];
    let form = trim_punct(lower);
    let form_start = lower_start + (form.as_ptr() as usize - lower.as_ptr() as usize);
    out.tokens.push(Token {
        lower_start: lower_start as u32,
        lower_end: lower_end as u32,
        form_start: form_start as u32,
        form_end: (form_start + form.len()) as u32,
        upper: is_upper(tok),
        close: Close::of(&word[word.trim_end_matches(is_strip_punct).len()..]),
        quoted: word.starts_with(['"', '\'', '\u{201C}', '\u{2018}'])
            && word[word.trim_end_matches(is_strip_punct).len()..]
                .contains(['"', '\'', '\u{201D}', '\u{2019}']),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_prefix_copies_what_extend_from_slice_copies() {
        let bytes: Vec<u8> = (b'a'..=b'z').chain(b'A'..=b'Z').collect();
        for start in [0, 3, 30, 40, 52] {
            let source = &bytes[start..];
            for len in 0..=source.len().min(24) {
                let mut out = b"cell:".to_vec();
                push_prefix(&mut out, source, len);
                assert_eq!(out, [b"cell:", &source[..len]].concat(), "{start} {len}");
            }
        }
    }

    #[test]
    fn packed_map_keeps_every_word_through_growth() {
        let mut map = PackedMap::default();
        let words: Vec<String> = (0..5000).map(|n| format!("w{n}")).collect();
        for (n, w) in words.iter().enumerate() {
            assert_eq!(map.get_or_insert(pack(w.as_bytes()).unwrap(), || n), n);
        }
        assert_eq!(map.len(), words.len());
        for (n, w) in words.iter().enumerate() {
            let key = pack(w.as_bytes()).unwrap();
            assert_eq!(map.get(key), Some(n));
            assert_eq!(map.get_or_insert(key, || unreachable!("{w} was inserted")), n);
        }
        assert_eq!(map.get(pack(b"absent").unwrap()), None);
        map.insert(pack(b"w1").unwrap(), 7);
        assert_eq!((map.get(pack(b"w1").unwrap()), map.len()), (Some(7), words.len()));
        map.clear();
        assert_eq!((map.get(pack(b"w1").unwrap()), map.len()), (None, 0));
    }

    fn toks(text: &str) -> Vec<String> {
        let mut emoji = FxHashMap::default();
        emoji.insert('😁', "beaming face with smiling eyes".into());
        let mut t = Tokens::default();
        tokenize(text, &emoji, &[], &mut t);
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
    fn caps_counts_and_forms() {
        let mut t = Tokens::default();
        tokenize("NOT good!! ok? !!", &FxHashMap::default(), &[], &mut t);
        assert!(t.is_upper(0));
        assert!(!t.is_upper(1));
        assert!(!t.is_upper(2));
        assert_eq!(t.exclamations(), 4);
        assert_eq!(t.questions(), 1);
        let forms: Vec<&str> = (0..t.len()).map(|i| t.form(i)).collect();
        assert_eq!(forms, ["not", "good", "ok", ""]);
        assert_eq!(t.lower(2), "ok?");
        assert_eq!(t.label(1), "good");
        assert_eq!(t.label(3), "!!");
        assert!(!t.exasperated(), "one ? and !! apart");
        for (text, doubled) in [("60??", true), ("what?!", true), ("a? b?", false)] {
            tokenize(text, &FxHashMap::default(), &[], &mut t);
            assert_eq!(t.exasperated(), doubled, "{text}");
        }
    }

    #[test]
    fn elisions_split_off_their_word() {
        let elisions: Vec<Box<str>> =
            ["l'", "n'", "dell'", "qu'"].into_iter().map(Box::from).collect();
        let mut t = Tokens::default();
        let lowers = |text: &str, t: &mut Tokens| {
            tokenize(text, &FxHashMap::default(), &elisions, t);
            (0..t.len()).map(|i| t.lower(i).to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            lowers("L'attente n'est pas finie", &mut t),
            ["l'", "attente", "n'", "est", "pas", "finie"]
        );
        assert_eq!(
            lowers("dell\u{2019}ordine «l'attente»", &mut t),
            ["dell", "ordine", "«l'", "attente"]
        );
        assert_eq!(
            lowers("don't aujourd'hui l'", &mut t),
            ["don't", "aujourd'hui", "l'"]
        );
        assert_eq!(t.form(2), "l");
    }

    /// Tokenizes `text` on the ASCII path and on the general path (forced
    /// by a non-ASCII character that stands alone as its own last token),
    /// and compares every token.
    fn assert_paths_agree(text: &str, elisions: &[Box<str>]) {
        let mut fast = Tokens::default();
        tokenize(text, &FxHashMap::default(), elisions, &mut fast);
        let mut slow = Tokens::default();
        let forced = format!("{text} \u{e9}");
        tokenize(&forced, &FxHashMap::default(), elisions, &mut slow);
        assert_eq!(fast.len() + 1, slow.len(), "{text:?}");
        assert_eq!(fast.exclamations(), slow.exclamations(), "{text:?}");
        assert_eq!(fast.questions(), slow.questions(), "{text:?}");
        assert_eq!(fast.exasperated(), slow.exasperated(), "{text:?}");
        for i in 0..fast.len() {
            assert_eq!(fast.lower(i), slow.lower(i), "{text:?} {i}");
            assert_eq!(fast.key(i), slow.key(i), "{text:?} {i}");
            assert_eq!(fast.is_upper(i), slow.is_upper(i), "{text:?} {i}");
            assert_eq!(fast.form(i), slow.form(i), "{text:?} {i}");
            assert_eq!(fast.label(i), slow.label(i), "{text:?} {i}");
            // Known difference, kept because either change moves figures: a
            // token of punctuation only (`...`, `''`) closes nothing and is
            // not quoted on the ASCII path; on the general path its
            // punctuation is read as what follows a word.
            if !fast.form(i).is_empty() {
                assert_eq!(fast.close(i), slow.close(i), "{text:?} {i}");
                assert_eq!(fast.is_quoted(i), slow.is_quoted(i), "{text:?} {i}");
            }
        }
    }

    #[test]
    fn ascii_path_matches_general_path() {
        let elisions: Vec<Box<str>> = ["l'", "n'"].into_iter().map(Box::from).collect();
        let long = format!("{}, ({}) x", "a".repeat(70), "B".repeat(64));
        let texts = [
            "Hello, World!! I don't know :) <3 (great) good,bad it. is ... ?? ",
            "L'attente n'est PAS finie, GREAT job!!! a\u{1c}b \t\x0b\x0c x",
            "'' '' ,, a, ab, abc, ABC! A1! :D :-( -- --- 'l'avis' n'",
            "what?! ok?? a? b! !? l'?! 60?? ?",
            "\"help\" 'so-called' \"great\", a\0b \x7f x\x01y",
            &long,
        ];
        for text in texts {
            assert_paths_agree(text, &elisions);
            assert_paths_agree(text, &[]);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Random ASCII texts from characters of every class (letters of
        /// both cases, digits, punctuation, quotes, white space, control
        /// characters), long enough to cross the 64-byte blocks, with words
        /// longer than a block.
        #[test]
        fn ascii_path_matches_general_path_on_any_text(
            bytes in proptest::collection::vec(
                proptest::sample::select(
                    b"aabcxyzAQZ09 '\"!?.,;-()<:_\t\n\r\x0b\x1c\x1f\x00\x01\x7f".to_vec(),
                ),
                0..300,
            ),
            runs in proptest::collection::vec(0usize..90, 0..3),
        ) {
            let mut text = String::from_utf8(bytes).unwrap_or_default();
            for run in runs {
                text.insert_str(text.len() / 2, &"Ab!".repeat(run / 3 + 1));
            }
            let elisions: Vec<Box<str>> = ["l'"].into_iter().map(Box::from).collect();
            assert_paths_agree(&text, &elisions);
        }
    }

    #[test]
    fn blocks_match_class() {
        let bytes: Vec<u8> = (0u8..128).chain(0..128).collect();
        let mut classes = Classes::default();
        classes.read(&bytes);
        for (i, &b) in bytes.iter().enumerate() {
            let block = &classes.blocks[i / 64];
            let bit = |mask: u64| mask >> (i % 64) & 1 != 0;
            let c = class(b);
            assert_eq!(bit(block.space), c & SPACE != 0, "{b:#x}");
            assert_eq!(bit(block.punct), c & PUNCT != 0, "{b:#x}");
            assert_eq!(bit(block.upper), c & UPPER != 0, "{b:#x}");
            assert_eq!(bit(block.lower), c & LOWER != 0, "{b:#x}");
        }
    }

    #[test]
    fn keys_are_equal_exactly_when_forms_are() {
        let text = "a A a\0 ab abc abcdefghijklmno ABCDEFGHIJKLMNO abcdefghijklmnop é É";
        let mut t = Tokens::default();
        tokenize(text, &FxHashMap::default(), &[], &mut t);
        for i in 0..t.len() {
            for j in 0..t.len() {
                match (t.key(i), t.key(j)) {
                    (Some(a), Some(b)) => assert_eq!(
                        a == b,
                        t.lower(i) == t.lower(j),
                        "{:?} {:?}",
                        t.lower(i),
                        t.lower(j)
                    ),
                    (a, _) => assert_eq!(a.is_none(), t.lower(i).len() > 15),
                }
            }
        }
        assert!(t.key(7).is_none(), "16 bytes do not pack");
    }

    #[test]
    fn isupper_matches_python() {
        for (s, want) in [
            ("ABC", true),
            ("AbC", false),
            ("123", false),
            ("A1!", true),
            ("ÉTÉ", true),
            ("été", false),
            (":D", true),
        ] {
            assert_eq!(is_upper(s), want, "{s}");
        }
    }
}
