//! OffBlocks webhooks: a flat entity plus `webhookType` and `eventId`.
//!
//! OffBlocks retries failed deliveries with jittered exponential backoff for up to 24 hours, so
//! the same event can arrive twice and events can arrive out of order. [`classify`] (or the
//! stateful [`WebhookDeduplicator`]) tells a handler whether a delivery is new, a duplicate or
//! stale. OffBlocks does not document how (or whether) it signs deliveries; when you have its
//! public key, [`verify_signature`] checks an RFC 9421 signature on the delivery.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::OffBlocksCustomer;
use crate::error::WebhookError;
use crate::open_enum::open_enum;

open_enum! {
    /// The `webhookType` of a delivery; types this version does not know are kept.
    pub enum OffBlocksWebhookType {
        /// A customer changed.
        CustomerUpdated = "customer.updated",
        /// An account changed.
        AccountUpdated = "account.updated",
        /// A card changed.
        CardUpdated = "card.updated",
        /// An authorisation changed.
        AuthorisationUpdated = "authorisation.updated",
        /// A transaction changed.
        TransactionUpdated = "transaction.updated",
    }
}

/// A parsed OffBlocks webhook delivery.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct OffBlocksWebhookEvent {
    /// The delivery's type.
    pub webhook_type: OffBlocksWebhookType,
    /// The event id: the same for every retry of one event (deduplicate on it).
    pub event_id: String,
    /// For `customer.updated`, the customer.
    pub customer: Option<OffBlocksCustomer>,
    /// The whole delivery as raw JSON text, for every type (including unknown ones).
    pub raw_json: String,
}

/// `Debug` masks personal data: the customer as its own `Debug` does, and `raw_json` with every
/// sensitive member masked.
impl std::fmt::Debug for OffBlocksWebhookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OffBlocksWebhookEvent")
            .field("webhook_type", &self.webhook_type)
            .field("event_id", &self.event_id)
            .field("customer", &self.customer)
            .field(
                "raw_json",
                &crate::pii::RedactedBody(self.raw_json.as_bytes()),
            )
            .finish()
    }
}

/// Parses a delivery body.
pub fn parse(body: &[u8]) -> Result<OffBlocksWebhookEvent, WebhookError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Head {
        webhook_type: OffBlocksWebhookType,
        event_id: String,
    }
    let failure = |f: crate::json::JsonFailure| WebhookError::Body {
        path: f.path,
        message: f.message,
    };
    let head: Head = crate::json::decode(body).map_err(failure)?;
    let customer = match head.webhook_type {
        OffBlocksWebhookType::CustomerUpdated => {
            let mut customer: OffBlocksCustomer = crate::json::decode(body).map_err(failure)?;
            // The delivery's own members are the event's, not the customer's.
            customer.extra.remove("webhookType");
            customer.extra.remove("eventId");
            Some(customer)
        }
        _ => None,
    };
    Ok(OffBlocksWebhookEvent {
        webhook_type: head.webhook_type,
        event_id: head.event_id,
        customer,
        raw_json: String::from_utf8_lossy(body).into_owned(),
    })
}

/// Verifies an RFC 9421 signature on a delivery, for when OffBlocks gives you a key to check it
/// with (OffBlocks does not document webhook signing). `delivery` is the request your endpoint
/// received: method, full URL, headers and the RAW body. The signature must cover
/// `content-digest`, which must match the body, and carry `created` at most `max_age_seconds`
/// old (a signature without `created` is refused: `signature_missing_parameter`).
pub fn verify_signature(
    delivery: &crate::http::HttpRequest,
    public_key: &crate::sig::VerifyingKey,
    now: DateTime<Utc>,
    max_age_seconds: u32,
) -> Result<crate::sig::VerifiedSignature, crate::Error> {
    let options = crate::sig::VerifyOptions {
        max_age: Some(i64::from(max_age_seconds)),
        require_content_digest: true,
        ..crate::sig::VerifyOptions::new(now.timestamp())
    };
    Ok(crate::sig::verify_message(delivery, public_key, &options)?)
}

