//! The runs list: the API's filters (`status`, `extractorId`, `batchId`,
//! `sourceId`, `source`, `fileNameContains`, `sortBy`, `sortDir`,
//! `maxPageSize`) and keyset paging (`nextPageToken`), read by the same
//! [`ListQuery`] as `GET /extract_runs`; and the small JSON endpoint the page
//! script polls for live status of unfinished runs.

use std::time::Instant;

use axum::Json;
use axum::extract::{Query, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use quarry_model::enums::{RUN_SOURCES, RunStatus};
use quarry_model::resources::ExtractRun;
use quarry_store::{PageRequest, ProcessorKind};
use serde::{Deserialize, Serialize};

use super::html::{Page, error_page, esc, status_badge};
use super::session::Viewer;
use crate::error::ApiError;
use crate::runs::ListQuery;
use crate::state::AppState;
use crate::views::RunViews;

/// Extractors offered in the filter's drop-down.
const EXTRACTOR_CHOICES: u32 = 200;

/// The query string without empty parameters (an empty form field means
/// "no filter") and, when `drop` is set, without that parameter.
fn clean_query(raw: &str, drop: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.as_bytes())
        .filter(|(k, v)| !v.trim().is_empty() && Some(k.as_ref()) != drop)
        .map(|(k, v)| (k.into_owned(), v.trim().to_string()))
        .collect()
}

