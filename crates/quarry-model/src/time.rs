//! Timestamps: stored as Unix milliseconds, rendered as RFC 3339 UTC.

use chrono::{DateTime, SecondsFormat, Utc};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// RFC 3339 UTC with millisecond precision, e.g. `2024-03-21T16:45:00.123Z`.
pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_utc_with_z() {
        assert_eq!(
            super::rfc3339(1_711_039_500_000),
            "2024-03-21T16:45:00.000Z"
        );
    }
}
