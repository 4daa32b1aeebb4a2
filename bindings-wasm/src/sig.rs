//! HTTP message signatures for JS: keys held by the core, Content-Digest, verification.

use clientele_core::http::HttpRequest;
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

/// The `Content-Digest` value for `body` (`"sha-256"` or `"sha-512"`).
#[wasm_bindgen(js_name = contentDigest)]
pub fn content_digest(body: &[u8], algorithm: &str) -> JsResult<String> {
    Ok(sig::content_digest(body, input(algorithm, "algorithm")?))
}

/// Checks a `Content-Digest` value against `body`; returns the algorithm checked.
#[wasm_bindgen(js_name = verifyContentDigest)]
pub fn verify_content_digest(header: &str, body: &[u8]) -> JsResult<String> {
    output(&sig::verify_content_digest(header, body).or_throw()?)
}

/// Verifies the RFC 9421 signature of `request` with `key` at `now` (RFC 3339), requiring
/// `Content-Digest` when the request has a body; `maxAgeSeconds` bounds `created` when given.
#[wasm_bindgen(js_name = verifyMessage)]
pub fn verify_message(
    request: &str,
    key: &VerifyingKey,
    now: &str,
    max_age_seconds: Option<u32>,
) -> JsResult<String> {
    let request: HttpRequest = input(request, "request")?;
    let options = VerifyOptions {
        max_age: max_age_seconds.map(i64::from),
        require_content_digest: !request.body.is_empty(),
        ..VerifyOptions::new(instant(now, "now")?.timestamp())
    };
    let verified = sig::verify_message(&request, &key.0, &options).or_throw()?;
    output(&VerifiedSignatureSummary::from(&verified))
}
