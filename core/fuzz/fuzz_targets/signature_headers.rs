//! Signature-Input / Signature / Content-Digest headers and URLs through RFC 9421 verification.
#![no_main]
use clientele_httpsig::{
    Request, VerifyOptions, VerifyingKey, verify_content_digest, verify_message,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let (input, signature, digest, url) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("https://api.example.com/v1/x?y=1"),
    );
    let _ = verify_content_digest(digest, data);
    let request = Request::new("POST", url)
        .with_header("Signature-Input", input)
        .with_header("Signature", signature)
        .with_header("Content-Digest", digest)
        .with_header("Content-Type", "application/json")
        .with_body(data);
    if let Ok(key) = VerifyingKey::hmac_sha256(b"fuzzing key") {
        let options = VerifyOptions {
            require_content_digest: true,
            ..VerifyOptions::new(1_700_000_000)
        };
        let _ = verify_message(&request, &key, &options);
    }
});
