//! OffBlocks (api.offblocks.xyz): customers behind a Bearer token, with every authenticated
//! request signed (RFC 9421, `ecdsa-p384-sha384`), bodies digested (RFC 9530 `Content-Digest`)
//! and modifying requests made idempotent (`Idempotency-Key`, a UUID).
//!
//! Signed operations are built in two steps, so the private key can live wherever the host keeps
//! it (WebCrypto non-extractable key, Android Keystore, a KMS): `build_*` returns a
//! [`SigningRequest`] holding the request and the exact bytes to sign; then either
//! [`SigningRequest::sign`] with a key passed to the core, or [`SigningRequest::finish`] with a
//! signature produced elsewhere (raw `r||s`, or DER converted and length-checked).
//!
//! ```
//! use chrono::DateTime;
//! use clientele_core::offblocks::{OffBlocks, OffBlocksCustomerCreate, SigningConfig};
//! use clientele_core::sig::SigningKey;
//!
//! # let pem = include_str!("../../../tests/fixtures/offblocks/test-key-p384.pem");
//! let key = SigningKey::from_pem(pem)?; // your P-384 key, registered with PUT /auth/signing
//! let offblocks = OffBlocks::new(OffBlocks::SANDBOX_BASE_URL, SigningConfig::new("your-key-id"))?
//!     .with_token("eyJhbGciOi.synthetic.token")?;
//! let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap();
//! let pending = offblocks.build_create_customer(
//!     &OffBlocksCustomerCreate {
//!         chain_id: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".into(),
//!         external_id: "customer-42".into(),
//!     },
//!     "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4", // a fresh UUID from the host's RNG; reuse it on retries
//!     now,
//! )?;
//! let request = pending.sign(&key)?;
//! assert!(request.header("Signature-Input").unwrap().starts_with(
//!     r#"sig=("@method" "@target-uri" "content-digest" "content-type" "idempotency-key");created=1763700000"#
//! ));
//! # Ok::<(), clientele_core::Error>(())
//! ```
//!
//! **Idempotency.** The core never invents keys: the host passes a fresh UUID per logical
//! operation. A retry must send the SAME key with the SAME body bytes: resend the built
//! [`HttpRequest`] unchanged (it carries the body, the digest, the key and the signature), or, if
//! the signature has grown too old, call [`OffBlocks::resign`] which keeps key and body.

mod challenge;
pub(crate) mod error;
pub mod eth;
mod model;
pub mod webhook;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::validate::uuid;
pub use challenge::{Challenge, ChallengeOptions, ChallengePaths, ChallengeSubmission};
pub use error::ChallengeError;
pub use model::{
    AccessToken, ApiCredentials, OffBlocksCustomer, OffBlocksCustomerCreate, OffBlocksStatus,
    caip10_account_id,
};

use crate::error::{ApiError, ApiErrorKind, CredentialsError, DecodeError, Provider};
use crate::http::{Header, HttpRequest, HttpResponse, Method, normalize_base_url};
use crate::sig::{
    Algorithm, Component, DigestAlgorithm, PreparedSignature, SignatureEncoding, SignatureParams,
    SigningKey, content_digest, finish_signature, prepare_signature,
};
use crate::validate::{IssueCode, Issues};
use crate::{Error, ValidationError};

/// How requests are signed. OffBlocks documents the algorithm (ECDSA P-384 with SHA-384) but
/// not the covered components, the key id or the digest algorithm: the defaults below are
/// Clientele's assumptions, each configurable.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SigningConfig {
    /// The `keyid` parameter: the id OffBlocks associates with the public key you registered
    /// with `PUT /auth/signing`.
    pub key_id: String,
    /// The signature label. Default `sig` (OffBlocks' Go library's default).
    #[serde(default = "default_label")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub label: String,
    /// Covered components, in order: plain names (`@method`, `content-type`) or serialised
    /// identifiers with parameters (`"@query-param";name="page"`). Default `@method`, `@target-uri`, `content-digest`,
    /// `content-type`, `idempotency-key`; header components a request does not carry (a GET has
    /// no body, so no `content-digest`) are left out of that request's signature.
    #[serde(default = "default_components")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub components: Vec<String>,
    /// The `Content-Digest` algorithm for bodies. Default sha-256 (OffBlocks' Go library's default).
    #[serde(default = "default_digest")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub digest: DigestAlgorithm,
    /// The signing algorithm. Default (and the only one OffBlocks accepts) `ecdsa-p384-sha384`.
    #[serde(default = "default_algorithm")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub algorithm: Algorithm,
    /// If set, signatures carry `expires = created + expires_in` seconds.
    #[serde(default)]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub expires_in: Option<u32>,
}

