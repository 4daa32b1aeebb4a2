//! An OffBlocks client's session: its signing context and its bearer token, shared by every call
//! of one client. The engine decides when the token must be fetched or refreshed; the host keeps
//! the session and hands it to each call.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::http::HttpRequest;
use crate::offblocks::{ApiCredentials, ChallengePaths, OffBlocks, SigningConfig};
use crate::pii::{Kind, Masked};

/// Where an OffBlocks client gets its bearer token.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum TokenSource {
    /// API credentials: the engine sends `POST /auth/token` itself and refreshes the token
    /// before it expires. The API secret belongs on a server, never in an app or a page.
    Credentials {
        /// The API key and secret.
        credentials: ApiCredentials,
    },
    /// The host obtains tokens when the engine asks (`ObtainToken`): from the app's own backend,
    /// so an app never holds the API secret. Refreshed like credentials.
    Provider,
    /// One token, never refreshed (a 401 fails the call).
    #[serde(rename_all = "camelCase")]
    Fixed {
        /// The bearer token.
        token: String,
        /// When it expires, if known.
        #[serde(default, with = "opt_rfc3339")]
        #[cfg_attr(feature = "wasm", tsify(type = "string | null", optional))]
        expires_at: Option<DateTime<Utc>>,
    },
}

impl fmt::Debug for TokenSource {
    /// Never the API secret or the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Credentials { credentials } => f
                .debug_struct("Credentials")
                .field("credentials", credentials)
                .finish(),
            TokenSource::Provider => f.write_str("Provider"),
            TokenSource::Fixed { token, expires_at } => f
                .debug_struct("Fixed")
                .field("token", &Masked(Kind::Secret, token))
                .field("expires_at", expires_at)
                .finish(),
        }
    }
}

mod opt_rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        t: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapper(#[serde(with = "crate::json::rfc3339")] DateTime<Utc>);
        Ok(Option::<Wrapper>::deserialize(d)?.map(|w| w.0))
    }
}

/// The token in use, with the context that sends it.
#[derive(Clone)]
struct Current {
    token: String,
    expires_at: Option<DateTime<Utc>>,
    context: OffBlocks,
}

/// The signing context and bearer token of one OffBlocks client.
#[derive(Clone)]
pub struct OffBlocksSession {
    base: OffBlocks,
    source: TokenSource,
    current: Option<Current>,
    generation: u64,
}

impl fmt::Debug for OffBlocksSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OffBlocksSession")
            .field("base_url", &self.base.base_url())
            .field("source", &self.source)
            .field("has_token", &self.current.is_some())
            .field(
                "expires_at",
                &self.current.as_ref().and_then(|c| c.expires_at),
            )
            .finish()
    }
}

impl OffBlocksSession {
    /// A session for `base_url`, signing with `signing`, getting tokens from `source`.
    pub fn new(
        base_url: &str,
        signing: SigningConfig,
        challenge_paths: Option<ChallengePaths>,
        source: TokenSource,
    ) -> Result<Self, Error> {
        let mut base = OffBlocks::new(base_url, signing)?;
        if let Some(paths) = challenge_paths {
            base = base.with_challenge_paths(paths)?;
        }
        let mut session = OffBlocksSession {
            base,
            source,
            current: None,
            generation: 0,
        };
        if let TokenSource::Fixed { token, expires_at } = &session.source {
            let (token, expires_at) = (token.clone(), *expires_at);
            session.set_token(&token, expires_at)?;
        }
        Ok(session)
    }

    /// The context without a token (base URL, signing configuration, challenge paths).
    pub fn base(&self) -> &OffBlocks {
        &self.base
    }

    /// Uses `token` from now on (checked: printable ASCII, no spaces).
    pub fn set_token(
        &mut self,
        token: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), Error> {
        let context = self.base.with_token(token)?;
        self.current = Some(Current {
            token: token.to_owned(),
            expires_at,
            context,
        });
        self.generation = self.generation.wrapping_add(1);
        Ok(())
    }

    /// The token in use and its expiry, if there is one.
    pub fn token(&self) -> Option<(&str, Option<DateTime<Utc>>)> {
        self.current
            .as_ref()
            .map(|c| (c.token.as_str(), c.expires_at))
    }

    /// Whether a new token can be had (credentials or a provider; not a fixed token).
    pub fn is_refreshable(&self) -> bool {
        !matches!(self.source, TokenSource::Fixed { .. })
    }

    /// Whether a token must be fetched before the next request: there is none, or it expires
    /// within `margin_s` of `now` and a new one can be had.
    pub fn needs_token(&self, now: DateTime<Utc>, margin_s: u32) -> bool {
        match &self.current {
            None => self.is_refreshable(),
            Some(c) => {
                self.is_refreshable()
                    && c.expires_at.is_some_and(|at| {
                        now + chrono::Duration::seconds(i64::from(margin_s)) >= at
                    })
            }
        }
    }

    /// Counts token changes, so a call can tell whether another call refreshed it meanwhile.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Forgets the token if it is still the one of `generation` (it was refused).
    pub(crate) fn invalidate(&mut self, generation: u64) {
        if self.generation == generation {
            self.current = None;
        }
    }

    /// The context with the current token, if there is one.
    pub(crate) fn context(&self) -> Option<&OffBlocks> {
        self.current.as_ref().map(|c| &c.context)
    }

    /// `POST /auth/token` for credentials; `None` for the other sources.
    pub(crate) fn token_request(&self) -> Option<Result<HttpRequest, Error>> {
        match &self.source {
            TokenSource::Credentials { credentials } => {
                Some(self.base.build_token_request(credentials))
            }
            _ => None,
        }
    }
}
