//! Reading an error response: what its status means ([`ApiErrorKind`]), whether and when to
//! retry ([`RetryAfter`], with the RFC 9110 HTTP-date reader), the provider's message (masked),
//! and the request id, gathered in an [`ApiError`].

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::HttpResponse;
use crate::provider::Provider;

/// What kind of API error a status (or a provider's body) denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum ApiErrorKind {
    /// 400: the provider rejected the request as invalid.
    BadRequest,
    /// 401: wrong key, or a key for the other environment.
    Unauthorized,
    /// 403: the key may not do this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 409: conflicts with the current state.
    Conflict,
    /// 422: the provider understood but refused the request.
    Unprocessable,
    /// 429: too many requests; see `retry_after`.
    RateLimited,
    /// 5xx: a server-side failure.
    ServerError,
    /// A 2xx whose envelope says `success: false`.
    Rejected,
    /// 409 on a create: the resource already exists.
    AlreadyExists,
    /// 409 on a status change that the current status does not allow.
    InvalidStateTransition,
    /// 422 (or 409): the Idempotency-Key was already used with a different payload.
    IdempotencyMismatch,
    /// 409: another request with the same Idempotency-Key is still being processed; retry later
    /// with the same key and body.
    IdempotencyInFlight,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            422 => ApiErrorKind::Unprocessable,
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::ServerError,
            200..=299 => ApiErrorKind::Rejected,
            _ => ApiErrorKind::Other,
        }
    }

    /// Whether a request that got this kind of answer may be sent again unchanged: rate limits
    /// and in-flight idempotent requests always, server errors only when the operation is
    /// idempotent (a GET or PUT, or any request carrying an Idempotency-Key), never 501.
    pub const fn is_retryable(self, status: u16, idempotent: bool) -> bool {
        match self {
            ApiErrorKind::RateLimited | ApiErrorKind::IdempotencyInFlight => true,
            ApiErrorKind::ServerError => idempotent && status != 501,
            _ => false,
        }
    }

    /// The stable machine code, e.g. `"rate_limited"`.
    pub const fn code(self) -> &'static str {
        match self {
            ApiErrorKind::BadRequest => "bad_request",
            ApiErrorKind::Unauthorized => "unauthorized",
            ApiErrorKind::Forbidden => "forbidden",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::Conflict => "conflict",
            ApiErrorKind::Unprocessable => "unprocessable",
            ApiErrorKind::RateLimited => "rate_limited",
            ApiErrorKind::ServerError => "server_error",
            ApiErrorKind::Rejected => "rejected",
            ApiErrorKind::AlreadyExists => "already_exists",
            ApiErrorKind::InvalidStateTransition => "invalid_state_transition",
            ApiErrorKind::IdempotencyMismatch => "idempotency_mismatch",
            ApiErrorKind::IdempotencyInFlight => "idempotency_in_flight",
            ApiErrorKind::Other => "http_error",
        }
    }
}

/// When to retry, from a `Retry-After` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum RetryAfter {
    /// Wait this many seconds.
    Seconds(u64),
    /// Wait until this instant.
    At(
        #[serde(with = "crate::json::rfc3339")]
        #[cfg_attr(feature = "wasm", tsify(type = "string"))]
        DateTime<Utc>,
    ),
}

impl RetryAfter {
    /// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(RetryAfter::Seconds(secs));
        }
        http_date(value).map(RetryAfter::At)
    }

    /// Seconds to wait from `now` (never negative).
    pub fn seconds_from(&self, now: DateTime<Utc>) -> u64 {
        match self {
            RetryAfter::Seconds(s) => *s,
            RetryAfter::At(at) => u64::try_from((*at - now).num_seconds()).unwrap_or(0),
        }
    }
}

