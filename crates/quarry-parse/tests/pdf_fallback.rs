//! Without libpdfium the library still reads PDFs (through pdf-extract,
//! approximate boxes). Its own test binary, so the failed binding cannot
//! affect the pdfium tests.

mod common;

use common::pdf::{PageSpec, pdf, run};
use quarry_parse::{Limits, parse};

#[test]
fn pdfs_parse_through_the_fallback_when_pdfium_is_missing() {
    // SAFETY: the only test in this binary, set before any thread reads it.
    unsafe { std::env::set_var("QUARRY_PDFIUM_LIB", "/nonexistent/libpdfium.so") };
    assert!(!quarry_parse::pdfium_available());
    let bytes = pdf(&[PageSpec::new(vec![run(
        72.0,
        700.0,
        12.0,
        "Invoice Number: INV-3",
    )])]);
    let doc = parse(&bytes, "f.pdf", &Limits::default()).expect("fallback parses");
    assert!(doc.text().contains("INV-3"), "{}", doc.text());
}
