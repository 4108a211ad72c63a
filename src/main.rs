//! The `peakend` binary: parses arguments, runs, prints one error and exits.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    peakend::pipeline::handle_signals();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // Help and version are not errors; usage errors exit 1 (INTERFACE.md).
            return ExitCode::from(if err.use_stderr() { 1 } else { 0 });
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<peakend::Error>().is_some_and(|e| e.is_broken_pipe())
                    || e.downcast_ref::<std::io::Error>()
                        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("peakend: error: {err:#}");
            if peakend::pipeline::discarded_outputs() > 0 {
                eprintln!("peakend: no output written (removed temporary files)");
            }
            ExitCode::from(1)
        }
    }
}
