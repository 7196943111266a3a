//! The pdfium engine: binds `libpdfium.so` at run time (from
//! `$QUARRY_PDFIUM_LIB`, else `$HOME/.cache/quarry/pdfium/libpdfium.so`) and
//! reads every character with its box, which [`super::reading`] turns into
//! words and reading-order lines.
//!
//! pdfium is not thread-safe. One global mutex ([`Engine`]) is held for a
//! whole document, so documents are parsed one at a time per process
//! (parallelism means several worker processes). pdfium-render's own
//! `thread_safe` feature is off: it took a second, global lock around every
//! single FFI call (two per character), which cost more than pdfium's own
//! per-character work (docs/benchmarks.md).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use pdfium_render::prelude::*;

use super::pipeline::{self, PageInput};
use super::raw;
use super::reading::Rotation;
use crate::einvoice::EmbeddedFile;
use crate::tables;
use crate::{BBox, FileKind, Limits, ParseError, ocr};

/// Resolution pages without a text layer are rendered at for OCR.
const OCR_DPI: f64 = 300.0;
/// Widest bitmap rendered for OCR, in pixels (bounds memory on huge pages).
const MAX_RENDER_PIXELS: f64 = 6_000.0;
/// Pages read before the document is reopened to release pdfium's caches
/// (a multiple of [`OCR_WINDOW`], so reopening falls between windows).
const PAGES_PER_OPEN: usize = 200;
/// Pages read, OCRed in parallel where they are scans, and handed on
/// together: enough to keep every core's tesseract busy, few enough that
/// memory stays flat in the page count.
const OCR_WINDOW: usize = 20;

/// A rendered page: 8-bit grayscale, row-major, `width * height` bytes.
#[derive(Debug, Clone)]
pub struct GrayImage {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl GrayImage {
    /// The image as binary PGM (readable by tesseract and most tools).
    pub fn to_pgm(&self) -> Vec<u8> {
        ocr::pgm(self.width, self.height, &self.pixels)
    }
}

/// Renders page `index` (0-based) of `pdf` at `dpi`, in display orientation.
/// Requires pdfium.
pub fn render_page_gray(pdf: &[u8], index: usize, dpi: f64) -> Result<GrayImage, ParseError> {
    let lock = pdfium().ok_or(ParseError::Unsupported(FileKind::Pdf))?;
    let guard = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    catch_unwind(AssertUnwindSafe(|| {
        let doc = guard
            .load_pdf_from_byte_slice(pdf, None)
            .map_err(load_error)?;
        let page = i32::try_from(index)
            .ok()
            .and_then(|i| doc.pages().get(i).ok())
            .ok_or_else(|| ParseError::Corrupt(format!("no page {index}")))?;
        render(&page, dpi).map(|(img, _)| img)
    }))
    .unwrap_or_else(|_| {
        Err(ParseError::Corrupt(
            "the PDF page could not be rendered".into(),
        ))
    })
}

/// Renders page `index` (0-based) of `pdf` at `dpi` as a grayscale PNG, for
/// showing documents (the dashboard). `limits` caps the input size and the
/// page index like parsing does; the widest bitmap is capped as for OCR.
pub fn render_page_png(
    pdf: &[u8],
    index: usize,
    dpi: f64,
    limits: &Limits,
) -> Result<Vec<u8>, ParseError> {
    if pdf.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: pdf.len(),
            limit: limits.max_bytes,
        });
    }
    if index >= limits.max_pages {
        return Err(ParseError::TooManyPages {
            pages: index + 1,
            limit: limits.max_pages,
        });
    }
    let image = render_page_gray(pdf, index, dpi.clamp(18.0, 600.0))?;
    super::png::encode_gray(image.width, image.height, &image.pixels)
        .ok_or_else(|| ParseError::Corrupt("the rendered page could not be encoded".into()))
}

