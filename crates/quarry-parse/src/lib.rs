//! `quarry-parse` turns the bytes of an uploaded document into a [`Document`]:
//! pages with lines and words that carry bounding boxes in page coordinates.
//!
//! Everything downstream (extraction engines, citations, the parse-runs API)
//! reads this one shape, so the type is deliberately small and format-agnostic.
//! PDFs with a text layer go through pdfium (see [`pdf`]); office formats,
//! HTML and CSV are laid out by [`flow`] with headings, paragraphs and
//! tables; plain text keeps its own line layout. [`Document::markdown`]
//! renders any of them. See docs/parsing.md for formats, limits and gaps.
//!
//! Parsers never panic on hostile bytes: every failure is a [`ParseError`].

mod cut;
mod delimited;
mod detect;
mod document;
pub mod einvoice;
mod error;
mod flow;
mod geometry;
mod html;
pub mod isolate;
mod markdown;
mod ocr;
mod office;
pub mod output;
mod pdf;
mod tables;
mod text;
mod xml;

pub use cut::{cut_pages, unlock_pdf};
pub use detect::{FileKind, detect_kind};
pub use document::{BBox, Block, BlockKind, Cell, Document, FigureKind, Line, Page, Table, Word};
pub use error::ParseError;
pub use isolate::{ChildLimits, Isolation};
pub use ocr::{OcrEngine, ocr_available, paddle_available, tessdata_dir};
pub use office::{SheetOptions, SheetSelection};
pub use output::{ParseOptions, is_page_number, parse_output};
pub use pdf::{GrayImage, page_sizes, pdfium_available, render_page_gray, render_page_png};

/// Explicit caps applied while parsing untrusted input.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Largest number of pages kept; more pages is an error, not a truncation,
    /// so a run never silently extracts from half a document.
    pub max_pages: usize,
    /// Largest total size of the entries of a zip-based format (DOCX, XLSX,
    /// PPTX, ODS) once decompressed: the zip-bomb guard.
    pub max_decompressed_bytes: u64,
    /// Largest number of table cells (spreadsheet cells count here).
    pub max_cells: usize,
    /// Longest OCR of one page or image before it is killed, in seconds.
    pub ocr_seconds_per_page: u64,
    /// Largest image (width × height, read from its header before any
    /// decoding) handed to OCR: a 100k × 100k PNG is a few KB on disk and
    /// tens of GB once decoded.
    pub max_image_pixels: u64,
    /// Where parsing runs: in this process, or in a child under hard
    /// memory/CPU/wall limits (see [`isolate`]).
    pub isolation: Isolation,
    /// Detect each OCRed page's orientation (tesseract OSD, needs
    /// `osd.traineddata`) and read sideways or upside-down scans upright:
    /// the parse config's `pageRotationEnabled`. Off by default because it
    /// costs about a third more OCR time.
    #[serde(default)]
    pub detect_orientation: bool,
    /// Which sheets of a spreadsheet are read and how its cells are shown.
    #[serde(default)]
    pub sheets: SheetOptions,
    /// Directory of the OCR language model (`eng.traineddata`); `None`
    /// looks in `$QUARRY_TESSDATA_DIR`, then in the directory
    /// scripts/install-deps fills, then in tesseract's own data
    /// ([`tessdata_dir`]).
    #[serde(default)]
    pub tessdata_dir: Option<std::path::PathBuf>,
    /// Lay out PDF pages on a second thread while pdfium reads the next
    /// page (on by default). Off, a PDF is parsed on one thread only: for
    /// servers that run one parse per core anyway, and for benchmarks of
    /// the single-thread path.
    #[serde(default = "default_layout_thread")]
    pub layout_thread: bool,
    /// Which OCR engine reads images and scanned pages ([`OcrEngine`]).
    #[serde(default)]
    pub ocr_engine: OcrEngine,
}

fn default_layout_thread() -> bool {
    true
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_pages: 2_000,
            max_decompressed_bytes: 256 * 1024 * 1024,
            max_cells: 1_000_000,
            ocr_seconds_per_page: 60,
            max_image_pixels: 100_000_000,
            isolation: Isolation::InProcess,
            detect_orientation: false,
            sheets: SheetOptions::default(),
            tessdata_dir: None,
            layout_thread: default_layout_thread(),
            ocr_engine: OcrEngine::Auto,
        }
    }
}

/// Refuses images whose header declares more than `max_image_pixels`;
/// headers that cannot be read are left to the OCR engine to reject.
fn check_image_pixels<'a>(bytes: &'a [u8], limits: &Limits) -> Result<&'a [u8], ParseError> {
    if let Ok(size) = imagesize::blob_size(bytes) {
        let pixels = (size.width as u64).saturating_mul(size.height as u64);
        if pixels > limits.max_image_pixels {
            return Err(ParseError::TooManyPixels {
                width: size.width as u64,
                height: size.height as u64,
                limit: limits.max_image_pixels,
            });
        }
    }
    Ok(bytes)
}

/// Parses `bytes` page by page and hands each [`Page`] to `on_page` as soon
/// as it is ready, keeping none: for callers that do not need the whole
/// [`Document`] at once (counting, indexing, streaming to disk), memory stays
/// flat in the page count. Returns the detected kind.
///
/// PDFs read through pdfium are truly streamed (one pdfium page at a time);
/// the other formats are small by nature (and capped by [`Limits`]), so they
/// are parsed whole and then handed over page by page, as are documents
/// parsed in a child process. A page cap error comes before any page.
pub fn parse_pages(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
    mut on_page: impl FnMut(Page),
) -> Result<FileKind, ParseError> {
    check_size(bytes, limits)?;
    let kind = detect_kind(bytes, file_name);
    if kind == FileKind::Pdf && limits.isolation == Isolation::InProcess {
        pdf::parse_pdf_pages(bytes, limits, &mut on_page)?;
        return Ok(kind);
    }
    let doc = parse(bytes, file_name, limits)?;
    doc.pages.into_iter().for_each(on_page);
    Ok(doc.kind)
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    Ok(())
}

/// Parses `bytes` (named `file_name`, used only as a type hint) into a [`Document`].
pub fn parse(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Document, ParseError> {
    check_size(bytes, limits)?;
    if let Isolation::Child(child) = &limits.isolation {
        return isolate::parse_in_child(bytes, file_name, limits, child);
    }
    let kind = detect_kind(bytes, file_name);
    let doc = match kind {
        FileKind::Pdf => pdf::parse_pdf(bytes, limits)?,
        FileKind::Docx => office::parse_docx(bytes, limits)?,
        FileKind::Pptx => office::parse_pptx(bytes, limits)?,
        FileKind::Excel => office::parse_sheets(bytes, limits)?,
        FileKind::Html => html::parse_html(bytes, limits)?,
        FileKind::Csv => delimited::parse_csv(bytes, file_name, limits)?,
        FileKind::Text => text::parse_text(bytes, kind)?,
        FileKind::Xml => einvoice::document(file_name, bytes)?,
        FileKind::Image if ocr::ocr_available() => Document {
            kind,
            einvoice: None,
            pages: ocr::ocr_image(
                check_image_pixels(bytes, limits)?,
                &ocr::OcrSettings::from(limits),
            )?,
        },
        other => return Err(ParseError::Unsupported(other)),
    };
    if doc.pages.len() > limits.max_pages {
        return Err(ParseError::TooManyPages {
            pages: doc.pages.len(),
            limit: limits.max_pages,
        });
    }
    Ok(doc)
}