impl SigningConfig {
    /// The defaults with `key_id`.
    pub fn new(key_id: &str) -> Self {
        SigningConfig {
            key_id: key_id.to_owned(),
            label: default_label(),
            components: default_components(),
            digest: default_digest(),
            algorithm: default_algorithm(),
            expires_in: None,
        }
    }
}

fn default_label() -> String {
    "sig".into()
}

fn default_components() -> Vec<String> {
    DEFAULT_COMPONENTS.iter().map(|c| (*c).to_owned()).collect()
}

fn default_digest() -> DigestAlgorithm {
    DigestAlgorithm::Sha256
}

fn default_algorithm() -> Algorithm {
    Algorithm::EcdsaP384Sha384
}

/// The covered components Clientele uses by default.
pub const DEFAULT_COMPONENTS: [&str; 5] = [
    "@method",
    "@target-uri",
    "content-digest",
    "content-type",
    "idempotency-key",
];

/// The context of every OffBlocks request: base URL, bearer token and signing configuration.
#[derive(Clone, Debug)]
pub struct OffBlocks {
    base_url: String,
    token: Option<Token>,
    signing: SigningConfig,
    components: Vec<Component>,
    challenge_paths: ChallengePaths,
}

/// A bearer token, never shown.
#[derive(Clone)]
struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A request waiting for its signature. [`signature_base`](Self::signature_base) is exactly what
/// must be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningRequest {
    /// The request without its `Signature-Input` and `Signature` headers.
    pub request: HttpRequest,
    prepared: PreparedSignature,
    algorithm: Algorithm,
}

impl SigningRequest {
    /// The bytes to sign (the RFC 9421 signature base).
    pub fn signature_base(&self) -> &[u8] {
        &self.prepared.signature_base
    }

    /// The `Signature-Input` value that will be sent.
    pub fn signature_input(&self) -> &str {
        &self.prepared.signature_input
    }

    /// The algorithm the signature must use.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Completes the request with a signature made elsewhere: raw (`r||s`, 96 bytes for P-384,
    /// as WebCrypto returns) or DER (as Android Keystore, iOS SecKey and most KMSs return).
    pub fn finish(
        self,
        signature: &[u8],
        encoding: SignatureEncoding,
    ) -> Result<HttpRequest, Error> {
        let headers = finish_signature(&self.prepared, signature, self.algorithm, encoding)?;
        let mut request = self.request;
        headers.append_to(&mut request.headers);
        Ok(request)
    }

    /// Signs with `key` in the core (deterministic RFC 6979 ECDSA) and completes the request.
    pub fn sign(self, key: &SigningKey) -> Result<HttpRequest, Error> {
        let signature = key.sign_as(self.algorithm, self.signature_base())?;
        self.finish(&signature, SignatureEncoding::Raw)
    }
}

/// What an operation is, for classifying its errors.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Token,
    Create,
    Read,
    StatusChange,
    Other,
}

impl OffBlocks {
    /// OffBlocks' live API.
    pub const LIVE_BASE_URL: &'static str = "https://api.offblocks.xyz/v1";
    /// OffBlocks' sandbox API.
    pub const SANDBOX_BASE_URL: &'static str = "https://api.sandbox.offblocks.xyz/v1";

