//! The document beside the extracted fields, page by page, in the page
//! coordinates citations use (`data-width`/`data-height` on each page let
//! the script scale citation polygons onto it):
//!
//! * PDFs: each page rasterised by pdfium ([`quarry_parse::render_page_png`],
//!   served by [`page_image`]);
//! * images (scans, photos): the stored bytes as they are;
//! * spreadsheets: each sheet's cells drawn as a grid at their boxes;
//! * other formats (text, DOCX, PPTX, HTML, CSV): the parsed lines at their
//!   boxes, so citations land on the text they cite.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use quarry_parse::{BBox, Document, FileKind, Page as DocPage};
use quarry_store::FileRecord;

use super::html::esc;
use super::session::Viewer;
use crate::error::ApiError;
use crate::state::AppState;

/// Resolution pages are rasterised at for display.
const DISPLAY_DPI: f64 = 110.0;
/// CSS pixels per page unit (points) for pages drawn as HTML: 96/72.
const HTML_SCALE: f64 = 96.0 / 72.0;
/// Pages shown on one run page; longer documents say how many are left out.
const MAX_PAGES_SHOWN: usize = 100;

/// The stored bytes of `file` and their detected kind.
async fn file_bytes(state: &AppState, file: &FileRecord) -> Result<(Vec<u8>, FileKind), ApiError> {
    let bytes =
        state.blobs.get(&file.sha256).await?.ok_or_else(|| {
            ApiError::NotFound(format!("the bytes of file `{}` are gone", file.id))
        })?;
    let kind = quarry_parse::detect_kind(&bytes, &file.name);
    Ok((bytes, kind))
}

/// The HTML of the document's pages for the run page of `run_id`.
pub async fn pages_html(
    state: &AppState,
    run_id: &str,
    file: &FileRecord,
) -> Result<String, ApiError> {
    let (bytes, kind) = file_bytes(state, file).await?;
    let limits = state.config.parse_limits.clone();
    let img = |n: usize, w: f64, h: f64| {
        // Known sizes reserve the image's box before it loads, so
        // highlights and scrolling are right on lazily loaded pages.
        let (size, pixels) = if w > 0.0 {
            let px = |v: f64| (v * DISPLAY_DPI / 72.0).round();
            (
                format!(r#" data-width="{w}" data-height="{h}""#),
                format!(r#" width="{}" height="{}""#, px(w), px(h)),
            )
        } else {
            (String::new(), String::new())
        };
        format!(
            r#"<div class="page" data-page="{n}"{size}><img src="/dashboard/runs/{id}/pages/{n}"{pixels} alt="page {n}" loading="lazy"><div class="hl-layer"></div></div>"#,
            id = esc(run_id)
        )
    };
    let name = file.name.clone();
    let html = match kind {
        FileKind::Image => img(1, 0.0, 0.0),
        FileKind::Pdf if quarry_parse::pdfium_available() => {
            let sizes = blocking(move || quarry_parse::page_sizes(&bytes, &limits))
                .await?
                .map_err(unreadable)?;
            let mut out: String = sizes
                .iter()
                .take(MAX_PAGES_SHOWN)
                .enumerate()
                .map(|(i, (w, h))| img(i + 1, *w, *h))
                .collect();
            out.push_str(&more_pages(sizes.len()));
            out
        }
        _ => {
            let doc = blocking(move || quarry_parse::parse(&bytes, &name, &limits))
                .await?
                .map_err(unreadable)?;
            drawn_pages(&doc)
        }
    };
    Ok(html)
}

/// Runs a pdfium or parse call on the blocking pool (they hold a global
/// lock and may take a while), so page requests never stall the runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// A document that cannot be read is a message on the page, not a 500.
fn unreadable(e: quarry_parse::ParseError) -> ApiError {
    ApiError::bad_request(format!("The document cannot be shown: {e}"))
}

fn more_pages(total: usize) -> String {
    if total > MAX_PAGES_SHOWN {
        format!(r#"<p class="note">Showing the first {MAX_PAGES_SHOWN} of {total} pages.</p>"#)
    } else {
        String::new()
    }
}

/// Pages drawn as HTML: table cells as a grid, other lines as text.
fn drawn_pages(doc: &Document) -> String {
    let mut out = String::new();
    for page in doc.pages.iter().take(MAX_PAGES_SHOWN) {
        out.push_str(&drawn_page(page));
    }
    out.push_str(&more_pages(doc.pages.len()));
    out
}

fn drawn_page(page: &DocPage) -> String {
    let s = HTML_SCALE;
    let mut items = String::new();
    let pos = |b: &BBox| {
        format!(
            "left:{:.1}px;top:{:.1}px;width:{:.1}px;height:{:.1}px",
            b.left * s,
            b.top * s,
            (b.right - b.left).max(0.0) * s,
            (b.bottom - b.top).max(0.0) * s
        )
    };
    for table in &page.tables {
        if let Some(name) = &table.name {
            items.push_str(&format!(r#"<div class="sheet-name">{}</div>"#, esc(name)));
        }
        for cell in &table.cells {
            let reference = cell
                .reference
                .as_deref()
                .map(|r| format!(r#" data-ref="{}""#, esc(r)))
                .unwrap_or_default();
            items.push_str(&format!(
                r#"<div class="cell"{reference} style="{}">{}</div>"#,
                pos(&cell.bbox),
                esc(&cell.text)
            ));
        }
    }
    let inside = |b: &BBox| {
        page.tables.iter().any(|t| {
            b.left >= t.bbox.left - 0.5
                && b.right <= t.bbox.right + 0.5
                && b.top >= t.bbox.top - 0.5
                && b.bottom <= t.bbox.bottom + 0.5
        })
    };
    for line in page.lines.iter().filter(|l| !inside(&l.bbox)) {
        let height = (line.bbox.bottom - line.bbox.top).max(1.0) * s;
        items.push_str(&format!(
            r#"<div class="ln" style="{};font-size:{:.1}px">{}</div>"#,
            pos(&line.bbox),
            height * 0.8,
            esc(&line.text)
        ));
    }
    format!(
        r#"<div class="page drawn" data-page="{n}" data-width="{w}" data-height="{h}" style="width:{pw:.1}px;height:{ph:.1}px">{items}<div class="hl-layer"></div></div>"#,
        n = page.number,
        w = page.width,
        h = page.height,
        pw = page.width * s,
        ph = page.height * s,
    )
}

/// `GET /dashboard/runs/{id}/pages/{n}`: page `n` (1-based) of the run's
/// document as an image: a rasterised PDF page, or an image file as stored.
pub async fn page_image(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, ApiError> {
    let ws = viewer.workspace_id.as_str();
    let run = state
        .store
        .extract_runs()
        .get(ws, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("extract run", &id))?;
    let file = match &run.file_id {
        Some(file_id) => state.store.get_file(ws, file_id).await?,
        None => None,
    }
    .ok_or_else(|| ApiError::NotFound(format!("extract run `{id}` has no file")))?;
    let (bytes, kind) = file_bytes(&state, &file).await?;
    let no_page = || ApiError::NotFound(format!("the document has no page {n}"));
    let (content_type, body) = match kind {
        FileKind::Image if n == 1 => (file.mime.clone(), bytes),
        FileKind::Pdf if n >= 1 => {
            let limits = state.config.parse_limits.clone();
            let png = blocking(move || {
                quarry_parse::render_page_png(&bytes, n - 1, DISPLAY_DPI, &limits)
            })
            .await?
            .map_err(|_| no_page())?;
            ("image/png".to_string(), png)
        }
        _ => return Err(no_page()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        body,
    )
        .into_response())
}
