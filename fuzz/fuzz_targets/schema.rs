//! The schema-dialect gate and the output gate: any JSON config must be
//! accepted or rejected with a path-naming error; an accepted schema must
//! be usable by the output validator.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quarry_extract::{validate_config, validate_output};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(config) = serde_json::from_slice::<Value>(data) else { return };
    if validate_config(&config).is_ok()
        && let Some(schema) = config.get("schema")
    {
        let _ = validate_output(schema, &Value::Null);
    }
});
