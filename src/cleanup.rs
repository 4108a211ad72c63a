//! The temporary files of a run, so that an interrupted run leaves none.
//!
//! Every output file (the CSVs, the `--rejects` file and the report) is
//! written to a temporary file beside its target
//! ([`crate::output::atomic::AtomicFile`]) and renamed into place only when
//! the run succeeds.
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

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use tempfile::NamedTempFile;

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

/// Creates a hidden temporary file beside `target` (`.NAME.XXXXXX.tmp`)
/// and lists it; refused once the run is interrupted. The error does not
/// name the temporary file: the caller names the target.
pub(crate) fn create_beside(target: &Path) -> io::Result<NamedTempFile> {
    let mut r = lock();
    if r.phase == Phase::Interrupted {
        return Err(interrupted());
    }
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // An output is a file like any other: readable as the umask allows
    // (0644 under the usual 022), not tempfile's private 0600, which
    // would hide it from the pipeline that loads it under another user.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir).map_err(|e| {
        // tempfile ends the message with the temporary path; the caller
        // names the target instead.
        let msg = e.to_string();
        let cause = msg.split(" at path ").next().unwrap_or(&msg);
        io::Error::new(e.kind(), format!("cannot create the output file: {cause}"))
    })?;
    r.temps.push(temp.path().to_path_buf());
    Ok(temp)
}

/// Removes the listed temporary file (a run that did not commit).
pub(crate) fn discard(temp: NamedTempFile) {
    let mut r = lock();
    if let Some(i) = r.temps.iter().position(|t| t == temp.path()) {
        r.temps.swap_remove(i);
        if temp.close().is_ok() {
            r.discarded += 1;
        }
    }
}

/// Renames the listed temporary file to `target`; refused once the run is
/// interrupted. On failure the file is handed back, still listed.
pub(crate) fn persist(
    temp: NamedTempFile,
    target: &Path,
) -> Result<(), (io::Error, NamedTempFile)> {
    let mut r = lock();
    if r.phase == Phase::Interrupted {
        return Err((interrupted(), temp));
    }
    let path = temp.path().to_path_buf();
    temp.persist(target).map_err(|e| (e.error, e.file))?;
    if let Some(i) = r.temps.iter().position(|t| *t == path) {
        r.temps.swap_remove(i);
    }
    Ok(())
}

/// Marks the outputs as complete: from now on [`interrupt`] declines and
/// the run finishes. Fails when the run was interrupted already.
pub(crate) fn begin_commit() -> io::Result<()> {
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
pub(crate) fn interrupt() -> Option<usize> {
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

/// Whether an output goes to standard output (for the message of an
/// interrupted run).
static STDOUT_OUTPUT: AtomicBool = AtomicBool::new(false);

/// Notes that an output goes to standard output.
pub(crate) fn note_stdout() {
    STDOUT_OUTPUT.store(true, Ordering::Relaxed);
}

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary files, say so and
/// exit 128 + the signal number (130, 143, 129), as shells do. A thread of
/// its own waits for the signals, so this works while the main thread is
/// blocked reading standard input. signal-hook rather than ctrlc: ctrlc's
/// one handler cannot tell SIGINT from SIGTERM, and the exit status should.
/// Once the outputs are complete and being renamed, a signal is ignored and
/// the run finishes.
#[cfg(unix)]
pub fn handle_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
    else {
        return; // Without handlers the defaults apply: no cleanup, but no harm.
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let Some(removed) = interrupt() else { continue };
            let name = match signal {
                SIGINT => "SIGINT",
                SIGTERM => "SIGTERM",
                _ => "SIGHUP",
            };
            let stdout = STDOUT_OUTPUT.load(Ordering::Relaxed);
            let mut what = Vec::new();
            if removed > 0 || !stdout {
                what.push(format!(
                    "no output written (removed {removed} temporary files)"
                ));
            }
            if stdout {
                what.push("the output on standard output is incomplete".to_string());
            }
            eprintln!("\npeakend: interrupted by {name}: {}", what.join("; "));
            std::process::exit(128 + signal);
        }
    });
}

/// Signals are not handled on this platform: the defaults apply.
#[cfg(not(unix))]
pub fn handle_signals() {}
