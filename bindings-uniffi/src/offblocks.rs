//! OffBlocks (api.offblocks.xyz): the context whose build steps return a request waiting for
//! its RFC 9421 signature, the parse steps, the ownership challenge, webhooks and tokens.

use std::sync::{Arc, Mutex, PoisonError};

use clientele_core::http::{HttpRequest, HttpResponse};
use clientele_core::offblocks::webhook::{
    self, Delivery, OffBlocksWebhookEvent, OffBlocksWebhookType,
};
use clientele_core::offblocks::{
    self as core, AccessToken, ApiCredentials, Challenge, ChallengePaths, ChallengeSubmission,
    OffBlocksCustomer, OffBlocksCustomerCreate, OffBlocksStatus, SigningConfig,
};
use clientele_core::sig::{Algorithm, SignatureEncoding};

use crate::sig::{SigningKey, VerifiedSignature, VerifyingKey};
use crate::{Result, UtcDateTime};

/// The context of every OffBlocks request: base URL, bearer token and signing configuration.
/// Immutable; `with_token` returns a new context.
#[derive(Debug, uniffi::Object)]
pub struct OffBlocks(core::OffBlocks);

#[uniffi::export]
impl OffBlocks {
    /// A context for `base_url` (OffBlocks' live or sandbox URL, or a local emulator on
    /// `http://127.0.0.1:...`) signing with `signing`.
    #[uniffi::constructor]
    pub fn new(base_url: &str, signing: SigningConfig) -> Result<Arc<Self>> {
        Ok(Arc::new(OffBlocks(core::OffBlocks::new(
            base_url, signing,
        )?)))
    }

    /// The same context with a bearer token (from [`offblocks_parse_token`]).
    pub fn with_token(&self, token: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(OffBlocks(self.0.with_token(token)?)))
    }

    /// The same context with other paths for the challenge endpoints.
    pub fn with_challenge_paths(&self, paths: ChallengePaths) -> Result<Arc<Self>> {
        Ok(Arc::new(OffBlocks(self.0.with_challenge_paths(paths)?)))
    }

    /// The base URL.
    pub fn base_url(&self) -> String {
        self.0.base_url().to_owned()
    }

    /// The signing configuration.
    pub fn signing(&self) -> SigningConfig {
        self.0.signing().clone()
    }

    /// `POST /auth/token`: exchanges API credentials for a bearer token. Not signed.
    pub fn build_token_request(&self, credentials: &ApiCredentials) -> Result<HttpRequest> {
        Ok(self.0.build_token_request(credentials)?)
    }

    /// `POST /customers`. `idempotency_key` is a fresh UUID per operation, the SAME one on
    /// retries; `now` is the host's clock (the signature's `created`).
    pub fn build_create_customer(
        &self,
        input: &OffBlocksCustomerCreate,
        idempotency_key: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(self.0.build_create_customer(input, idempotency_key, now))
    }

    /// `GET /customers`.
    pub fn build_list_customers(&self, now: UtcDateTime) -> Result<Arc<SigningRequest>> {
        signing(self.0.build_list_customers(now))
    }

    /// `GET /customers/{id}`.
    pub fn build_get_customer(
        &self,
        customer_id: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(self.0.build_get_customer(customer_id, now))
    }

    /// `PATCH /customers/{id}/deactivate` (allowed from `active`).
    pub fn build_deactivate_customer(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(
            self.0
                .build_deactivate_customer(customer_id, idempotency_key, now),
        )
    }

    /// `PATCH /customers/{id}/activate` (allowed from `inactive`).
    pub fn build_activate_customer(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(
            self.0
                .build_activate_customer(customer_id, idempotency_key, now),
        )
    }

    /// `PATCH /simulator/customers/{id}/verify` (sandbox only).
    pub fn build_simulator_verify(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(
            self.0
                .build_simulator_verify(customer_id, idempotency_key, now),
        )
    }

    /// `GET` the customer's current ownership challenge.
    pub fn build_get_challenge(
        &self,
        customer_id: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(self.0.build_get_challenge(customer_id, now))
    }

    /// `POST` the signed challenge (from [`accept_challenge_signature`]).
    pub fn build_submit_challenge(
        &self,
        customer_id: &str,
        submission: &ChallengeSubmission,
        idempotency_key: &str,
        now: UtcDateTime,
    ) -> Result<Arc<SigningRequest>> {
        signing(
            self.0
                .build_submit_challenge(customer_id, submission, idempotency_key, now),
        )
    }

    /// Re-signs an already built request at `now`, keeping its Idempotency-Key and body bytes
    /// (for a retry whose signature has grown too old).
    pub fn resign(&self, request: &HttpRequest, now: UtcDateTime) -> Result<Arc<SigningRequest>> {
        signing(self.0.resign(request, now))
    }
}