/// Width and height in points of every page of `pdf`, in display
/// orientation (what citations are measured in). Requires pdfium.
pub fn page_sizes(pdf: &[u8], limits: &Limits) -> Result<Vec<(f64, f64)>, ParseError> {
    if pdf.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: pdf.len(),
            limit: limits.max_bytes,
        });
    }
    let lock = pdfium().ok_or(ParseError::Unsupported(FileKind::Pdf))?;
    let guard = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    catch_unwind(AssertUnwindSafe(|| {
        let doc = guard
            .load_pdf_from_byte_slice(pdf, None)
            .map_err(load_error)?;
        let count = doc.pages().len() as usize;
        if count > limits.max_pages {
            return Err(ParseError::TooManyPages {
                pages: count,
                limit: limits.max_pages,
            });
        }
        Ok(doc
            .pages()
            .iter()
            .map(|p| (p.width().value as f64, p.height().value as f64))
            .collect())
    }))
    .unwrap_or_else(|_| Err(ParseError::Corrupt("the PDF could not be read".into())))
}

/// Renders `page` to grayscale; returns the image and points per pixel.
fn render(page: &PdfPage<'_>, dpi: f64) -> Result<(GrayImage, f64), ParseError> {
    let width_pts = page.width().value as f64;
    let px = (width_pts * dpi / 72.0).clamp(1.0, MAX_RENDER_PIXELS);
    let config = PdfRenderConfig::new()
        .set_target_width(px as i32)
        .set_format(PdfBitmapFormat::BGRA);
    let bitmap = page
        .render_with_config(&config)
        .map_err(|e| ParseError::Corrupt(format!("render: {}", describe(&e))))?;
    let (w, h) = (
        bitmap.width().max(0) as usize,
        bitmap.height().max(0) as usize,
    );
    let raw = bitmap.as_raw_bytes();
    let stride = raw.len().checked_div(h).unwrap_or(0);
    if w == 0 || stride < w * 4 {
        return Err(ParseError::Corrupt("empty page bitmap".into()));
    }
    let mut pixels = Vec::with_capacity(w * h);
    for row in raw.chunks_exact(stride).take(h) {
        for p in row[..w * 4].chunks_exact(4) {
            let (b, g, r) = (p[0] as u32, p[1] as u32, p[2] as u32);
            pixels.push(((r * 299 + g * 587 + b * 114) / 1000) as u8);
        }
    }
    Ok((
        GrayImage {
            width: w,
            height: h,
            pixels,
        },
        width_pts / w as f64,
    ))
}

/// The bound library, and the layout thread of the documents read with it.
/// Every pdfium call in the process goes through the mutex around it: this
/// is what makes pdfium, which is not thread-safe, safe to use from several
/// threads. The layout worker sits behind the same lock because one
/// document at a time uses it ([`pipeline`]).
struct Engine {
    pdfium: Pdfium,
    layout: Option<pipeline::LayoutWorker>,
}

// SAFETY: without pdfium-render's `thread_safe` feature `Pdfium` is not
// `Send` because it holds raw pdfium pointers. It is only ever reached
// through the `Mutex` in `PDFIUM`, so pdfium is entered by one thread at a
// time, and every document, page and text handle made from it is dropped
// before the guard is released (they borrow from it).
unsafe impl Send for Engine {}

impl std::ops::Deref for Engine {
    type Target = Pdfium;
    fn deref(&self) -> &Pdfium {
        &self.pdfium
    }
}

/// The bound library, or `None` when binding failed (logged once).
static PDFIUM: OnceLock<Option<Mutex<Engine>>> = OnceLock::new();

fn library_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("QUARRY_PDFIUM_LIB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".cache/quarry/pdfium/libpdfium.so"))
}

