//! `quarry bench accuracy`: field-level precision/recall/F1 and document
//! exact match of an extraction engine on a corpus dataset
//! (`NAME/schema.json`, `NAME/docs/`, `NAME/expected/`).
//!
//! Every document goes through what a run does, minus the server: the file
//! is parsed by `quarry_parse::parse` (OCR included), the engine fills the
//! dataset's schema, and the value must pass `validate_output`. Scoring
//! follows the corpus scorer ([`super::score`]). The engine's own time is
//! measured apart from parsing, per page, because that is what the engine
//! costs on top of a parse that every run pays anyway.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use quarry_extract::{Engine, ExtractRequest, RulesEngine, validate_output, validate_schema};
use quarry_parse::{Document, Limits, paddle_available, parse, tessdata_dir};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::report::{progress, table};
use super::score::{Counts, FieldCounts, exact, score_document, total};
use super::{CorpusArgs, corpus};

#[derive(Debug, Args)]
pub struct AccuracyArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Dataset folder(s) of the corpus, comma-separated (e.g. invoices_cii,sroie).
    #[arg(long, required = true, value_delimiter = ',')]
    pub dataset: Vec<String>,
    /// The extraction engine to measure.
    #[arg(long, value_enum, default_value_t = EngineChoice::Rules)]
    pub engine: EngineChoice,
    /// Use only the first N documents of each dataset (0 = all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    /// Documents processed in parallel. Use 1 for the engine time figures.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Write each prediction as `<DIR>/<dataset>/<id>.json` (the corpus scorer's input).
    #[arg(long)]
    pub pred_dir: Option<PathBuf>,
    /// Keep parsed documents here (keyed by the file's sha256, the OCR model and the quarry
    /// version) so re-runs skip parsing and OCR. Delete it after parser changes.
    #[arg(long)]
    pub parse_cache: Option<PathBuf>,
    /// Print every wrong or missed field per document on stderr.
    #[arg(long)]
    pub show_errors: bool,
    /// Keep only the first N pages of each document (0 = all), for every
    /// engine alike: bounds the time a long document costs a slow model.
    #[arg(long, default_value_t = 0)]
    pub max_pages: usize,
    /// The model for `--engine llm|hybrid` (see docs/llm.md).
    #[command(flatten)]
    pub llm: crate::args::LlmArgs,
}

/// Engines `bench accuracy` can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    /// The embedded, offline rules engine.
    Rules,
    /// The model configured with the `--llm-*` flags, for every field.
    Llm,
    /// Rules first; the model only for fields the rules engine is unsure of.
    Hybrid,
}

/// The one place an engine is built from the `--engine` choice.
pub fn engine(choice: EngineChoice, llm: &crate::args::LlmArgs) -> anyhow::Result<Box<dyn Engine>> {
    match choice {
        EngineChoice::Rules => Ok(Box::new(RulesEngine)),
        EngineChoice::Llm | EngineChoice::Hybrid => {
            let config = llm.config()?.ok_or_else(|| {
                anyhow::anyhow!(
                    "--engine llm and hybrid need a model: pass --llm-model (and --llm-base-url)"
                )
            })?;
            let threshold = config.hybrid_threshold;
            let model = std::sync::Arc::new(quarry_llm::LlmEngine::new(config));
            Ok(if choice == EngineChoice::Llm {
                Box::new(ArcEngine(model))
            } else {
                Box::new(quarry_llm::HybridEngine::new(model, threshold))
            })
        }
    }
}

/// An engine shared with another (the hybrid engine holds the model's).
struct ArcEngine(std::sync::Arc<quarry_llm::LlmEngine>);

