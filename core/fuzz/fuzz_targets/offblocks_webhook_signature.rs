//! The OffBlocks webhook signature check: a delivery signed here must verify; the input then
//! replaces the body, the digest, the signature headers or the URL, and verification must
//! still answer with a typed error (and fail when the body no longer matches).
#![no_main]
use chrono::DateTime;
use clientele_core::http::{Header, HttpRequest, Method};
use clientele_core::offblocks::webhook::verify_signature;
use clientele_httpsig::{
    Component, DigestAlgorithm, SignatureParams, SigningKey, content_digest, sign_message,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(key) = SigningKey::hmac_sha256(b"webhook fuzz secret") else {
        return;
    };
    let body = br#"{"webhookType":"customer.updated","eventId":"ev-1","id":"c1","status":"active"}"#;
    let mut delivery = HttpRequest {
        method: Method::Post,
        url: "https://example.com/hooks/offblocks".into(),
        headers: vec![Header::new(
            "Content-Digest",
            content_digest(body, DigestAlgorithm::Sha256),
        )],
        body: body.to_vec(),
    };
    let components = ["@method", "@target-uri", "content-digest"].map(Component::new);
    let params = SignatureParams::new().with_created(1_700_000_000).with_keyid("offblocks");
    let Ok(headers) = sign_message(&delivery, "sig", &components, &params, &key) else {
        return;
    };
    headers.append_to(&mut delivery.headers);
    let now = DateTime::from_timestamp(1_700_000_010, 0).unwrap_or_default();
    assert!(verify_signature(&delivery, &key.public_key(), now, 300).is_ok());

    let text = String::from_utf8_lossy(data).into_owned();
    let which = data.first().copied().unwrap_or(0) % 5;
    match which {
        0 => delivery.body = data.to_vec(),
        1 => delivery.headers[0] = Header::new("Content-Digest", text),
        2 => delivery.headers[1] = Header::new("Signature-Input", text),
        3 => delivery.headers[2] = Header::new("Signature", text),
        _ => delivery.url = text,
    }
    let result = verify_signature(&delivery, &key.public_key(), now, 300);
    if which == 0 && data != body {
        assert!(result.is_err(), "a changed body verified");
    }
    if let Err(e) = result {
        assert!(!e.code().is_empty());
    }
});
