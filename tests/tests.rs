//! Integration tests: one binary, one module per feature (as ripgrep does).

#[macro_use]
mod util;

mod cli;
mod golden;
mod parity;
mod properties;
