//! The records of a chunk of CSV, read fast when they are plain.
//!
//! Nearly every row of a transcript export is plain: each field unquoted,
//! or quoted without a doubled quote inside, and the row ended by `\n`,
//! `\r\n` or the end of the input. [`plain_record`] reads such a record by
//! searching for the next delimiter, quote or line end with `memchr`: a few
//! dozen instructions per field, where the csv crate's state machine takes
//! about 13 per byte (its parsing was 8.3% of the run's instructions; this
//! path cut the whole run by 2.1%, 522.4M to 511.2M: callgrind, 3 MB
//! corpus, one thread). Its fields are not copied: a [`Record`] holds
//! where they are in the buffer (copying each into a `csv::ByteRecord`
//! was a `memcpy` call per field, 2% of the run).
//! Anything else (a doubled quote, text after a closing quote, a quote that
//! never closes, a lone `\r`) goes to the csv crate, which reads that one
//! record from the same place. Both give the same fields and the same
//! positions, which the csv crate's callers rely on for line numbers; a
//! property test compares them on random input.

use std::io;

use csv::{ByteRecord, Position};

use super::csv::Feed;

/// One record, as [`Records::next`] reads it: a plain one as the places of
/// its fields in the buffer read (not copied), another as the csv crate
/// reads it.
#[derive(Debug, Default)]
pub(super) struct Record {
    /// Where each field is: in the buffer read when the record is plain,
    /// else in `parsed`.
    spans: Vec<(usize, usize)>,
    plain: bool,
    /// The record when it is not plain, as the csv crate reads it.
    parsed: ByteRecord,
    /// Where the record starts, as the csv crate counts: byte and line.
    byte: u64,
    line: u64,
}

impl Record {
    /// The line where the record starts (the csv crate's count).
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// The byte where the record starts (the csv crate's count).
    pub(super) fn byte(&self) -> u64 {
        self.byte
    }

    /// Number of fields.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The fields; `buffer` is the one [`Records::next`] read the record
    /// from (unused when the csv crate read it).
    pub(super) fn fields<'a>(&'a self, buffer: &'a [u8]) -> Fields<'a> {
        let base = if self.plain { buffer } else { self.parsed.as_slice() };
        Fields { base, spans: &self.spans }
    }

    /// The csv crate's record, to read one into; then [`Record::parsed`].
    pub(super) fn parsed_mut(&mut self) -> &mut ByteRecord {
        &mut self.parsed
    }

    /// Takes the record read into [`Record::parsed_mut`] as this one.
    pub(super) fn parsed(&mut self) {
        let parsed = &self.parsed;
        self.plain = false;
        self.spans.clear();
        self.spans.extend(
            (0..parsed.len()).filter_map(|i| parsed.range(i)).map(|r| (r.start, r.end)),
        );
        if let Some(p) = parsed.position() {
            (self.byte, self.line) = (p.byte(), p.line());
        }
    }
}

/// A record's fields, borrowed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fields<'a> {
    /// The bytes the fields are in.
    base: &'a [u8],
    spans: &'a [(usize, usize)],
}

impl<'a> Fields<'a> {
    /// Number of fields.
    pub(super) fn len(self) -> usize {
        self.spans.len()
    }

    /// Field `i` (empty past the last one).
    pub(super) fn get(self, i: usize) -> &'a [u8] {
        let span = self.spans.get(i).and_then(|&(start, end)| self.base.get(start..end));
        span.unwrap_or_default()
    }

    /// Where field `i` is in [`Fields::bytes`].
    pub(super) fn range(self, i: usize) -> Option<std::ops::Range<usize>> {
        let &(start, end) = self.spans.get(i)?;
        let first = self.spans.first().map_or(0, |&(s, _)| s);
        Some(start - first..end - first)
    }

    /// The bytes from the first field's start to the last one's end (with
    /// the delimiters and quotes between them when the record is plain).
    pub(super) fn bytes(self) -> &'a [u8] {
        match (self.spans.first(), self.spans.last()) {
            (Some(&(start, _)), Some(&(_, end))) => self.base.get(start..end),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// Every field, in order.
    pub(super) fn iter(self) -> impl Iterator<Item = &'a [u8]> {
        (0..self.spans.len()).map(move |i| self.get(i))
    }
}

