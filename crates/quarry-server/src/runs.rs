//! Building runs from requests: the core every new run starts from,
//! resolving which config a processor run uses (inline, or a processor
//! version plus overrides) and validating it before anything is stored, and
//! checking priority, metadata and batch inputs.

use quarry_model::enums::{RUN_SOURCES, RunStatus};
use quarry_model::ids::{EXTRACT_RUN, new_id};
use quarry_model::requests::{BatchInput, CreateExtractRun, FileSource, ProcessorRef};
use quarry_model::time::now_ms;
use quarry_parse::Limits;
use quarry_pipeline::{ClassifyPlan, ExtractPlan, SplitPlan, with_overrides};
use quarry_store::{ExtractRunRecord, ProcessorKind, RunCore, Secret};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::ingest::RunFile;
use crate::processor_family::{find_kind, version_of};
use crate::routes::paging::PageQuery;
use crate::run_family::{self, RunListQuery};
use crate::state::AppState;

/// Default `priority` when a request gives none (middle of 1–100).
pub const DEFAULT_PRIORITY: i64 = 50;
/// Most inputs accepted by one batch request.
pub const MAX_BATCH_INPUTS: usize = 1000;
/// Largest serialized `metadata` accepted.
pub const MAX_METADATA_BYTES: usize = 10 * 1024;
const USAGE_TAGS: &str = "extend:usage_tags";

/// The config a run will use, and where it came from.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// The processor (extractor, classifier) and version it came from.
    pub processor_id: Option<String>,
    pub version_id: Option<String>,
    pub config: Value,
}

/// Resolves a processor reference of `kind` xor an inline `config` into a
/// [`RunSpec`] whose config `check` validated (and completed). With
/// neither, `check` sees an empty config: an extract run then infers its
/// schema, a classify run is told what it lacks.
pub async fn resolve_spec(
    state: &AppState,
    ws: &str,
    kind: ProcessorKind,
    reference: Option<&ProcessorRef>,
    config: Option<&Value>,
    check: impl FnOnce(Value) -> Result<Value, ApiError>,
) -> Result<RunSpec, ApiError> {
    let noun = kind.noun();
    let spec = match (reference, config) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(format!(
                "`{noun}` and `config` are mutually exclusive; send one of them"
            )));
        }
        (Some(r), None) => {
            find_kind(state, kind, ws, &r.id).await?;
            let selector = r.version.as_deref().unwrap_or("latest");
            let version = version_of(state, kind, ws, &r.id, selector).await?;
            let mut config = version.config.clone();
            if let Some(o) = &r.override_config {
                if !o.is_object() {
                    return Err(ApiError::bad_request(format!(
                        "{noun}.overrideConfig must be an object"
                    )));
                }
                with_overrides(&mut config, o);
            }
            RunSpec {
                processor_id: Some(r.id.clone()),
                version_id: Some(version.id),
                config,
            }
        }
        (None, c) => RunSpec {
            processor_id: None,
            version_id: None,
            config: c.cloned().unwrap_or_else(|| Value::Object(Map::new())),
        },
    };
    let config = check(spec.config)?;
    Ok(RunSpec { config, ..spec })
}

/// [`resolve_spec`] for an extract run: an extractor or an ExtractConfig.
pub async fn extract_spec(
    state: &AppState,
    ws: &str,
    extractor: Option<&ProcessorRef>,
    config: Option<&Value>,
) -> Result<RunSpec, ApiError> {
    let kind = ProcessorKind::Extractor;
    resolve_spec(state, ws, kind, extractor, config, check_config).await
}

/// Validates an ExtractConfig by resolving it as a run would, answering
/// 400 with the offending JSON path; returns it with defaults applied.
pub fn check_config(config: Value) -> Result<Value, ApiError> {
    Ok(ExtractPlan::resolve(config, &Limits::default())?.into_config())
}

/// Validates a ClassifyConfig as a run would resolve it; returns it with
/// defaults applied. Errors are 400s naming the JSON path.
pub fn check_classify_config(config: Value) -> Result<Value, ApiError> {
    Ok(ClassifyPlan::resolve(config, &Limits::default())?.into_config())
}

