//! Bloc webhooks: verify the `X-Bloc-Webhook` signature on the RAW body, then parse the event.
//!
//! Bloc (through Convoy) sends `X-Bloc-Webhook: hex(HMAC-SHA256(webhook_secret, body))`. Bloc's
//! own example recomputes it over `JSON.stringify(req.body)`, which breaks as soon as the JSON is
//! re-serialised differently; always verify the bytes exactly as received. Bloc documents no
//! timestamp, so there is no replay protection: deduplicate deliveries yourself.
//!
//! ```
//! use clientele_core::bloc::webhook::{self, BlocEventType};
//!
//! let secret = "whsec_synthetic";
//! let body = br#"{"event":"Customer.created","data":{"id":"6410612c7f1b4b36103f872a","customer_type":"Personal","status":"active","environment":"test"}}"#;
//! let signature = webhook::sign(secret, body); // what Bloc puts in X-Bloc-Webhook
//! let event = webhook::verify_and_parse(secret, body, &signature)?;
//! assert_eq!(event.event, BlocEventType::CustomerCreated);
//! assert_eq!(event.customer.unwrap().id, "6410612c7f1b4b36103f872a");
//! # Ok::<(), clientele_core::Error>(())
//! ```

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::Customer;
use crate::error::WebhookError;
use crate::http::{Header, find_header};
use crate::open_enum::open_enum;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Bloc-Webhook";

open_enum! {
    /// A Bloc webhook event name. Matching ignores case (`Customer.created` is written with a
    /// capital C in Bloc's docs); events this version does not know are kept in `Other`.
    pub enum BlocEventType {
        /// A customer was created.
        CustomerCreated = "customer.created",
        /// A transaction was created.
        TransactionNew = "transaction.new",
        /// A transaction was updated.
        TransactionUpdated = "transaction.updated",
        /// A transaction succeeded.
        TransactionSuccessful = "transaction.successful",
    }
}

impl BlocEventType {
    /// Whether the event's `data` is a customer (`customer.*` events).
    pub fn is_customer_event(&self) -> bool {
        self.as_str()
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("customer."))
    }
}

/// A verified, parsed webhook delivery.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct BlocWebhookEvent {
    /// The event name, exactly as sent when unknown.
    pub event: BlocEventType,
    /// For `customer.*` events, the customer in `data`.
    pub customer: Option<Customer>,
    /// `data` as raw JSON text, for every event (including ones this version does not know).
    pub data_json: String,
}

/// `Debug` (and so Kotlin's `toString` and Swift's `description`) masks personal data: the
/// customer as its own `Debug` does, and `data_json` with every sensitive member masked.
impl std::fmt::Debug for BlocWebhookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlocWebhookEvent")
            .field("event", &self.event)
            .field("customer", &self.customer)
            .field(
                "data_json",
                &crate::pii::RedactedBody(self.data_json.as_bytes()),
            )
            .finish()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, body: &[u8]) -> Result<HmacSha256, WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| WebhookError::EmptySecret)?;
    mac.update(body);
    Ok(mac)
}

/// The signature Bloc sends for `body`: lowercase hex HMAC-SHA256 with the webhook secret. Useful
/// for tests and local emulators.
pub fn sign(secret: &str, body: &[u8]) -> String {
    match mac(secret, body) {
        Ok(mac) => crate::encoding::hex_lower(&mac.finalize().into_bytes()),
        Err(_) => String::new(),
    }
}

/// Verifies `signature` (the `X-Bloc-Webhook` value: 64 hex digits, either case) against the raw
/// `body`, in constant time.
pub fn verify(secret: &str, body: &[u8], signature: &str) -> Result<(), WebhookError> {
    let mac = mac(secret, body)?;
    let tag = crate::encoding::hex_array::<32>(signature.trim()).ok_or_else(|| {
        WebhookError::MalformedSignature {
            header: SIGNATURE_HEADER.into(),
        }
    })?;
    mac.verify_slice(&tag)
        .map_err(|_| WebhookError::SignatureMismatch)
}

/// Verifies a delivery from its headers (the header name is matched case-insensitively).
pub fn verify_headers(secret: &str, body: &[u8], headers: &[Header]) -> Result<(), WebhookError> {
    let signature =
        find_header(headers, SIGNATURE_HEADER).ok_or_else(|| WebhookError::MissingSignature {
            header: SIGNATURE_HEADER.into(),
        })?;
    verify(secret, body, signature)
}

