//! Property tests: round trips (customers) and "never panics, always a typed error" on arbitrary
//! input. The signature properties (sign/verify for every algorithm, Content-Digest, keys and
//! DER) are clientele-httpsig's own (core/httpsig/tests/properties.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use chrono::{DateTime, TimeZone, Utc};
use clientele_core::bloc::{self, Bloc, Customer};
use clientele_core::http::{Header, HttpResponse};
use clientele_core::offblocks::{self, eth};
use clientele_core::validate;
use proptest::prelude::*;
use serde_json::{Value, json};

fn timestamp() -> impl Strategy<Value = DateTime<Utc>> {
    // 1970..2100 with nanosecond precision.
    (0i64..4_102_444_800, 0u32..1_000_000_000).prop_map(|(s, ns)| Utc.timestamp_opt(s, ns).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    "[ -~À-ÿ]{0,30}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A customer in Bloc's wire shape parses to the same values, and its camelCase form is stable.
    #[test]
    fn bloc_customers_round_trip(
        first in text(), last in text(), email in text(), created in timestamp(),
        updated in proptest::option::of(timestamp()), tier in 0u8..4, status in "[a-z]{1,10}",
        kind in "[A-Za-z]{1,10}", gender in prop_oneof![Just("male"), Just("Female"), Just("")],
    ) {
        let wire = json!({
            "id": "6410612c7f1b4b36103f872a", "first_name": first, "last_name": last, "email": email,
            "created_at": created.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            "updated_at": updated.map_or("0001-01-01T00:00:00Z".to_owned(), |u| u.to_rfc3339()),
            "kyc_tier": tier.to_string(), "status": status, "customer_type": kind, "environment": "test",
            "gender": gender, "SyncData": {"Provider": ""}, "address": {},
            "risk_note": last, "risk_flags": [tier, {"x": null}],
        });
        let body = json!({"success": true, "data": wire, "message": "customer"}).to_string();
        let c = Bloc::parse_get_customer(&HttpResponse::new(200, vec![], body)).unwrap();
        prop_assert_eq!(&c.first_name, &first);
        prop_assert_eq!(&c.email, &email);
        prop_assert_eq!(c.created_at, Some(created));
        prop_assert_eq!(c.updated_at, updated.map(|u| Utc.timestamp_opt(u.timestamp(), u.timestamp_subsec_nanos()).unwrap()));
        prop_assert_eq!(c.kyc_tier.as_str(), tier.to_string());
        prop_assert_eq!(c.status.as_str().to_ascii_lowercase(), status.to_ascii_lowercase());
        prop_assert_eq!(c.gender.is_none(), gender.is_empty());
        prop_assert!(c.address.is_none());
        // Members Clientele does not model are kept, exactly as sent.
        let (note, flags) = (serde_json::to_string(&last).unwrap(), format!(r#"[{tier},{{"x":null}}]"#));
        prop_assert_eq!(c.extra.get("risk_note"), Some(note.as_str()));
        prop_assert_eq!(c.extra.get("risk_flags"), Some(flags.as_str()));
        // The camelCase form deserialises back to the same customer.
        let shown = serde_json::to_value(&c).unwrap();
        let again: Customer = serde_json::from_value(camel_to_wire(&shown)).unwrap();
        prop_assert_eq!(again, c);
    }

    /// Phone normalisation is idempotent and always yields Bloc's 11-digit local form.
    #[test]
    fn phone_normalisation_is_idempotent(input in "[+]?[0-9 ()-]{0,20}") {
        if let Ok(local) = validate::nigerian_phone(&input) {
            prop_assert_eq!(local.len(), 11);
            prop_assert!(local.starts_with('0'));
            prop_assert_eq!(validate::nigerian_phone(&local), Ok(local.clone()));
        }
    }

    /// Arbitrary bytes never panic any parser of untrusted input: each returns a value or a
    /// typed error with a stable code.
    #[test]
    fn untrusted_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), status in 100u16..600) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let response = HttpResponse::new(status, vec![Header::new("Retry-After", text.clone())], bytes.clone());
        let codes = [
            Bloc::parse_list_customers(&response).err().map(|e| e.code()),
            Bloc::parse_get_customer(&response).err().map(|e| e.code()),
            Bloc::parse_revalidate_kyc(&response).err().map(|e| e.code()),
            offblocks::OffBlocks::parse_list_customers(&response).err().map(|e| e.code()),
            offblocks::OffBlocks::parse_token(&response).err().map(|e| e.code()),
            offblocks::OffBlocks::parse_challenge(&response).err().map(|e| e.code()),
            bloc::webhook::parse(&bytes).err().map(|e| e.code()),
            offblocks::webhook::parse(&bytes).err().map(|e| e.code()),
            bloc::webhook::verify("secret", &bytes, &text).err().map(|e| e.code()),
        ];
        for code in codes.into_iter().flatten() {
            prop_assert!(!code.is_empty());
        }
        let _ = eth::SiweMessage::parse(&text);
        let _ = eth::decode_challenge(&text);
        let _ = eth::AccountId::parse(&text);
        let _ = validate::email(&text);
        let _ = validate::image(&text);
    }
}

/// The camelCase form of a customer back in Bloc's wire names (for the round trip).
fn camel_to_wire(v: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (k, val) in v.as_object().unwrap() {
        if k == "extra" {
            // Unknown members go back where they came from.
            out.extend(val.as_object().unwrap().clone());
            continue;
        }
        let mut wire = String::new();
        for ch in k.chars() {
            if ch.is_ascii_uppercase() {
                wire.push('_');
                wire.push(ch.to_ascii_lowercase());
            } else {
                wire.push(ch);
            }
        }
        let wire = if wire == "sync_data" {
            "SyncData".to_owned()
        } else {
            wire
        };
        let val = match (wire.as_str(), val) {
            ("SyncData", Value::Object(m)) => json!({"Provider": m["provider"], "ID": m["id"]}),
            ("address", Value::Object(m)) => {
                json!({"street": m["street"], "city": m["city"], "state": m["state"], "country": m["country"], "postal_code": m["postalCode"]})
            }
            _ => val.clone(),
        };
        out.insert(wire, val);
    }
    Value::Object(out)
}
