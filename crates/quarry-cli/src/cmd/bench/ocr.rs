//! OCR pages per second: Quarry's image path with each engine (the
//! tesseract CLI run by `quarry-parse`, TSV parsed into words, lines and
//! blocks; PaddleOCR's models run by ONNX Runtime) against running the
//! `tesseract` CLI directly, on the same receipt images. The tesseract row
//! pair shows Quarry's overhead; the PaddleOCR row what its better reading
//! of receipts costs.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use quarry_parse::{Limits, OcrEngine, ocr_available, paddle_available, parse};

use super::corpus;
use super::report::{best_of, progress, table};

const REPS: usize = 3;

pub fn run(corpus_dir: Option<&Path>, count: usize) -> anyhow::Result<()> {
    let Some(dir) = corpus_dir else {
        println!("OCR comparison skipped: it needs the corpus's sroie receipts");
        return Ok(());
    };
    if !ocr_available() {
        println!("OCR comparison skipped: tesseract is not installed");
        return Ok(());
    }
    let images: Vec<PathBuf> = corpus::docs(dir, "sroie", &["jpg", "png"])
        .into_iter()
        .take(count)
        .collect();
    let blobs: Vec<(String, Vec<u8>)> = images
        .iter()
        .map(|p| Ok((p.display().to_string(), std::fs::read(p)?)))
        .collect::<anyhow::Result<_>>()?;
    let mut engines = vec![(
        OcrEngine::Tesseract,
        "Quarry, tesseract engine (image → Document)",
    )];
    if paddle_available() {
        engines.push((
            OcrEngine::Paddle,
            "Quarry, PaddleOCR engine (image → Document)",
        ));
    } else {
        println!(
            "PaddleOCR row skipped: its runtime and models are not installed (scripts/install-deps)"
        );
    }
    let mut measured = Vec::new();
    for (engine, label) in engines {
        progress(&format!(
            "OCR: {label} on {} receipts, best of {REPS}",
            blobs.len()
        ));
        let limits = Limits {
            ocr_engine: engine,
            ..Limits::default()
        };
        let (time, words) = best_of(REPS, || {
            blobs
                .iter()
                .filter_map(|(name, bytes)| parse(bytes, name, &limits).ok())
                .flat_map(|d| d.pages)
                .flat_map(|p| p.lines)
                .map(|l| l.words.len())
                .sum::<usize>()
        });
        measured.push((label.to_string(), words, time));
    }
    progress(&format!(
        "OCR: tesseract CLI on {} receipts, best of {REPS}",
        images.len()
    ));
    let (cli, cli_words) = best_of(REPS, || tesseract_pass(&images));
    measured.push(("tesseract CLI (`--psm 3`, TSV)".into(), cli_words?, cli));
    let n = images.len() as f64;
    let rate = |d: std::time::Duration| n / d.as_secs_f64().max(1e-9);
    println!(
        "\nOCR, {} sroie receipt images, best of {REPS} (tesseract: one thread per image; PaddleOCR: ONNX Runtime on every core):",
        images.len()
    );
    let rows: Vec<Vec<String>> = measured
        .iter()
        .map(|(label, words, time)| {
            vec![
                label.clone(),
                words.to_string(),
                format!("{:.2}", time.as_secs_f64()),
                format!("{:.2}", rate(*time)),
                format!("{:.2}", time.as_secs_f64() / n),
                format!("{:.2}×", rate(*time) / rate(cli)),
            ]
        })
        .collect();
    table(
        &[
            "tool",
            "words",
            "best s",
            "pages/s",
            "s/page",
            "vs tesseract CLI",
        ],
        &rows,
    );
    Ok(())
}

/// Runs tesseract on every image; returns the number of words recognised.
fn tesseract_pass(images: &[PathBuf]) -> anyhow::Result<usize> {
    let program = std::env::var_os("QUARRY_TESSERACT")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "tesseract".into());
    // The model Quarry's OCR uses, so both rows read with the same one.
    let tessdata = quarry_parse::tessdata_dir(&Limits::default());
    let mut words = 0;
    for image in images {
        let mut command = Command::new(&program);
        command.arg(image).arg("stdout");
        if let Some(dir) = &tessdata {
            command.arg("--tessdata-dir").arg(dir);
        }
        let out = command
            .args(["--psm", "3", "-c", "tessedit_create_tsv=1"])
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .with_context(|| format!("running tesseract on {}", image.display()))?;
        words += String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                cols.first() == Some(&"5") && cols.get(11).is_some_and(|t| !t.trim().is_empty())
            })
            .count();
    }
    Ok(words)
}
