//! OCR through the `tesseract` command-line program (Debian `tesseract-ocr`,
//! installed by scripts/install-deps). Running the CLI instead of linking
//! libtesseract keeps the binary free of C linkage and lets a hung or
//! crashing OCR be killed without taking the worker down. TSV output gives
//! every word with its box and confidence; words are grouped into lines and
//! paragraphs by tesseract's own block/paragraph/line numbers.
//!
//! The program is `$QUARRY_TESSERACT` or `tesseract` on the PATH. Without it
//! images are still read when PaddleOCR's models are installed (`paddle/`,
//! `Limits::ocr_engine` chooses); with neither, images are
//! `Unsupported` and scanned PDF pages stay empty. Its English
//! model comes from [`tessdata_dir`] when one is installed (the
//! tessdata_best model reads receipt scans markedly better than Debian's
//! tessdata_fast), else from tesseract's own data.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{BBox, Block, BlockKind, Limits, Line, Page, ParseError, Word};

mod paddle;
mod prepare;

/// Which OCR engine reads images and scanned pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OcrEngine {
    /// PaddleOCR when its runtime and models are installed and orientation
    /// detection is off (only tesseract detects orientation), else
    /// tesseract.
    #[default]
    Auto,
    /// Always tesseract.
    Tesseract,
    /// PaddleOCR whenever it is installed, also with orientation detection
    /// on (pages are then read as they are); tesseract when it is not.
    Paddle,
}

/// Whether the PaddleOCR runtime and models are installed and load.
pub fn paddle_available() -> bool {
    paddle::available()
}

fn program() -> PathBuf {
    std::env::var_os("QUARRY_TESSERACT")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("tesseract"))
}

/// Where scripts/install-deps puts the tessdata_best English model,
/// relative to `$HOME`.
const CACHED_TESSDATA: &str = ".cache/quarry/tessdata";

/// The tessdata directory tesseract reads `eng.traineddata` from: the
/// configured one ([`Limits::tessdata_dir`]), else `$QUARRY_TESSDATA_DIR`,
/// else the one scripts/install-deps fills (`$HOME/.cache/quarry/tessdata`).
/// The first that holds `eng.traineddata` wins; `None` leaves tesseract on
/// its own data (Debian's `tesseract-ocr-eng`), so OCR works the same,
/// only less accurately, without the download.
pub fn tessdata_dir(limits: &Limits) -> Option<PathBuf> {
    let env = std::env::var_os("QUARRY_TESSDATA_DIR")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let cached = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(CACHED_TESSDATA));
    let explicit = [limits.tessdata_dir.clone(), env];
    if let Some(missing) = explicit.iter().flatten().find(|d| !has_english(d)) {
        warn_once(missing);
    }
    explicit
        .into_iter()
        .chain([cached])
        .flatten()
        .find(|d| has_english(d))
}

fn has_english(dir: &Path) -> bool {
    dir.join("eng.traineddata").is_file()
}

/// One warning per process for a configured directory without the model:
/// OCR goes on with the next candidate rather than failing every page.
fn warn_once(dir: &Path) {
    static WARNED: OnceLock<()> = OnceLock::new();
    WARNED.get_or_init(|| {
        tracing::warn!(
            dir = %dir.display(),
            "no eng.traineddata in the configured tessdata directory; using the next one"
        );
    });
}

/// How one OCR run is done.
#[derive(Debug, Clone)]
pub(crate) struct OcrSettings {
    /// The tesseract process is killed after this.
    pub timeout: Duration,
    /// Page segmentation with orientation and script detection (`--psm 1`)
    /// instead of plain automatic segmentation (`--psm 3`): tesseract turns
    /// a rotated page upright before reading it and reports the boxes in
    /// the image's own coordinates.
    pub detect_orientation: bool,
    /// `--tessdata-dir`, resolved once per document ([`tessdata_dir`]).
    pub tessdata_dir: Option<PathBuf>,
    /// Read the image as one uniform block of text (`--psm 6`) instead of
    /// finding columns and blocks: set for till rolls ([`is_till_roll`]).
    pub single_column: bool,
    /// The configured engine ([`OcrEngine`]).
    pub engine: OcrEngine,
}

