//! The errors every operation returns, in one place.
//!
//! [`Error`] has one variant per family: the caller's input was invalid ([`ValidationError`],
//! with every field issue), the provider answered with an error ([`ApiError`]), a response could
//! not be decoded ([`DecodeError`], with the JSON path), the credentials or configuration are
//! unusable ([`CredentialsError`], [`ConfigError`]), or a webhook failed verification
//! ([`WebhookError`]). Each has a stable machine [`code`](Error::code) and a readable message
//! that never contains secrets or personal data.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::http::HttpResponse;
use crate::validate::Issue;

/// Which provider an error or value comes from.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Provider {
    /// Bloc (api.blochq.io).
    Bloc,
    /// OffBlocks (api.offblocks.xyz).
    OffBlocks,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Bloc => "Bloc",
            Provider::OffBlocks => "OffBlocks",
        })
    }
}

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

/// The caller's payload is invalid. Holds ALL issues found, not just the first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationError {
    /// Every problem found, in field order.
    pub issues: Vec<Issue>,
}

impl ValidationError {
    /// A validation error with a single issue.
    pub fn single(path: &str, code: crate::validate::IssueCode) -> Self {
        ValidationError {
            issues: vec![Issue {
                path: path.to_owned(),
                code,
                message: code.message().to_owned(),
            }],
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(f, "{n} invalid field{}: ", if n == 1 { "" } else { "s" })?;
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

/// What kind of API error a status (or a provider's body) denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum ApiErrorKind {
    /// 400: the provider rejected the request as invalid.
    BadRequest,
    /// 401: wrong key, or a key for the other environment.
    Unauthorized,
    /// 403: the key may not do this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 409: conflicts with the current state.
    Conflict,
    /// 422: the provider understood but refused the request.
    Unprocessable,
    /// 429: too many requests; see `retry_after`.
    RateLimited,
    /// 5xx: a server-side failure.
    ServerError,
    /// A 2xx whose envelope says `success: false`.
    Rejected,
    /// 409 on a create: the resource already exists.
    AlreadyExists,
    /// 409 on a status change that the current status does not allow.
    InvalidStateTransition,
    /// 422 (or 409): the Idempotency-Key was already used with a different payload.
    IdempotencyMismatch,
    /// 409: another request with the same Idempotency-Key is still being processed; retry later
    /// with the same key and body.
    IdempotencyInFlight,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            422 => ApiErrorKind::Unprocessable,
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::ServerError,
            200..=299 => ApiErrorKind::Rejected,
            _ => ApiErrorKind::Other,
        }
    }

    /// Whether a request that got this kind of answer may be sent again unchanged: rate limits
    /// and in-flight idempotent requests always, server errors only when the operation is
    /// idempotent (a GET or PUT, or any request carrying an Idempotency-Key), never 501.
    pub const fn is_retryable(self, status: u16, idempotent: bool) -> bool {
        match self {
            ApiErrorKind::RateLimited | ApiErrorKind::IdempotencyInFlight => true,
            ApiErrorKind::ServerError => idempotent && status != 501,
            _ => false,
        }
    }

    /// The stable machine code, e.g. `"rate_limited"`.
    pub const fn code(self) -> &'static str {
        match self {
            ApiErrorKind::BadRequest => "bad_request",
            ApiErrorKind::Unauthorized => "unauthorized",
            ApiErrorKind::Forbidden => "forbidden",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::Conflict => "conflict",
            ApiErrorKind::Unprocessable => "unprocessable",
            ApiErrorKind::RateLimited => "rate_limited",
            ApiErrorKind::ServerError => "server_error",
            ApiErrorKind::Rejected => "rejected",
            ApiErrorKind::AlreadyExists => "already_exists",
            ApiErrorKind::InvalidStateTransition => "invalid_state_transition",
            ApiErrorKind::IdempotencyMismatch => "idempotency_mismatch",
            ApiErrorKind::IdempotencyInFlight => "idempotency_in_flight",
            ApiErrorKind::Other => "http_error",
        }
    }
}

