//! Stored records → wire objects. Lookups of embedded objects (file,
//! processor, version) go through [`RunViews`], which caches them per
//! response so a list page touching one extractor reads it once.

use std::collections::HashMap;

use quarry_model::resources::{
    ClassifyRun, ExtractRun, FileMetadata, FileObject, ParseRun, SplitRun,
};
use quarry_model::time::rfc3339;
use quarry_store::{
    ClassifyRunRecord, ExtractRunRecord, FileRecord, ParseRunRecord, ProcessorRecord,
    SplitRunRecord, VersionRecord,
};
use serde_json::Value;

use async_trait::async_trait;

use crate::error::ApiError;
use crate::processor_family::ProcessorApi;
use crate::processors::{Classifiers, Extractors, Splitters};
use crate::run_family::RunApi;
use crate::state::AppState;

pub fn file_view(f: &FileRecord) -> FileObject {
    FileObject {
        object: "file".into(),
        id: f.id.clone(),
        name: f.name.clone(),
        file_type: f.file_type.clone(),
        presigned_url: None,
        parent_file_id: f.parent_file_id.clone(),
        metadata: FileMetadata {
            page_count: f.page_count,
            parent_split: f.parent_split.clone(),
        },
        created_at: rfc3339(f.created_at),
        updated_at: rfc3339(f.updated_at),
    }
}

/// Builds run objects, caching embedded lookups for one response.
pub struct RunViews<'a> {
    state: &'a AppState,
    files: HashMap<String, Option<FileObject>>,
    processors: HashMap<String, Option<ProcessorRecord>>,
    versions: HashMap<String, Option<VersionRecord>>,
}

impl<'a> RunViews<'a> {
    pub fn new(state: &'a AppState) -> Self {
        Self {
            state,
            files: HashMap::new(),
            processors: HashMap::new(),
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
        let extractor = self
            .processor::<Extractors>(ws, r.extractor_id.as_ref())
            .await?;
        let extractor_version = self
            .version::<Extractors>(ws, r.extractor_version_id.as_ref())
            .await?;
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
            dashboard_url: self.dashboard_url(&r.id),
            usage,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        })
    }
}

impl RunViews<'_> {
    /// Processor `id` of family `P` in summary form, read once per response.
    async fn processor<P: ProcessorApi>(
        &mut self,
        ws: &str,
        id: Option<&String>,
    ) -> Result<Option<P::Resource>, ApiError> {
        let Some(id) = id else { return Ok(None) };
        if !self.processors.contains_key(id) {
            let p = self.state.store.get_processor(P::KIND, ws, id).await?;
            self.processors.insert(id.clone(), p);
        }
        Ok(self.processors[id].as_ref().map(|p| P::resource(p, None)))
    }

    /// Version `id` of family `P` in summary form, read once per response.
    async fn version<P: ProcessorApi>(
        &mut self,
        ws: &str,
        id: Option<&String>,
    ) -> Result<Option<P::Version>, ApiError> {
        let Some(id) = id else { return Ok(None) };
        if !self.versions.contains_key(id) {
            let v = self.state.store.get_version_by_id(P::KIND, ws, id).await?;
            self.versions.insert(id.clone(), v);
        }
        Ok(self.versions[id].as_ref().map(|v| P::version(v, false)))
    }

    fn dashboard_url(&self, run_id: &str) -> String {
        format!(
            "{}/dashboard/runs/{run_id}",
            self.state.config.public_url.trim_end_matches('/')
        )
    }

    /// A classify run (`full`) or its list summary (no `output`, no
    /// `config`, usage without breakdown).
    async fn classify_run(
        &mut self,
        r: &ClassifyRunRecord,
        full: bool,
    ) -> Result<ClassifyRun, ApiError> {
        let ws = r.workspace_id.as_str();
        let file = self.file(ws, r.file_id.as_ref()).await?;
        let classifier = self
            .processor::<Classifiers>(ws, r.classifier_id.as_ref())
            .await?;
        let classifier_version = self
            .version::<Classifiers>(ws, r.classifier_version_id.as_ref())
            .await?;
        Ok(ClassifyRun {
            object: "classify_run".into(),
            id: r.id.clone(),
            status: r.status,
            output: if full { r.output.clone() } else { None },
            failure_reason: r.failure_reason.clone(),
            failure_message: r.failure_message.clone(),
            metadata: r.metadata.clone(),
            reviewed: false,
            edited: false,
            config: full.then(|| r.config.clone()),
            classifier,
            classifier_version,
            file,
            batch_id: r.batch_id.clone(),
            parse_run_id: r.parse_run_id.clone(),
            dashboard_url: self.dashboard_url(&r.id),
            usage: r
                .usage
                .clone()
                .map(|u| if full { u } else { without_breakdown(u) }),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        })
    }

    /// A split run (`full`) or its list summary (no `output`, no
    /// `config`, usage without breakdown).
    async fn split_run(&mut self, r: &SplitRunRecord, full: bool) -> Result<SplitRun, ApiError> {
        let ws = r.workspace_id.as_str();
        let file = self.file(ws, r.file_id.as_ref()).await?;
        let splitter = self
            .processor::<Splitters>(ws, r.splitter_id.as_ref())
            .await?;
        let splitter_version = self
            .version::<Splitters>(ws, r.splitter_version_id.as_ref())
            .await?;
        Ok(SplitRun {
            object: "split_run".into(),
            id: r.id.clone(),
            status: r.status,
            output: if full { r.output.clone() } else { None },
            failure_reason: r.failure_reason.clone(),
            failure_message: r.failure_message.clone(),
            metadata: r.metadata.clone(),
            reviewed: false,
            edited: false,
            config: full.then(|| r.config.clone()),
            splitter,
            splitter_version,
            file,
            batch_id: r.batch_id.clone(),
            parse_run_id: r.parse_run_id.clone(),
            dashboard_url: self.dashboard_url(&r.id),
            usage: r
                .usage
                .clone()
                .map(|u| if full { u } else { without_breakdown(u) }),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        })
    }

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

#[async_trait]
impl RunApi for ClassifyRunRecord {
    const NOUN: &'static str = "classify run";
    type View = ClassifyRun;
    async fn view(&self, views: &mut RunViews<'_>, full: bool) -> Result<ClassifyRun, ApiError> {
        views.classify_run(self, full).await
    }
}

#[async_trait]
impl RunApi for SplitRunRecord {
    const NOUN: &'static str = "split run";
    type View = SplitRun;
    async fn view(&self, views: &mut RunViews<'_>, full: bool) -> Result<SplitRun, ApiError> {
        views.split_run(self, full).await
    }
}

fn without_breakdown(mut usage: Value) -> Value {
    if let Some(o) = usage.as_object_mut() {
        o.remove("breakdown");
    }
    usage
}
