//! Signature algorithms (RFC 9421 §3.3) and the keys that use them.
//!
//! Keys are parsed from PEM (PKCS#8, SEC1, SPKI) or JWK. Every buffer that held private key
//! material (decoded DER, a JWK's private members and their bytes) is zeroized when dropped.
//! Their `Debug` output shows only the algorithm, and parse errors never echo the input.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use p384::ecdsa::signature::{Signer, Verifier};
use serde::Deserialize;
use sha2::Sha256;

use zeroize::{Zeroize as _, Zeroizing};

use super::SignatureError;
use super::der::{self, Curve, PrivateKey, PublicKey};

type HmacSha256 = hmac::Hmac<Sha256>;

/// A signature algorithm from the RFC 9421 registry (§6.2.2). RSA is not supported.
/// Serialised by its registered name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Algorithm {
    /// `ecdsa-p384-sha384`: ECDSA on P-384 with SHA-384, 96-byte `r || s` signatures.
    #[serde(rename = "ecdsa-p384-sha384")]
    EcdsaP384Sha384,
    /// `ecdsa-p256-sha256`: ECDSA on P-256 with SHA-256, 64-byte `r || s` signatures.
    #[serde(rename = "ecdsa-p256-sha256")]
    EcdsaP256Sha256,
    /// `ed25519`: EdDSA on Curve25519, 64-byte signatures.
    #[serde(rename = "ed25519")]
    Ed25519,
    /// `hmac-sha256`: HMAC with SHA-256 and a shared secret, 32-byte signatures.
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
}

impl Algorithm {
    const ALL: [Self; 4] = [
        Self::EcdsaP384Sha384,
        Self::EcdsaP256Sha256,
        Self::Ed25519,
        Self::HmacSha256,
    ];

    /// The registered name, e.g. `"ecdsa-p384-sha384"`, as used in the `alg` parameter.
    pub const fn name(self) -> &'static str {
        match self {
            Self::EcdsaP384Sha384 => "ecdsa-p384-sha384",
            Self::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Self::Ed25519 => "ed25519",
            Self::HmacSha256 => "hmac-sha256",
        }
    }

    /// The exact length of a raw signature: 96, 64, 64 or 32 bytes.
    pub const fn signature_len(self) -> usize {
        match self {
            Self::EcdsaP384Sha384 => 96,
            Self::EcdsaP256Sha256 | Self::Ed25519 => 64,
            Self::HmacSha256 => 32,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = SignatureError;

    /// Parses a registered name; unknown names (including the RSA ones) are
    /// [`UnsupportedAlgorithm`](SignatureError::UnsupportedAlgorithm).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or(SignatureError::UnsupportedAlgorithm)
    }
}

/// A private (or, for HMAC, shared) key that signs inside the core.
#[derive(Clone)]
pub struct SigningKey(Secret);

#[derive(Clone)]
enum Secret {
    P384(p384::ecdsa::SigningKey),
    P256(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Hmac(HmacSha256),
}

/// A key that verifies signatures: a public key, or the shared secret for HMAC.
#[derive(Clone)]
pub struct VerifyingKey(Public);

#[derive(Clone)]
enum Public {
    P384(p384::ecdsa::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Hmac(HmacSha256),
}

impl SigningKey {
    /// Parses the first private key block in `pem`: PKCS#8 `PRIVATE KEY` (P-384, P-256 or
    /// Ed25519) or SEC1 `EC PRIVATE KEY` (P-384 or P-256). Other text around the block, such as
    /// a `PUBLIC KEY` block, is ignored.
    ///
    /// # Errors
    /// [`EncryptedKey`](SignatureError::EncryptedKey) for an `ENCRYPTED PRIVATE KEY` block (decrypt
    /// it first, e.g. `openssl pkcs8 -in key.pem -out plain.pem`, or keep it in a key store and
    /// sign through a host signer), [`InvalidKey`](SignatureError::InvalidKey) if no supported key
    /// is found.
    pub fn from_pem(pem: &str) -> Result<Self, SignatureError> {
        const ENCRYPTED: &str = "ENCRYPTED PRIVATE KEY";
        let labels = ["PRIVATE KEY", "EC PRIVATE KEY", ENCRYPTED];
        // Told by its label alone: whatever the block holds, it cannot be used as it is.
        if der::first_block(pem, &labels).is_some_and(|(_, label)| label == ENCRYPTED) {
            return Err(SignatureError::EncryptedKey);
        }
        let parts = match der::pem_decode(pem, &labels) {
            Some(("PRIVATE KEY", der)) => der::pkcs8(&der).map(|key| Self::from_der_parts(&key)),
            Some(("EC PRIVATE KEY", der)) => der::sec1(&der).map(|key| Self::from_der_parts(&key)),
            _ => None,
        };
        parts.unwrap_or(Err(SignatureError::InvalidKey))
    }

