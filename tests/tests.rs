//! Integration tests: one binary, one module per feature (as ripgrep does).

#[macro_use]
mod util;

mod browser;
mod cli;
mod faults;
mod formats;
mod golden;
mod journey;
mod languages;
mod output;
mod parity;
mod properties;
mod readme;
mod report;
