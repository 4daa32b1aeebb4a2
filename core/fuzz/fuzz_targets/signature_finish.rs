//! Signatures returned by external signers (WebCrypto, Android Keystore, iOS SecKey, KMSs): raw
//! or DER bytes handed to clientele-httpsig's `finish_signature` and to OffBlocks'
//! `SigningRequest::finish`, and the DER-to-raw conversion itself.
#![no_main]
use chrono::DateTime;
use clientele_core::offblocks::{OffBlocks, SigningConfig};
use clientele_httpsig::{
    Algorithm, Request, SignatureEncoding, SignatureParams, ecdsa_der_to_raw, finish_signature,
    prepare_signature,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for algorithm in [
        Algorithm::EcdsaP384Sha384,
        Algorithm::EcdsaP256Sha256,
        Algorithm::Ed25519,
        Algorithm::HmacSha256,
    ] {
        if let Ok(raw) = ecdsa_der_to_raw(data, algorithm) {
            assert_eq!(raw.len(), algorithm.signature_len());
        }
        // The crate's own second step, as a standalone host signer uses it.
        let request = Request::new("GET", "https://api.example.com/v1/x");
        let params = SignatureParams::new()
            .with_created(1_763_700_000)
            .with_alg(algorithm);
        let Ok(prepared) = prepare_signature(&request, "sig", &[], &params) else {
            continue;
        };
        for encoding in [SignatureEncoding::Raw, SignatureEncoding::Der] {
            if let Ok(headers) = finish_signature(&prepared, data, algorithm, encoding) {
                assert!(headers.signature.starts_with("sig=:"));
                if encoding == SignatureEncoding::Raw {
                    assert_eq!(data.len(), algorithm.signature_len());
                }
            }
        }
    }
    let Ok(offblocks) = OffBlocks::new(OffBlocks::SANDBOX_BASE_URL, SigningConfig::new("fuzz-key"))
    else {
        return;
    };
    let Ok(offblocks) = offblocks.with_token("token") else {
        return;
    };
    let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap_or_default();
    for encoding in [SignatureEncoding::Raw, SignatureEncoding::Der] {
        let Ok(pending) = offblocks.build_get_customer("04c5851c-5c1f-4c2e-9a4b-0d2f0b1f7e11", now)
        else {
            return;
        };
        if let Ok(request) = pending.finish(data, encoding) {
            assert!(request.headers.iter().any(|h| h.name == "Signature"));
            if encoding == SignatureEncoding::Raw {
                assert_eq!(data.len(), 96);
            }
        }
    }
});
