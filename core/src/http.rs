//! The sans-IO boundary: descriptions of HTTP requests and responses.
//!
//! Clientele never performs I/O. Every operation is split into a *build* step that returns an
//! [`HttpRequest`] for the host to send with its own transport (fetch, `java.net.http`, OkHttp,
//! URLSession, ...) and a *parse* step that turns the [`HttpResponse`] the host received back into
//! a typed value or a typed [`Error`](crate::Error).
//!
//! Bodies are raw bytes: the host must send [`HttpRequest::body`] exactly as built (signatures and
//! digests cover those bytes) and hand the response body over unmodified.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::pii;

/// An HTTP method used by the providers' customer APIs.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as it appears on the wire (`"GET"`, `"POST"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request has the same effect as sending it once (RFC 9110 §9.2.2).
    /// Hosts use this, together with [`Error::is_retryable`](crate::Error::is_retryable), to decide
    /// whether a retry is safe.
    pub const fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One header field. Names keep the case they were built with; lookups are case-insensitive.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Header {
    /// Field name, e.g. `Content-Type`.
    pub name: String,
    /// Field value.
    pub value: String,
}

impl Header {
    /// A header from a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.name,
            pii::header_value(&self.name, &self.value)
        )
    }
}

/// Returns the value of the first header called `name` (ASCII case-insensitive).
pub fn find_header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Checks and normalises a provider base URL: absolute `https://` (plain `http://` only for
/// `localhost`, `127.x.x.x` and `[::1]`, for local sandboxes), no query or fragment, no
/// whitespace; a trailing `/` is removed so paths can be appended.
pub fn normalize_base_url(url: &str) -> Result<String, crate::ConfigError> {
    let fail = |reason: &str| crate::ConfigError::BaseUrl {
        reason: reason.to_owned(),
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| fail("not an absolute URL"))?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    if host.is_empty() {
        return Err(fail("no host"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail("holds whitespace or control characters"));
    }
    if url.contains(['?', '#']) {
        return Err(fail("must not carry a query or fragment"));
    }
    if host_port.contains('@') {
        return Err(fail("must not carry credentials"));
    }
    let local = host == "localhost" || host == "::1" || host.starts_with("127.");
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if local => {}
        "http" => return Err(fail("plain http is only allowed for localhost; use https")),
        _ => return Err(fail("the scheme must be https")),
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// A request for the host to send. Built by the core; never modified by the host.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HttpRequest {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL, query string included.
    pub url: String,
    /// Header fields in the order they should be sent.
    pub headers: Vec<Header>,
    /// The exact body bytes (empty for requests without a body). Every body Clientele builds is
    /// UTF-8 JSON, so it is serialised as a string (send that string: its UTF-8 bytes are the
    /// body that was digested and signed).
    #[serde(with = "body_text")]
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as UTF-8 text, if it is valid UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

/// `Debug` masks credentials in headers and personal data in the body, so requests can be logged.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &pii::RedactedBody(&self.body))
            .finish()
    }
}

/// A printable form with credentials and personal data masked:
/// `POST https://...`, one header per line, a blank line, then the redacted body.
impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for h in &self.headers {
            writeln!(f, "{h:?}")?;
        }
        if !self.body.is_empty() {
            write!(f, "\n{}", pii::RedactedBody(&self.body))?;
        }
        Ok(())
    }
}

/// Serialises a request body as text (request bodies built by Clientele are UTF-8 JSON).
mod body_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::Error as _};

    pub(super) fn serialize<S: Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let text =
            std::str::from_utf8(body).map_err(|_| S::Error::custom("request body is not UTF-8"))?;
        s.serialize_str(text)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        String::deserialize(d)
            .map(String::into_bytes)
            .map_err(|_| D::Error::custom("expected the request body as a string"))
    }
}

/// A response as the host received it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header fields as received.
    pub headers: Vec<Header>,
    /// The exact body bytes.
    #[serde(with = "serde_bytes")]
    #[cfg_attr(feature = "wasm", tsify(type = "Uint8Array"))]
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response from a status, headers and body.
    pub fn new(status: u16, headers: Vec<Header>, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers,
            body: body.into(),
        }
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// `Debug` masks personal data in the body.
impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &pii::RedactedBody(&self.body))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive() {
        let r = HttpResponse::new(200, vec![Header::new("Retry-After", "3")], "");
        assert_eq!(r.header("retry-after"), Some("3"));
        assert_eq!(r.header("x-missing"), None);
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base_url("https://api.blochq.io/v1/").unwrap(),
            "https://api.blochq.io/v1"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:4010/v1").unwrap(),
            "http://127.0.0.1:4010/v1"
        );
        assert_eq!(
            normalize_base_url("http://localhost:8080").unwrap(),
            "http://localhost:8080"
        );
        assert_eq!(
            normalize_base_url("http://[::1]:8080").unwrap(),
            "http://[::1]:8080"
        );
        for bad in [
            "api.blochq.io/v1",
            "http://api.blochq.io/v1",
            "ftp://x",
            "https://",
            "https:///v1",
            "https://api.blochq.io/v1?x=1",
            "https://user:pw@api.blochq.io",
            "https://api .io",
        ] {
            assert!(
                matches!(
                    normalize_base_url(bad),
                    Err(crate::ConfigError::BaseUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn idempotent_methods() {
        assert!(Method::Get.is_idempotent());
        assert!(Method::Put.is_idempotent());
        assert!(!Method::Post.is_idempotent());
        assert!(!Method::Patch.is_idempotent());
    }

    #[test]
    fn debug_and_display_mask_authorization_and_pii() {
        let req = HttpRequest {
            method: Method::Post,
            url: "https://api.blochq.io/v1/customers".into(),
            headers: vec![Header::new("Authorization", "Bearer sk_test_abcdefghijkl")],
            body: br#"{"email":"ada@example.com","bvn":"22403240419","first_name":"Ada"}"#.to_vec(),
        };
        for text in [format!("{req:?}"), req.to_string()] {
            assert!(!text.contains("sk_test_abcdefghijkl"), "{text}");
            assert!(!text.contains("22403240419"), "{text}");
            assert!(!text.contains("ada@example.com"), "{text}");
            assert!(text.contains("Ada"), "{text}");
        }
    }
}