/// What a delivery means for a handler that may already have seen related events.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Delivery {
    /// Not seen before and not older than what is known: process it.
    New,
    /// This event id was already processed: acknowledge it and do nothing.
    Duplicate,
    /// A newer state of the same entity was already processed (out-of-order delivery):
    /// acknowledge it and do not apply it.
    Stale,
}

/// Classifies a delivery from what the host knows: whether its `eventId` was already processed,
/// and the `updatedAt` of the last state processed for the same customer.
pub fn classify(
    event: &OffBlocksWebhookEvent,
    event_already_seen: bool,
    last_updated_at: Option<DateTime<Utc>>,
) -> Delivery {
    if event_already_seen {
        return Delivery::Duplicate;
    }
    let updated_at = event.customer.as_ref().and_then(|c| c.updated_at);
    match (updated_at, last_updated_at) {
        (Some(this), Some(last)) if this < last => Delivery::Stale,
        _ => Delivery::New,
    }
}

/// In-memory deduplication for hosts that keep state in the process: remembers the last
/// `capacity` event ids and the latest `updatedAt` per customer. Serialisable, so it can be
/// persisted between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDeduplicator {
    capacity: usize,
    seen: VecDeque<String>,
    #[serde(with = "crate::json::rfc3339::values")]
    latest: HashMap<String, DateTime<Utc>>,
}

impl WebhookDeduplicator {
    /// Remembers up to `capacity` event ids (at least 1).
    pub fn new(capacity: usize) -> Self {
        WebhookDeduplicator {
            capacity: capacity.max(1),
            ..Default::default()
        }
    }

