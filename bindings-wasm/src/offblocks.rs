//! OffBlocks for JS: the `OffBlocks` context, two-step signing (`SigningRequest`), the ownership
//! challenge and webhooks.

use clientele_core::offblocks::webhook::{self, WebhookDeduplicator};
use clientele_core::offblocks::{
    AccessToken, OffBlocks as Core, OffBlocksCustomerCreate, OffBlocksStatus,
    SigningRequest as CoreSigningRequest,
};
use clientele_core::{Issue, ValidationError};
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, OrThrow, input, instant, output, parsed, response};

/// The context of every OffBlocks request: base URL, bearer token and signing configuration.
#[wasm_bindgen]
pub struct OffBlocks(Core);

#[wasm_bindgen]
impl OffBlocks {
    /// A context for `baseUrl` signing with `signing` (`{ keyId }` plus optional overrides).
    #[wasm_bindgen(constructor)]
    pub fn new(base_url: &str, signing: &str) -> JsResult<OffBlocks> {
        Ok(OffBlocks(
            Core::new(base_url, input(signing, "signing")?).or_throw()?,
        ))
    }

    /// OffBlocks' live API base URL.
    #[wasm_bindgen(getter = LIVE_BASE_URL)]
    pub fn live_base_url() -> String {
        Core::LIVE_BASE_URL.to_owned()
    }

    /// OffBlocks' sandbox API base URL.
    #[wasm_bindgen(getter = SANDBOX_BASE_URL)]
    pub fn sandbox_base_url() -> String {
        Core::SANDBOX_BASE_URL.to_owned()
    }

    /// The same context with a bearer token.
    #[wasm_bindgen(js_name = withToken)]
    pub fn with_token(&self, token: &str) -> JsResult<OffBlocks> {
        Ok(OffBlocks(self.0.with_token(token).or_throw()?))
    }

    /// The same context with other customer challenge paths (`{id}` for the customer id).
    #[wasm_bindgen(js_name = withChallengePaths)]
    pub fn with_challenge_paths(&self, paths: &str) -> JsResult<OffBlocks> {
        Ok(OffBlocks(
            self.0
                .with_challenge_paths(input(paths, "paths")?)
                .or_throw()?,
        ))
    }

