//! The streaming batch engine: read, score in parallel, write in order.
//!
//! With one thread everything runs on the calling thread. With more, every
//! worker of a rayon pool runs the same loop: take the input lock, read the
//! next batch of whole interactions (up to [`BATCH_TEXT_BYTES`] of text),
//! release it, score and format the batch with the worker's own
//! [`Scratch`] (its caches stay warm for the run), and hand the bytes to a
//! writer thread, which writes batches in input order. Parsing is thus
//! spread over the workers instead of a reader thread competing with them
//! for the cores, and a batch is scored by the thread that parsed it, while
//! it is still in that core's cache. At most [`IN_FLIGHT_PER_WORKER`]
//! batches per worker are read and not yet written, so memory is bounded by
//! a few batches plus the largest interaction, whatever the input size, and
//! the output bytes are the same for any number of threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::engine::{Engine, LangFallback, Scored};
use crate::error::{Error, Result};
use crate::input::{InputWarnings, Reader};
use crate::output::{Outputs, Rows};
use crate::record::Interaction;
use crate::score::Scratch;

/// Text bytes per batch: large enough to amortise the hand-offs, small
/// enough that a batch and its formatted rows stay in a core's L2 cache and
/// that the last batch of a run leaves the other workers idle only briefly
/// (512 KB measured ~3% faster with two threads than 1 MB).
pub const BATCH_TEXT_BYTES: usize = 1 << 19;
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
        let (mut scratch, mut scored) = (Scratch::default(), Scored::default());
        let mut stats = RunStats::default();
        while let Some(ix) = reader.next_interaction()? {
            engine.score_into(&ix, &mut scratch, &mut scored);
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

/// A batch of whole interactions, read by one worker.
type Batch = Vec<Interaction>;

/// Batches read but not yet written, per worker: bounds memory (a worker
/// that races ahead waits for the writer) while keeping every worker busy.
const IN_FLIGHT_PER_WORKER: usize = 2;

/// Row buffers kept for reuse, and the largest one kept.
const SPARE_ROWS_BYTES: usize = 4 << 20;

/// One scored, formatted batch, with its place in the input and its figures.
struct Formatted {
    seq: u64,
    rows: Rows,
    stats: RunStats,
}

/// What the workers share.
struct Shared {
    /// The input, and the number of the next batch read from it. Workers
    /// take turns reading a batch each, so parsing is spread over all of
    /// them instead of one reader thread competing with them for the cores.
    input: Mutex<(Reader, u64)>,
    /// Batches read and not yet written; workers wait while it is full.
    in_flight: Mutex<usize>,
    written: Condvar,
    /// Set on the first read error, or when the writer fails: everyone stops.
    stop: AtomicBool,
    /// The first read error.
    error: Mutex<Option<Error>>,
    spare_rows: Mutex<Vec<Rows>>,
    max_in_flight: usize,
}

impl Shared {
    /// Keeps the first read error and stops every thread.
    fn fail(&self, e: Error) {
        let mut error = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if error.is_none() {
            *error = Some(e);
        }
        self.halt();
    }

    /// Stops every thread: workers read no more batches.
    fn halt(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.written.notify_all();
    }

    /// Waits for room for one more batch; false when the run is stopping.
    fn reserve(&self) -> bool {
        let mut n = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        while *n >= self.max_in_flight && !self.stop.load(Ordering::SeqCst) {
            n = self.written.wait(n).unwrap_or_else(|p| p.into_inner());
        }
        *n += 1;
        !self.stop.load(Ordering::SeqCst)
    }

    fn release(&self) {
        *self.in_flight.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        self.written.notify_one();
    }

    /// Reads the next batch: up to [`BATCH_TEXT_BYTES`] of text or
    /// [`BATCH_INTERACTIONS`], whole interactions only.
    fn read(&self, batch: &mut Batch) -> Result<Option<u64>> {
        let mut input = self.input.lock().unwrap_or_else(|p| p.into_inner());
        let (reader, next_seq) = &mut *input;
        let mut text = 0;
        while text < BATCH_TEXT_BYTES && batch.len() < BATCH_INTERACTIONS {
            match reader.next_interaction()? {
                Some(ix) => {
                    text += ix.text_bytes();
                    batch.push(ix);
                }
                None => break,
            }
        }
        if batch.is_empty() {
            return Ok(None);
        }
        *next_seq += 1;
        Ok(Some(*next_seq - 1))
    }
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
        .map_err(|e| {
            Error::config(format!("cannot start {threads} worker threads: {e}"))
        })?;
    let bytes = reader.bytes_read();
    let layout = out.layout();
    let shared = Shared {
        input: Mutex::new((reader, 0)),
        in_flight: Mutex::new(0),
        written: Condvar::new(),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
        spare_rows: Mutex::new(Vec::new()),
        max_in_flight: threads * IN_FLIGHT_PER_WORKER,
    };
    let shared = &shared;
    let (tx, rx) = channel::<Formatted>();

    let written = std::thread::scope(|scope| {
        let writing = scope.spawn(move || write_in_order(out, rx, shared));
        // Every pool thread runs one worker loop: read a batch, score and
        // format it, hand the bytes to the writer.
        pool.broadcast(|_| {
            let tx = tx.clone();
            let (mut scratch, mut scored) = (Scratch::default(), Scored::default());
            let mut batch = Batch::new();
            while shared.reserve() {
                let seq = match shared.read(&mut batch) {
                    Ok(Some(seq)) => seq,
                    Ok(None) => {
                        shared.release();
                        break;
                    }
                    Err(e) => {
                        shared.release();
                        shared.fail(e);
                        break;
                    }
                };
                let rows = shared
                    .spare_rows
                    .lock()
                    .ok()
                    .and_then(|mut spare| spare.pop())
                    .unwrap_or_default();
                let mut formatted = Formatted { seq, rows, stats: RunStats::default() };
                for ix in &batch {
                    engine.score_into(ix, &mut scratch, &mut scored);
                    formatted.rows.push(ix, &scored, layout);
                    formatted.stats.add(ix, &scored);
                }
                // Freed here, by the thread that allocated it.
                batch.clear();
                if tx.send(formatted).is_err() {
                    break; // The writer stopped; its error is reported.
                }
                progress(bytes.load(Ordering::Relaxed));
            }
        });
        drop(tx);
        writing
            .join()
            .unwrap_or_else(|_| Err(Error::config("the writer thread panicked")))
    });
    // A read error explains a short output, so it comes first.
    if let Some(e) = shared.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    let (out, mut stats) = written?;
    out.commit()?;
    let (reader, _) = &*shared.input.lock().unwrap_or_else(|p| p.into_inner());
    stats.warnings = reader.warnings();
    Ok(stats)
}

/// Writes the formatted batches in input order as they arrive (out of
/// order, from several workers); commits nothing, since reading may still
/// fail.
fn write_in_order(
    mut out: Outputs,
    rx: Receiver<Formatted>,
    shared: &Shared,
) -> Result<(Outputs, RunStats)> {
    let mut stats = RunStats::default();
    let mut waiting: BTreeMap<u64, Formatted> = BTreeMap::new();
    let mut next = 0;
    for formatted in rx {
        waiting.insert(formatted.seq, formatted);
        while let Some(mut formatted) = waiting.remove(&next) {
            if let Err(e) = out.write_rows(&mut formatted.rows) {
                shared.halt();
                return Err(e);
            }
            stats.merge(&formatted.stats);
            next += 1;
            shared.release();
            formatted.rows.clear();
            if formatted.rows.capacity() <= SPARE_ROWS_BYTES {
                if let Ok(mut spare) = shared.spare_rows.lock() {
                    if spare.len() < shared.max_in_flight {
                        spare.push(formatted.rows);
                    }
                }
            }
        }
    }
    Ok((out, stats))
}