/// When to retry, from a `Retry-After` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum RetryAfter {
    /// Wait this many seconds.
    Seconds(u64),
    /// Wait until this instant.
    At(
        #[serde(with = "crate::json::rfc3339")]
        #[cfg_attr(feature = "wasm", tsify(type = "string"))]
        DateTime<Utc>,
    ),
}

impl RetryAfter {
    /// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(RetryAfter::Seconds(secs));
        }
        http_date(value).map(RetryAfter::At)
    }

    /// Seconds to wait from `now` (never negative).
    pub fn seconds_from(&self, now: DateTime<Utc>) -> u64 {
        match self {
            RetryAfter::Seconds(s) => *s,
            RetryAfter::At(at) => u64::try_from((*at - now).num_seconds()).unwrap_or(0),
        }
    }
}

/// Parses an HTTP-date (RFC 9110 §5.6.7) in any of its three forms: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`,
/// two-digit years read as 1970-2069) and asctime (`Sun Nov  6 08:49:37 1994`). The weekday is
/// not checked against the date, as RFC 9110 allows.
fn http_date(value: &str) -> Option<DateTime<Utc>> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = |name: &str| {
        MONTHS
            .iter()
            .position(|m| *m == name)
            .and_then(|i| u32::try_from(i + 1).ok())
    };
    let number = |text: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u32>().ok())
            .flatten()
    };
    let time = |text: &str| {
        let mut parts = text.split(':');
        let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
        parts
            .next()
            .is_none()
            .then(|| Some((number(h, 2..=2)?, number(m, 2..=2)?, number(s, 2..=2)?)))
            .flatten()
    };
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    let (year, month, day, (h, m, s)) = match fields.as_slice() {
        [weekday, day, mon, year, clock, "GMT"] if weekday.ends_with(',') => (
            number(year, 4..=4)?,
            month(mon)?,
            number(day, 2..=2)?,
            time(clock)?,
        ),
        [weekday, date, clock, "GMT"] if weekday.ends_with(',') => {
            let mut parts = date.split('-');
            let (day, mon, year) = (parts.next()?, parts.next()?, parts.next()?);
            let yy = number(year, 2..=2)?;
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            (year, month(mon)?, number(day, 2..=2)?, time(clock)?)
        }
        [_weekday, mon, day, clock, year] => (
            number(year, 4..=4)?,
            month(mon)?,
            number(day, 1..=2)?,
            time(clock)?,
        ),
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.and_hms_opt(h, m, s)?.and_utc())
}

/// The provider answered with an error.
///
/// Every form of it is masked: `message` holds the provider's text with personal data and
/// credentials masked (a 4xx body may echo the customer it refused), and `Debug`, `Display` and
/// `Serialize` never show more. The text as the provider sent it is reachable only through
/// [`unmasked_provider_message`](Self::unmasked_provider_message), for a deliberate look.
#[derive(Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Which provider answered.
    pub provider: Provider,
    /// The HTTP status.
    pub status: u16,
    /// What the status means.
    pub kind: ApiErrorKind,
    /// The provider's own message, when the body had one, with emails, phone numbers, BVNs,
    /// tokens and other sensitive values masked.
    pub message: Option<String>,
    /// A request id from the response headers, to quote to the provider's support.
    pub request_id: Option<String>,
    /// The `Retry-After` header, when present and valid.
    pub retry_after: Option<RetryAfter>,
    /// Whether sending the same request again is safe and may succeed: true for 429, and for
    /// 5xx (except 501) on idempotent operations; never for a 5xx answer to a create, which may
    /// have taken effect.
    pub retryable: bool,
    /// The provider's message as sent: never serialised, never in `Debug` or `Display`.
    #[serde(skip)]
    unmasked_message: Option<String>,
}

