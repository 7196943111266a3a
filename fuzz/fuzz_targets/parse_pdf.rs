//! PDF entry point: arbitrary bytes named `.pdf` must parse or fail with a
//! typed error, within the limits, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quarry_parse::{Limits, parse};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_pages: 50, ..Limits::default() };
    let _ = parse(data, "fuzz.pdf", &limits);
});