/// Reads the records of one buffer: each plain one by [`plain_record`],
/// each other one by the csv crate from the same place.
#[derive(Debug)]
pub(super) struct Records {
    /// Where the next record starts in the buffer.
    at: usize,
    /// The csv crate's line count at `at`.
    line: u64,
}

impl Records {
    /// Records from the start of a buffer, on line `line`.
    pub(super) fn new(line: u64) -> Records {
        Records { at: 0, line }
    }

    /// Where the next record starts: past the last record read.
    pub(super) fn position(&self) -> (usize, u64) {
        (self.at, self.line)
    }

    /// Reads the next record of `bytes` into `record`, with the position
    /// the csv crate gives it; false at the end. `rdr`, a reader with the
    /// same delimiter, reads a record that is not plain: `bytes` are lent to
    /// it for that.
    pub(super) fn next(
        &mut self,
        bytes: &mut Vec<u8>,
        delimiter: u8,
        rdr: &mut csv::Reader<Feed>,
        record: &mut Record,
    ) -> csv::Result<bool> {
        let at = self.at.min(bytes.len());
        if let Some((taken, lines)) =
            plain_record(&bytes[at..], at, delimiter, &mut record.spans)
        {
            record.plain = true;
            (record.byte, record.line) = (self.at as u64, self.line);
            self.at += taken;
            self.line += lines;
            return Ok(true);
        }
        let mut start = Position::new();
        start.set_byte(self.at as u64).set_line(self.line);
        // Swapped in and back, so that the reader keeps its own buffer.
        std::mem::swap(&mut rdr.get_mut().bytes, bytes);
        let read = rdr
            .seek_raw(io::SeekFrom::Start(self.at as u64), start)
            .and_then(|()| rdr.read_byte_record(&mut record.parsed));
        std::mem::swap(&mut rdr.get_mut().bytes, bytes);
        let read = read?;
        record.parsed();
        let end = rdr.position();
        (self.at, self.line) = (end.byte() as usize, end.line());
        Ok(read)
    }
}

