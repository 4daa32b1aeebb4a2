//! `Content-Digest` (RFC 9530): a hash of the exact body bytes, as a structured-field dictionary.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256, Sha512};

use super::SignatureError;

/// A hash algorithm for `Content-Digest` (RFC 9530 §5). Serialised by its registered key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum DigestAlgorithm {
    /// `sha-256`
    #[serde(rename = "sha-256")]
    Sha256,
    /// `sha-512`
    #[serde(rename = "sha-512")]
    Sha512,
}

impl DigestAlgorithm {
    /// The dictionary key registered for the algorithm: `"sha-256"` or `"sha-512"`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Sha256 => "sha-256",
            Self::Sha512 => "sha-512",
        }
    }

    fn hash(self, body: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(body).to_vec(),
            Self::Sha512 => Sha512::digest(body).to_vec(),
        }
    }
}

/// The `Content-Digest` header value for `body`, e.g. `sha-256=:X48E9qOo...:`.
pub fn content_digest(body: &[u8], algorithm: DigestAlgorithm) -> String {
    format!(
        "{}=:{}:",
        algorithm.key(),
        STANDARD.encode(algorithm.hash(body))
    )
}

/// Checks a received `Content-Digest` header value against `body`.
///
/// Every supported algorithm present must match (compared in constant time); unknown algorithms
/// are ignored. Returns the strongest algorithm that was checked.
///
/// # Errors
/// [`Malformed`](SignatureError::Malformed) if the value is not a dictionary of byte sequences,
/// [`UnsupportedAlgorithm`](SignatureError::UnsupportedAlgorithm) if it has no `sha-256` or
/// `sha-512` member, [`DigestMismatch`](SignatureError::DigestMismatch) if a digest differs.
pub fn verify_content_digest(
    header_value: &str,
    body: &[u8],
) -> Result<DigestAlgorithm, SignatureError> {
    let malformed = SignatureError::Malformed {
        what: "Content-Digest header",
    };
    let dict: sfv::Dictionary = sfv::Parser::new(header_value)
        .parse()
        .map_err(|_| malformed.clone())?;
    let mut strongest = None;
    for algorithm in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512] {
        let Some(entry) = dict.get(algorithm.key()) else {
            continue;
        };
        let sfv::ListEntry::Item(item) = entry else {
            return Err(malformed);
        };
        let expected = item
            .bare_item
            .as_byte_sequence()
            .ok_or_else(|| malformed.clone())?;
        if !constant_time_eq(&algorithm.hash(body), expected) {
            return Err(SignatureError::DigestMismatch);
        }
        strongest = Some(algorithm);
    }
    strongest.ok_or(SignatureError::UnsupportedAlgorithm)
}

/// Compares two byte strings without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    a.len() == b.len() && std::hint::black_box(diff) == 0
}
