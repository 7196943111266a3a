//! Text-like formats (HTML, CSV, TXT, Markdown, XML), and the markdown
//! renderer over whatever they produce.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quarry_parse::{Limits, parse};

const NAMES: [&str; 5] = ["fuzz.html", "fuzz.csv", "fuzz.txt", "fuzz.md", "fuzz.xml"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let limits = Limits { max_cells: 20_000, ..Limits::default() };
    if let Ok(doc) = parse(bytes, NAMES[usize::from(pick) % NAMES.len()], &limits) {
        let _ = doc.markdown();
    }
});