/// Reads the plain record at the start of `input` (see the module's
/// documentation) into `spans`, the places of its fields, `offset` added
/// (where `input` starts in the buffer); the bytes it took and the line
/// feeds among them. `None` when the record is not plain, or there is none.
///
/// What the csv crate does, as far as plain records go: the line ends
/// before a record (blank lines) are skipped; a record ends after its `\n`,
/// or after the `\r` of a `\r\n` (the `\n` is skipped with the next
/// record); a quote inside an unquoted field is a character like others.
fn plain_record(
    input: &[u8],
    offset: usize,
    delimiter: u8,
    spans: &mut Vec<(usize, usize)>,
) -> Option<(usize, u64)> {
    if matches!(delimiter, b'"' | b'\r' | b'\n') {
        return None;
    }
    let mut i = input.iter().position(|&b| b != b'\r' && b != b'\n')?;
    // Usually none, or the `\n` of a `\r\n`: too few bytes for `memchr`.
    let mut lines = input[..i].iter().filter(|&&b| b == b'\n').count() as u64;
    spans.clear();
    loop {
        if input.get(i) == Some(&b'"') {
            // Up to the next quote, counting the line feeds on the way
            // (one search for both: a quoted field rarely has one).
            let mut close = i + 1;
            loop {
                close += memchr::memchr2(b'"', b'\n', &input[close..])?;
                if input[close] == b'"' {
                    break;
                }
                lines += 1;
                close += 1;
            }
            spans.push((offset + i + 1, offset + close));
            i = close + 1;
        } else {
            // Up to the delimiter or a line end; a quote inside an unquoted
            // field is a character like others.
            let rest = &input[i..];
            let len =
                memchr::memchr3(delimiter, b'\n', b'\r', rest).unwrap_or(rest.len());
            spans.push((offset + i, offset + i + len));
            i += len;
        }
        match input.get(i) {
            None => return Some((i, lines)),
            Some(&b) if b == delimiter => i += 1,
            Some(b'\n') => return Some((i + 1, lines + 1)),
            Some(b'\r') if input.get(i + 1) == Some(&b'\n') => {
                return Some((i + 1, lines))
            }
            // A lone `\r` ends the record too, but the csv crate then reads
            // what follows in ways not worth repeating here; so does a
            // doubled quote or text after a closing one.
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_records_are_read_here() {
        let mut spans = Vec::new();
        let cases: [(&[u8], &[&str], usize, u64); 8] = [
            (b"a,b,c\nd", &["a", "b", "c"], 6, 1),
            (b"\"x, y\",z\r\nnext", &["x, y", "z"], 9, 0),
            (b"\n\r\n\"two\nlines\",,\n", &["two\nlines", "", ""], 17, 4),
            (
                b"an unquoted field longer than the loop,x\n",
                &["an unquoted field longer than the loop", "x"],
                41,
                1,
            ),
            (b"last,row", &["last", "row"], 8, 0),
            (b"say \"hi\",x\n", &["say \"hi\"", "x"], 11, 1),
            (b",\n", &["", ""], 2, 1),
            (b"\"\"\n", &[""], 3, 1),
        ];
        for (input, fields, taken, lines) in cases {
            // As if the record started 3 bytes into the buffer.
            let buffer = [b"xyz", input].concat();
            let got = plain_record(input, 3, b',', &mut spans);
            assert_eq!(got, Some((taken, lines)), "{:?}", String::from_utf8_lossy(input));
            let read: Vec<&[u8]> = spans.iter().map(|&(s, e)| &buffer[s..e]).collect();
            let want: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
            assert_eq!(read, want);
        }
    }

    #[test]
    fn other_records_are_left_to_the_csv_crate() {
        let mut spans = Vec::new();
        for input in [
            &b"\"say \"\"hi\"\"\",x\n"[..],
            b"\"closed\"then,x\n",
            b"\"never closed,x\n",
            b"a\rb\n",
            b"\n\r\n",
            b"",
        ] {
            let got = plain_record(input, 0, b',', &mut spans);
            assert_eq!(got, None, "{:?}", String::from_utf8_lossy(input));
        }
    }

    /// Every record of the csv crate's `rdr` with its fields, byte and line.
    fn all_of_csv(rdr: &mut csv::Reader<&[u8]>) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        let mut record = ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut record).unwrap() {
            let position = record.position().expect("a position");
            let fields = record.iter().map(<[u8]>::to_vec).collect();
            out.push((fields, position.byte(), position.line()));
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The records, their fields and their positions are the csv
        /// crate's, whatever the bytes.
        #[test]
        fn records_are_the_csv_crates(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"a,;\"\n\r \xc3\xa9".to_vec()),
                0..80,
            ),
            semicolon in proptest::bool::ANY,
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            let mut plain = super::super::csv::csv_reader(delimiter, &bytes[..]);
            let want = all_of_csv(&mut plain);
            let mut rdr = super::super::csv::csv_reader(delimiter, Feed::default());
            let (mut records, mut owned) = (Records::new(1), bytes.clone());
            let (mut record, mut got) = (Record::default(), Vec::new());
            while records.next(&mut owned, delimiter, &mut rdr, &mut record).unwrap() {
                let fields = record.fields(&owned).iter().map(<[u8]>::to_vec).collect();
                got.push((fields, record.byte, record.line));
            }
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert_eq!(owned, bytes);
        }
    }
}
