//! Property tests: sign/verify round trips for every algorithm, Content-Digest round trips,
//! "never panics, always a typed error" on arbitrary signature headers, and the hand-written DER
//! readers against the RustCrypto decoders.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use clientele_httpsig::{
    Algorithm, Component, DigestAlgorithm, Request, SignatureParams, SigningKey, VerifyOptions,
    VerifyingKey, content_digest, ecdsa_der_to_raw, sign_message, verify_content_digest,
    verify_message,
};
use proptest::prelude::*;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn pem_block(text: &str, label: &str) -> String {
    let begin = text.find(&format!("-----BEGIN {label}-----")).unwrap();
    let end = format!("-----END {label}-----");
    let stop = text[begin..].find(&end).unwrap() + begin + end.len();
    text[begin..stop].to_owned()
}

/// One signing key per algorithm.
fn keys() -> Vec<SigningKey> {
    let p256 = fixture("sig/rfc9421-B.1.3-test-key-ecc-p256.pem");
    let ed = fixture("sig/rfc9421-B.1.4-test-key-ed25519.pem");
    vec![
        SigningKey::from_pem(&fixture("offblocks/test-key-p384.pem")).unwrap(),
        SigningKey::from_pem(&pem_block(&p256, "EC PRIVATE KEY")).unwrap(),
        SigningKey::from_pem(&pem_block(&ed, "PRIVATE KEY")).unwrap(),
        SigningKey::hmac_sha256(b"a shared secret of at least some length").unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Signing then verifying succeeds for every algorithm, whatever the body, the components and
    /// the parameters; the received Signature-Input re-serialises identically (structured fields).
    #[test]
    fn sign_verify_round_trip(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        path in "/[a-z0-9/_-]{0,20}", query in proptest::option::of("[a-z]{1,5}=[a-z0-9]{0,5}"),
        created in 0i64..4_000_000_000, nonce in proptest::option::of("[A-Za-z0-9._-]{1,20}"),
        keyid in "[A-Za-z0-9 ._:-]{1,30}", tag in proptest::option::of("[a-z-]{1,12}"),
        extra in proptest::sample::subsequence(vec!["@authority", "@path", "@query", "@scheme", "@request-target"], 0..5),
        key_index in 0usize..4, sha512 in any::<bool>(),
    ) {
        let key = &keys()[key_index];
        let url = format!("https://api.example.com{path}{}", query.map(|q| format!("?{q}")).unwrap_or_default());
        let digest = content_digest(&body, if sha512 { DigestAlgorithm::Sha512 } else { DigestAlgorithm::Sha256 });
        let mut request = Request::new("POST", url)
            .with_header("Content-Digest", digest)
            .with_header("Content-Type", "application/octet-stream")
            .with_body(body);
        let mut names = vec!["@method", "@target-uri", "content-digest", "content-type"];
        names.extend(extra);
        let components: Vec<Component> = names.iter().map(|n| Component::new(n)).collect();
        let mut params = SignatureParams::new().with_created(created).with_keyid(keyid.clone()).with_alg(key.algorithm());
        if let Some(n) = nonce { params = params.with_nonce(n); }
        if let Some(t) = tag { params = params.with_tag(t); }
        let headers = sign_message(&request, "sig", &components, &params, key).unwrap();
        headers.append_to(&mut request.headers);
        let options = VerifyOptions { require_content_digest: true, ..VerifyOptions::new(created) };
        let verified = verify_message(&request, &key.public_key(), &options).unwrap();
        prop_assert_eq!(verified.params.keyid(), Some(keyid.as_str()));
        prop_assert_eq!(verified.components.len(), names.len());
        // Any change to the body is caught.
        request.body.push(b'!');
        prop_assert!(verify_message(&request, &key.public_key(), &options).is_err());
    }

    /// Content-Digest: what is produced verifies; a different body does not.
    #[test]
    fn content_digest_round_trip(body in proptest::collection::vec(any::<u8>(), 0..2048), other in any::<u8>()) {
        for alg in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512] {
            let header = content_digest(&body, alg);
            prop_assert_eq!(verify_content_digest(&header, &body).unwrap(), alg);
            let mut changed = body.clone();
            changed.push(other);
            prop_assert!(verify_content_digest(&header, &changed).is_err());
        }
    }

    /// Arbitrary signature headers, digests and URLs never panic verification: it answers with
    /// a typed error.
    #[test]
    fn untrusted_headers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut request = Request::new("GET", "https://a.example/x")
            .with_header("Signature-Input", text.clone())
            .with_header("Signature", text.clone())
            .with_header("Content-Digest", text.clone())
            .with_body(bytes.clone());
        let key = keys().remove(3);
        let _ = verify_message(&request, &key.public_key(), &VerifyOptions { require_content_digest: true, ..VerifyOptions::new(0) });
        request.target_uri = text;
        let _ = verify_message(&request, &key.public_key(), &VerifyOptions::new(0));
    }

    /// The hand-written DER reader agrees with the curves' own `Signature::from_der` on every
    /// input: same acceptance, same fixed-width `r || s`.
    #[test]
    fn der_signatures_match_the_curve_crates(der in der_signature()) {
        let ours = ecdsa_der_to_raw(&der, Algorithm::EcdsaP384Sha384).ok();
        let theirs = p384::ecdsa::Signature::from_der(&der).ok().map(|s| s.to_bytes().to_vec());
        prop_assert_eq!(ours, theirs);
        let ours = ecdsa_der_to_raw(&der, Algorithm::EcdsaP256Sha256).ok();
        let theirs = p256::ecdsa::Signature::from_der(&der).ok().map(|s| s.to_bytes().to_vec());
        prop_assert_eq!(ours, theirs);
    }

    /// Corrupted key encodings (a byte changed, removed or added, anywhere): the hand-written
    /// readers accept exactly what the RustCrypto decoders accept, and find the same key.
    #[test]
    fn corrupted_keys_decode_like_rustcrypto(which in 0usize..7, at in 0usize..200, byte in any::<u8>(), how in 0u8..3) {
        let blocks = key_blocks();
        let (label, mut der) = blocks[which % blocks.len()].clone();
        let at = at % der.len();
        match how {
            0 => der[at] = byte,
            1 => { der.remove(at); }
            _ => der.insert(at, byte),
        }
        let pem = armour(label, &der);
        let (ours, theirs) = (our_public(label, &pem), reference_public(label, &pem));
        // One known, deliberate difference: a SEC1 key without parameters is read by its
        // scalar's width; RustCrypto reads a 32-byte scalar as P-384 (left-padded) if asked first.
        if !(label == "EC PRIVATE KEY" && ours.is_some() && theirs.is_some() && ours.as_ref().map(Vec::len) != theirs.as_ref().map(Vec::len)) {
            prop_assert_eq!(ours, theirs);
        }
    }
}

