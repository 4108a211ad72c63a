//! The library's one error type.
//!
//! Every error that input can cause carries where it happened (file and line)
//! and what is wrong, so that the binary can print one message and exit 1.
//! The kind is boxed to keep `Result<T>` one word wide on hot paths.

use std::fmt;
use std::path::PathBuf;

/// A `Result` whose error is [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// An error from reading input, loading lexicons or writing output.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong, and where.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A lexicon file line that cannot be used.
    Lexicon {
        /// The lexicon file (`<built-in>/...` for embedded files).
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        msg: String,
    },
    /// A transcript row (CSV or JSON Lines) that cannot be read.
    Input {
        /// The input file (`<stdin>` for standard input).
        path: PathBuf,
        /// 1-based line number where the row starts.
        line: u64,
        /// 1-based column (byte) within the line, when it helps.
        column: Option<u64>,
        /// What is wrong with it.
        msg: String,
    },
    /// An input file whose header lacks a required column.
    MissingColumn {
        /// The input file.
        path: PathBuf,
        /// The canonical column name.
        column: &'static str,
        /// The header names accepted for it.
        accepted: &'static [&'static str],
    },
    /// An I/O failure on a named file.
    Io {
        /// The file being read or written.
        path: PathBuf,
        /// The underlying error.
        err: std::io::Error,
    },
    /// Invalid settings (weights, factors, options).
    Config(String),
}

impl Error {
    /// Returns the kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// An input error at `path:line`.
    pub fn input(path: impl Into<PathBuf>, line: u64, msg: impl Into<String>) -> Error {
        Error::from(ErrorKind::Input {
            path: path.into(),
            line,
            column: None,
            msg: msg.into(),
        })
    }

    /// An input error at `path:line:column`.
    pub fn input_at(
        path: impl Into<PathBuf>,
        line: u64,
        column: u64,
        msg: impl Into<String>,
    ) -> Error {
        Error::from(ErrorKind::Input {
            path: path.into(),
            line,
            column: Some(column),
            msg: msg.into(),
        })
    }

    /// A lexicon error at `path:line`.
    pub fn lexicon(path: impl Into<PathBuf>, line: u64, msg: impl Into<String>) -> Error {
        Error::from(ErrorKind::Lexicon { path: path.into(), line, msg: msg.into() })
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Error {
        Error::from(ErrorKind::Io { path: path.into(), err })
    }

    /// An invalid setting.
    pub fn config(msg: impl Into<String>) -> Error {
        Error::from(ErrorKind::Config(msg.into()))
    }

    /// A csv crate error while reading `path`, naming the line.
    pub(crate) fn csv(path: &std::path::Path, err: csv::Error) -> Error {
        let line = err.position().map_or(0, |p| p.line());
        match err.kind() {
            csv::ErrorKind::Io(e) => {
                Error::io(path, std::io::Error::new(e.kind(), e.to_string()))
            }
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::input(
                path,
                line,
                format!("row has {len} fields but the header has {expected_len}"),
            ),
            _ => Error::input(path, line, format!("malformed CSV: {err}")),
        }
    }

    /// True when this is an I/O error caused by a closed pipe downstream
    /// (e.g. `peakend score x.csv | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&*self.0, ErrorKind::Io { err, .. } if err.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Lexicon { path, line, msg } => {
                write!(f, "{}:{}: lexicon: {}", path.display(), line, msg)
            }
            ErrorKind::Input { path, line, column: None, msg } => {
                write!(f, "{}:{}: {}", path.display(), line, msg)
            }
            ErrorKind::Input { path, line, column: Some(column), msg } => {
                write!(f, "{}:{}:{}: {}", path.display(), line, column, msg)
            }
            ErrorKind::MissingColumn { path, column, accepted } => write!(
                f,
                "{}:1: header has no '{}' column (accepted names, case-insensitive: {})",
                path.display(),
                column,
                accepted.join(", ")
            ),
            ErrorKind::Io { path, err } => write!(f, "{}: {}", path.display(), err),
            ErrorKind::Config(msg) => write!(f, "{msg}"),
        }
    }
}

// No `source()`: the message already ends with the I/O error, and a
// source would be printed a second time by `{:#}`.
impl std::error::Error for Error {}