/// Parses an HTTP-date (RFC 9110 §5.6.7) in any of its three forms: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`,
/// two-digit years read as 1970-2069) and asctime (`Sun Nov  6 08:49:37 1994`). The weekday is
/// not checked against the date, as RFC 9110 allows.
fn http_date(value: &str) -> Option<DateTime<Utc>> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = |name: &str| {
        MONTHS
            .iter()
            .position(|m| *m == name)
            .and_then(|i| u32::try_from(i + 1).ok())
    };
    let number = |text: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u32>().ok())
            .flatten()
    };
    let time = |text: &str| {
        let mut parts = text.split(':');
        let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
        parts
            .next()
            .is_none()
            .then(|| Some((number(h, 2..=2)?, number(m, 2..=2)?, number(s, 2..=2)?)))
            .flatten()
    };
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    let (year, month, day, (h, m, s)) = match fields.as_slice() {
        [weekday, day, mon, year, clock, "GMT"] if weekday.ends_with(',') => (
            number(year, 4..=4)?,
            month(mon)?,
            number(day, 2..=2)?,
            time(clock)?,
        ),
        [weekday, date, clock, "GMT"] if weekday.ends_with(',') => {
            let mut parts = date.split('-');
            let (day, mon, year) = (parts.next()?, parts.next()?, parts.next()?);
            let yy = number(year, 2..=2)?;
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            (year, month(mon)?, number(day, 2..=2)?, time(clock)?)
        }
        [_weekday, mon, day, clock, year] => (
            number(year, 4..=4)?,
            month(mon)?,
            number(day, 1..=2)?,
            time(clock)?,
        ),
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.and_hms_opt(h, m, s)?.and_utc())
}

/// The provider answered with an error.
///
/// Every form of it is masked: `message` holds the provider's text with personal data and
/// credentials masked (a 4xx body may echo the customer it refused), and `Debug`, `Display` and
/// `Serialize` never show more. The text as the provider sent it is reachable only through
/// [`unmasked_provider_message`](Self::unmasked_provider_message), for a deliberate look.
#[derive(Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Which provider answered.
    pub provider: Provider,
    /// The HTTP status.
    pub status: u16,
    /// What the status means.
    pub kind: ApiErrorKind,
    /// The provider's own message, when the body had one, with emails, phone numbers, BVNs,
    /// tokens and other sensitive values masked.
    pub message: Option<String>,
    /// A request id from the response headers, to quote to the provider's support.
    pub request_id: Option<String>,
    /// The `Retry-After` header, when present and valid.
    pub retry_after: Option<RetryAfter>,
    /// Whether sending the same request again is safe and may succeed: true for 429, and for
    /// 5xx (except 501) on idempotent operations; never for a 5xx answer to a create, which may
    /// have taken effect.
    pub retryable: bool,
    /// The provider's message as sent: never serialised, never in `Debug` or `Display`.
    #[serde(skip)]
    unmasked_message: Option<String>,
}

/// Like `Display`: the provider's message masked, the unmasked one never shown.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("provider", &self.provider)
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("retryable", &self.retryable)
            .finish_non_exhaustive()
    }
}

impl ApiError {
    /// Builds an API error from a non-successful response. `idempotent` says whether the
    /// operation that produced it may be repeated without a second effect.
    pub fn from_response(provider: Provider, response: &HttpResponse, idempotent: bool) -> Self {
        let message = provider_message(&response.body);
        Self::with_message(provider, response, idempotent, message)
    }

    /// Like [`from_response`](Self::from_response) with a message already extracted.
    pub fn with_message(
        provider: Provider,
        response: &HttpResponse,
        idempotent: bool,
        message: Option<String>,
    ) -> Self {
        let status = response.status;
        let kind = ApiErrorKind::from_status(status);
        let retryable = kind.is_retryable(status, idempotent);
        let request_id = response.request_id().map(str::to_owned);
        ApiError {
            provider,
            status,
            kind,
            message: message.as_deref().map(crate::pii::scrub_text),
            unmasked_message: message,
            request_id,
            retry_after: response.header("retry-after").and_then(RetryAfter::parse),
            retryable,
        }
    }