    /// A context for `base_url` (e.g. [`Self::SANDBOX_BASE_URL`], or a local emulator on
    /// `http://127.0.0.1:...`) signing with `signing`. Checks the configuration.
    pub fn new(base_url: &str, signing: SigningConfig) -> Result<Self, Error> {
        let base_url = normalize_base_url(base_url)?;
        if signing.key_id.is_empty() || signing.key_id.chars().any(|c| c.is_control()) {
            return Err(CredentialsError::Invalid("signing key id").into());
        }
        let components = signing
            .components
            .iter()
            .map(|c| Component::from_config(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OffBlocks {
            base_url,
            token: None,
            signing,
            components,
            challenge_paths: ChallengePaths::default(),
        })
    }

    /// The same context with a bearer token (from [`OffBlocks::parse_token`]).
    pub fn with_token(&self, token: &str) -> Result<Self, Error> {
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CredentialsError::Invalid("bearer token").into());
        }
        Ok(OffBlocks {
            token: Some(Token(token.to_owned())),
            ..self.clone()
        })
    }

    /// The same context with other paths for the customer challenge endpoints.
    pub fn with_challenge_paths(&self, paths: ChallengePaths) -> Result<Self, Error> {
        paths.check()?;
        Ok(OffBlocks {
            challenge_paths: paths,
            ..self.clone()
        })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The signing configuration.
    pub fn signing(&self) -> &SigningConfig {
        &self.signing
    }

    /// `POST /auth/token`: exchanges API credentials for a bearer token. Not signed.
    pub fn build_token_request(&self, credentials: &ApiCredentials) -> Result<HttpRequest, Error> {
        let mut issues = Issues::default();
        issues.check("apiKey", uuid(&credentials.api_key));
        if credentials.api_secret.is_empty() {
            issues.add("apiSecret", IssueCode::Required);
        }
        issues.finish()?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            api_key: &'a str,
            api_secret: &'a str,
        }
        let body = json_body(&Body {
            api_key: &credentials.api_key,
            api_secret: &credentials.api_secret,
        });
        Ok(HttpRequest {
            method: Method::Post,
            url: format!("{}/auth/token", self.base_url),
            headers: vec![
                Header::new("Accept", "application/json"),
                Header::new("Content-Type", "application/json"),
            ],
            body,
        })
    }

    /// Parses the token response (`{token, expiresAt: unix seconds, tokenType}`).
    pub fn parse_token(response: &HttpResponse) -> Result<AccessToken, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            token: String,
            #[serde(deserialize_with = "crate::json::string_or_number")]
            expires_at: Option<String>,
            #[serde(default)]
            token_type: Option<String>,
        }
        let raw: Raw = decode(response, Op::Token)?;
        let expires_at = raw
            .expires_at
            .as_deref()
            .and_then(|s| {
                s.parse::<i64>()
                    .ok()
                    .and_then(|secs| DateTime::from_timestamp(secs, 0))
                    .or_else(|| crate::json::parse_timestamp(s).map(|t| t.with_timezone(&Utc)))
            })
            .ok_or_else(|| decode_error(response, "expiresAt", "expected unix seconds"))?;
        Ok(AccessToken {
            token: raw.token,
            expires_at,
            token_type: raw.token_type.unwrap_or_else(|| "Bearer".into()),
        })
    }

    /// `POST /customers`: creates a customer and its ownership challenge.
    pub fn build_create_customer(
        &self,
        input: &OffBlocksCustomerCreate,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        let mut issues = Issues::default();
        input.check(&mut issues);
        issues.check("idempotencyKey", uuid(idempotency_key));
        issues.finish()?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            chain_id: &'a str,
            external_id: &'a str,
        }
        let body = json_body(&Body {
            chain_id: &input.chain_id,
            external_id: &input.external_id,
        });
        self.signed(Method::Post, "/customers", body, Some(idempotency_key), now)
    }

    /// `GET /customers`.
    pub fn build_list_customers(&self, now: DateTime<Utc>) -> Result<SigningRequest, Error> {
        self.signed(Method::Get, "/customers", Vec::new(), None, now)
    }

    /// `GET /customers/{id}`.
    pub fn build_get_customer(
        &self,
        customer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        check_customer_id(customer_id, None)?;
        self.signed(
            Method::Get,
            &format!("/customers/{customer_id}"),
            Vec::new(),
            None,
            now,
        )
    }

    /// `PATCH /customers/{id}/deactivate` (allowed from `active`, see
    /// [`OffBlocksStatus::can_deactivate`]). This also deactivates every account and card of
    /// the customer.
    pub fn build_deactivate_customer(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        self.patch_customer(
            "/customers/{id}/deactivate",
            customer_id,
            idempotency_key,
            now,
        )
    }

    /// `PATCH /customers/{id}/activate` (allowed from `inactive`, see
    /// [`OffBlocksStatus::can_activate`]); reactivates the customer's accounts and cards.
    pub fn build_activate_customer(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        self.patch_customer(
            "/customers/{id}/activate",
            customer_id,
            idempotency_key,
            now,
        )
    }

    /// `PATCH /simulator/customers/{id}/verify`: sandbox only; moves a customer through
    /// verification. Answers 202 with no content.
    pub fn build_simulator_verify(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        self.patch_customer(
            "/simulator/customers/{id}/verify",
            customer_id,
            idempotency_key,
            now,
        )
    }

    /// A bodiless, idempotent PATCH on one customer.
    fn patch_customer(
        &self,
        template: &str,
        customer_id: &str,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        check_customer_id(customer_id, Some(idempotency_key))?;
        let path = template.replace("{id}", customer_id);
        self.signed(Method::Patch, &path, Vec::new(), Some(idempotency_key), now)
    }

    /// Re-signs an already built request at `now`, keeping its Idempotency-Key and body bytes:
    /// for a retry whose original signature has grown too old.
    pub fn resign(
        &self,
        request: &HttpRequest,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        let mut request = request.clone();
        request.headers.retain(|h| {
            !h.name.eq_ignore_ascii_case("signature")
                && !h.name.eq_ignore_ascii_case("signature-input")
        });
        self.prepare(request, now)
    }

    /// Builds a signed request: Authorization, Accept, and for bodies Content-Type and
    /// Content-Digest, and the Idempotency-Key when given.
    fn signed(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        idempotency_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        let token = self.token.as_ref().ok_or(CredentialsError::Invalid(
            "bearer token (call with_token first)",
        ))?;
        let mut headers = vec![
            Header::new("Authorization", format!("Bearer {}", token.0)),
            Header::new("Accept", "application/json"),
        ];
        if !body.is_empty() {
            headers.push(Header::new("Content-Type", "application/json"));
            headers.push(Header::new(
                "Content-Digest",
                content_digest(&body, self.signing.digest),
            ));
        }
        if let Some(key) = idempotency_key {
            headers.push(Header::new("Idempotency-Key", key));
        }
        let request = HttpRequest {
            method,
            url: format!("{}{path}", self.base_url),
            headers,
            body,
        };
        self.prepare(request, now)
    }

    fn prepare(&self, request: HttpRequest, now: DateTime<Utc>) -> Result<SigningRequest, Error> {
        let created = now.timestamp();
        let mut params = SignatureParams::new()
            .with_created(created)
            .with_keyid(self.signing.key_id.clone())
            .with_alg(self.signing.algorithm);
        if let Some(secs) = self.signing.expires_in {
            params = params.with_expires(created.saturating_add(i64::from(secs)));
        }
        // Header components the request does not carry are left out (a GET has no digest).
        let components: Vec<Component> = self
            .components
            .iter()
            .filter(|c| c.name().starts_with('@') || request.header(c.name()).is_some())
            .cloned()
            .collect();
        let prepared = prepare_signature(&request, &self.signing.label, &components, &params)?;
        Ok(SigningRequest {
            request,
            prepared,
            algorithm: self.signing.algorithm,
        })
    }

    /// Parses a `POST /customers` answer (201): the customer with its challenge.
    pub fn parse_create_customer(response: &HttpResponse) -> Result<OffBlocksCustomer, Error> {
        decode(response, Op::Create)
    }

    /// Parses a `GET /customers/{id}` answer.
    pub fn parse_get_customer(response: &HttpResponse) -> Result<OffBlocksCustomer, Error> {
        decode(response, Op::Read)
    }

    /// Parses a `GET /customers` answer. Its shape is undocumented: a bare array and a
    /// `{"data": [...]}` wrapper are both accepted.
    pub fn parse_list_customers(response: &HttpResponse) -> Result<Vec<OffBlocksCustomer>, Error> {
        #[derive(Deserialize)]
        struct Wrapped {
            data: Vec<OffBlocksCustomer>,
        }
        // Dispatch on the first byte rather than with an untagged enum: one pass over the body,
        // errors reported against the shape actually sent, and no buffering of the whole body.
        if first_byte(&response.body) == Some(b'{') {
            decode::<Wrapped>(response, Op::Read).map(|w| w.data)
        } else {
            decode(response, Op::Read)
        }
    }

    /// Parses a deactivate or activate answer: the customer when the body holds one. A 409 is
    /// [`ApiErrorKind::InvalidStateTransition`] (or an idempotency conflict).
    pub fn parse_status_change(
        response: &HttpResponse,
    ) -> Result<Option<OffBlocksCustomer>, Error> {
        check_status(response, Op::StatusChange)?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        decode(response, Op::StatusChange).map(Some)
    }

    /// Parses the simulator's answer (202, no content).
    pub fn parse_simulator_verify(response: &HttpResponse) -> Result<(), Error> {
        check_status(response, Op::StatusChange)
    }
}

