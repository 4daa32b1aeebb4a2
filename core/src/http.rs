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

use crate::config::ConfigError;
use crate::pii;

mod error_response;
mod transport;

pub use error_response::{ApiError, ApiErrorKind, RetryAfter};
pub use transport::{TransportError, TransportFailure};

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

/// Where an absolute URL goes: its scheme, host and port, read without a full URL parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin<'a> {
    /// The scheme, as written (compare ignoring ASCII case).
    pub scheme: &'a str,
    /// The host: a name, a dotted IPv4 address, or an IPv6 address without its brackets.
    pub host: &'a str,
    /// Whether the authority carries `user:password@`.
    pub userinfo: bool,
}

impl Origin<'_> {
    /// Whether the host is this machine: `localhost`, or a loopback IP address
    /// (`127.0.0.0/8`, `::1`). A name that merely starts with `127.` (`127.evil.example`,
    /// `127.0.0.1.nip.io`) is not.
    pub fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || ipv4(self.host).is_some_and(|[first, ..]| first == 127)
            || ipv6(self.host) == Some([0, 0, 0, 0, 0, 0, 0, 1])
    }
}

/// A dotted-quad IPv4 address (`127.0.0.1`: four decimal octets, no leading zeros), as
/// `std::net::Ipv4Addr` reads it, without std's general address parser (smaller in wasm).
fn ipv4(text: &str) -> Option<[u8; 4]> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if (part.len() > 1 && part.starts_with('0')) || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then_some(octets)
}

/// An IPv6 address in its textual forms (RFC 4291 §2.2: eight groups, `::` for a run of zero
/// groups, an IPv4 tail), as `std::net::Ipv6Addr` reads it.
fn ipv6(text: &str) -> Option<[u16; 8]> {
    /// Reads `text`'s groups into `out` from the front; how many were read.
    fn groups(text: &str, out: &mut [u16]) -> Option<usize> {
        if text.is_empty() {
            return Some(0);
        }
        let mut n = 0;
        let mut parts = text.split(':').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() && part.contains('.') {
                let [a, b, c, d] = ipv4(part)?;
                *out.get_mut(n)? = u16::from_be_bytes([a, b]);
                *out.get_mut(n + 1)? = u16::from_be_bytes([c, d]);
                return Some(n + 2);
            }
            let hex = (1..=4).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit());
            *out.get_mut(n)? = if hex {
                u16::from_str_radix(part, 16).ok()?
            } else {
                return None;
            };
            n += 1;
        }
        Some(n)
    }
    let mut address = [0u16; 8];
    match text.split_once("::") {
        Some((before, after)) => {
            let head = groups(before, &mut address)?;
            let mut tail = [0u16; 8];
            let n = groups(after, &mut tail)?;
            if head + n > 7 {
                return None;
            }
            address.get_mut(8 - n..)?.copy_from_slice(tail.get(..n)?);
        }
        None => (groups(text, &mut address)? == 8).then_some(())?,
    }
    Some(address)
}

/// Reads the origin of an absolute URL (`scheme://[userinfo@]host[:port][/...]`); `None` when it
/// is not one: no scheme, no host, a host that is not a name or an IP address, a bad port, or
/// whitespace and control characters anywhere.
pub(crate) fn origin(url: &str) -> Option<Origin<'_>> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((_, host_port)) => (true, host_port),
        None => (false, authority),
    };
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            ipv6(host)?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (host, port)
        }
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let name_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.parse::<u16>().is_ok()
            && p.bytes().all(|b| b.is_ascii_digit())
    });
    let is_v6 = host_port.starts_with('[');
    ((is_v6 || name_ok) && port_ok).then_some(Origin {
        scheme,
        host,
        userinfo,
    })
}

/// Checks a link a provider sends for a person to open (a KYC verification page): an absolute
/// `https://` URL with a host and no credentials, at most 2,048 characters; plain `http://`
/// only for a loopback host (a local sandbox).
pub fn is_safe_link(url: &str) -> bool {
    let Some(origin) = origin(url) else {
        return false;
    };
    let secure = origin.scheme.eq_ignore_ascii_case("https")
        || (origin.scheme.eq_ignore_ascii_case("http") && origin.is_loopback());
    secure && !origin.userinfo && url.len() <= crate::validate::MAX_URL_CHARS
}

