//! Rows that cannot be scored, set aside instead of stopping the run
//! (`--rejects FILE`).
//!
//! With a [`Rejects`] given to the [`Reader`](crate::input::Reader), a row
//! with an unknown speaker, a wrong number of fields, a bad number, an empty
//! id, an unterminated quote or an interaction id that comes back after
//! others is listed here with its line, the reason and the row itself, and
//! reading goes on: every input row is either scored or listed. Problems
//! with a whole file (missing, empty, a header without a required column)
//! still stop the run.
//!
//! The file is a CSV with the columns `line,reason,raw,file`, written to a
//! temporary file beside its target and renamed into place with the
//! outputs, like them. [`Rejects::in_memory`] keeps the rows instead, for
//! library users and tests.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::output::atomic::AtomicFile;

/// The columns of the rejects file, in order.
pub const REJECT_COLUMNS: &[&str] = &["line", "reason", "raw", "file"];

/// One row that could not be scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The input file (`<stdin>` for standard input).
    pub path: PathBuf,
    /// 1-based line where the row starts.
    pub line: u64,
    /// Why it was set aside.
    pub reason: String,
    /// The row as read: a CSV row's fields joined again with the input's
    /// delimiter (quoted where needed), or a JSON line.
    pub raw: String,
}

enum Target {
    /// `None` once committed; dropped uncommitted, the file removes itself.
    File {
        writer: Option<Box<csv::Writer<AtomicFile>>>,
        target: PathBuf,
    },
    Memory(Vec<Rejected>),
}

struct Inner {
    target: Target,
    count: u64,
}

/// Where rejected rows go: a shared handle (the reader adds rows, the
/// caller commits), cheap to clone.
#[derive(Clone)]
pub struct Rejects(Arc<Mutex<Inner>>);

impl std::fmt::Debug for Rejects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rejects").field("count", &self.count()).finish()
    }
}

impl Rejects {
    /// A rejects file at `path`, made atomically: a temporary file beside
    /// it until [`Rejects::commit`]. A path that exists and is not a plain
    /// file (`/dev/stderr`, a FIFO, a symbolic link) is written in place.
    pub fn create(path: &Path) -> Result<Rejects> {
        let file = AtomicFile::create(Some(path))?;
        let mut writer =
            csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(file);
        writer.write_record(REJECT_COLUMNS).map_err(|e| write_error(path, e))?;
        let target =
            Target::File { writer: Some(Box::new(writer)), target: path.to_path_buf() };
        Ok(Rejects(Arc::new(Mutex::new(Inner { target, count: 0 }))))
    }

    /// Rejected rows kept in memory (see [`Rejects::take`]).
    pub fn in_memory() -> Rejects {
        Rejects(Arc::new(Mutex::new(Inner {
            target: Target::Memory(Vec::new()),
            count: 0,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets one row aside.
    pub(crate) fn add(&self, row: Rejected) -> Result<()> {
        let mut inner = self.lock();
        inner.count += 1;
        match &mut inner.target {
            Target::File { writer: None, .. } => Ok(()),
            Target::File { writer: Some(writer), target } => {
                let line = row.line.to_string();
                let file = row.path.display().to_string();
                writer
                    .write_record([
                        line.as_bytes(),
                        row.reason.as_bytes(),
                        row.raw.as_bytes(),
                        file.as_bytes(),
                    ])
                    .map_err(|e| write_error(target, e))
            }
            Target::Memory(rows) => {
                rows.push(row);
                Ok(())
            }
        }
    }

    /// Rows set aside so far.
    pub fn count(&self) -> u64 {
        self.lock().count
    }

    /// The rows kept by an in-memory handle (empty for a file), emptying it.
    pub fn take(&self) -> Vec<Rejected> {
        match &mut self.lock().target {
            Target::Memory(rows) => std::mem::take(rows),
            Target::File { .. } => Vec::new(),
        }
    }

    /// Flushes the rows to disk; called by the reader at the end of input,
    /// before the outputs are committed, so that a full disk fails the run.
    pub fn finish(&self) -> Result<()> {
        let mut inner = self.lock();
        if let Target::File { writer: Some(writer), target } = &mut inner.target {
            writer.flush().map_err(|e| Error::io(&*target, e))?;
            writer.get_ref().sync()?;
        }
        Ok(())
    }

    /// Flushes and renames the file into place (after the outputs).
    pub fn commit(&self) -> Result<()> {
        self.finish()?;
        let mut inner = self.lock();
        if let Target::File { writer, target } = &mut inner.target {
            if let Some(w) = writer.take() {
                let file =
                    w.into_inner().map_err(|e| Error::io(&*target, e.into_error()))?;
                file.commit()?;
            }
        }
        Ok(())
    }
}

fn write_error(path: &Path, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        other => Error::io(path, std::io::Error::other(format!("{other:?}"))),
    }
}
