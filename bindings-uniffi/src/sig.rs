//! RFC 9421 HTTP Message Signatures and RFC 9530 Content-Digest: keys, digests, verification.

use std::sync::Arc;

use clientele_core::http::{HttpRequest, HttpResponse};
use clientele_core::sig::{
    self as core, Algorithm, Component, DigestAlgorithm, Message, SignatureParam,
};

use crate::{Result, UtcDateTime};

/// A private (or, for HMAC, shared) key that signs inside the core. Parse errors never echo the
/// key; its description shows only the algorithm.
#[derive(Debug, uniffi::Object)]
pub struct SigningKey(core::SigningKey);

impl SigningKey {
    pub(crate) fn inner(&self) -> &core::SigningKey {
        &self.0
    }
}

#[uniffi::export]
impl SigningKey {
    /// Parses the first private key block of a PEM text: PKCS#8 `PRIVATE KEY` (P-384, P-256,
    /// Ed25519) or SEC1 `EC PRIVATE KEY` (P-384, P-256).
    #[uniffi::constructor]
    pub fn from_pem(pem: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(SigningKey(core::SigningKey::from_pem(pem)?)))
    }

    /// Parses a private JWK (`EC` P-384/P-256, `OKP` Ed25519, or `oct` for HMAC).
    #[uniffi::constructor]
    pub fn from_jwk(jwk: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(SigningKey(core::SigningKey::from_jwk(jwk)?)))
    }

    /// An `hmac-sha256` key from the raw shared secret.
    #[uniffi::constructor]
    pub fn hmac_sha256(secret: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(SigningKey(core::SigningKey::hmac_sha256(
            &secret,
        )?)))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }

    /// Signs `base` (the client engine's `Sign` action: an RFC 9421 signature base) as
    /// `algorithm`, which must be the key's own (else `signature_algorithm_mismatch`): raw `r||s`
    /// for ECDSA, deterministic (RFC 6979).
    pub fn sign_as(&self, algorithm: Algorithm, base: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self
            .0
            .sign_as(algorithm, &base)
            .map_err(clientele_core::Error::from)?)
    }

    /// The matching verifying key (for HMAC, the same shared secret).
    pub fn public_key(&self) -> Arc<VerifyingKey> {
        Arc::new(VerifyingKey(self.0.public_key()))
    }
}

/// A key that verifies signatures: a public key, or the shared secret for HMAC.
#[derive(Debug, uniffi::Object)]
pub struct VerifyingKey(core::VerifyingKey);

impl VerifyingKey {
    pub(crate) fn inner(&self) -> &core::VerifyingKey {
        &self.0
    }
}

#[uniffi::export]
impl VerifyingKey {
    /// Parses the first SPKI `PUBLIC KEY` block of a PEM text (P-384, P-256 or Ed25519).
    #[uniffi::constructor]
    pub fn from_pem(pem: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(VerifyingKey(core::VerifyingKey::from_pem(pem)?)))
    }

    /// Parses a public JWK (`EC`, `OKP` or `oct`).
    #[uniffi::constructor]
    pub fn from_jwk(jwk: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(VerifyingKey(core::VerifyingKey::from_jwk(jwk)?)))
    }

    /// An `hmac-sha256` verification key from the raw shared secret.
    #[uniffi::constructor]
    pub fn hmac_sha256(secret: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(VerifyingKey(core::VerifyingKey::hmac_sha256(
            &secret,
        )?)))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }

    /// The public key as an SPKI `PUBLIC KEY` PEM (what OffBlocks registers); fails for HMAC keys.
    pub fn public_key_pem(&self) -> Result<String> {
        Ok(self.0.public_key_pem()?)
    }
}

/// The `Content-Digest` header value for `body`, e.g. `sha-256=:X48E9qOo...:`.
#[uniffi::export]
pub fn content_digest(body: Vec<u8>, algorithm: DigestAlgorithm) -> String {
    core::content_digest(&body, algorithm)
}

/// Checks a received `Content-Digest` value against the body; returns the strongest algorithm
/// checked.
#[uniffi::export]
pub fn verify_content_digest(header_value: &str, body: Vec<u8>) -> Result<DigestAlgorithm> {
    Ok(core::verify_content_digest(header_value, &body)?)
}

/// Converts a DER ECDSA signature (Android Keystore, iOS `SecKeyCreateSignature`, KMS) to the
/// fixed-width `r || s` RFC 9421 sends.
#[uniffi::export]
pub fn ecdsa_der_to_raw(der: Vec<u8>, algorithm: Algorithm) -> Result<Vec<u8>> {
    Ok(core::ecdsa_der_to_raw(&der, algorithm)?)
}

/// What a received signature must satisfy besides verifying.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SignatureVerifyOptions {
    /// The current time (the core has no clock).
    pub now: UtcDateTime,
    /// The label to verify; none accepts the only signature present.
    pub label: Option<String>,
    /// Tolerated clock difference for `created` and `expires`, in seconds.
    pub clock_skew_seconds: i64,
    /// If set, `created` is required and may be at most this many seconds old (default 300 s,
    /// the core's `DEFAULT_MAX_AGE`; none accepts any age).
    pub max_age_seconds: Option<i64>,
    /// Components the signature must cover: names (`@method`, `content-type`) or serialised
    /// identifiers with parameters (`"@query-param";name="page"`).
    pub required_components: Vec<String>,
    /// Require `content-digest` to be covered and to match the body.
    pub require_content_digest: bool,
}