/// Like `Display`: the provider's message masked, the unmasked one never shown.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("provider", &self.provider)
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("retryable", &self.retryable)
            .finish_non_exhaustive()
    }
}

impl ApiError {
    /// Builds an API error from a non-successful response. `idempotent` says whether the
    /// operation that produced it may be repeated without a second effect.
    pub fn from_response(provider: Provider, response: &HttpResponse, idempotent: bool) -> Self {
        let message = provider_message(&response.body);
        Self::with_message(provider, response, idempotent, message)
    }

    /// Like [`from_response`](Self::from_response) with a message already extracted.
    pub fn with_message(
        provider: Provider,
        response: &HttpResponse,
        idempotent: bool,
        message: Option<String>,
    ) -> Self {
        let status = response.status;
        let kind = ApiErrorKind::from_status(status);
        let retryable = kind.is_retryable(status, idempotent);
        let request_id = response.request_id().map(str::to_owned);
        ApiError {
            provider,
            status,
            kind,
            message: message.as_deref().map(crate::pii::scrub_text),
            unmasked_message: message,
            request_id,
            retry_after: response.header("retry-after").and_then(RetryAfter::parse),
            retryable,
        }
    }

    /// The same error classified as `kind` (for provider-specific meanings of a status, such as
    /// OffBlocks' 409s); `retryable` is recomputed.
    pub fn with_kind(mut self, kind: ApiErrorKind, idempotent: bool) -> Self {
        self.kind = kind;
        self.retryable = kind.is_retryable(self.status, idempotent);
        self
    }

    /// The provider's message exactly as it sent it, personal data included: for a deliberate
    /// look while debugging, never for logs or users. Every other form of the error masks it.
    pub fn unmasked_provider_message(&self) -> Option<&str> {
        self.unmasked_message.as_deref()
    }

    /// A hint for the developer, when the kind has a usual cause.
    pub fn hint(&self) -> Option<&'static str> {
        match (self.provider, self.kind) {
            (Provider::Bloc, ApiErrorKind::Unauthorized) => Some(
                "check the secret key: a wrong key, or a test key used against live (or a live key against test), is refused with 401",
            ),
            (Provider::OffBlocks, ApiErrorKind::Unauthorized) => {
                Some("check the bearer token (it may have expired) and the request signature")
            }
            (_, ApiErrorKind::RateLimited) => {
                Some("too many requests: wait as told by retry_after")
            }
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} API error {} ({})",
            self.provider,
            self.status,
            self.kind.code()
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(h) = self.hint() {
            write!(f, " [{h}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Extracts a human message from an error body: `message`, `error`, `detail`, `title`
/// (also inside `error: {...}` or the first of `errors: [...]`), or a short plain-text body.
///
/// Read in one pass by a visitor ([`Message`]) rather than through `serde_json::Value`: no
/// tree is built, and the wasm module carries no `Value` machinery.
pub(crate) fn provider_message(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Message>(body) {
        Ok(Message(m)) => m,
        Err(_) => std::str::from_utf8(body)
            .ok()
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200 && !t.starts_with('<'))
            .map(str::to_owned),
    }
}

/// The message found in a JSON value: a non-blank string; in an object, the first of these
/// members (in this order of preference, wherever they appear) that holds one, else `errors`;
/// in an array, its first element.
struct Message(Option<String>);

/// The members searched, in order of preference.
const MESSAGE_KEYS: [&str; 6] = [
    "message",
    "error",
    "detail",
    "title",
    "description",
    "errors",
];

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MessageVisitor).map(Message)
    }
}

struct MessageVisitor;

impl<'de> serde::de::Visitor<'de> for MessageVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok((!s.trim().is_empty()).then(|| s.to_owned()))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let first = seq.next_element::<Message>()?.and_then(|m| m.0);
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(first)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // A later duplicate member replaces an earlier one, as in a parsed object.
        let mut found: [Option<String>; MESSAGE_KEYS.len()] = Default::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match MESSAGE_KEYS.iter().position(|k| *k == key) {
                Some(i) => {
                    let value = map.next_value::<Message>()?.0;
                    if let Some(slot) = found.get_mut(i) {
                        *slot = value;
                    }
                }
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(found.into_iter().flatten().next())
    }
}

