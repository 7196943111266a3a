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
//!
//! Each dataset also gets the calibration figures of the confidence the API
//! returns (`metadata[path].ocrConfidence`): the expected calibration error
//! and the auto-accept share ([`super::calibrate`]). With `--folds K` (rules
//! engine), the calibration is cross-validated by group folds and the
//! held-out F1, ECE and auto-accept share are reported beside the full-set
//! ones.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use quarry_extract::{Analysis, Engine, ExtractRequest, RulesEngine, validate_schema};
use quarry_parse::{Document, Limits};
use quarry_pipeline::{ExtractPlan, extract_document};
use serde_json::{Map, Value};

use super::calibrate::{self, CrossValidated, Set, figures};
use super::outcomes::outcomes;
use super::report::{progress, table};
use super::score::{Counts, FieldCounts, ScoreRules, exact, score_document, total};
use super::{CorpusArgs, corpus, parse_cache};

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
    /// Cross-validate the calibration with K folds split by vendor/merchant/
    /// party group (rules engine; 0 = full set only).
    #[arg(long, default_value_t = 0)]
    pub folds: usize,
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

impl EngineChoice {
    fn name(self) -> &'static str {
        match self {
            Self::Rules => "rules",
            Self::Llm => "llm",
            Self::Hybrid => "hybrid",
        }
    }
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
    /// The engine's metadata (confidence per path).
    metadata: Map<String, Value>,
    /// The rules engine's analysis before calibration (rules engine only).
    analysis: Option<Analysis>,
    truth: Value,
    /// Model tokens spent (input, output).
    tokens: (u64, u64),
}

/// One dataset's results and scoring rules.
pub struct DatasetRun {
    pub name: String,
    rules: ScoreRules,
    results: Vec<DocResult>,
}

impl DatasetRun {
    /// The documents the rules engine analysed, for calibration.
    pub fn calibration_set(&self) -> Set<'_> {
        Set {
            name: &self.name,
            rules: &self.rules,
            docs: self
                .results
                .iter()
                .filter_map(|r| {
                    r.analysis.as_ref().map(|a| calibrate::Doc {
                        truth: &r.truth,
                        analysis: a,
                    })
                })
                .collect(),
        }
    }
}

pub fn run(args: &AccuracyArgs) -> anyhow::Result<()> {
    let Some(dir) = corpus::locate(args.corpus.corpus.as_deref()) else {
        bail!("bench accuracy needs the corpus (--corpus or QUARRY_CORPUS)");
    };
    super::report::machine();
    let runs = run_all(&dir, args)?;
    let sets: Vec<Set> = runs.iter().map(DatasetRun::calibration_set).collect();
    for (i, run) in runs.iter().enumerate() {
        let cv = (args.folds > 1 && !sets[i].docs.is_empty())
            .then(|| calibrate::cross_validate(&sets, i, args.folds));
        report(run, args, cv.as_ref());
    }
    Ok(())
}

/// `bench calibrate`: fits the calibration on every dataset together; the
/// auto-accept threshold is taken from the held-out probabilities of
/// `--folds` group folds (5 if not given; each dataset thinned to the same
/// number of values), so it is not an in-sample figure.
pub fn refit(args: &super::CalibrateArgs) -> anyhow::Result<()> {
    let args_in = &args.accuracy;
    if args_in.engine != EngineChoice::Rules {
        bail!("bench calibrate fits the rules engine's calibration: use --engine rules");
    }
    let Some(dir) = corpus::locate(args_in.corpus.corpus.as_deref()) else {
        bail!("bench calibrate needs the corpus (--corpus or QUARRY_CORPUS)");
    };
    super::report::machine();
    let runs = run_all(&dir, args_in)?;
    let sets: Vec<Set> = runs.iter().map(DatasetRun::calibration_set).collect();
    let k = if args_in.folds > 1 { args_in.folds } else { 5 };
    if let Some(path) = &args.dump {
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        calibrate::dump(&sets, k, &mut out)
            .and_then(|()| std::io::Write::flush(&mut out))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
        return Ok(());
    }
    let mut fitted = calibrate::fit_all(&sets);
    let mut held_out = Vec::new();
    let mut rows = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let cv = calibrate::cross_validate(&sets, i, k);
        let (e, t, share) = figures(&cv.judged);
        rows.push(vec![
            set.name.to_string(),
            format!("{:.3}", total(cv.fields.values()).f1()),
            format!("{e:.3}"),
            format!("{t:.3}"),
            format!("{:.1}%", 100.0 * share),
        ]);
        held_out.extend(calibrate::thinned(&cv.judged));
    }
    fitted.auto_accept = quarry_extract::calibration::auto_accept(&held_out).0;
    table(
        &[
            "dataset",
            "F1 cross-validated",
            "ECE",
            "auto-accept threshold",
            "auto-accept share",
        ],
        &rows,
    );
    println!(
        "fitted on {} datasets: abstain below {:.3}; auto-accept at >= {:.3} (held-out, all datasets)",
        sets.len(),
        fitted.abstain_below,
        fitted.auto_accept
    );
    match &args.write {
        Some(path) => {
            std::fs::write(path, fitted.to_json())
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        None => print!("{}", fitted.to_json()),
    }
    Ok(())
}

