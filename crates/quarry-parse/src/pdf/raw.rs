//! The text layer read through pdfium's C API directly (pdfium-render's
//! `bindings()`), for the hot path of parsing. pdfium-render wraps every
//! character, page object and path segment in an object of its own, and
//! looks up page labels and caches page indices on every page load. On
//! the corpus that bookkeeping cost about a fifth as much as Quarry's own
//! layout (docs/benchmarks.md). The handles here are closed by `Drop`, in
//! the order pdfium needs (text page, page, document).
//!
//! Everything is read exactly as pdfium-render would read it (same calls,
//! same `f32` arithmetic, same box normalisation), so words and boxes do
//! not change.

use std::os::raw::{c_int, c_ulong};

use pdfium_render::prelude::{
    FPDF_ATTACHMENT, FPDF_DOCUMENT, FPDF_PAGE, FPDF_PAGEOBJ_IMAGE, FPDF_PAGEOBJ_PATH,
    FPDF_PAGEOBJECT, FPDF_TEXTPAGE, FS_MATRIX, FS_RECTF, PdfiumLibraryBindings,
};

use super::reading::{self, Glyph, Rotation};
use crate::einvoice::EmbeddedFile;
use crate::tables::Rule;
use crate::{BBox, ParseError};

/// Most embedded files read from one document, and the largest one kept:
/// an e-invoice's XML is tens of kilobytes, and a hostile file may list
/// thousands of attachments or a huge one.
const MAX_EMBEDDED_FILES: usize = 16;
const MAX_EMBEDDED_BYTES: usize = 8 << 20;

// pdfium's error codes (fpdfview.h) and path segment types (fpdf_edit.h);
// pdfium-render does not re-export them.
const FPDF_ERR_FILE: u32 = 2;
const FPDF_ERR_FORMAT: u32 = 3;
const FPDF_ERR_PASSWORD: u32 = 4;
const FPDF_ERR_SECURITY: u32 = 5;
const FPDF_ERR_PAGE: u32 = 6;
const FPDF_SEGMENT_LINETO: c_int = 0;
const FPDF_SEGMENT_MOVETO: c_int = 2;

/// What pdfium's last error code means, in one line a user can read.
pub(super) fn describe_code(code: u32) -> &'static str {
    match code {
        FPDF_ERR_FORMAT => "its structure is broken or it is not a PDF",
        FPDF_ERR_FILE => "the file could not be read",
        FPDF_ERR_PASSWORD => "it needs a password",
        FPDF_ERR_SECURITY => "its security settings forbid reading it",
        FPDF_ERR_PAGE => "a page could not be loaded",
        _ => "pdfium reported an unknown error",
    }
}

/// An open document; closed on drop.
pub(super) struct Document<'a> {
    api: &'a dyn PdfiumLibraryBindings,
    bytes: &'a [u8],
    /// Null after [`Document::close`] and after a failed [`Document::reopen`].
    handle: FPDF_DOCUMENT,
}

impl<'a> Document<'a> {
    /// Opens `bytes` with an empty user password (which opens owner-only
    /// encrypted files; a real user password fails).
    pub(super) fn open(
        api: &'a dyn PdfiumLibraryBindings,
        bytes: &'a [u8],
    ) -> Result<Self, ParseError> {
        let handle = load(api, bytes)?;
        Ok(Document { api, bytes, handle })
    }

    /// Closes the document, releasing everything pdfium cached for it, and
    /// opens it again.
    pub(super) fn reopen(&mut self) -> Result<(), ParseError> {
        self.close();
        self.handle = load(self.api, self.bytes)?;
        Ok(())
    }

    /// Closes the document early, releasing pdfium's objects; later
    /// calls find no pages.
    pub(super) fn close(&mut self) {
        if !self.handle.is_null() {
            // SAFETY: pages borrow the document, so none is open; the
            // handle is nulled so that it is never closed twice.
            unsafe { self.api.FPDF_CloseDocument(self.handle) };
            self.handle = std::ptr::null_mut();
        }
    }

    pub(super) fn page_count(&self) -> usize {
        // SAFETY: the handle is open until drop.
        usize::try_from(unsafe { self.api.FPDF_GetPageCount(self.handle) }).unwrap_or(0)
    }