    /// A key from its decoded parts; a public key carried alongside must match.
    fn from_der_parts(key: &PrivateKey<'_>) -> Result<Self, SignatureError> {
        let invalid = |_| SignatureError::InvalidKey;
        let (secret, public) = match *key {
            PrivateKey::Ec {
                curve,
                scalar,
                public,
            } => {
                // A SEC1 key without parameters: the curve whose scalar width it has.
                let curve = curve
                    .or_else(|| {
                        [Curve::P384, Curve::P256]
                            .into_iter()
                            .find(|c| c.size() == scalar.len())
                    })
                    .ok_or(SignatureError::InvalidKey)?;
                if scalar.len() != curve.size() {
                    return Err(SignatureError::InvalidKey);
                }
                let secret = match curve {
                    Curve::P384 => {
                        Secret::P384(p384::ecdsa::SigningKey::from_slice(scalar).map_err(invalid)?)
                    }
                    Curve::P256 => {
                        Secret::P256(p256::ecdsa::SigningKey::from_slice(scalar).map_err(invalid)?)
                    }
                };
                let public = public
                    .map(|point| Public::from_der_parts(&PublicKey::Ec { curve, point }))
                    .transpose()?;
                (secret, public)
            }
            PrivateKey::Ed25519 { seed, public } => {
                let seed: &[u8; 32] = seed.try_into().map_err(|_| SignatureError::InvalidKey)?;
                let secret = Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed));
                let public = public
                    .map(|key| Public::from_der_parts(&PublicKey::Ed25519(key)))
                    .transpose()?;
                (secret, public)
            }
        };
        let key = Self(secret);
        match public {
            Some(public) if public.public_bytes() != key.public_key().public_bytes() => {
                Err(SignatureError::InvalidKey)
            }
            _ => Ok(key),
        }
    }

    /// Parses a private JWK: `EC` with `crv` `P-384`/`P-256` (`d`, `x`, `y`), `OKP` with `crv`
    /// `Ed25519` (`d`, `x`), or `oct` (`k`, used for `hmac-sha256`). The public members must
    /// match the private key.
    ///
    /// # Errors
    /// [`InvalidKey`](SignatureError::InvalidKey) for malformed or inconsistent keys,
    /// [`UnsupportedAlgorithm`](SignatureError::UnsupportedAlgorithm) for other key types.
    pub fn from_jwk(jwk: &str) -> Result<Self, SignatureError> {
        let jwk = Jwk::parse(jwk)?;
        let public = Public::from_jwk(&jwk)?;
        let key = match &public {
            Public::Hmac(_) => return Self::hmac_sha256(&jwk.member(&jwk.k, None)?),
            Public::P384(_) => p384::ecdsa::SigningKey::from_slice(&jwk.member(&jwk.d, Some(48))?)
                .map(Secret::P384)
                .map_err(|_| SignatureError::InvalidKey)?,
            Public::P256(_) => p256::ecdsa::SigningKey::from_slice(&jwk.member(&jwk.d, Some(32))?)
                .map(Secret::P256)
                .map_err(|_| SignatureError::InvalidKey)?,
            Public::Ed25519(_) => {
                let d = jwk.member(&jwk.d, Some(32))?;
                let d: &[u8; 32] = d
                    .as_slice()
                    .try_into()
                    .map_err(|_| SignatureError::InvalidKey)?;
                Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(d))
            }
        };
        let key = Self(key);
        if key.public_key().public_bytes() == public.public_bytes() {
            Ok(key)
        } else {
            Err(SignatureError::InvalidKey)
        }
    }

    /// An `hmac-sha256` key from the raw shared secret (decode it first if it is base64).
    ///
    /// # Errors
    /// [`InvalidKey`](SignatureError::InvalidKey) if the secret is empty.
    pub fn hmac_sha256(secret: &[u8]) -> Result<Self, SignatureError> {
        hmac_key(secret).map(|k| Self(Secret::Hmac(k)))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            Secret::P384(_) => Algorithm::EcdsaP384Sha384,
            Secret::P256(_) => Algorithm::EcdsaP256Sha256,
            Secret::Ed25519(_) => Algorithm::Ed25519,
            Secret::Hmac(_) => Algorithm::HmacSha256,
        }
    }

    /// The matching verifying key (for HMAC, the same shared secret).
    pub fn public_key(&self) -> VerifyingKey {
        VerifyingKey(match &self.0 {
            Secret::P384(k) => Public::P384(*k.verifying_key()),
            Secret::P256(k) => Public::P256(*k.verifying_key()),
            Secret::Ed25519(k) => Public::Ed25519(k.verifying_key()),
            Secret::Hmac(k) => Public::Hmac(k.clone()),
        })
    }

    /// Signs a signature base for a request that must be signed with `algorithm`: as
    /// [`sign`](Self::sign), after checking the key is of that algorithm, so a key of another
    /// type never produces a signature the server would refuse.
    ///
    /// # Errors
    /// [`AlgorithmMismatch`](SignatureError::AlgorithmMismatch), or as for [`sign`](Self::sign).
    pub fn sign_as(&self, algorithm: Algorithm, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        if algorithm != self.algorithm() {
            return Err(SignatureError::AlgorithmMismatch);
        }
        self.sign(message)
    }

    /// Signs `message`, returning the raw signature (`r || s` for ECDSA, deterministic per
    /// RFC 6979). Give it a [`PreparedSignature::signature_base`](crate::PreparedSignature) and
    /// pass the result to [`finish_signature`](crate::finish_signature);
    /// [`sign_message`](crate::sign_message) does both.
    ///
    /// # Errors
    /// [`InvalidKey`](SignatureError::InvalidKey) if the key cannot sign.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let failed = |_| SignatureError::InvalidKey;
        Ok(match &self.0 {
            Secret::P384(k) => Signer::<p384::ecdsa::Signature>::try_sign(k, message)
                .map_err(failed)?
                .to_bytes()
                .to_vec(),
            Secret::P256(k) => Signer::<p256::ecdsa::Signature>::try_sign(k, message)
                .map_err(failed)?
                .to_bytes()
                .to_vec(),
            Secret::Ed25519(k) => k.try_sign(message).map_err(failed)?.to_bytes().to_vec(),
            Secret::Hmac(k) => k
                .clone()
                .chain_update(message)
                .finalize()
                .into_bytes()
                .to_vec(),
        })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({})", self.algorithm())
    }
}

