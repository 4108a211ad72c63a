//! The streaming batch engine: read, score in parallel, write in order.
//!
//! With one thread everything runs on the calling thread. With more, a reader
//! thread fills batches of whole interactions (up to [`BATCH_TEXT_BYTES`] of
//! text), the calling thread scores and formats each batch on a rayon pool
//! in chunks of a few interactions (each worker thread keeps one
//! [`Scratch`], whose caches stay warm for the run, and `collect` keeps
//! input order), and a writer thread only copies the formatted bytes out,
//! so the serial part of a run stays small. Channels hold at most two
//! batches each, so memory is bounded by a few batches plus the largest
//! interaction, whatever the input size, and the output bytes are the same
//! for any number of threads.

use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::engine::{Engine, LangFallback, Scored};
use crate::error::{Error, Result};
use crate::input::{InputWarnings, Reader};
use crate::output::{Outputs, Rows};
use crate::record::Interaction;
use crate::score::Scratch;

/// Text bytes per batch: large enough to keep workers busy between
/// hand-offs, small enough to bound memory.
pub const BATCH_TEXT_BYTES: usize = 1 << 20;
/// Interactions per batch at most (for very short interactions).
pub const BATCH_INTERACTIONS: usize = 4096;

/// Figures of a finished run, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunStats {
    /// Interactions scored.
    pub interactions: u64,
    /// Turns scored.
    pub turns: u64,
    /// Input bytes read.
    pub bytes: u64,
    /// Interactions in an unsupported language (input or detected), scored
    /// in the default language.
    pub lang_unsupported: u64,
    /// Interactions whose language could not be detected (too little text),
    /// scored in the default language.
    pub lang_undetected: u64,
    /// Tolerated input problems.
    pub warnings: InputWarnings,
    /// Wall time.
    pub elapsed: Duration,
}

impl RunStats {
    fn merge(&mut self, other: &RunStats) {
        self.interactions += other.interactions;
        self.turns += other.turns;
        self.lang_unsupported += other.lang_unsupported;
        self.lang_undetected += other.lang_undetected;
    }

    fn add(&mut self, ix: &Interaction, scored: &Scored) {
        self.interactions += 1;
        self.turns += ix.turns.len() as u64;
        match scored.lang_fallback {
            Some(LangFallback::Unsupported) => self.lang_unsupported += 1,
            Some(LangFallback::Undetected) => self.lang_undetected += 1,
            None => {}
        }
    }
}