/// A DER ECDSA-Sig-Value built from two integers' bytes, with an optional corruption: mostly
/// well-formed (so both accept and reject paths are exercised), sometimes one byte changed or
/// removed.
fn der_signature() -> impl Strategy<Value = Vec<u8>> {
    let integer = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..51),
        // Values near the top of the P-256 and P-384 ranges, where the order check matters.
        (
            proptest::collection::vec(0xf0u8..=0xff, 30..50),
            any::<bool>()
        )
            .prop_map(|(v, pad)| if pad { [vec![0], v].concat() } else { v }),
    ];
    (integer.clone(), integer, any::<u8>(), 0usize..120, 0u8..4).prop_map(
        |(r, s, byte, at, how)| {
            let int = |v: &[u8]| [vec![0x02, u8::try_from(v.len()).unwrap()], v.to_vec()].concat();
            let body = [int(&r), int(&s)].concat();
            let mut der = [vec![0x30, u8::try_from(body.len()).unwrap()], body].concat();
            let at = at.min(der.len().saturating_sub(1));
            match how {
                1 if !der.is_empty() => der[at] = byte,
                2 if !der.is_empty() => {
                    der.remove(at);
                }
                3 => der.push(byte),
                _ => {}
            }
            der
        },
    )
}

/// Every private and public key block of the key fixtures, as (label, DER).
fn key_blocks() -> Vec<(&'static str, Vec<u8>)> {
    use base64::Engine as _;
    let mut out = Vec::new();
    for file in [
        "offblocks/test-key-p384.pem",
        "offblocks/test-key-p384.pub.pem",
        "sig/offblocks-docs-sample-p384-keypair.pem",
        "sig/rfc9421-B.1.3-test-key-ecc-p256.pem",
        "sig/rfc9421-B.1.4-test-key-ed25519.pem",
    ] {
        let text = fixture(file);
        for label in ["PRIVATE KEY", "EC PRIVATE KEY", "PUBLIC KEY"] {
            if text.contains(&format!("-----BEGIN {label}-----")) {
                let block = pem_block(&text, label);
                let body: String = block.lines().filter(|l| !l.starts_with("-----")).collect();
                let der = base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .unwrap();
                out.push((label, der));
            }
        }
    }
    assert!(out.len() >= 7, "{}", out.len());
    out
}

