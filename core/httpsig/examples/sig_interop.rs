//! Cross-checks `clientele_httpsig` against an independent RFC 9421 implementation (the npm
//! package `http-message-signatures`, driven by `tests/interop/sig-interop.mjs`).
//!
//! - `cargo run --example sig_interop -- emit` prints JSON requests signed by Clientele with the
//!   test keys of every algorithm, for the other implementation to verify.
//! - `cargo run --example sig_interop -- verify FILE` verifies requests signed by the other
//!   implementation (same JSON shape) and prints one line per case; exits 1 if any fails.

use std::path::PathBuf;

use clientele_httpsig::{
    Component, DigestAlgorithm, Request, SignatureParams, SigningKey, VerifyOptions, VerifyingKey,
    content_digest, sign_message, verify_message,
};
use serde_json::{Value, json};

const CREATED: i64 = 1_763_700_000;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read(path: &str) -> String {
    let path = fixtures().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())))
}

fn fail(message: &str) -> ! {
    eprintln!("sig_interop: {message}");
    std::process::exit(2)
}

/// The PEM block `label` inside `text`.
fn pem_block(text: &str, label: &str) -> String {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .unwrap_or_else(|| fail(&format!("no {label}")));
    let stop = text
        .get(start..)
        .and_then(|t| t.find(&end))
        .map(|i| start + i + end.len())
        .unwrap_or_else(|| fail(&format!("no end of {label}")));
    text.get(start..stop).unwrap_or_default().to_owned()
}

/// (algorithm name, keyid, private key PEM or HMAC secret, public key PEM or HMAC secret)
fn keys() -> Vec<(&'static str, &'static str, String, String)> {
    let p384 = read("offblocks/test-key-p384.pem");
    let p384_pub = read("offblocks/test-key-p384.pub.pem");
    let p256 = read("sig/rfc9421-B.1.3-test-key-ecc-p256.pem");
    let ed = read("sig/rfc9421-B.1.4-test-key-ed25519.pem");
    let secret = read("sig/rfc9421-B.1.5-test-shared-secret.b64.txt")
        .trim()
        .to_owned();
    vec![
        ("ecdsa-p384-sha384", "test-key-ecc-p384", p384, p384_pub),
        (
            "ecdsa-p256-sha256",
            "test-key-ecc-p256",
            pem_block(&p256, "EC PRIVATE KEY"),
            pem_block(&p256, "PUBLIC KEY"),
        ),
        (
            "ed25519",
            "test-key-ed25519",
            pem_block(&ed, "PRIVATE KEY"),
            pem_block(&ed, "PUBLIC KEY"),
        ),
        ("hmac-sha256", "test-shared-secret", secret.clone(), secret),
    ]
}

fn hmac_secret(b64: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap_or_else(|_| fail("secret is not base64"))
}

fn signing_key(alg: &str, material: &str) -> SigningKey {
    let key = if alg == "hmac-sha256" {
        SigningKey::hmac_sha256(&hmac_secret(material))
    } else {
        SigningKey::from_pem(material)
    };
    key.unwrap_or_else(|e| fail(&format!("{alg} key: {e}")))
}

fn verifying_key(alg: &str, material: &str) -> VerifyingKey {
    let key = if alg == "hmac-sha256" {
        VerifyingKey::hmac_sha256(&hmac_secret(material))
    } else {
        VerifyingKey::from_pem(material)
    };
    key.unwrap_or_else(|e| fail(&format!("{alg} key: {e}")))
}

fn to_json(alg: &str, keyid: &str, request: &Request) -> Value {
    let headers: serde_json::Map<String, Value> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), json!(value)))
        .collect();
    json!({
        "alg": alg,
        "keyid": keyid,
        "request": {
            "method": &request.method,
            "url": &request.target_uri,
            "headers": headers,
            "body": String::from_utf8_lossy(&request.body),
        }
    })
}

fn from_json(case: &Value) -> Request {
    let r = &case["request"];
    let method = r["method"].as_str().unwrap_or_default();
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) {
        fail(&format!("method {method}"));
    }
    let headers = r["headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Request {
        method: method.to_owned(),
        target_uri: r["url"].as_str().unwrap_or_default().to_owned(),
        headers,
        body: r["body"].as_str().unwrap_or_default().as_bytes().to_vec(),
    }
}

fn emit() {
    let mut out = Vec::new();
    for (alg, keyid, private, _) in keys() {
        let body = br#"{"chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","externalId":"customer-42"}"#.to_vec();
        let mut request = Request::new(
            "POST",
            "https://api.sandbox.offblocks.xyz/v1/customers?source=interop",
        )
        .with_header("Content-Type", "application/json")
        .with_header(
            "Content-Digest",
            content_digest(&body, DigestAlgorithm::Sha512),
        )
        .with_header("Idempotency-Key", "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4")
        .with_body(body);
        let components = [
            "@method",
            "@target-uri",
            "@authority",
            "@path",
            "@query",
            "content-digest",
            "content-type",
            "idempotency-key",
        ]
        .map(Component::new);
        let key = signing_key(alg, &private);
        let params = SignatureParams::new()
            .with_created(CREATED)
            .with_keyid(keyid)
            .with_alg(key.algorithm());
        let headers = sign_message(&request, "sig", &components, &params, &key)
            .unwrap_or_else(|e| fail(&format!("{alg}: {e}")));
        headers.append_to(&mut request.headers);
        out.push(to_json(alg, keyid, &request));
    }
    println!("{}", Value::Array(out));
}

fn verify(path: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| fail(&e.to_string()));
    let keys = keys();
    let mut failed = 0;
    for case in &cases {
        let alg = case["alg"].as_str().unwrap_or_default();
        let expect_valid = case["expectValid"].as_bool().unwrap_or(true);
        let Some((_, keyid, _, public)) = keys.iter().find(|(a, ..)| *a == alg) else {
            fail(&format!("unknown algorithm {alg}"))
        };
        let request = from_json(case);
        let key = verifying_key(alg, public);
        let resolver = [((*keyid).to_owned(), key)];
        let options = VerifyOptions {
            require_content_digest: !request.body.is_empty(),
            ..VerifyOptions::new(case["now"].as_i64().unwrap_or(CREATED))
        };
        let result = verify_message(&request, &resolver[..], &options);
        let ok = result.is_ok() == expect_valid;
        if !ok {
            failed += 1;
        }
        println!(
            "{} {alg} {}: {}",
            if ok { "ok  " } else { "FAIL" },
            case["name"].as_str().unwrap_or_default(),
            match &result {
                Ok(v) => format!("verified ({} components)", v.components.len()),
                Err(e) => format!("rejected: {}", e.code()),
            }
        );
    }
    if failed > 0 {
        std::process::exit(1);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["emit"] => emit(),
        ["verify", path] => verify(path),
        _ => fail("usage: sig_interop emit | sig_interop verify FILE"),
    }
}