impl OcrSettings {
    /// Whether this OCR goes to PaddleOCR rather than tesseract.
    fn paddle(&self) -> bool {
        match self.engine {
            OcrEngine::Tesseract => false,
            OcrEngine::Auto => !self.detect_orientation && paddle::available(),
            OcrEngine::Paddle => paddle::available(),
        }
    }
}

impl From<&Limits> for OcrSettings {
    fn from(limits: &Limits) -> Self {
        Self {
            timeout: Duration::from_secs(limits.ocr_seconds_per_page),
            detect_orientation: limits.detect_orientation,
            tessdata_dir: tessdata_dir(limits),
            single_column: false,
            engine: limits.ocr_engine,
        }
    }
}

/// Whether images can be OCRed: the tesseract program runs or PaddleOCR
/// is installed.
pub fn ocr_available() -> bool {
    tesseract_available() || paddle::available()
}

/// Whether the tesseract program runs.
fn tesseract_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new(program())
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// OCRs an uploaded image file (PNG, JPEG, TIFF, PNM…) into pages whose
/// boxes are in the file's pixels; small images are enlarged first
/// ([`prepare`]).
pub(crate) fn ocr_image(bytes: &[u8], settings: &OcrSettings) -> Result<Vec<Page>, ParseError> {
    if let Some(image) = paddle_input(bytes, settings) {
        return Ok(vec![paddle::read(&image, 1, 1.0)?]);
    }
    let settings = &OcrSettings {
        single_column: is_till_roll(bytes),
        ..settings.clone()
    };
    match prepare::prepare(bytes) {
        Some(prepared) => ocr(&prepared.bytes, prepared.back_scale, settings),
        None => ocr(bytes, 1.0, settings),
    }
}

/// An image at least this many times as tall as it is wide is a till roll.
const TILL_ROLL_ASPECT: f64 = 1.5;

/// Whether the image is shaped like a till receipt: a 58–80 mm roll printed
/// in a single column, far taller than wide (a photographed A4 or Letter
/// page is at most 1.42 times as tall). Tesseract's automatic page
/// segmentation splits such receipts' small, sparse lines into blocks and
/// misreads more of them than a single uniform block does: on the 150
/// `sroie` receipts the expected company, total and date appear in the OCR
/// text of 97, 122 and 121 receipts with `--psm 6` against 90, 117 and 117
/// with `--psm 3` (docs/accuracy.md).
fn is_till_roll(bytes: &[u8]) -> bool {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .is_some_and(|(w, h)| w > 0 && f64::from(h) / f64::from(w) >= TILL_ROLL_ASPECT)
}

/// The decoded image when PaddleOCR is to read `bytes`: it is the
/// configured engine and the `image` crate decodes the format (TIFF, which
/// may hold several pages, stays with tesseract).
fn paddle_input(bytes: &[u8], settings: &OcrSettings) -> Option<image::RgbImage> {
    if !settings.paddle() {
        return None;
    }
    let format = image::guess_format(bytes).ok()?;
    if format == image::ImageFormat::Tiff {
        return None;
    }
    image::load_from_memory_with_format(bytes, format)
        .ok()
        .map(|image| image.to_rgb8())
}

/// OCRs one image file's bytes (PNG, JPEG, TIFF, PNM…) into pages; box
/// coordinates are image pixels multiplied by `scale`.
pub(crate) fn ocr(
    bytes: &[u8],
    scale: f64,
    settings: &OcrSettings,
) -> Result<Vec<Page>, ParseError> {
    let timeout = settings.timeout;
    let psm = if settings.detect_orientation {
        "1"
    } else if settings.single_column {
        "6"
    } else {
        "3"
    };
    let mut file = tempfile::NamedTempFile::new()
        .map_err(|e| ParseError::Corrupt(format!("OCR temp file: {e}")))?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|e| ParseError::Corrupt(format!("OCR temp file: {e}")))?;
    let mut command = Command::new(program());
    command.arg(file.path()).arg("stdout");
    if let Some(dir) = &settings.tessdata_dir {
        command.arg("--tessdata-dir").arg(dir);
    }
    // TSV through its variable rather than the `tsv` config file, which
    // lives in the system tessdata and not in a model-only directory.
    let mut child = command
        .args(["--psm", psm, "-c", "tessedit_create_tsv=1"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ParseError::Corrupt(format!("could not run tesseract: {e}")))?;
    // Read stdout on its own thread so a full pipe cannot stall the child.
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| ParseError::Corrupt("tesseract stdout unavailable".into()))?;
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ParseError::Corrupt(format!(
                    "OCR took longer than {} s",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(ParseError::Corrupt(format!("tesseract: {e}"))),
        }
    };
    let tsv = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(ParseError::Corrupt(
            "the image could not be read by OCR".into(),
        ));
    }
    Ok(pages_from_tsv(&tsv, scale))
}

