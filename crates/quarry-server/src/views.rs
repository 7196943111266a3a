//! Stored records → wire objects. Lookups of embedded objects (file,
//! processor, version) go through [`RunViews`], which caches them per
//! response so a list page touching one extractor reads it once.

use std::collections::HashMap;

use quarry_model::resources::{
    ClassifyRun, ExtractRun, FileMetadata, FileObject, ParseRun, ProcessorRunFields, SplitRun,
};
use quarry_model::time::rfc3339;
use quarry_store::{
    ClassifyRunRecord, ExtractRunRecord, FileRecord, ParseRunRecord, ProcessorRecord, RunCore,
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
        let mut run = self
            .processor_run(r, "extract_run", r.parse_run_id.as_ref(), full)
            .await?;
        (run.reviewed, run.edited) = (r.reviewed, r.edited);
        let review = |v: &Option<Value>| if full && r.reviewed { v.clone() } else { None };
        Ok(ExtractRun {
            run,
            initial_output: review(&r.initial_output),
            reviewed_output: review(&r.reviewed_output),
            edits: if full { r.edits.clone() } else { None },
            extractor: self
                .processor::<Extractors>(ws, r.extractor_id.as_ref())
                .await?,
            extractor_version: self
                .version::<Extractors>(ws, r.extractor_version_id.as_ref())
                .await?,
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

    /// What a processor run shows beside its processor, in full
    /// (`full`) or as a list summary (no `output`, no `config`, usage
    /// without breakdown).
    async fn processor_run(
        &mut self,
        r: &RunCore,
        object: &str,
        parse_run_id: Option<&String>,
        full: bool,
    ) -> Result<ProcessorRunFields, ApiError> {
        let file = self.file(&r.workspace_id, r.file_id.as_ref()).await?;
        Ok(ProcessorRunFields {
            object: object.into(),
            id: r.id.clone(),
            status: r.status,
            output: if full { r.output.clone() } else { None },
            failure_reason: r.failure_reason.clone(),
            failure_message: r.failure_message.clone(),
            metadata: r.metadata.clone(),
            reviewed: false,
            edited: false,
            config: full.then(|| r.config.clone()),
            file,
            batch_id: r.batch_id.clone(),
            parse_run_id: parse_run_id.cloned(),
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
        let ws = self.workspace_id.as_str();
        let (processor, version) = (
            self.classifier_id.as_ref(),
            self.classifier_version_id.as_ref(),
        );
        Ok(ClassifyRun {
            run: views
                .processor_run(self, "classify_run", self.parse_run_id.as_ref(), full)
                .await?,
            classifier: views.processor::<Classifiers>(ws, processor).await?,
            classifier_version: views.version::<Classifiers>(ws, version).await?,
        })
    }
}

#[async_trait]
impl RunApi for SplitRunRecord {
    const NOUN: &'static str = "split run";
    type View = SplitRun;
    async fn view(&self, views: &mut RunViews<'_>, full: bool) -> Result<SplitRun, ApiError> {
        let ws = self.workspace_id.as_str();
        let (processor, version) = (self.splitter_id.as_ref(), self.splitter_version_id.as_ref());
        Ok(SplitRun {
            run: views
                .processor_run(self, "split_run", self.parse_run_id.as_ref(), full)
                .await?,
            splitter: views.processor::<Splitters>(ws, processor).await?,
            splitter_version: views.version::<Splitters>(ws, version).await?,
        })
    }
}

fn without_breakdown(mut usage: Value) -> Value {
    if let Some(o) = usage.as_object_mut() {
        o.remove("breakdown");
    }
    usage
}
