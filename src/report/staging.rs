//! `peakend score --report`: where the two CSVs go so that the report can
//! read them back after the run.
//!
//! The report needs both CSVs as files it can read twice over (a streaming
//! pass each), but `-o` may be standard output, a pipe or a device, and
//! `--turns` may not be asked for at all. Rather than holding a batch in
//! memory, such outputs are written to hidden temporary files beside the
//! report; once the report is written, the temporary copies are delivered
//! where they were asked for (copied to standard output or the device,
//! streaming) and removed, also when the run fails. Outputs that are plain
//! files are used as they are.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::cleanup::temp_beside;
use crate::error::{Error, Result};

/// Where a CSV is delivered after the run.
#[derive(Debug, PartialEq)]
enum Deliver {
    /// Nowhere: the temporary copy only fed the report.
    Drop,
    /// Standard output.
    Stdout,
    /// A device, FIFO or other non-file path, written through.
    Path(PathBuf),
}

/// One of the two CSVs.
#[derive(Debug)]
struct Staged {
    /// Where `score` writes it.
    path: PathBuf,
    /// `Some` when `path` is a temporary copy.
    temp: Option<Deliver>,
}

impl Staged {
    fn plan(report: &Path, asked: Option<&Path>, suffix: &str) -> Result<Staged> {
        let temp = |deliver| {
            Ok(Staged { path: temp_beside(report, suffix)?, temp: Some(deliver) })
        };
        match asked {
            None => temp(Deliver::Drop),
            Some(p) if p == Path::new("-") => temp(Deliver::Stdout),
            // A plain file (or a link to one), or a new file: read it back.
            Some(p) if std::fs::metadata(p).map_or(true, |m| m.is_file()) => {
                Ok(Staged { path: p.to_path_buf(), temp: None })
            }
            Some(p) => temp(Deliver::Path(p.to_path_buf())),
        }
    }

    fn deliver(&self) -> Result<()> {
        let to: Box<dyn Write> = match &self.temp {
            None | Some(Deliver::Drop) => return Ok(()),
            Some(Deliver::Stdout) => Box::new(io::stdout().lock()),
            Some(Deliver::Path(p)) => Box::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(p)
                    .map_err(|e| Error::io(p, e))?,
            ),
        };
        let name = match &self.temp {
            Some(Deliver::Path(p)) => p.clone(),
            _ => PathBuf::from("<stdout>"),
        };
        let mut from = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut to = io::BufWriter::with_capacity(1 << 16, to);
        io::copy(&mut from, &mut to)
            .and_then(|_| to.flush())
            .map_err(|e| Error::io(name, e))?;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.temp.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where `score --report` writes its two CSVs.
#[derive(Debug)]
pub struct Staging {
    interactions: Staged,
    turns: Staged,
}

impl Staging {
    /// Plans the outputs of a run that writes `report`, given `-o` and
    /// `--turns` as asked (`None`: standard output for `-o`, no file for
    /// `--turns`).
    pub fn plan(
        report: &Path,
        output: Option<&Path>,
        turns: Option<&Path>,
    ) -> Result<Staging> {
        for (flag, p) in [("-o", output), ("--turns", turns)] {
            if p.is_some_and(|p| p == report) {
                return Err(Error::config(format!(
                    "--report must name another file than {flag}"
                )));
            }
        }
        Ok(Staging {
            // No -o means standard output, as without --report.
            interactions: Staged::plan(
                report,
                Some(output.unwrap_or(Path::new("-"))),
                "interactions.csv",
            )?,
            turns: Staged::plan(report, turns, "turns.csv")?,
        })
    }

    /// Where `score` writes the per-interaction CSV.
    pub fn interactions(&self) -> &Path {
        &self.interactions.path
    }

    /// Where `score` writes the per-turn CSV.
    pub fn turns(&self) -> &Path {
        &self.turns.path
    }

    /// Copies temporary outputs to where they were asked for, then removes
    /// every temporary file.
    pub fn deliver(self) -> Result<()> {
        self.interactions.deliver()?;
        self.turns.deliver()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_used_as_they_are_and_the_rest_staged() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r.html");
        let ix = dir.path().join("ix.csv");
        let s = Staging::plan(&report, Some(&ix), None).unwrap();
        assert_eq!(s.interactions(), ix);
        assert_ne!(s.turns(), report);
        assert_eq!(s.turns().parent(), report.parent(), "staged beside the report");
        std::fs::write(s.turns(), "x").unwrap();
        let staged = s.turns().to_path_buf();
        s.deliver().unwrap();
        assert!(!staged.exists(), "temporary copy removed");

        let s =
            Staging::plan(&report, Some(Path::new("-")), Some(Path::new("/dev/null")))
                .unwrap();
        assert_eq!(s.interactions.temp, Some(Deliver::Stdout));
        assert_eq!(s.turns.temp, Some(Deliver::Path("/dev/null".into())));
        std::fs::write(s.turns(), "dropped").unwrap();
        let staged = s.turns().to_path_buf();
        drop(s);
        assert!(!staged.exists(), "removed on failure too");

        let s = Staging::plan(&report, None, None).unwrap();
        assert_eq!(
            (&s.interactions.temp, &s.turns.temp),
            (&Some(Deliver::Stdout), &Some(Deliver::Drop))
        );

        let err = Staging::plan(&report, Some(&report), None).unwrap_err().to_string();
        assert!(err.contains("--report must name another file than -o"), "{err}");
    }
}