fn encode(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Response {
    let started = Instant::now();
    let raw = raw.unwrap_or_default();
    let pairs = clean_query(&raw, None);
    let parsed = format!("/?{}", encode(&pairs))
        .parse::<Uri>()
        .ok()
        .and_then(|uri| Query::<ListQuery>::try_from_uri(&uri).ok());
    let Some(Query(query)) = parsed else {
        return error_page(
            &viewer,
            StatusCode::BAD_REQUEST,
            "These filters are not valid.",
        );
    };
    match render_list(&state, &viewer, &query, &pairs).await {
        Ok(body) => {
            let mut page = Page::new("Runs", body);
            page.server_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
            page.render(Some(&viewer))
        }
        Err(ApiError::BadRequest(msg)) => error_page(&viewer, StatusCode::BAD_REQUEST, &msg),
        Err(e) => e.into_response(),
    }
}

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    query: &ListQuery,
    pairs: &[(String, String)],
) -> Result<String, ApiError> {
    let ws = viewer.workspace_id.as_str();
    let list = query.fetch(state, ws).await?;
    let mut views = RunViews::new(state);
    let mut rows = String::new();
    for record in &list.items {
        let run = views.view(record, false).await?;
        rows.push_str(&row(&run));
    }
    if rows.is_empty() {
        rows = r#"<tr><td colspan="7" class="empty">No runs match these filters.</td></tr>"#.into();
    }
    let extractors = state
        .store
        .list_processors(
            ProcessorKind::Extractor,
            ws,
            &PageRequest::first(Default::default(), Default::default(), EXTRACTOR_CHOICES),
        )
        .await?
        .items;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let select = |name: &str, label: &str, options: &[(String, String)]| {
        let mut s =
            format!(r#"<label>{label} <select name="{name}"><option value="">any</option>"#);
        for (v, text) in options {
            let sel = if value(name) == v { " selected" } else { "" };
            s.push_str(&format!(
                r#"<option value="{}"{sel}>{}</option>"#,
                esc(v),
                esc(text)
            ));
        }
        s.push_str("</select></label>");
        s
    };
    let pair = |v: &str| (v.to_string(), v.to_string());
    let statuses: Vec<_> = RunStatus::ALL.iter().map(|s| pair(s.as_str())).collect();
    let sources: Vec<_> = RUN_SOURCES.iter().map(|s| pair(s)).collect();
    let extractor_options: Vec<_> = extractors
        .iter()
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect();
    let text = |name: &str, label: &str| {
        format!(
            r#"<label>{label} <input type="text" name="{name}" value="{}"></label>"#,
            esc(value(name))
        )
    };
    let next = match &list.next_page_token {
        Some(token) => {
            let mut next = clean_query(&encode(pairs), Some("nextPageToken"));
            next.push(("nextPageToken".into(), token.clone()));
            format!(
                r#"<a class="button" id="next-page" href="/dashboard/runs?{}">Next page →</a>"#,
                esc(&encode(&next))
            )
        }
        None => String::new(),
    };
    let first = if value("nextPageToken").is_empty() {
        String::new()
    } else {
        let rest = clean_query(&encode(pairs), Some("nextPageToken"));
        format!(
            r#"<a class="button" href="/dashboard/runs?{}">← First page</a>"#,
            esc(&encode(&rest))
        )
    };
    Ok(format!(
        r#"<h1>Extract runs</h1>
<form class="filters" method="get" action="/dashboard/runs">
{status}{extractor}{file}{batch}{source_id}{source}
{sort_by}{sort_dir}
<label>Per page <input type="number" name="maxPageSize" min="1" max="1000" value="{size}"></label>
<button type="submit">Filter</button> <a href="/dashboard/runs">Reset</a></form>
<table class="runs" id="runs"><thead><tr><th>Run</th><th>Status</th><th>Extractor</th>
<th>File</th><th>Created</th><th>Updated</th><th>Review</th></tr></thead>
<tbody>{rows}</tbody></table>
<p class="pager">{first} {next}</p>"#,
        status = select("status", "Status", &statuses),
        extractor = select("extractorId", "Extractor", &extractor_options),
        file = text("fileNameContains", "File name"),
        batch = text("batchId", "Batch"),
        source_id = text("sourceId", "Source id"),
        source = select("source", "Source", &sources),
        sort_by = select("sortBy", "Sort by", &[pair("createdAt"), pair("updatedAt")]),
        sort_dir = select("sortDir", "Order", &[pair("desc"), pair("asc")]),
        size = esc(value("maxPageSize")),
    ))
}

fn row(run: &ExtractRun) -> String {
    let live = if run.status.is_terminal() {
        ""
    } else {
        " data-live"
    };
    let review = match (run.reviewed, run.edited) {
        (true, true) => r#"<span class="badge reviewed">edited</span>"#,
        (true, false) => r#"<span class="badge reviewed">reviewed</span>"#,
        _ => "",
    };
    format!(
        r#"<tr data-run="{id}"{live}><td><a href="/dashboard/runs/{id}">{id}</a></td><td>{status}</td>
<td>{extractor}</td><td>{file}</td><td><time>{created}</time></td><td><time>{updated}</time></td><td>{review}</td></tr>"#,
        id = esc(&run.id),
        status = status_badge(run.status.as_str()),
        extractor = run
            .extractor
            .as_ref()
            .map(|e| esc(&e.fields.name))
            .unwrap_or_else(|| "—".into()),
        file = run
            .file
            .as_ref()
            .map(|f| esc(&f.name))
            .unwrap_or_else(|| "—".into()),
        created = esc(&run.created_at),
        updated = esc(&run.updated_at),
    )
}

/// Most runs one poll may ask about.
const MAX_POLLED: usize = 100;

#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    /// Comma-separated run ids.
    ids: String,
}

#[derive(Debug, Serialize)]
pub struct RunStatusView {
    id: String,
    status: RunStatus,
    reviewed: bool,
    #[serde(rename = "updatedAt")]
    updated_at: String,
}

/// `GET /dashboard/runs/status?ids=a,b`: the current status of up to 100
/// runs of the viewer's workspace (unknown ids are left out).
pub async fn status(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Vec<RunStatusView>>, ApiError> {
    let mut out = Vec::new();
    for id in q
        .ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(MAX_POLLED)
    {
        if let Some(r) = state
            .store
            .extract_runs()
            .get(&viewer.workspace_id, id)
            .await?
        {
            out.push(RunStatusView {
                status: r.status,
                reviewed: r.reviewed,
                updated_at: quarry_model::time::rfc3339(r.updated_at),
                id: r.core.id,
            });
        }
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_are_dropped() {
        let q = clean_query(
            "status=&fileNameContains=inv&nextPageToken=abc",
            Some("nextPageToken"),
        );
        assert_eq!(q, vec![("fileNameContains".to_string(), "inv".to_string())]);
    }
}
