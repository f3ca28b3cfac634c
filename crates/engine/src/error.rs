//! `NodeError`, why a node's attempt failed: the one-line message, and whether the scheduler may try again (and not before when).

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Why a node's attempt failed. The message is one line, shown on the node and in events; it
/// never holds a secret. The scheduler reads the rest to decide on a retry:
/// - `retryable: false` (rejected credentials, a bad request): no retry, whatever `retries` says;
/// - `retry_after` (an HTTP 429's Retry-After): the next attempt waits at least that long;
/// - otherwise the node's exponential backoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeError {
    pub message: String,
    pub retry_after: Option<Duration>,
    pub retryable: bool,
}

impl NodeError {
    /// A failure another attempt may get past (what every failure was before kinds could
    /// say otherwise).
    pub fn new(message: impl Into<String>) -> Self {
        NodeError {
            message: message.into(),
            retry_after: None,
            retryable: true,
        }
    }

    /// A failure that trying again cannot fix: rejected credentials, a request the service
    /// refuses, a config that does not work.
    pub fn permanent(message: impl Into<String>) -> Self {
        NodeError {
            retryable: false,
            ..NodeError::new(message)
        }
    }

    /// A rate limit: retried, not before `retry_after` when the service said.
    pub fn rate_limited(message: impl Into<String>, retry_after: Option<Duration>) -> Self {
        NodeError {
            retry_after,
            ..NodeError::new(message)
        }
    }

    /// A failed HTTP answer by its status: 429 is a rate limit, 408, 425 and 5xx may pass,
    /// any other status (401, 403, 400, 404, 422, a redirect…) will answer the same again.
    pub fn for_status(
        status: u16,
        retry_after: Option<Duration>,
        message: impl Into<String>,
    ) -> Self {
        match status {
            429 => NodeError::rate_limited(message, retry_after),
            408 | 425 | 500..=599 => NodeError::new(message),
            _ => NodeError::permanent(message),
        }
    }
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NodeError {}

impl From<String> for NodeError {
    fn from(message: String) -> Self {
        NodeError::new(message)
    }
}

impl From<&str> for NodeError {
    fn from(message: &str) -> Self {
        NodeError::new(message)
    }
}

/// An HTTP Retry-After value: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_decide_whether_a_retry_can_help() {
        let wait = Some(Duration::from_secs(3));
        let limited = NodeError::for_status(429, wait, "slow down");
        assert!(limited.retryable);
        assert_eq!(limited.retry_after, wait);
        for status in [408, 425, 500, 502, 503] {
            assert!(
                NodeError::for_status(status, None, "x").retryable,
                "{status}"
            );
        }
        for status in [301, 400, 401, 403, 404, 422] {
            assert!(
                !NodeError::for_status(status, None, "x").retryable,
                "{status}"
            );
        }
        let from_text: NodeError = "broken".into();
        assert!(from_text.retryable && from_text.retry_after.is_none());
        assert_eq!(from_text.to_string(), "broken");
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 01 Jan 2025 00:01:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Tue, 31 Dec 2024 23:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
