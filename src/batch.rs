//! The streaming batch engine: read, score in parallel, write in order.
//!
//! The input is cut into chunks of whole interactions ([`Reader`] finds
//! their ends with a cheap, quote-aware scan) and processed in waves of a
//! few chunks per thread. While rayon's workers read, score and format the
//! chunks of one wave in parallel, each with its own [`Scratch`] kept for
//! the run, one task writes the wave before it, in input order, and reads
//! the next one: so reading and writing overlap the scoring, memory holds
//! two waves at most whatever the input size, and the output bytes are the
//! same for any number of threads.
//!
//! A chunk is read on its own, not knowing what came before it. Writing
//! checks its interaction ids against those before it
//! ([`Reader::accept`]); a chunk with an id seen before, or with a row that
//! could not be read, is read again in order ([`Reader::read_chunk`]), so
//! that errors and rejects are exactly those of reading the input in order.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use thread_local::ThreadLocal;

use crate::engine::{Engine, LangFallback, Scored};
use crate::error::{Error, Result};
use crate::input::{Chunk, CsvReaders, IdWindow, InputWarnings, Reader};
use crate::output::{Layout, Outputs, Rows};
use crate::record::Interaction;
use crate::score::Scratch;

/// Chunks per thread in a wave: the wave waits for its slowest chunk, so
/// each thread should have several (the idle time at the end of a wave is
/// about half a chunk per thread), and memory holds two waves.
pub const CHUNKS_PER_THREAD: usize = 8;

/// Chunks in a wave at most, whatever the number of threads: bounds memory
/// (and so the threads that can be busy) to about 256 chunks of input.
const MAX_WAVE: usize = 256;

/// Figures of a finished run, for the summary line and `--summary`.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// Interactions scored in each language (ISO 639-1), in order of first
    /// appearance.
    pub languages: Vec<(&'static str, u64)>,
    /// Interactions with a `bad_ending` of `true`.
    pub bad_endings: u64,
    /// Interactions with a `bad_ending` at all (a customer turn).
    pub with_ending: u64,
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
        self.bad_endings += other.bad_endings;
        self.with_ending += other.with_ending;
        for &(code, n) in &other.languages {
            self.count_language(code, n);
        }
    }

    fn count_language(&mut self, code: &'static str, n: u64) {
        match self.languages.iter_mut().find(|(c, _)| *c == code) {
            Some((_, count)) => *count += n,
            None => self.languages.push((code, n)),
        }
    }

    fn add(&mut self, ix: &Interaction, scored: &Scored) {
        self.interactions += 1;
        self.turns += ix.turns.len() as u64;
        self.count_language(scored.language, 1);
        if let Some(bad) = scored.summary.bad_ending {
            self.with_ending += 1;
            self.bad_endings += u64::from(bad);
        }
        match scored.lang_fallback {
            Some(LangFallback::Unsupported) => self.lang_unsupported += 1,
            Some(LangFallback::Undetected) => self.lang_undetected += 1,
            None => {}
        }
    }
}

/// Reads all of `reader`, scores it with `engine` on `threads` threads and
/// writes to `out`. `progress` is called now and then with the bytes read.
///
/// No more threads are started than the input has chunks for: a small
/// input is scored on the calling thread alone.
pub fn run(
    mut reader: Reader,
    engine: &Engine,
    out: Outputs,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunStats> {
    let started = Instant::now();
    let bytes = reader.bytes_read();
    let wave_len = |threads: usize| {
        if threads <= 1 {
            1
        } else {
            threads.saturating_mul(CHUNKS_PER_THREAD).min(MAX_WAVE)
        }
    };
    let mut first = Vec::new();
    read_wave(&mut reader, &mut first, wave_len(threads))?;
    let threads = threads.min(first.len()).max(1);
    let layout = out.layout();
    let mut pipe = Ordered {
        reader,
        out,
        layout,
        engine,
        stats: RunStats::default(),
        bytes: &bytes,
        progress,
    };
    let workers = ThreadLocal::new();
    if threads == 1 {
        pipe.run(first, 1, &workers, false)?;
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("peakend-worker-{i}"))
            .build()
            .map_err(|e| {
                Error::config(format!("cannot start {threads} worker threads: {e}"))
            })?;
        pool.install(|| pipe.run(first, wave_len(threads), &workers, true))?;
    }
    let Ordered { reader, out, mut stats, .. } = pipe;
    out.commit()?;
    stats.warnings = reader.warnings();
    stats.bytes = bytes.load(Ordering::Relaxed);
    stats.elapsed = started.elapsed();
    progress(stats.bytes);
    Ok(stats)
}

/// What a thread keeps between chunks: its caches stay warm for the run,
/// and nothing is allocated per turn once warm.
#[derive(Default)]
struct Worker {
    scratch: Scratch,
    scored: Scored,
    readers: CsvReaders,
}

/// One chunk on its way: read, then processed (on any thread), then
/// written (in order).
#[derive(Default)]
struct Slot {
    chunk: Option<Chunk>,
    /// The ids of the interactions the chunk starts.
    ids: IdWindow,
    /// `None` when the chunk must be read again in order.
    warnings: Option<InputWarnings>,
    rows: Rows,
    stats: RunStats,
}

