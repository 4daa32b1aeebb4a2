//! Key material: PEM (read by pem-rfc7468; PKCS#8, SEC1, SPKI by the hand-written DER readers;
//! encrypted PKCS#8 refused with its own code) and JWK, as text and as raw DER armoured here, so
//! the fuzzer reaches the ASN.1 directly.
#![no_main]
use clientele_httpsig::{SigningKey, VerifyingKey};
use libfuzzer_sys::fuzz_target;

fn armour(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut candidates = vec![text.into_owned()];
    for label in ["PRIVATE KEY", "EC PRIVATE KEY", "PUBLIC KEY", "ENCRYPTED PRIVATE KEY"] {
        candidates.push(armour(label, data));
    }
    for input in &candidates {
        if let Ok(key) = SigningKey::from_pem(input) {
            // A key that parses can sign, and its public half round-trips through PEM.
            let signature = key.sign(b"message").unwrap();
            assert_eq!(signature.len(), key.algorithm().signature_len());
            let pem = key.public_key().public_key_pem().unwrap();
            let again = VerifyingKey::from_pem(&pem).unwrap();
            assert_eq!(again.public_key_pem().unwrap(), pem);
        }
        if let Ok(key) = VerifyingKey::from_pem(input) {
            let pem = key.public_key_pem().unwrap();
            assert_eq!(VerifyingKey::from_pem(&pem).unwrap().public_key_pem().unwrap(), pem);
        }
        if input.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            let err = SigningKey::from_pem(input).err().map(|e| e.code());
            assert_eq!(err, Some("signature_encrypted_key"));
        }
        let _ = SigningKey::from_jwk(input).map(|k| k.algorithm());
        let _ = VerifyingKey::from_jwk(input).map(|k| k.algorithm());
    }
});
