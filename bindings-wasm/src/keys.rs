//! The keys module (`--features keys`): everything that takes a key, built as a second,
//! separate .wasm (`clientele_keys`) so that pages which only validate and parse never download
//! the elliptic-curve code (P-384, P-256, Ed25519, secp256k1), about 40% of the whole. The host
//! layer loads it on first use of a key (Node) or on `loadKeys()` (browsers).
//!
//! The two modules share no memory: a request built by the main module is signed here through
//! its signature base (`signSignatureBase`, then `SigningRequest.finish` there); verification,
//! the ownership challenge and the test wallet take JSON text and strings.

use clientele_core::http::HttpRequest;
use clientele_core::offblocks::Challenge;
use clientele_core::offblocks::webhook;
use clientele_core::sig::{self, VerifiedSignatureSummary, VerifyOptions};
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, OrThrow, input, instant, output};

/// A private key held by the core (P-384, P-256, Ed25519 or an HMAC secret). Prefer keeping keys
/// outside (`SigningRequest.finish`) when the platform offers a key store.
#[wasm_bindgen]
pub struct SigningKey(pub(crate) sig::SigningKey);

#[wasm_bindgen]
impl SigningKey {
    /// From PEM (PKCS#8 `PRIVATE KEY`, or SEC1 `EC PRIVATE KEY`).
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> JsResult<SigningKey> {
        Ok(SigningKey(sig::SigningKey::from_pem(pem).or_throw()?))
    }

    /// From a JWK (EC P-256/P-384, OKP Ed25519, oct for HMAC).
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(jwk: &str) -> JsResult<SigningKey> {
        Ok(SigningKey(sig::SigningKey::from_jwk(jwk).or_throw()?))
    }

    /// An HMAC-SHA256 shared secret.
    #[wasm_bindgen(js_name = hmacSha256)]
    pub fn hmac_sha256(secret: &[u8]) -> JsResult<SigningKey> {
        Ok(SigningKey(sig::SigningKey::hmac_sha256(secret).or_throw()?))
    }

    /// The key's algorithm.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> JsResult<String> {
        output(&self.0.algorithm())
    }

    /// The matching verification key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.public_key())
    }
}

/// A public key (or HMAC secret) for verifying signatures.
#[wasm_bindgen]
pub struct VerifyingKey(pub(crate) sig::VerifyingKey);

#[wasm_bindgen]
impl VerifyingKey {
    /// From PEM (SPKI `PUBLIC KEY`).
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str) -> JsResult<VerifyingKey> {
        Ok(VerifyingKey(sig::VerifyingKey::from_pem(pem).or_throw()?))
    }

    /// From a JWK.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(jwk: &str) -> JsResult<VerifyingKey> {
        Ok(VerifyingKey(sig::VerifyingKey::from_jwk(jwk).or_throw()?))
    }

    /// An HMAC-SHA256 shared secret.
    #[wasm_bindgen(js_name = hmacSha256)]
    pub fn hmac_sha256(secret: &[u8]) -> JsResult<VerifyingKey> {
        Ok(VerifyingKey(
            sig::VerifyingKey::hmac_sha256(secret).or_throw()?,
        ))
    }

    /// The public key as PEM (what OffBlocks' `PUT /auth/signing` wants, base64-encoded).
    #[wasm_bindgen(js_name = publicKeyPem)]
    pub fn public_key_pem(&self) -> JsResult<String> {
        self.0.public_key_pem().or_throw()
    }
}

/// Signs `base` (a `SigningRequest.signatureBase` from the main module) with `key`, returning the
/// raw signature for `SigningRequest.finish(signature, "raw")`. `algorithm` is the request's
/// (`"ecdsa-p384-sha384"`): a key of another algorithm fails with `signature_algorithm_mismatch`
/// rather than producing a signature the server would refuse.
#[wasm_bindgen(js_name = signSignatureBase)]
pub fn sign_signature_base(key: &SigningKey, algorithm: &str, base: &[u8]) -> JsResult<Vec<u8>> {
    let algorithm: sig::Algorithm = algorithm.parse().or_throw()?;
    key.0.sign_as(algorithm, base).or_throw()
}

/// Verifies the RFC 9421 signature of `request` with `key` at `now` (RFC 3339), requiring
/// `Content-Digest` when the request has a body; `maxAgeSeconds` bounds `created` (default the
/// core's `DEFAULT_MAX_AGE`, 300 s, so `created` is required).
#[wasm_bindgen(js_name = verifyMessage)]
pub fn verify_message(
    request: &str,
    key: &VerifyingKey,
    now: &str,
    max_age_seconds: Option<u32>,
) -> JsResult<String> {
    let request: HttpRequest = input(request, "request")?;
    let options = VerifyOptions {
        max_age: Some(max_age_seconds.map_or(sig::DEFAULT_MAX_AGE, i64::from)),
        require_content_digest: !request.body.is_empty(),
        ..VerifyOptions::new(instant(now, "now")?.timestamp())
    };
    let verified = sig::verify_message(&request, &key.0, &options).or_throw()?;
    output(&VerifiedSignatureSummary::from(&verified))
}

/// Verifies an RFC 9421 signature on a delivery (when OffBlocks gives you a key).
#[wasm_bindgen(js_name = offblocksWebhookVerifySignature)]
pub fn webhook_verify_signature(
    delivery: &str,
    key: &VerifyingKey,
    now: &str,
    max_age_seconds: Option<u32>,
) -> JsResult<String> {
    let delivery = input(delivery, "delivery")?;
    let max_age = max_age_seconds.unwrap_or(clientele_core::client::defaults::WEBHOOK_MAX_AGE_S);
    let verified =
        webhook::verify_signature(&delivery, &key.0, instant(now, "now")?, max_age).or_throw()?;
    output(&VerifiedSignatureSummary::from(&verified))
}

/// Decodes and checks an ownership challenge against the customer's CAIP-10 `chainId` and `now`.
/// (In this module, beside `acceptChallengeSignature` which opens it again: the wallet flow needs
/// both, and the page module stays small.)
#[wasm_bindgen(js_name = openChallenge)]
pub fn open_challenge(encoded: &str, chain_id: &str, now: &str) -> JsResult<String> {
    output(&Challenge::open(encoded, chain_id, instant(now, "now")?).or_throw()?)
}

/// Checks the wallet's `personal_sign` signature (hex) against the challenge; returns what to submit.
#[wasm_bindgen(js_name = acceptChallengeSignature)]
pub fn accept_challenge_signature(
    encoded: &str,
    chain_id: &str,
    now: &str,
    signature_hex: &str,
) -> JsResult<String> {
    let challenge = Challenge::open(encoded, chain_id, instant(now, "now")?).or_throw()?;
    output(&challenge.accept_signature(signature_hex).or_throw()?)
}
