//! The few DER structures keys come in: PKCS#8 `PRIVATE KEY` (RFC 5958), SEC1 `EC PRIVATE KEY`
//! (RFC 5915), SPKI `PUBLIC KEY` (RFC 5280), for P-384, P-256 and Ed25519, read and written by
//! hand; their PEM armour (RFC 7468) read by RustCrypto's `pem-rfc7468`.
//!
//! The DER stays hand-written rather than going through the `der`/`pkcs8`/`spki`/`sec1` crates:
//! these are five fixed shapes, and with those crates the keys wasm module grew from 188,483 to
//! 211,051 bytes gzip (2026-12-03), past its 200,000-byte budget (the `der` crate's generic
//! reader alone is 40 kB of code). Strict DER (definite, minimal lengths; no trailing bytes). The
//! property tests check every reader against the RustCrypto decoders on real and corrupted keys,
//! and the fuzz target `keys` runs them on arbitrary DER. The decoded DER of a private key is
//! zeroized when dropped.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
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
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// id-Ed25519, 1.3.101.112.
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;

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

/// One TLV: the tag, the contents and what follows.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81 => {
            let (&len, rest) = rest.split_first()?;
            (len >= 0x80).then_some((usize::from(len), rest))?
        }
        0x82 => {
            let (bytes, rest) = rest.split_first_chunk::<2>()?;
            let len = usize::from(u16::from_be_bytes(*bytes));
            (len >= 0x100).then_some((len, rest))?
        }
        _ => return None,
    };
    let (value, rest) = rest.split_at_checked(len)?;
    Some((tag, value, rest))
}

/// A TLV with the expected tag.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, value, rest) = tlv(input)?;
    (t == tag).then_some((value, rest))
}

/// The whole of `input` is one TLV with `tag`.
fn only(input: &[u8], tag: u8) -> Option<&[u8]> {
    let (value, rest) = expect(input, tag)?;
    rest.is_empty().then_some(value)
}

/// A BIT STRING's contents with no unused bits.
fn bits(value: &[u8]) -> Option<&[u8]> {
    match value {
        [0, bytes @ ..] => Some(bytes),
        _ => None,
    }
}

/// An AlgorithmIdentifier: the key type and, for EC, the named curve.
fn algorithm(value: &[u8]) -> Option<Option<Curve>> {
    let (oid, rest) = expect(value, OID)?;
    if oid == EC_PUBLIC_KEY {
        Some(Some(Curve::from_oid(only(rest, OID)?)?))
    } else if oid == ED25519 && rest.is_empty() {
        Some(None)
    } else {
        None
    }
}

/// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (versions 0 and 1).
pub(super) fn pkcs8(der: &[u8]) -> Option<PrivateKey<'_>> {
    let body = only(der, SEQUENCE)?;
    let (version, rest) = expect(body, INTEGER)?;
    if version != [0] && version != [1] {
        return None;
    }
    let (algo, rest) = expect(rest, SEQUENCE)?;
    let curve = algorithm(algo)?;
    let (private, mut rest) = expect(rest, OCTET_STRING)?;
    // [0] attributes (ignored), then, in version 1 only, [1] publicKey.
    if let Some((0xa0, _, after)) = tlv(rest) {
        rest = after;
    }
    let mut outer_public = None;
    if let Some((0x81, value, after)) = tlv(rest) {
        if version != [1] {
            return None;
        }
        outer_public = Some(bits(value)?);
        rest = after;
    }
    if !rest.is_empty() {
        return None;
    }
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
        None => Some(PrivateKey::Ed25519 {
            seed: only(private, OCTET_STRING)?,
            public: outer_public,
        }),
    }
}

/// SEC1 `ECPrivateKey`.
pub(super) fn sec1(der: &[u8]) -> Option<PrivateKey<'_>> {
    let body = only(der, SEQUENCE)?;
    let (version, rest) = expect(body, INTEGER)?;
    if version != [1] {
        return None;
    }
    let (scalar, mut rest) = expect(rest, OCTET_STRING)?;
    let mut curve = None;
    if let Some((0xa0, value, after)) = tlv(rest) {
        curve = Some(Curve::from_oid(only(value, OID)?)?);
        rest = after;
    }
    let mut public = None;
    if let Some((0xa1, value, after)) = tlv(rest) {
        public = Some(bits(only(value, BIT_STRING)?)?);
        rest = after;
    }
    rest.is_empty().then_some(PrivateKey::Ec {
        curve,
        scalar,
        public,
    })
}

/// SPKI `SubjectPublicKeyInfo`.
pub(super) fn spki(der: &[u8]) -> Option<PublicKey<'_>> {
    let body = only(der, SEQUENCE)?;
    let (algo, rest) = expect(body, SEQUENCE)?;
    let key = bits(only(rest, BIT_STRING)?)?;
    Some(match algorithm(algo)? {
        Some(curve) => PublicKey::Ec { curve, point: key },
        None => PublicKey::Ed25519(key),
    })
}

/// An SPKI for `key`, DER-encoded.
pub(super) fn encode_spki(key: &PublicKey<'_>) -> Vec<u8> {
    fn wrap(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        // Every structure here is under 128 bytes; the long forms are for completeness.
        let mut out = match (u8::try_from(len), u16::try_from(len)) {
            (Ok(short @ 0..=0x7f), _) => vec![tag, short],
            (Ok(long), _) => vec![tag, 0x81, long],
            (_, Ok(long)) => [&[tag, 0x82][..], &long.to_be_bytes()].concat(),
            (_, Err(_)) => return Vec::new(),
        };
        parts.iter().for_each(|p| out.extend_from_slice(p));
        out
    }
    let (algo, key) = match key {
        PublicKey::Ec { curve, point } => (
            wrap(
                SEQUENCE,
                &[&wrap(OID, &[EC_PUBLIC_KEY]), &wrap(OID, &[curve.oid()])],
            ),
            *point,
        ),
        PublicKey::Ed25519(key) => (wrap(SEQUENCE, &[&wrap(OID, &[ED25519])]), *key),
    };
    wrap(SEQUENCE, &[&algo, &wrap(BIT_STRING, &[&[0], key])])
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
    fn lengths_must_be_definite_and_minimal() {
        assert_eq!(tlv(&[0x04, 0x01, 0xaa]), Some((0x04, &[0xaa][..], &[][..])));
        // Long forms for lengths the short form can say, and the indefinite form.
        assert_eq!(tlv(&[0x04, 0x81, 0x01, 0xaa]), None);
        assert_eq!(tlv(&[0x04, 0x82, 0x00, 0x01, 0xaa]), None);
        assert_eq!(tlv(&[0x30, 0x80, 0x00, 0x00]), None);
        // Lengths past the end, and lengths wider than two bytes.
        assert_eq!(tlv(&[0x04, 0x02, 0xaa]), None);
        assert_eq!(tlv(&[0x04, 0x83, 0x01, 0x00, 0x00]), None);
        let long = [&[0x04, 0x81, 0x80][..], &[7; 0x80]].concat();
        assert_eq!(tlv(&long).map(|(_, v, _)| v.len()), Some(0x80));
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
