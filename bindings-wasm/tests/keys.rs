//! The keys module (`--features keys`), run by wasm-bindgen-test in Node and in headless
//! Chromium: signing a signature base byte for byte, verification, the ownership challenge's
//! wallet signatures, typed errors, and robustness (bad input in a loop, then still usable).
#![cfg(all(target_arch = "wasm32", feature = "keys"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use clientele_wasm::keys::{self, SigningKey, VerifyingKey};
use common::{OFFBLOCKS_CHALLENGES, OFFBLOCKS_REQUESTS, code, signature_bytes};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

mod common;

const TEST_KEY: &str = include_str!("../../tests/fixtures/offblocks/test-key-p384.pem");
const TEST_PUBLIC_KEY: &str = include_str!("../../tests/fixtures/offblocks/test-key-p384.pub.pem");

/// The fixture's signed create request: its signature base and the request as sent.
fn signed_create() -> (String, Value) {
    let fixture: Value = serde_json::from_str(OFFBLOCKS_REQUESTS).unwrap();
    let case = &fixture["cases"][1];
    assert_eq!(case["operation"], "create_customer");
    let want = &case["expect"]["request"];
    (
        want["signatureBase"].as_str().unwrap().to_owned(),
        want.clone(),
    )
}

/// Deterministic P-384 (RFC 6979): the signature of the fixture's base is exactly the one the
/// fixture lists (computed independently), so main-module `finish` gives its exact headers.
#[wasm_bindgen_test]
fn signs_a_signature_base_byte_for_byte() {
    let (base, want) = signed_create();
    let key = SigningKey::from_pem(TEST_KEY).unwrap();
    assert_eq!(key.algorithm().unwrap(), "\"ecdsa-p384-sha384\"");
    let signature = keys::sign_signature_base(&key, "ecdsa-p384-sha384", base.as_bytes()).unwrap();
    assert_eq!(
        signature,
        signature_bytes(want["headers"]["Signature"].as_str().unwrap())
    );
    // A request for another algorithm is refused rather than signed with the wrong key type.
    let err = keys::sign_signature_base(&key, "ed25519", base.as_bytes()).unwrap_err();
    assert_eq!(code(&err), "signature_algorithm_mismatch");
    let err = keys::sign_signature_base(&key, "rsa-pss-sha512", base.as_bytes()).unwrap_err();
    assert_eq!(code(&err), "signature_unsupported_algorithm");
}

/// The fixture's request verifies with the public key (PEM, or derived from the private key);
/// a changed body does not.
#[wasm_bindgen_test]
fn verifies_the_signed_request() {
    let (_, want) = signed_create();
    let fixture: Value = serde_json::from_str(OFFBLOCKS_REQUESTS).unwrap();
    let ctx = &fixture["context"];
    let request = json!({
        "method": want["method"],
        "url": want["url"],
        "headers": want["headers"].as_object().unwrap().iter()
            .map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
        "body": want["body"],
    });
    let now = ctx["now"].as_str().unwrap();
    for key in [
        VerifyingKey::from_pem(TEST_PUBLIC_KEY).unwrap(),
        SigningKey::from_pem(TEST_KEY).unwrap().public_key(),
    ] {
        let summary: Value = serde_json::from_str(
            &keys::verify_message(&request.to_string(), &key, now, Some(300)).unwrap(),
        )
        .unwrap();
        assert_eq!(summary["label"], "sig");
        assert_eq!(summary["keyid"], ctx["keyId"]);
    }
    let key = VerifyingKey::from_pem(TEST_PUBLIC_KEY).unwrap();
    assert!(
        key.public_key_pem()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );
    let mut tampered = request.clone();
    tampered["body"] = json!(format!("{} ", request["body"].as_str().unwrap()));
    let err = keys::verify_message(&tampered.to_string(), &key, now, None).unwrap_err();
    assert_eq!(code(&err), "content_digest_mismatch");
    // The digest recomputed over the changed body: now the signature itself fails.
    let digest = sha256_digest(tampered["body"].as_str().unwrap());
    for header in tampered["headers"].as_array_mut().unwrap() {
        if header["name"] == "Content-Digest" {
            header["value"] = json!(digest);
        }
    }
    let err = keys::verify_message(&tampered.to_string(), &key, now, None).unwrap_err();
    assert_eq!(code(&err), "signature_invalid");
}

