//! The client engine for Kotlin and Swift: each call is an object the host drives with events
//! (`start`, `on_response`, `on_failure`, `on_waited`, `on_signature`, `on_token`) and that
//! answers with the next [`Action`]. Every decision is the core's (`clientele_core::client`);
//! this file only holds the state behind a lock so the host may call from any thread.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use clientele_core::client::{
    self as core, Action, AppInfo, BlocOperation, CallOptions, Credential, Defaults, EngineOptions,
    Event, Identity, OffBlocksOperation, Placement, TokenSource, check_placement,
};
use clientele_core::http::HttpResponse;
use clientele_core::offblocks::{ChallengePaths, SigningConfig};
use clientele_core::sig::SignatureEncoding;
use clientele_core::{ErrorKind, TransportFailure};

use crate::bloc::Bloc;
use crate::{Result, UtcDateTime};

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every default of the clients (timeouts, retries, token and signature ages, webhook max age
/// and dedupe capacity), written once in the core.
#[uniffi::export]
pub fn client_defaults() -> Defaults {
    Defaults::default()
}

/// The client options with a call's overrides.
#[uniffi::export]
pub fn client_options_with(options: EngineOptions, call: CallOptions) -> EngineOptions {
    options.with(call)
}

/// The `User-Agent` of a Clientele client: `clientele/<version> (<host> <runtime>; <os>)`, then
/// the application when given.
#[uniffi::export]
pub fn user_agent(host: &str, runtime: &str, os: &str, app: Option<AppInfo>) -> String {
    core::user_agent(host, runtime, os, app.as_ref())
}

/// Refuses a Bloc secret key where it would reach users: any key in a browser, a LIVE key in an
/// app (`unsafe_app_credentials`), unless `dangerously_allow`. The host tells the `placement`.
#[uniffi::export]
pub fn check_bloc_key_placement(
    secret_key: &str,
    placement: Placement,
    dangerously_allow: bool,
) -> Result<()> {
    Ok(check_placement(
        Credential::BlocSecretKey(secret_key),
        placement,
        dangerously_allow,
    )?)
}

/// Refuses OffBlocks API credentials where they would reach users: in a browser, or in an app
/// when `base_url` is the live API (`unsafe_app_credentials`), unless `dangerously_allow`.
#[uniffi::export(name = "check_off_blocks_secret_placement")]
pub fn check_offblocks_secret_placement(
    base_url: &str,
    placement: Placement,
    dangerously_allow: bool,
) -> Result<()> {
    Ok(check_placement(
        Credential::OffBlocksApiSecret { base_url },
        placement,
        dangerously_allow,
    )?)
}

/// The provider's request id of a response (`X-Request-Id` and its usual variants).
#[uniffi::export]
pub fn response_request_id(response: &HttpResponse) -> Option<String> {
    response.request_id().map(str::to_owned)
}

/// One stable error code and its kind.
#[derive(uniffi::Record)]
pub struct ErrorCodeInfo {
    /// The code, e.g. `rate_limited`.
    pub code: String,
    /// Its family.
    pub kind: ErrorKind,
}

/// Every stable error code Clientele produces, with its kind (the core's one vocabulary).
#[uniffi::export]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    clientele_core::ERROR_CODES
        .iter()
        .map(|(code, kind)| ErrorCodeInfo {
            code: (*code).to_owned(),
            kind: *kind,
        })
        .collect()
}

/// The kind of a stable error code (`None` for a code Clientele does not produce).
#[uniffi::export]
pub fn error_kind_of_code(code: &str) -> Option<ErrorKind> {
    clientele_core::kind_of_code(code)
}

/// One Bloc call.
#[derive(Debug, uniffi::Object)]
pub struct BlocCall(Mutex<core::BlocCall>);

#[uniffi::export]
impl BlocCall {
    /// A call of `operation` with `options`.
    #[uniffi::constructor]
    pub fn new(operation: BlocOperation, options: EngineOptions) -> Arc<Self> {
        Arc::new(BlocCall(Mutex::new(core::BlocCall::new(
            operation, options,
        ))))
    }

    /// Sends `identity`'s headers (`User-Agent`, the retry counter) with every request.
    pub fn identify(&self, identity: Identity) {
        locked(&self.0).identify(identity);
    }

    /// The events since the last call, masked: for hooks and logs.
    pub fn take_events(&self) -> Vec<Event> {
        locked(&self.0).take_events()
    }

    /// Builds (and validates) the request: the first action.
    pub fn start(&self, bloc: Arc<Bloc>, now: UtcDateTime) -> Result<Action> {
        Ok(locked(&self.0).start(bloc.core(), now)?)
    }

    /// The answer to the last `Send`; `jitter` is a random value in `[0, 1)`.
    pub fn on_response(
        &self,
        response: HttpResponse,
        now: UtcDateTime,
        jitter: f64,
    ) -> Result<Action> {
        Ok(locked(&self.0).on_response(response, now, jitter)?)
    }