fn signing(
    built: std::result::Result<core::SigningRequest, clientele_core::Error>,
) -> Result<Arc<SigningRequest>> {
    Ok(Arc::new(SigningRequest(built?)))
}

/// A request waiting for its signature. Sign [`signature_base`](Self::signature_base) wherever
/// the key lives (Android Keystore and iOS return DER; pass it to `finish` with
/// `SignatureEncoding.Der`), or hand a key to the core with `sign`. Either way the result is the
/// request to send, unchanged on retries.
#[derive(Debug, uniffi::Object)]
pub struct SigningRequest(core::SigningRequest);

#[uniffi::export]
impl SigningRequest {
    /// The request without its `Signature-Input` and `Signature` headers.
    pub fn request(&self) -> HttpRequest {
        self.0.request.clone()
    }

    /// The exact bytes to sign (the RFC 9421 signature base).
    pub fn signature_base(&self) -> Vec<u8> {
        self.0.signature_base().to_vec()
    }

    /// The `Signature-Input` value that will be sent.
    pub fn signature_input(&self) -> String {
        self.0.signature_input().to_owned()
    }

    /// The algorithm the signature must use (`ecdsa-p384-sha384` for OffBlocks).
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }

    /// Completes the request with a signature made elsewhere: raw (`r||s`, 96 bytes for P-384)
    /// or DER (converted and length-checked).
    pub fn finish(&self, signature: Vec<u8>, encoding: SignatureEncoding) -> Result<HttpRequest> {
        Ok(self.0.clone().finish(&signature, encoding)?)
    }

    /// Signs with `key` in the core (deterministic RFC 6979 ECDSA) and completes the request.
    pub fn sign(&self, key: &SigningKey) -> Result<HttpRequest> {
        Ok(self.0.clone().sign(key.inner())?)
    }
}

/// OffBlocks' live API base URL.
#[uniffi::export]
pub fn offblocks_live_base_url() -> String {
    core::OffBlocks::LIVE_BASE_URL.to_owned()
}

/// OffBlocks' sandbox API base URL.
#[uniffi::export]
pub fn offblocks_sandbox_base_url() -> String {
    core::OffBlocks::SANDBOX_BASE_URL.to_owned()
}

/// The default signing configuration for `key_id` (the id OffBlocks gave the public key you
/// registered): label `sig`, components `@method @target-uri content-digest content-type
/// idempotency-key`, sha-256 digests, `ecdsa-p384-sha384`.
#[uniffi::export]
pub fn offblocks_default_signing_config(key_id: &str) -> SigningConfig {
    SigningConfig::new(key_id)
}

/// The default challenge paths (`/customers/{id}/challenge`, `/customers/{id}/challenge/sign`).
#[uniffi::export]
pub fn offblocks_default_challenge_paths() -> ChallengePaths {
    ChallengePaths::default()
}

/// Parses the token response.
#[uniffi::export]
pub fn offblocks_parse_token(response: &HttpResponse) -> Result<AccessToken> {
    Ok(core::OffBlocks::parse_token(response)?)
}

/// Parses a `POST /customers` answer: the customer with its base64 challenge.
#[uniffi::export]
pub fn offblocks_parse_create_customer(response: &HttpResponse) -> Result<OffBlocksCustomer> {
    Ok(core::OffBlocks::parse_create_customer(response)?)
}

/// Parses a `GET /customers/{id}` answer.
#[uniffi::export]
pub fn offblocks_parse_get_customer(response: &HttpResponse) -> Result<OffBlocksCustomer> {
    Ok(core::OffBlocks::parse_get_customer(response)?)
}

/// Parses a `GET /customers` answer (a bare array or `{"data": [...]}`).
#[uniffi::export]
pub fn offblocks_parse_list_customers(response: &HttpResponse) -> Result<Vec<OffBlocksCustomer>> {
    Ok(core::OffBlocks::parse_list_customers(response)?)
}

/// Parses a deactivate or activate answer: the customer when the body holds one.
#[uniffi::export]
pub fn offblocks_parse_status_change(response: &HttpResponse) -> Result<Option<OffBlocksCustomer>> {
    Ok(core::OffBlocks::parse_status_change(response)?)
}

