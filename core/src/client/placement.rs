//! Where a server secret may go: the rule every host applies when a client is made, with the
//! platform it runs on (which only the host can tell).

use serde::{Deserialize, Serialize};

use crate::bloc::{Environment, SecretKey};
use crate::error::{CredentialsError, Error};
use crate::http;
use crate::offblocks::OffBlocks;

/// Where a client runs, as its host knows it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// A server, a command-line tool, a desktop tool of your own: secrets may live here.
    Server,
    /// A web page or a browser worker: every visitor can read what it holds.
    Browser,
    /// An Android or iOS app: anyone who installs it can extract what it holds.
    App,
}

/// A credential a client is given.
#[derive(Clone, Copy, Debug)]
pub enum Credential<'a> {
    /// A Bloc secret key (`sk_test_...`, `sk_live_...`).
    BlocSecretKey(&'a str),
    /// OffBlocks API credentials, for requests to `base_url`.
    OffBlocksApiSecret {
        /// Where the client sends requests.
        base_url: &'a str,
    },
    /// A private key that signs OffBlocks requests.
    SigningKey,
}

/// Refuses a server secret where it would reach the people using the product, unless the
/// caller opted in (`dangerously_allow`):
///
/// - in a browser, any Bloc secret key, OffBlocks API credentials or private signing key
///   (`unsafe_browser_credentials`);
/// - inside an app, a LIVE Bloc secret key or OffBlocks API credentials for the live API
///   (`unsafe_app_credentials`): test keys stay usable for development, and an app signs with
///   its own registered key and gets tokens from its backend's token provider.
///
/// A malformed credential passes here: the client's constructor reports it.
///
/// ```
/// use clientele_core::client::{Credential, Placement, check_placement};
///
/// let live = Credential::BlocSecretKey("sk_live_0123456789abcdef");
/// assert!(check_placement(live, Placement::Server, false).is_ok());
/// assert_eq!(check_placement(live, Placement::App, false).unwrap_err().code(), "unsafe_app_credentials");
/// assert!(check_placement(live, Placement::App, true).is_ok());
/// let test = Credential::BlocSecretKey("sk_test_0123456789abcdef");
/// assert!(check_placement(test, Placement::App, false).is_ok());
/// assert_eq!(check_placement(test, Placement::Browser, false).unwrap_err().code(), "unsafe_browser_credentials");
/// ```
pub fn check_placement(
    credential: Credential<'_>,
    placement: Placement,
    dangerously_allow: bool,
) -> Result<(), Error> {
    if dangerously_allow {
        return Ok(());
    }
    let refused = match (placement, credential) {
        (Placement::Server, _) => None,
        (Placement::Browser, Credential::BlocSecretKey(_)) => {
            Some(CredentialsError::UnsafeInBrowser("a Bloc secret key"))
        }
        (Placement::Browser, Credential::OffBlocksApiSecret { .. }) => {
            Some(CredentialsError::UnsafeInBrowser("an OffBlocks API secret"))
        }
        (Placement::Browser, Credential::SigningKey) => {
            Some(CredentialsError::UnsafeInBrowser("a private signing key"))
        }
        (Placement::App, Credential::BlocSecretKey(key)) => SecretKey::parse(key)
            .is_ok_and(|k| k.environment() == Environment::Live)
            .then_some(CredentialsError::UnsafeInApp("a live Bloc secret key")),
        (Placement::App, Credential::OffBlocksApiSecret { base_url }) => {
            let live =
                http::normalize_base_url(base_url).is_ok_and(|url| url == OffBlocks::LIVE_BASE_URL);
            live.then_some(CredentialsError::UnsafeInApp(
                "an OffBlocks API secret for the live API",
            ))
        }
        (Placement::App, Credential::SigningKey) => None,
    };
    refused.map_or(Ok(()), |e| Err(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offblocks_live_credentials_are_refused_in_apps_only() {
        let live = Credential::OffBlocksApiSecret {
            base_url: "https://api.offblocks.xyz/v1/",
        };
        let sandbox = Credential::OffBlocksApiSecret {
            base_url: OffBlocks::SANDBOX_BASE_URL,
        };
        let err = check_placement(live, Placement::App, false).unwrap_err();
        assert_eq!(err.code(), "unsafe_app_credentials");
        assert_eq!(err.kind().as_str(), "credentials");
        assert!(err.to_string().contains("token provider"));
        assert!(check_placement(sandbox, Placement::App, false).is_ok());
        assert!(check_placement(live, Placement::Server, false).is_ok());
        assert!(check_placement(Credential::SigningKey, Placement::App, false).is_ok());
        assert_eq!(
            check_placement(sandbox, Placement::Browser, false)
                .unwrap_err()
                .code(),
            "unsafe_browser_credentials"
        );
    }
}
