//! Helpers for tests that start the `quarry` binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command};

/// `quarry` without the QUARRY_* and OTEL_* variables of the test runner, so
/// a test sees only the settings it gives.
pub fn quarry() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quarry"));
    for (key, _) in std::env::vars() {
        if key.starts_with("QUARRY_") || key.starts_with("OTEL_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// The `host:port` a `quarry serve` started with piped stdout prints, or
/// `None` if it exits first.
pub fn listening_addr(child: &mut Child) -> Option<String> {
    let stdout = child.stdout.take()?;
    BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("quarry listening on http://")
                .map(str::to_string)
        })
}
