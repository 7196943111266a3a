//! The processor families' wire objects and config checks: how extractors,
//! classifiers and splitters (and their versions) look to clients, for the routes,
//! the run views that embed them and webhook payloads alike.

use quarry_model::resources::{
    Classifier, ClassifierVersion, Extractor, ExtractorVersion, Splitter, SplitterVersion,
};
use quarry_model::time::rfc3339;
use quarry_store::{ProcessorKind, ProcessorRecord, VersionRecord};
use serde_json::Value;

use crate::error::ApiError;
use crate::processor_family::ProcessorApi;
use crate::runs::{check_classify_config, check_config, check_split_config};

/// The extractor family on the wire.
pub(crate) struct Extractors;

impl ProcessorApi for Extractors {
    const KIND: ProcessorKind = ProcessorKind::Extractor;
    type Resource = Extractor;
    type Version = ExtractorVersion;

    fn check_config(config: Value) -> Result<Value, ApiError> {
        check_config(config)
    }

    fn resource(e: &ProcessorRecord, draft: Option<ExtractorVersion>) -> Extractor {
        Extractor {
            object: "extractor".into(),
            id: e.id.clone(),
            name: e.name.clone(),
            created_at: rfc3339(e.created_at),
            updated_at: rfc3339(e.updated_at),
            draft_version: draft,
        }
    }

    fn version(v: &VersionRecord, with_config: bool) -> ExtractorVersion {
        ExtractorVersion {
            object: "extractor_version".into(),
            id: v.id.clone(),
            extractor_id: v.processor_id.clone(),
            version: v.version.clone(),
            description: v.description.clone(),
            config: with_config.then(|| v.config.clone()),
            created_at: rfc3339(v.created_at),
            created_by: None,
        }
    }
}

/// The classifier family on the wire.
pub(crate) struct Classifiers;

impl ProcessorApi for Classifiers {
    const KIND: ProcessorKind = ProcessorKind::Classifier;
    type Resource = Classifier;
    type Version = ClassifierVersion;

    fn check_config(config: Value) -> Result<Value, ApiError> {
        check_classify_config(config)
    }

    fn resource(c: &ProcessorRecord, draft: Option<ClassifierVersion>) -> Classifier {
        Classifier {
            object: "classifier".into(),
            id: c.id.clone(),
            name: c.name.clone(),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            draft_version: draft,
        }
    }

    fn version(v: &VersionRecord, with_config: bool) -> ClassifierVersion {
        ClassifierVersion {
            object: "classifier_version".into(),
            id: v.id.clone(),
            classifier_id: v.processor_id.clone(),
            version: v.version.clone(),
            description: v.description.clone(),
            config: with_config.then(|| v.config.clone()),
            created_at: rfc3339(v.created_at),
            created_by: None,
        }
    }
}

/// The splitter family on the wire.
pub(crate) struct Splitters;

impl ProcessorApi for Splitters {
    const KIND: ProcessorKind = ProcessorKind::Splitter;
    type Resource = Splitter;
    type Version = SplitterVersion;

    fn check_config(config: Value) -> Result<Value, ApiError> {
        check_split_config(config)
    }

    fn resource(c: &ProcessorRecord, draft: Option<SplitterVersion>) -> Splitter {
        Splitter {
            object: "splitter".into(),
            id: c.id.clone(),
            name: c.name.clone(),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            draft_version: draft,
        }
    }

    fn version(v: &VersionRecord, with_config: bool) -> SplitterVersion {
        SplitterVersion {
            object: "splitter_version".into(),
            id: v.id.clone(),
            splitter_id: v.processor_id.clone(),
            version: v.version.clone(),
            description: v.description.clone(),
            config: with_config.then(|| v.config.clone()),
            created_at: rfc3339(v.created_at),
            created_by: None,
        }
    }
}
