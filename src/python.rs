//! The `peakend._peakend` Python extension module (cargo feature `python`),
//! wrapped by the `peakend` package in `python/`.
//!
//! The table of turns arrives as CSV bytes (pyarrow writes them from any
//! table), so that it goes through the very reader the CLI uses: the same
//! header aliases, speaker values, ordering and errors. Scoring runs without
//! the GIL on rayon, one batch of interactions per task, and each batch
//! comes back as Arrow buffers ([`crate::output::arrow`]) that pyarrow
//! adopts as one record batch. Errors name the row of the caller's table
//! (0-based), not a line of the CSV in between.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rayon::prelude::*;

use crate::engine::{Engine, LangChoice, Scored};
use crate::error::{Error, ErrorKind};
use crate::input::{Format, Keep, Reader};
use crate::output::arrow::{Chunk, Data, Tables};
use crate::output::schema::Type;
use crate::peak_end::PeakEndParams;
use crate::record::{Interaction, Speaker, Speakers, Turn};
use crate::rejects::Rejects;
use crate::score::{ScoreOptions, Scratch};

/// What makes two engines differ; engines are cached by it, since loading
/// lexicons costs more than scoring a sentence.
#[derive(Clone, Debug, PartialEq)]
struct EngineKey {
    lang: String,
    /// `--default-lang`; `None` is the CLI's default.
    default_lang: Option<String>,
    phrases: bool,
    lexicons: Option<PathBuf>,
    params: PeakEndParams,
}

/// Engines made so far (a handful per process: one per set of options).
static ENGINES: Mutex<Vec<(EngineKey, Arc<Engine>)>> = Mutex::new(Vec::new());

/// The engine for these options, made on first use.
fn engine(key: EngineKey) -> Result<Arc<Engine>, Error> {
    let mut engines = ENGINES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, e)) = engines.iter().find(|(k, _)| *k == key) {
        return Ok(Arc::clone(e));
    }
    let lang = match key.lang.trim() {
        l if l.eq_ignore_ascii_case("auto") => LangChoice::Auto,
        l => LangChoice::Fixed(crate::lang::normalize(l).ok_or_else(|| {
            Error::config(format!(
                "lang: unsupported language '{l}' (supported: {}, or auto)",
                crate::lang::codes()
            ))
        })?),
    };
    let options = ScoreOptions { phrases: key.phrases };
    let mut e = Engine::new(lang, key.lexicons.as_deref(), options, key.params)?;
    if let Some(d) = key.default_lang.as_deref() {
        let code = crate::lang::normalize(d).ok_or_else(|| {
            Error::config(format!(
                "default_lang: unsupported language '{d}' (supported: {})",
                crate::lang::codes()
            ))
        })?;
        e = e.with_default_lang(code)?;
    }
    let e = Arc::new(e);
    engines.push((key, Arc::clone(&e)));
    Ok(e)
}

/// The 0-based data row of `csv` that starts at 1-based `line`.
fn row_at(csv: &[u8], line: u64) -> Option<u64> {
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(csv);
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    while reader.read_byte_record(&mut record).ok()? {
        if record.position().map(csv::Position::line) == Some(line) {
            return Some(row);
        }
        row += 1;
    }
    None
}

/// `err` as a Python exception: `peakend.InputError` (with `row` and
/// `problem`) for a bad row or a missing column, `ValueError` for bad
/// options, `RuntimeError` otherwise.
fn to_py(py: Python<'_>, err: Error, csv: &[u8]) -> PyErr {
    let input_error = |msg: String, row: Option<u64>, problem: String| {
        let class = py.import("peakend").and_then(|m| m.getattr("InputError"));
        match class.and_then(|c| c.call1((msg, row, problem))) {
            Ok(e) => PyErr::from_value(e),
            Err(e) => e,
        }
    };
    match err.kind() {
        ErrorKind::Input { line, msg, .. } => match row_at(csv, *line) {
            Some(row) => input_error(format!("row {row}: {msg}"), Some(row), msg.clone()),
            None => input_error(msg.clone(), None, msg.clone()),
        },
        ErrorKind::MissingColumn { column, accepted, .. } => {
            let problem =
                format!("no {column} column (accepted names: {})", accepted.join(", "));
            input_error(problem.clone(), None, problem)
        }
        ErrorKind::Config(msg) => PyValueError::new_err(msg.clone()),
        _ => PyRuntimeError::new_err(err.to_string()),
    }
}

/// Text bytes per scoring task: enough to amortise a rayon task and an
/// Arrow record batch, small enough to spread a modest table over the cores.
const BATCH_TEXT_BYTES: usize = 1 << 19;
/// Interactions per scoring task at most (for very short interactions).
const BATCH_INTERACTIONS: usize = 4096;

