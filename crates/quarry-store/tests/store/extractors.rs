//! Extractors, the draft version and published snapshots.

use std::sync::Arc;

use quarry_model::enums::{ReleaseType, SortBy, SortDir};
use quarry_model::ids::{EXTRACTOR, EXTRACTOR_VERSION, new_id};
use quarry_store::prelude::*;
use quarry_store::{ExtractorRecord, PageRequest, VersionRecord};
use serde_json::{Value, json};

use crate::fixtures::{BASE_MS, OTHER_WS, WS};

fn schema(field: &str) -> Value {
    json!({"schema": {"type": "object", "properties": {field: {"type": "string"}}}})
}

async fn version(store: &dyn Store, ex: &str, selector: &str) -> Option<VersionRecord> {
    store
        .get_version(WS, ex, selector)
        .await
        .expect("get version")
}

async fn publish(store: &dyn Store, ex: &str, release: ReleaseType) -> VersionRecord {
    store
        .publish_version(WS, ex, release, None, None)
        .await
        .expect("publish")
        .expect("extractor exists")
}

pub async fn extractor_versions_publish_and_resolve(store: Arc<dyn Store>) {
    let store = &*store;
    let ex = ExtractorRecord {
        id: new_id(EXTRACTOR),
        workspace_id: WS.to_string(),
        name: "Invoices".to_string(),
        created_at: BASE_MS,
        updated_at: BASE_MS,
    };
    let draft = VersionRecord {
        id: new_id(EXTRACTOR_VERSION),
        extractor_id: ex.id.clone(),
        workspace_id: WS.to_string(),
        version: "draft".to_string(),
        major: 0,
        minor: 0,
        description: None,
        config: schema("v1"),
        created_at: BASE_MS,
        updated_at: BASE_MS,
    };
    store
        .insert_extractor(&ex, &draft)
        .await
        .expect("insert extractor");
    assert_eq!(
        store.get_extractor(WS, &ex.id).await.expect("get"),
        Some(ex.clone())
    );
    assert_eq!(
        store.get_extractor(OTHER_WS, &ex.id).await.expect("get"),
        None
    );
    let listed = store
        .list_extractors(
            WS,
            &PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 10),
        )
        .await
        .expect("list extractors");
    assert_eq!(listed.items, std::slice::from_ref(&ex));

    // Nothing published yet: `latest` is the draft.
    assert_eq!(version(store, &ex.id, "latest").await, Some(draft.clone()));

    let renamed = store
        .update_extractor(WS, &ex.id, Some("Invoices v2"), Some(&schema("v2")))
        .await
        .expect("update")
        .expect("extractor exists");
    assert_eq!(renamed.name, "Invoices v2");
    let edited = version(store, &ex.id, "draft").await.expect("draft");
    assert_eq!(
        (edited.id.as_str(), &edited.config),
        (draft.id.as_str(), &schema("v2"))
    );

    let v01 = store
        .publish_version(WS, &ex.id, ReleaseType::Minor, Some("first"), None)
        .await
        .expect("publish")
        .expect("extractor exists");
    assert_eq!((v01.version.as_str(), v01.major, v01.minor), ("0.1", 0, 1));
    assert_eq!(v01.config, schema("v2"), "publishing snapshots the draft");
    assert_eq!(v01.description.as_deref(), Some("first"));
    assert_eq!(
        publish(store, &ex.id, ReleaseType::Minor).await.version,
        "0.2"
    );

    // Editing the draft later never changes a published version.
    let kept = store
        .update_extractor(WS, &ex.id, None, Some(&schema("v3")))
        .await
        .expect("update")
        .expect("extractor exists");
    assert_eq!(
        kept.name, "Invoices v2",
        "a config-only update keeps the name"
    );
    let v10 = publish(store, &ex.id, ReleaseType::Major).await;
    assert_eq!((v10.version.as_str(), &v10.config), ("1.0", &schema("v3")));
    assert_eq!(version(store, &ex.id, "0.1").await, Some(v01.clone()));

    assert_eq!(version(store, &ex.id, "latest").await, Some(v10.clone()));
    assert_eq!(version(store, &ex.id, "1.0").await, Some(v10.clone()));
    assert_eq!(version(store, &ex.id, &v10.id).await, Some(v10.clone()));
    assert_eq!(
        version(store, &ex.id, "draft").await.map(|v| v.config),
        Some(schema("v3"))
    );
    assert_eq!(version(store, &ex.id, "2.0").await, None);
    assert_eq!(
        store.get_version_by_id(WS, &v01.id).await.expect("get"),
        Some(v01.clone())
    );
    assert_eq!(
        store
            .get_version_by_id(OTHER_WS, &v01.id)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        store
            .get_version(OTHER_WS, &ex.id, "1.0")
            .await
            .expect("get"),
        None
    );

    // An explicit config is published as given; the draft is untouched.
    let v11 = store
        .publish_version(WS, &ex.id, ReleaseType::Minor, None, Some(&schema("v4")))
        .await
        .expect("publish")
        .expect("extractor exists");
    assert_eq!((v11.version.as_str(), &v11.config), ("1.1", &schema("v4")));
    assert_eq!(
        version(store, &ex.id, "draft").await.map(|v| v.config),
        Some(schema("v3"))
    );

    let versions = store
        .list_versions(
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
        .publish_version(WS, "ex_missing", ReleaseType::Minor, None, None)
        .await
        .expect("publish unknown");
    assert_eq!(missing, None);
    let foreign = store
        .publish_version(OTHER_WS, &ex.id, ReleaseType::Major, None, None)
        .await
        .expect("publish foreign");
    assert_eq!(foreign, None);
    let none = store
        .update_extractor(OTHER_WS, &ex.id, Some("stolen"), Some(&schema("x")))
        .await
        .expect("update foreign");
    assert_eq!(none, None);
    let unchanged = store
        .get_extractor(WS, &ex.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(unchanged.name, "Invoices v2");
    assert_eq!(
        version(store, &ex.id, "draft").await.map(|v| v.config),
        Some(schema("v3"))
    );
    assert_eq!(version(store, &ex.id, "latest").await, Some(v11));
}