/// Checks and normalises a provider base URL: absolute `https://` (plain `http://` only for
/// `localhost`, `127.0.0.0/8` and `[::1]`, for local sandboxes), no query or fragment, no
/// credentials, no whitespace; a trailing `/` is removed so paths can be appended.
pub fn normalize_base_url(url: &str) -> Result<String, ConfigError> {
    let fail = |reason: &str| ConfigError::BaseUrl {
        reason: reason.to_owned(),
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail("holds whitespace or control characters"));
    }
    if !url.contains("://") {
        return Err(fail("not an absolute URL"));
    }
    let origin = origin(url).ok_or_else(|| fail("no valid host"))?;
    if url.contains(['?', '#']) {
        return Err(fail("must not carry a query or fragment"));
    }
    if origin.userinfo {
        return Err(fail("must not carry credentials"));
    }
    match origin.scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if origin.is_loopback() => {}
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
    /// Whether sending this request a second time has the effect of sending it once: its
    /// method is idempotent (GET, PUT, DELETE) or it carries an `Idempotency-Key` (every
    /// modifying OffBlocks request does). Only such requests are retried after a transport
    /// failure or a server error.
    pub fn is_retry_safe(&self) -> bool {
        self.method.is_idempotent() || self.header("Idempotency-Key").is_some()
    }

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

    /// The provider's id for this request, to quote to its support: the first of
    /// `X-Request-Id`, `Request-Id`, `X-Correlation-Id` and `X-Amzn-RequestId`.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS.iter().find_map(|h| self.header(h))
    }
}

/// Where providers put a request id, in order of preference.
const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
];

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
            // Names that only look like loopback addresses are not loopback.
            "http://127.evil.example/v1",
            "http://127.0.0.1.nip.io/v1",
            "http://localhost.evil.example",
            "http://127.0.0.1@evil.example",
            "http://[::2]:8080",
            "http://127.1/v1",
            "https://api.blochq.io:99999",
            "https://[::1",
        ] {
            assert!(
                matches!(normalize_base_url(bad), Err(ConfigError::BaseUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn loopback_is_read_from_the_parsed_host() {
        for (url, loopback) in [
            ("http://localhost:4010", true),
            ("http://LOCALHOST", true),
            ("http://127.0.0.1:4010/v1", true),
            ("http://127.255.0.9", true),
            ("http://[::1]:8080/x", true),
            ("http://127.evil.example", false),
            ("http://127.0.0.1.nip.io", false),
            ("http://localhost.evil.example", false),
            ("http://128.0.0.1", false),
            ("http://[::2]", false),
        ] {
            assert_eq!(
                origin(url).map(|o| o.is_loopback()),
                Some(loopback),
                "{url}"
            );
        }
    }

    #[test]
    fn ip_addresses_read_like_std() {
        for text in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "256.0.0.1",
            "127.0.0.01",
            "127.1",
            "1.2.3.4.5",
            "",
            "a.b.c.d",
            "1..2.3",
            "::1",
            "::",
            "1::",
            "::ffff:127.0.0.1",
            "0:0:0:0:0:0:0:1",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "12345::",
            "1:2:3:4:5:6:7::",
            "::1.2.3.4",
            "fe80::1%eth0",
            ":1",
            "1:",
            "g::1",
            "::0:1",
            "1:2:3:4:5:6:1.2.3.4",
        ] {
            assert_eq!(
                ipv4(text),
                text.parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(|ip| ip.octets()),
                "{text}"
            );
            assert_eq!(
                ipv6(text),
                text.parse::<std::net::Ipv6Addr>()
                    .ok()
                    .map(|ip| ip.segments()),
                "{text}"
            );
        }
    }

    #[test]
    fn safe_links() {
        for ok in [
            "https://kyc.example.com/session/123?token=abc",
            "HTTPS://kyc.example.com",
            "http://127.0.0.1:4010/kyc/x",
            "http://localhost/kyc",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "",
            "kyc.example.com/x",
            "/relative/path",
            "javascript:alert(1)",
            "http://kyc.example.com",
            "http://127.evil.example/kyc",
            "https://offblocks.xyz@evil.example/",
            "https://kyc.example.com/a b",
            "ftp://kyc.example.com",
            "data:text/html,hi",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
        assert!(!is_safe_link(&format!(
            "https://k.example/{}",
            "a".repeat(2048)
        )));
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
