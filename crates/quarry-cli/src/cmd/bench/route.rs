//! `quarry bench route`: the offline classify and split engines
//! (`quarry-classify`) on corpus datasets.
//!
//! A dataset with `splitter_config.json` is split (truth: `{"splits":
//! [{type, startPage, endPage}]}`); any other is classified with its
//! `classifications.json`, or with `--classes FILE` for datasets that have
//! no config of their own (out-of-set checks), whose truth is then the one
//! kind given by `--expect DATASET=KIND`. Predictions are written in the
//! corpus scorer's shape (`{"type": …}`, `{"splits": […]}`).
//!
//! Figures: classification accuracy, split page-range F1 (a split counts
//! when its type and both page numbers match), the field micro-F1 the
//! corpus scorer prints for the same predictions, the share of right
//! answers among those with confidence ≥ 0.9, and the softmax temperature
//! that would fit the set best (in-sample and leave-one-kind-out), which
//! is how the engine's fixed temperature is checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, bail};
use clap::Args;
use quarry_classify::{Class, SplitOptions, classify, softmax, split};
use quarry_parse::{Document, Limits};
use quarry_pipeline::{ClassifyPlan, ConfigError, SplitPlan};
use serde_json::{Value, json};

use super::report::{progress, table};
use super::score::{ScoreRules, score_document, total};
use super::{CorpusArgs, corpus, parse_cache};

/// Confidence at or above which an answer would be accepted unreviewed.
const HIGH_CONFIDENCE: f64 = 0.9;

#[derive(Debug, Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Dataset folder(s) of the corpus, comma-separated (e.g.
    /// classify_doctype,split_packets).
    #[arg(long, required = true, value_delimiter = ',')]
    pub dataset: Vec<String>,
    /// A classify config (`{"classifications": […]}`) for datasets without
    /// their own, e.g. classify_doctype/classifications.json.
    #[arg(long)]
    pub classes: Option<PathBuf>,
    /// The kind of every document of a dataset without truth of its own,
    /// as DATASET=KIND (e.g. tables=report,sroie=receipt).
    #[arg(long, value_delimiter = ',')]
    pub expect: Vec<String>,
    /// Use only the first N documents of each dataset (0 = all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    /// Documents parsed in parallel.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Write each prediction as `<DIR>/<dataset>/<id>.json`.
    #[arg(long)]
    pub pred_dir: Option<PathBuf>,
    /// Keep parsed documents here (as `bench accuracy --parse-cache`).
    #[arg(long)]
    pub parse_cache: Option<PathBuf>,
    /// Print every wrong answer on stderr.
    #[arg(long)]
    pub show_errors: bool,
}

/// A dataset's config: its classes and rules text.
struct Config {
    classes: Vec<Class>,
    rules: Option<String>,
    splits: bool,
    /// The split plan's `strictIdentifierModeEnabled`.
    strict_identifier: bool,
}

pub fn run(args: &RouteArgs) -> anyhow::Result<()> {
    let Some(dir) = corpus::locate(args.corpus.corpus.as_deref()) else {
        bail!("bench route needs the corpus (--corpus or QUARRY_CORPUS)");
    };
    let mut pooled: Vec<Judged> = Vec::new();
    for dataset in &args.dataset {
        let set = dir.join(dataset);
        let config = config(&set, args.classes.as_deref())?;
        let docs = parsed_docs(&dir, dataset, args)?;
        if config.splits {
            split_set(&set, dataset, &config, &docs, args)?;
        } else {
            pooled.extend(classify_set(dataset, &config, &docs, args)?);
        }
    }
    temperature_check(&pooled);
    Ok(())
}

