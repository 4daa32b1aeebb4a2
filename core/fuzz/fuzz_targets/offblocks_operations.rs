//! The answers of OffBlocks' create, simulator-verify and challenge-submission operations, at
//! any status, with the input as the body and as the Retry-After and request-id headers.
#![no_main]
use clientele_core::http::{Header, HttpResponse};
use clientele_core::offblocks::OffBlocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(201, |b| {
        [200, 201, 204, 400, 401, 404, 409, 422, 429, 500][usize::from(*b) % 10]
    });
    let text = String::from_utf8_lossy(data.get(..data.len().min(64)).unwrap_or_default());
    let response = HttpResponse::new(
        status,
        vec![
            Header::new("Retry-After", text.as_ref()),
            Header::new("X-Request-Id", text.as_ref()),
        ],
        data,
    );
    for err in [
        OffBlocks::parse_create_customer(&response).err(),
        OffBlocks::parse_simulator_verify(&response).err(),
        OffBlocks::parse_submit_challenge(&response).err(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(!err.code().is_empty());
        let _ = err.to_string();
        let _ = format!("{err:?}");
    }
});
