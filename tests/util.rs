//! Test helpers: run the built binary on files in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Asserts equality and prints both sides in full when they differ.
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let (expected, got) = (&$expected, &$got);
        if expected != got {
            panic!("\n\n==== expected ====\n{}\n==== got ====\n{}\n", expected, got);
        }
    }};
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under tests/data or examples.
pub fn data(rel: &str) -> PathBuf {
    root().join(rel)
}

/// A `peakend` command run in its own temporary folder.
pub struct TestCommand {
    pub dir: tempfile::TempDir,
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

impl TestCommand {
    pub fn new(args: &[&str]) -> TestCommand {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_peakend"));
        cmd.current_dir(dir.path()).args(args);
        TestCommand { dir, cmd, stdin: None }
    }

    pub fn arg(&mut self, a: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.cmd.arg(a);
        self
    }

    pub fn args<A: AsRef<std::ffi::OsStr>>(&mut self, args: &[A]) -> &mut Self {
        self.cmd.args(args);
        self
    }

    pub fn stdin(&mut self, data: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = Some(data.into());
        self
    }

    /// Writes `contents` to `name` in the temporary folder; returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn output(&mut self) -> Output {
        use std::io::Write;
        self.cmd.stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.cmd.spawn().unwrap();
        if let Some(data) = self.stdin.take() {
            let mut sin = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = sin.write_all(&data);
            });
        }
        child.wait_with_output().unwrap()
    }

    /// Runs and expects success; returns standard output.
    pub fn stdout(&mut self) -> String {
        let o = self.output();
        assert!(
            o.status.success(),
            "peakend failed ({:?}):\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// Runs and expects exit status 1; returns standard error.
    pub fn fails(&mut self) -> String {
        let o = self.output();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "expected exit 1, stderr:\n{err}");
        assert!(!err.contains("panicked"), "panic: {err}");
        assert!(!err.contains("RUST_BACKTRACE"), "backtrace hint: {err}");
        err
    }
}

/// Reads a CSV into rows of fields.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect()
}

/// The column index of `name` in a header row.
pub fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[allow(dead_code)]
pub fn exists(p: &Path) -> bool {
    p.exists()
}
