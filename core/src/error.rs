//! The errors every operation returns, in one place.
//!
//! [`Error`] has one variant per family: the caller's input was invalid ([`ValidationError`],
//! with every field issue), the provider answered with an error ([`ApiError`]), a response could
//! not be decoded ([`DecodeError`], with the JSON path), the credentials or configuration are
//! unusable ([`CredentialsError`], [`ConfigError`]), or a webhook failed verification
//! ([`WebhookError`]). Each has a stable machine [`code`](Error::code) and a readable message
//! that never contains secrets or personal data.

use serde::{Deserialize, Serialize};

pub use crate::config::{ConfigError, CredentialsError};
pub use crate::http::{ApiError, ApiErrorKind, RetryAfter, TransportError, TransportFailure};
pub use crate::json::DecodeError;
pub use crate::offblocks::error::ChallengeError;
pub use crate::provider::Provider;
pub use crate::validate::{Issue, ValidationError};
pub use crate::webhook::WebhookError;

/// Any error Clientele returns.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller's input is invalid; nothing was built.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The provider answered with an error status (or an unsuccessful envelope).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A response body could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The secret key is empty or malformed.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// A configuration value (base URL, paging parameter name, ...) is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A webhook delivery failed verification or could not be read.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// Signing or verifying an HTTP message signature (RFC 9421) or digest (RFC 9530) failed.
    #[error(transparent)]
    Signature(#[from] crate::sig::SignatureError),
    /// An ownership challenge, or the wallet's signature of it, failed a check.
    #[error(transparent)]
    Challenge(#[from] ChallengeError),
    /// No usable answer: the host's transport timed out, failed, or the call was aborted.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// Clientele was used in a way it does not support (a host driving the engine out of order).
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// A stable machine code: `validation_failed`, `unauthorized`, `not_found`, `rate_limited`,
    /// `server_error`, `decode_failed`, `invalid_credentials`, `invalid_base_url`,
    /// `webhook_signature_mismatch`, ... (see each error type's `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation_failed",
            Error::Api(e) => e.kind.code(),
            Error::Decode(_) => "decode_failed",
            Error::Credentials(e) => e.code(),
            Error::Config(e) => e.code(),
            Error::Webhook(e) => e.code(),
            Error::Signature(e) => e.code(),
            Error::Challenge(e) => e.code(),
            Error::Transport(e) => e.failure.code(),
            Error::Internal(_) => "internal",
        }
    }

    /// The family of the error; every code belongs to exactly one (see [`ERROR_CODES`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Api(_) => ErrorKind::Api,
            Error::Decode(_) => ErrorKind::Decode,
            Error::Credentials(_) => ErrorKind::Credentials,
            Error::Config(_) => ErrorKind::Config,
            Error::Webhook(_) => ErrorKind::Webhook,
            Error::Signature(_) => ErrorKind::Signature,
            Error::Challenge(_) => ErrorKind::Challenge,
            Error::Transport(_) => ErrorKind::Transport,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Whether sending the same request again may succeed and is safe (see [`ApiError::retryable`]
    /// and [`TransportError::retryable`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.retryable,
            Error::Transport(e) => e.retryable,
            _ => false,
        }
    }

    /// The HTTP status, for API and decoding errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The field issues of a validation error (empty for other errors).
    pub fn issues(&self) -> &[Issue] {
        match self {
            Error::Validation(e) => &e.issues,
            _ => &[],
        }
    }
}

/// The family of an error: what went wrong, in one word every host shares (the npm package's
/// `error.kind`, Kotlin's exception subclass, Swift's error case).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum ErrorKind {
    /// The caller's input is invalid: see the issues.
    Validation,
    /// The provider answered with an error.
    Api,
    /// A response body could not be read.
    Decode,
    /// A key or token is missing, malformed, or must not be used here.
    Credentials,
    /// A base URL, paging parameter or path is unusable.
    Config,
    /// A webhook delivery failed verification or could not be read.
    Webhook,
    /// Signing or verifying an HTTP message signature or digest failed.
    Signature,
    /// An ownership challenge or the wallet's signature of it failed a check.
    Challenge,
    /// No usable answer: `timeout`, `network_error` or `aborted`.
    Transport,
    /// A failure of Clientele itself (a host could not load the core, ...).
    Internal,
}