/// One image queued for [`ocr_each`]: its bytes, the scale of its boxes, and
/// the index of the page it belongs to.
pub(crate) struct OcrJob {
    pub index: usize,
    pub image: Vec<u8>,
    pub scale: f64,
}

/// Most tesseract processes one document runs at once.
const MAX_OCR_WORKERS: usize = 8;

/// OCRs the images `jobs` yields on one worker per core, while the caller's
/// thread keeps producing them (rendering needs the single-threaded pdfium,
/// so production stays on this thread and only the OCR fans out). At most
/// one image per worker waits in the queue, so memory stays flat in page
/// count. Returns each job's first page by index; the first error of the
/// producer or of any OCR wins.
pub(crate) fn ocr_each<I>(jobs: I, settings: &OcrSettings) -> Result<Vec<(usize, Page)>, ParseError>
where
    I: Iterator<Item = Result<OcrJob, ParseError>>,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_OCR_WORKERS);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<OcrJob>(workers);
    let receiver = std::sync::Mutex::new(receiver);
    let results = std::sync::Mutex::new(Vec::new());
    let produced = std::thread::scope(|scope| {
        let mut produced = Ok(());
        let mut spawned = false;
        for job in jobs {
            let job = match job {
                Ok(job) => job,
                Err(e) => {
                    produced = Err(e);
                    break;
                }
            };
            if !spawned {
                // Workers start with the first scanned page: text-layer PDFs pay nothing.
                spawned = true;
                for _ in 0..workers {
                    scope.spawn(|| ocr_worker(&receiver, &results, settings));
                }
            }
            if sender.send(job).is_err() {
                break;
            }
        }
        // Closing the queue lets the workers finish before the scope joins them.
        drop(sender);
        produced
    });
    let mut pages = Vec::new();
    let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    produced?;
    for (index, result) in results {
        if let Some(page) = result?.into_iter().next() {
            pages.push((index, page));
        }
    }
    pages.sort_by_key(|(index, _)| *index);
    Ok(pages)
}

type OcrResult = (usize, Result<Vec<Page>, ParseError>);

fn ocr_worker(
    receiver: &std::sync::Mutex<std::sync::mpsc::Receiver<OcrJob>>,
    results: &std::sync::Mutex<Vec<OcrResult>>,
    settings: &OcrSettings,
) {
    loop {
        let job = {
            let queue = receiver.lock().unwrap_or_else(|p| p.into_inner());
            queue.recv()
        };
        let Ok(job) = job else {
            return;
        };
        let pages = match paddle_input(&job.image, settings) {
            Some(image) => paddle::read(&image, 1, job.scale).map(|page| vec![page]),
            None => ocr(&job.image, job.scale, settings),
        };
        results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((job.index, pages));
    }
}

/// A grayscale image as binary PGM, the simplest format tesseract reads.
pub(crate) fn pgm(width: usize, height: usize, gray: &[u8]) -> Vec<u8> {
    let mut out = format!("P5\n{width} {height}\n255\n").into_bytes();
    out.extend_from_slice(gray);
    out
}

/// (block, paragraph, line) numbers of one OCR line.
type LineKey = (u32, u32, u32);
/// Page width, height and its words by line.
type OcrPage = (f64, f64, BTreeMap<LineKey, Vec<Word>>);

