//! The few DER structures keys come in: PKCS#8 `PRIVATE KEY` (RFC 5958), SEC1 `EC PRIVATE KEY`
//! (RFC 5915), SPKI `PUBLIC KEY` (RFC 5280), for P-384, P-256 and Ed25519, read and written by
//! RustCrypto's `pkcs8`, `sec1` and `spki` crates (on `der`), and their PEM armour (RFC 7468) by
//! `pem-rfc7468`: key material and untrusted ASN.1 go through well-kept parsers, not hand-written
//! ones. This module only picks the parts out (curve, scalar, point, seed). The property tests
//! check it against the curve crates' own decoders on real and corrupted keys, and the fuzz
//! target `keys` runs it on arbitrary DER. The decoded DER of a private key is zeroized when
//! dropped.
//!
//! Size: these parsers cost the keys wasm module about 22 kB gzip over the hand-written reader
//! they replaced (2026-12-03); its budget is raised to match, and JS signing moving to WebCrypto
//! (the performance issue) removes key parsing from that module.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode};
use pkcs8::PrivateKeyInfoRef;
use sec1::{EcParameters, EcPrivateKey};
use spki::{
    AlgorithmIdentifier, AlgorithmIdentifierRef, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef,
};
use zeroize::Zeroizing;

/// An elliptic curve the signature algorithms use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Curve {
    P384,
    P256,
}

impl Curve {
    /// The namedCurve OID's DER contents.
    const fn oid(self) -> &'static [u8] {
        match self {
            // 1.3.132.0.34
            Self::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
            // 1.2.840.10045.3.1.7
            Self::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        }
    }

    fn from_oid(oid: &[u8]) -> Option<Self> {
        [Self::P384, Self::P256]
            .into_iter()
            .find(|c| c.oid() == oid)
    }

    /// The width of a scalar or coordinate in bytes.
    pub(super) const fn size(self) -> usize {
        match self {
            Self::P384 => 48,
            Self::P256 => 32,
        }
    }
}

/// id-ecPublicKey, 1.2.840.10045.2.1.
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// id-Ed25519, 1.3.101.112.
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A private key's parts, as found in PKCS#8 or SEC1.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PrivateKey<'a> {
    /// An EC scalar (big-endian, as written), and the public point if the encoding carries one.
    Ec {
        /// `None` when a SEC1 key omits its parameters.
        curve: Option<Curve>,
        scalar: &'a [u8],
        public: Option<&'a [u8]>,
    },
    /// An Ed25519 seed (32 bytes), and the public key if the encoding carries one.
    Ed25519 {
        seed: &'a [u8],
        public: Option<&'a [u8]>,
    },
}

/// A public key's parts, from SPKI.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PublicKey<'a> {
    /// A SEC1 point (compressed or uncompressed).
    Ec { curve: Curve, point: &'a [u8] },
    /// 32 bytes.
    Ed25519(&'a [u8]),
}

/// An AlgorithmIdentifier: the key type and, for EC, the named curve.
fn algorithm(algorithm: &AlgorithmIdentifierRef<'_>) -> Option<Option<Curve>> {
    if algorithm.oid == EC_PUBLIC_KEY {
        let curve: ObjectIdentifier = algorithm.parameters?.decode_as().ok()?;
        Some(Some(Curve::from_oid(curve.as_bytes())?))
    } else if algorithm.oid == ED25519 && algorithm.parameters.is_none() {
        Some(None)
    } else {
        None
    }
}

/// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (versions 0 and 1).
pub(super) fn pkcs8(der: &[u8]) -> Option<PrivateKey<'_>> {
    let info = PrivateKeyInfoRef::from_der(der).ok()?;
    let curve = algorithm(&info.algorithm)?;
    let outer_public = match info.public_key {
        Some(bits) => Some(bits.as_bytes()?),
        None => None,
    };
    let private = info.private_key.as_bytes();
    match curve {
        Some(curve) => match sec1(private)? {
            PrivateKey::Ec {
                curve: inner,
                scalar,
                public,
            } if inner.is_none_or(|c| c == curve) => Some(PrivateKey::Ec {
                curve: Some(curve),
                scalar,
                public: public.or(outer_public),
            }),
            _ => None,
        },
        // RFC 8410: the private key is a CurvePrivateKey, itself an OCTET STRING.
        None => Some(PrivateKey::Ed25519 {
            seed: <&OctetStringRef>::from_der(private).ok()?.as_bytes(),
            public: outer_public,
        }),
    }
}

/// SEC1 `ECPrivateKey`.
pub(super) fn sec1(der: &[u8]) -> Option<PrivateKey<'_>> {
    let key = EcPrivateKey::from_der(der).ok()?;
    let curve = match key.parameters {
        Some(EcParameters::NamedCurve(oid)) => Some(Curve::from_oid(oid.as_bytes())?),
        None => None,
    };
    Some(PrivateKey::Ec {
        curve,
        scalar: key.private_key,
        public: key.public_key,
    })
}

