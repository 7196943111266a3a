//! The config file (`--config` / `QUARRY_CONFIG`) and `quarry config show`:
//! precedence flag > QUARRY_* variable > file > default, secrets redacted,
//! unknown keys refused, and a real `quarry serve` taking its settings from
//! the file.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `quarry` in `dir`, with no settings inherited from the test runner.
fn quarry(dir: &Path) -> Command {
    let mut cmd = support::quarry();
    cmd.current_dir(dir);
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run quarry");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

const FILE: &str = r#"
workers = 5
max-pages = 77
database-url = "postgres://quarry:hunter2@db.internal:5432/quarry"
[llm]
model = "qwen"
api_key = "sk-very-secret"
"#;

#[test]
fn config_show_prints_each_setting_with_its_source_and_no_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("quarry.toml"), FILE).expect("write config");
    let (ok, out, err) = run(quarry(dir.path())
        .args(["--config", "quarry.toml", "config", "show"])
        .env("QUARRY_WORKERS", "7"));
    assert!(ok, "{err}");
    for line in [
        "workers = 7  # from QUARRY_WORKERS",
        "max-pages = 77  # from the config file",
        "llm-model = \"qwen\"  # from the config file",
        "llm-api-key = \"<redacted>\"  # from the config file",
        "bind = \"127.0.0.1:8080\"  # default",
        "# public-url = (unset)",
    ] {
        assert!(out.lines().any(|l| l == line), "missing `{line}` in\n{out}");
    }
    assert!(
        !out.contains("sk-very-secret") && !out.contains("hunter2"),
        "{out}"
    );
    assert!(
        out.contains("db.internal"),
        "only the password is hidden: {out}"
    );

    // The output is a config file itself.
    std::fs::write(dir.path().join("shown.toml"), &out).expect("write shown");
    let (ok, again, err) =
        run(quarry(dir.path()).args(["--config", "shown.toml", "config", "show"]));
    assert!(ok, "{err}");
    assert!(
        again.contains("workers = 7  # from the config file"),
        "{again}"
    );

    let (ok, worker, err) = run(quarry(dir.path())
        .args(["config", "show", "--for", "worker"])
        .env("QUARRY_CONFIG", dir.path().join("quarry.toml")));
    assert!(ok, "{err}");
    assert!(worker.contains("concurrency = 2  # default"), "{worker}");
    assert!(
        !worker.contains("\nbind ="),
        "serve-only settings are not listed: {worker}"
    );
}

#[test]
fn bad_config_files_fail_with_the_key_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("wrokers = 3", "did you mean `workers`"),
        ("bind = \"nowhere\"", "nowhere"),
        ("llm-provider = \"gemini\"\nllm-model = \"m\"", "gemini"),
        ("workers = [1, 2]", "array"),
    ];
    for (text, expected) in cases {
        std::fs::write(dir.path().join("bad.toml"), text).expect("write");
        let (ok, _, err) = run(quarry(dir.path()).args(["--config", "bad.toml", "config", "show"]));
        assert!(!ok, "{text} was accepted");
        assert!(err.contains(expected), "{text}: {err}");
    }
    let (ok, _, err) = run(quarry(dir.path()).args(["--config", "missing.toml", "config", "show"]));
    assert!(!ok && err.contains("missing.toml"), "{err}");
}

#[test]
fn serve_takes_its_settings_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("state");
    let file = format!(
        "bind = \"127.0.0.1:0\"\ndata-dir = \"{}\"\nworkers = 0\n",
        data.display()
    );
    std::fs::write(dir.path().join("quarry.toml"), file).expect("write config");
    let mut child = quarry(dir.path())
        .args(["serve", "--config", "quarry.toml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn quarry serve");
    let listening = support::listening_addr(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    let addr = listening.expect("serve printed its address");
    assert!(
        addr.starts_with("127.0.0.1:") && !addr.ends_with(":8080"),
        "port 0 from the file: {addr}"
    );
    assert!(data.exists(), "the data dir from the file was used");
}