impl Engine for ArcEngine {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn extract(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<quarry_extract::ExtractOutput, quarry_extract::ExtractError> {
        self.0.extract(doc, request)
    }

    fn extract_metered(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<quarry_extract::Extraction, quarry_extract::ExtractError> {
        self.0.extract_metered(doc, request)
    }
}

/// The outcome of one document.
struct DocResult {
    id: String,
    pages: usize,
    parse: Duration,
    extract: Duration,
    /// The predicted value, or why there is none.
    value: Result<Value, String>,
    truth: Value,
    /// Model tokens spent (input, output).
    tokens: (u64, u64),
}

pub fn run(args: &AccuracyArgs) -> anyhow::Result<()> {
    let Some(dir) = corpus::locate(args.corpus.corpus.as_deref()) else {
        bail!("bench accuracy needs the corpus (--corpus or QUARRY_CORPUS)");
    };
    super::report::machine();
    let engine = engine(args.engine, &args.llm)?;
    for dataset in &args.dataset {
        let results = run_dataset(&dir, dataset, engine.as_ref(), args)?;
        report(dataset, engine.name(), &results, args);
    }
    Ok(())
}

fn run_dataset(
    dir: &Path,
    dataset: &str,
    engine: &dyn Engine,
    args: &AccuracyArgs,
) -> anyhow::Result<Vec<DocResult>> {
    let schema_path = dir.join(dataset).join("schema.json");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path)
            .with_context(|| format!("reading {}", schema_path.display()))?,
    )
    .with_context(|| format!("parsing {}", schema_path.display()))?;
    validate_schema(&schema)
        .with_context(|| format!("{} is not a valid schema", schema_path.display()))?;
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    let docs: Vec<PathBuf> = corpus::all_docs(dir, dataset)
        .into_iter()
        .take(limit)
        .collect();
    if docs.is_empty() {
        bail!(
            "no documents in {}",
            dir.join(dataset).join("docs").display()
        );
    }
    progress(&format!(
        "accuracy: {dataset}, {} documents, engine {}",
        docs.len(),
        engine.name()
    ));
    let request = ExtractRequest {
        schema: Some(schema.clone()),
        ..ExtractRequest::default()
    };
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<DocResult>> = Mutex::new(Vec::new());
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.clamp(1, 64) {
            scope.spawn(|| {
                while let Some(path) = docs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match one_document(path, engine, &request, &schema, args) {
                        Ok(r) => results.lock().unwrap_or_else(|e| e.into_inner()).push(r),
                        Err(e) => {
                            first_error
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .get_or_insert(e);
                        }
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_multiple_of(10) {
                        progress(&format!("accuracy: {dataset} {n} / {}", docs.len()));
                    }
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(pred_dir) = &args.pred_dir {
        write_predictions(&pred_dir.join(dataset), &results)?;
    }
    Ok(results)
}

fn one_document(
    path: &Path,
    engine: &dyn Engine,
    request: &ExtractRequest,
    schema: &Value,
    args: &AccuracyArgs,
) -> anyhow::Result<DocResult> {
    let truth = corpus::expected(path)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let started = Instant::now();
    let doc = parsed(&bytes, path, args.parse_cache.as_deref());
    let parse_time = started.elapsed();
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => {
            return Ok(DocResult {
                id,
                pages: 0,
                parse: parse_time,
                extract: Duration::ZERO,
                value: Err(format!("parse failed: {e}")),
                truth,
                tokens: (0, 0),
            });
        }
    };
    let mut doc = doc;
    if args.max_pages > 0 {
        doc.pages.truncate(args.max_pages);
    }
    let started = Instant::now();
    let output = engine.extract_metered(&doc, request);
    let extract = started.elapsed();
    let mut tokens = (0, 0);
    let value = match output {
        Ok(out) => {
            if let Some(t) = &out.tokens {
                tokens = (t.input_tokens, t.output_tokens);
            }
            match validate_output(schema, &out.output.value) {
                Ok(()) => Ok(out.output.value),
                Err(e) => Err(format!("output does not match the schema: {e}")),
            }
        }
        Err(e) => Err(format!("{}: {e}", e.failure_reason())),
    };
    Ok(DocResult {
        id,
        pages: doc.page_count(),
        parse: parse_time,
        extract,
        value,
        truth,
        tokens,
    })
}

/// Parses `bytes`, through the on-disk cache when one is given.
fn parsed(bytes: &[u8], path: &Path, cache: Option<&Path>) -> Result<Document, String> {
    let name = path.display().to_string();
    let Some(cache) = cache else {
        return parse(bytes, &name, &Limits::default()).map_err(|e| e.to_string());
    };
    let key = hex::encode(
        Sha256::new()
            .chain_update(bytes)
            .chain_update(ocr_model().as_bytes())
            .finalize(),
    );
    let file = cache.join(format!("{key}-{}.json", env!("CARGO_PKG_VERSION")));
    if let Some(doc) = std::fs::read(&file)
        .ok()
        .and_then(|b| serde_json::from_slice::<Document>(&b).ok())
    {
        return Ok(doc);
    }
    let doc = parse(bytes, &name, &Limits::default()).map_err(|e| e.to_string())?;
    if std::fs::create_dir_all(cache).is_ok()
        && let Ok(json) = serde_json::to_vec(&doc)
    {
        // A failed cache write only costs a re-parse next time.
        let _ = std::fs::write(&file, json);
    }
    Ok(doc)
}

/// Which OCR model parsing uses (PaddleOCR when it is installed, and the
/// tesseract model's path, size and modification time), so a cached parse
/// is not reused after the engine or model changes. Debian's own tesseract
/// model (no configured or installed directory) is named by an empty
/// string.
fn ocr_model() -> String {
    let engine = if paddle_available() { "paddle;" } else { "" };
    let Some(model) = tessdata_dir(&Limits::default()).map(|d| d.join("eng.traineddata")) else {
        return engine.to_string();
    };
    let meta = std::fs::metadata(&model).ok();
    let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
    let modified = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    format!("{engine}{}:{size}:{modified}", model.display())
}

fn write_predictions(dir: &Path, results: &[DocResult]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for r in results {
        let value = r.value.as_ref().unwrap_or(&Value::Null);
        let file = dir.join(format!("{}.json", r.id));
        std::fs::write(&file, serde_json::to_vec_pretty(value)?)
            .with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}

fn report(dataset: &str, engine: &str, results: &[DocResult], args: &AccuracyArgs) {
    let mut fields = FieldCounts::new();
    let mut exact_docs = 0;
    let mut failed = 0;
    for r in results {
        let pred = match &r.value {
            Ok(v) => v.clone(),
            Err(e) => {
                failed += 1;
                progress(&format!("{}: {e}", r.id));
                Value::Null
            }
        };
        let counts = score_document(&r.truth, &pred);
        if args.show_errors {
            show_errors(&r.id, &r.truth, &pred, &counts);
        }
        exact_docs += usize::from(r.value.is_ok() && exact(&counts));
        for (field, c) in counts {
            fields.entry(field).or_default().add(c);
        }
    }
    let row = |name: &str, c: &Counts| {
        vec![
            name.to_string(),
            (c.tp + c.fn_).to_string(),
            format!("{:.3}", c.precision()),
            format!("{:.3}", c.recall()),
            format!("{:.3}", c.f1()),
        ]
    };
    let mut rows: Vec<Vec<String>> = fields.iter().map(|(k, c)| row(k, c)).collect();
    let overall = total(fields.values());
    rows.push(row("**all fields (micro)**", &overall));
    println!("\n{dataset}: engine {engine}, {} documents", results.len());
    table(
        &["field", "truth values", "precision", "recall", "F1"],
        &rows,
    );
    let pages: usize = results.iter().map(|r| r.pages).sum();
    let extract: Duration = results.iter().map(|r| r.extract).sum();
    let parse: Duration = results.iter().map(|r| r.parse).sum();
    let slowest = results
        .iter()
        .filter(|r| r.pages > 0)
        .map(|r| r.extract.as_secs_f64() * 1000.0 / r.pages as f64)
        .fold(0.0, f64::max);
    let per_page = |d: Duration| d.as_secs_f64() * 1000.0 / pages.max(1) as f64;
    println!(
        "document exact match: {exact_docs} / {} ({:.1}%); failed runs: {failed}",
        results.len(),
        100.0 * exact_docs as f64 / results.len().max(1) as f64
    );
    println!(
        "pages: {pages}; parse {:.1} ms/page; engine {:.2} ms/page (slowest document {:.2} ms/page); jobs {}",
        per_page(parse),
        per_page(extract),
        slowest,
        args.jobs
    );
    let docs = results.len().max(1) as f64;
    let input: u64 = results.iter().map(|r| r.tokens.0).sum();
    let output: u64 = results.iter().map(|r| r.tokens.1).sum();
    if input + output > 0 {
        println!(
            "model tokens per document: input {:.0}, output {:.0}; output per page {:.0}; engine {:.1} s/page",
            input as f64 / docs,
            output as f64 / docs,
            output as f64 / pages.max(1) as f64,
            per_page(extract) / 1000.0
        );
    }
    println!(
        "summary: dataset={dataset} engine={engine} docs={} pages={pages} f1={:.4} precision={:.4} recall={:.4} failed={failed} in_tokens_per_doc={:.0} out_tokens_per_doc={:.0} s_per_page={:.2}",
        results.len(),
        overall.f1(),
        overall.precision(),
        overall.recall(),
        input as f64 / docs,
        output as f64 / docs,
        per_page(extract) / 1000.0
    );
    println!("overall_f1={:.4}", overall.f1());
}

/// Lists the wrong fields of one document (stderr), truth against prediction.
fn show_errors(id: &str, truth: &Value, pred: &Value, counts: &FieldCounts) {
    for (field, c) in counts.iter().filter(|(_, c)| c.fp + c.fn_ > 0) {
        let pick = |v: &Value| {
            if field.contains('.')
                && v.get(field.split('.').next().unwrap_or(""))
                    .is_some_and(Value::is_array)
            {
                String::new()
            } else {
                v.get(field.as_str())
                    .map(Value::to_string)
                    .unwrap_or_default()
            }
        };
        eprintln!(
            "  {id} {field}: tp {} fp {} fn {}  truth {}  pred {}",
            c.tp,
            c.fp,
            c.fn_,
            pick(truth),
            pick(pred)
        );
    }
}
