//! Decode error messages never include input text: a string value wrapped in markers is fed to
//! a numeric field (through a real parser and through the text entry point the bindings use);
//! no part of it, markers included, may appear in the message.
#![no_main]
use clientele_core::http::HttpResponse;
use clientele_core::json::describe_data_error;
use clientele_core::offblocks::OffBlocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let value = format!("Qz7{text}7zQ");
    let quoted = serde_json::to_string(&value).unwrap_or_default();
    let leaked = |message: &str| message.contains("Qz7") || message.contains("7zQ");

    if let Err(e) = serde_json::from_str::<u32>(&quoted) {
        let message = describe_data_error(&e.to_string());
        assert!(!leaked(&message), "{message}");
    }
    let message = describe_data_error(&text);
    assert!(!leaked(&message) || text.contains("Qz7") || text.contains("7zQ"));

    let body = format!(r#"{{"id":"c1","status":"active","createdAt":{quoted}}}"#);
    if let Err(e) = OffBlocks::parse_get_customer(&HttpResponse::new(200, vec![], body.as_bytes())) {
        let shown = format!("{e} {e:?}");
        assert!(!leaked(&shown), "{shown}");
    }
});