/// Reads all of `reader`, scores it with `engine` on `threads` threads and
/// writes to `out`. `progress` is called now and then with the bytes read.
pub fn run(
    mut reader: Reader,
    engine: &Engine,
    mut out: Outputs,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunStats> {
    let started = Instant::now();
    let bytes = reader.bytes_read();
    let mut stats = if threads <= 1 {
        let mut scratch = Scratch::default();
        let mut stats = RunStats::default();
        while let Some(ix) = reader.next_interaction()? {
            let scored = engine.score(&ix, &mut scratch);
            out.write(&ix, &scored)?;
            stats.add(&ix, &scored);
            if stats.interactions % 1024 == 0 {
                progress(bytes.load(Ordering::Relaxed));
            }
        }
        stats.warnings = reader.warnings();
        out.commit()?;
        stats
    } else {
        parallel(reader, engine, out, threads, progress)?
    };
    stats.bytes = bytes.load(Ordering::Relaxed);
    stats.elapsed = started.elapsed();
    progress(stats.bytes);
    Ok(stats)
}

type Batch = Vec<Interaction>;

/// Interactions per rayon task: enough to amortise the hand-off, few enough
/// to balance two workers on a batch.
const CHUNK_INTERACTIONS: usize = 32;

/// Row buffers kept for reuse, and the largest one kept.
const SPARE_ROWS: usize = 2 * BATCH_INTERACTIONS / CHUNK_INTERACTIONS;
const SPARE_ROWS_BYTES: usize = 1 << 20;

/// One scored, formatted chunk of a batch, with its figures.
struct Chunk {
    rows: Rows,
    stats: RunStats,
}

fn parallel(
    reader: Reader,
    engine: &Engine,
    out: Outputs,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunStats> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("peakend-worker-{i}"))
        .build()
        .map_err(|e| Error::config(format!("cannot start {threads} worker threads: {e}")))?;
    let bytes = reader.bytes_read();
    let turns = out.has_turns();
    let scratches: Vec<Mutex<Scratch>> = (0..threads).map(|_| Mutex::new(Scratch::default())).collect();
    let (batch_tx, batch_rx) = sync_channel::<Batch>(2);
    let (chunks_tx, chunks_rx) = sync_channel::<Vec<Chunk>>(2);
    // Scored batches go back to the reader thread to be freed there, and
    // written row buffers back to the workers: memory is freed by the
    // thread that allocated it (no allocator lock traffic) or reused.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Batch>();
    let spare_rows: Mutex<Vec<Rows>> = Mutex::new(Vec::new());
    let spare_rows = &spare_rows;

    std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_batches(reader, batch_tx, done_rx));
        let writing = scope.spawn(move || write_batches(out, chunks_rx, spare_rows));
        for batch in batch_rx {
            // Workers score and format; the writer only copies bytes out.
            let chunks: Vec<Chunk> = pool.install(|| {
                batch
                    .par_chunks(CHUNK_INTERACTIONS)
                    .map(|chunk| {
                        // This worker's scratch: its caches stay warm for the whole run.
                        let slot = &scratches[rayon::current_thread_index().unwrap_or(0) % scratches.len()];
                        let mut scratch = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                        let rows = spare_rows.lock().ok().and_then(|mut spare| spare.pop()).unwrap_or_default();
                        let mut formatted = Chunk { rows, stats: RunStats::default() };
                        for ix in chunk {
                            let scored = engine.score(ix, &mut scratch);
                            formatted.rows.push(ix, &scored, turns);
                            formatted.stats.add(ix, &scored);
                        }
                        formatted
                    })
                    .collect()
            });
            if chunks_tx.send(chunks).is_err() {
                break; // The writer failed; its error is reported below.
            }
            let _ = done_tx.send(batch);
            progress(bytes.load(Ordering::Relaxed));
        }
        drop(chunks_tx);
        drop(done_tx);
        let written = writing.join().unwrap_or_else(|_| Err(Error::config("the writer thread panicked")));
        let read = reading.join().unwrap_or_else(|_| Err(Error::config("the reader thread panicked")));
        // A read error explains a short output, so it comes first.
        let warnings = read?;
        let (out, mut stats) = written?;
        out.commit()?;
        stats.warnings = warnings;
        Ok(stats)
    })
}

fn read_batches(mut reader: Reader, tx: SyncSender<Batch>, done: Receiver<Batch>) -> Result<InputWarnings> {
    let mut batch = Vec::new();
    let mut text = 0;
    while let Some(ix) = reader.next_interaction()? {
        // Free the batches already scored (dropped as they are received).
        while done.try_recv().is_ok() {}
        text += ix.text_bytes();
        batch.push(ix);
        if text >= BATCH_TEXT_BYTES || batch.len() >= BATCH_INTERACTIONS {
            if tx.send(std::mem::take(&mut batch)).is_err() {
                return Ok(reader.warnings());
            }
            text = 0;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
    Ok(reader.warnings())
}

/// Writes every formatted chunk in order; commits nothing, since the reader
/// may still fail.
fn write_batches(mut out: Outputs, rx: Receiver<Vec<Chunk>>, spare: &Mutex<Vec<Rows>>) -> Result<(Outputs, RunStats)> {
    let mut stats = RunStats::default();
    for chunks in rx {
        for mut chunk in chunks {
            out.write_rows(&chunk.rows)?;
            stats.merge(&chunk.stats);
            chunk.rows.clear();
            if let Ok(mut spare) = spare.lock() {
                // Enough for the chunks of the batches in flight; beyond
                // that, and for oversized buffers, give the memory back.
                if spare.len() < SPARE_ROWS && chunk.rows.capacity() <= SPARE_ROWS_BYTES {
                    spare.push(chunk.rows);
                }
            }
        }
    }
    Ok((out, stats))
}
