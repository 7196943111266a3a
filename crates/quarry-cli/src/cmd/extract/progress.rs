//! Progress on stderr: an `indicatif` bar on a terminal; one line per file
//! otherwise (CI logs, redirected output), so long batches are never silent.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::output::Record;

pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: std::cell::Cell<u64>,
}

impl Progress {
    pub fn new(total: u64, skipped: usize) -> Self {
        if skipped > 0 {
            eprintln!("skipping {skipped} file(s) already processed in the output");
        }
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} files ({per_sec}, eta {eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            total,
            done: 0.into(),
        }
    }

    pub fn record(&self, record: &Record) {
        self.done.set(self.done.get() + 1);
        match &self.bar {
            Some(bar) => {
                if !record.is_processed() {
                    bar.println(format!("FAILED {}: {}", record.file, record.failure_text()));
                }
                bar.inc(1);
            }
            None => eprintln!(
                "[{}/{}] {} {} ({} ms)",
                self.done.get(),
                self.total,
                record.status,
                record.file,
                record.duration_ms
            ),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