    /// Classifies `event` and, when it is new, records it.
    pub fn observe(&mut self, event: &OffBlocksWebhookEvent) -> Delivery {
        let customer = event.customer.as_ref();
        let last = customer.and_then(|c| self.latest.get(&c.id)).copied();
        let delivery = classify(event, self.seen.contains(&event.event_id), last);
        if delivery == Delivery::New {
            if self.seen.len() >= self.capacity.max(1) {
                self.seen.pop_front();
            }
            self.seen.push_back(event.event_id.clone());
            if let Some((id, at)) = customer.and_then(|c| c.updated_at.map(|at| (c.id.clone(), at)))
            {
                self.latest.insert(id, at);
            }
        }
        delivery
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(event_id: &str, updated_at: &str) -> OffBlocksWebhookEvent {
        let body = format!(
            r#"{{"webhookType":"customer.updated","eventId":"{event_id}","id":"04c5851c-5c1f-4c2e-9a4b-0d2f0b1f7e11","externalId":"ext-1","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"active","createdAt":"2024-01-12T14:53:02.653457Z","updatedAt":"{updated_at}"}}"#
        );
        parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn parses_the_flat_customer() {
        let e = delivery("ev-1", "2024-01-12T15:05:32.166028Z");
        assert_eq!(e.webhook_type, OffBlocksWebhookType::CustomerUpdated);
        let c = e.customer.unwrap();
        assert_eq!(c.external_id, "ext-1");
        assert_eq!(c.status, super::super::OffBlocksStatus::Active);
    }

    #[test]
    fn unknown_types_are_kept_and_bad_bodies_typed() {
        let e = parse(br#"{"webhookType":"wallet.created","eventId":"ev-9","id":"w1"}"#).unwrap();
        assert_eq!(
            e.webhook_type,
            OffBlocksWebhookType::Other("wallet.created".into())
        );
        assert_eq!(e.customer, None);
        assert!(matches!(
            parse(br#"{"webhookType":"customer.updated"}"#),
            Err(WebhookError::Body { .. })
        ));
        assert!(matches!(
            parse(br#"{"webhookType":"customer.updated","eventId":"e"}"#),
            Err(WebhookError::Body { .. })
        ));
        assert!(matches!(parse(b"[]"), Err(WebhookError::Body { .. })));
    }

    #[test]
    fn debug_masks_the_raw_delivery() {
        let e = parse(br#"{"webhookType":"customer.updated","eventId":"ev-1","id":"c1","externalId":"ext-1","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"active","email":"ada@example.com","phone":22403240419,"challenge":"c2VjcmV0","accessToken":"tok-s3cr3t"}"#).unwrap();
        let shown = format!("{e:?}");
        for secret in ["ada@example.com", "22403240419", "tok-s3cr3t"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("ev-1"), "{shown}");
        assert!(e.raw_json.contains("ada@example.com"));
    }

    #[test]
    fn signed_deliveries_verify() {
        use crate::http::{Header, HttpRequest, Method};
        use crate::sig::{
            Component, DigestAlgorithm, SignatureParams, SigningKey, content_digest, sign_message,
        };
        let key = SigningKey::from_pem(include_str!(
            "../../../tests/fixtures/offblocks/test-key-p384.pem"
        ))
        .unwrap();
        let body =
            br#"{"webhookType":"customer.updated","eventId":"ev-1","id":"c1","status":"active"}"#
                .to_vec();
        let mut delivery = HttpRequest {
            method: Method::Post,
            url: "https://example.com/hooks/offblocks".into(),
            headers: vec![Header::new(
                "Content-Digest",
                content_digest(&body, DigestAlgorithm::Sha256),
            )],
            body,
        };
        let components = ["@method", "@target-uri", "content-digest"].map(Component::new);
        let params = SignatureParams::new()
            .with_created(1_700_000_000)
            .with_keyid("offblocks");
        sign_message(&delivery, "sig", &components, &params, &key)
            .unwrap()
            .append_to(&mut delivery.headers);
        let at = |s| DateTime::from_timestamp(s, 0).unwrap();
        assert!(verify_signature(&delivery, &key.public_key(), at(1_700_000_010), 300).is_ok());
        let too_late =
            verify_signature(&delivery, &key.public_key(), at(1_700_000_400), 300).unwrap_err();
        assert_eq!(too_late.code(), "signature_too_old");
        delivery.body =
            br#"{"webhookType":"customer.updated","eventId":"ev-1","id":"c1","status":"rejected"}"#
                .to_vec();
        let tampered =
            verify_signature(&delivery, &key.public_key(), at(1_700_000_010), 300).unwrap_err();
        assert_eq!(tampered.code(), "content_digest_mismatch");

        // Without `created` there is no age to bound: refused.
        delivery.headers = vec![Header::new(
            "Content-Digest",
            content_digest(&delivery.body, DigestAlgorithm::Sha256),
        )];
        sign_message(
            &delivery,
            "sig",
            &components,
            &SignatureParams::new().with_keyid("offblocks"),
            &key,
        )
        .unwrap()
        .append_to(&mut delivery.headers);
        let undated =
            verify_signature(&delivery, &key.public_key(), at(1_700_000_010), 300).unwrap_err();
        assert_eq!(undated.code(), "signature_missing_parameter");
    }

    #[test]
    fn duplicates_and_out_of_order_deliveries() {
        let mut dedupe = WebhookDeduplicator::new(2);
        let first = delivery("ev-1", "2024-01-12T15:05:00Z");
        let second = delivery("ev-2", "2024-01-12T15:06:00Z");
        let late = delivery("ev-0", "2024-01-12T15:04:00Z");
        assert_eq!(dedupe.observe(&first), Delivery::New);
        assert_eq!(dedupe.observe(&first), Delivery::Duplicate);
        assert_eq!(dedupe.observe(&second), Delivery::New);
        assert_eq!(dedupe.observe(&late), Delivery::Stale);
        // Capacity 2: ev-1 is forgotten after ev-3, but it is still stale by time.
        assert_eq!(
            dedupe.observe(&delivery("ev-3", "2024-01-12T15:07:00Z")),
            Delivery::New
        );
        assert_eq!(dedupe.observe(&first), Delivery::Stale);
        assert_eq!(classify(&first, false, None), Delivery::New);
    }
}