/// Parses the simulator's answer (202, no content).
#[uniffi::export]
pub fn offblocks_parse_simulator_verify(response: &HttpResponse) -> Result<()> {
    Ok(core::OffBlocks::parse_simulator_verify(response)?)
}

/// Parses a challenge answer into the base64 challenge for [`open_challenge`].
#[uniffi::export]
pub fn offblocks_parse_challenge(response: &HttpResponse) -> Result<String> {
    Ok(core::OffBlocks::parse_challenge(response)?)
}

/// Parses the answer to a challenge submission: the customer when the body holds one.
#[uniffi::export]
pub fn offblocks_parse_submit_challenge(
    response: &HttpResponse,
) -> Result<Option<OffBlocksCustomer>> {
    Ok(core::OffBlocks::parse_submit_challenge(response)?)
}

/// Whether to fetch a new token before the next request: true once `now` is within
/// `margin_seconds` of the expiry (about a minute absorbs clock skew and latency).
#[uniffi::export]
pub fn access_token_needs_refresh(
    token: &AccessToken,
    now: UtcDateTime,
    margin_seconds: u32,
) -> bool {
    token.needs_refresh(now, margin_seconds)
}

/// Decodes a base64 Sign-In with Ethereum challenge and checks it against the customer's
/// CAIP-10 `chain_id` and `now`, before the wallet is asked to sign `message`.
#[uniffi::export]
pub fn open_challenge(encoded: &str, chain_id: &str, now: UtcDateTime) -> Result<Challenge> {
    Ok(Challenge::open(encoded, chain_id, now)?)
}

/// Checks the wallet's `personal_sign` signature (65 bytes as hex): it must recover to the
/// customer's address. Returns what to submit with `OffBlocks.build_submit_challenge`.
#[uniffi::export]
pub fn accept_challenge_signature(
    challenge: &Challenge,
    signature_hex: &str,
) -> Result<ChallengeSubmission> {
    Ok(challenge.accept_signature(signature_hex)?)
}

/// Checks a create payload completely (the CAIP-10 `chainId`, the `externalId`); fails with
/// every issue at once.
#[uniffi::export(name = "validate_off_blocks_customer_create")]
pub fn validate_offblocks_customer_create(input: &OffBlocksCustomerCreate) -> Result<()> {
    Ok(input.validate()?)
}

/// As `accept_challenge_signature`, after checking again at `now` that the challenge has not
/// expired while the wallet was signing (prefer this one).
#[uniffi::export]
pub fn accept_challenge_signature_at(
    challenge: &Challenge,
    signature_hex: &str,
    now: UtcDateTime,
) -> Result<ChallengeSubmission> {
    Ok(challenge.accept_signature_at(signature_hex, now)?)
}

/// Whether `PATCH .../deactivate` is allowed from `status` (only `active`).
#[uniffi::export]
pub fn offblocks_status_can_deactivate(status: &OffBlocksStatus) -> bool {
    status.can_deactivate()
}

/// Whether `PATCH .../activate` is allowed from `status` (only `inactive`).
#[uniffi::export]
pub fn offblocks_status_can_activate(status: &OffBlocksStatus) -> bool {
    status.can_activate()
}

/// Whether the documented status machine allows moving from `from` to `to`.
#[uniffi::export]
pub fn offblocks_status_can_transition(from: &OffBlocksStatus, to: &OffBlocksStatus) -> bool {
    from.can_transition_to(to)
}

/// Parses a webhook delivery body; unknown types are kept.
#[uniffi::export(name = "parse_off_blocks_webhook")]
pub fn parse_offblocks_webhook(body: Vec<u8>) -> Result<OffBlocksWebhookEvent> {
    Ok(webhook::parse(&body)?)
}

/// Classifies a delivery from what the host knows: whether its `eventId` was already processed
/// and the `updatedAt` of the last state processed for the same customer.
#[uniffi::export]
pub fn offblocks_webhook_classify(
    event: &OffBlocksWebhookEvent,
    event_already_seen: bool,
    last_updated_at: Option<UtcDateTime>,
) -> Delivery {
    webhook::classify(event, event_already_seen, last_updated_at)
}

