//! The embedded backend: the workers' own pipeline (`quarry_pipeline`) on
//! a pool of threads, so `quarry extract` gives exactly the answers a
//! server would, without one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::anyhow;
use quarry_llm::{Engines, LlmConfig};
use quarry_model::enums::failure;
use quarry_parse::Limits;
use quarry_pipeline::{ExtractPlan, Input, run_extract};
use serde_json::Value;

use super::display;
use super::output::Record;

pub struct Local {
    plan: ExtractPlan,
    engines: Engines,
}

impl Local {
    /// Validates the config exactly as `POST /extract_runs` would; `llm`
    /// (from the `--llm-*` flags) serves the model-backed processors.
    pub fn new(config: Value, llm: Option<LlmConfig>) -> anyhow::Result<Self> {
        let plan = ExtractPlan::resolve(config, &Limits::default())
            .map_err(|e| anyhow!("invalid schema/config: {e}"))?;
        Ok(Self {
            plan,
            engines: Engines::new(llm),
        })
    }

    /// Extracts every file on `concurrency` threads, handing each record to
    /// `on_record` on the calling thread as soon as it is ready.
    pub fn run_all(
        &self,
        files: &[PathBuf],
        concurrency: usize,
        on_record: &mut dyn FnMut(Record) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..concurrency.clamp(1, files.len().max(1)) {
                let tx = tx.clone();
                let next = &next;
                scope.spawn(move || {
                    while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if tx.send(self.extract(file)).is_err() {
                            break; // the writer failed; stop early
                        }
                    }
                });
            }
            drop(tx);
            for record in rx {
                on_record(record)?;
            }
            Ok(())
        })
    }

    fn extract(&self, path: &Path) -> Record {
        let started = Instant::now();
        let file = display(path);
        let elapsed = |s: Instant| s.elapsed().as_millis() as u64;
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                return Record::failed(
                    file,
                    failure::FAILED_TO_PROCESS_FILE,
                    format!("cannot read the file: {e}"),
                    elapsed(started),
                );
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = Input {
            run_id: "local",
            file_id: &file,
            file_name: &name,
            bytes: &bytes,
            password: None,
        };
        // The pipeline must not panic; if a parser still does, that file
        // fails and the batch goes on, as in the server.
        let process = || run_extract(&self.plan, &self.engines, &input, false);
        match catch_unwind(AssertUnwindSafe(process)) {
            Ok(outcome) => {
                let failure = outcome.failure.as_ref();
                let run = serde_json::json!({
                    "status": outcome.status,
                    "output": outcome.output,
                    "failureReason": failure.map(|f| &f.reason),
                    "failureMessage": failure.map(|f| &f.message),
                });
                Record::from_run(file, &run, elapsed(started))
            }
            Err(_) => Record::failed(
                file,
                failure::INTERNAL_ERROR,
                "the extraction pipeline panicked",
                elapsed(started),
            ),
        }
    }
}