/// The dataset's own config, else `--classes`.
fn config(set: &Path, fallback: Option<&Path>) -> anyhow::Result<Config> {
    let splitter = set.join("splitter_config.json");
    let own = set.join("classifications.json");
    let (path, splits) = if splitter.is_file() {
        (splitter, true)
    } else if own.is_file() {
        (own, false)
    } else if let Some(f) = fallback {
        (f.to_path_buf(), false)
    } else {
        bail!(
            "{} has no classify or split config: pass --classes",
            set.display()
        );
    };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let v: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    // The configs are read by the plans runs use, so the bench measures
    // what the API does (defaults such as strict identifier mode included).
    let limits = Limits::default();
    let plan_error = |e: ConfigError| anyhow::anyhow!("{}: {e}", path.display());
    let (routing, strict_identifier) = if splits {
        let plan = SplitPlan::resolve(v, &limits).map_err(plan_error)?;
        (plan.routing, plan.strict_identifier)
    } else {
        (
            ClassifyPlan::resolve(v, &limits)
                .map_err(plan_error)?
                .routing,
            false,
        )
    };
    Ok(Config {
        classes: routing.classes,
        rules: routing.rules,
        splits,
        strict_identifier,
    })
}

/// One classified document: its dataset, whether the answer was right,
/// the index of the true class and the raw class scores (empty when the
/// true kind is not a class or the run failed).
struct Judged {
    dataset: String,
    truth: Option<usize>,
    scores: Vec<f64>,
}

/// One parsed document with its id and truth.
struct Parsed {
    id: String,
    doc: Result<Document, String>,
    truth: Option<Value>,
}

fn parsed_docs(dir: &Path, dataset: &str, args: &RouteArgs) -> anyhow::Result<Vec<Parsed>> {
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    let files: Vec<PathBuf> = corpus::all_docs(dir, dataset)
        .into_iter()
        .take(limit)
        .collect();
    if files.is_empty() {
        bail!(
            "no documents in {}",
            dir.join(dataset).join("docs").display()
        );
    }
    progress(&format!("route: {dataset}, {} documents", files.len()));
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.clamp(1, 64) {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let parsed = Parsed {
                        id: path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        doc: std::fs::read(path)
                            .map_err(|e| e.to_string())
                            .and_then(|b| {
                                parse_cache::parsed(&b, path, args.parse_cache.as_deref())
                            }),
                        truth: corpus::expected(path).ok(),
                    };
                    out.lock().unwrap_or_else(|e| e.into_inner()).push(parsed);
                }
            });
        }
    });
    let mut docs = out.into_inner().unwrap_or_else(|e| e.into_inner());
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(docs)
}

/// The kind `--expect` gives `dataset`.
fn expected_kind(dataset: &str, expect: &[String]) -> Option<String> {
    expect.iter().find_map(|e| {
        e.strip_prefix(dataset)?
            .strip_prefix('=')
            .map(str::to_string)
    })
}

