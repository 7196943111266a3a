//! The run page: the document (see [`super::document`]) beside the
//! extracted fields, and the review endpoint its save button posts to.
//!
//! The fields panel is drawn by the page script from the run as
//! `GET /extract_runs/{id}` renders it plus the run's schema, embedded as
//! JSON: one typed input per schema leaf, array items that can be added and
//! removed, confidence, and citations to highlight on the page. Saving posts
//! the whole value to [`review`], which runs the same service as the API's
//! `POST /quarry/extract_runs/{id}/review`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use quarry_model::resources::ExtractRun;
use serde_json::{Value, json};

use super::document::pages_html;
use super::html::{Page, error_page, esc, json_script, status_badge};
use super::session::Viewer;
use crate::error::ApiError;
use crate::review::{ReviewRequest, review_run};
use crate::state::AppState;
use crate::views::RunViews;

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    match render(&state, &viewer, &id).await {
        Ok(Some((title, body))) => Page::new(title, body).render(Some(&viewer)),
        Ok(None) => error_page(
            &viewer,
            StatusCode::NOT_FOUND,
            &format!("Extract run `{id}` was not found."),
        ),
        Err(e) => e.into_response(),
    }
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let ws = viewer.workspace_id.as_str();
    let Some(record) = state.store.extract_runs().get(ws, id).await? else {
        return Ok(None);
    };
    let run = RunViews::new(state).view(&record, true).await?;
    let file = match &record.file_id {
        Some(file_id) => state.store.get_file(ws, file_id).await?,
        None => None,
    };
    let document = match &file {
        Some(f) => pages_html(state, &record.id, f)
            .await
            .unwrap_or_else(|e| format!(r#"<p class="error">{}</p>"#, esc(&e.to_string()))),
        None => r#"<p class="note">No document is stored for this run.</p>"#.to_string(),
    };
    let schema = record.config.get("schema").cloned().unwrap_or(Value::Null);
    let title = run
        .file
        .as_ref()
        .map_or_else(|| run.id.clone(), |f| f.name.clone());
    let body = format!(
        r#"<header class="run-head" data-run="{id}"{live}>
<h1>{title}</h1>{facts}{failure}</header>
<div class="run-layout">
<section id="document" class="document" aria-label="Document">{document}</section>
<aside id="fields-panel" aria-label="Extracted fields"><h2>Fields</h2>
<p class="legend"><span class="swatch low"></span> below the auto-accept confidence <span class="swatch mismatch"></span> citation differs from value, or page differs from the e-invoice XML</p>
<div id="fields"></div>
<div class="actions"><button type="button" id="save-review">Save review</button>
<span id="save-status" role="status"></span></div></aside></div>
{data}"#,
        id = esc(&run.id),
        live = if run.status.is_terminal() {
            ""
        } else {
            " data-live"
        },
        title = esc(&title),
        facts = facts(&run),
        failure = run
            .failure_message
            .as_deref()
            .map(|m| {
                format!(
                    r#"<p class="error">{}: {}</p>"#,
                    esc(run.failure_reason.as_deref().unwrap_or("FAILED")),
                    esc(m)
                )
            })
            .unwrap_or_default(),
        data = json_script(
            "run-data",
            &json!({"run": run, "schema": schema, "lowConfidence": low_confidence()}),
        ),
    );
    Ok(Some((title, body)))
}

/// The confidence below which a field is marked for review: the offline
/// engine's auto-accept threshold, the lowest calibrated probability at
/// which its values were still at least 98 % right on held-out documents
/// (`quarry bench calibrate`, docs/accuracy.md).
fn low_confidence() -> f64 {
    quarry_extract::calibration::Calibration::shipped().auto_accept
}

/// The run's facts line: id, status, extractor and version, review state.
fn facts(run: &ExtractRun) -> String {
    let extractor = match (&run.extractor, &run.extractor_version) {
        (Some(e), v) => format!(
            r#"<dt>Extractor</dt><dd><a href="/dashboard/extractors/{}">{}</a>{}</dd>"#,
            esc(&e.fields.id),
            esc(&e.fields.name),
            v.as_ref()
                .map(|v| format!(" · version {}", esc(&v.fields.version)))
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    let review = match (
        run.reviewed,
        run.edited,
        xml_mismatches(run.output.as_ref()),
    ) {
        (true, true, _) => "reviewed, edited".to_string(),
        (true, false, _) => "reviewed".to_string(),
        (false, _, 0) => "not reviewed".to_string(),
        (false, _, n) => format!(
            r#"<span class="badge mismatch">needs review</span> {n} field{s} printed differently from the e-invoice XML"#,
            s = if n == 1 { "" } else { "s" }
        ),
    };
    format!(
        r#"<dl class="facts"><dt>Run</dt><dd><code>{id}</code></dd><dt>Status</dt><dd id="run-status">{status}</dd>
{extractor}<dt>Created</dt><dd>{created}</dd><dt>Review</dt><dd id="review-state">{review}</dd></dl>"#,
        id = esc(&run.id),
        status = status_badge(run.status.as_str()),
        created = esc(&run.created_at),
    )
}

/// How many fields of a run's `output` the e-invoice overlay flagged as
/// printed differently from the XML: such a run needs a person's look even
/// when every confidence is high, because page and XML disagree.
fn xml_mismatches(output: Option<&Value>) -> usize {
    let Some(metadata) = output
        .and_then(|o| o.get("metadata"))
        .and_then(Value::as_object)
    else {
        return 0;
    };
    metadata
        .values()
        .filter(|m| {
            m.get("quarryFlags")
                .and_then(Value::as_array)
                .is_some_and(|flags| {
                    flags
                        .iter()
                        .any(|f| f == quarry_extract::einvoice::MISMATCH_FLAG)
                })
        })
        .count()
}

/// `POST /dashboard/runs/{id}/review`: the save button. Needs the session's
/// CSRF token; answers the run as the API renders it.
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(req): Json<ReviewRequest>,
) -> Result<Json<ExtractRun>, ApiError> {
    viewer.check_csrf(&headers, None)?;
    let run = review_run(&state, &viewer.workspace_id, &id, req).await?;
    Ok(Json(RunViews::new(&state).view(&run, true).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_flagged_against_the_xml_are_counted() {
        let output = json!({"value": {}, "metadata": {
            "total": {"quarryFlags": ["xml_page_mismatch"]},
            "iban": {"quarryFlags": ["xml_page_mismatch"]},
            "date": {"ocrConfidence": 0.4},
            "note": {"quarryFlags": ["something_else"]}
        }});
        assert_eq!(xml_mismatches(Some(&output)), 2);
        assert_eq!(xml_mismatches(Some(&json!({"value": {}}))), 0);
        assert_eq!(xml_mismatches(None), 0);
    }
}