/// Checks a customer id (a UUID) and, when given, an Idempotency-Key, reporting both.
fn check_customer_id(
    customer_id: &str,
    idempotency_key: Option<&str>,
) -> Result<(), ValidationError> {
    let mut issues = Issues::default();
    issues.check("customerId", uuid(customer_id));
    if let Some(key) = idempotency_key {
        issues.check("idempotencyKey", uuid(key));
    }
    issues.finish()
}

/// A request body: compact JSON, members in the order the struct declares them (alphabetical
/// everywhere here, as the bodies have always been written).
fn json_body(value: &impl Serialize) -> Vec<u8> {
    // Serialising these plain structs of strings cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn decode_error(response: &HttpResponse, path: &str, message: &str) -> Error {
    DecodeError {
        provider: Provider::OffBlocks,
        status: response.status,
        path: path.to_owned(),
        message: message.to_owned(),
    }
    .into()
}

/// Maps a non-2xx answer to an error, with OffBlocks' meanings of 409 and 422.
pub(crate) fn check_status(response: &HttpResponse, op: Op) -> Result<(), Error> {
    if response.is_success() {
        return Ok(());
    }
    // Reads are idempotent; every modifying request carries an Idempotency-Key, which makes
    // repeating it safe. Only the token exchange has neither.
    let idempotent = op != Op::Token;
    let error = ApiError::from_response(Provider::OffBlocks, response, idempotent);
    let text = error
        .message
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let about_idempotency = text.contains("idempotency");
    let kind = match (response.status, op) {
        (422, _) => ApiErrorKind::IdempotencyMismatch,
        (409, _)
            if about_idempotency
                && ["concurren", "in flight", "in progress", "processing"]
                    .iter()
                    .any(|w| text.contains(w)) =>
        {
            ApiErrorKind::IdempotencyInFlight
        }
        (409, _) if about_idempotency => ApiErrorKind::IdempotencyMismatch,
        (409, Op::Create) => ApiErrorKind::AlreadyExists,
        (409, Op::StatusChange) => ApiErrorKind::InvalidStateTransition,
        _ => error.kind,
    };
    Err(error.with_kind(kind, idempotent).into())
}

