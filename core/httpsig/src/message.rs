//! What the crate reads of an HTTP message, and two plain message types.
//!
//! Signing and verifying read a few things of a message: the method and target URI of a request,
//! the status of a response, its header fields and its body. [`HttpRequestView`] and
//! [`HttpResponseView`] are those reads, so any request or response type can be signed where it
//! is (implement the two traits for it, or convert it into [`Message`]); [`Request`] and
//! [`Response`] are ready-made owned messages for when there is no such type.

use std::fmt;

/// A request, as RFC 9421 reads it.
pub trait HttpRequestView {
    /// The method as sent, e.g. `POST` (`@method` keeps its case).
    fn method(&self) -> &str;

    /// The absolute target URI, e.g. `https://example.com/foo?param=value` (`@target-uri`,
    /// `@authority`, `@path`, `@query` and the others are derived from it).
    fn target_uri(&self) -> &str;

    /// Every header field line as `(name, value)`, in message order; several lines may share a
    /// name. Names are matched ignoring ASCII case and values are trimmed here.
    fn header_fields(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_>;

    /// The exact body bytes (empty when there is none).
    fn body(&self) -> &[u8];
}

/// A response, as RFC 9421 reads it.
pub trait HttpResponseView {
    /// The status code (`@status`).
    fn status(&self) -> u16;

    /// Every header field line as `(name, value)`, in message order, as for
    /// [`HttpRequestView::header_fields`].
    fn header_fields(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_>;

    /// The exact body bytes.
    fn body(&self) -> &[u8];
}

/// The message whose components are signed or verified.
///
/// `&Request`, `&Response` (and the HTTP types of a crate that implements the view traits for
/// them) convert into it; use [`Message::response_to`] when a response signature covers
/// components of the request (the `req` parameter).
///
/// `Debug` shows the method and target URI of a request and the status of a response, never a
/// header or the body (they may hold credentials).
#[derive(Clone, Copy)]
pub enum Message<'a> {
    /// A request.
    Request(&'a dyn HttpRequestView),
    /// A response, optionally with the request that caused it.
    Response {
        /// The response.
        response: &'a dyn HttpResponseView,
        /// The request, needed only for components with the `req` parameter.
        request: Option<&'a dyn HttpRequestView>,
    },
}

impl<'a> Message<'a> {
    /// A response together with its request.
    pub fn response_to(
        response: &'a dyn HttpResponseView,
        request: &'a dyn HttpRequestView,
    ) -> Self {
        Self::Response {
            response,
            request: Some(request),
        }
    }

    /// The trimmed values of every field line called `name` (ASCII case-insensitive), in order.
    pub fn field_lines<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        let fields = match *self {
            Self::Request(request) => request.header_fields(),
            Self::Response { response, .. } => response.header_fields(),
        };
        fields
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim_matches([' ', '\t']))
    }

    /// The message's body.
    pub fn body(&self) -> &'a [u8] {
        match *self {
            Self::Request(request) => request.body(),
            Self::Response { response, .. } => response.body(),
        }
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let request = |r: &dyn HttpRequestView| format!("{} {}", r.method(), r.target_uri());
        match *self {
            Self::Request(r) => f.debug_tuple("Request").field(&request(r)).finish(),
            Self::Response {
                response,
                request: r,
            } => f
                .debug_struct("Response")
                .field("status", &response.status())
                .field("request", &r.map(request))
                .finish(),
        }
    }
}

/// An owned request: what a standalone user signs or verifies when their HTTP library's request
/// type does not implement [`HttpRequestView`].
///
/// `Debug` shows the method, the target URI, the header names and the body length, never a
/// header value or the body (they may hold credentials).
///
/// ```
/// use clientele_httpsig::Request;
/// let request = Request::new("POST", "https://example.com/foo?param=Value&Pet=dog")
///     .with_header("Content-Type", "application/json")
///     .with_body(r#"{"hello": "world"}"#);
/// assert_eq!(request.header("content-type"), Some("application/json"));
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The absolute target URI.
    pub target_uri: String,
    /// Header field lines as `(name, value)`, in order.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// A request without header fields or body.
    pub fn new(method: impl Into<String>, target_uri: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            target_uri: target_uri.into(),
            ..Self::default()
        }
    }
}