    /// The last `Send` got no answer (or the call was cancelled: `Aborted`).
    pub fn on_failure(
        &self,
        failure: TransportFailure,
        now: UtcDateTime,
        jitter: f64,
    ) -> Result<Action> {
        Ok(locked(&self.0).on_failure(failure, now, jitter)?)
    }

    /// The wait is over.
    pub fn on_waited(&self, now: UtcDateTime) -> Result<Action> {
        Ok(locked(&self.0).on_waited(now)?)
    }
}

/// The bearer token an OffBlocks session holds. `Debug` (Kotlin's `toString`, Swift's
/// `description`) never shows the token.
#[derive(uniffi::Record)]
#[uniffi::export(Debug)]
pub struct SessionToken {
    /// The token.
    pub token: String,
    /// When it expires, if known.
    pub expires_at: Option<UtcDateTime>,
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionToken")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// An OffBlocks client's session (signing context and bearer token), shared by its calls.
#[derive(Debug, uniffi::Object)]
pub struct OffBlocksSession(Mutex<core::OffBlocksSession>);

#[uniffi::export]
impl OffBlocksSession {
    /// A session for `base_url`, signing with `signing`, getting tokens from `source`.
    #[uniffi::constructor]
    pub fn new(
        base_url: &str,
        signing: SigningConfig,
        challenge_paths: Option<ChallengePaths>,
        source: TokenSource,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(OffBlocksSession(Mutex::new(
            core::OffBlocksSession::new(base_url, signing, challenge_paths, source)?,
        ))))
    }

    /// Uses `token` from now on: a token the app's provider gave earlier (kept across launches,
    /// say). The engine refreshes it by the usual rules.
    pub fn set_token(&self, token: &str, expires_at: Option<UtcDateTime>) -> Result<()> {
        Ok(locked(&self.0).set_token(token, expires_at)?)
    }

    /// The token in use, if any.
    pub fn token(&self) -> Option<SessionToken> {
        locked(&self.0)
            .token()
            .map(|(token, expires_at)| SessionToken {
                token: token.to_owned(),
                expires_at,
            })
    }

    /// Whether a token must be obtained before the next request (none, or within `margin_s` of
    /// its expiry).
    pub fn needs_token(&self, now: UtcDateTime, margin_s: u32) -> bool {
        locked(&self.0).needs_token(now, margin_s)
    }

    /// The base URL.
    pub fn base_url(&self) -> String {
        locked(&self.0).base().base_url().to_owned()
    }
}

/// One OffBlocks call.
#[derive(Debug, uniffi::Object)]
pub struct OffBlocksCall(Mutex<core::OffBlocksCall>);

#[uniffi::export]
impl OffBlocksCall {
    /// A call of `operation` with `options`.
    #[uniffi::constructor]
    pub fn new(operation: OffBlocksOperation, options: EngineOptions) -> Arc<Self> {
        Arc::new(OffBlocksCall(Mutex::new(core::OffBlocksCall::new(
            operation, options,
        ))))
    }

    /// Sends `identity`'s headers (`User-Agent`, the retry counter) with every request.
    pub fn identify(&self, identity: Identity) {
        locked(&self.0).identify(identity);
    }

    /// The events since the last call, masked: for hooks and logs.
    pub fn take_events(&self) -> Vec<Event> {
        locked(&self.0).take_events()
    }

    /// Validates, gets a token if needed, builds the request for signing: the first action.
    pub fn start(&self, session: Arc<OffBlocksSession>, now: UtcDateTime) -> Result<Action> {
        Ok(locked(&self.0).start(&mut locked(&session.0), now)?)
    }

    /// The token the host's provider returned (after `ObtainToken`).
    pub fn on_token(
        &self,
        session: Arc<OffBlocksSession>,
        token: &str,
        expires_at: Option<UtcDateTime>,
        now: UtcDateTime,
    ) -> Result<Action> {
        Ok(locked(&self.0).on_token(&mut locked(&session.0), token, expires_at, now)?)
    }

    /// The signature of the last `Sign`'s base: raw `r||s` or DER.
    pub fn on_signature(
        &self,
        signature: Vec<u8>,
        encoding: SignatureEncoding,
        now: UtcDateTime,
    ) -> Result<Action> {
        Ok(locked(&self.0).on_signature(&signature, encoding, now)?)
    }

    /// The answer to the last `Send`; `jitter` is a random value in `[0, 1)`.
    pub fn on_response(
        &self,
        session: Arc<OffBlocksSession>,
        response: HttpResponse,
        now: UtcDateTime,
        jitter: f64,
    ) -> Result<Action> {
        Ok(locked(&self.0).on_response(&mut locked(&session.0), response, now, jitter)?)
    }

    /// The last `Send` got no answer (or the call was cancelled: `Aborted`).
    pub fn on_failure(
        &self,
        failure: TransportFailure,
        now: UtcDateTime,
        jitter: f64,
    ) -> Result<Action> {
        Ok(locked(&self.0).on_failure(failure, now, jitter)?)
    }

    /// The wait is over.
    pub fn on_waited(&self, session: Arc<OffBlocksSession>, now: UtcDateTime) -> Result<Action> {
        Ok(locked(&self.0).on_waited(&mut locked(&session.0), now)?)
    }
}