    /// The same error classified as `kind` (for provider-specific meanings of a status, such as
    /// OffBlocks' 409s); `retryable` is recomputed.
    pub fn with_kind(mut self, kind: ApiErrorKind, idempotent: bool) -> Self {
        self.kind = kind;
        self.retryable = kind.is_retryable(self.status, idempotent);
        self
    }

    /// The provider's message exactly as it sent it, personal data included: for a deliberate
    /// look while debugging, never for logs or users. Every other form of the error masks it.
    pub fn unmasked_provider_message(&self) -> Option<&str> {
        self.unmasked_message.as_deref()
    }

    /// A hint for the developer, when the kind has a usual cause.
    pub fn hint(&self) -> Option<&'static str> {
        match (self.provider, self.kind) {
            (Provider::Bloc, ApiErrorKind::Unauthorized) => Some(
                "check the secret key: a wrong key, or a test key used against live (or a live key against test), is refused with 401",
            ),
            (Provider::OffBlocks, ApiErrorKind::Unauthorized) => {
                Some("check the bearer token (it may have expired) and the request signature")
            }
            (_, ApiErrorKind::RateLimited) => {
                Some("too many requests: wait as told by retry_after")
            }
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} API error {} ({})",
            self.provider,
            self.status,
            self.kind.code()
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(h) = self.hint() {
            write!(f, " [{h}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Extracts a human message from an error body: `message`, `error`, `detail`, `title`
/// (also inside `error: {...}` or the first of `errors: [...]`), or a short plain-text body.
///
/// Read in one pass by a visitor ([`Message`]) rather than through `serde_json::Value`: no
/// tree is built, and the wasm module carries no `Value` machinery.
fn provider_message(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Message>(body) {
        Ok(Message(m)) => m,
        Err(_) => std::str::from_utf8(body)
            .ok()
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200 && !t.starts_with('<'))
            .map(str::to_owned),
    }
}

/// The message found in a JSON value: a non-blank string; in an object, the first of these
/// members (in this order of preference, wherever they appear) that holds one, else `errors`;
/// in an array, its first element.
struct Message(Option<String>);

/// The members searched, in order of preference.
const MESSAGE_KEYS: [&str; 6] = [
    "message",
    "error",
    "detail",
    "title",
    "description",
    "errors",
];

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MessageVisitor).map(Message)
    }
}

struct MessageVisitor;

