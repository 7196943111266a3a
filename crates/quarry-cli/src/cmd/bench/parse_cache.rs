//! Parsing a corpus file for a benchmark, through an on-disk cache of
//! parsed `Document`s so that re-runs skip parsing and OCR while an engine
//! is tuned. Shared by `bench accuracy` and `bench route`.

use std::path::Path;

use quarry_parse::{Document, Limits, paddle_available, parse, tessdata_dir};
use sha2::{Digest, Sha256};

/// Parses `bytes`, through the on-disk cache when one is given.
pub fn parsed(bytes: &[u8], path: &Path, cache: Option<&Path>) -> Result<Document, String> {
    let name = path.display().to_string();
    let Some(cache) = cache else {
        return parse(bytes, &name, &Limits::default()).map_err(|e| e.to_string());
    };
    let key = hex::encode(
        Sha256::new()
            .chain_update(bytes)
            .chain_update(ocr_model().as_bytes())
            .finalize(),
    );
    let file = cache.join(format!("{key}-{}.json", env!("CARGO_PKG_VERSION")));
    if let Some(doc) = std::fs::read(&file)
        .ok()
        .and_then(|b| serde_json::from_slice::<Document>(&b).ok())
    {
        return Ok(doc);
    }
    let doc = parse(bytes, &name, &Limits::default()).map_err(|e| e.to_string())?;
    if std::fs::create_dir_all(cache).is_ok()
        && let Ok(json) = serde_json::to_vec(&doc)
    {
        // A failed cache write only costs a re-parse next time.
        let _ = std::fs::write(&file, json);
    }
    Ok(doc)
}

/// Which OCR model parsing uses (PaddleOCR when it is installed, and the
/// tesseract model's path, size and modification time), so a cached parse
/// is not reused after the engine or model changes. Debian's own tesseract
/// model (no configured or installed directory) is named by an empty
/// string.
fn ocr_model() -> String {
    let engine = if paddle_available() { "paddle;" } else { "" };
    let Some(model) = tessdata_dir(&Limits::default()).map(|d| d.join("eng.traineddata")) else {
        return engine.to_string();
    };
    let meta = std::fs::metadata(&model).ok();
    let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
    let modified = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    format!("{engine}{}:{size}:{modified}", model.display())
}