/// `sha-256=:...:` of `body`, computed independently of the module under test.
fn sha256_digest(body: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body))
    )
}

/// Opening challenges (the checks that need no signature).
#[wasm_bindgen_test]
fn opens_ownership_challenges() {
    let fixture: Value = serde_json::from_str(OFFBLOCKS_CHALLENGES).unwrap();
    for case in fixture["cases"].as_array().unwrap() {
        let (encoded, chain, now) = (
            case["challenge"].as_str().unwrap(),
            case["chainId"].as_str().unwrap(),
            case["now"].as_str().unwrap(),
        );
        if case.get("signature").is_some() {
            // These open fine; their signatures are checked below.
            let opened: Value =
                serde_json::from_str(&keys::open_challenge(encoded, chain, now).unwrap()).unwrap();
            assert_eq!(opened["encoded"], encoded, "{}", case["name"]);
            if let Some(message) = case["expect"].get("message") {
                assert_eq!(opened["digest"], message["digest"], "{}", case["name"]);
                assert_eq!(
                    opened["fields"]["nonce"], message["nonce"],
                    "{}",
                    case["name"]
                );
            }
            continue;
        }
        match (
            keys::open_challenge(encoded, chain, now),
            case["expect"].get("error"),
        ) {
            (Err(err), Some(e)) => {
                assert_eq!(code(&err), e["code"].as_str().unwrap(), "{}", case["name"])
            }
            (Ok(v), Some(_)) => panic!("{}: expected an error, got {v}", case["name"]),
            (Ok(_), None) => panic!("{}: give the case an expected error", case["name"]),
            (Err(err), None) => panic!("{}: unexpected {}", case["name"], code(&err)),
        }
    }
}

/// Wallet signatures on ownership challenges: accepted for the customer's wallet, refused (with
/// the fixture's code) otherwise.
#[wasm_bindgen_test]
fn ownership_challenge_signatures() {
    let fixture: Value = serde_json::from_str(OFFBLOCKS_CHALLENGES).unwrap();
    let mut checked = 0;
    for case in fixture["cases"].as_array().unwrap() {
        let Some(signature) = case["signature"].as_str() else {
            continue;
        };
        let result = keys::accept_challenge_signature(
            case["challenge"].as_str().unwrap(),
            case["chainId"].as_str().unwrap(),
            case["now"].as_str().unwrap(),
            signature,
        );
        match (result, case["expect"].get("error")) {
            (Ok(json), None) => {
                let v: Value = serde_json::from_str(&json).unwrap();
                assert_eq!(&v, &case["expect"]["submission"], "{}", case["name"]);
            }
            (Err(err), Some(e)) => {
                assert_eq!(code(&err), e["code"].as_str().unwrap(), "{}", case["name"])
            }
            (Ok(v), Some(_)) => panic!("{}: expected an error, got {v}", case["name"]),
            (Err(err), None) => panic!("{}: unexpected {}", case["name"], code(&err)),
        }
        checked += 1;
    }
    assert!(checked >= 3, "the fixture lost its signed cases");
}

/// Hostile input in a loop never traps the module; afterwards it still signs.
#[wasm_bindgen_test]
fn malformed_input_never_breaks_the_module() {
    let junk = [
        "",
        "{",
        "null",
        "[]",
        "\"x\"",
        "{\"kty\":\"EC\",\"crv\":\"P-384\"}",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
        "\u{0}",
        "9999999999999999999999",
    ];
    let key = VerifyingKey::from_pem(TEST_PUBLIC_KEY).unwrap();
    for _ in 0..50 {
        for j in junk {
            for err in [
                SigningKey::from_pem(j).err(),
                SigningKey::from_jwk(j).err(),
                VerifyingKey::from_pem(j).err(),
                VerifyingKey::from_jwk(j).err(),
                keys::verify_message(j, &key, j, None).err(),
                keys::webhook_verify_signature(j, &key, j, Some(300)).err(),
                keys::accept_challenge_signature(j, j, j, j).err(),
                keys::open_challenge(j, j, j).err(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(!code(&err).is_empty());
            }
        }
    }
    signs_a_signature_base_byte_for_byte();
}
