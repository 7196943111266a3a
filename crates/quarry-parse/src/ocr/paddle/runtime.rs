//! Finding and loading ONNX Runtime and the two PP-OCRv4 models, once per
//! process. A missing or broken runtime is not an error here: it makes
//! [`available`] false (with one warning) so OCR falls back to tesseract.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::session::Session;

use crate::ParseError;

/// Where scripts/install-deps puts `libonnxruntime.so`, under `$HOME`.
const CACHED_RUNTIME: &str = ".cache/quarry/onnxruntime/libonnxruntime.so";
/// Where scripts/install-deps puts the models, under `$HOME`.
const CACHED_MODELS: &str = ".cache/quarry/ocr-models";
/// The detector and recogniser file names, as PaddleOCR publishes them.
const DETECTOR: &str = "ch_PP-OCRv4_det_infer.onnx";
const RECOGNISER: &str = "ch_PP-OCRv4_rec_infer.onnx";

/// The loaded models. ONNX Runtime sessions run one call at a time here
/// (`Session::run` takes `&mut`); each call already uses every core through
/// the session's own thread pool, so parallel OCR jobs just queue.
pub(crate) struct Engine {
    /// The runtime environment the sessions were made in, kept alive with
    /// them.
    _environment: ort::environment::Environment,
    pub detector: Mutex<Session>,
    pub recogniser: Mutex<Session>,
    /// The recogniser's classes after the CTC blank: its dictionary (kept
    /// in the model's `character` metadata) followed by a space.
    pub alphabet: Vec<String>,
}

/// Whether PP-OCRv4 can run: the runtime loads and both models open.
pub(crate) fn available() -> bool {
    engine().is_some()
}

/// The process's engine, loaded on first use; `None` when the runtime or a
/// model is missing or fails to load.
pub(crate) fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let (runtime, models) = locate()?;
            match load(&runtime, &models) {
                Ok(engine) => Some(engine),
                Err(e) => {
                    tracing::warn!(error = %e, "PaddleOCR could not be loaded; OCR uses tesseract");
                    None
                }
            }
        })
        .as_ref()
}

/// The runtime library and the model directory: `$QUARRY_ONNXRUNTIME_LIB`
/// and `$QUARRY_OCR_MODELS`, else the places scripts/install-deps fills.
/// Either set to an empty string turns the engine off.
fn locate() -> Option<(PathBuf, PathBuf)> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let pick = |var: &str, cached: &str| match std::env::var_os(var) {
        Some(value) if value.is_empty() => None,
        Some(value) => Some(PathBuf::from(value)),
        None => home.as_ref().map(|h| h.join(cached)),
    };
    let runtime = pick("QUARRY_ONNXRUNTIME_LIB", CACHED_RUNTIME)?;
    let models = pick("QUARRY_OCR_MODELS", CACHED_MODELS)?;
    let present =
        runtime.is_file() && models.join(DETECTOR).is_file() && models.join(RECOGNISER).is_file();
    present.then_some((runtime, models))
}

fn load(runtime: &Path, models: &Path) -> Result<Engine, ParseError> {
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        ParseError::Corrupt(format!("PaddleOCR {what}: {e}"))
    };
    let environment = ort::init_from(runtime)
        .map_err(|e| failed("runtime", &e))?
        .with_name("quarry-ocr")
        .build()
        .map_err(|e| failed("runtime", &e))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let open = |file: &str| -> Result<Session, ParseError> {
        Session::builder(&environment)
            .and_then(|b| Ok(b.with_intra_threads(threads)?))
            .and_then(|mut b| b.commit_from_file(models.join(file)))
            .map_err(|e| failed(file, &e))
    };
    let detector = open(DETECTOR)?;
    let recogniser = open(RECOGNISER)?;
    let dictionary = recogniser
        .metadata()
        .ok()
        .and_then(|m| m.custom("character"))
        .ok_or_else(|| failed(RECOGNISER, &"no `character` dictionary in its metadata"))?;
    let mut alphabet: Vec<String> = dictionary.lines().map(str::to_string).collect();
    alphabet.push(" ".to_string());
    Ok(Engine {
        _environment: environment,
        detector: Mutex::new(detector),
        recogniser: Mutex::new(recogniser),
        alphabet,
    })
}
