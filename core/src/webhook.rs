//! The error every provider's webhook verification and parsing returns ([`crate::bloc::webhook`],
//! [`crate::offblocks::webhook`]).

use serde::{Deserialize, Serialize};

/// A webhook delivery failed verification or could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookError {
    /// The webhook secret given to the verifier is empty.
    #[error("the webhook secret is empty")]
    EmptySecret,
    /// The delivery has no signature header.
    #[error("the {header} header is missing")]
    MissingSignature {
        /// The header that was expected.
        header: String,
    },
    /// The signature header is not in the expected format (e.g. not 64 hex digits).
    #[error("the {header} header is malformed")]
    MalformedSignature {
        /// The header that was malformed.
        header: String,
    },
    /// The signature does not match the body: wrong secret, or the body was altered (for
    /// example parsed and re-serialised: verify the raw bytes as received).
    #[error(
        "the webhook signature does not match the body (wrong secret, or the body was modified; verify the raw bytes)"
    )]
    SignatureMismatch,
    /// The body is not the expected JSON.
    #[error("the webhook body could not be decoded at `{path}`: {message}")]
    Body {
        /// JSON path that failed.
        path: String,
        /// What was wrong, without the offending value.
        message: String,
    },
}

impl WebhookError {
    /// The stable machine code, e.g. `"webhook_signature_mismatch"`.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::EmptySecret => "webhook_secret_empty",
            WebhookError::MissingSignature { .. } => "webhook_signature_missing",
            WebhookError::MalformedSignature { .. } => "webhook_signature_malformed",
            WebhookError::SignatureMismatch => "webhook_signature_mismatch",
            WebhookError::Body { .. } => "webhook_body_invalid",
        }
    }
}
