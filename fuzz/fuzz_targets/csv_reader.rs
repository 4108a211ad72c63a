//! Arbitrary bytes as a CSV transcript: no panic; with rejects, no row
//! problem stops the run.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::run(data, peakend::pipeline::Format::Csv));
