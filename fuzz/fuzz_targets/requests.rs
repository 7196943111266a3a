//! Request decoders: every request body type of the API decodes any bytes
//! into a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quarry_model::requests::{
    CreateExtractBatch, CreateExtractRun, CreateExtractor, CreateExtractorVersion,
    CreateParseBatch, CreateParseRun, UpdateExtractor,
};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<CreateExtractRun>(data);
    let _ = serde_json::from_slice::<CreateExtractBatch>(data);
    let _ = serde_json::from_slice::<CreateExtractor>(data);
    let _ = serde_json::from_slice::<UpdateExtractor>(data);
    let _ = serde_json::from_slice::<CreateExtractorVersion>(data);
    let _ = serde_json::from_slice::<CreateParseRun>(data);
    let _ = serde_json::from_slice::<CreateParseBatch>(data);
});
