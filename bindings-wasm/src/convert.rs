//! Crossing the JS boundary. Structured values cross as JSON text (one `JSON.parse` /
//! `JSON.stringify` on the JS side, serde_json here): one serialiser for every type keeps the
//! module small, and bulk data such as a page of customers crosses in one copy. Bodies cross as
//! bytes. Every error becomes one JS `Error` named `ClienteleError`.

use chrono::{DateTime, NaiveDate, Utc};
use clientele_core::http::{Header, HttpResponse};
use clientele_core::{Error, IssueCode, ValidationError};
use js_sys::{Object, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// What every fallible export returns: the value, or a thrown `ClienteleError`.
pub type JsResult<T> = Result<T, JsValue>;

/// A value as JSON text for the JS side.
pub fn output<T: Serialize + ?Sized>(value: &T) -> JsResult<String> {
    serde_json::to_string(value).map_err(|e| internal(&format!("could not encode a result: {e}")))
}

/// JSON text from the JS side read as `T`; the wrong shape is an `invalid_argument` error naming
/// the argument and what was expected, never echoing the value.
pub fn input<T: DeserializeOwned>(json: &str, name: &str) -> JsResult<T> {
    serde_json::from_slice(json.as_bytes()).map_err(|e| {
        let what = clientele_core::json::describe_data_error(&e.to_string());
        invalid_argument(
            name,
            &format!("`{name}` does not have the expected shape: {what}"),
        )
    })
}

/// A response from its parts: status, headers as JSON (`[{name, value}]`), raw body.
pub fn response(status: u16, headers: &str, body: &[u8]) -> JsResult<HttpResponse> {
    let headers: Vec<Header> = input(headers, "headers")?;
    Ok(HttpResponse::new(status, headers, body))
}

/// Runs a core parser on a response handed over from JS, and writes what it returns as JSON text:
/// the body of every `parse*` export.
pub fn parsed<T: Serialize, E: Into<Error>>(
    status: u16,
    headers: &str,
    body: &[u8],
    parse: impl FnOnce(&HttpResponse) -> Result<T, E>,
) -> JsResult<String> {
    output(&parse(&response(status, headers, body)?).or_throw()?)
}

/// An RFC 3339 instant (`2025-11-21T04:40:00Z`) passed by the host.
pub fn instant(value: &str, name: &str) -> JsResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| invalid_argument(name, &format!("`{name}` must be an RFC 3339 timestamp")))
}

/// A calendar date (`2026-11-21`) passed by the host.
pub fn date(value: &str, name: &str) -> JsResult<NaiveDate> {
    clientele_core::validate::calendar_date(value).ok_or_else(|| {
        invalid_argument(name, &format!("`{name}` must be a date written YYYY-MM-DD"))
    })
}

/// A core error as a thrown `ClienteleError`: `name`, `message`, `code`, `status`, `issues`,
/// `retryable`, and for API/decoding errors `provider`, `providerMessage`, `requestId`,
/// `retryAfter`, `path`.
pub fn error(err: Error) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    e.set_name("ClienteleError");
    let obj: &Object = e.as_ref();
    set(obj, "code", &JsValue::from_str(err.code()));
    set(obj, "kind", &JsValue::from_str(err.kind().as_str()));
    set(obj, "retryable", &JsValue::from_bool(err.is_retryable()));
    set(
        obj,
        "status",
        &err.status().map_or(JsValue::NULL, JsValue::from),
    );
    set(obj, "issues", &json(err.issues()));
    match &err {
        Error::Api(api) => {
            set(obj, "provider", &json(&api.provider));
            set(obj, "providerMessage", &json(&api.message));
            // Read into a private field of the package's ClienteleError; this object is dropped.
            set(
                obj,
                "unmaskedProviderMessage",
                &json(&api.unmasked_provider_message()),
            );
            set(obj, "requestId", &json(&api.request_id));
            set(obj, "retryAfter", &json(&api.retry_after));
        }
        Error::Decode(d) => {
            set(obj, "provider", &json(&d.provider));
            set(obj, "path", &JsValue::from_str(&d.path));
        }
        _ => {}
    }
    e.into()
}

/// A small value as a JS value, through JSON (`null` if it cannot be encoded).
fn json<T: Serialize + ?Sized>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail; ignore the impossible error.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// An argument that is not of the expected type or shape: code `invalid_argument`, with one
/// issue for the argument.
pub fn invalid_argument(name: &str, message: &str) -> JsValue {
    let mut issue = ValidationError::single(name, IssueCode::InvalidFormat);
    for i in &mut issue.issues {
        i.message = message.to_owned();
    }
    let e = error(Error::Validation(issue));
    let obj: &Object = e.unchecked_ref();
    set(obj, "code", &JsValue::from_str("invalid_argument"));
    set(obj, "message", &JsValue::from_str(message));
    e
}

/// A failure of the binding itself (should not happen).
fn internal(message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("ClienteleError");
    set(e.as_ref(), "code", &JsValue::from_str("internal"));
    e.into()
}

/// Maps a core result's error to a thrown `ClienteleError`.
pub trait OrThrow<T> {
    /// The value, or the error converted for JS.
    fn or_throw(self) -> JsResult<T>;
}

impl<T, E: Into<Error>> OrThrow<T> for Result<T, E> {
    fn or_throw(self) -> JsResult<T> {
        self.map_err(|e| error(e.into()))
    }
}
