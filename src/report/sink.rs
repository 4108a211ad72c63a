//! Writing the finished page where it was asked for.
//!
//! Same rules as the CSV outputs (`output.rs`): `-` or nothing is standard
//! output; a device, FIFO or symbolic link is written through in place; a
//! plain file is written beside its target and renamed over it only once
//! complete, so a failed run never leaves a half page that looks whole.
//! The page is at most a few megabytes (it grows with `--top`, not with the
//! batch), so it is handed over in one piece.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `target` (`None` or `-`: standard output).
pub fn write(target: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let target = match target {
        None => return write_stdout(bytes),
        Some(p) if p == Path::new("-") => return write_stdout(bytes),
        Some(p) => p,
    };
    if std::fs::symlink_metadata(target).is_ok_and(|m| !m.is_file()) {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(target)
            .map_err(|e| Error::io(target, e))?;
        return file
            .write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(|e| Error::io(target, e));
    }
    let temp = crate::cleanup::temp_beside(target, "tmp")?;
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io(target, e));
    }
    Ok(())
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(|e| Error::io("<stdout>", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.html");
        std::fs::write(&target, "old").unwrap();
        write(Some(&target), b"<!DOCTYPE html>").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "<!DOCTYPE html>");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let err = write(Some(&dir.path().join("no/such/dir/r.html")), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no/such/dir/r.html"), "{err}");
    }
}
