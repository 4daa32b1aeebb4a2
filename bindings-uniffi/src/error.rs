//! The one error type Kotlin and Swift see.

use clientele_core::sig::SignatureError;
use clientele_core::validate::Issue;
use clientele_core::{Error, ErrorKind, Provider, RetryAfter};

use crate::UtcDateTime;

/// Text that may hold personal data: Rust's `Debug` hides it; Kotlin and Swift see a `String`.
#[derive(Clone, PartialEq, Eq)]
pub struct UnmaskedText(pub String);

uniffi::custom_newtype!(UnmaskedText, String);

/// Never the text.
impl std::fmt::Debug for UnmaskedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}
/// Any error a Clientele call raises: `ClienteleException` in Kotlin (one subclass per family),
/// `ClienteleError` in Swift (one case per family).
///
/// Every case carries `code`, a stable machine code (`validation_failed`, `not_found`,
/// `rate_limited`, `webhook_signature_mismatch`, ...), and `message`, a readable sentence that
/// never contains secrets or personal data (Kotlin's `Throwable.message`, Swift's
/// `localizedDescription`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ClienteleError {
    /// The input is invalid and nothing was built. `issues` lists EVERY problem, each with a
    /// field path (`phoneNumber`, `address.postalCode`), a stable code and a message for a form.
    #[error("{message}")]
    Validation {
        /// `validation_failed`.
        code: String,
        /// A readable summary of all issues.
        message: String,
        /// Every field issue, in field order.
        issues: Vec<Issue>,
    },
    /// The provider answered with an error status (or a 2xx whose envelope says it failed).
    #[error("{message}")]
    Api {
        /// What kind of error: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
        /// `conflict`, `already_exists`, `invalid_state_transition`, `idempotency_in_flight`,
        /// `idempotency_mismatch`, `unprocessable`, `rate_limited`, `server_error`, `rejected`,
        /// `http_error`.
        code: String,
        /// A readable description: provider, status, code, the provider's message with personal
        /// data masked, a hint for the usual cause, the request id.
        message: String,
        /// Which provider answered.
        provider: Provider,
        /// The HTTP status.
        status: u16,
        /// Whether sending the SAME request again (same Idempotency-Key, same body bytes) is
        /// safe and may succeed: always for 429 and an in-flight idempotent request; for 5xx only
        /// when the operation is idempotent.
        retryable: bool,
        /// `Retry-After` in seconds, when the provider sent a number.
        retry_after_seconds: Option<u64>,
        /// `Retry-After` as an instant, when the provider sent an HTTP date.
        retry_at: Option<UtcDateTime>,
        /// The provider's request id, if any (quote it to the provider's support).
        request_id: Option<String>,
        /// The provider's own message, with personal data and credentials masked.
        provider_message: Option<String>,
        /// The provider's message exactly as sent, personal data included: for a deliberate look,
        /// never for logs. Kotlin's `toString()` and Swift's `description` and `dump` (the host
        /// layer's mirror) never show it.
        unmasked_provider_message: Option<UnmaskedText>,
    },
    /// A response body could not be decoded.
    #[error("{message}")]
    Decode {
        /// `decode_failed`.
        code: String,
        /// What was wrong and where, without the offending value.
        message: String,
        /// Which provider sent the body.
        provider: Provider,
        /// The response status.
        status: u16,
        /// JSON path of the value that failed, e.g. `data[3].created_at` (`.` for the whole body).
        path: String,
    },
    /// A secret key, token or other credential is missing or malformed (`invalid_credentials`).
    /// The credential never appears in the message.
    #[error("{message}")]
    Credentials {
        /// `invalid_credentials`.
        code: String,
        /// What is wrong.
        message: String,
    },
    /// A configuration value is unusable: `invalid_base_url`, `invalid_query_parameter`,
    /// `invalid_path`, `paging_ignored`.
    #[error("{message}")]
    Config {
        /// The stable code.
        code: String,
        /// What is wrong.
        message: String,
    },
    /// A webhook delivery failed verification or could not be read: `webhook_secret_empty`,
    /// `webhook_signature_missing`, `webhook_signature_malformed`,
    /// `webhook_signature_mismatch`, `webhook_body_invalid`.
    #[error("{message}")]
    Webhook {
        /// The stable code.
        code: String,
        /// What is wrong.
        message: String,
    },
    /// Signing or verifying an HTTP message signature or a Content-Digest failed
    /// (`signature_invalid`, `signature_invalid_length`, `content_digest_mismatch`, ...).
    #[error("{message}")]
    Signature {
        /// The stable code.
        code: String,
        /// What is wrong (never key material or signature bytes).
        message: String,
    },
    /// An ownership challenge, or the wallet's signature of it, failed a check
    /// (`challenge_expired`, `challenge_wrong_signer`, ...).
    #[error("{message}")]
    Challenge {
        /// The stable code.
        code: String,
        /// What is wrong.
        message: String,
    },
    /// No usable answer: the request timed out (`timeout`), could not be sent or its answer not
    /// read (`network_error`), or the call was cancelled (`aborted`). Decided by the core's
    /// engine from what the host's transport reported.
    #[error("{message}")]
    Transport {
        /// `timeout`, `network_error` or `aborted`.
        code: String,
        /// What happened (the method and URL; never headers or body).
        message: String,
        /// Whether the time limit ran out.
        timed_out: bool,
        /// Whether resending the same request is safe (a retry-safe request: idempotent method
        /// or an Idempotency-Key).
        retryable: bool,
    },
    /// An error of a kind this version of the bindings does not classify.
    #[error("{message}")]
    Other {
        /// The stable code.
        code: String,
        /// What is wrong.
        message: String,
    },
}

