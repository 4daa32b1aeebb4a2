//! Everything after a VALID signature: a request is signed here (components, parameters and
//! body chosen by the input), must verify, and then one thing the input chooses is changed
//! (a covered header, the body, the digest, a parameter, the component list, the label) and
//! verified again. A change to anything covered must fail, and nothing may panic.
#![no_main]
use clientele_httpsig::{
    Component, DigestAlgorithm, Request, SignatureParams, SigningKey, VerifyOptions,
    content_digest, sign_message, verify_message,
};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;
const COMPONENTS: [&str; 8] = [
    "@method",
    "@target-uri",
    "@authority",
    "@path",
    "@query",
    "content-digest",
    "content-type",
    "x-custom",
];

fuzz_target!(|data: &[u8]| {
    let Ok(key) = SigningKey::hmac_sha256(b"a fuzzing secret") else {
        return;
    };
    let (head, body) = data.split_at(data.len().min(4));
    let byte = |i: usize| head.get(i).copied().unwrap_or(0);
    let mut request = Request::new("POST", "https://api.example.com/v1/customers?page=2")
        .with_header("Content-Type", "application/json")
        .with_header("X-Custom", "a, b")
        .with_header("Content-Digest", content_digest(body, DigestAlgorithm::Sha256))
        .with_body(body);
    let covered: Vec<Component> = COMPONENTS
        .iter()
        .enumerate()
        .filter(|(i, _)| byte(0) & (1 << i) != 0)
        .map(|(_, c)| Component::new(c))
        .collect();
    let mut params = SignatureParams::new().with_created(NOW).with_keyid("k");
    if byte(1) & 1 != 0 {
        params = params.with_expires(NOW + i64::from(byte(1)));
    }
    if byte(1) & 2 != 0 {
        params = params.with_nonce(String::from_utf8_lossy(body).into_owned());
    }
    let Ok(headers) = sign_message(&request, "sig", &covered, &params, &key) else {
        return;
    };
    headers.append_to(&mut request.headers);
    let options = VerifyOptions::new(NOW);
    let verified = verify_message(&request, &key.public_key(), &options);
    assert!(verified.is_ok(), "a fresh signature must verify: {verified:?}");

    let covers = |name: &str| covered.iter().any(|c| c.name() == name);
    let mut changed = request.clone();
    let must_fail = match byte(2) % 8 {
        0 => {
            changed.body.push(byte(3));
            covers("content-digest")
        }
        1 => {
            changed.headers[2] = ("Content-Digest".into(), "sha-256=:AAAA:".into());
            covers("content-digest")
        }
        2 => {
            changed.headers[1] = ("X-Custom".into(), String::from_utf8_lossy(body).into());
            covers("x-custom") && body != b"a, b"
        }
        3 => {
            changed.method = "PUT".into();
            covers("@method")
        }
        4 => {
            changed.target_uri = "https://api.example.com/v1/customers?page=3".into();
            covers("@target-uri") || covers("@query")
        }
        5 => {
            let input = changed.headers.iter_mut().find(|h| h.0 == "Signature-Input");
            if let Some(h) = input {
                h.1 = h.1.replace(&NOW.to_string(), &(NOW + 1).to_string());
            }
            true
        }
        6 => {
            let input = changed.headers.iter_mut().find(|h| h.0 == "Signature-Input");
            if let Some(h) = input {
                let mut bytes = h.1.clone().into_bytes();
                let at = usize::from(byte(3)) % bytes.len().max(1);
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 + (byte(3) & 0x3f);
                }
                h.1 = String::from_utf8_lossy(&bytes).into_owned();
            }
            false
        }
        _ => {
            changed.headers.push(("X-Custom".into(), "c".into()));
            covers("x-custom")
        }
    };
    let again = verify_message(&changed, &key.public_key(), &options);
    if must_fail {
        assert!(again.is_err(), "a change to a covered part verified");
    }
});
