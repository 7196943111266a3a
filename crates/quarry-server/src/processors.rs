//! The processor families' wire objects and config checks: how extractors,
//! classifiers and splitters (and their versions) look to clients, for the
//! routes, the run views that embed them and webhook payloads alike.

use quarry_model::resources::{
    Classifier, ClassifierVersion, Extractor, ExtractorVersion, ProcessorFields, Splitter,
    SplitterVersion, VersionFields,
};
use quarry_model::time::rfc3339;
use quarry_store::{ProcessorKind, ProcessorRecord, VersionRecord};
use serde_json::Value;

use crate::error::ApiError;
use crate::processor_family::ProcessorApi;
use crate::runs::{check_classify_config, check_config, check_split_config};

fn fields(p: &ProcessorRecord) -> ProcessorFields {
    ProcessorFields {
        object: p.kind.noun().into(),
        id: p.id.clone(),
        name: p.name.clone(),
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(p.updated_at),
    }
}

fn version_fields(v: &VersionRecord, with_config: bool) -> VersionFields {
    VersionFields {
        object: format!("{}_version", v.kind.noun()),
        id: v.id.clone(),
        version: v.version.clone(),
        description: v.description.clone(),
        config: with_config.then(|| v.config.clone()),
        created_at: rfc3339(v.created_at),
        created_by: None,
    }
}

/// A processor family on the wire: its kind, wire types, the field of a
/// version naming its processor, and the check its configs go through.
macro_rules! processor_api {
    ($api:ident, $kind:ident, $resource:ident, $version:ident, $parent:ident, $check:path) => {
        #[doc = concat!("The `", stringify!($kind), "` family on the wire.")]
        pub(crate) struct $api;

        impl ProcessorApi for $api {
            const KIND: ProcessorKind = ProcessorKind::$kind;
            type Resource = $resource;
            type Version = $version;

            fn check_config(config: Value) -> Result<Value, ApiError> {
                $check(config)
            }

            fn resource(p: &ProcessorRecord, draft: Option<$version>) -> $resource {
                $resource {
                    fields: fields(p),
                    draft_version: draft,
                }
            }

            fn version(v: &VersionRecord, with_config: bool) -> $version {
                $version {
                    fields: version_fields(v, with_config),
                    $parent: v.processor_id.clone(),
                }
            }
        }
    };
}

processor_api!(
    Extractors,
    Extractor,
    Extractor,
    ExtractorVersion,
    extractor_id,
    check_config
);
processor_api!(
    Classifiers,
    Classifier,
    Classifier,
    ClassifierVersion,
    classifier_id,
    check_classify_config
);
processor_api!(
    Splitters,
    Splitter,
    Splitter,
    SplitterVersion,
    splitter_id,
    check_split_config
);
