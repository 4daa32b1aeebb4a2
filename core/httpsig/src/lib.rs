//! # clientele-httpsig
//!
//! HTTP Message Signatures (RFC 9421) and `Content-Digest` (RFC 9530), without I/O.
//!
//! * [`content_digest`] / [`verify_content_digest`] hash the exact body bytes.
//! * [`sign_message`] signs with a [`SigningKey`] held here (ECDSA P-384/P-256 with
//!   deterministic RFC 6979 nonces, Ed25519, HMAC-SHA256).
//! * [`prepare_signature`] + [`finish_signature`] sign with a key the host keeps (WebCrypto,
//!   Android Keystore, iOS Keychain, KMS): the host signs
//!   [`PreparedSignature::signature_base`] and hands back raw or DER bytes.
//! * [`verify_message`] checks a received signature against a key lookup and a
//!   [`VerifyOptions`] policy (clock passed in, maximum age, required components, digest).
//!
//! ## Sans-IO
//! The crate has no clock, no RNG and no I/O: `created`, `expires` and `nonce` come from the
//! caller, and so does the current time a signature is verified at ([`VerifyOptions::now`]).
//! It reads messages through two small traits, [`HttpRequestView`] and [`HttpResponseView`], so
//! the request and response types of any HTTP library can be signed where they are; [`Request`]
//! and [`Response`] are plain owned messages for the rest.
//!
//! ```
//! use clientele_httpsig::*;
//!
//! # fn main() -> Result<(), SignatureError> {
//! let key = SigningKey::hmac_sha256(b"a shared secret of the integration")?;
//! let body = br#"{"amount":100}"#;
//! let mut request = Request::new("POST", "https://api.example.com/v1/payments?dry_run=1")
//!     .with_header("Content-Type", "application/json")
//!     .with_header("Content-Digest", content_digest(body, DigestAlgorithm::Sha256))
//!     .with_body(body.as_slice());
//!
//! let components = ["@method", "@target-uri", "content-type", "content-digest"].map(Component::new);
//! let params = SignatureParams::new().with_created(1_700_000_000).with_keyid("key-1");
//! let headers = sign_message(&request, "sig1", &components, &params, &key)?;
//! headers.append_to(&mut request.headers);
//! assert!(headers.signature_input.starts_with(r#"sig1=("@method" "@target-uri""#));
//!
//! let options = VerifyOptions { require_content_digest: true, ..VerifyOptions::new(1_700_000_030) };
//! let verified = verify_message(&request, &key.public_key(), &options)?;
//! assert_eq!(verified.params.keyid(), Some("key-1"));
//! # Ok(())
//! # }
//! ```

mod base;
mod components;
mod der;
mod digest;
mod error;
mod keys;
mod message;
mod params;
mod sign;
mod verify;

#[cfg(test)]
mod tests;

pub use components::{Component, ComponentParam};
pub use digest::{DigestAlgorithm, content_digest, verify_content_digest};
pub use error::SignatureError;
pub use keys::{Algorithm, SigningKey, VerifyingKey};
pub use message::{HttpRequestView, HttpResponseView, Message, Request, Response};
pub use params::{SignatureParam, SignatureParams};
pub use sign::{
    PreparedSignature, SignatureEncoding, SignatureHeaders, ecdsa_der_to_raw, finish_signature,
    prepare_signature, sign_message,
};
pub use verify::{
    DEFAULT_CLOCK_SKEW, DEFAULT_MAX_AGE, KeyResolver, VerifiedSignature, VerifiedSignatureSummary,
    VerifyOptions, verify_message,
};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
