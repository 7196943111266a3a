//! Rendering an event's payload: the resource as the API's GET returns it
//! (full ExtractRun, ClassifyRun, BatchRun, Extractor, Classifier, and
//! their versions), except parse
//! runs, whose events carry the slim `parse_run_status` (no output). The dispatcher
//! renders on first delivery and stores the text, so redeliveries and replays
//! send the same payload; the envelope is assembled from that stored text.

use quarry_store::{EventRecord, ParseRunRecord};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::processor_family::{ProcessorApi, full_view};
use crate::processors::{Classifiers, Extractors, Splitters};
use crate::run_family::batch_view;
use crate::state::AppState;
use crate::views::RunViews;

/// The payload of `e` as JSON text. A resource deleted before its first
/// delivery is sent as `{object, id}`.
pub async fn render(state: &AppState, e: &EventRecord) -> Result<String, ApiError> {
    let (ws, id) = (e.workspace_id.as_str(), e.resource_id.as_str());
    let store = &state.store;
    let value: Option<Value> = match e.event_type.as_str() {
        t if t.starts_with("extract_run.") => match store.extract_runs().get(ws, id).await? {
            Some(run) => Some(json!(RunViews::new(state).view(&run, true).await?)),
            None => None,
        },
        t if t.starts_with("classify_run.") => match store.classify_runs().get(ws, id).await? {
            Some(run) => Some(json!(RunViews::new(state).view(&run, true).await?)),
            None => None,
        },
        t if t.starts_with("split_run.") => match store.split_runs().get(ws, id).await? {
            Some(run) => Some(json!(RunViews::new(state).view(&run, true).await?)),
            None => None,
        },
        t if t.starts_with("parse_run.") => store
            .parse_runs()
            .get(ws, id)
            .await?
            .map(|r| parse_run_status(&r)),
        t if t.starts_with("batch_processor_run.") || t.starts_with("batch_parse_run.") => store
            .get_batch(ws, id)
            .await?
            .map(|b| json!(batch_view(&b.batch, b.status))),
        t if t.starts_with("extractor.") => processor::<Extractors>(state, ws, t, id).await?,
        t if t.starts_with("classifier.") => processor::<Classifiers>(state, ws, t, id).await?,
        t if t.starts_with("splitter.") => processor::<Splitters>(state, ws, t, id).await?,
        _ => None,
    };
    Ok(value
        .unwrap_or_else(|| json!({"object": object_of(&e.event_type), "id": id}))
        .to_string())
}

/// A processor event's payload: the published version for
/// `<kind>.version.published`, else the full processor.
async fn processor<P: ProcessorApi>(
    state: &AppState,
    ws: &str,
    event_type: &str,
    id: &str,
) -> Result<Option<Value>, ApiError> {
    let store = &state.store;
    if event_type.ends_with(".version.published") {
        let v = store.get_version_by_id(P::KIND, ws, id).await?;
        return Ok(v.map(|v| json!(P::version(&v, true))));
    }
    Ok(match store.get_processor(P::KIND, ws, id).await? {
        Some(p) => Some(json!(full_view::<P>(state, &p).await?)),
        None => None,
    })
}

/// The slim `parse_run_status` payload: no output, absent fields omitted.
fn parse_run_status(r: &ParseRunRecord) -> Value {
    let mut v = json!({"object": "parse_run_status", "id": r.id, "status": r.status});
    let optional = [
        ("failureReason", r.failure_reason.clone().map(Value::from)),
        ("failureMessage", r.failure_message.clone().map(Value::from)),
        ("metadata", r.metadata.clone()),
    ];
    if let Some(o) = v.as_object_mut() {
        for (k, val) in optional {
            if let Some(val) = val {
                o.insert(k.into(), val);
            }
        }
    }
    v
}

fn object_of(event_type: &str) -> &'static str {
    match event_type {
        t if t.starts_with("extract_run.") => "extract_run",
        t if t.starts_with("parse_run.") => "parse_run_status",
        t if t.starts_with("batch_processor_run.") || t.starts_with("batch_parse_run.") => {
            "batch_run"
        }
        t if t.starts_with("classify_run.") => "classify_run",
        "extractor.version.published" => "extractor_version",
        "classifier.version.published" => "classifier_version",
        t if t.starts_with("classifier.") => "classifier",
        t if t.starts_with("split_run.") => "split_run",
        "splitter.version.published" => "splitter_version",
        t if t.starts_with("splitter.") => "splitter",
        _ => "extractor",
    }
}

/// The exact bytes sent (and signed): `{eventId, eventType, payload}`.
pub fn envelope(e: &EventRecord, payload: &str) -> Vec<u8> {
    format!(
        "{{\"eventId\":{},\"eventType\":{},\"payload\":{payload}}}",
        Value::from(e.id.as_str()),
        Value::from(e.event_type.as_str()),
    )
    .into_bytes()
}
