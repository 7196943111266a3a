//! Workspaces, API keys and file metadata.

use std::sync::Arc;

use quarry_model::enums::{SortBy, SortDir};
use quarry_model::ids::{API_KEY, FILE, new_id};
use quarry_store::prelude::*;
use quarry_store::{ApiKeyRecord, FileRecord, PageRequest, sha256_hex};

use crate::fixtures::{BASE_MS, OTHER_WS, WS};

pub async fn workspaces_and_api_keys(store: Arc<dyn Store>) {
    store
        .ensure_workspace(WS, "Main")
        .await
        .expect("create workspace");
    store
        .ensure_workspace(WS, "Main, again")
        .await
        .expect("ensure_workspace on an existing id succeeds");
    let key = ApiKeyRecord {
        id: new_id(API_KEY),
        workspace_id: WS.to_string(),
        name: "ci".to_string(),
        key_hash: sha256_hex(b"qk_live_secret"),
        created_at: BASE_MS,
        revoked_at: None,
    };
    store.insert_api_key(&key).await.expect("insert key");
    assert_eq!(
        store.find_api_key(&key.key_hash).await.expect("find key"),
        Some(key.clone())
    );
    assert_eq!(
        store
            .find_api_key(&sha256_hex(b"qk_live_guess"))
            .await
            .expect("find unknown key"),
        None
    );

    // Revocation: the key stops authenticating at once but stays listed.
    let other = ApiKeyRecord {
        id: new_id(API_KEY),
        workspace_id: OTHER_WS.to_string(),
        name: "other".to_string(),
        key_hash: sha256_hex(b"qk_other_secret"),
        created_at: BASE_MS + 1,
        revoked_at: None,
    };
    store
        .ensure_workspace(OTHER_WS, "Other")
        .await
        .expect("workspace");
    store.insert_api_key(&other).await.expect("insert key");
    let ids = |keys: Vec<ApiKeyRecord>| keys.into_iter().map(|k| k.id).collect::<Vec<_>>();
    let all = ids(store.list_api_keys(None).await.expect("list"));
    assert!(all.contains(&key.id) && all.contains(&other.id), "{all:?}");
    assert_eq!(
        ids(store.list_api_keys(Some(OTHER_WS)).await.expect("list")),
        vec![other.id.clone()]
    );
    assert!(store.revoke_api_key(&key.id).await.expect("revoke"));
    assert!(
        !store.revoke_api_key(&key.id).await.expect("revoke twice"),
        "already revoked"
    );
    assert!(
        !store
            .revoke_api_key("key_unknown")
            .await
            .expect("revoke unknown")
    );
    assert_eq!(store.find_api_key(&key.key_hash).await.expect("find"), None);
    let listed = store.list_api_keys(Some(WS)).await.expect("list");
    let revoked = listed
        .iter()
        .find(|k| k.id == key.id)
        .expect("revoked key still listed");
    assert!(revoked.revoked_at.is_some());
    assert!(
        store
            .find_api_key(&other.key_hash)
            .await
            .expect("find")
            .is_some(),
        "other keys unaffected"
    );
}

pub fn file(ws: &str, name: &str, sha256: &str, created_at: i64) -> FileRecord {
    FileRecord {
        id: new_id(FILE),
        workspace_id: ws.to_string(),
        name: name.to_string(),
        file_type: Some("PDF".to_string()),
        mime: "application/pdf".to_string(),
        size_bytes: 1234,
        sha256: sha256.to_string(),
        page_count: Some(2),
        parent_file_id: None,
        parent_split: None,
        password: None,
        created_at,
        updated_at: created_at,
    }
}

/// Names of the files in [`WS`] whose name contains `needle`, sorted.
async fn names_matching(store: &dyn Store, needle: Option<&str>) -> Vec<String> {
    let page = PageRequest::first(SortBy::CreatedAt, SortDir::Asc, 100);
    let found = store
        .list_files(WS, needle, &page)
        .await
        .expect("list files");
    assert_eq!(found.next_page_token, None);
    let mut names: Vec<_> = found.items.into_iter().map(|f| f.name).collect();
    names.sort();
    names
}

pub async fn files_crud_search_and_blob_refs(store: Arc<dyn Store>) {
    let shared = sha256_hex(b"same bytes uploaded twice");
    let names = [
        "Invoice_2024.pdf",
        "invoice-2024.PDF",
        "100%_sure.txt",
        "1000 sure.txt",
        "report.docx",
    ];
    let files: Vec<FileRecord> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let sha = if i < 2 {
                shared.clone()
            } else {
                sha256_hex(name.as_bytes())
            };
            file(WS, name, &sha, BASE_MS + i as i64)
        })
        .collect();
    for f in &files {
        store.insert_file(f).await.expect("insert file");
    }
    let foreign = file(OTHER_WS, "invoice-other.pdf", &sha256_hex(b"x"), BASE_MS);
    store
        .insert_file(&foreign)
        .await
        .expect("insert foreign file");

    assert_eq!(
        store.get_file(WS, &files[0].id).await.expect("get file"),
        Some(files[0].clone())
    );
    assert_eq!(
        store.get_file(OTHER_WS, &files[0].id).await.expect("get"),
        None
    );
    assert_eq!(store.get_file(WS, &foreign.id).await.expect("get"), None);

    // Case-insensitive substring; `%` and `_` are literal characters.
    let mut all: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    all.sort();
    assert_eq!(names_matching(&*store, None).await, all);
    assert_eq!(
        names_matching(&*store, Some("INVOICE")).await,
        ["Invoice_2024.pdf", "invoice-2024.PDF"]
    );
    assert_eq!(
        names_matching(&*store, Some("e_2")).await,
        ["Invoice_2024.pdf"]
    );
    assert_eq!(
        names_matching(&*store, Some("0%_s")).await,
        ["100%_sure.txt"]
    );
    assert_eq!(names_matching(&*store, Some("%")).await, ["100%_sure.txt"]);
    assert_eq!(
        names_matching(&*store, Some("_")).await,
        ["100%_sure.txt", "Invoice_2024.pdf"]
    );
    assert!(names_matching(&*store, Some("zzz")).await.is_empty());

    // Pages of two, oldest first, cover every file once.
    let mut paged = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = PageRequest::first(SortBy::CreatedAt, SortDir::Asc, 2)
            .with_token(token.as_deref())
            .expect("own token");
        let page = store.list_files(WS, None, &req).await.expect("list files");
        paged.extend(page.items.into_iter().map(|f| f.name));
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(paged, names);

    // Deleting from another workspace does nothing.
    assert_eq!(
        store
            .delete_file(OTHER_WS, &files[0].id)
            .await
            .expect("delete"),
        None
    );
    assert!(
        store
            .get_file(WS, &files[0].id)
            .await
            .expect("get")
            .is_some()
    );

    // The blob stays referenced until its last file row is gone.
    assert!(store.blob_referenced(&shared).await.expect("referenced"));
    assert_eq!(
        store.delete_file(WS, &files[0].id).await.expect("delete"),
        Some(files[0].clone())
    );
    assert_eq!(store.get_file(WS, &files[0].id).await.expect("get"), None);
    assert!(store.blob_referenced(&shared).await.expect("referenced"));
    assert!(
        store
            .delete_file(WS, &files[1].id)
            .await
            .expect("delete")
            .is_some()
    );
    assert!(!store.blob_referenced(&shared).await.expect("referenced"));
    assert_eq!(
        store.delete_file(WS, &files[1].id).await.expect("delete"),
        None
    );
}