/// Verifies an RFC 9421 signature on a delivery (method, full URL, headers and RAW body as
/// received) with OffBlocks' public key; it must cover `content-digest` and be at most
/// `max_age_seconds` old.
#[uniffi::export(name = "verify_off_blocks_webhook_signature")]
pub fn verify_offblocks_webhook_signature(
    delivery: &HttpRequest,
    public_key: &VerifyingKey,
    now: UtcDateTime,
    max_age_seconds: u32,
) -> Result<VerifiedSignature> {
    let verified = webhook::verify_signature(delivery, public_key.inner(), now, max_age_seconds)?;
    Ok(VerifiedSignature::from(verified))
}

/// Remembers the last `capacity` event ids and the latest `updatedAt` per customer, and tells
/// new deliveries from duplicates and stale (out-of-order) ones. Safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct OffBlocksWebhookDeduplicator(Mutex<webhook::WebhookDeduplicator>);

#[uniffi::export]
impl OffBlocksWebhookDeduplicator {
    /// Remembers up to `capacity` event ids (at least 1).
    #[uniffi::constructor]
    pub fn new(capacity: u32) -> Arc<Self> {
        let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
        Arc::new(OffBlocksWebhookDeduplicator(Mutex::new(
            webhook::WebhookDeduplicator::new(capacity),
        )))
    }

    /// A deduplicator with the state [`save`](Self::save) returned (JSON), to carry the ids it
    /// remembers across restarts; anything else fails with `invalid_argument`, as in npm.
    #[uniffi::constructor]
    pub fn restore(state: &str) -> Result<Arc<Self>> {
        let inner: webhook::WebhookDeduplicator =
            serde_json::from_str(state).map_err(|_| crate::ClienteleError::Validation {
                code: "invalid_argument".into(),
                message: "`state` is not a saved OffBlocksWebhookDeduplicator state".into(),
                issues: Vec::new(),
            })?;
        Ok(Arc::new(OffBlocksWebhookDeduplicator(Mutex::new(inner))))
    }

    /// Classifies `event` and, when it is new, records it.
    pub fn observe(&self, event: &OffBlocksWebhookEvent) -> Delivery {
        self.with(|d| d.observe(event))
    }

    /// The state (JSON) to persist and give to [`restore`](Self::restore) later.
    pub fn save(&self) -> String {
        // Serialising ids, timestamps and counts cannot fail.
        self.with(|d| serde_json::to_string(d).unwrap_or_default())
    }
}

impl OffBlocksWebhookDeduplicator {
    fn with<T>(&self, f: impl FnOnce(&mut webhook::WebhookDeduplicator) -> T) -> T {
        // A poisoned lock still holds a valid state.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

crate::open_enum_functions! {
    OffBlocksStatus => offblocks_status_from_wire, offblocks_status_wire_value;
    OffBlocksWebhookType => offblocks_webhook_type_from_wire, offblocks_webhook_type_wire_value;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    const KEY: &str = include_str!("../../tests/fixtures/offblocks/test-key-p384.pem");

    #[test]
    fn external_and_core_signatures_give_the_same_request() {
        let offblocks = OffBlocks::new(
            &offblocks_sandbox_base_url(),
            offblocks_default_signing_config("key-1"),
        )
        .unwrap()
        .with_token("eyJ.synthetic.token")
        .unwrap();
        let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap();
        let pending = offblocks
            .build_create_customer(
                &OffBlocksCustomerCreate {
                    chain_id: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".into(),
                    external_id: "customer-42".into(),
                },
                "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4",
                now,
            )
            .unwrap();
        let key = SigningKey::from_pem(KEY).unwrap();
        let signed = pending.sign(&key).unwrap();
        let signature = crate::sig::tests::signature_bytes(&signed);
        assert_eq!(
            pending
                .finish(signature.clone(), SignatureEncoding::Raw)
                .unwrap(),
            signed
        );
        let err = pending
            .finish(signature[..95].to_vec(), SignatureEncoding::Raw)
            .unwrap_err();
        assert!(
            matches!(err, crate::ClienteleError::Signature { ref code, .. } if code == "signature_invalid_length")
        );
        // The unsigned request is the signed one minus its two signature headers.
        assert_eq!(pending.request().headers.len() + 2, signed.headers.len());
    }
}

/// The CAIP-10 account id OffBlocks wants in `chainId` (`eip155:<chain_id>:<address>`), from an
/// EVM chain id and a wallet address as a wallet shows it (EIP-55 checked, kept as given).
/// Throws a validation error naming `address` otherwise.
#[uniffi::export]
pub fn caip10_account_id(chain_id: u64, address: &str) -> Result<String> {
    Ok(core::caip10_account_id(chain_id, address).map_err(clientele_core::Error::from)?)
}
