//! Classify and split: the classify runs with the type each run chose and
//! its confidence (filters `status` and `classifierId`, keyset paging as
//! the API's `GET /classify_runs`), the workspace's classifiers, and the
//! latest split runs with the documents each found.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quarry_model::enums::RunStatus;
use quarry_model::resources::{ClassifyRun, SplitRun};
use quarry_store::{ClassifyRunRecord, PageRequest, ProcessorKind, RunRecord, SplitRunRecord};
use serde::Deserialize;

use super::html::{Page, error_page, esc, status_badge};
use super::session::Viewer;
use crate::error::ApiError;
use crate::routes::paging::PageQuery;
use crate::run_family::{self, RunListQuery};
use crate::state::AppState;
use crate::views::RunViews;

/// Classifiers listed on the page (and offered in the filter).
const CLASSIFIERS_SHOWN: u32 = 200;

/// The page's query: the API's classify-run filters and paging.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifyQuery {
    classifier_id: Option<String>,
    #[serde(flatten)]
    filters: RunListQuery,
    #[serde(flatten)]
    page: PageQuery,
}

/// `GET /dashboard/classify`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Result<Query<ClassifyQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return error_page(
            &viewer,
            StatusCode::BAD_REQUEST,
            "These filters are not valid.",
        );
    };
    match render(&state, &viewer, &query).await {
        Ok(body) => Page::new("Classify and split", body).render(Some(&viewer)),
        Err(ApiError::BadRequest(msg)) => error_page(&viewer, StatusCode::BAD_REQUEST, &msg),
        Err(e) => e.into_response(),
    }
}