impl VerifyingKey {
    /// Parses the first SPKI `PUBLIC KEY` block in `pem` (P-384, P-256 or Ed25519).
    ///
    /// # Errors
    /// [`InvalidKey`](SignatureError::InvalidKey) if no supported key is found.
    pub fn from_pem(pem: &str) -> Result<Self, SignatureError> {
        let (_, der) = der::pem_decode(pem, &["PUBLIC KEY"]).ok_or(SignatureError::InvalidKey)?;
        let key = der::spki(&der).ok_or(SignatureError::InvalidKey)?;
        Public::from_der_parts(&key).map(Self)
    }

    /// Parses a public JWK (`EC` P-384/P-256 with `x`, `y`; `OKP` Ed25519 with `x`; or `oct`
    /// with `k` for HMAC). Private members, if present, are ignored.
    ///
    /// # Errors
    /// As for [`SigningKey::from_jwk`].
    pub fn from_jwk(jwk: &str) -> Result<Self, SignatureError> {
        Public::from_jwk(&Jwk::parse(jwk)?).map(Self)
    }

    /// An `hmac-sha256` verification key from the raw shared secret.
    ///
    /// # Errors
    /// [`InvalidKey`](SignatureError::InvalidKey) if the secret is empty.
    pub fn hmac_sha256(secret: &[u8]) -> Result<Self, SignatureError> {
        hmac_key(secret).map(|k| Self(Public::Hmac(k)))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            Public::P384(_) => Algorithm::EcdsaP384Sha384,
            Public::P256(_) => Algorithm::EcdsaP256Sha256,
            Public::Ed25519(_) => Algorithm::Ed25519,
            Public::Hmac(_) => Algorithm::HmacSha256,
        }
    }

    /// The public key as an SPKI `PUBLIC KEY` PEM with LF line endings (what a server is given
    /// when the key is registered).
    ///
    /// # Errors
    /// [`UnsupportedAlgorithm`](SignatureError::UnsupportedAlgorithm) for HMAC keys, which have
    /// no public form.
    pub fn public_key_pem(&self) -> Result<String, SignatureError> {
        let point = self.0.public_bytes();
        let key = match &self.0 {
            Public::P384(_) => PublicKey::Ec {
                curve: Curve::P384,
                point: &point,
            },
            Public::P256(_) => PublicKey::Ec {
                curve: Curve::P256,
                point: &point,
            },
            Public::Ed25519(_) => PublicKey::Ed25519(&point),
            Public::Hmac(_) => return Err(SignatureError::UnsupportedAlgorithm),
        };
        Ok(der::pem_encode("PUBLIC KEY", &der::encode_spki(&key)))
    }

    /// Checks a raw signature over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let expected = self.algorithm().signature_len();
        if signature.len() != expected {
            return Err(SignatureError::InvalidSignatureLength {
                expected,
                actual: signature.len(),
            });
        }
        let valid = match &self.0 {
            Public::P384(k) => p384::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify(message, &s).is_ok()),
            Public::P256(k) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify(message, &s).is_ok()),
            Public::Ed25519(k) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify_strict(message, &s).is_ok()),
            Public::Hmac(k) => k
                .clone()
                .chain_update(message)
                .verify_slice(signature)
                .is_ok(),
        };
        valid.then_some(()).ok_or(SignatureError::BadSignature)
    }

    /// The public key bytes used to compare keys (empty for HMAC).
    pub(crate) fn public_bytes(&self) -> Vec<u8> {
        self.0.public_bytes()
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", self.algorithm())
    }
}