/// SPKI `SubjectPublicKeyInfo`.
pub(super) fn spki(der: &[u8]) -> Option<PublicKey<'_>> {
    let info = SubjectPublicKeyInfoRef::from_der(der).ok()?;
    let key = info.subject_public_key.as_bytes()?;
    Some(match algorithm(&info.algorithm)? {
        Some(curve) => PublicKey::Ec { curve, point: key },
        None => PublicKey::Ed25519(key),
    })
}

/// An SPKI for `key`, DER-encoded (empty if it cannot be encoded, which the keys here never are).
pub(super) fn encode_spki(key: &PublicKey<'_>) -> Vec<u8> {
    let (oid, parameters, key) = match key {
        PublicKey::Ec { curve, point } => (
            EC_PUBLIC_KEY,
            ObjectIdentifier::from_bytes(curve.oid()).ok(),
            *point,
        ),
        PublicKey::Ed25519(key) => (ED25519, None, *key),
    };
    let Ok(subject_public_key) = BitStringRef::from_bytes(key) else {
        return Vec::new();
    };
    SubjectPublicKeyInfo::<ObjectIdentifier, BitStringRef<'_>> {
        algorithm: AlgorithmIdentifier { oid, parameters },
        subject_public_key,
    }
    .to_der()
    .unwrap_or_default()
}

/// Where the first block of `text` labelled with one of `labels` begins, and its label.
pub(super) fn first_block(text: &str, labels: &[&'static str]) -> Option<(usize, &'static str)> {
    labels
        .iter()
        .filter_map(|label| {
            text.find(&format!("-----BEGIN {label}-----"))
                .map(|at| (at, *label))
        })
        .min_by_key(|(at, _)| *at)
}

/// The first block of `text` labelled with one of `labels` (the earliest in the text; text
/// around it is ignored), its label and its contents, through `pem-rfc7468`: the base64 may be
/// wrapped at any width, RFC 1421 headers are refused. The contents are zeroized when dropped
/// (they may be a private key).
pub(super) fn pem_decode(
    text: &str,
    labels: &[&'static str],
) -> Option<(&'static str, Zeroizing<Vec<u8>>)> {
    let (start, label) = first_block(text, labels)?;
    let block = text.get(start..)?;
    let end_marker = format!("-----END {label}-----");
    let end = block.find(&end_marker)?.checked_add(end_marker.len())?;
    let mut decoder = pem_rfc7468::Decoder::new_detect_wrap(block.get(..end)?.as_bytes()).ok()?;
    if decoder.type_label() != label {
        return None;
    }
    let mut der = Zeroizing::new(Vec::new());
    decoder.decode_to_end(&mut der).ok()?;
    Some((label, der))
}

/// `der` in PEM armour with `label`: base64 in 64-character lines, LF line endings.
pub(super) fn pem_encode(label: &str, der: &[u8]) -> String {
    let base64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in base64.as_bytes().chunks(64) {
        // Base64 output is ASCII.
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn only_strict_der_is_read() {
        let key = [7u8; 32];
        let good = encode_spki(&PublicKey::Ed25519(&key));
        assert_eq!(spki(&good), Some(PublicKey::Ed25519(&key)));
        let (tag, len, body) = (good[0], good[1], &good[2..]);
        // A long-form length the short form can say, the indefinite form, a length past the end,
        // a trailing byte.
        assert_eq!(spki(&[&[tag, 0x81, len][..], body].concat()), None);
        assert_eq!(spki(&[&[tag, 0x80][..], body, &[0, 0]].concat()), None);
        assert_eq!(spki(&[&[tag, len + 1][..], body].concat()), None);
        assert_eq!(spki(&[&good[..], &[0]].concat()), None);
    }

    #[test]
    fn pem_blocks_are_found_among_other_text_and_any_wrapping() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x00];
        let text = "junk\n-----BEGIN PUBLIC KEY-----\nMAMCAQA=\n-----END PUBLIC KEY-----\n\
                    -----BEGIN PRIVATE KEY-----\nMAMC\nAQA=\n-----END PRIVATE KEY-----\ntrailer";
        let (label, bytes) = pem_decode(text, &["PRIVATE KEY", "EC PRIVATE KEY"]).unwrap();
        assert_eq!((label, bytes.as_slice()), ("PRIVATE KEY", &der[..]));
        let (label, bytes) = pem_decode(text, &["PUBLIC KEY"]).unwrap();
        assert_eq!((label, bytes.as_slice()), ("PUBLIC KEY", &der[..]));
        assert!(pem_decode("-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n", &["PRIVATE KEY"]).is_none());
        let headers = "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMAMCAQA=\n-----END PRIVATE KEY-----";
        assert!(pem_decode(headers, &["PRIVATE KEY"]).is_none());
    }

    #[test]
    fn spki_encoding_reads_back() {
        let point = [&[4u8][..], &[9; 96]].concat();
        for key in [
            PublicKey::Ec {
                curve: Curve::P384,
                point: &point,
            },
            PublicKey::Ec {
                curve: Curve::P256,
                point: &point[..65],
            },
            PublicKey::Ed25519(&point[..32]),
        ] {
            assert_eq!(spki(&encode_spki(&key)), Some(key));
        }
    }
}
