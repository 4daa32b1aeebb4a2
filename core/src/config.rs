//! What the integrator configured and can get wrong: credentials (keys, tokens, secrets) and
//! settings (base URLs, paging parameter names, paths). Both errors say what to fix and never
//! repeat a credential.

use serde::{Deserialize, Serialize};

/// The secret key is unusable. The key itself never appears in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CredentialsError {
    /// No key was given.
    #[error("the secret key is empty")]
    Empty,
    /// A public key (`pk_...`) was given where the secret key is needed.
    #[error(
        "this is a public key (pk_...); server-side calls need the secret key (sk_test_... or sk_live_...)"
    )]
    PublicKey,
    /// The key does not start with `sk_test_` or `sk_live_`.
    #[error("the secret key must start with sk_test_ or sk_live_")]
    UnknownPrefix,
    /// The key holds whitespace or characters that cannot go in an HTTP header, or nothing after its prefix.
    #[error(
        "the secret key is malformed (empty after its prefix, or holds whitespace or non-printable characters)"
    )]
    Malformed,
    /// A credential other than a Bloc key (token, API key, secret) is malformed.
    #[error("the {0} is missing or malformed")]
    Invalid(&'static str),
    /// A server secret given to a client in a browser, where every visitor can read it.
    #[error(
        "{0} in a browser would hand it to every visitor: call your own backend instead, or set dangerouslyAllowBrowser if this page never reaches untrusted users"
    )]
    UnsafeInBrowser(&'static str),
    /// A live server secret given to a client inside a mobile app, where anyone who installs it
    /// can extract it.
    #[error(
        "{0} inside an app can be extracted by anyone who installs it: give the client a token provider that asks your own backend, or set dangerouslyAllowInApp for a build that never reaches untrusted users"
    )]
    UnsafeInApp(&'static str),
}

impl CredentialsError {
    /// The stable machine code: `unsafe_browser_credentials`, `unsafe_app_credentials`, or
    /// `invalid_credentials` for every other case.
    pub fn code(&self) -> &'static str {
        match self {
            CredentialsError::UnsafeInBrowser(_) => "unsafe_browser_credentials",
            CredentialsError::UnsafeInApp(_) => "unsafe_app_credentials",
            _ => "invalid_credentials",
        }
    }
}

/// A configuration value is unusable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `https://` URL (plain `http://` is allowed only for
    /// localhost, for a local sandbox), or carries a query or fragment.
    #[error("invalid base URL: {reason}")]
    BaseUrl {
        /// Why it was refused.
        reason: String,
    },
    /// A query parameter name is empty or holds characters that need escaping.
    #[error("invalid query parameter name for {what}")]
    QueryParameter {
        /// Which parameter.
        what: String,
    },
    /// A path template is unusable.
    #[error("invalid path: {reason}")]
    Path {
        /// Why it was refused.
        reason: String,
    },
    /// The provider returned the same page twice: it ignores the configured paging parameter.
    #[error(
        "the provider returned the same page twice, so it ignores the paging parameter `{param}`; configure the name it uses"
    )]
    PagingIgnored {
        /// The parameter name that was sent.
        param: String,
    },
}

impl ConfigError {
    /// The stable machine code, e.g. `"invalid_base_url"`.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::BaseUrl { .. } => "invalid_base_url",
            ConfigError::QueryParameter { .. } => "invalid_query_parameter",
            ConfigError::PagingIgnored { .. } => "paging_ignored",
            ConfigError::Path { .. } => "invalid_path",
        }
    }
}