/// Validates a SplitConfig as a run would resolve it; returns it with
/// defaults applied. Errors are 400s naming the JSON path.
pub fn check_split_config(config: Value) -> Result<Value, ApiError> {
    Ok(SplitPlan::resolve(config, &Limits::default())?.into_config())
}

/// `priority` defaulted and range-checked (1–100, lower runs first).
pub fn check_priority(p: Option<i64>) -> Result<i64, ApiError> {
    match p {
        None => Ok(DEFAULT_PRIORITY),
        Some(p) if (1..=100).contains(&p) => Ok(p),
        Some(p) => Err(ApiError::bad_request(format!(
            "priority must be between 1 and 100 (lower runs first); got {p}"
        ))),
    }
}

/// Checks `metadata` (an object of at most 10 KB) and sanitises
/// `extend:usage_tags`: an array of strings keeping only letters, digits,
/// `-` and `_`, as the hosted API documents.
pub fn check_metadata(m: Option<Value>, field: &str) -> Result<Option<Value>, ApiError> {
    let Some(mut m) = m else { return Ok(None) };
    let Some(obj) = m.as_object_mut() else {
        return Err(ApiError::bad_request(format!(
            "{field} must be a JSON object"
        )));
    };
    if let Some(tags) = obj.get_mut(USAGE_TAGS) {
        let Some(list) = tags.as_array_mut() else {
            return Err(ApiError::bad_request(format!(
                "{field}.{USAGE_TAGS} must be an array of strings"
            )));
        };
        for t in list.iter_mut() {
            let Some(s) = t.as_str() else {
                return Err(ApiError::bad_request(format!(
                    "{field}.{USAGE_TAGS} must be an array of strings"
                )));
            };
            let clean: String = s
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            *t = Value::String(clean);
        }
    }
    let size = m.to_string().len();
    if size > MAX_METADATA_BYTES {
        return Err(ApiError::bad_request(format!(
            "{field} is {size} bytes; the limit is {MAX_METADATA_BYTES} bytes"
        )));
    }
    Ok(Some(m))
}