impl Slot {
    /// Reads, scores and formats the chunk on its own.
    fn process(&mut self, engine: &Engine, worker: &mut Worker, layout: &Layout) {
        self.rows.clear();
        self.stats = RunStats::default();
        let Some(chunk) = &mut self.chunk else { return };
        let (rows, stats) = (&mut self.rows, &mut self.stats);
        let (scratch, scored) = (&mut worker.scratch, &mut worker.scored);
        self.warnings =
            chunk.read_detached(&mut worker.readers, &mut self.ids, &mut |ix| {
                score(engine, ix, scratch, scored, rows, stats, layout);
            });
    }
}

/// Scores one interaction and formats its rows.
fn score(
    engine: &Engine,
    ix: &Interaction,
    scratch: &mut Scratch,
    scored: &mut Scored,
    rows: &mut Rows,
    stats: &mut RunStats,
    layout: &Layout,
) {
    engine.score_into(ix, scratch, scored);
    rows.push(ix, scored, layout);
    stats.add(ix, scored);
}

/// Reads up to `len` chunks into `slots` (reusing their memory); fewer at
/// the end of input. On an error, the chunks read before it stay in
/// `slots`.
fn read_wave(reader: &mut Reader, slots: &mut Vec<Slot>, len: usize) -> Result<()> {
    let mut n = 0;
    let read = loop {
        if n == len {
            break Ok(());
        }
        match reader.next_chunk() {
            Ok(Some(chunk)) => {
                if n == slots.len() {
                    slots.push(Slot::default());
                }
                slots[n].chunk = Some(chunk);
                n += 1;
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    slots.truncate(n);
    read
}

/// The side of the run that goes in input order: reading chunks, checking
/// and writing what the workers made of them.
struct Ordered<'a> {
    reader: Reader,
    out: Outputs,
    layout: Layout,
    engine: &'a Engine,
    stats: RunStats,
    bytes: &'a Arc<AtomicU64>,
    progress: &'a (dyn Fn(u64) + Sync),
}

impl Ordered<'_> {
    /// Processes `first` and every wave after it, each while the previous
    /// one is written and the next one read (`parallel`: on the current
    /// rayon pool).
    fn run(
        &mut self,
        mut current: Vec<Slot>,
        wave_len: usize,
        workers: &ThreadLocal<RefCell<Worker>>,
        parallel: bool,
    ) -> Result<()> {
        let (engine, layout) = (self.engine, &self.layout.clone());
        let process = |slots: &mut Vec<Slot>| {
            let each = |slot: &mut Slot| {
                let mut worker = workers.get_or_default().borrow_mut();
                slot.process(engine, &mut worker, layout);
            };
            if parallel {
                slots.par_iter_mut().with_max_len(1).for_each(each);
            } else {
                slots.iter_mut().for_each(each);
            }
        };
        // The wave processed last time, to write; then the next to process.
        let mut other: Vec<Slot> = Vec::new();
        while !current.is_empty() {
            let ((), (written, read)) = both(
                parallel,
                || process(&mut current),
                || {
                    let written = self.write_wave(&mut other);
                    let read = match written {
                        Ok(()) => read_wave(&mut self.reader, &mut other, wave_len),
                        Err(_) => Ok(()),
                    };
                    (written, read)
                },
            );
            written?;
            if let Err(e) = read {
                // Whatever was read before the error goes out first.
                self.write_wave(&mut current)?;
                process(&mut other);
                self.write_wave(&mut other)?;
                return Err(e);
            }
            std::mem::swap(&mut current, &mut other);
        }
        self.write_wave(&mut other)
    }

    /// Writes the processed chunks of `slots` in order, reading again in
    /// order those that need it; keeps the slots' memory.
    fn write_wave(&mut self, slots: &mut [Slot]) -> Result<()> {
        for slot in slots {
            let Some(mut chunk) = slot.chunk.take() else { continue };
            let accepted =
                slot.warnings.take().is_some_and(|w| self.reader.accept(&slot.ids, w));
            let read = if accepted {
                Ok(())
            } else {
                slot.rows.clear();
                slot.stats = RunStats::default();
                let (mut scratch, mut scored) = (Scratch::default(), Scored::default());
                let (rows, stats) = (&mut slot.rows, &mut slot.stats);
                self.reader.read_chunk(&mut chunk, &mut |ix| {
                    score(
                        self.engine,
                        ix,
                        &mut scratch,
                        &mut scored,
                        rows,
                        stats,
                        &self.layout,
                    );
                })
            };
            // Rows before an error are written, as reading in order would.
            self.out.write_rows(&mut slot.rows)?;
            self.stats.merge(&slot.stats);
            read?;
            self.reader.recycle(chunk);
        }
        (self.progress)(self.bytes.load(Ordering::Relaxed));
        Ok(())
    }
}

/// Runs `a` and `b`, in parallel on the current rayon pool or one after
/// the other.
fn both<A: Send, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if parallel {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}
