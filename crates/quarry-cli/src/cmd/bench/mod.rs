//! `quarry bench`: honest numbers against the tools users compare Quarry
//! with, measured in the same run on the same files.
//!
//! - `bench parse`: text-layer PDF → words+boxes throughput against PyMuPDF
//!   and pdfplumber (run by a baseline venv's python), OCR against the
//!   `tesseract` CLI, and peak RSS by page count.
//! - `bench accuracy`: an extraction engine's field precision/recall/F1 and
//!   document exact match on a corpus dataset, plus its time per page, the
//!   calibration of its confidence, and (`--folds K`) cross-validated F1.
//! - `bench calibrate`: refits the rules engine's confidence calibration on
//!   corpus datasets and writes the table the crate ships.
//! - `bench route`: the offline classify and split engines' accuracy,
//!   split page-range F1 and confidence on the corpus's routing sets.
//! - `bench quality`: table cells, office markdown and OCR word recall
//!   against the corpus ground truth.
//! - `bench queue`: runs/s with 1, 2, 4 worker processes on PostgreSQL and
//!   list/get latency with 100k runs stored.
//!
//! Nothing here asserts timings; `scripts/bench` runs it and
//! docs/benchmarks.md records the results.

mod accuracy;
mod calibrate;
mod corpus;
mod folds;
mod generate;
mod metrics;
mod ocr;
mod outcomes;
mod parse_cache;
mod python;
mod quality;
mod queue;
mod report;
mod route;
mod rss;
mod score;
mod throughput;

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Throughput (pages/s) vs PyMuPDF and pdfplumber, OCR vs tesseract, peak RSS.
    Parse(ParseBenchArgs),
    /// Table, office-markdown and OCR accuracy against the corpus ground truth.
    Quality(QualityArgs),
    /// Runs/s by worker count on PostgreSQL; list/get latency with many runs stored.
    Queue(queue::QueueBenchArgs),
    /// Field precision/recall/F1 and document exact match of an extraction
    /// engine on a corpus dataset (parse → extract → validate, no server).
    Accuracy(accuracy::AccuracyArgs),
    /// Accuracy, split page-range F1 and confidence of the offline classify
    /// and split engines on corpus datasets.
    Route(route::RouteArgs),
    /// Refit the rules engine's confidence calibration on corpus datasets
    /// (the same run as `accuracy`) and write the table the crate ships.
    Calibrate(CalibrateArgs),
    /// Internal: parse one file and print the process's peak RSS.
    #[command(hide = true)]
    PeakRss {
        file: PathBuf,
        /// Hand pages over one at a time (`parse_pages`) instead of
        /// building the whole `Document`.
        #[arg(long)]
        streaming: bool,
    },
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub accuracy: accuracy::AccuracyArgs,
    /// Where to write the fitted table (e.g.
    /// crates/quarry-extract/src/calibration/table.json); without it the
    /// table is printed.
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// Write every judged value's features and outcome as JSON lines here
    /// (for exploring fits) and stop before fitting.
    #[arg(long)]
    pub dump: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Corpus root (datasets with docs/ and expected/). Default:
    /// ../shared/corpus next to the repository.
    #[arg(long, env = "QUARRY_CORPUS")]
    pub corpus: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ParseBenchArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Use at most N PDFs for the throughput comparison (0 = all).
    #[arg(long, default_value_t = 0)]
    pub files: usize,
    /// Python of a venv with PyMuPDF and pdfplumber (see scripts/bench).
    /// Without it only Quarry is measured.
    #[arg(long, env = "QUARRY_BASELINE_PYTHON")]
    pub baseline_python: Option<PathBuf>,
    /// Receipt images for the OCR comparison (0 skips it).
    #[arg(long, default_value_t = 5)]
    pub ocr_pages: usize,
    /// Page counts of the generated PDFs whose peak RSS is measured.
    #[arg(long, value_delimiter = ',', default_value = "100,1000")]
    pub rss_pages: Vec<usize>,
    /// Skip the PDF throughput comparison (to re-measure OCR or RSS alone).
    #[arg(long)]
    pub skip_throughput: bool,
}

#[derive(Debug, Args)]
pub struct QualityArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Receipts to OCR for the word-recall figure (about 1 s each; 0 = all).
    #[arg(long, default_value_t = 30)]
    pub receipts: usize,
}

pub fn run(command: &BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Parse(args) => parse_bench(args),
        BenchCommand::Quality(args) => quality::run(args),
        BenchCommand::Queue(args) => queue::run(args),
        BenchCommand::Accuracy(args) => accuracy::run(args),
        BenchCommand::Calibrate(args) => accuracy::refit(args),
        BenchCommand::Route(args) => route::run(args),
        BenchCommand::PeakRss { file, streaming } => rss::probe(file, *streaming),
    }
}

fn parse_bench(args: &ParseBenchArgs) -> anyhow::Result<()> {
    let corpus = corpus::locate(args.corpus.corpus.as_deref());
    report::machine();
    if !args.skip_throughput {
        throughput::run(corpus.as_deref(), args)?;
    }
    if args.ocr_pages > 0 {
        ocr::run(corpus.as_deref(), args.ocr_pages)?;
    }
    if !args.rss_pages.is_empty() {
        rss::run(&args.rss_pages)?;
    }
    Ok(())
}