/// A response body could not be decoded into the expected shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("could not decode the {provider} response (status {status}) at `{path}`: {message}")]
pub struct DecodeError {
    /// Which provider sent the body.
    pub provider: Provider,
    /// The response status.
    pub status: u16,
    /// JSON path of the value that failed, e.g. `data[3].created_at` (`.` for the whole body).
    pub path: String,
    /// What was wrong, without the offending value (it may be personal data).
    pub message: String,
}

/// The secret key is unusable. The key itself never appears in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CredentialsError {
    /// No key was given.
    #[error("the secret key is empty")]
    Empty,
    /// A public key (`pk_...`) was given where the secret key is needed.
    #[error(
        "this is a public key (pk_...); server-side calls need the secret key (sk_test_... or sk_live_...)"
    )]
    PublicKey,
    /// The key does not start with `sk_test_` or `sk_live_`.
    #[error("the secret key must start with sk_test_ or sk_live_")]
    UnknownPrefix,
    /// The key holds whitespace or characters that cannot go in an HTTP header, or nothing after its prefix.
    #[error(
        "the secret key is malformed (empty after its prefix, or holds whitespace or non-printable characters)"
    )]
    Malformed,
    /// A credential other than a Bloc key (token, API key, secret) is malformed.
    #[error("the {0} is missing or malformed")]
    Invalid(&'static str),
    /// A server secret given to a client in a browser, where every visitor can read it.
    #[error(
        "{0} in a browser would hand it to every visitor: call your own backend instead, or set dangerouslyAllowBrowser if this page never reaches untrusted users"
    )]
    UnsafeInBrowser(&'static str),
    /// A live server secret given to a client inside a mobile app, where anyone who installs it
    /// can extract it.
    #[error(
        "{0} inside an app can be extracted by anyone who installs it: give the client a token provider that asks your own backend, or set dangerouslyAllowInApp for a build that never reaches untrusted users"
    )]
    UnsafeInApp(&'static str),
}

impl CredentialsError {
    /// The stable machine code: `unsafe_browser_credentials`, `unsafe_app_credentials`, or
    /// `invalid_credentials` for every other case.
    pub fn code(&self) -> &'static str {
        match self {
            CredentialsError::UnsafeInBrowser(_) => "unsafe_browser_credentials",
            CredentialsError::UnsafeInApp(_) => "unsafe_app_credentials",
            _ => "invalid_credentials",
        }
    }
}

/// A configuration value is unusable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `https://` URL (plain `http://` is allowed only for
    /// localhost, for a local sandbox), or carries a query or fragment.
    #[error("invalid base URL: {reason}")]
    BaseUrl {
        /// Why it was refused.
        reason: String,
    },
    /// A query parameter name is empty or holds characters that need escaping.
    #[error("invalid query parameter name for {what}")]
    QueryParameter {
        /// Which parameter.
        what: String,
    },
    /// A path template is unusable.
    #[error("invalid path: {reason}")]
    Path {
        /// Why it was refused.
        reason: String,
    },
    /// The provider returned the same page twice: it ignores the configured paging parameter.
    #[error(
        "the provider returned the same page twice, so it ignores the paging parameter `{param}`; configure the name it uses"
    )]
    PagingIgnored {
        /// The parameter name that was sent.
        param: String,
    },
}

impl ConfigError {
    /// The stable machine code, e.g. `"invalid_base_url"`.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::BaseUrl { .. } => "invalid_base_url",
            ConfigError::QueryParameter { .. } => "invalid_query_parameter",
            ConfigError::PagingIgnored { .. } => "paging_ignored",
            ConfigError::Path { .. } => "invalid_path",
        }
    }
}