/// Options for time `now`: the core's defaults (any label if only one, 60 seconds of clock skew,
/// a maximum age of 300 seconds so `created` is required, no required components, no digest
/// requirement; a covered `content-digest` is always compared with a body).
#[uniffi::export]
pub fn default_signature_verify_options(now: UtcDateTime) -> SignatureVerifyOptions {
    SignatureVerifyOptions {
        now,
        label: None,
        clock_skew_seconds: core::DEFAULT_CLOCK_SKEW,
        max_age_seconds: Some(core::DEFAULT_MAX_AGE),
        required_components: Vec::new(),
        require_content_digest: false,
    }
}

impl SignatureVerifyOptions {
    fn to_core(&self) -> Result<core::VerifyOptions> {
        let required_components = self
            .required_components
            .iter()
            .map(|c| Component::from_config(c))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(core::VerifyOptions {
            label: self.label.clone(),
            clock_skew: self.clock_skew_seconds,
            max_age: self.max_age_seconds,
            required_components,
            require_content_digest: self.require_content_digest,
            ..core::VerifyOptions::new(self.now.timestamp())
        })
    }
}

/// A signature that verified.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedSignature {
    /// Its label.
    pub label: String,
    /// The algorithm of the key that verified it.
    pub algorithm: Algorithm,
    /// The `keyid` parameter.
    pub key_id: Option<String>,
    /// The `created` parameter, Unix seconds.
    pub created: Option<i64>,
    /// The `expires` parameter, Unix seconds.
    pub expires: Option<i64>,
    /// The `nonce` parameter (check it against replays if you use nonces).
    pub nonce: Option<String>,
    /// The `tag` parameter.
    pub tag: Option<String>,
    /// The covered components, serialised (`"@method"`, `"content-digest"`).
    pub components: Vec<String>,
    /// The `Content-Digest` algorithm checked, when the options required it.
    pub content_digest: Option<DigestAlgorithm>,
}

impl From<core::VerifiedSignature> for VerifiedSignature {
    fn from(v: core::VerifiedSignature) -> Self {
        let params = v.params.as_slice();
        let find = |pick: fn(&SignatureParam) -> Option<String>| params.iter().find_map(pick);
        VerifiedSignature {
            label: v.label,
            algorithm: v.algorithm,
            key_id: find(|p| match p {
                SignatureParam::KeyId(s) => Some(s.clone()),
                _ => None,
            }),
            created: v.params.created(),
            expires: v.params.expires(),
            nonce: find(|p| match p {
                SignatureParam::Nonce(s) => Some(s.clone()),
                _ => None,
            }),
            tag: find(|p| match p {
                SignatureParam::Tag(s) => Some(s.clone()),
                _ => None,
            }),
            components: v.components.iter().map(ToString::to_string).collect(),
            content_digest: v.content_digest,
        }
    }
}

/// Verifies the signature of a received request against `key` and `options`.
#[uniffi::export]
pub fn verify_request_signature(
    request: &HttpRequest,
    key: &VerifyingKey,
    options: &SignatureVerifyOptions,
) -> Result<VerifiedSignature> {
    let verified = core::verify_message(request, &key.0, &options.to_core()?)?;
    Ok(verified.into())
}

/// Verifies the signature of a received response; pass the request when the signature covers
/// request components (the `req` parameter).
#[uniffi::export]
pub fn verify_response_signature(
    response: &HttpResponse,
    request: Option<HttpRequest>,
    key: &VerifyingKey,
    options: &SignatureVerifyOptions,
) -> Result<VerifiedSignature> {
    let message = match &request {
        Some(request) => Message::response_to(response, request),
        None => Message::from(response),
    };
    let verified = core::verify_message(message, &key.0, &options.to_core()?)?;
    Ok(verified.into())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine as _;

    /// The raw signature bytes of a request signed with label `sig`.
    pub(crate) fn signature_bytes(request: &HttpRequest) -> Vec<u8> {
        let header = request.header("Signature").unwrap();
        let b64 = header.trim_start_matches("sig=:").trim_end_matches(':');
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    }

    #[test]
    fn signed_requests_verify_with_the_public_key() {
        let key = SigningKey::hmac_sha256(b"a shared secret".to_vec()).unwrap();
        let mut request = HttpRequest {
            method: clientele_core::http::Method::Post,
            url: "https://example.com/hooks".into(),
            headers: vec![],
            body: br#"{"a":1}"#.to_vec(),
        };
        request.headers.push(clientele_core::http::Header::new(
            "Content-Digest",
            content_digest(request.body.clone(), DigestAlgorithm::Sha256),
        ));
        let components = ["@method", "@target-uri", "content-digest"].map(Component::new);
        let params = core::SignatureParams::new()
            .with_created(1_700_000_000)
            .with_keyid("k");
        core::sign_message(&request, "sig", &components, &params, key.inner())
            .unwrap()
            .append_to(&mut request.headers);
        let now = chrono::DateTime::from_timestamp(1_700_000_010, 0).unwrap();
        let options = SignatureVerifyOptions {
            require_content_digest: true,
            required_components: vec!["@method".into()],
            ..default_signature_verify_options(now)
        };
        let verified = verify_request_signature(&request, &key.public_key(), &options).unwrap();
        assert_eq!(verified.key_id.as_deref(), Some("k"));
        assert_eq!(verified.created, Some(1_700_000_000));
        assert_eq!(verified.content_digest, Some(DigestAlgorithm::Sha256));
        assert_eq!(
            verified.components,
            [r#""@method""#, r#""@target-uri""#, r#""content-digest""#]
        );
        request.body = br#"{"a":2}"#.to_vec();
        let err = verify_request_signature(&request, &key.public_key(), &options).unwrap_err();
        assert!(
            matches!(err, crate::ClienteleError::Signature { ref code, .. } if code == "content_digest_mismatch")
        );
    }
}
