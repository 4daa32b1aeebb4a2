//! OffBlocks response bodies (customer, list in both shapes, token, challenge) at any status.
#![no_main]
use clientele_core::http::HttpResponse;
use clientele_core::offblocks::OffBlocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let status = data
        .first()
        .map_or(200, |b| [200, 201, 400, 409, 422, 500][usize::from(*b) % 6]);
    let response = HttpResponse::new(status, vec![], data);
    let _ = OffBlocks::parse_get_customer(&response);
    let _ = OffBlocks::parse_list_customers(&response);
    let _ = OffBlocks::parse_token(&response);
    let _ = OffBlocks::parse_challenge(&response);
    let _ = OffBlocks::parse_status_change(&response);
});
