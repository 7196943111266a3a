//! Request rate limits per workspace and per API key: token buckets that
//! refill continuously at `per_second` up to `burst`. A request that finds
//! either bucket empty is answered `429 RATE_LIMIT_EXCEEDED` with
//! `Retry-After` (seconds) and `Retry-After-Ms`, which the official SDKs
//! honour before retrying. Off unless configured.
//!
//! Buckets live in this process: with N API nodes behind a load balancer a
//! tenant gets up to N times the limit, so divide the intended rate by the
//! node count (see docs/deployment.md). That keeps the hot path free of
//! database writes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sustained rate with a burst allowance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl RateLimit {
    /// `None` for a rate of zero (unlimited). The burst is at least one
    /// request, so a positive rate never refuses everything.
    pub fn new(per_second: f64, burst: f64) -> Option<Self> {
        (per_second > 0.0).then(|| Self {
            per_second,
            burst: burst.max(1.0),
        })
    }
}

/// Buckets are forgotten once full and idle, so the map holds only
/// recently active callers; sweeping starts above this many entries.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    workspace: Option<RateLimit>,
    key: Option<RateLimit>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Tokens available at `now` under `limit`.
    fn refilled(self, limit: RateLimit, now: Instant) -> f64 {
        let earned = now.duration_since(self.at).as_secs_f64() * limit.per_second;
        (self.tokens + earned).min(limit.burst)
    }
}

impl RateLimiter {
    pub fn new(workspace: Option<RateLimit>, key: Option<RateLimit>) -> Self {
        Self {
            workspace,
            key,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.workspace.is_some() || self.key.is_some()
    }

    /// Takes one token from the workspace's and the key's buckets, or none
    /// when either is empty: then `Err` carries how long until both have one.
    pub fn check(&self, workspace_id: &str, key_id: &str) -> Result<(), Duration> {
        let limits = [
            self.workspace.map(|l| (format!("ws:{workspace_id}"), l)),
            self.key.map(|l| (format!("key:{key_id}"), l)),
        ];
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        let mut take = Vec::with_capacity(2);
        for (name, limit) in limits.into_iter().flatten() {
            let tokens = buckets
                .get(&name)
                .map_or(limit.burst, |b| b.refilled(limit, now));
            if tokens < 1.0 {
                wait = wait.max(Duration::from_secs_f64((1.0 - tokens) / limit.per_second));
            }
            take.push((name, tokens));
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for (name, tokens) in take {
            buckets.insert(
                name,
                Bucket {
                    tokens: tokens - 1.0,
                    at: now,
                },
            );
        }
        if buckets.len() > SWEEP_ABOVE {
            self.sweep(&mut buckets, now);
        }
        Ok(())
    }

    /// Drops buckets that have refilled completely (they equal a new one).
    fn sweep(&self, buckets: &mut HashMap<String, Bucket>, now: Instant) {
        let (ws, key) = (self.workspace, self.key);
        buckets.retain(|name, b| {
            let limit = if name.starts_with("ws:") { ws } else { key };
            limit.is_some_and(|l| b.refilled(l, now) < l.burst)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_with_a_wait_per_bucket() {
        let limiter = RateLimiter::new(RateLimit::new(2.0, 3.0), None);
        for _ in 0..3 {
            assert_eq!(limiter.check("ws_a", "k1"), Ok(()));
        }
        let wait = limiter.check("ws_a", "k2").expect_err("burst used up");
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(500));
        // Another workspace has its own bucket.
        assert_eq!(limiter.check("ws_b", "k3"), Ok(()));
    }

    #[test]
    fn key_limit_refuses_without_spending_the_workspace_token() {
        let limiter = RateLimiter::new(RateLimit::new(1.0, 2.0), RateLimit::new(1.0, 1.0));
        assert_eq!(limiter.check("ws", "k1"), Ok(()));
        assert!(limiter.check("ws", "k1").is_err(), "key bucket is empty");
        // The refused request took nothing from the workspace bucket.
        assert_eq!(limiter.check("ws", "k2"), Ok(()));
        assert!(
            limiter.check("ws", "k3").is_err(),
            "workspace bucket is empty"
        );
    }

    #[test]
    fn zero_rate_is_unlimited() {
        assert_eq!(RateLimit::new(0.0, 10.0), None);
        let limiter = RateLimiter::new(None, None);
        assert!(!limiter.is_enabled());
        for _ in 0..1000 {
            assert_eq!(limiter.check("ws", "k"), Ok(()));
        }
    }
}