impl HttpRequestView for Request {
    fn method(&self) -> &str {
        &self.method
    }

    fn target_uri(&self) -> &str {
        &self.target_uri
    }

    fn header_fields(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        fields(&self.headers)
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target_uri", &self.target_uri)
            .field("headers", &HeaderNames(&self.headers))
            .field("body", &BodyLength(self.body.len()))
            .finish()
    }
}

/// An owned response, as [`Request`] is an owned request; `Debug` likewise hides header values
/// and the body.
///
/// ```
/// use clientele_httpsig::Response;
/// let response = Response::new(200).with_header("Content-Type", "application/json");
/// assert_eq!(response.header("CONTENT-TYPE"), Some("application/json"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header field lines as `(name, value)`, in order.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// A response without header fields or body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

impl HttpResponseView for Response {
    fn status(&self) -> u16 {
        self.status
    }

    fn header_fields(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        fields(&self.headers)
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("body", &BodyLength(self.body.len()))
            .finish()
    }
}

impl<'a> From<&'a Request> for Message<'a> {
    fn from(request: &'a Request) -> Self {
        Self::Request(request)
    }
}

impl<'a> From<&'a Response> for Message<'a> {
    fn from(response: &'a Response) -> Self {
        Self::Response {
            response,
            request: None,
        }
    }
}

fn fields(headers: &[(String, String)]) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
    Box::new(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

/// What [`Request`] and [`Response`] share: building their header fields and body, and reading
/// a header.
macro_rules! header_and_body_methods {
    ($($message:ident),+) => {$(
        impl $message {
            /// Appends a header field line.
            pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.headers.push((name.into(), value.into()));
                self
            }

            /// Sets the body.
            pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
                self.body = body.into();
                self
            }

            /// The value of the first field line called `name` (ASCII case-insensitive),
            /// untrimmed.
            pub fn header(&self, name: &str) -> Option<&str> {
                self.headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            }
        }
    )+};
}

header_and_body_methods!(Request, Response);

/// Header names with their values hidden: `["Content-Type: …", "Signature: …"]`.
struct HeaderNames<'a>(&'a [(String, String)]);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, _) in self.0 {
            list.entry(&format_args!("{name}: …"));
        }
        list.finish()
    }
}

/// A body shown by its length only.
struct BodyLength(usize);

impl fmt::Debug for BodyLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_messages_print_header_names_but_no_values_or_body() {
        let request = Request::new("POST", "https://example.com/x")
            .with_header("Authorization", "Bearer s3cr3t")
            .with_body("{\"pin\":\"1234\"}");
        let shown = format!("{request:?}");
        assert!(
            shown.contains("Authorization: …") && shown.contains("<14 bytes>"),
            "{shown}"
        );
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("1234"),
            "{shown}"
        );
        let response = Response::new(200).with_header("Set-Cookie", "s3cr3t");
        let shown = format!("{response:?}");
        assert!(
            shown.contains("Set-Cookie: …") && !shown.contains("s3cr3t"),
            "{shown}"
        );
        // A message shows neither headers nor body.
        let shown = format!("{:?}", Message::response_to(&response, &request));
        assert_eq!(
            shown,
            r#"Response { status: 200, request: Some("POST https://example.com/x") }"#
        );
    }

    #[test]
    fn field_lines_match_names_ignoring_case_and_trim_values() {
        let request = Request::new("GET", "https://example.com/")
            .with_header("X-A", " one\t")
            .with_header("x-b", "other")
            .with_header("x-a", "two");
        let lines: Vec<&str> = Message::from(&request).field_lines("X-a").collect();
        assert_eq!(lines, ["one", "two"]);
        assert_eq!(request.header("X-B"), Some("other"));
    }
}
