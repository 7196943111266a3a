//! `quarry parse` as a user runs it: the built binary on real files.

use std::process::{Command, Output};

fn quarry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(args)
        .output()
        .expect("run the quarry binary")
}

fn fixture(name: &str, contents: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write fixture");
    (dir, path.display().to_string())
}

#[test]
fn prints_markdown_of_a_csv_as_a_pipe_table() {
    let (_dir, path) = fixture("items.csv", "name,qty\nbolt,12\nnut,7\n");
    let out = quarry(&["parse", &path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("| name | qty |"), "{md}");
    assert!(md.contains("| bolt | 12 |"), "{md}");
}

#[test]
fn spatial_target_keeps_columns_aligned() {
    let (_dir, path) = fixture("form.txt", "Total        12.50\nTax           1.00\n");
    let out = quarry(&["parse", &path, "--target", "spatial"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let end = |l: &str| l.trim_end().len();
    assert_eq!(
        end(lines[0]),
        end(lines[1]),
        "right-aligned amounts: {text}"
    );
}

#[test]
fn json_is_the_document_with_word_boxes() {
    let (_dir, path) = fixture("note.txt", "hello world\n");
    let out = quarry(&["parse", &path, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let word = &doc["pages"][0]["lines"][0]["words"][1];
    assert_eq!(word["text"], "world");
    assert!(word["bbox"]["left"].as_f64().is_some_and(|l| l > 0.0));
}

#[test]
fn a_missing_file_fails_naming_the_file_and_cause() {
    let out = quarry(&["parse", "/nonexistent/invoice.pdf"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/invoice.pdf"), "{err}");
    assert!(err.contains("No such file"), "{err}");
}

#[test]
fn a_corrupt_pdf_fails_naming_the_file() {
    let (_dir, path) = fixture("broken.pdf", "%PDF-1.7\nthis is not a pdf");
    let out = quarry(&["parse", &path]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.pdf"), "{err}");
}

#[test]
fn completions_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let out = quarry(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8_lossy(&out.stdout);
        for sub in ["serve", "worker", "extract", "parse", "bench"] {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
    }
}
