//! Writes a contact-centre style transcript CSV of a given size to standard
//! output, deterministically from a seed (see `common/corpus.rs`).
//!
//!     cargo run --release --example corpus -- 200MB [SEED] > corpus.csv

#[path = "common/corpus.rs"]
mod corpus;

use std::io;

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let size = args.next().as_deref().and_then(corpus::parse_size).unwrap_or_else(|| {
        eprintln!("usage: corpus SIZE[KB|MB|GB] [SEED] > out.csv");
        std::process::exit(1);
    });
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(2026);
    let w = corpus::generate(size, seed, io::stdout().lock())?;
    eprintln!(
        "corpus: {} interactions, {} turns, {} bytes",
        w.interactions, w.turns, w.bytes
    );
    Ok(())
}
