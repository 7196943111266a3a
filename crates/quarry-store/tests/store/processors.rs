//! Processors (extractors, classifiers), the draft version and published
//! snapshots: every kind behaves alike, so one test runs for each.

use std::sync::Arc;

use quarry_model::enums::{ReleaseType, SortBy, SortDir};
use quarry_store::prelude::*;
use quarry_store::{PageRequest, ProcessorKind, VersionRecord};
use serde_json::{Value, json};

use crate::fixtures::{BASE_MS, OTHER_WS, WS, processor};

fn schema(field: &str) -> Value {
    json!({"schema": {"type": "object", "properties": {field: {"type": "string"}}}})
}

async fn version(
    store: &dyn Store,
    kind: ProcessorKind,
    ex: &str,
    selector: &str,
) -> Option<VersionRecord> {
    store
        .get_version(kind, WS, ex, selector)
        .await
        .expect("get version")
}

async fn publish(
    store: &dyn Store,
    kind: ProcessorKind,
    ex: &str,
    release: ReleaseType,
) -> VersionRecord {
    store
        .publish_version(kind, WS, ex, release, None, None)
        .await
        .expect("publish")
        .expect("extractor exists")
}

pub async fn processor_versions_publish_and_resolve(store: Arc<dyn Store>) {
    for kind in [ProcessorKind::Extractor, ProcessorKind::Classifier] {
        versions_publish_and_resolve(&*store, kind).await;
    }
}

async fn versions_publish_and_resolve(store: &dyn Store, kind: ProcessorKind) {
    let (ex, draft) = processor(kind, "Invoices", schema("v1"), BASE_MS);
    store
        .insert_processor(&ex, &draft)
        .await
        .expect("insert extractor");
    assert_eq!(
        store.get_processor(kind, WS, &ex.id).await.expect("get"),
        Some(ex.clone())
    );
    assert_eq!(
        store
            .get_processor(kind, OTHER_WS, &ex.id)
            .await
            .expect("get"),
        None
    );
    let listed = store
        .list_processors(
            kind,
            WS,
            &PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 10),
        )
        .await
        .expect("list extractors");
    assert_eq!(listed.items, std::slice::from_ref(&ex));

    // Nothing published yet: `latest` is the draft.
    assert_eq!(
        version(store, kind, &ex.id, "latest").await,
        Some(draft.clone())
    );

    let renamed = store
        .update_processor(kind, WS, &ex.id, Some("Invoices v2"), Some(&schema("v2")))
        .await
        .expect("update")
        .expect("extractor exists");
    assert_eq!(renamed.name, "Invoices v2");
    let edited = version(store, kind, &ex.id, "draft").await.expect("draft");
    assert_eq!(
        (edited.id.as_str(), &edited.config),
        (draft.id.as_str(), &schema("v2"))
    );

    let v01 = store
        .publish_version(kind, WS, &ex.id, ReleaseType::Minor, Some("first"), None)
        .await
        .expect("publish")
        .expect("extractor exists");
    assert_eq!((v01.version.as_str(), v01.major, v01.minor), ("0.1", 0, 1));
    assert_eq!(v01.config, schema("v2"), "publishing snapshots the draft");
    assert_eq!(v01.description.as_deref(), Some("first"));
    assert_eq!(
        publish(store, kind, &ex.id, ReleaseType::Minor)
            .await
            .version,
        "0.2"
    );

    // Editing the draft later never changes a published version.
    let kept = store
        .update_processor(kind, WS, &ex.id, None, Some(&schema("v3")))
        .await
        .expect("update")
        .expect("extractor exists");
    assert_eq!(
        kept.name, "Invoices v2",
        "a config-only update keeps the name"
    );
    let v10 = publish(store, kind, &ex.id, ReleaseType::Major).await;
    assert_eq!((v10.version.as_str(), &v10.config), ("1.0", &schema("v3")));
    assert_eq!(version(store, kind, &ex.id, "0.1").await, Some(v01.clone()));

    assert_eq!(
        version(store, kind, &ex.id, "latest").await,
        Some(v10.clone())
    );
    assert_eq!(version(store, kind, &ex.id, "1.0").await, Some(v10.clone()));
    assert_eq!(
        version(store, kind, &ex.id, &v10.id).await,
        Some(v10.clone())
    );
    assert_eq!(
        version(store, kind, &ex.id, "draft")
            .await
            .map(|v| v.config),
        Some(schema("v3"))
    );
    assert_eq!(version(store, kind, &ex.id, "2.0").await, None);
    assert_eq!(
        store
            .get_version_by_id(kind, WS, &v01.id)
            .await
            .expect("get"),
        Some(v01.clone())
    );
    assert_eq!(
        store
            .get_version_by_id(kind, OTHER_WS, &v01.id)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        store
            .get_version(kind, OTHER_WS, &ex.id, "1.0")
            .await
            .expect("get"),
        None
    );

    // An explicit config is published as given; the draft is untouched.
    let v11 = store
        .publish_version(
            kind,
            WS,
            &ex.id,
            ReleaseType::Minor,
            None,
            Some(&schema("v4")),
        )
        .await
        .expect("publish")
        .expect("extractor exists");
    assert_eq!((v11.version.as_str(), &v11.config), ("1.1", &schema("v4")));
    assert_eq!(
        version(store, kind, &ex.id, "draft")
            .await
            .map(|v| v.config),
        Some(schema("v3"))
    );

    let versions = store
        .list_versions(
            kind,
            WS,
            &ex.id,
            &PageRequest::first(SortBy::CreatedAt, SortDir::Asc, 10),
        )
        .await
        .expect("list versions");
    let mut numbers: Vec<_> = versions.items.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(numbers[0], "draft", "the draft is the oldest version");
    numbers.sort();
    assert_eq!(numbers, ["0.1", "0.2", "1.0", "1.1", "draft"]);

    // Unknown or foreign extractors.
    let missing = store
        .publish_version(kind, WS, "ex_missing", ReleaseType::Minor, None, None)
        .await
        .expect("publish unknown");
    assert_eq!(missing, None);
    let foreign = store
        .publish_version(kind, OTHER_WS, &ex.id, ReleaseType::Major, None, None)
        .await
        .expect("publish foreign");
    assert_eq!(foreign, None);
    let none = store
        .update_processor(kind, OTHER_WS, &ex.id, Some("stolen"), Some(&schema("x")))
        .await
        .expect("update foreign");
    assert_eq!(none, None);
    let unchanged = store
        .get_processor(kind, WS, &ex.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(unchanged.name, "Invoices v2");
    assert_eq!(
        version(store, kind, &ex.id, "draft")
            .await
            .map(|v| v.config),
        Some(schema("v3"))
    );
    assert_eq!(version(store, kind, &ex.id, "latest").await, Some(v11));
}