/// The first byte of a JSON body that is not whitespace.
fn first_byte(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn decode<T: serde::de::DeserializeOwned>(response: &HttpResponse, op: Op) -> Result<T, Error> {
    check_status(response, op)?;
    crate::json::decode(&response.body).map_err(|f| decode_error(response, &f.path, &f.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert_eq!(uuid("123e4567-e89b-12d3-a456-426614174000"), Ok(()));
        assert_eq!(uuid("123E4567-E89B-12D3-A456-426614174000"), Ok(()));
        assert_eq!(uuid(""), Err(IssueCode::Required));
        for bad in [
            "123e4567e89b12d3a456426614174000",
            "123e4567-e89b-12d3-a456-42661417400",
            "g23e4567-e89b-12d3-a456-426614174000",
            "{123e4567-e89b-12d3-a456-426614174000}",
        ] {
            assert_eq!(uuid(bad), Err(IssueCode::InvalidFormat), "{bad}");
        }
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, vec![], body)
    }

    #[test]
    fn conflicts_are_classified_by_operation_and_message() {
        let code = |r: Result<(), Error>| r.unwrap_err().code();
        assert_eq!(
            code(check_status(
                &response(409, r#"{"message":"Customer already exists"}"#),
                Op::Create
            )),
            "already_exists"
        );
        assert_eq!(
            code(check_status(
                &response(409, r#"{"message":"Invalid state transition"}"#),
                Op::StatusChange
            )),
            "invalid_state_transition"
        );
        assert_eq!(
            code(check_status(
                &response(409, r#"{"message":"Idempotency-Key Concurrency Conflict"}"#),
                Op::Create
            )),
            "idempotency_in_flight"
        );
        assert_eq!(
            code(check_status(
                &response(
                    409,
                    r#"{"message":"Idempotency-Key reused with another payload"}"#
                ),
                Op::Create
            )),
            "idempotency_mismatch"
        );
        assert_eq!(
            code(check_status(&response(422, "{}"), Op::StatusChange)),
            "idempotency_mismatch"
        );
        assert_eq!(
            code(check_status(&response(409, "{}"), Op::Read)),
            "conflict"
        );
        let in_flight = check_status(
            &response(409, r#"{"message":"Idempotency-Key Concurrency Conflict"}"#),
            Op::Create,
        )
        .unwrap_err();
        assert!(in_flight.is_retryable());
        let server = check_status(&response(500, "{}"), Op::Create).unwrap_err();
        assert!(
            server.is_retryable(),
            "a create carries an Idempotency-Key, so a retry is safe"
        );
        assert!(
            !check_status(&response(500, "{}"), Op::Token)
                .unwrap_err()
                .is_retryable()
        );
        assert_eq!(Op::Other as u8, Op::Other as u8);
    }
}