    /// The document's embedded files that are UTF-8 text, at most
    /// [`MAX_EMBEDDED_FILES`] of at most [`MAX_EMBEDDED_BYTES`] each; binary
    /// or unreadable ones are skipped, never an error.
    pub(super) fn embedded_files(&self) -> Vec<EmbeddedFile> {
        if self.handle.is_null() {
            return Vec::new();
        }
        // SAFETY: the document is open.
        let count = unsafe { self.api.FPDFDoc_GetAttachmentCount(self.handle) }.max(0);
        (0..count)
            .take(MAX_EMBEDDED_FILES)
            .filter_map(|index| {
                // SAFETY: the index is below the count; null when pdfium cannot load it.
                let attachment = unsafe { self.api.FPDFDoc_GetAttachment(self.handle, index) };
                if attachment.is_null() {
                    return None;
                }
                let bytes = self.attachment_bytes(attachment)?;
                let text = String::from_utf8(bytes).ok()?;
                Some(EmbeddedFile {
                    name: self.attachment_name(attachment),
                    text,
                })
            })
            .collect()
    }

    /// The attachment's contents, `None` when it is empty, unreadable or
    /// larger than [`MAX_EMBEDDED_BYTES`].
    fn attachment_bytes(&self, attachment: FPDF_ATTACHMENT) -> Option<Vec<u8>> {
        let mut len: c_ulong = 0;
        // SAFETY: a null buffer asks for the length only.
        let ok = unsafe {
            self.api
                .FPDFAttachment_GetFile(attachment, std::ptr::null_mut(), 0, &mut len)
        };
        let size = usize::try_from(len).ok()?;
        if ok == 0 || size == 0 || size > MAX_EMBEDDED_BYTES {
            return None;
        }
        let mut buffer = vec![0u8; size];
        // SAFETY: the buffer holds `len` bytes, as pdfium asked for.
        let ok = unsafe {
            self.api
                .FPDFAttachment_GetFile(attachment, buffer.as_mut_ptr().cast(), len, &mut len)
        };
        (ok != 0 && usize::try_from(len).ok() == Some(size)).then_some(buffer)
    }

    /// The attachment's name (UTF-16LE in pdfium), empty when it has none.
    fn attachment_name(&self, attachment: FPDF_ATTACHMENT) -> String {
        // SAFETY: a null buffer asks for the byte length, terminator included.
        let len = unsafe {
            self.api
                .FPDFAttachment_GetName(attachment, std::ptr::null_mut(), 0)
        };
        let Ok(bytes) = usize::try_from(len) else {
            return String::new();
        };
        if !(2..=64 * 1024).contains(&bytes) {
            return String::new();
        }
        let mut units = vec![0u16; bytes / 2];
        // SAFETY: the buffer holds `len` bytes.
        unsafe {
            self.api
                .FPDFAttachment_GetName(attachment, units.as_mut_ptr(), len)
        };
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        String::from_utf16_lossy(&units[..end])
    }

    /// Loads page `index` (0-based); `None` when pdfium cannot, or the
    /// document is closed.
    pub(super) fn page(&self, index: usize) -> Option<Page<'_>> {
        let index = c_int::try_from(index).ok()?;
        if self.handle.is_null() {
            return None;
        }
        // SAFETY: the document is open; a bad index returns null.
        let handle = unsafe { self.api.FPDF_LoadPage(self.handle, index) };
        (!handle.is_null()).then_some(Page {
            api: self.api,
            handle,
            _doc: std::marker::PhantomData,
        })
    }
}

impl Drop for Document<'_> {
    fn drop(&mut self) {
        if !self.handle.is_null() {
            // SAFETY: every page borrows the document, so all are closed.
            unsafe { self.api.FPDF_CloseDocument(self.handle) }
        }
    }
}

/// Loads `bytes` into pdfium, mapping its error code.
fn load<'a>(
    api: &'a dyn PdfiumLibraryBindings,
    bytes: &'a [u8],
) -> Result<FPDF_DOCUMENT, ParseError> {
    // SAFETY: the caller keeps `bytes` alive as long as the document.
    let handle = unsafe { api.FPDF_LoadMemDocument64(bytes, None) };
    if !handle.is_null() {
        return Ok(handle);
    }
    // SAFETY: no other pdfium call since the failed load.
    let code = unsafe { api.FPDF_GetLastError() } as u32;
    Err(match code {
        FPDF_ERR_PASSWORD | FPDF_ERR_SECURITY => ParseError::PasswordProtected,
        other => ParseError::Corrupt(format!(
            "pdfium could not open it: {}",
            describe_code(other)
        )),
    })
}

/// A loaded page; closed on drop, before its document.
pub(super) struct Page<'d> {
    api: &'d dyn PdfiumLibraryBindings,
    handle: FPDF_PAGE,
    _doc: std::marker::PhantomData<&'d ()>,
}