impl Public {
    fn from_der_parts(key: &PublicKey<'_>) -> Result<Self, SignatureError> {
        let invalid = |_| SignatureError::InvalidKey;
        match *key {
            PublicKey::Ec {
                curve: Curve::P384,
                point,
            } => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Self::P384)
                .map_err(invalid),
            PublicKey::Ec {
                curve: Curve::P256,
                point,
            } => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Self::P256)
                .map_err(invalid),
            PublicKey::Ed25519(key) => {
                let key: &[u8; 32] = key.try_into().map_err(|_| SignatureError::InvalidKey)?;
                ed25519_dalek::VerifyingKey::from_bytes(key)
                    .map(Self::Ed25519)
                    .map_err(invalid)
            }
        }
    }

    fn from_jwk(jwk: &Jwk) -> Result<Self, SignatureError> {
        let invalid = |_| SignatureError::InvalidKey;
        match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("EC", Some("P-384")) => p384::ecdsa::VerifyingKey::from_sec1_bytes(&jwk.ec_point(48)?)
                .map(Self::P384)
                .map_err(invalid),
            ("EC", Some("P-256")) => p256::ecdsa::VerifyingKey::from_sec1_bytes(&jwk.ec_point(32)?)
                .map(Self::P256)
                .map_err(invalid),
            ("OKP", Some("Ed25519")) => {
                let x = jwk.member(&jwk.x, Some(32))?;
                let x: &[u8; 32] = x
                    .as_slice()
                    .try_into()
                    .map_err(|_| SignatureError::InvalidKey)?;
                ed25519_dalek::VerifyingKey::from_bytes(x)
                    .map(Self::Ed25519)
                    .map_err(invalid)
            }
            ("oct", _) => hmac_key(&jwk.member(&jwk.k, None)?).map(Self::Hmac),
            _ => Err(SignatureError::UnsupportedAlgorithm),
        }
    }

    fn public_bytes(&self) -> Vec<u8> {
        match self {
            Self::P384(k) => k.to_sec1_bytes().to_vec(),
            Self::P256(k) => k.to_sec1_bytes().to_vec(),
            Self::Ed25519(k) => k.to_bytes().to_vec(),
            Self::Hmac(_) => Vec::new(),
        }
    }
}

fn hmac_key(secret: &[u8]) -> Result<HmacSha256, SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::InvalidKey);
    }
    HmacSha256::new_from_slice(secret).map_err(|_| SignatureError::InvalidKey)
}

/// The members of a JSON Web Key (RFC 7517/7518/8037) that are needed here. The private
/// members (`d`, `k`) are zeroized when it is dropped.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    d: Option<String>,
    k: Option<String>,
}

impl Drop for Jwk {
    fn drop(&mut self) {
        self.d.zeroize();
        self.k.zeroize();
    }
}

impl Jwk {
    fn parse(json: &str) -> Result<Self, SignatureError> {
        serde_json::from_slice(json.as_bytes()).map_err(|_| SignatureError::InvalidKey)
    }

    /// Decodes a base64url member, checking its length when the key type fixes it. The bytes
    /// are zeroized when dropped (they may be a private key).
    fn member(
        &self,
        value: &Option<String>,
        len: Option<usize>,
    ) -> Result<Zeroizing<Vec<u8>>, SignatureError> {
        value
            .as_deref()
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .map(Zeroizing::new)
            .filter(|bytes| len.is_none_or(|len| bytes.len() == len))
            .ok_or(SignatureError::InvalidKey)
    }

    /// The uncompressed SEC1 point `04 || x || y`.
    fn ec_point(&self, len: usize) -> Result<Vec<u8>, SignatureError> {
        let mut point = vec![4];
        point.extend_from_slice(&self.member(&self.x, Some(len))?);
        point.extend_from_slice(&self.member(&self.y, Some(len))?);
        Ok(point)
    }
}