/// Runs every dataset of `args` through the engine.
pub fn run_all(dir: &Path, args: &AccuracyArgs) -> anyhow::Result<Vec<DatasetRun>> {
    let engine = engine(args.engine, &args.llm)?;
    let mut runs = Vec::new();
    for dataset in &args.dataset {
        let results = run_dataset(dir, dataset, engine.as_ref(), args)?;
        runs.push(DatasetRun {
            name: dataset.clone(),
            rules: ScoreRules::load(&dir.join(dataset))?,
            results,
        });
    }
    Ok(runs)
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
    let plan = ExtractPlan::resolve(serde_json::json!({ "schema": schema }), &Limits::default())
        .with_context(|| format!("{} is not a valid schema", schema_path.display()))?;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<DocResult>> = Mutex::new(Vec::new());
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.clamp(1, 64) {
            scope.spawn(|| {
                while let Some(path) = docs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match one_document(path, engine, &plan, args) {
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
    plan: &ExtractPlan,
    args: &AccuracyArgs,
) -> anyhow::Result<DocResult> {
    let truth = corpus::expected(path)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let started = Instant::now();
    let doc = parse_cache::parsed(&bytes, path, args.parse_cache.as_deref());
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
                metadata: Map::new(),
                analysis: None,
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
    let output = extract_document(plan, engine, &doc, None);
    let extract = started.elapsed();
    let mut tokens = (0, 0);
    let (value, metadata) = match output {
        Ok(out) => {
            if let Some(t) = &out.tokens {
                tokens = (t.input_tokens, t.output_tokens);
            }
            (Ok(out.output.value), out.output.metadata)
        }
        Err(f) => (Err(format!("{}: {}", f.reason, f.message)), Map::new()),
    };
    let analysis = match args.engine {
        EngineChoice::Rules => plan
            .schema
            .as_ref()
            .and_then(|schema| RulesEngine.analyse(&doc, &plan.request(schema, None)).ok()),
        EngineChoice::Llm | EngineChoice::Hybrid => None,
    };
    Ok(DocResult {
        id,
        pages: doc.page_count(),
        parse: parse_time,
        extract,
        value,
        metadata,
        analysis,
        truth,
        tokens,
    })
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

fn report(run: &DatasetRun, args: &AccuracyArgs, cv: Option<&CrossValidated>) {
    let results = &run.results;
    let mut fields = FieldCounts::new();
    let mut judged: Vec<(f64, bool)> = Vec::new();
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
        let counts = score_document(&r.truth, &pred, &run.rules);
        if args.show_errors {
            show_errors(&r.id, &r.truth, &pred, &counts);
        }
        exact_docs += usize::from(r.value.is_ok() && exact(&counts));
        for (field, c) in counts {
            fields.entry(field).or_default().add(c);
        }
        judged.extend(confidences(&r.truth, &pred, &r.metadata, &run.rules));
    }
    let cv_f1 = |field: &str| {
        cv.map(|cv| {
            let c = if field.is_empty() {
                total(cv.fields.values())
            } else {
                cv.fields.get(field).copied().unwrap_or_default()
            };
            format!("{:.3}", c.f1())
        })
    };
    let row = |name: &str, key: &str, c: &Counts| {
        let mut cells = vec![
            name.to_string(),
            (c.tp + c.fn_).to_string(),
            format!("{:.3}", c.precision()),
            format!("{:.3}", c.recall()),
            format!("{:.3}", c.f1()),
        ];
        cells.extend(cv_f1(key));
        cells
    };
    let mut rows: Vec<Vec<String>> = fields.iter().map(|(k, c)| row(k, k, c)).collect();
    let overall = total(fields.values());
    rows.push(row("**all fields (micro)**", "", &overall));
    println!(
        "\n{}: engine {}, {} documents",
        run.name,
        args.engine.name(),
        results.len()
    );
    let mut header = vec!["field", "truth values", "precision", "recall", "F1"];
    if cv.is_some() {
        header.push("F1 cross-validated");
    }
    table(&header, &rows);
    times(results, exact_docs, failed, args.jobs);
    model_summary(&run.name, args.engine.name(), results, &overall, failed);
    println!("overall_f1={:.4}", overall.f1());
    let (e, t, share) = figures(&judged);
    println!(
        "confidence as returned: {} predicted values; ECE {e:.3}; auto-accept at >= {t:.3}: {:.1}% of values",
        judged.len(),
        100.0 * share
    );
    println!("ece={e:.4} auto_accept_share={share:.4}");
    if let Some(cv) = cv {
        let (e, t, share) = figures(&cv.judged);
        let f1 = total(cv.fields.values()).f1();
        println!(
            "cross-validated ({} group folds, calibration fitted on the other folds and the other datasets): F1 {f1:.3}; {} values withdrawn; ECE {e:.3}; auto-accept at >= {t:.3}: {:.1}% of values",
            args.folds,
            cv.withdrawn,
            100.0 * share
        );
        println!("cv_f1={f1:.4} cv_ece={e:.4} cv_auto_accept_share={share:.4}");
    }
}

/// (returned confidence, right) of every predicted value that has one.
fn confidences(
    truth: &Value,
    pred: &Value,
    metadata: &Map<String, Value>,
    rules: &ScoreRules,
) -> Vec<(f64, bool)> {
    outcomes(truth, pred, rules)
        .into_iter()
        .filter_map(|o| {
            let p = metadata.get(&o.path)?.get("ocrConfidence")?.as_f64()?;
            Some((p, o.right))
        })
        .collect()
}

fn times(results: &[DocResult], exact_docs: usize, failed: usize, jobs: usize) {
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
        "pages: {pages}; parse {:.1} ms/page; engine {:.2} ms/page (slowest document {:.2} ms/page); jobs {jobs}",
        per_page(parse),
        per_page(extract),
        slowest,
    );
}

/// Model tokens and time per document, and one `summary:` line that
/// scripts/bench-llm collects into its table.
fn model_summary(
    dataset: &str,
    engine: &str,
    results: &[DocResult],
    overall: &Counts,
    failed: usize,
) {
    let pages: usize = results.iter().map(|r| r.pages).sum();
    let extract: Duration = results.iter().map(|r| r.extract).sum();
    let s_per_page = extract.as_secs_f64() / pages.max(1) as f64;
    let docs = results.len().max(1) as f64;
    let input: u64 = results.iter().map(|r| r.tokens.0).sum();
    let output: u64 = results.iter().map(|r| r.tokens.1).sum();
    if input + output > 0 {
        println!(
            "model tokens per document: input {:.0}, output {:.0}; output per page {:.0}; engine {s_per_page:.1} s/page",
            input as f64 / docs,
            output as f64 / docs,
            output as f64 / pages.max(1) as f64,
        );
    }
    println!(
        "summary: dataset={dataset} engine={engine} docs={} pages={pages} f1={:.4} precision={:.4} recall={:.4} failed={failed} in_tokens_per_doc={:.0} out_tokens_per_doc={:.0} s_per_page={s_per_page:.2}",
        results.len(),
        overall.f1(),
        overall.precision(),
        overall.recall(),
        input as f64 / docs,
        output as f64 / docs,
    );
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
