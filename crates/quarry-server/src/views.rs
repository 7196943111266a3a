//! Stored records → wire objects. Lookups of embedded objects (file,
//! extractor, version) go through [`RunViews`], which caches them per
//! response so a list page touching one extractor reads it once.

use std::collections::HashMap;

use quarry_model::resources::{
    ExtractRun, Extractor, ExtractorVersion, FileMetadata, FileObject, ParseRun,
};
use quarry_model::time::rfc3339;
use quarry_store::{ExtractRunRecord, ExtractorRecord, FileRecord, ParseRunRecord, VersionRecord};
use serde_json::Value;

use async_trait::async_trait;

use crate::error::ApiError;
use crate::run_family::RunApi;
use crate::state::AppState;

pub fn file_view(f: &FileRecord) -> FileObject {
    FileObject {
        object: "file".into(),
        id: f.id.clone(),
        name: f.name.clone(),
        file_type: f.file_type.clone(),
        presigned_url: None,
        parent_file_id: None,
        metadata: FileMetadata {
            page_count: f.page_count,
        },
        created_at: rfc3339(f.created_at),
        updated_at: rfc3339(f.updated_at),
    }
}

/// Extractor summary (no `draftVersion`).
pub fn extractor_summary(e: &ExtractorRecord) -> Extractor {
    Extractor {
        object: "extractor".into(),
        id: e.id.clone(),
        name: e.name.clone(),
        created_at: rfc3339(e.created_at),
        updated_at: rfc3339(e.updated_at),
        draft_version: None,
    }
}

/// A version; `with_config` false gives the summary form.
pub fn version_view(v: &VersionRecord, with_config: bool) -> ExtractorVersion {
    ExtractorVersion {
        object: "extractor_version".into(),
        id: v.id.clone(),
        extractor_id: v.extractor_id.clone(),
        version: v.version.clone(),
        description: v.description.clone(),
        config: with_config.then(|| v.config.clone()),
        created_at: rfc3339(v.created_at),
        created_by: None,
    }
}

/// The full extractor, with its draft version.
pub async fn extractor_view(state: &AppState, e: &ExtractorRecord) -> Result<Extractor, ApiError> {
    let draft = state
        .store
        .get_version(&e.workspace_id, &e.id, "draft")
        .await?
        .ok_or_else(|| ApiError::Internal(format!("extractor {} has no draft version", e.id)))?;
    Ok(Extractor {
        draft_version: Some(version_view(&draft, true)),
        ..extractor_summary(e)
    })
}

/// Builds run objects, caching embedded lookups for one response.
pub struct RunViews<'a> {
    state: &'a AppState,
    files: HashMap<String, Option<FileObject>>,
    extractors: HashMap<String, Option<Extractor>>,
    versions: HashMap<String, Option<ExtractorVersion>>,
}

impl<'a> RunViews<'a> {
    pub fn new(state: &'a AppState) -> Self {
        Self {
            state,
            files: HashMap::new(),
            extractors: HashMap::new(),
            versions: HashMap::new(),
        }
    }

    /// The full run (`full`) or its list summary, of any kind.
    pub async fn view<R: RunApi>(&mut self, r: &R, full: bool) -> Result<R::View, ApiError> {
        r.view(self, full).await
    }

    /// File `id` of workspace `ws` as runs embed it, read once per response.
    async fn file(
        &mut self,
        ws: &str,
        id: Option<&String>,
    ) -> Result<Option<FileObject>, ApiError> {
        let Some(id) = id else { return Ok(None) };
        if let Some(f) = self.files.get(id) {
            return Ok(f.clone());
        }
        let f = self
            .state
            .store
            .get_file(ws, id)
            .await?
            .map(|f| file_view(&f));
        self.files.insert(id.clone(), f.clone());
        Ok(f)
    }

    async fn extract_run(
        &mut self,
        r: &ExtractRunRecord,
        full: bool,
    ) -> Result<ExtractRun, ApiError> {
        let ws = r.workspace_id.as_str();
        let file = self.file(ws, r.file_id.as_ref()).await?;
        let store = &self.state.store;
        let extractor = match &r.extractor_id {
            Some(id) => match self.extractors.get(id) {
                Some(e) => e.clone(),
                None => {
                    let e = store
                        .get_extractor(ws, id)
                        .await?
                        .map(|e| extractor_summary(&e));
                    self.extractors.insert(id.clone(), e.clone());
                    e
                }
            },
            None => None,
        };
        let extractor_version = match &r.extractor_version_id {
            Some(id) => match self.versions.get(id) {
                Some(v) => v.clone(),
                None => {
                    let v = store
                        .get_version_by_id(ws, id)
                        .await?
                        .map(|v| version_view(&v, false));
                    self.versions.insert(id.clone(), v.clone());
                    v
                }
            },
            None => None,
        };
        let usage = r
            .usage
            .clone()
            .map(|u| if full { u } else { without_breakdown(u) });
        Ok(ExtractRun {
            object: "extract_run".into(),
            id: r.id.clone(),
            status: r.status,
            output: if full { r.output.clone() } else { None },
            initial_output: if full && r.reviewed {
                r.initial_output.clone()
            } else {
                None
            },
            reviewed_output: if full && r.reviewed {
                r.reviewed_output.clone()
            } else {
                None
            },
            failure_reason: r.failure_reason.clone(),
            failure_message: r.failure_message.clone(),
            metadata: r.metadata.clone(),
            reviewed: r.reviewed,
            edited: r.edited,
            edits: if full { r.edits.clone() } else { None },
            config: full.then(|| r.config.clone()),
            extractor,
            extractor_version,
            file,
            batch_id: r.batch_id.clone(),
            parse_run_id: r.parse_run_id.clone(),
            dashboard_url: format!(
                "{}/dashboard/runs/{}",
                self.state.config.public_url.trim_end_matches('/'),
                r.id
            ),
            usage,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        })
    }
}

impl RunViews<'_> {
    /// A parse run (`full`) or its list summary (no `output`, no `config`,
    /// usage without breakdown).
    async fn parse_run(&mut self, r: &ParseRunRecord, full: bool) -> Result<ParseRun, ApiError> {
        let file = self.file(&r.workspace_id, r.file_id.as_ref()).await?;
        Ok(ParseRun {
            object: "parse_run".into(),
            id: r.id.clone(),
            batch_id: r.batch_id.clone(),
            file,
            status: r.status,
            failure_reason: r.failure_reason.clone(),
            failure_message: r.failure_message.clone(),
            metadata: r.metadata.clone(),
            output: if full { r.output.clone() } else { None },
            metrics: r.metrics.clone(),
            config: full.then(|| r.config.clone()),
            usage: r
                .usage
                .clone()
                .map(|u| if full { u } else { without_breakdown(u) }),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        })
    }
}

#[async_trait]
impl RunApi for ExtractRunRecord {
    const NOUN: &'static str = "extract run";
    type View = ExtractRun;
    async fn view(&self, views: &mut RunViews<'_>, full: bool) -> Result<ExtractRun, ApiError> {
        views.extract_run(self, full).await
    }
}

#[async_trait]
impl RunApi for ParseRunRecord {
    const NOUN: &'static str = "parse run";
    type View = ParseRun;
    async fn view(&self, views: &mut RunViews<'_>, full: bool) -> Result<ParseRun, ApiError> {
        views.parse_run(self, full).await
    }
}

fn without_breakdown(mut usage: Value) -> Value {
    if let Some(o) = usage.as_object_mut() {
        o.remove("breakdown");
    }
    usage
}