    /// The base URL.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.0.base_url().to_owned()
    }

    /// `POST /auth/token` (not signed).
    #[wasm_bindgen(js_name = buildTokenRequest)]
    pub fn build_token_request(&self, credentials: &str) -> JsResult<String> {
        output(
            &self
                .0
                .build_token_request(&input(credentials, "credentials")?)
                .or_throw()?,
        )
    }

    /// `POST /customers`; `idempotencyKey` is a UUID (reuse it on retries); `now` RFC 3339.
    #[wasm_bindgen(js_name = buildCreateCustomer)]
    pub fn build_create_customer(
        &self,
        input: &str,
        idempotency_key: &str,
        now: &str,
    ) -> JsResult<SigningRequest> {
        let input: OffBlocksCustomerCreate = crate::convert::input(input, "input")?;
        let now = instant(now, "now")?;
        Ok(SigningRequest(
            self.0
                .build_create_customer(&input, idempotency_key, now)
                .or_throw()?,
        ))
    }

    /// `GET /customers`.
    #[wasm_bindgen(js_name = buildListCustomers)]
    pub fn build_list_customers(&self, now: &str) -> JsResult<SigningRequest> {
        Ok(SigningRequest(
            self.0
                .build_list_customers(instant(now, "now")?)
                .or_throw()?,
        ))
    }

    /// `GET /customers/{id}`.
    #[wasm_bindgen(js_name = buildGetCustomer)]
    pub fn build_get_customer(&self, customer_id: &str, now: &str) -> JsResult<SigningRequest> {
        Ok(SigningRequest(
            self.0
                .build_get_customer(customer_id, instant(now, "now")?)
                .or_throw()?,
        ))
    }

    /// `PATCH /customers/{id}/deactivate`.
    #[wasm_bindgen(js_name = buildDeactivateCustomer)]
    pub fn build_deactivate_customer(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: &str,
    ) -> JsResult<SigningRequest> {
        let now = instant(now, "now")?;
        Ok(SigningRequest(
            self.0
                .build_deactivate_customer(customer_id, idempotency_key, now)
                .or_throw()?,
        ))
    }

    /// `PATCH /customers/{id}/activate`.
    #[wasm_bindgen(js_name = buildActivateCustomer)]
    pub fn build_activate_customer(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: &str,
    ) -> JsResult<SigningRequest> {
        let now = instant(now, "now")?;
        Ok(SigningRequest(
            self.0
                .build_activate_customer(customer_id, idempotency_key, now)
                .or_throw()?,
        ))
    }

    /// `PATCH /simulator/customers/{id}/verify` (sandbox only).
    #[wasm_bindgen(js_name = buildSimulatorVerify)]
    pub fn build_simulator_verify(
        &self,
        customer_id: &str,
        idempotency_key: &str,
        now: &str,
    ) -> JsResult<SigningRequest> {
        let now = instant(now, "now")?;
        Ok(SigningRequest(
            self.0
                .build_simulator_verify(customer_id, idempotency_key, now)
                .or_throw()?,
        ))
    }

    /// `GET` the customer's current ownership challenge.
    #[wasm_bindgen(js_name = buildGetChallenge)]
    pub fn build_get_challenge(&self, customer_id: &str, now: &str) -> JsResult<SigningRequest> {
        Ok(SigningRequest(
            self.0
                .build_get_challenge(customer_id, instant(now, "now")?)
                .or_throw()?,
        ))
    }

    /// `POST` the signed challenge.
    #[wasm_bindgen(js_name = buildSubmitChallenge)]
    pub fn build_submit_challenge(
        &self,
        customer_id: &str,
        submission: &str,
        idempotency_key: &str,
        now: &str,
    ) -> JsResult<SigningRequest> {
        let submission = input(submission, "submission")?;
        let now = instant(now, "now")?;
        Ok(SigningRequest(
            self.0
                .build_submit_challenge(customer_id, &submission, idempotency_key, now)
                .or_throw()?,
        ))
    }

    /// Re-signs a built request at `now`, keeping its Idempotency-Key and body (late retries).
    pub fn resign(&self, request: &str, now: &str) -> JsResult<SigningRequest> {
        let request = input(request, "request")?;
        Ok(SigningRequest(
            self.0.resign(&request, instant(now, "now")?).or_throw()?,
        ))
    }

    /// Parses the token answer.
    #[wasm_bindgen(js_name = parseToken)]
    pub fn parse_token(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, Core::parse_token)
    }

    /// Parses a create answer (201, with the challenge).
    #[wasm_bindgen(js_name = parseCreateCustomer)]
    pub fn parse_create_customer(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, Core::parse_create_customer)
    }

    /// Parses a get answer.
    #[wasm_bindgen(js_name = parseGetCustomer)]
    pub fn parse_get_customer(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, Core::parse_get_customer)
    }

    /// Parses a list answer (a bare array or `{data: [...]}`).
    #[wasm_bindgen(js_name = parseListCustomers)]
    pub fn parse_list_customers(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, Core::parse_list_customers)
    }

    /// Parses a deactivate/activate answer: the customer, or `null` for an empty body.
    #[wasm_bindgen(js_name = parseStatusChange)]
    pub fn parse_status_change(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, Core::parse_status_change)
    }

    /// Parses the simulator's answer (202).
    #[wasm_bindgen(js_name = parseSimulatorVerify)]
    pub fn parse_simulator_verify(status: u16, headers: &str, body: &[u8]) -> JsResult<()> {
        Core::parse_simulator_verify(&response(status, headers, body)?).or_throw()
    }

    /// Parses a challenge answer into the base64 challenge.
    #[wasm_bindgen(js_name = parseChallenge)]
    pub fn parse_challenge(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        Core::parse_challenge(&response(status, headers, body)?).or_throw()
    }

    /// Parses a challenge submission's answer: the customer, or `null` for an empty body.
    #[wasm_bindgen(js_name = parseSubmitChallenge)]
    pub fn parse_submit_challenge(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, Core::parse_submit_challenge)
    }
}

/// A request waiting for its signature.
#[wasm_bindgen]
pub struct SigningRequest(CoreSigningRequest);

#[wasm_bindgen]
impl SigningRequest {
    /// The request without its `Signature-Input` and `Signature` headers.
    #[wasm_bindgen(getter)]
    pub fn request(&self) -> JsResult<String> {
        output(&self.0.request)
    }

    /// The exact bytes to sign (the RFC 9421 signature base).
    #[wasm_bindgen(getter, js_name = signatureBase)]
    pub fn signature_base(&self) -> Vec<u8> {
        self.0.signature_base().to_vec()
    }

    /// The `Signature-Input` value that will be sent.
    #[wasm_bindgen(getter, js_name = signatureInput)]
    pub fn signature_input(&self) -> String {
        self.0.signature_input().to_owned()
    }

    /// The algorithm the signature must use (`"ecdsa-p384-sha384"`).
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> JsResult<String> {
        output(&self.0.algorithm())
    }

