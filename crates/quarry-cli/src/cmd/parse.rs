//! `quarry parse FILE`: runs `quarry-parse` on one file and prints it as
//! markdown (default), as layout-preserving spatial text, or as the
//! `Document` JSON. Errors name the file and the cause.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use quarry_parse::{Limits, SheetOptions, parse};

use crate::cmd::spatial;

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The file to parse (PDF, image, DOCX, PPTX, XLSX, HTML, CSV, text).
    pub file: PathBuf,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Target::Markdown)]
    pub target: Target,
    /// Print the whole parsed Document (pages, lines, words with boxes,
    /// tables) as JSON instead.
    #[arg(long)]
    pub json: bool,
    /// Detect each scanned page's orientation and read it upright (the
    /// parse config's `pageRotationEnabled`; about a third more OCR time).
    #[arg(long)]
    pub detect_orientation: bool,
    /// Spreadsheets: leave out hidden sheets, rows and columns
    /// (`excelSkipHiddenContent`).
    #[arg(long)]
    pub excel_skip_hidden: bool,
    /// Spreadsheets: print cells as stored (date serial numbers) instead of
    /// as displayed (`excelUseRawCellValues`).
    #[arg(long)]
    pub excel_raw_values: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Headings, paragraphs, lists and pipe tables.
    Markdown,
    /// Words placed on a character grid from their boxes, like `pdftotext -layout`.
    Spatial,
}

pub fn run(args: &ParseArgs) -> anyhow::Result<()> {
    let path = &args.file;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let limits = Limits {
        detect_orientation: args.detect_orientation,
        sheets: SheetOptions {
            skip_hidden: args.excel_skip_hidden,
            raw_values: args.excel_raw_values,
            ..SheetOptions::default()
        },
        ..Limits::default()
    };
    let doc = parse(&bytes, &name, &limits)
        .with_context(|| format!("cannot parse {}", path.display()))?;
    let out = if args.json {
        serde_json::to_string_pretty(&doc)?
    } else {
        match args.target {
            Target::Markdown => doc.markdown(),
            Target::Spatial => spatial::render(&doc),
        }
    };
    crate::cmd::write_stdout(format!("{out}\n").as_bytes())
}