/// Parses tesseract TSV: `level page block par line word left top width
/// height conf text`.
fn pages_from_tsv(tsv: &str, scale: f64) -> Vec<Page> {
    let mut pages: BTreeMap<u32, OcrPage> = BTreeMap::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<f64>().unwrap_or(0.0);
        let id = |i: usize| f[i].trim().parse::<u32>().unwrap_or(0);
        let page = pages.entry(id(1)).or_insert((0.0, 0.0, BTreeMap::new()));
        let (left, top, width, height) = (num(6), num(7), num(8), num(9));
        match id(0) {
            1 => {
                page.0 = width * scale;
                page.1 = height * scale;
            }
            5 => {
                let text = f[11..].join("\t").trim().to_string();
                if text.is_empty() {
                    continue;
                }
                page.2.entry((id(2), id(3), id(4))).or_default().push(Word {
                    text,
                    bbox: BBox {
                        left: left * scale,
                        top: top * scale,
                        right: (left + width) * scale,
                        bottom: (top + height) * scale,
                    },
                    confidence: (num(10) / 100.0).clamp(0.0, 1.0) as f32,
                });
            }
            _ => {}
        }
    }
    pages
        .into_iter()
        .map(|(n, (w, h, lines))| {
            let mut page = Page::new(n.max(1), w, h);
            let mut last_par = None;
            for ((block, par, _), words) in lines {
                let Some(bbox) = words.iter().map(|w| w.bbox).reduce(|a, b| a.union(&b)) else {
                    continue;
                };
                let text = words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                match page.blocks.last_mut() {
                    Some(b) if last_par == Some((block, par)) => {
                        b.text.push(' ');
                        b.text.push_str(&text);
                        b.bbox = b.bbox.union(&bbox);
                    }
                    _ => page.blocks.push(Block {
                        kind: BlockKind::Paragraph,
                        text: text.clone(),
                        bbox,
                    }),
                }
                last_par = Some((block, par));
                page.lines.push(Line { text, bbox, words });
            }
            page
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::GrayImage::new(width, height)
            .write_to(&mut out, image::ImageFormat::Png)
            .expect("encode png");
        out.into_inner()
    }

    #[test]
    fn only_tall_narrow_images_are_read_as_till_rolls() {
        assert!(is_till_roll(&png(400, 1200)));
        assert!(is_till_roll(&png(200, 300)));
        // A4 and Letter pages, landscape photos, and what is not an image.
        assert!(!is_till_roll(&png(2480, 3508)));
        assert!(!is_till_roll(&png(2550, 3300)));
        assert!(!is_till_roll(&png(1200, 400)));
        assert!(!is_till_roll(b"not an image"));
    }

    #[test]
    fn tsv_rows_become_lines_with_scaled_boxes_and_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t600\t800\t-1\t\n\
            5\t1\t1\t1\t1\t1\t10\t20\t50\t12\t96.5\tTotal:\n\
            5\t1\t1\t1\t1\t2\t70\t20\t40\t12\t91\t12.00\n\
            5\t1\t1\t1\t2\t1\t10\t40\t30\t12\t88\tPaid\n";
        let pages = pages_from_tsv(tsv, 0.5);
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!((p.width, p.height), (300.0, 400.0));
        assert_eq!(p.lines[0].text, "Total: 12.00");
        assert_eq!(p.lines[0].words[1].bbox.left, 35.0);
        assert!((p.lines[0].words[0].confidence - 0.965).abs() < 1e-6);
        assert_eq!(p.blocks.len(), 1);
        assert_eq!(p.blocks[0].text, "Total: 12.00 Paid");
    }

    #[test]
    fn a_configured_tessdata_dir_is_used_only_when_it_holds_the_model() {
        let with_model = tempfile::tempdir().expect("temp dir");
        std::fs::write(with_model.path().join("eng.traineddata"), b"model").expect("write");
        let limits = Limits {
            tessdata_dir: Some(with_model.path().to_path_buf()),
            ..Limits::default()
        };
        assert_eq!(tessdata_dir(&limits).as_deref(), Some(with_model.path()));

        let empty = tempfile::tempdir().expect("temp dir");
        let limits = Limits {
            tessdata_dir: Some(empty.path().to_path_buf()),
            ..Limits::default()
        };
        assert_ne!(tessdata_dir(&limits).as_deref(), Some(empty.path()));
    }
}
