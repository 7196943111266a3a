//! The Extend webhook signature: lowercase hex HMAC-SHA256 of
//! `"v0:" + timestamp + ":" + body`, keyed by the literal `wss_…` secret
//! (what the SDK's `client.webhooks.verify` recomputes).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use quarry_model::ids::SIGNING_SECRET;
use rand::RngCore;
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-extend-request-timestamp";
pub const SIGNATURE_HEADER: &str = "x-extend-request-signature";

/// The signature of `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(b"v0:");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b":");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A fresh signing secret: `wss_` and 32 random bytes, URL-safe base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!("{SIGNING_SECRET}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_an_independently_computed_vector() {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'wss_test_secret',
        //   b'v0:1700000000:{\"eventId\":\"evt_1\"}', hashlib.sha256).hexdigest())"
        assert_eq!(
            sign("wss_test_secret", 1_700_000_000, br#"{"eventId":"evt_1"}"#),
            "26d7c95c061229a271300a654ad41636169bc56d9d9e41e54c57dff2d4b570ab"
        );
    }

    #[test]
    fn any_change_changes_the_signature() {
        let base = sign("wss_a", 1, b"{}");
        assert_ne!(base, sign("wss_b", 1, b"{}"));
        assert_ne!(base, sign("wss_a", 2, b"{}"));
        assert_ne!(base, sign("wss_a", 1, b"{ }"));
    }

    #[test]
    fn secrets_are_prefixed_and_unique() {
        let s = new_secret();
        assert!(s.starts_with("wss_") && s.len() == 4 + 43, "{s}");
        assert_ne!(s, new_secret());
    }
}
