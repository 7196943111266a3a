//! Resource ids: a type prefix (`exr_`, `file_`, …) and 22 URL-safe random
//! characters (~131 bits), the same shape the hosted API uses.

use base64::Engine as _;
use rand::RngCore;

pub const FILE: &str = "file_";
pub const EXTRACTOR: &str = "ex_";
pub const EXTRACTOR_VERSION: &str = "exv_";
pub const EXTRACT_RUN: &str = "exr_";
pub const PARSE_RUN: &str = "pr_";
pub const CLASSIFIER: &str = "cl_";
pub const CLASSIFIER_VERSION: &str = "clv_";
pub const CLASSIFY_RUN: &str = "clr_";
pub const SPLITTER: &str = "spl_";
pub const SPLITTER_VERSION: &str = "splv_";
pub const SPLIT_RUN: &str = "splr_";
pub const BATCH_RUN: &str = "bpr_";
pub const REQUEST: &str = "req_";
pub const WORKSPACE: &str = "ws_";
pub const API_KEY: &str = "key_";
pub const EVENT: &str = "evt_";
pub const WEBHOOK_ENDPOINT: &str = "wh_";
pub const WEBHOOK_SUBSCRIPTION: &str = "whes_";
pub const SIGNING_SECRET: &str = "wss_";

/// A fresh random id with `prefix`.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!("{prefix}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_url_safe_body() {
        let id = new_id(EXTRACT_RUN);
        assert!(id.starts_with("exr_"));
        assert_eq!(id.len(), 4 + 22);
        assert!(
            id[4..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        );
        assert_ne!(id, new_id(EXTRACT_RUN));
    }
}
