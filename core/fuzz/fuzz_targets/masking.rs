//! The masking code, with a property: no sensitive value survives. The input supplies values
//! that are placed under sensitive keys of a JSON body (as strings, numbers and arrays, at any
//! depth) and into free text; what `RedactedBody` and `scrub_text` print must not contain them.
#![no_main]
use clientele_core::fuzzing::{RedactedBody, is_id, scrub_text};
use libfuzzer_sys::fuzz_target;

const KEYS: [&str; 10] = [
    "bvn",
    "email",
    "phoneNumber",
    "phone_number",
    "password",
    "accessToken",
    "api_key",
    "client-secret",
    "privateKey",
    "authorization",
];

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes as a body: masked or summarised, never a panic.
    let _ = RedactedBody(data).to_string();
    let text = String::from_utf8_lossy(data);
    let scrubbed = scrub_text(&text);
    // Free text: no word with an `@`, no run of 7 or more digits survives (except inside an id
    // kept for support: a UUID or a 24-hex Bloc id, which always holds a letter).
    assert!(!scrubbed.contains('@'), "{scrubbed}");
    for word in scrubbed.split(' ') {
        let core = word.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        if is_id(core) {
            continue;
        }
        let mut run = 0;
        for b in word.bytes() {
            run = if b.is_ascii_digit() { run + 1 } else { 0 };
            assert!(run < 7, "{scrubbed}");
        }
    }

    // A distinctive value (it cannot come from the masks themselves) under every sensitive key.
    let secret: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(24)
        .collect();
    let secret = format!("Zq{secret}9x");
    let digits: String = data.iter().map(|b| char::from(b'0' + b % 10)).take(15).collect();
    let number = format!("1{digits}");
    let key = KEYS[data.first().map_or(0, |b| usize::from(*b) % KEYS.len())];
    let body = serde_json::json!({
        "data": {
            key: secret,
            "nested": [{ key: [secret, { "inner": secret }] }],
            "list": { key: number.parse::<u64>().unwrap_or(12_345_678_901) },
        },
        "ok": true,
    });
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let shown = RedactedBody(&bytes).to_string();
    assert!(!shown.contains(&secret), "{secret} in {shown}");
    let number = number.parse::<u64>().unwrap_or(12_345_678_901).to_string();
    assert!(!shown.contains(&number), "{number} in {shown}");
});
