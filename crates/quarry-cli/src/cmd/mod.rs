//! One module per `quarry` subcommand that runs without a long-lived
//! server: `parse` (print a file as markdown, spatial text or JSON),
//! `extract` (batch extraction, embedded or against `--url`), `bench`
//! (throughput and quality against the tools users compare us with) and
//! `config show` (the effective settings).

pub mod bench;
pub mod config;
pub mod extract;
pub mod parse;
pub mod spatial;

/// Writes `bytes` to stdout; a closed pipe (`quarry … | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}
