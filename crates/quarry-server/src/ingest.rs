//! Turning client-supplied documents into stored files: uploads, raw text
//! and references by id. Bytes go to the blob store first (content-addressed,
//! idempotent), then the file row, so a row never points at missing bytes.

use quarry_model::ids::{FILE, new_id};
use quarry_model::requests::{FileInput, FileSource};
use quarry_model::time::now_ms;
use quarry_parse::detect_kind;
use quarry_store::{FileRecord, Secret};

use crate::error::ApiError;
use crate::net::fetch::{check_url, name_from_url};
use crate::state::AppState;

/// Longest file name kept (longer names are truncated on a char boundary).
const MAX_NAME_CHARS: usize = 255;

/// Stores `bytes` as a new file named `name` in workspace `ws`.
pub async fn store_file(
    state: &AppState,
    ws: &str,
    name: &str,
    bytes: &[u8],
) -> Result<FileRecord, ApiError> {
    store_file_as(state, ws, name, bytes, None, None).await
}

/// A file a run cut from another: its id is fixed by the run (so a run
/// that is retried stores it once), and it names its parent and the split
/// it holds.
pub struct Derived {
    pub id: String,
    pub parent_file_id: String,
    pub parent_split: serde_json::Value,
}

/// [`store_file`], for a file a run derived when `derived` is given, and
/// with the `password` that opens it (a protected PDF).
pub async fn store_file_as(
    state: &AppState,
    ws: &str,
    name: &str,
    bytes: &[u8],
    derived: Option<Derived>,
    password: Option<String>,
) -> Result<FileRecord, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad_request("The file is empty"));
    }
    let name = clean_name(name);
    let kind = detect_kind(bytes, &name);
    let sha256 = state.blobs.put(bytes).await?;
    let now = now_ms();
    let (id, parent_file_id, parent_split) = match derived {
        Some(d) => (d.id, Some(d.parent_file_id), Some(d.parent_split)),
        None => (new_id(FILE), None, None),
    };
    let file = FileRecord {
        id,
        workspace_id: ws.to_string(),
        name,
        file_type: kind.api_file_type().map(str::to_string),
        mime: kind.mime().to_string(),
        size_bytes: bytes.len() as i64,
        sha256,
        page_count: None,
        parent_file_id,
        parent_split,
        password: password.filter(|p| !p.is_empty()).map(Secret),
        created_at: now,
        updated_at: now,
    };
    state.store.insert_file(&file).await?;
    Ok(file)
}

/// The document a new run will process.
#[derive(Debug, Clone)]
pub enum RunFile {
    /// Already stored (upload, raw text, or a file id).
    Stored(Box<FileRecord>),
    /// To be downloaded by the worker, which fails the run if it cannot.
    Remote {
        url: String,
        name: String,
        /// `settings.password`: what the downloaded file opens with.
        password: Option<String>,
    },
}

/// Resolves a run's `file` input. `field` names the input in error messages
/// (e.g. `inputs[3].file`).
pub async fn resolve_file_input(
    state: &AppState,
    ws: &str,
    input: &FileInput,
    field: &str,
) -> Result<RunFile, ApiError> {
    let source = input
        .source()
        .map_err(|m| ApiError::bad_request(format!("{field}: {m}")))?;
    let file = match source {
        FileSource::Url(raw) => {
            let url =
                check_url(raw).map_err(|e| ApiError::bad_request(format!("{field}.url: {e}")))?;
            let name = input
                .name
                .clone()
                .or_else(|| name_from_url(&url))
                .map_or_else(|| "download".to_string(), |n| clean_name(&n));
            let password = input.settings.as_ref().and_then(|s| s.password.clone());
            return Ok(RunFile::Remote {
                url: url.to_string(),
                name,
                password,
            });
        }
        FileSource::Id(id) => state
            .store
            .get_file(ws, id)
            .await?
            .ok_or_else(|| ApiError::not_found("file", id))?,
        FileSource::Text(text) => {
            if text.trim().is_empty() {
                return Err(ApiError::bad_request(format!("{field}.text is empty")));
            }
            let name = input.name.as_deref().unwrap_or("text.txt");
            let name = if name.contains('.') {
                name.to_string()
            } else {
                format!("{name}.txt")
            };
            store_file(state, ws, &name, text.as_bytes()).await?
        }
    };
    Ok(RunFile::Stored(Box::new(file)))
}

fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let base: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    if base.is_empty() {
        "document".to_string()
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_lose_paths_and_control_chars() {
        assert_eq!(super::clean_name("../../etc/passwd"), "passwd");
        assert_eq!(super::clean_name("C:\\docs\\inv\u{0}.pdf"), "inv.pdf");
        assert_eq!(super::clean_name("  "), "document");
    }
}