/// Interactions read in batches of about [`BATCH_TEXT_BYTES`] of text.
fn read_batches(mut reader: Reader) -> Result<Vec<Vec<Interaction>>, Error> {
    let (mut batches, mut batch, mut bytes) = (Vec::new(), Vec::new(), 0);
    while let Some(ix) = reader.next_interaction()? {
        bytes += ix.text_bytes();
        batch.push(ix);
        if bytes >= BATCH_TEXT_BYTES || batch.len() >= BATCH_INTERACTIONS {
            batches.push(std::mem::take(&mut batch));
            bytes = 0;
        }
    }
    if !batch.is_empty() || batches.is_empty() {
        batches.push(batch);
    }
    Ok(batches)
}

/// Scores the batches in parallel, each into its own pair of chunks.
fn score_batches(
    engine: &Engine,
    batches: &[Vec<Interaction>],
    kept: &[String],
) -> Result<Vec<Tables>, Error> {
    batches
        .par_iter()
        .map_init(
            || (Scratch::default(), Scored::default()),
            |(scratch, scored), batch| {
                let mut tables = Tables::new(kept);
                for ix in batch {
                    engine.score_into(ix, scratch, scored);
                    tables.push(ix, scored)?;
                }
                Ok(tables)
            },
        )
        .collect()
}

/// The bytes of `values` in native (little-endian) order, as Arrow lays them.
fn bytes_of<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    values: &[T],
    to_bytes: fn(T) -> [u8; N],
) -> Bound<'py, PyBytes> {
    PyBytes::new_with(py, values.len() * N, |buf| {
        for (out, &v) in buf.chunks_exact_mut(N).zip(values) {
            out.copy_from_slice(&to_bytes(v));
        }
        Ok(())
    })
    .expect("allocating bytes")
}

/// One chunk as `(rows, [(name, type, null_count, validity, buffers)])`,
/// what `peakend._batch` turns into a `pyarrow.RecordBatch`.
fn chunk_to_py<'py>(py: Python<'py>, chunk: &Chunk) -> PyResult<Bound<'py, PyAny>> {
    let mut columns = Vec::with_capacity(chunk.columns.len());
    for c in &chunk.columns {
        let ty = match c.ty {
            Type::Text | Type::Terms | Type::Kept => "utf8",
            Type::Int => "int64",
            Type::Figure => "float64",
            Type::Flag => "bool",
        };
        let buffers: Vec<Bound<'py, PyBytes>> = match &c.data {
            Data::Utf8 { offsets, bytes } => {
                vec![bytes_of(py, offsets, i32::to_le_bytes), PyBytes::new(py, bytes)]
            }
            Data::Int64(v) => vec![bytes_of(py, v, i64::to_le_bytes)],
            Data::Float64(v) => vec![bytes_of(py, v, f64::to_le_bytes)],
            Data::Boolean(bits) => vec![PyBytes::new(py, bits)],
        };
        let validity = (c.null_count > 0).then(|| PyBytes::new(py, &c.validity));
        columns.push((c.name.as_str(), ty, c.null_count, validity, buffers));
    }
    (chunk.rows, columns).into_pyobject(py).map(Bound::into_any)
}

/// Scores a CSV of turns (see `peakend.score`); returns a dict with the
/// `interactions` and `turns` chunks and, when asked, the `rejects`.
#[pyfunction]
#[pyo3(signature = (
    csv, *, lang = "auto", default_lang = None, no_phrases = false, negativity_bias = None,
    peak_weight = None, end_weight = None, end_window = None,
    bad_ending_drop = None, bad_ending_last = None, threads = None,
    lexicons = None, group_unsorted = false, rejects = false, keep = None, keep_all = false,
    speakers = None
))]
#[allow(clippy::too_many_arguments)]
fn score_csv<'py>(
    py: Python<'py>,
    csv: &[u8],
    lang: &str,
    default_lang: Option<String>,
    no_phrases: bool,
    negativity_bias: Option<f64>,
    peak_weight: Option<f64>,
    end_weight: Option<f64>,
    end_window: Option<usize>,
    bad_ending_drop: Option<f64>,
    bad_ending_last: Option<f64>,
    threads: Option<usize>,
    lexicons: Option<PathBuf>,
    group_unsorted: bool,
    rejects: bool,
    keep: Option<Vec<String>>,
    keep_all: bool,
    speakers: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let speakers = match speakers.as_deref() {
        None => Speakers::default(),
        Some(spec) => Speakers::parse(spec)
            .map_err(|e| PyValueError::new_err(format!("speakers: {e}")))?,
    };
    let d = PeakEndParams::default();
    let key = EngineKey {
        lang: lang.to_string(),
        default_lang,
        phrases: !no_phrases,
        lexicons,
        params: PeakEndParams {
            negativity_bias: negativity_bias.unwrap_or(d.negativity_bias),
            peak_weight: peak_weight.unwrap_or(d.peak_weight),
            end_weight: end_weight.unwrap_or(d.end_weight),
            end_window: end_window.unwrap_or(d.end_window),
            drop: bad_ending_drop.unwrap_or(d.drop),
            last_below: bad_ending_last.unwrap_or(d.last_below),
        },
    };
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads must be at least 1"));
    }
    let keep = match (keep, keep_all) {
        (Some(_), true) => {
            return Err(PyValueError::new_err("give keep or keep_all, not both"))
        }
        (Some(names), false) => Keep::Columns(names),
        (None, true) => Keep::All,
        (None, false) => Keep::Nothing,
    };
    let set_aside = rejects.then(Rejects::in_memory);
    let run = || -> Result<Vec<Tables>, Error> {
        let engine = engine(key)?;
        let mut reader = Reader::from_bytes(csv, Format::Csv)
            .delimiter(Some(b','))
            .speakers(speakers)
            .group_unsorted(group_unsorted)
            .keep(keep);
        if let Some(r) = &set_aside {
            reader = reader.rejects(r.clone());
        }
        let kept = reader.kept_columns()?;
        crate::output::Spec { format: None, kept: kept.clone() }.check()?;
        let batches = read_batches(reader)?;
        match threads {
            None => score_batches(&engine, &batches, &kept),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::config(format!("threads: {e}")))?
                .install(|| score_batches(&engine, &batches, &kept)),
        }
    };
    let tables = py.allow_threads(run).map_err(|e| to_py(py, e, csv))?;
    let out = PyDict::new(py);
    let interactions: Vec<_> = tables
        .iter()
        .map(|t| chunk_to_py(py, &t.interactions))
        .collect::<PyResult<_>>()?;
    let turns: Vec<_> =
        tables.iter().map(|t| chunk_to_py(py, &t.turns)).collect::<PyResult<_>>()?;
    out.set_item("interactions", interactions)?;
    out.set_item("turns", turns)?;
    if let Some(r) = set_aside {
        let rows: Vec<(Option<u64>, String, String)> = r
            .take()
            .into_iter()
            .map(|x| (row_at(csv, x.line), x.reason, x.raw))
            .collect();
        out.set_item("rejects", rows)?;
    }
    Ok(out)
}

