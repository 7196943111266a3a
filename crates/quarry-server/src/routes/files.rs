//! `/files`: multipart upload, get, list, delete, and content download.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::Response;
use quarry_model::resources::{Deleted, FileObject, ListResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::ApiQuery;
use crate::ingest::store_file_as;
use crate::routes::paging::PageQuery;
use crate::state::AppState;
use crate::views::file_view;

/// A multipart decoding failure as an API error (413 when over the limit).
/// The multipart form of `POST /files/upload`, for the OpenAPI document
/// only: the handler streams the parts instead of decoding this struct.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The document; its part's filename becomes the file's name.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The password that opens a protected PDF; kept with the file and
    /// used whenever a run reads it.
    password: Option<String>,
}

pub(crate) fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(e.body_text())
    } else {
        ApiError::bad_request(format!("Invalid multipart body: {}", e.body_text()))
    }
}

#[utoipa::path(
    post, path = "/files/upload", tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, description = "The stored file", body = FileObject)),
)]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut form: Multipart,
) -> Result<Json<FileObject>, ApiError> {
    let bad = multipart_error;
    let (mut document, mut password) = (None, None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                document = Some((name, field.bytes().await.map_err(bad)?));
            }
            Some("password") => password = Some(field.text().await.map_err(bad)?),
            _ => {}
        }
    }
    let Some((name, bytes)) = document else {
        return Err(ApiError::bad_request(
            "multipart body has no `file` part; send the document in a part named `file`",
        ));
    };
    let ws = caller.workspace_id.as_str();
    let file = store_file_as(&state, ws, &name, &bytes, None, password).await?;
    Ok(Json(file_view(&file)))
}

#[utoipa::path(
    get, path = "/files/{id}", tag = "files",
    params(("id" = String, Path, description = "File id (`file_…`)")),
    responses((status = 200, description = "The file", body = FileObject)),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<FileObject>, ApiError> {
    let file = state
        .store
        .get_file(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("file", &id))?;
    Ok(Json(file_view(&file)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    name_contains: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    page: PageQuery,
}

#[utoipa::path(
    get, path = "/files", tag = "files",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "One page of files", body = ListResponse<FileObject>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<FileObject>>, ApiError> {
    let page = q.page.request()?;
    let files = state
        .store
        .list_files(&caller.workspace_id, q.name_contains.as_deref(), &page)
        .await?;
    Ok(Json(ListResponse::new(
        files.items.iter().map(file_view).collect(),
        files.next_page_token,
    )))
}

#[utoipa::path(
    delete, path = "/files/{id}", tag = "files",
    params(("id" = String, Path, description = "File id (`file_…`)")),
    responses((status = 200, description = "The file was deleted", body = Deleted)),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    let file = state
        .store
        .delete_file(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("file", &id))?;
    // Bytes are shared by content hash: drop them only when no file uses them.
    if !state.store.blob_referenced(&file.sha256).await? {
        state.blobs.delete(&file.sha256).await?;
    }
    Ok(Json(Deleted { id }))
}

/// The stored bytes with the file's MIME type.
#[utoipa::path(
    get, path = "/files/{id}/content", tag = "files",
    params(("id" = String, Path, description = "File id (`file_…`)")),
    responses((status = 200, description = "The stored bytes, with the file's MIME type", content_type = "*/*", body = serde_json::Value)),
)]
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let file = state
        .store
        .get_file(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("file", &id))?;
    let bytes = state
        .blobs
        .get(&file.sha256)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("blob of file {id} is missing")))?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file.name.replace(['"', '\\'], "_")
    );
    Response::builder()
        .header(header::CONTENT_TYPE, file.mime)
        .header(header::CONTENT_DISPOSITION, disposition)
        .body(Body::from(bytes))
        .map_err(|e| ApiError::Internal(e.to_string()))
}