fn pdfium() -> Option<&'static Mutex<Engine>> {
    PDFIUM
        .get_or_init(|| {
            let path = library_path()?;
            match Pdfium::bind_to_library(&path) {
                Ok(bindings) => Some(Mutex::new(Engine {
                    pdfium: Pdfium::new(bindings),
                    layout: None,
                })),
                Err(e) => {
                    tracing::warn!(
                        path = %path.display(),
                        error = %e,
                        "libpdfium not loaded; PDFs fall back to pdf-extract with approximate \
                         boxes (run scripts/install-deps or set QUARRY_PDFIUM_LIB)"
                    );
                    None
                }
            }
        })
        .as_ref()
}

/// Whether the pdfium engine is bound (and will be used for PDFs).
pub fn pdfium_available() -> bool {
    pdfium().is_some()
}

/// Parses with pdfium, handing each page to `on_page` as soon as it is laid
/// out, and returns the document's embedded text files; `None` when the
/// library is not available.
pub(super) fn parse_pages(
    bytes: &[u8],
    limits: &Limits,
    on_page: &mut dyn FnMut(crate::Page),
) -> Option<Result<Vec<EmbeddedFile>, ParseError>> {
    let lock = pdfium()?;
    let mut guard = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let engine = &mut *guard;
    let result = catch_unwind(AssertUnwindSafe(|| {
        read_document(&engine.pdfium, &mut engine.layout, bytes, limits, on_page)
    }))
    .unwrap_or_else(|_| Err(ParseError::Corrupt("the PDF could not be read".into())));
    Some(result)
}

/// Reads the pages a window of [`OCR_WINDOW`] at a time: each pdfium page is
/// dropped before the next is loaded, scans among them are OCRed in
/// parallel, and only the table ending a page is carried over.
///
/// Text pages are read through pdfium's C API ([`raw`]) and laid out on
/// `worker`, a second thread, while the next page is read ([`pipeline`],
/// unless `limits.layout_thread` is off). The document is closed as soon
/// as its last page is read, while that page is still being laid out. Only scans are rendered through
/// pdfium-render, from a second handle on the same bytes that is opened at
/// the first scan.
///
/// pdfium keeps every object it has parsed for as long as the document is
/// open (about 7 KB a page on generated text pages), so the document is
/// reopened every [`PAGES_PER_OPEN`] pages: memory then stays flat in the
/// page count, for the price of re-reading the cross-reference table.
fn read_document(
    pdfium: &Pdfium,
    worker: &mut Option<pipeline::LayoutWorker>,
    bytes: &[u8],
    limits: &Limits,
    on_page: &mut dyn FnMut(crate::Page),
) -> Result<Vec<EmbeddedFile>, ParseError> {
    let mut doc = raw::Document::open(pdfium.bindings(), bytes)?;
    let count = doc.page_count();
    if count > limits.max_pages {
        return Err(ParseError::TooManyPages {
            pages: count,
            limit: limits.max_pages,
        });
    }
    let embedded = doc.embedded_files();
    // Resolved at the first scan: text-layer PDFs look for no OCR model.
    let mut ocr_settings: Option<ocr::OcrSettings> = None;
    let mut breaks = tables::PageBreaks::default();
    let mut scans_doc: Option<PdfDocument<'_>> = None;
    pipeline::with_layout(limits.layout_thread, worker, |layout| {
        let mut start = 0;
        while start < count {
            if start > 0 && start % PAGES_PER_OPEN == 0 {
                doc.reopen()?;
                scans_doc = None;
            }
            let end = (start + OCR_WINDOW).min(count);
            for index in start..end {
                let Some(page) = doc.page(index) else {
                    let message = format!("page {}: {}", index + 1, raw::describe_code(0));
                    return Err(ParseError::Corrupt(message));
                };
                layout.send(read_page(&page, index as u32 + 1));
            }
            if end == count {
                doc.close();
            }
            let mut window = (start..end)
                .map(|_| layout.recv())
                .collect::<Result<Vec<_>, _>>()?;
            // Pages without a text layer are rendered here, in page order,
            // and OCRed on worker threads while the next ones are rendered.
            let scanned: Vec<usize> = window
                .iter()
                .enumerate()
                .filter(|(_, page)| page.lines.is_empty() && ocr::ocr_available())
                .map(|(i, _)| i)
                .collect();
            let settings = if scanned.is_empty() {
                None
            } else {
                Some(&*ocr_settings.get_or_insert_with(|| limits.into()))
            };
            let scans = scanned.into_iter().map(|i| {
                render_scan(pdfium, bytes, &mut scans_doc, start + i).map(|(image, scale)| {
                    ocr::OcrJob {
                        index: i,
                        image: image.to_pgm(),
                        scale,
                    }
                })
            });
            let ocred = match settings {
                Some(settings) => ocr::ocr_each(scans, settings)?,
                None => Vec::new(),
            };
            for (index, ocr) in ocred {
                if let Some(page) = window.get_mut(index) {
                    page.lines = ocr.lines;
                    page.blocks = ocr.blocks;
                }
            }
            for mut parsed in window {
                breaks.link(&mut parsed);
                on_page(parsed);
            }
            start = end;
        }
        Ok(())
    })?;
    Ok(embedded)
}

