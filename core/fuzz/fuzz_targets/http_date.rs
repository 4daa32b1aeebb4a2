//! The `Retry-After` reader (delay-seconds or an HTTP-date in its three forms), on the whole
//! input rather than a prefix, and through a real error response.
#![no_main]
use chrono::DateTime;
use clientele_core::error::RetryAfter;
use clientele_core::http::{Header, HttpResponse};
use clientele_core::offblocks::OffBlocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap_or_default();
    if let Some(after) = RetryAfter::parse(&text) {
        let _ = after.seconds_from(now);
        if let RetryAfter::Seconds(s) = after {
            assert_eq!(Some(s), text.trim().parse::<u64>().ok());
        }
    }
    let response = HttpResponse::new(
        429,
        vec![Header::new("Retry-After", text.as_ref())],
        &b"{}"[..],
    );
    let err = OffBlocks::parse_get_customer(&response).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
});