/// Checks a list's `source` filter against the documented RunSource values.
pub fn check_source(source: Option<&str>) -> Result<(), ApiError> {
    match source {
        Some(s) if !RUN_SOURCES.contains(&s) => Err(ApiError::bad_request(format!(
            "source must be one of {}; got `{s}`",
            RUN_SOURCES.join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Checks a batch's inputs (count, file sources, referenced files, metadata)
/// before anything is stored, so a bad item leaves no trace. Returns each
/// input's checked metadata.
pub async fn check_batch_inputs(
    state: &AppState,
    ws: &str,
    inputs: &[BatchInput],
) -> Result<Vec<Option<Value>>, ApiError> {
    let n = inputs.len();
    if !(1..=MAX_BATCH_INPUTS).contains(&n) {
        return Err(ApiError::bad_request(format!(
            "inputs must hold 1 to {MAX_BATCH_INPUTS} items; got {n}"
        )));
    }
    let mut metadata = Vec::with_capacity(n);
    for (i, input) in inputs.iter().enumerate() {
        let field = format!("inputs[{i}].file");
        match input
            .file
            .source()
            .map_err(|m| ApiError::bad_request(format!("{field}: {m}")))?
        {
            FileSource::Id(id) if state.store.get_file(ws, id).await?.is_none() => {
                return Err(ApiError::not_found("file", id));
            }
            _ => {}
        }
        metadata.push(check_metadata(
            input.metadata.clone(),
            &format!("inputs[{i}].metadata"),
        )?);
    }
    Ok(metadata)
}

/// Validates and stores one run with its job; returns the stored record.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    req: CreateExtractRun,
) -> Result<ExtractRunRecord, ApiError> {
    let ws = caller.workspace_id.as_str();
    if req.package.is_some() {
        return Err(ApiError::bad_request(
            "`package` (multi-file) runs are not supported by this server yet; send `file`",
        ));
    }
    let spec = extract_spec(state, ws, req.extractor.as_ref(), req.config.as_ref());
    run_family::submit(
        state,
        ws,
        req.file.as_ref(),
        req.priority,
        req.metadata,
        spec,
        new_run,
    )
    .await
}

/// The filters and paging of `GET /extract_runs`; the dashboard's runs list
/// reads the same query, so its filters match the API's.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub extractor_id: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `RunListQuery` parameter set
    pub filters: RunListQuery,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    pub page: PageQuery,
}

impl ListQuery {
    /// Validates the query and lists one page of runs of workspace `ws`.
    pub async fn fetch(
        &self,
        state: &AppState,
        ws: &str,
    ) -> Result<quarry_store::Page<ExtractRunRecord>, ApiError> {
        let filter = self.filters.filter(self.extractor_id.clone())?;
        run_family::page(state, ws, &filter, &self.page).await
    }
}

/// The core of a new `PENDING` run with id prefix `prefix`: no file yet
/// (see [`with_file`]), nothing computed; from a batch when `batch_id`
/// is set, else from the API.
pub fn new_core(
    prefix: &str,
    ws: &str,
    config: Value,
    priority: i64,
    metadata: Option<Value>,
    batch_id: Option<&str>,
) -> RunCore {
    let now = now_ms();
    RunCore {
        id: new_id(prefix),
        workspace_id: ws.to_string(),
        status: RunStatus::Pending,
        priority,
        file_id: None,
        file_name: None,
        file_url: None,
        file_password: None,
        batch_id: batch_id.map(str::to_string),
        source: if batch_id.is_some() {
            "BATCH_PROCESSOR_RUN"
        } else {
            "API"
        }
        .to_string(),
        source_id: batch_id.map(str::to_string),
        config,
        metadata,
        output: None,
        failure_reason: None,
        failure_message: None,
        usage: None,
        created_at: now,
        updated_at: now,
    }
}

/// `core` reading `file`: a stored file by id, a remote one by URL.
pub fn with_file(mut core: RunCore, file: &RunFile) -> RunCore {
    match file {
        RunFile::Stored(f) => {
            core.file_id = Some(f.id.clone());
            core.file_name = Some(f.name.clone());
        }
        RunFile::Remote {
            url,
            name,
            password,
        } => {
            core.file_name = Some(name.clone());
            core.file_url = Some(url.clone());
            core.file_password = password.clone().filter(|p| !p.is_empty()).map(Secret);
        }
    }
    core
}

/// What every new run is made of, whatever its kind: its workspace, its
/// file and the request's options (a batch's runs name their batch).
pub struct NewRun<'a> {
    pub ws: &'a str,
    pub file: &'a RunFile,
    pub priority: i64,
    pub metadata: Option<Value>,
    pub batch_id: Option<&'a str>,
}

impl NewRun<'_> {
    /// The core of the new `PENDING` run with id prefix `prefix` and
    /// effective `config`.
    pub fn core(self, prefix: &str, config: Value) -> RunCore {
        let core = new_core(
            prefix,
            self.ws,
            config,
            self.priority,
            self.metadata,
            self.batch_id,
        );
        with_file(core, self.file)
    }
}

/// A new `PENDING` extract run of `spec`.
pub fn new_run(spec: &RunSpec, new: NewRun<'_>) -> ExtractRunRecord {
    let core = new.core(EXTRACT_RUN, spec.config.clone());
    ExtractRunRecord::new(core, spec.processor_id.clone(), spec.version_id.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn priority_and_metadata_are_checked() {
        assert_eq!(check_priority(None).expect("default"), 50);
        assert!(check_priority(Some(0)).is_err());
        assert!(check_priority(Some(101)).is_err());
        let m = check_metadata(
            Some(json!({"extend:usage_tags": ["prod!", "team eng"]})),
            "metadata",
        )
        .expect("ok")
        .expect("some");
        assert_eq!(m["extend:usage_tags"], json!(["prod", "teameng"]));
        assert!(check_metadata(Some(json!([1])), "metadata").is_err());
        let big = json!({"x": "y".repeat(MAX_METADATA_BYTES)});
        assert!(check_metadata(Some(big), "metadata").is_err());
    }
}
