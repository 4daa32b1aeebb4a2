//! What a call tells its host: who is calling (the `User-Agent` and the retry counter header)
//! and what happened (events for logs and hooks, masked like `Debug`).

use serde::{Deserialize, Serialize};

use crate::TransportFailure;
use crate::http::{Header, HttpRequest, Method};

/// What a request is for.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Purpose {
    /// The operation itself.
    Operation,
    /// `POST /auth/token`, before the operation.
    Token,
}

/// An application built on Clientele, named in the `User-Agent` (as Stripe's `appInfo`): so a
/// provider's support can tell whose requests these are.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct AppInfo {
    /// The application's name, e.g. `Acme Dashboard`.
    pub name: String,
    /// Its version, e.g. `1.4.2`.
    #[serde(default)]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub version: Option<String>,
    /// A URL about it.
    #[serde(default)]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub url: Option<String>,
}

/// Who is calling: the `User-Agent` to send and whether retries carry `X-Clientele-Retry`.
/// Browsers refuse to set a `User-Agent` and would send a CORS preflight for the custom header,
/// so browser hosts send neither.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Identity {
    /// The `User-Agent` of every request (from [`user_agent`]); none when unset.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user_agent: Option<String>,
    /// Whether a retry carries `X-Clientele-Retry: <n>` (1 for the first retry).
    pub retry_header: bool,
}

/// The retry counter header.
pub const RETRY_HEADER: &str = "X-Clientele-Retry";

/// The `User-Agent` of a Clientele client: `clientele/<version> (<host> <runtime>; <os>)`, then the
/// application when given (`Acme/1.4.2 (+https://acme.example)`). Each part is cleaned to
/// printable ASCII without `(`, `)` or `;` so it cannot break the header.
///
/// ```
/// use clientele_core::client::{AppInfo, user_agent};
///
/// let app = AppInfo { name: "Acme Dashboard".into(), version: Some("1.4.2".into()), url: None };
/// assert_eq!(
///     user_agent("npm", "node/20.20.2", "linux", Some(&app)),
///     format!("clientele/{} (npm node/20.20.2; linux) Acme-Dashboard/1.4.2", clientele_core::VERSION),
/// );
/// ```
pub fn user_agent(host: &str, runtime: &str, os: &str, app: Option<&AppInfo>) -> String {
    let clean = |s: &str, space: char| -> String {
        s.chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .collect::<String>()
            .trim()
            .chars()
            .map(|c| match c {
                '(' | ')' | ';' => '-',
                ' ' => space,
                c => c,
            })
            .collect()
    };
    let mut ua = format!(
        "clientele/{} ({} {}; {})",
        crate::VERSION,
        clean(host, '-'),
        clean(runtime, '-'),
        clean(os, ' ')
    );
    if let Some(app) = app.filter(|a| !clean(&a.name, '-').is_empty()) {
        ua.push(' ');
        ua.push_str(&clean(&app.name, '-'));
        if let Some(v) = app
            .version
            .as_deref()
            .map(|v| clean(v, '-'))
            .filter(|v| !v.is_empty())
        {
            ua.push('/');
            ua.push_str(&v);
        }
        if let Some(url) = app
            .url
            .as_deref()
            .map(|u| clean(u, '-'))
            .filter(|u| !u.is_empty())
        {
            ua.push_str(&format!(" (+{url})"));
        }
    }
    ua
}

/// Something that happened during a call, for logs and hooks. Header values are masked as in
/// `Debug` (credentials hidden, personal data masked); no body is ever included.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Event {
    /// A request went out.
    #[serde(rename_all = "camelCase")]
    RequestSent {
        /// The method.
        method: Method,
        /// The URL.
        url: String,
        /// 1 for the first attempt of this request.
        attempt: u32,
        /// What it is for.
        purpose: Purpose,
        /// Its headers, masked.
        headers: Vec<Header>,
    },
    /// An answer came back.
    #[serde(rename_all = "camelCase")]
    ResponseReceived {
        /// The status.
        status: u16,
        /// The provider's request id, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "wasm", tsify(optional))]
        request_id: Option<String>,
        /// Milliseconds since the request went out (by the host's clock).
        elapsed_ms: u64,
        /// The attempt it answers.
        attempt: u32,
    },
    /// No answer came back.
    #[serde(rename_all = "camelCase")]
    RequestFailed {
        /// What happened.
        failure: TransportFailure,
        /// Milliseconds since the request went out.
        elapsed_ms: u64,
        /// The attempt that failed.
        attempt: u32,
    },
    /// The engine will wait, then send again.
    #[serde(rename_all = "camelCase")]
    RetryScheduled {
        /// How long.
        wait_ms: u64,
        /// The error code that caused it (`rate_limited`, `server_error`, `timeout`, ...).
        reason: String,
        /// The attempt that will follow.
        next_attempt: u32,
    },
}

impl Event {
    /// The event for `request` going out, headers masked.
    pub(crate) fn sent(request: &HttpRequest, attempt: u32, purpose: Purpose) -> Self {
        Event::RequestSent {
            method: request.method,
            url: request.url.clone(),
            attempt,
            purpose,
            headers: request
                .headers
                .iter()
                .map(|h| Header::new(h.name.clone(), crate::pii::header_value(&h.name, &h.value)))
                .collect(),
        }
    }
}

/// Adds the identity's headers to a request about to be sent (attempt 1 is the first).
pub(crate) fn identify(identity: &Identity, request: &mut HttpRequest, attempt: u32) {
    if let Some(ua) = &identity.user_agent {
        request.headers.push(Header::new("User-Agent", ua.clone()));
    }
    if identity.retry_header && attempt > 1 {
        request
            .headers
            .push(Header::new(RETRY_HEADER, (attempt - 1).to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_clean_header_values() {
        assert_eq!(
            user_agent("kotlin", "jvm/17", "Linux 6.1", None),
            format!("clientele/{} (kotlin jvm/17; Linux 6.1)", crate::VERSION)
        );
        let evil = AppInfo {
            name: "A(pp);\r\nX-Evil: 1".into(),
            version: Some("1.0\n".into()),
            url: Some("https://a.example/(x)".into()),
        };
        let ua = user_agent("npm", "node", "linux", Some(&evil));
        assert!(
            ua.bytes().all(|b| b.is_ascii_graphic() || b == b' '),
            "{ua}"
        );
        assert!(
            ua.ends_with("A-pp--X-Evil:-1/1.0 (+https://a.example/-x-)"),
            "{ua}"
        );
        let blank = AppInfo {
            name: " ".into(),
            version: None,
            url: None,
        };
        assert!(user_agent("npm", "node", "linux", Some(&blank)).ends_with("; linux)"));
    }
}
