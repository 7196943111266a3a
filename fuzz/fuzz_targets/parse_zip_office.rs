//! Zip-based office formats (DOCX, PPTX, XLSX, ODS): the first byte picks
//! the name hint, the rest is the file. Small decompression and cell caps
//! keep each input cheap, so the fuzzer explores structure, not size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quarry_parse::{Limits, parse};

const NAMES: [&str; 4] = ["fuzz.docx", "fuzz.pptx", "fuzz.xlsx", "fuzz.ods"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let limits = Limits {
        max_pages: 50,
        max_decompressed_bytes: 4 << 20,
        max_cells: 20_000,
        ..Limits::default()
    };
    let _ = parse(bytes, NAMES[usize::from(pick) % NAMES.len()], &limits);
});