async fn render(state: &AppState, viewer: &Viewer, q: &ClassifyQuery) -> Result<String, ApiError> {
    let ws = viewer.workspace_id.as_str();
    let filter = q.filters.filter(q.classifier_id.clone())?;
    let list = run_family::page::<ClassifyRunRecord>(state, ws, &filter, &q.page).await?;
    let mut views = RunViews::new(state);
    let mut rows = String::new();
    for record in &list.items {
        // The list shows the chosen type, which only the full view has.
        rows.push_str(&row(&views.view(record, true).await?));
    }
    if rows.is_empty() {
        rows =
            r#"<tr><td colspan="7" class="empty">No classify runs match these filters.</td></tr>"#
                .into();
    }
    let first = PageRequest::first(Default::default(), Default::default(), CLASSIFIERS_SHOWN);
    let classifiers = state
        .store
        .list_processors(ProcessorKind::Classifier, ws, &first)
        .await?
        .items;
    let chosen = q.classifier_id.as_deref().unwrap_or("");
    let mut options = String::from(r#"<option value="">any</option>"#);
    let mut classifier_rows = String::new();
    for c in &classifiers {
        let (id, name) = (esc(&c.id), esc(&c.name));
        let sel = if c.id == chosen { " selected" } else { "" };
        options.push_str(&format!(r#"<option value="{id}"{sel}>{name}</option>"#));
        classifier_rows.push_str(&format!(
            r#"<tr data-classifier="{id}"><td>{name}</td><td><code>{id}</code></td>
<td><time>{created}</time></td><td><a href="/dashboard/classify?classifierId={id}">runs</a></td></tr>"#,
            created = esc(&quarry_model::time::rfc3339(c.created_at)),
        ));
    }
    let splits = split_rows(state, ws).await?;
    if classifier_rows.is_empty() {
        classifier_rows = r#"<tr><td colspan="4" class="empty">No classifiers yet (<code>POST /classifiers</code> creates one).</td></tr>"#.into();
    }
    let status_now = q.filters.status.map(RunStatus::as_str).unwrap_or("");
    let statuses: String = RunStatus::ALL
        .iter()
        .map(|s| {
            let sel = if s.as_str() == status_now {
                " selected"
            } else {
                ""
            };
            format!(r#"<option value="{0}"{sel}>{0}</option>"#, s.as_str())
        })
        .collect();
    let next = match &list.next_page_token {
        Some(token) => {
            let mut params = url::form_urlencoded::Serializer::new(String::new());
            if !chosen.is_empty() {
                params.append_pair("classifierId", chosen);
            }
            if !status_now.is_empty() {
                params.append_pair("status", status_now);
            }
            params.append_pair("nextPageToken", token);
            format!(
                r#"<a class="button" id="next-page" href="/dashboard/classify?{}">Next page →</a>"#,
                esc(&params.finish())
            )
        }
        None => String::new(),
    };
    Ok(format!(
        r#"<h1>Classify runs</h1>
<form class="filters" method="get" action="/dashboard/classify">
<label>Status <select name="status"><option value="">any</option>{statuses}</select></label>
<label>Classifier <select name="classifierId">{options}</select></label>
<button type="submit">Filter</button> <a href="/dashboard/classify">Reset</a></form>
<table class="runs" id="classify-runs"><thead><tr><th>Run</th><th>Status</th><th>Type</th>
<th>Confidence</th><th>Classifier</th><th>File</th><th>Created</th></tr></thead>
<tbody>{rows}</tbody></table>
<p class="pager">{next}</p>
<h2>Classifiers</h2>
<table id="classifiers"><thead><tr><th>Name</th><th>Id</th><th>Created</th><th></th></tr></thead>
<tbody>{classifier_rows}</tbody></table>
<h2>Split runs</h2>
<table class="runs" id="split-runs"><thead><tr><th>Run</th><th>Status</th><th>Documents found</th>
<th>Splitter</th><th>File</th><th>Created</th></tr></thead>
<tbody>{splits}</tbody></table>"#
    ))
}

/// Split runs shown (newest first).
const SPLIT_RUNS_SHOWN: u32 = 20;

/// The latest split runs, each with its splits as `type pages` items.
async fn split_rows(state: &AppState, ws: &str) -> Result<String, ApiError> {
    let first = PageRequest::first(Default::default(), Default::default(), SPLIT_RUNS_SHOWN);
    let list = SplitRunRecord::runs(state.store.as_ref())
        .list(ws, &Default::default(), &first)
        .await?;
    let mut views = RunViews::new(state);
    let mut rows = String::new();
    for record in &list.items {
        let run: SplitRun = views.view(record, true).await?;
        let found: Vec<String> = run
            .output
            .as_ref()
            .and_then(|o| o["splits"].as_array())
            .into_iter()
            .flatten()
            .map(|s| {
                let (start, end) = (&s["startPage"], &s["endPage"]);
                let pages = if start == end {
                    format!("p. {start}")
                } else {
                    format!("pp. {start}–{end}")
                };
                format!(
                    "<li>{} {pages}</li>",
                    esc(s["type"].as_str().unwrap_or("?"))
                )
            })
            .collect();
        rows.push_str(&format!(
            r#"<tr data-run="{id}"><td><code>{id}</code></td><td>{status}</td><td><ul class="splits">{found}</ul></td>
<td>{splitter}</td><td>{file}</td><td><time>{created}</time></td></tr>"#,
            id = esc(&run.id),
            status = status_badge(run.status.as_str()),
            found = found.concat(),
            splitter = run
                .splitter
                .as_ref()
                .map(|p| esc(&p.fields.name))
                .unwrap_or_else(|| "inline config".into()),
            file = run.file.as_ref().map(|f| esc(&f.name)).unwrap_or_else(|| "—".into()),
            created = esc(&run.created_at),
        ));
    }
    if rows.is_empty() {
        rows = r#"<tr><td colspan="6" class="empty">No split runs yet.</td></tr>"#.into();
    }
    Ok(rows)
}

fn row(classified: &ClassifyRun) -> String {
    let run = &classified.run;
    let output = run.output.as_ref();
    let kind = output
        .and_then(|o| o["type"].as_str())
        .map(esc)
        .unwrap_or_else(|| "—".into());
    let confidence = output
        .and_then(|o| o["confidence"].as_f64())
        .map(|c| format!("{c:.2}"))
        .unwrap_or_else(|| "—".into());
    format!(
        r#"<tr data-run="{id}"><td><code>{id}</code></td><td>{status}</td><td class="type">{kind}</td>
<td class="confidence">{confidence}</td><td>{classifier}</td><td>{file}</td><td><time>{created}</time></td></tr>"#,
        id = esc(&run.id),
        status = status_badge(run.status.as_str()),
        classifier = classified
            .classifier
            .as_ref()
            .map(|c| esc(&c.fields.name))
            .unwrap_or_else(|| "inline config".into()),
        file = run
            .file
            .as_ref()
            .map(|f| esc(&f.name))
            .unwrap_or_else(|| "—".into()),
        created = esc(&run.created_at),
    )
}
