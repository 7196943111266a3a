//! Extractors: the list, one extractor's schema and versions, and "try it":
//! upload a file and run the extractor (a chosen version) on it, landing on
//! the new run's page.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use quarry_model::requests::{CreateExtractRun, FileInput, ProcessorRef};
use quarry_store::{PageRequest, ProcessorKind, VersionRecord};

const EXTRACTOR: ProcessorKind = ProcessorKind::Extractor;
use serde::Deserialize;

use super::html::{Page, error_page, esc};
use super::session::Viewer;
use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::ingest::store_file;
use crate::routes::files::multipart_error;
use crate::runs::submit;
use crate::state::AppState;

/// Extractors (and versions) listed on one page.
const LISTED: u32 = 200;

fn first_page() -> PageRequest {
    PageRequest::first(Default::default(), Default::default(), LISTED)
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Response {
    let page = match state
        .store
        .list_processors(EXTRACTOR, &viewer.workspace_id, &first_page())
        .await
    {
        Ok(page) => page,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut rows = String::new();
    for e in &page.items {
        rows.push_str(&format!(
            r#"<tr><td><a href="/dashboard/extractors/{id}">{name}</a></td><td><code>{id}</code></td>
<td><time>{created}</time></td><td><time>{updated}</time></td>
<td><a href="/dashboard/runs?extractorId={id}">runs</a></td></tr>"#,
            id = esc(&e.id),
            name = esc(&e.name),
            created = quarry_model::time::rfc3339(e.created_at),
            updated = quarry_model::time::rfc3339(e.updated_at),
        ));
    }
    if rows.is_empty() {
        rows = r#"<tr><td colspan="5" class="empty">No extractors yet (<code>POST /extractors</code> creates one).</td></tr>"#.into();
    }
    let more = if page.next_page_token.is_some() {
        format!(r#"<p class="note">Showing the first {LISTED} extractors.</p>"#)
    } else {
        String::new()
    };
    Page::new(
        "Extractors",
        format!(
            r#"<h1>Extractors</h1><table id="extractors"><thead><tr><th>Name</th><th>Id</th>
<th>Created</th><th>Updated</th><th></th></tr></thead><tbody>{rows}</tbody></table>{more}"#
        ),
    )
    .render(Some(&viewer))
}

#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Response {
    match render(
        &state,
        &viewer,
        &id,
        q.version.as_deref().unwrap_or("draft"),
    )
    .await
    {
        Ok(Some((title, body))) => Page::new(title, body).render(Some(&viewer)),
        Ok(None) => error_page(
            &viewer,
            StatusCode::NOT_FOUND,
            &format!("Extractor `{id}` or that version was not found."),
        ),
        Err(e) => e.into_response(),
    }
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    selector: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let ws = viewer.workspace_id.as_str();
    let Some(extractor) = state.store.get_processor(EXTRACTOR, ws, id).await? else {
        return Ok(None);
    };
    let Some(shown) = state.store.get_version(EXTRACTOR, ws, id, selector).await? else {
        return Ok(None);
    };
    let versions = state
        .store
        .list_versions(EXTRACTOR, ws, id, &first_page())
        .await?
        .items;
    let eid = esc(&extractor.id);
    let rows: String = versions
        .iter()
        .map(|v| {
            let current = if v.id == shown.id { r#" class="current""# } else { "" };
            format!(
                r#"<tr{current}><td><a href="/dashboard/extractors/{eid}?version={vid}">{version}</a></td>
<td>{desc}</td><td><time>{created}</time></td></tr>"#,
                vid = esc(&v.id),
                version = esc(&v.version),
                desc = esc(v.description.as_deref().unwrap_or("")),
                created = quarry_model::time::rfc3339(v.created_at),
            )
        })
        .collect();
    let options: String = versions
        .iter()
        .map(|v| {
            let sel = if v.id == shown.id { " selected" } else { "" };
            format!(
                r#"<option value="{}"{sel}>{}</option>"#,
                esc(&v.version),
                esc(&v.version)
            )
        })
        .collect();
    let schema = pretty(&shown);
    let body = format!(
        r#"<h1>{name}</h1><dl class="facts"><dt>Extractor</dt><dd><code>{eid}</code></dd>
<dt>Runs</dt><dd><a href="/dashboard/runs?extractorId={eid}">all runs of this extractor</a></dd></dl>
<div class="two-col"><section><h2>Version {version} config</h2><pre id="schema">{schema}</pre></section>
<section><h2>Versions</h2><table id="versions"><thead><tr><th>Version</th><th>Description</th><th>Created</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>Try it</h2><form method="post" action="/dashboard/extractors/{eid}/try" enctype="multipart/form-data" id="try-form">
<input type="hidden" name="_csrf" value="{csrf}">
<label>Version <select name="version">{options}</select></label>
<label>Document <input type="file" name="file" required></label>
<button type="submit">Run extractor</button></form></section></div>"#,
        name = esc(&extractor.name),
        version = esc(&shown.version),
        csrf = esc(&viewer.csrf),
    );
    Ok(Some((extractor.name, body)))
}

fn pretty(v: &VersionRecord) -> String {
    esc(&serde_json::to_string_pretty(&v.config).unwrap_or_default())
}

/// `POST /dashboard/extractors/{id}/try`: stores the uploaded file, creates
/// a run of the chosen version on it, and opens the run's page.
pub async fn try_file(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let (mut csrf, mut version, mut upload) = (None, None, None);
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("_csrf") => csrf = Some(field.text().await.map_err(multipart_error)?),
            Some("version") => version = Some(field.text().await.map_err(multipart_error)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                upload = Some((name, field.bytes().await.map_err(multipart_error)?));
            }
            _ => {}
        }
    }
    viewer.check_csrf(&headers, csrf.as_deref())?;
    let (name, bytes) =
        upload.ok_or_else(|| ApiError::bad_request("Choose a document to upload"))?;
    let caller = Caller {
        workspace_id: viewer.workspace_id.clone(),
        key_id: viewer.key_id.clone(),
        key_name: viewer.key_name.clone(),
    };
    let file = store_file(&state, &caller.workspace_id, &name, &bytes).await?;
    let req = CreateExtractRun {
        extractor: Some(ProcessorRef {
            id,
            version: version.filter(|v| !v.is_empty()),
            override_config: None,
        }),
        file: Some(FileInput {
            id: Some(file.id),
            ..Default::default()
        }),
        ..Default::default()
    };
    let run = submit(&state, &caller, req).await?;
    Ok(Redirect::to(&format!("/dashboard/runs/{}", run.id)).into_response())
}