/// `der` armoured as PEM with `label`.
fn armour(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// What the RustCrypto decoders make of a PEM block: the public key bytes (SEC1 uncompressed or
/// Ed25519), or `None` when they refuse it. Mirrors this crate's order (P-384, then P-256, then
/// Ed25519).
fn reference_public(label: &str, pem: &str) -> Option<Vec<u8>> {
    use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
    let p384 = |k: p384::ecdsa::VerifyingKey| k.to_sec1_bytes().to_vec();
    let p256 = |k: p256::ecdsa::VerifyingKey| k.to_sec1_bytes().to_vec();
    match label {
        "PRIVATE KEY" => p384::ecdsa::SigningKey::from_pkcs8_pem(pem)
            .map(|k| p384(*k.verifying_key()))
            .or_else(|_| {
                p256::ecdsa::SigningKey::from_pkcs8_pem(pem).map(|k| p256(*k.verifying_key()))
            })
            .or_else(|_| {
                ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
                    .map(|k| k.verifying_key().to_bytes().to_vec())
            })
            .ok(),
        "EC PRIVATE KEY" => p384::SecretKey::from_sec1_pem(pem)
            .map(|k| p384(k.public_key().into()))
            .or_else(|_| p256::SecretKey::from_sec1_pem(pem).map(|k| p256(k.public_key().into())))
            .ok(),
        _ => p384::ecdsa::VerifyingKey::from_public_key_pem(pem)
            .map(p384)
            .or_else(|_| p256::ecdsa::VerifyingKey::from_public_key_pem(pem).map(p256))
            .or_else(|_| {
                ed25519_dalek::VerifyingKey::from_public_key_pem(pem).map(|k| k.to_bytes().to_vec())
            })
            .ok(),
    }
}

/// What this crate makes of it, in the same terms.
fn our_public(label: &str, pem: &str) -> Option<Vec<u8>> {
    let key = if label == "PUBLIC KEY" {
        VerifyingKey::from_pem(pem).ok()?
    } else {
        SigningKey::from_pem(pem).ok()?.public_key()
    };
    let spki = key.public_key_pem().ok()?;
    reference_public("PUBLIC KEY", &spki)
}

#[test]
fn key_fixtures_decode_like_rustcrypto_and_encode_the_same_spki() {
    use p256::pkcs8::{DecodePublicKey as _, EncodePublicKey as _, LineEnding};
    for (label, der) in key_blocks() {
        let pem = armour(label, &der);
        let theirs = reference_public(label, &pem);
        assert!(theirs.is_some(), "{label}");
        assert_eq!(our_public(label, &pem), theirs, "{label}");
        // The SPKI PEM this crate writes is byte for byte RustCrypto's.
        let ours = if label == "PUBLIC KEY" {
            VerifyingKey::from_pem(&pem).unwrap()
        } else {
            SigningKey::from_pem(&pem).unwrap().public_key()
        }
        .public_key_pem()
        .unwrap();
        let reference = p384::ecdsa::VerifyingKey::from_public_key_pem(&ours)
            .map(|k| k.to_public_key_pem(LineEnding::LF).unwrap())
            .or_else(|_| {
                p256::ecdsa::VerifyingKey::from_public_key_pem(&ours)
                    .map(|k| k.to_public_key_pem(LineEnding::LF).unwrap())
            })
            .or_else(|_| {
                ed25519_dalek::VerifyingKey::from_public_key_pem(&ours)
                    .map(|k| k.to_public_key_pem(LineEnding::LF).unwrap())
            })
            .unwrap();
        assert_eq!(ours, reference, "{label}");
    }
}