#[uniffi::export]
impl ClienteleError {
    /// The family of the error (the core's one vocabulary).
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClienteleError::Validation { .. } => ErrorKind::Validation,
            ClienteleError::Api { .. } => ErrorKind::Api,
            ClienteleError::Decode { .. } => ErrorKind::Decode,
            ClienteleError::Credentials { .. } => ErrorKind::Credentials,
            ClienteleError::Config { .. } => ErrorKind::Config,
            ClienteleError::Webhook { .. } => ErrorKind::Webhook,
            ClienteleError::Signature { .. } => ErrorKind::Signature,
            ClienteleError::Challenge { .. } => ErrorKind::Challenge,
            ClienteleError::Transport { .. } => ErrorKind::Transport,
            ClienteleError::Other { code, .. } => {
                clientele_core::kind_of_code(code).unwrap_or(ErrorKind::Internal)
            }
        }
    }

    /// Whether sending the same request again is safe and may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClienteleError::Api { retryable, .. } | ClienteleError::Transport { retryable, .. } => {
                *retryable
            }
            _ => false,
        }
    }

    /// The HTTP status, for API and decoding errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClienteleError::Api { status, .. } | ClienteleError::Decode { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }
}

impl From<Error> for ClienteleError {
    fn from(error: Error) -> Self {
        let code = error.code().to_owned();
        let message = error.to_string();
        match error {
            Error::Validation(e) => ClienteleError::Validation {
                code,
                message,
                issues: e.issues,
            },
            Error::Api(e) => ClienteleError::Api {
                code,
                message,
                provider: e.provider,
                status: e.status,
                retryable: e.retryable,
                retry_after_seconds: match e.retry_after {
                    Some(RetryAfter::Seconds(s)) => Some(s),
                    _ => None,
                },
                retry_at: match e.retry_after {
                    Some(RetryAfter::At(at)) => Some(at),
                    _ => None,
                },
                unmasked_provider_message: e
                    .unmasked_provider_message()
                    .map(|text| UnmaskedText(text.to_owned())),
                request_id: e.request_id,
                provider_message: e.message,
            },
            Error::Decode(e) => ClienteleError::Decode {
                code,
                message,
                provider: e.provider,
                status: e.status,
                path: e.path,
            },
            Error::Credentials(_) => ClienteleError::Credentials { code, message },
            Error::Config(_) => ClienteleError::Config { code, message },
            Error::Webhook(_) => ClienteleError::Webhook { code, message },
            Error::Signature(_) => ClienteleError::Signature { code, message },
            Error::Challenge(_) => ClienteleError::Challenge { code, message },
            Error::Transport(e) => ClienteleError::Transport {
                code,
                message,
                timed_out: e.failure == clientele_core::TransportFailure::Timeout,
                retryable: e.retryable,
            },
            _ => ClienteleError::Other { code, message },
        }
    }
}

impl From<clientele_core::ValidationError> for ClienteleError {
    fn from(error: clientele_core::ValidationError) -> Self {
        Error::from(error).into()
    }
}

impl From<clientele_core::WebhookError> for ClienteleError {
    fn from(error: clientele_core::WebhookError) -> Self {
        Error::from(error).into()
    }
}

impl From<SignatureError> for ClienteleError {
    fn from(error: SignatureError) -> Self {
        Error::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientele_core::bloc::Bloc;
    use clientele_core::http::{Header, HttpResponse};

    #[test]
    fn api_errors_keep_every_field_and_a_masked_message() {
        let response = HttpResponse::new(
            429,
            vec![
                Header::new("Retry-After", "30"),
                Header::new("X-Request-Id", "req_1"),
            ],
            r#"{"message":"slow down, ada@example.com"}"#,
        );
        let err = ClienteleError::from(Bloc::parse_get_customer(&response).unwrap_err());
        let ClienteleError::Api {
            code,
            message,
            status,
            retryable,
            retry_after_seconds,
            request_id,
            provider_message,
            unmasked_provider_message,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(code, "rate_limited");
        assert_eq!(*status, 429);
        assert!(*retryable && err.is_retryable());
        assert_eq!(*retry_after_seconds, Some(30));
        assert_eq!(request_id.as_deref(), Some("req_1"));
        assert_eq!(provider_message.as_deref(), Some("slow down, <email>"));
        assert_eq!(
            unmasked_provider_message.as_ref().map(|t| t.0.as_str()),
            Some("slow down, ada@example.com")
        );
        assert!(!message.contains("ada@example.com"), "{message}");
        assert!(!format!("{err:?}").contains("ada@example.com"), "{err:?}");
        assert_eq!(err.to_string(), *message);
        assert_eq!(err.status(), Some(429));
    }

    #[test]
    fn validation_errors_carry_all_issues() {
        let err = ClienteleError::from(Error::from(clientele_core::ValidationError::single(
            "email",
            clientele_core::IssueCode::InvalidEmail,
        )));
        match err {
            ClienteleError::Validation { code, issues, .. } => {
                assert_eq!(code, "validation_failed");
                assert_eq!(issues[0].path, "email");
            }
            other => panic!("{other:?}"),
        }
    }
}