/// An ownership challenge (Sign-In with Ethereum), or the wallet's signature of it, failed a
/// check. Messages never repeat the challenge or the signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChallengeError {
    /// The customer's account id is not a valid CAIP-10 id.
    #[error("the customer's chainId is not a valid CAIP-10 account id ({reason})")]
    Account {
        /// Which rule it broke.
        reason: String,
    },
    /// Sign-In with Ethereum covers EVM (`eip155`) accounts only.
    #[error("ownership challenges are only defined for eip155 (EVM) accounts")]
    UnsupportedChain,
    /// The challenge is not base64 of a valid Sign-In with Ethereum message.
    #[error("the challenge is not a valid Sign-In with Ethereum message: {reason}")]
    Malformed {
        /// What was wrong.
        reason: String,
    },
    /// The message names another address than the customer's.
    #[error("the challenge names another address than the customer's")]
    AddressMismatch,
    /// The message names another chain than the customer's.
    #[error("the challenge names another chain than the customer's")]
    ChainMismatch,
    /// The challenge has expired (past its Expiration Time, or issued over an hour ago): fetch a new one.
    #[error("the challenge has expired; fetch a new one")]
    Expired,
    /// The challenge is not valid yet (Not Before, or Issued At beyond a small clock skew, is in
    /// the future).
    #[error("the challenge is not valid yet")]
    NotYetValid,
    /// The signature is not 65 bytes of hex, or no key recovers from it.
    #[error("the signature is not a valid 65-byte personal_sign signature")]
    InvalidSignature,
    /// The signature was made by another wallet than the customer's.
    #[error("the challenge was signed by another wallet than the customer's")]
    WrongSigner,
    /// The message asks to sign in to another site than the provider's (domain, scheme or URI).
    #[error("the challenge is for another site")]
    DomainMismatch,
}