impl ErrorKind {
    /// The kind as every host writes it: `"validation"`, `"api"`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Api => "api",
            ErrorKind::Decode => "decode",
            ErrorKind::Credentials => "credentials",
            ErrorKind::Config => "config",
            ErrorKind::Webhook => "webhook",
            ErrorKind::Signature => "signature",
            ErrorKind::Challenge => "challenge",
            ErrorKind::Transport => "transport",
            ErrorKind::Internal => "internal",
        }
    }
}

/// Declares the error vocabulary once: every stable code with its kind, as [`ERROR_CODES`], and
/// (with the `wasm` feature) the TypeScript union types the npm package exports.
macro_rules! error_codes {
    ($($kind:ident => [$($code:literal),+ $(,)?],)+) => {
        /// Every stable error code Clientele produces, core and hosts alike, with its kind. Hosts
        /// take their code and kind vocabulary from here; their tests fail on a code it lacks.
        pub const ERROR_CODES: &[(&str, ErrorKind)] = &[
            $($(($code, ErrorKind::$kind),)+)+
        ];

        #[cfg(feature = "wasm")]
        #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
        const ERROR_CODE_TS: &'static str = concat!(
            "/** Every stable error code (from the core's one vocabulary). */\n",
            "export type ClienteleErrorCode =",
            $($(" | \"", $code, "\"",)+)+
            ";\n"
        );
    };
}

error_codes! {
    Validation => ["validation_failed", "invalid_argument"],
    Api => [
        "bad_request", "unauthorized", "forbidden", "not_found", "conflict", "unprocessable",
        "rate_limited", "server_error", "rejected", "already_exists", "invalid_state_transition",
        "idempotency_mismatch", "idempotency_in_flight", "http_error",
    ],
    Decode => ["decode_failed"],
    Credentials => [
        "invalid_credentials", "unsafe_browser_credentials", "unsafe_app_credentials",
        "token_unavailable",
    ],
    Config => ["invalid_base_url", "invalid_query_parameter", "paging_ignored", "invalid_path"],
    Webhook => [
        "webhook_secret_empty", "webhook_signature_missing", "webhook_signature_malformed",
        "webhook_signature_mismatch", "webhook_body_invalid",
    ],
    Signature => [
        "signature_missing_header", "signature_missing_component", "signature_duplicate_component",
        "signature_invalid_component", "signature_malformed", "signature_invalid_url",
        "signature_label_not_found", "signature_ambiguous_label", "signature_missing_parameter",
        "signature_unknown_key", "signature_algorithm_mismatch", "signature_unsupported_algorithm",
        "signature_expired", "signature_not_yet_valid", "signature_too_old", "signature_invalid",
        "signature_invalid_key", "signature_encrypted_key", "signature_invalid_length",
        "signature_invalid_encoding",
        "content_digest_mismatch", "signer_failed",
    ],
    Challenge => [
        "challenge_invalid_account", "challenge_unsupported_chain", "challenge_malformed",
        "challenge_address_mismatch", "challenge_chain_mismatch", "challenge_expired",
        "challenge_not_yet_valid", "challenge_invalid_signature", "challenge_wrong_signer",
        "challenge_domain_mismatch",
    ],
    Transport => ["timeout", "network_error", "aborted"],
    Internal => ["not_initialized", "init_failed", "internal"],
}

/// The kind of a stable error code, or `None` for a code Clientele does not produce.
pub fn kind_of_code(code: &str) -> Option<ErrorKind> {
    ERROR_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, kind)| *kind)
}
