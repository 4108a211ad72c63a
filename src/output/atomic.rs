//! One output that is either complete or absent.
//!
//! `-` (or no path) is standard output. A device, FIFO or symbolic link
//! (`/dev/null`, `/dev/stdout`) is written through in place: renaming a
//! file over it would replace it. Anything else is written to a hidden
//! temporary file beside the target and renamed over it by
//! [`AtomicFile::commit`] only, so a failed or interrupted run never leaves
//! a file that looks whole; the temporary file is listed in
//! [`crate::cleanup`], so the signal handler removes it too. Every output
//! of a run (both CSVs, the rejects and the report) is one of these.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

enum Dest {
    Stdout(io::Stdout),
    Through(File),
    /// `None` once renamed into place.
    Temp(Option<NamedTempFile>),
}

/// An output file made atomically (see the module documentation).
pub struct AtomicFile {
    dest: Dest,
    /// What errors name: the target, never the temporary file.
    name: PathBuf,
}

impl AtomicFile {
    /// Opens `path`; `None` or `-` is standard output.
    pub fn create(path: Option<&Path>) -> Result<AtomicFile> {
        let stdout = || {
            crate::cleanup::note_stdout();
            AtomicFile { dest: Dest::Stdout(io::stdout()), name: "<stdout>".into() }
        };
        let target = match path {
            None => return Ok(stdout()),
            Some(p) if p == Path::new("-") => return Ok(stdout()),
            Some(p) => p,
        };
        let dest = if std::fs::symlink_metadata(target).is_ok_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .map_err(|e| Error::io(target, e))?;
            Dest::Through(file)
        } else {
            let temp = crate::cleanup::create_beside(target)
                .map_err(|e| Error::io(target, e))?;
            Dest::Temp(Some(temp))
        };
        Ok(AtomicFile { dest, name: target.to_path_buf() })
    }

    /// The name errors use: the target, or `<stdout>`.
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// True when this writes standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self.dest, Dest::Stdout(_))
    }

    /// Writes all of `bytes`; the error names the target.
    pub fn write_all_named(&mut self, bytes: &[u8]) -> Result<()> {
        self.write_all(bytes).map_err(|e| Error::io(&self.name, e))
    }

    /// Flushes and, for a temporary file, forces it to disk: after this,
    /// only [`AtomicFile::commit`] is left, and it cannot run out of space.
    pub fn finish(&mut self) -> Result<()> {
        self.flush().map_err(|e| Error::io(&self.name, e))?;
        self.sync()
    }

    /// Forces a temporary file's bytes written so far to disk.
    pub fn sync(&self) -> Result<()> {
        if let Dest::Temp(Some(temp)) = &self.dest {
            temp.as_file().sync_all().map_err(|e| Error::io(&self.name, e))?;
        }
        Ok(())
    }

    /// Finishes and, for a temporary file, renames it into place.
    pub fn commit(mut self) -> Result<()> {
        self.finish()?;
        if let Dest::Temp(slot) = &mut self.dest {
            if let Some(temp) = slot.take() {
                crate::cleanup::persist(temp, &self.name).map_err(|(e, temp)| {
                    *slot = Some(temp);
                    Error::io(&self.name, e)
                })?;
            }
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.dest {
            Dest::Stdout(s) => s.write(buf),
            Dest::Through(f) => f.write(buf),
            Dest::Temp(Some(t)) => t.write(buf),
            Dest::Temp(None) => Err(io::Error::other("written after commit")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.dest {
            Dest::Stdout(s) => s.flush(),
            Dest::Through(f) => f.flush(),
            Dest::Temp(Some(t)) => t.flush(),
            Dest::Temp(None) => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Still here means the run did not commit: leave nothing behind.
        if let Dest::Temp(slot) = &mut self.dest {
            if let Some(temp) = slot.take() {
                crate::cleanup::discard(temp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many entries `dir` has.
    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).unwrap().count()
    }

    #[test]
    fn replaces_a_file_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.html");
        std::fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(Some(&target)).unwrap();
        f.write_all_named(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(entries(dir.path()), 2, "the temporary file beside it");
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(dir.path()), 1);

        let mut f = AtomicFile::create(Some(&target)).unwrap();
        f.write_all_named(b"dropped").unwrap();
        drop(f);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(dir.path()), 1, "nothing left when not committed");
    }

    #[test]
    fn errors_name_the_target_not_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nodir/r.html");
        let err = AtomicFile::create(Some(&target)).err().unwrap().to_string();
        assert!(
            err.starts_with(&format!("{}: cannot create", target.display())),
            "{err}"
        );
        assert!(!err.contains(".r.html."), "{err}");
        assert!(err.contains("No such file or directory"), "{err}");
    }
}