/// A page's text layer; closed on drop, before its page.
struct TextPage<'p> {
    api: &'p dyn PdfiumLibraryBindings,
    handle: FPDF_TEXTPAGE,
}

impl Drop for TextPage<'_> {
    fn drop(&mut self) {
        // SAFETY: opened by FPDFText_LoadPage and closed once.
        unsafe { self.api.FPDFText_ClosePage(self.handle) }
    }
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        // SAFETY: every text page borrows the page, so all are closed.
        unsafe { self.api.FPDF_ClosePage(self.handle) }
    }
}

impl Page<'_> {
    pub(super) fn rotation(&self) -> Rotation {
        // SAFETY: the page is open.
        match unsafe { self.api.FPDFPage_GetRotation(self.handle) } {
            1 => Rotation::R90,
            2 => Rotation::R180,
            3 => Rotation::R270,
            _ => Rotation::R0,
        }
    }

    /// Width and height in points, in display orientation.
    pub(super) fn size(&self) -> (f64, f64) {
        // SAFETY: the page is open.
        unsafe {
            (
                self.api.FPDF_GetPageWidthF(self.handle) as f64,
                self.api.FPDF_GetPageHeightF(self.handle) as f64,
            )
        }
    }

    /// The crop box, else the media box, in user space; `None` when the
    /// page has neither.
    pub(super) fn area(&self) -> Option<BBox> {
        self.boundary(true).or_else(|| self.boundary(false))
    }

    /// The crop box (`crop`) or the media box, if the page defines it.
    fn boundary(&self, crop: bool) -> Option<BBox> {
        let (mut l, mut b, mut r, mut t) = (0f32, 0f32, 0f32, 0f32);
        let (api, page) = (self.api, self.handle);
        // SAFETY: the page is open and the pointers are to locals.
        let found = unsafe {
            if crop {
                api.FPDFPage_GetCropBox(page, &mut l, &mut b, &mut r, &mut t)
            } else {
                api.FPDFPage_GetMediaBox(page, &mut l, &mut b, &mut r, &mut t)
            }
        };
        api.is_true(found).then(|| user_box(l, b, r, t))
    }

    /// Every character with a Unicode value and a box, as pdfium gives
    /// them; empty when the page has no text layer.
    pub(super) fn chars(&self) -> Vec<CharBox> {
        // SAFETY: the page is open; a page pdfium cannot read returns null.
        let handle = unsafe { self.api.FPDFText_LoadPage(self.handle) };
        if handle.is_null() {
            return Vec::new();
        }
        let text = TextPage {
            api: self.api,
            handle,
        };
        let api = self.api;
        // SAFETY (all calls below): the text page is open until `text`
        // drops and every index is below its character count.
        let count = unsafe { api.FPDFText_CountChars(text.handle) }.max(0);
        let mut glyphs = Vec::with_capacity(count as usize);
        for index in 0..count {
            let unicode = unsafe { api.FPDFText_GetUnicode(text.handle, index) };
            let Some(c) = char::from_u32(unicode) else {
                continue;
            };
            let mut r = FS_RECTF {
                left: 0.0,
                top: 0.0,
                right: 0.0,
                bottom: 0.0,
            };
            if !api.is_true(unsafe { api.FPDFText_GetLooseCharBox(text.handle, index, &mut r) }) {
                continue;
            }
            glyphs.push(CharBox { c, rect: r });
        }
        glyphs
    }

    /// The page's objects, as handles (no wrapper object per object).
    fn objects(&self) -> impl Iterator<Item = FPDF_PAGEOBJECT> + '_ {
        // SAFETY: the page is open; indices are below the object count.
        let count = unsafe { self.api.FPDFPage_CountObjects(self.handle) }.max(0);
        (0..count)
            .map(|i| unsafe { self.api.FPDFPage_GetObject(self.handle, i) })
            .take_while(|o| !o.is_null())
    }

    /// What the page draws besides text, in display coordinates, in one
    /// walk over its objects: the straight segments of its paths (table
    /// rules, cell borders and backgrounds; curves only move the pen, a
    /// closed sub-path contributes its closing edge) and the boxes of its
    /// images (figures).
    pub(super) fn graphics(&self, area: &BBox, rotation: Rotation) -> (Vec<Rule>, Vec<BBox>) {
        let api = self.api;
        let point = |x: f32, y: f32| {
            let p = reading::to_display(
                &BBox {
                    left: x as f64,
                    top: y as f64,
                    right: x as f64,
                    bottom: y as f64,
                },
                area,
                rotation,
            );
            (p.left, p.top)
        };
        let mut out = Vec::new();
        let mut images = Vec::new();
        for object in self.objects() {
            // SAFETY (all calls below): `object` belongs to the open page;
            // segment handles are checked for null before use.
            let kind = unsafe { api.FPDFPageObj_GetType(object) } as u32;
            if kind == FPDF_PAGEOBJ_IMAGE {
                let (mut left, mut bottom, mut right, mut top) = (0f32, 0f32, 0f32, 0f32);
                let found = api.is_true(unsafe {
                    api.FPDFPageObj_GetBounds(object, &mut left, &mut bottom, &mut right, &mut top)
                });
                if found {
                    let user = user_box(left, bottom, right, top);
                    images.push(reading::to_display(&user, area, rotation));
                }
                continue;
            }
            if kind != FPDF_PAGEOBJ_PATH {
                continue;
            }
            let mut m = FS_MATRIX {
                a: 0.0,
                b: 0.0,
                c: 0.0,
                d: 0.0,
                e: 0.0,
                f: 0.0,
            };
            if !api.is_true(unsafe { api.FPDFPageObj_GetMatrix(object, &mut m) }) {
                continue;
            }
            let (mut pen, mut start) = ((0.0, 0.0), (0.0, 0.0));
            for index in 0.. {
                let segment = unsafe { api.FPDFPath_GetPathSegment(object, index) };
                if segment.is_null() {
                    break;
                }
                let (mut x, mut y) = (0f32, 0f32);
                let found =
                    api.is_true(unsafe { api.FPDFPathSegment_GetPoint(segment, &mut x, &mut y) });
                // As pdfium-render's `PdfMatrix::apply_to_points`, in f32.
                let (x, y) = if found {
                    (m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f)
                } else {
                    (0.0, 0.0)
                };
                let here = point(x, y);
                match unsafe { api.FPDFPathSegment_GetType(segment) } {
                    FPDF_SEGMENT_MOVETO => start = here,
                    FPDF_SEGMENT_LINETO => out.push(rule(pen, here)),
                    _ => {}
                }
                pen = here;
                if api.is_true(unsafe { api.FPDFPathSegment_GetClose(segment) }) {
                    out.push(rule(pen, start));
                    pen = start;
                }
            }
        }
        (out, images)
    }
}

