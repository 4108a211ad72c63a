//! Writes a contact-centre style transcript CSV of a given size to standard
//! output, deterministically from a seed, so anyone can reproduce the
//! throughput figures without our data.
//!
//!     cargo run --release --example corpus -- 200MB [SEED] > corpus.csv
//!
//! Each interaction takes the shape of one bundled example (its speakers and
//! timestamps) and, per turn, the text of the same turn in a randomly chosen
//! example, so the mix of vocabulary, phrases, emoji and turn lengths matches
//! `examples/transcripts.csv` without repeating whole calls.

use std::io::{self, BufWriter};

const EXAMPLES: &str = include_str!("transcripts.csv");

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn parse_size(s: &str) -> Option<u64> {
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
    num.trim().parse::<f64>().ok().map(|v| (v * mult as f64) as u64)
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let size = args.next().as_deref().and_then(parse_size).unwrap_or_else(|| {
        eprintln!("usage: corpus SIZE[KB|MB|GB] [SEED] > out.csv");
        std::process::exit(1);
    });
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(2026);

    // Interactions of the examples, as rows of fields.
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

    let mut rng = Rng(seed);
    let out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&header)?;
    let mut written = 0u64;
    let mut n = 0u64;
    while written < size {
        let shape = &interactions[rng.below(interactions.len())];
        let id = format!("gen-{seed}-{n:09}");
        for (k, row) in shape.iter().enumerate() {
            let donor = &interactions[rng.below(interactions.len())];
            // The donor's turn at the same place, when the same side spoke it.
            let text = match donor.get(k) {
                Some(d) if d[2] == row[2] => &d[3],
                _ => &row[3],
            };
            let fields = [&id, &row[1], &row[2], text, &row[4], &row[5]];
            written += fields.iter().map(|f| f.len() as u64 + 1).sum::<u64>();
            w.write_record(fields)?;
        }
        n += 1;
    }
    w.flush()?;
    eprintln!("corpus: {n} interactions, about {} MB", written / 1_000_000);
    Ok(())
}