/// Scores one text as a customer turn (see `peakend.score_text`).
#[pyfunction]
#[pyo3(signature = (text, *, lang = "auto", default_lang = None, no_phrases = false, lexicons = None))]
fn score_text<'py>(
    py: Python<'py>,
    text: &str,
    lang: &str,
    default_lang: Option<String>,
    no_phrases: bool,
    lexicons: Option<PathBuf>,
) -> PyResult<Bound<'py, PyDict>> {
    let key = EngineKey {
        lang: lang.to_string(),
        default_lang,
        phrases: !no_phrases,
        lexicons,
        params: PeakEndParams::default(),
    };
    let ix = Interaction {
        id: String::new(),
        language: None,
        turns: vec![Turn {
            turn: 1,
            speaker: Speaker::Customer,
            text: text.to_string(),
            start_ms: None,
            end_ms: None,
            line: 0,
            platform_sentiment: None,
        }],
        ..Default::default()
    };
    let engine = engine(key).map_err(|e| to_py(py, e, b""))?;
    let scored = engine.score(&ix, &mut Scratch::default());
    let mut tables = Tables::default();
    tables.push(&ix, &scored).map_err(|e| to_py(py, e, b""))?;
    let out = PyDict::new(py);
    out.set_item("language", scored.language)?;
    // The figures of the turn table's one row: the same as `score` gives.
    let emotions = PyDict::new(py);
    for c in &tables.turns.columns {
        match &c.data {
            Data::Float64(v) if turn_figure(&c.name) => out.set_item(&c.name, v[0])?,
            Data::Float64(v) => emotions.set_item(&c.name, v[0])?,
            Data::Utf8 { offsets, bytes } if c.name == "emotion" => {
                let text = &bytes[offsets[0] as usize..offsets[1] as usize];
                out.set_item(&c.name, String::from_utf8_lossy(text))?;
            }
            _ => {}
        }
    }
    let turn = &scored.turns[0];
    out.set_item("emotions", emotions)?;
    let terms: Vec<(&str, f64)> =
        turn.terms.iter().map(|t| (turn.label(t), t.contribution)).collect();
    out.set_item("terms", terms)?;
    let cues: Vec<(&str, &str, f64)> = turn
        .emotion_terms
        .iter()
        .map(|t| (turn.label(t), t.emotion.map_or("", |e| e.name()), t.contribution))
        .collect();
    out.set_item("emotion_terms", cues)?;
    Ok(out)
}

/// The turn table's sentiment figures (the other figures are emotions).
fn turn_figure(name: &str) -> bool {
    matches!(name, "valence" | "positive" | "negative" | "neutral")
}

/// The module: `score_csv` and `score_text`, wrapped by `peakend`.
#[pymodule]
fn _peakend(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(score_csv, m)?)?;
    m.add_function(wrap_pyfunction!(score_text, m)?)?;
    m.add(
        "SUPPORTED_LANGUAGES",
        crate::lang::LANGUAGES.iter().map(|l| l.code).collect::<Vec<_>>(),
    )?;
    // Header names of the interaction id, for `peakend.spark` to cluster by.
    m.add("ID_COLUMNS", crate::input::names::ID.to_vec())?;
    Ok(())
}