impl<'de> serde::de::Visitor<'de> for MessageVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok((!s.trim().is_empty()).then(|| s.to_owned()))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let first = seq.next_element::<Message>()?.and_then(|m| m.0);
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(first)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // A later duplicate member replaces an earlier one, as in a parsed object.
        let mut found: [Option<String>; MESSAGE_KEYS.len()] = Default::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match MESSAGE_KEYS.iter().position(|k| *k == key) {
                Some(i) => {
                    let value = map.next_value::<Message>()?.0;
                    if let Some(slot) = found.get_mut(i) {
                        *slot = value;
                    }
                }
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(found.into_iter().flatten().next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::http::Header;

    fn resp(status: u16, headers: Vec<Header>, body: &str) -> HttpResponse {
        HttpResponse::new(status, headers, body)
    }

    #[test]
    fn retryability_depends_on_status_and_idempotency() {
        let cases = [
            (429, false, true),
            (500, true, true),
            (503, false, false),
            (501, true, false),
            (400, true, false),
            (404, true, false),
        ];
        for (status, idempotent, want) in cases {
            let e = ApiError::from_response(Provider::Bloc, &resp(status, vec![], ""), idempotent);
            assert_eq!(e.retryable, want, "{status} idempotent={idempotent}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(RetryAfter::parse(" 30 "), Some(RetryAfter::Seconds(30)));
        let at = RetryAfter::parse("Tue, 20 Apr 2021 02:07:55 GMT").unwrap();
        let now = DateTime::parse_from_rfc3339("2021-04-20T02:07:50Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(at.seconds_from(now), 5);
        assert_eq!(at.seconds_from(now + chrono::Duration::seconds(60)), 0);
        assert_eq!(RetryAfter::parse("soon"), None);
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let want = DateTime::parse_from_rfc3339("1994-11-06T08:49:37Z")
            .unwrap()
            .with_timezone(&Utc);
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun Nov 06 08:49:37 1994",
        ] {
            assert_eq!(http_date(text), Some(want), "{text}");
        }
        assert_eq!(
            http_date("Tuesday, 20-Apr-21 02:07:55 GMT").map(|t| t.to_rfc3339()),
            Some("2021-04-20T02:07:55+00:00".into())
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
        }
    }

    /// The reference: the same search over a parsed `serde_json::Value` (what the visitor
    /// replaced).
    fn reference_message(v: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Object(map) => ["message", "error", "detail", "title", "description"]
                .iter()
                .find_map(|k| map.get(*k).and_then(reference_message))
                .or_else(|| map.get("errors").and_then(reference_message)),
            Value::Array(items) => items.first().and_then(reference_message),
            _ => None,
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            prop_oneof![
                Just(String::new()),
                Just("  ".to_owned()),
                "[a-z \\\"é]{0,8}"
            ]
            .prop_map(Value::String),
        ];
        let key = prop_oneof![
            Just("message"),
            Just("error"),
            Just("detail"),
            Just("title"),
            Just("description"),
            Just("errors"),
            Just("other"),
            Just("msg"),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6).prop_map(|members| {
                    Value::Object(
                        members
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn the_message_visitor_agrees_with_the_value_search(value in json_value()) {
            let body = value.to_string();
            proptest::prop_assert_eq!(provider_message(body.as_bytes()), reference_message(&value));
        }

        #[test]
        fn duplicate_members_resolve_like_a_parsed_object(a in "[a-z]{1,5}", b in "[a-z]{1,5}") {
            let body = format!(r#"{{"message":"{a}","message":"{b}"}}"#);
            let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
            proptest::prop_assert_eq!(provider_message(body.as_bytes()), reference_message(&parsed));
        }
    }

    #[test]
    fn messages_are_found_in_common_shapes() {
        assert_eq!(
            provider_message(br#"{"success":false,"message":"bad"}"#).as_deref(),
            Some("bad")
        );
        assert_eq!(
            provider_message(br#"{"error":{"message":"nested"}}"#).as_deref(),
            Some("nested")
        );
        assert_eq!(
            provider_message(br#"{"errors":[{"detail":"first"}]}"#).as_deref(),
            Some("first")
        );
        assert_eq!(
            provider_message(b"Bad Gateway").as_deref(),
            Some("Bad Gateway")
        );
        assert_eq!(provider_message(b"<html>oops</html>"), None);
        assert_eq!(provider_message(b""), None);
    }

    #[test]
    fn every_form_of_an_api_error_masks_personal_data() {
        let raw = "customer ada@example.com with phone 08012345678 and bvn 22403240419 exists";
        let r = resp(
            409,
            vec![Header::new("X-Request-Id", "req_1")],
            &format!(r#"{{"message":"{raw}"}}"#),
        );
        let e = ApiError::from_response(Provider::Bloc, &r, false);
        assert_eq!(e.unmasked_provider_message(), Some(raw));
        let forms = [
            e.message.clone().unwrap_or_default(),
            format!("{e:?}"),
            e.to_string(),
            serde_json::to_string(&e).unwrap(),
            format!("{:?}", Error::from(e.clone())),
            Error::from(e.clone()).to_string(),
        ];
        for form in &forms {
            for secret in ["ada@example.com", "08012345678", "22403240419"] {
                assert!(!form.contains(secret), "{secret} in {form}");
            }
        }
        assert!(
            forms[2].contains("409") && forms[2].contains("req_1"),
            "{}",
            forms[2]
        );
        assert!(forms[0].contains("customer") && forms[0].contains("exists"));
        // A serialised error comes back masked, with nothing unmasked to reveal.
        let back: ApiError = serde_json::from_str(&forms[3]).unwrap();
        assert_eq!(back.unmasked_provider_message(), None);
    }
}
