//! Restoring a saved webhook deduplicator (JSON written by a host, possibly tampered with), then
//! observing deliveries: never a panic, and a restored state saves back to itself.
#![no_main]
use clientele_core::offblocks::webhook::{self, WebhookDeduplicator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut dedupe) = serde_json::from_slice::<WebhookDeduplicator>(data) else {
        return;
    };
    let saved = serde_json::to_string(&dedupe).unwrap_or_default();
    let again: WebhookDeduplicator = serde_json::from_str(&saved).unwrap_or_default();
    assert_eq!(again, dedupe);
    for (event_id, updated_at) in [
        ("ev-1", "2024-01-12T15:05:00Z"),
        ("ev-1", "2024-01-12T15:05:00Z"),
        ("ev-2", "0001-01-01T00:00:00Z"),
        ("ev-3", "9999-12-31T23:59:59Z"),
    ] {
        let body = format!(
            r#"{{"webhookType":"customer.updated","eventId":"{event_id}","id":"c1","status":"active","updatedAt":"{updated_at}"}}"#
        );
        if let Ok(event) = webhook::parse(body.as_bytes()) {
            let _ = dedupe.observe(&event);
        }
    }
    let _ = serde_json::to_string(&dedupe);
});
