//! `quarry extract <files or dirs…>`: batch extraction from the command line.
//!
//! Runs every file through either the embedded pipeline (parse → engine →
//! validate, exactly what a worker does, no server or database needed) or a
//! remote Quarry/Extend-compatible server (`--url`). Results stream to a
//! JSONL or CSV file one record per file, flushed as they finish, so a
//! batch that is interrupted — or that hits a corrupt file — loses nothing:
//! a re-run skips the files already `PROCESSED` in the output and retries
//! the rest. Progress goes to stderr (a bar on a terminal, lines otherwise),
//! and a summary closes the run.

mod local;
mod output;
mod progress;
mod remote;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;

use output::{Format, Record, ResultSink};
use progress::Progress;

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files and/or directories (searched recursively; hidden entries skipped).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// JSON schema (Extend dialect) to extract with.
    #[arg(
        long,
        conflicts_with = "extractor",
        required_unless_present = "extractor"
    )]
    pub schema: Option<PathBuf>,
    /// An extractor id (`ex_…`) on the server given by --url.
    #[arg(long, requires = "url")]
    pub extractor: Option<String>,
    /// Engine (`baseProcessor`) to run: extraction_performance, extraction_light
    /// or extraction_operator.
    #[arg(long)]
    pub engine: Option<String>,
    /// Where results go: `*.csv` writes CSV, anything else JSONL. Without it,
    /// JSONL goes to stdout and nothing is resumed.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Files processed at the same time.
    #[arg(long, default_value_t = default_concurrency())]
    pub concurrency: usize,
    /// Send the files to this server instead of extracting in-process.
    #[arg(long, env = "QUARRY_URL")]
    pub url: Option<String>,
    /// API key for --url.
    #[arg(long, env = "QUARRY_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// A model for the embedded pipeline (ignored with --url: the server's
    /// own engines apply there).
    #[command(flatten)]
    pub llm: crate::args::LlmArgs,
}

fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// How files become records: in this process or on a server. Both are
/// boxed: each is built once per command, and their sizes differ a lot.
pub enum Backend {
    Local(Box<local::Local>),
    Remote(Box<remote::Remote>),
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let files = collect_files(&args.inputs)?;
    let format = args.out.as_deref().map_or(Format::Jsonl, Format::for_path);
    let (backend, columns) = backend(args)?;
    let (mut sink, done) = ResultSink::open(args.out.as_deref(), format, &columns)?;
    let todo: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !done.contains(&display(f)))
        .collect();
    let skipped = done.len();
    let progress = Progress::new(todo.len() as u64, skipped);
    let mut summary = Summary::default();
    let mut on_record = |record: Record| -> anyhow::Result<()> {
        progress.record(&record);
        summary.add(&record);
        sink.write(&record)
    };
    match backend {
        Backend::Local(local) => local.run_all(&todo, args.concurrency, &mut on_record)?,
        Backend::Remote(remote) => remote.run_all(&todo, args.concurrency, &mut on_record)?,
    }
    sink.finish()?;
    progress.finish();
    summary.print(skipped, started.elapsed());
    // Failed files are recorded and the batch completed, but scripts must
    // be able to tell: exit non-zero. A re-run retries exactly those files.
    if !summary.failed.is_empty() {
        bail!(
            "{} file(s) failed (recorded in the output; re-run to retry them)",
            summary.failed.len()
        );
    }
    Ok(())
}

/// Builds the backend and the CSV columns (the schema's top-level fields).
fn backend(args: &ExtractArgs) -> anyhow::Result<(Backend, Vec<String>)> {
    let schema = match &args.schema {
        Some(path) => Some(read_schema(path)?),
        None => None,
    };
    let mut config = serde_json::Map::new();
    if let Some(s) = &schema {
        config.insert("schema".into(), s.clone());
    }
    if let Some(engine) = &args.engine {
        config.insert("baseProcessor".into(), Value::String(engine.clone()));
    }
    let config = Value::Object(config);
    if let Some(url) = &args.url {
        let remote =
            remote::Remote::new(url, args.api_key.as_deref(), config, args.extractor.clone())?;
        let schema = match schema {
            Some(s) => s,
            None => remote.extractor_schema()?,
        };
        return Ok((Backend::Remote(Box::new(remote)), columns_of(&schema)));
    }
    let Some(schema) = schema else {
        bail!("--extractor needs a server: pass --url (or use --schema to extract locally)");
    };
    let local = local::Local::new(config, args.llm.config()?)?;
    Ok((Backend::Local(Box::new(local)), columns_of(&schema)))
}

fn read_schema(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the schema {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

fn columns_of(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Every regular file under `inputs`, sorted and de-duplicated, so runs and
/// re-runs visit files in the same order.
fn collect_files(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = BTreeSet::new();
    for input in inputs {
        let meta =
            std::fs::metadata(input).with_context(|| format!("cannot read {}", input.display()))?;
        if meta.is_dir() {
            walk(input, &mut out)?;
        } else {
            out.insert(input.clone());
        }
    }
    Ok(out.into_iter().collect())
}

fn walk(dir: &Path, out: &mut BTreeSet<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.is_file() {
            out.insert(path);
        }
    }
    Ok(())
}

/// The key a file is recorded under in the output (its path as given).
pub fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Counts for the closing table.
#[derive(Default)]
struct Summary {
    processed: usize,
    failed: Vec<(String, String)>,
}

impl Summary {
    fn add(&mut self, record: &Record) {
        if record.is_processed() {
            self.processed += 1;
        } else {
            self.failed
                .push((record.file.clone(), record.failure_text()));
        }
    }

    fn print(&self, skipped: usize, elapsed: std::time::Duration) {
        eprintln!();
        eprintln!("  processed  {:>6}", self.processed);
        eprintln!("  failed     {:>6}", self.failed.len());
        eprintln!(
            "  skipped    {:>6}  (already processed in the output)",
            skipped
        );
        eprintln!("  time       {:>6.1}s", elapsed.as_secs_f64());
        for (file, why) in &self.failed {
            eprintln!("  FAILED {file}: {why}");
        }
    }
}
