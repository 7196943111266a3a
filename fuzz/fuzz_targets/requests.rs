//! Request decoders: every request body type of the API decodes any bytes
//! into a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quarry_model::requests::{
    CreateClassifier, CreateClassifyBatch, CreateClassifyRun, CreateExtractBatch,
    CreateExtractRun, CreateExtractor, CreateParseBatch, CreateParseRun, CreateProcessorVersion,
    CreateSplitBatch, CreateSplitRun, CreateSplitter, UpdateProcessor,
};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<CreateExtractRun>(data);
    let _ = serde_json::from_slice::<CreateExtractBatch>(data);
    let _ = serde_json::from_slice::<CreateExtractor>(data);
    let _ = serde_json::from_slice::<UpdateProcessor>(data);
    let _ = serde_json::from_slice::<CreateProcessorVersion>(data);
    let _ = serde_json::from_slice::<CreateParseRun>(data);
    let _ = serde_json::from_slice::<CreateParseBatch>(data);
    let _ = serde_json::from_slice::<CreateClassifyRun>(data);
    let _ = serde_json::from_slice::<CreateClassifyBatch>(data);
    let _ = serde_json::from_slice::<CreateClassifier>(data);
    let _ = serde_json::from_slice::<CreateSplitRun>(data);
    let _ = serde_json::from_slice::<CreateSplitBatch>(data);
    let _ = serde_json::from_slice::<CreateSplitter>(data);
});