    /// Completes the request with a signature made elsewhere: `"raw"` (r||s, as WebCrypto returns)
    /// or `"der"` (as Android Keystore and most KMSs return).
    pub fn finish(&self, signature: &[u8], encoding: &str) -> JsResult<String> {
        let encoding = input(encoding, "encoding")?;
        output(&self.0.clone().finish(signature, encoding).or_throw()?)
    }
}

/// Every issue of an OffBlocks create input (empty when valid): CAIP-10 chainId with its EIP-55
/// checksum, externalId.
#[wasm_bindgen(js_name = validateOffBlocksCustomerCreate)]
pub fn validate_customer_create(input: &str) -> JsResult<String> {
    let input: OffBlocksCustomerCreate = crate::convert::input(input, "input")?;
    let issues: Vec<Issue> = input
        .validate()
        .err()
        .map(|e: ValidationError| e.issues)
        .unwrap_or_default();
    output(&issues)
}

/// The CAIP-10 account id (`eip155:<chainId>:<address>`) OffBlocks wants in `chainId`, from an
/// EVM chain id and a wallet address (EIP-55 checked); throws a validation error naming
/// `address` otherwise.
#[wasm_bindgen(js_name = caip10AccountId)]
pub fn caip10_account_id(chain_id: f64, address: &str) -> JsResult<String> {
    // A JS number: only whole, non-negative values below 2^53 are exact chain ids.
    if !(chain_id.is_finite()
        && chain_id >= 0.0
        && chain_id.fract() == 0.0
        && chain_id < 9_007_199_254_740_992.0)
    {
        return Err(crate::convert::invalid_argument(
            "chainId",
            "`chainId` must be a whole number (an EIP-155 chain id)",
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let chain_id = chain_id as u64;
    clientele_core::offblocks::caip10_account_id(chain_id, address).or_throw()
}

/// Whether a token should be refreshed at `now` (within `marginSeconds` of its expiry; default
/// the core's refresh margin, 60 s).
#[wasm_bindgen(js_name = accessTokenNeedsRefresh)]
pub fn access_token_needs_refresh(
    token: &str,
    now: &str,
    margin_seconds: Option<u32>,
) -> JsResult<bool> {
    let margin = margin_seconds.unwrap_or(clientele_core::client::defaults::TOKEN_REFRESH_MARGIN_S);
    Ok(input::<AccessToken>(token, "token")?.needs_refresh(instant(now, "now")?, margin))
}

/// Whether deactivation is allowed from `status`.
#[wasm_bindgen(js_name = offblocksCanDeactivate)]
pub fn can_deactivate(status: &str) -> bool {
    OffBlocksStatus::parse(status).can_deactivate()
}

/// Whether activation is allowed from `status`.
#[wasm_bindgen(js_name = offblocksCanActivate)]
pub fn can_activate(status: &str) -> bool {
    OffBlocksStatus::parse(status).can_activate()
}

/// Parses an OffBlocks webhook delivery.
#[wasm_bindgen(js_name = offblocksWebhookParse)]
pub fn webhook_parse(body: &[u8]) -> JsResult<String> {
    output(&webhook::parse(body).or_throw()?)
}

/// Classifies a delivery from what the host knows (seen event id, last `updatedAt`).
#[wasm_bindgen(js_name = offblocksWebhookClassify)]
pub fn webhook_classify(
    event: &str,
    event_already_seen: bool,
    last_updated_at: Option<String>,
) -> JsResult<String> {
    let event = input(event, "event")?;
    let last = last_updated_at
        .map(|t| instant(&t, "lastUpdatedAt"))
        .transpose()?;
    output(&webhook::classify(&event, event_already_seen, last))
}

/// Remembers processed deliveries to tell new ones from duplicates and stale ones.
#[wasm_bindgen(js_name = OffBlocksWebhookDeduplicator)]
pub struct Deduplicator(WebhookDeduplicator);

#[wasm_bindgen(js_class = OffBlocksWebhookDeduplicator)]
impl Deduplicator {
    /// Remembers up to `capacity` event ids (default the core's, 10,000).
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: Option<u32>) -> Deduplicator {
        let capacity =
            capacity.unwrap_or(clientele_core::client::defaults::WEBHOOK_DEDUPE_CAPACITY);
        Deduplicator(WebhookDeduplicator::new(
            usize::try_from(capacity).unwrap_or(usize::MAX),
        ))
    }

    /// `"new"`, `"duplicate"` or `"stale"`; records new deliveries.
    pub fn observe(&mut self, event: &str) -> JsResult<String> {
        output(&self.0.observe(&input(event, "event")?))
    }

    /// The state, to persist between runs.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<String> {
        output(&self.0)
    }

    /// Restores persisted state.
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(state: &str) -> JsResult<Deduplicator> {
        Ok(Deduplicator(input(state, "state")?))
    }
}
