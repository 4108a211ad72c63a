//! The temporary files of a run, so that an interrupted run leaves none.
//!
//! Every output file (and the `--rejects` file) is written to a temporary
//! file beside its target and renamed into place only when the run succeeds.
//! This module keeps the list of those temporary files in one process-wide
//! registry, so that the binary's signal handler can remove them from its own
//! thread when the run is interrupted (SIGINT, SIGTERM), even while the
//! thread that owns them is blocked reading standard input.
//!
//! Invariants, all under the registry's lock:
//! - once [`interrupt`] has run, no temporary file is created and none is
//!   renamed into place, so nothing can appear after the handler cleaned up;
//! - once [`begin_commit`] has run (the outputs are complete and being
//!   renamed), [`interrupt`] declines, so a run is never reported as
//!   interrupted after its outputs were put in place.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Running,
    Committing,
    Interrupted,
}

struct Registry {
    temps: Vec<PathBuf>,
    phase: Phase,
    discarded: u64,
}

static REGISTRY: Mutex<Registry> =
    Mutex::new(Registry { temps: Vec::new(), phase: Phase::Running, discarded: 0 });

fn lock() -> MutexGuard<'static, Registry> {
    // Nothing under the lock can leave the list inconsistent, so a panic
    // elsewhere does not make it unusable.
    REGISTRY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn interrupted() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "interrupted")
}

/// Creates the temporary file `temp` and lists it; refused once the run is
/// interrupted. The error says what was being done.
pub(crate) fn create(temp: &Path) -> io::Result<File> {
    let mut r = lock();
    if r.phase == Phase::Interrupted {
        return Err(interrupted());
    }
    let file = File::create(temp).map_err(|e| {
        io::Error::new(e.kind(), format!("cannot create the output file: {e}"))
    })?;
    r.temps.push(temp.to_path_buf());
    Ok(file)
}

/// Removes the listed temporary file `temp` (a run that did not commit).
pub(crate) fn discard(temp: &Path) {
    let mut r = lock();
    if let Some(i) = r.temps.iter().position(|t| t == temp) {
        r.temps.swap_remove(i);
        if std::fs::remove_file(temp).is_ok() {
            r.discarded += 1;
        }
    }
}

/// Renames the listed temporary file `temp` to `target`; refused once the
/// run is interrupted.
pub(crate) fn persist(temp: &Path, target: &Path) -> io::Result<()> {
    let mut r = lock();
    if r.phase == Phase::Interrupted {
        return Err(interrupted());
    }
    std::fs::rename(temp, target)?;
    if let Some(i) = r.temps.iter().position(|t| t == temp) {
        r.temps.swap_remove(i);
    }
    Ok(())
}

/// Marks the outputs as complete: from now on [`interrupt`] declines and
/// the run finishes. Fails when the run was interrupted already.
pub fn begin_commit() -> io::Result<()> {
    let mut r = lock();
    if r.phase == Phase::Interrupted {
        return Err(interrupted());
    }
    r.phase = Phase::Committing;
    Ok(())
}

/// Interrupts the run: removes every temporary file and refuses new ones.
/// Returns how many files were removed, or `None` when the outputs are
/// already being committed (the run is about to finish successfully).
///
/// Meant for a signal handler thread, which should then exit the process.
pub fn interrupt() -> Option<usize> {
    let mut r = lock();
    if r.phase == Phase::Committing {
        return None;
    }
    r.phase = Phase::Interrupted;
    let removed = r.temps.drain(..).filter(|t| std::fs::remove_file(t).is_ok()).count();
    Some(removed)
}

/// How many temporary files were removed because their run failed.
pub fn discarded() -> u64 {
    lock().discarded
}
/// The temporary file name of an output: hidden, beside `target`, and
/// unique to this process: `.NAME.peakend-PID.SUFFIX`.
pub fn temp_beside(target: &Path, suffix: &str) -> Result<PathBuf> {
    let name = target.file_name().ok_or_else(|| {
        Error::io(target, io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))
    })?;
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".peakend-{}.{suffix}", std::process::id()));
    Ok(target.with_file_name(temp))
}
