//! Case-insensitive file-name filters fold non-ASCII letters alike on both
//! backends (SQLite's `LOWER()` is ASCII-only, so the store compares against
//! name columns folded in Rust), and still escape `%` and `_`.

use std::sync::Arc;

use quarry_model::enums::{SortBy, SortDir};
use quarry_model::time::now_ms;
use quarry_store::prelude::*;
use quarry_store::{PageRequest, RunFilter, sha256_hex};

use crate::fixtures::{WS, run};
use crate::keys_files::file;
use crate::parse_runs::parse_run;

const UBER: &str = "Über_Straße.PDF";
const ETE: &str = "ÉTÉ.txt";
const PLAIN: &str = "plain.txt";

/// `(needle, names it must find)`.
const CASES: &[(&str, &[&str])] = &[
    ("über", &[UBER]),
    ("ÜBER", &[UBER]),
    ("straße", &[UBER]),
    ("été", &[ETE]),
    ("PLAIN", &[PLAIN]),
    (".pdf", &[UBER]),
    (".TXT", &[ETE, PLAIN]),
    ("_", &[UBER]),
    ("%", &[]),
    ("r_s", &[UBER]),
    ("é_", &[]),
];

fn page() -> PageRequest {
    PageRequest::first(SortBy::CreatedAt, SortDir::Asc, 100)
}

fn sorted(names: impl IntoIterator<Item = Option<String>>) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().flatten().collect();
    names.sort();
    names
}

fn want(names: &[&str]) -> Vec<String> {
    sorted(names.iter().map(|n| Some(n.to_string())))
}

pub async fn name_filters_fold_non_ascii(store: Arc<dyn Store>) {
    let store = &*store;
    store.ensure_workspace(WS, "Main").await.expect("workspace");
    let now = now_ms();
    let sha = sha256_hex(b"bytes");
    for (i, name) in [UBER, ETE, PLAIN].into_iter().enumerate() {
        let f = file(WS, name, &sha, now + i as i64);
        store.insert_file(&f).await.expect("insert file");
    }

    // Extract runs: two named on insert, one named by attaching a file.
    let mut runs: Vec<_> = (0..3).map(|i| run(50, now + i)).collect();
    runs[0].file_name = Some(UBER.to_string());
    runs[2].file_name = Some(PLAIN.to_string());
    store
        .extract_runs()
        .create(&runs, None)
        .await
        .expect("create runs");
    store
        .extract_runs()
        .attach_file(WS, &runs[1].id, &file(WS, ETE, &sha, now))
        .await
        .expect("attach file");

    // Parse runs: likewise.
    let mut parses = vec![
        parse_run(UBER, now, None),
        parse_run("unnamed", now + 1, None),
        parse_run(PLAIN, now + 2, None),
    ];
    parses[1].file_name = None;
    store
        .parse_runs()
        .create(&parses, None)
        .await
        .expect("create parse runs");
    store
        .parse_runs()
        .attach_file(WS, &parses[1].id, &file(WS, ETE, &sha, now))
        .await
        .expect("attach parse file");

    for &(needle, expected) in CASES {
        let files = store
            .list_files(WS, Some(needle), &page())
            .await
            .expect("list files");
        let files = sorted(files.items.into_iter().map(|f| Some(f.name)));
        assert_eq!(files, want(expected), "files matching {needle:?}");

        let filter = RunFilter {
            file_name_contains: Some(needle.to_string()),
            ..Default::default()
        };
        let found = store
            .extract_runs()
            .list(WS, &filter, &page())
            .await
            .expect("list runs");
        let found = sorted(found.items.into_iter().map(|r| r.core.file_name));
        assert_eq!(found, want(expected), "extract runs matching {needle:?}");

        let filter = RunFilter {
            file_name_contains: Some(needle.to_string()),
            ..Default::default()
        };
        let found = store
            .parse_runs()
            .list(WS, &filter, &page())
            .await
            .expect("list parse runs");
        let found = sorted(found.items.into_iter().map(|r| r.core.file_name));
        assert_eq!(found, want(expected), "parse runs matching {needle:?}");
    }
}