fn classify_set(
    dataset: &str,
    config: &Config,
    docs: &[Parsed],
    args: &RouteArgs,
) -> anyhow::Result<Vec<Judged>> {
    let fixed = expected_kind(dataset, &args.expect);
    // (truth kind, predicted class index, confidence, raw scores)
    let mut judged: Vec<(String, Option<usize>, f64, Vec<f64>)> = Vec::new();
    let mut preds = Vec::new();
    for d in docs {
        let truth = fixed.clone().or_else(|| {
            d.truth
                .as_ref()
                .and_then(|t| t.get("type"))
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        let Some(truth) = truth else {
            bail!(
                "{dataset}/{}: no truth (pass --expect {dataset}=KIND)",
                d.id
            );
        };
        let answer = d.doc.as_ref().map_err(String::clone).and_then(|doc| {
            classify(doc, &config.classes, config.rules.as_deref()).map_err(|e| e.to_string())
        });
        let (class, confidence, scores) = match &answer {
            Ok(c) => (Some(c.class), c.confidence, c.scores.clone()),
            Err(e) => {
                progress(&format!("{}: {e}", d.id));
                (None, 0.0, Vec::new())
            }
        };
        let kind = class.map(|i| config.classes[i].kind.clone());
        if args.show_errors && kind.as_deref() != Some(truth.as_str()) {
            let why = answer
                .as_ref()
                .map(|c| c.insights.join("; "))
                .unwrap_or_default();
            eprintln!(
                "  {dataset}/{}: truth {truth}, predicted {kind:?} ({confidence:.2}): {why}",
                d.id
            );
        }
        preds.push((d.id.clone(), json!({ "type": kind })));
        judged.push((truth, class, confidence, scores));
    }
    write_predictions(args, dataset, &preds)?;
    let kind_of = |c: Option<usize>| c.map(|i| config.classes[i].kind.as_str());
    let right = |j: &(String, Option<usize>, f64, Vec<f64>)| kind_of(j.1) == Some(j.0.as_str());
    let mut per_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for j in &judged {
        let e = per_kind.entry(j.0.as_str()).or_default();
        e.0 += usize::from(right(j));
        e.1 += 1;
    }
    println!(
        "\n{dataset}: classify, {} documents, {} classes",
        judged.len(),
        config.classes.len()
    );
    let rows: Vec<Vec<String>> = per_kind
        .iter()
        .map(|(k, (r, n))| {
            vec![
                k.to_string(),
                n.to_string(),
                format!("{:.3}", *r as f64 / *n as f64),
            ]
        })
        .collect();
    table(&["kind", "documents", "accuracy"], &rows);
    let correct = judged.iter().filter(|j| right(j)).count();
    let accuracy = correct as f64 / judged.len().max(1) as f64;
    let high: Vec<bool> = judged
        .iter()
        .filter(|j| j.2 >= HIGH_CONFIDENCE)
        .map(right)
        .collect();
    println!(
        "accuracy {correct} / {} = {accuracy:.3}; confidence >= {HIGH_CONFIDENCE}: {} of {} answers, {} right ({:.3})",
        judged.len(),
        high.len(),
        judged.len(),
        high.iter().filter(|r| **r).count(),
        high.iter().filter(|r| **r).count() as f64 / high.len().max(1) as f64,
    );
    println!(
        "summary: dataset={dataset} mode=classify docs={} accuracy={accuracy:.4}",
        judged.len()
    );
    Ok(judged
        .into_iter()
        .map(|(truth, _, _, scores)| Judged {
            dataset: dataset.to_string(),
            truth: config.classes.iter().position(|c| c.kind == truth),
            scores,
        })
        .collect())
}

/// The temperature that minimises the mean negative log-likelihood of the
/// true class over every classified document of the run, and with each
/// dataset (source) held out in turn: a check of the engine's fixed
/// [`quarry_classify::TEMPERATURE`], not a fit it uses.
fn temperature_check(pooled: &[Judged]) {
    let scored: Vec<(&str, usize, &[f64])> = pooled
        .iter()
        .filter(|j| !j.scores.is_empty())
        .filter_map(|j| Some((j.dataset.as_str(), j.truth?, j.scores.as_slice())))
        .collect();
    if scored.is_empty() {
        return;
    }
    let nll = |t: f64, set: &[&(&str, usize, &[f64])]| {
        set.iter()
            .map(|(_, truth, s)| -softmax(s, t)[*truth].max(1e-12).ln())
            .sum::<f64>()
            / set.len().max(1) as f64
    };
    let fit = |set: &[&(&str, usize, &[f64])]| {
        (2..=100)
            .map(|i| f64::from(i) * 0.1)
            .min_by(|a, b| nll(*a, set).total_cmp(&nll(*b, set)))
            .unwrap_or(quarry_classify::TEMPERATURE)
    };
    let all: Vec<_> = scored.iter().collect();
    let engine = quarry_classify::TEMPERATURE;
    let mut sets: Vec<&str> = scored.iter().map(|s| s.0).collect();
    sets.dedup();
    let folds: Vec<String> = sets
        .iter()
        .map(|d| {
            let rest: Vec<_> = scored.iter().filter(|s| s.0 != *d).collect();
            let held: Vec<_> = scored.iter().filter(|s| s.0 == *d).collect();
            let t = fit(&rest);
            format!(
                "{d}: fitted {t:.1}, held-out NLL {:.3} (engine's {:.3})",
                nll(t, &held),
                nll(engine, &held)
            )
        })
        .collect();
    println!(
        "\ntemperature over {} documents: engine {engine:.1} (NLL {:.3}); best fit {:.1} (NLL {:.3})",
        all.len(),
        nll(engine, &all),
        fit(&all),
        nll(fit(&all), &all)
    );
    if sets.len() > 1 {
        println!("leave-one-dataset-out:\n  {}", folds.join("\n  "));
    }
}

fn split_set(
    set: &Path,
    dataset: &str,
    config: &Config,
    docs: &[Parsed],
    args: &RouteArgs,
) -> anyhow::Result<()> {
    let rules = ScoreRules::load(set)?;
    let opts = SplitOptions {
        rules: config.rules.as_deref(),
        strict_identifier: config.strict_identifier,
        ..SplitOptions::default()
    };
    let (mut tp, mut n_pred, mut n_truth) = (0usize, 0usize, 0usize);
    let mut high = (0usize, 0usize);
    let mut fields = super::score::FieldCounts::new();
    let mut preds = Vec::new();
    for d in docs {
        let truth: Vec<(String, u64, u64)> = d
            .truth
            .as_ref()
            .and_then(|t| t.get("splits"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some((
                    s.get("type")?.as_str()?.to_string(),
                    s.get("startPage")?.as_u64()?,
                    s.get("endPage")?.as_u64()?,
                ))
            })
            .collect();
        let found = d
            .doc
            .as_ref()
            .map_err(String::clone)
            .and_then(|doc| split(doc, &config.classes, &opts).map_err(|e| e.to_string()))
            .unwrap_or_else(|e| {
                progress(&format!("{}: {e}", d.id));
                Vec::new()
            });
        let predicted: Vec<(String, u64, u64, f64)> = found
            .iter()
            .map(|s| {
                (
                    config.classes[s.class].kind.clone(),
                    u64::from(s.start_page),
                    u64::from(s.end_page),
                    s.confidence,
                )
            })
            .collect();
        let mut unmatched = truth.clone();
        for p in &predicted {
            let hit = unmatched
                .iter()
                .position(|t| t.0 == p.0 && t.1 == p.1 && t.2 == p.2);
            if let Some(i) = hit {
                unmatched.remove(i);
                tp += 1;
            }
            if p.3 >= HIGH_CONFIDENCE {
                high.0 += usize::from(hit.is_some());
                high.1 += 1;
            }
        }
        n_pred += predicted.len();
        n_truth += truth.len();
        if args.show_errors && (!unmatched.is_empty() || predicted.len() != truth.len()) {
            eprintln!(
                "  {dataset}/{}: truth {truth:?}\n      predicted {predicted:?}",
                d.id
            );
        }
        let value = json!({
            "splits": predicted
                .iter()
                .map(|p| json!({"type": p.0, "startPage": p.1, "endPage": p.2}))
                .collect::<Vec<_>>()
        });
        if let Some(t) = &d.truth {
            for (k, c) in score_document(t, &value, &rules) {
                fields.entry(k).or_default().add(c);
            }
        }
        preds.push((d.id.clone(), value));
    }
    write_predictions(args, dataset, &preds)?;
    let precision = tp as f64 / n_pred.max(1) as f64;
    let recall = tp as f64 / n_truth.max(1) as f64;
    let f1 = if tp == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    println!("\n{dataset}: split, {} packets", docs.len());
    println!(
        "splits: {n_truth} true, {n_pred} predicted, {tp} right (type and both pages); precision {precision:.3} recall {recall:.3} F1 {f1:.3}"
    );
    println!(
        "corpus scorer's field micro-F1 (type, startPage, endPage): {:.3}",
        total(fields.values()).f1()
    );
    println!(
        "confidence >= {HIGH_CONFIDENCE}: {} of {n_pred} splits, {} right ({:.3})",
        high.1,
        high.0,
        high.0 as f64 / high.1.max(1) as f64
    );
    println!(
        "summary: dataset={dataset} mode=split packets={} split_f1={f1:.4}",
        docs.len()
    );
    Ok(())
}

fn write_predictions(
    args: &RouteArgs,
    dataset: &str,
    preds: &[(String, Value)],
) -> anyhow::Result<()> {
    let Some(root) = &args.pred_dir else {
        return Ok(());
    };
    let dir = root.join(dataset);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (id, value) in preds {
        let file = dir.join(format!("{id}.json"));
        std::fs::write(&file, serde_json::to_vec_pretty(value)?)
            .with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}
