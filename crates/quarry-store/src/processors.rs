//! Processors (extractors, classifiers, and the kinds to come) as the store
//! sees them: a named resource with one editable `draft` version and
//! immutable published versions. Every kind has the same lifecycle, so the
//! store's [`crate::ProcessorStore`] is written once over [`ProcessorKind`],
//! which names a kind's tables, id prefixes and webhook events.

use quarry_model::ids;
use serde_json::Value;

/// Which processor family a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcessorKind {
    Extractor,
    Classifier,
    Splitter,
}

impl ProcessorKind {
    pub const ALL: [ProcessorKind; 3] = [
        ProcessorKind::Extractor,
        ProcessorKind::Classifier,
        ProcessorKind::Splitter,
    ];

    /// The resource's `object` name, the prefix of its webhook events
    /// (`classifier.created`) and the `resourceType` of its subscriptions.
    pub fn noun(self) -> &'static str {
        match self {
            ProcessorKind::Extractor => "extractor",
            ProcessorKind::Classifier => "classifier",
            ProcessorKind::Splitter => "splitter",
        }
    }

    /// The table of the processors themselves.
    pub fn table(self) -> &'static str {
        match self {
            ProcessorKind::Extractor => "extractors",
            ProcessorKind::Classifier => "classifiers",
            ProcessorKind::Splitter => "splitters",
        }
    }

    /// The table of their versions.
    pub fn versions_table(self) -> &'static str {
        match self {
            ProcessorKind::Extractor => "extractor_versions",
            ProcessorKind::Classifier => "classifier_versions",
            ProcessorKind::Splitter => "splitter_versions",
        }
    }

    /// The column of a version (and of a run) naming its processor.
    pub fn parent_column(self) -> &'static str {
        match self {
            ProcessorKind::Extractor => "extractor_id",
            ProcessorKind::Classifier => "classifier_id",
            ProcessorKind::Splitter => "splitter_id",
        }
    }

    /// Id prefix of a processor of this kind.
    pub fn id_prefix(self) -> &'static str {
        match self {
            ProcessorKind::Extractor => ids::EXTRACTOR,
            ProcessorKind::Classifier => ids::CLASSIFIER,
            ProcessorKind::Splitter => ids::SPLITTER,
        }
    }

    /// Id prefix of one of its versions.
    pub fn version_prefix(self) -> &'static str {
        match self {
            ProcessorKind::Extractor => ids::EXTRACTOR_VERSION,
            ProcessorKind::Classifier => ids::CLASSIFIER_VERSION,
            ProcessorKind::Splitter => ids::SPLITTER_VERSION,
        }
    }

    /// The webhook event `<noun>.<what>` (`created`, `updated`,
    /// `version.published`).
    pub fn event(self, what: &str) -> String {
        format!("{}.{what}", self.noun())
    }
}

/// A processor: what every kind stores about itself (its configs live in
/// its versions).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessorRecord {
    pub kind: ProcessorKind,
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One version of a processor: the `draft`, or a published `MAJOR.MINOR`
/// snapshot that never changes.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    pub kind: ProcessorKind,
    pub id: String,
    pub processor_id: String,
    pub workspace_id: String,
    /// `draft` or `MAJOR.MINOR`.
    pub version: String,
    pub major: i64,
    pub minor: i64,
    pub description: Option<String>,
    pub config: Value,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ProcessorRecord {
    /// A new processor of `kind` in workspace `ws`, created at `now`.
    pub fn new(kind: ProcessorKind, ws: &str, name: &str, now: i64) -> Self {
        ProcessorRecord {
            kind,
            id: ids::new_id(kind.id_prefix()),
            workspace_id: ws.to_string(),
            name: name.to_string(),
            created_at: now,
            updated_at: now,
        }
    }

    /// The draft version a new processor is stored with, holding `config`.
    pub fn draft(&self, config: Value) -> VersionRecord {
        VersionRecord {
            kind: self.kind,
            id: ids::new_id(self.kind.version_prefix()),
            processor_id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            version: "draft".into(),
            major: 0,
            minor: 0,
            description: None,
            config,
            created_at: self.created_at,
            updated_at: self.created_at,
        }
    }
}

impl VersionRecord {
    pub fn is_draft(&self) -> bool {
        self.version == "draft"
    }
}
