//! What a host's transport reports when a request got no usable answer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a request got no usable answer, as the host's transport reports it. Hosts map their own
/// exceptions to exactly one of these; the core decides what follows.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum TransportFailure {
    /// No complete answer within the time limit (code `timeout`).
    Timeout,
    /// The request could not be sent or its answer not read: refused, reset, DNS, TLS (code
    /// `network_error`).
    Network,
    /// The caller cancelled the call (code `aborted`).
    Aborted,
}

impl TransportFailure {
    /// The stable code: `timeout`, `network_error` or `aborted`.
    pub const fn code(self) -> &'static str {
        match self {
            TransportFailure::Timeout => "timeout",
            TransportFailure::Network => "network_error",
            TransportFailure::Aborted => "aborted",
        }
    }
}

/// A request got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct TransportError {
    /// What happened.
    pub failure: TransportFailure,
    /// `METHOD url` of the request (no headers, no body).
    pub request: String,
    /// The time limit that ran out, for a timeout.
    pub timeout_ms: Option<u32>,
    /// Whether resending the same request is safe and may succeed: a timeout or network failure
    /// of a retry-safe request ([`crate::http::HttpRequest::is_retry_safe`]); never an abort.
    pub retryable: bool,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.failure, self.timeout_ms) {
            (TransportFailure::Timeout, Some(ms)) => {
                write!(f, "{}: no complete answer within {ms} ms", self.request)
            }
            (TransportFailure::Timeout, None) => {
                write!(f, "{}: no complete answer in time", self.request)
            }
            (TransportFailure::Network, _) => write!(
                f,
                "{}: the request could not be sent or its answer read",
                self.request
            ),
            (TransportFailure::Aborted, _) => write!(f, "{}: the call was aborted", self.request),
        }
    }
}
