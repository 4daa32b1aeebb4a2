//! Webhook bodies and signature headers of both providers.
#![no_main]
use clientele_core::bloc::webhook as bloc;
use clientele_core::http::Header;
use clientele_core::offblocks::webhook as offblocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (header, body) = data.split_at(split);
    let header = String::from_utf8_lossy(header).into_owned();
    let _ = bloc::verify_headers("whsec_fuzz", body, &[Header::new("X-Bloc-Webhook", header)]);
    let _ = bloc::parse(body);
    if let Ok(event) = offblocks::parse(body) {
        let mut dedupe = offblocks::WebhookDeduplicator::new(4);
        let _ = dedupe.observe(&event);
        let _ = dedupe.observe(&event);
    }
});