/// Renders page `index` of `bytes` for OCR through pdfium-render, opening
/// `doc` on first use.
fn render_scan<'a>(
    pdfium: &'a Pdfium,
    bytes: &'a [u8],
    doc: &mut Option<PdfDocument<'a>>,
    index: usize,
) -> Result<(GrayImage, f64), ParseError> {
    let doc = match doc {
        Some(doc) => doc,
        None => doc.insert(
            pdfium
                .load_pdf_from_byte_slice(bytes, None)
                .map_err(load_error)?,
        ),
    };
    let page = PdfPageIndex::try_from(index)
        .map_err(|_| PdfiumError::PageIndexOutOfBounds)
        .and_then(|i| doc.pages().get(i))
        .map_err(|e| ParseError::Corrupt(format!("page {}: {}", index + 1, describe(&e))))?;
    render(&page, OCR_DPI)
}

fn load_error(e: PdfiumError) -> ParseError {
    match e {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError)
        | PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
            ParseError::PasswordProtected
        }
        other => ParseError::Corrupt(format!("pdfium could not open it: {}", describe(&other))),
    }
}

/// A pdfium error in one line a user can read: pdfium-render's `Display`
/// is a multi-line pretty `Debug`, which ends up in a run's failureMessage.
fn describe(e: &PdfiumError) -> String {
    match e {
        PdfiumError::PdfiumLibraryInternalError(kind) => match kind {
            PdfiumInternalError::FormatError => "its structure is broken or it is not a PDF",
            PdfiumInternalError::FileError => "the file could not be read",
            PdfiumInternalError::PasswordError => "it needs a password",
            PdfiumInternalError::SecurityError => "its security settings forbid reading it",
            PdfiumInternalError::PageError => "a page could not be loaded",
            _ => "pdfium reported an unknown error",
        }
        .to_string(),
        other => format!("{other:?}"),
    }
}

/// What layout needs of one page.
fn read_page(page: &raw::Page<'_>, number: u32) -> PageInput {
    let rotation = page.rotation();
    let (width, height) = page.size();
    // Character boxes are in unrotated user space; the crop box (else the
    // media box) is the visible area they are measured against.
    let area = page.area().unwrap_or(match rotation {
        Rotation::R90 | Rotation::R270 => BBox {
            left: 0.0,
            top: width,
            right: height,
            bottom: 0.0,
        },
        _ => BBox {
            left: 0.0,
            top: height,
            right: width,
            bottom: 0.0,
        },
    });
    let chars = page.chars();
    // Pages without text are OCRed: their drawn lines are not needed, and
    // their image is the page, not a figure on it.
    let (rules, images) = if chars.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        page.graphics(&area, rotation)
    };
    PageInput {
        number,
        width,
        height,
        area,
        rotation,
        chars,
        rules,
        images,
    }
}
