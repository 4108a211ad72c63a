//! Arbitrary bytes as a JSON Lines transcript: no panic; with rejects, no
//! line problem stops the run.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::run(data, peakend::pipeline::Format::Jsonl));