/// Parses a delivery body (`{"event": ..., "data": {...}}`) WITHOUT verifying it; call
/// [`verify`] first, or use [`verify_and_parse`].
pub fn parse(body: &[u8]) -> Result<BlocWebhookEvent, WebhookError> {
    #[derive(Deserialize)]
    struct Raw {
        event: BlocEventType,
        #[serde(default)]
        data: Option<Box<serde_json::value::RawValue>>,
    }
    let raw: Raw = crate::json::decode(body).map_err(|f| WebhookError::Body {
        path: f.path,
        message: f.message,
    })?;
    let data_json = raw.data.as_deref().map_or("null", |d| d.get()).to_owned();
    let customer = if raw.event.is_customer_event() {
        let customer: Customer =
            crate::json::decode(data_json.as_bytes()).map_err(|f| WebhookError::Body {
                path: format!("data.{}", f.path).trim_end_matches('.').to_owned(),
                message: f.message,
            })?;
        Some(customer)
    } else {
        None
    };
    Ok(BlocWebhookEvent {
        event: raw.event,
        customer,
        data_json,
    })
}

/// Verifies `signature` and parses the body: the one call a webhook handler needs.
pub fn verify_and_parse(
    secret: &str,
    body: &[u8],
    signature: &str,
) -> Result<BlocWebhookEvent, crate::Error> {
    verify(secret, body, signature)?;
    Ok(parse(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_synthetic";

    #[test]
    fn signature_is_hex_hmac_sha256_of_raw_bytes() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verification_errors_are_typed() {
        let body = br#"{"event":"transaction.new","data":{}}"#;
        let sig = sign(SECRET, body);
        assert_eq!(verify(SECRET, body, &sig), Ok(()));
        assert_eq!(verify(SECRET, body, &sig.to_uppercase()), Ok(()));
        assert_eq!(
            verify("other", body, &sig),
            Err(WebhookError::SignatureMismatch)
        );
        let reserialised = br#"{"event": "transaction.new", "data": {}}"#;
        assert_eq!(
            verify(SECRET, reserialised, &sig),
            Err(WebhookError::SignatureMismatch)
        );
        assert_eq!(verify("", body, &sig), Err(WebhookError::EmptySecret));
        for bad in ["", "xyz", sig.get(..62).unwrap()] {
            assert!(
                matches!(
                    verify(SECRET, body, bad),
                    Err(WebhookError::MalformedSignature { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            verify_headers(SECRET, body, &[]),
            Err(WebhookError::MissingSignature { .. })
        ));
        let headers = [Header::new("x-bloc-webhook", sig.clone())];
        assert_eq!(verify_headers(SECRET, body, &headers), Ok(()));
    }

    #[test]
    fn unknown_events_are_kept() {
        let e = parse(br#"{"event":"account.frozen","data":{"x":1}}"#).unwrap();
        assert_eq!(e.event, BlocEventType::Other("account.frozen".into()));
        assert_eq!(e.data_json, r#"{"x":1}"#);
        assert_eq!(e.customer, None);
        let e = parse(br#"{"event":"CUSTOMER.CREATED","data":{"id":"6410612c7f1b4b36103f872a","customer_type":"Personal","status":"active","environment":"test"}}"#).unwrap();
        assert_eq!(e.event, BlocEventType::CustomerCreated);
        assert!(e.customer.is_some());
    }

    #[test]
    fn debug_masks_the_data() {
        let e = parse(br#"{"event":"customer.created","data":{"id":"6410612c7f1b4b36103f872a","customer_type":"Personal","status":"active","environment":"test","email":"ada@example.com","phone_number":"08012345678","bvn":"22403240419","kin":{"bvn":22403240419,"emails":["ada@example.com"]}}}"#).unwrap();
        let shown = format!("{e:?}");
        for secret in ["ada@example.com", "08012345678", "22403240419"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("6410612c7f1b4b36103f872a"), "{shown}");
        // The data itself keeps its data.
        assert!(e.data_json.contains("ada@example.com"));
    }

    #[test]
    fn bad_bodies_are_typed() {
        assert!(matches!(parse(b"not json"), Err(WebhookError::Body { .. })));
        assert!(
            matches!(parse(br#"{"data":{}}"#), Err(WebhookError::Body { message, .. }) if message.starts_with("missing field `event`"))
        );
        let err = parse(br#"{"event":"Customer.created","data":{"customer_type":"Personal"}}"#)
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::Body { ref path, .. } if path == "data"),
            "{err:?}"
        );
    }
}