/// A character and its loose box in user space, as pdfium reports it. The
/// box is turned into display space by [`CharBox::glyph`] on the layout
/// thread, which keeps that arithmetic off the thread holding pdfium.
#[derive(Debug, Clone, Copy)]
pub(super) struct CharBox {
    pub c: char,
    pub rect: FS_RECTF,
}

impl CharBox {
    /// The glyph in display coordinates of a page whose visible `area` is
    /// rotated by `rotation`.
    pub(super) fn glyph(&self, area: &BBox, rotation: Rotation) -> Glyph {
        let r = &self.rect;
        let user = user_box(r.left, r.bottom, r.right, r.top);
        Glyph {
            c: self.c,
            bbox: reading::to_display(&user, area, rotation),
        }
    }
}

/// A box from pdfium's (left, bottom, right, top), normalised so that
/// `left <= right` and `bottom <= top` as pdfium-render's `PdfRect` does
/// (`top` is the larger y in user space).
fn user_box(left: f32, bottom: f32, right: f32, top: f32) -> BBox {
    let (bottom, top) = if bottom > top {
        (top, bottom)
    } else {
        (bottom, top)
    };
    let (left, right) = if left > right {
        (right, left)
    } else {
        (left, right)
    };
    BBox {
        left: left as f64,
        top: top as f64,
        right: right as f64,
        bottom: bottom as f64,
    }
}

fn rule(a: (f64, f64), b: (f64, f64)) -> Rule {
    Rule {
        x0: a.0,
        y0: a.1,
        x1: b.0,
        y1: b.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_boxes_are_normalised_like_pdfium_render_rects() {
        let b = user_box(20.0, 30.0, 10.0, 5.0);
        assert_eq!((b.left, b.top, b.right, b.bottom), (10.0, 30.0, 20.0, 5.0));
        let b = user_box(1.0, 2.0, 3.0, 4.0);
        assert_eq!((b.left, b.top, b.right, b.bottom), (1.0, 4.0, 3.0, 2.0));
    }

    #[test]
    fn error_codes_read_as_one_line() {
        assert_eq!(describe_code(FPDF_ERR_PASSWORD), "it needs a password");
        assert_eq!(describe_code(0), "pdfium reported an unknown error");
    }
}