impl ChallengeError {
    /// The stable machine code, e.g. `"challenge_wrong_signer"`.
    pub fn code(&self) -> &'static str {
        match self {
            ChallengeError::Account { .. } => "challenge_invalid_account",
            ChallengeError::UnsupportedChain => "challenge_unsupported_chain",
            ChallengeError::Malformed { .. } => "challenge_malformed",
            ChallengeError::AddressMismatch => "challenge_address_mismatch",
            ChallengeError::ChainMismatch => "challenge_chain_mismatch",
            ChallengeError::Expired => "challenge_expired",
            ChallengeError::NotYetValid => "challenge_not_yet_valid",
            ChallengeError::InvalidSignature => "challenge_invalid_signature",
            ChallengeError::WrongSigner => "challenge_wrong_signer",
            ChallengeError::DomainMismatch => "challenge_domain_mismatch",
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Header;

    fn resp(status: u16, headers: Vec<Header>, body: &str) -> HttpResponse {
        HttpResponse::new(status, headers, body)
    }

    #[test]
    fn retryability_depends_on_status_and_idempotency() {
        let cases = [
            (429, false, true),
            (500, true, true),
            (503, false, false),
            (501, true, false),
            (400, true, false),
            (404, true, false),
        ];
        for (status, idempotent, want) in cases {
            let e = ApiError::from_response(Provider::Bloc, &resp(status, vec![], ""), idempotent);
            assert_eq!(e.retryable, want, "{status} idempotent={idempotent}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(RetryAfter::parse(" 30 "), Some(RetryAfter::Seconds(30)));
        let at = RetryAfter::parse("Tue, 20 Apr 2021 02:07:55 GMT").unwrap();
        let now = DateTime::parse_from_rfc3339("2021-04-20T02:07:50Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(at.seconds_from(now), 5);
        assert_eq!(at.seconds_from(now + chrono::Duration::seconds(60)), 0);
        assert_eq!(RetryAfter::parse("soon"), None);
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let want = DateTime::parse_from_rfc3339("1994-11-06T08:49:37Z")
            .unwrap()
            .with_timezone(&Utc);
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun Nov 06 08:49:37 1994",
        ] {
            assert_eq!(http_date(text), Some(want), "{text}");
        }
        assert_eq!(
            http_date("Tuesday, 20-Apr-21 02:07:55 GMT").map(|t| t.to_rfc3339()),
            Some("2021-04-20T02:07:55+00:00".into())
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
        }
    }

    /// The reference: the same search over a parsed `serde_json::Value` (what the visitor
    /// replaced).
    fn reference_message(v: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Object(map) => ["message", "error", "detail", "title", "description"]
                .iter()
                .find_map(|k| map.get(*k).and_then(reference_message))
                .or_else(|| map.get("errors").and_then(reference_message)),
            Value::Array(items) => items.first().and_then(reference_message),
            _ => None,
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            prop_oneof![
                Just(String::new()),
                Just("  ".to_owned()),
                "[a-z \\\"é]{0,8}"
            ]
            .prop_map(Value::String),
        ];
        let key = prop_oneof![
            Just("message"),
            Just("error"),
            Just("detail"),
            Just("title"),
            Just("description"),
            Just("errors"),
            Just("other"),
            Just("msg"),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6).prop_map(|members| {
                    Value::Object(
                        members
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn the_message_visitor_agrees_with_the_value_search(value in json_value()) {
            let body = value.to_string();
            proptest::prop_assert_eq!(provider_message(body.as_bytes()), reference_message(&value));
        }

        #[test]
        fn duplicate_members_resolve_like_a_parsed_object(a in "[a-z]{1,5}", b in "[a-z]{1,5}") {
            let body = format!(r#"{{"message":"{a}","message":"{b}"}}"#);
            let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
            proptest::prop_assert_eq!(provider_message(body.as_bytes()), reference_message(&parsed));
        }
    }

    #[test]
    fn messages_are_found_in_common_shapes() {
        assert_eq!(
            provider_message(br#"{"success":false,"message":"bad"}"#).as_deref(),
            Some("bad")
        );
        assert_eq!(
            provider_message(br#"{"error":{"message":"nested"}}"#).as_deref(),
            Some("nested")
        );
        assert_eq!(
            provider_message(br#"{"errors":[{"detail":"first"}]}"#).as_deref(),
            Some("first")
        );
        assert_eq!(
            provider_message(b"Bad Gateway").as_deref(),
            Some("Bad Gateway")
        );
        assert_eq!(provider_message(b"<html>oops</html>"), None);
        assert_eq!(provider_message(b""), None);
    }

    #[test]
    fn every_form_of_an_api_error_masks_personal_data() {
        let raw = "customer ada@example.com with phone 08012345678 and bvn 22403240419 exists";
        let r = resp(
            409,
            vec![Header::new("X-Request-Id", "req_1")],
            &format!(r#"{{"message":"{raw}"}}"#),
        );
        let e = ApiError::from_response(Provider::Bloc, &r, false);
        assert_eq!(e.unmasked_provider_message(), Some(raw));
        let forms = [
            e.message.clone().unwrap_or_default(),
            format!("{e:?}"),
            e.to_string(),
            serde_json::to_string(&e).unwrap(),
            format!("{:?}", Error::from(e.clone())),
            Error::from(e.clone()).to_string(),
        ];
        for form in &forms {
            for secret in ["ada@example.com", "08012345678", "22403240419"] {
                assert!(!form.contains(secret), "{secret} in {form}");
            }
        }
        assert!(
            forms[2].contains("409") && forms[2].contains("req_1"),
            "{}",
            forms[2]
        );
        assert!(forms[0].contains("customer") && forms[0].contains("exists"));
        // A serialised error comes back masked, with nothing unmasked to reveal.
        let back: ApiError = serde_json::from_str(&forms[3]).unwrap();
        assert_eq!(back.unmasked_provider_message(), None);
    }
}
