//! The corpus generator shared by `examples/corpus.rs`, `examples/throughput.rs`
//! and the criterion benchmarks: contact-centre style transcripts of any size,
//! deterministic by seed, from the bundled examples and the lexicon
//! vocabulary, so anyone can reproduce the throughput figures without our data.
//!
//! Each interaction takes the shape of one bundled example (its speakers and
//! timestamps) and, per turn, the text of the same turn in a randomly chosen
//! example, so the mix of vocabulary, phrases, emoji and turn lengths matches
//! `examples/transcripts.csv` without repeating whole calls. One customer turn
//! in five also gets a sentence built on a phrase of the English phrase
//! lexicon, so the whole phrase vocabulary is exercised, not only the phrases
//! the examples happen to use.

#![allow(dead_code)] // Each includer uses part of it.

use std::io::{self, Write};

const EXAMPLES: &str = include_str!("../transcripts.csv");
const PHRASES: &str = include_str!("../../lexicons/en/phrases.tsv");

/// Sentence frames for a lexicon phrase, as customers say them.
const FRAMES: &[(&str, &str)] = &[
    ("Honestly, ", "."),
    ("I have to say, ", "!"),
    ("To be fair ", "."),
    ("", ", that's all I can say."),
    ("Well... ", "?"),
];

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `200MB`, `1.5GB`, `64KB` or a number of bytes.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = s.strip_suffix("GB") {
        (n, 1_000_000_000)
    } else if let Some(n) = s.strip_suffix("MB") {
        (n, 1_000_000)
    } else if let Some(n) = s.strip_suffix("KB") {
        (n, 1_000)
    } else {
        (s.as_str(), 1)
    };
    num.trim().parse::<f64>().ok().filter(|v| *v >= 0.0).map(|v| (v * mult as f64) as u64)
}

/// What [`generate`] wrote.
#[derive(Clone, Copy, Debug, Default)]
pub struct Written {
    pub interactions: u64,
    pub turns: u64,
    pub bytes: u64,
    /// Bytes of turn text alone.
    pub text_bytes: u64,
}

/// Writes a transcript CSV of at least `size` bytes (whole interactions) to
/// `out`; the same `seed` gives the same bytes.
pub fn generate(size: u64, seed: u64, out: impl Write) -> io::Result<Written> {
    let mut rdr = csv::Reader::from_reader(EXAMPLES.as_bytes());
    let header = rdr.headers().expect("bundled header").clone();
    let mut interactions: Vec<Vec<csv::StringRecord>> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("bundled examples parse");
        match interactions.last_mut() {
            Some(ix) if ix[0][0] == rec[0] => ix.push(rec),
            _ => interactions.push(vec![rec]),
        }
    }
    let phrases: Vec<&str> = PHRASES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .filter(|p| !p.trim().is_empty())
        .collect();

    let mut rng = Rng(seed);
    let mut w = csv::Writer::from_writer(io::BufWriter::with_capacity(1 << 20, out));
    w.write_record(&header)?;
    let mut written = Written::default();
    let mut text = String::new();
    while written.bytes < size {
        let shape = &interactions[rng.below(interactions.len())];
        let id = format!("gen-{seed}-{:09}", written.interactions);
        for (k, row) in shape.iter().enumerate() {
            let donor = &interactions[rng.below(interactions.len())];
            // The donor's turn at the same place, when the same side spoke it.
            text.clear();
            text.push_str(match donor.get(k) {
                Some(d) if d[2] == row[2] => &d[3],
                _ => &row[3],
            });
            if &row[2] == "customer" && rng.below(5) == 0 {
                let (before, after) = FRAMES[rng.below(FRAMES.len())];
                let phrase = phrases[rng.below(phrases.len())];
                text.push(' ');
                text.push_str(before);
                text.push_str(phrase);
                text.push_str(after);
            }
            let fields = [id.as_str(), &row[1], &row[2], text.as_str(), &row[4], &row[5]];
            written.bytes += fields.iter().map(|f| f.len() as u64 + 1).sum::<u64>();
            written.turns += 1;
            written.text_bytes += text.len() as u64;
            w.write_record(fields)?;
        }
        written.interactions += 1;
    }
    w.flush()?;
    Ok(written)
}
