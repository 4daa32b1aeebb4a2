//! The client module for JS (`clientele_client`, feature `client`): the client engine. Each call
//! is an object the npm clients drive with events and that answers with the next action as JSON
//! text. Every decision is the core's (`clientele_core::client`). The module has its own Bloc
//! context (the main module's objects live in another memory).

use clientele_core::client::{
    self as core, Action, AppInfo, BlocOperation, EngineOptions, Identity, OffBlocksOperation,
    Purpose, TokenSource,
};
use clientele_core::http::HttpRequest;
use clientele_core::offblocks::{ChallengePaths, SigningConfig};
use clientele_core::sig::{Algorithm, SignatureEncoding};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, OrThrow, input, instant, output, response};

/// An action as the JS side reads it. `done` does not repeat the answer: the host has it.
#[derive(Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum JsAction<'a> {
    #[serde(rename_all = "camelCase")]
    Send {
        request: &'a HttpRequest,
        timeout_ms: u32,
        attempt: u32,
        purpose: Purpose,
    },
    Sign {
        /// An array of byte values (the signature base is a few hundred ASCII bytes).
        base: &'a [u8],
        algorithm: Algorithm,
    },
    ObtainToken,
    Wait {
        ms: u64,
        cause: &'a str,
    },
    Done {
        attempts: u32,
    },
}

fn action(result: Result<Action, clientele_core::Error>) -> JsResult<String> {
    let action = result.or_throw()?;
    output(&match &action {
        Action::Send {
            request,
            timeout_ms,
            attempt,
            purpose,
        } => JsAction::Send {
            request,
            timeout_ms: *timeout_ms,
            attempt: *attempt,
            purpose: *purpose,
        },
        Action::Sign { base, algorithm } => JsAction::Sign {
            base,
            algorithm: *algorithm,
        },
        Action::ObtainToken => JsAction::ObtainToken,
        Action::Wait { ms, cause } => JsAction::Wait { ms: *ms, cause },
        Action::Done { attempts, .. } => JsAction::Done {
            attempts: *attempts,
        },
    })
}

fn failure(text: &str) -> JsResult<clientele_core::TransportFailure> {
    input(&format!("\"{}\"", text.escape_default()), "failure")
}

/// Every default of the clients (timeouts, retries, token and signature ages, webhook max age
/// and dedupe capacity), written once in the core, as JSON.
#[wasm_bindgen(js_name = clientDefaults)]
pub fn client_defaults() -> JsResult<String> {
    output(&clientele_core::client::Defaults::default())
}

/// The kind of a stable error code (`undefined` for a code Clientele does not produce): the core's
/// one vocabulary. (In this module rather than the main one, whose size every page pays: the
/// package's own tests check the kinds it names against it.)
#[wasm_bindgen(js_name = errorKindOfCode)]
pub fn error_kind_of_code(code: &str) -> Option<String> {
    clientele_core::kind_of_code(code).map(|k| k.as_str().to_owned())
}

/// The `User-Agent` of a Clientele client: `clientele/<version> (<host> <runtime>; <os>)`, then
/// the application (`appInfo` JSON: `{name, version?, url?}`) when given.
#[wasm_bindgen(js_name = userAgent)]
pub fn user_agent(host: &str, runtime: &str, os: &str, app: Option<String>) -> JsResult<String> {
    let app: Option<AppInfo> = app.map(|a| input(&a, "appInfo")).transpose()?;
    Ok(core::user_agent(host, runtime, os, app.as_ref()))
}

/// The provider's request id of a response's headers (`[{name, value}]` JSON), if any.
#[wasm_bindgen(js_name = responseRequestId)]
pub fn response_request_id(headers: &str) -> JsResult<Option<String>> {
    Ok(response(200, headers, &[])?.request_id().map(str::to_owned))
}

/// A Bloc context for the engine: the secret key and the base URL.
#[wasm_bindgen]
pub struct BlocContext(clientele_core::bloc::Bloc);

#[wasm_bindgen]
impl BlocContext {
    /// A context for `secretKey`, against `baseUrl` when given.
    #[wasm_bindgen(constructor)]
    pub fn new(secret_key: &str, base_url: Option<String>) -> JsResult<BlocContext> {
        let bloc = clientele_core::bloc::Bloc::new(secret_key).or_throw()?;
        let bloc = match base_url {
            Some(url) => bloc.with_base_url(&url).or_throw()?,
            None => bloc,
        };
        Ok(BlocContext(bloc))
    }
}

/// One Bloc call.
#[wasm_bindgen]
pub struct BlocCall(core::BlocCall);

#[wasm_bindgen]
impl BlocCall {
    /// A call of `operation` (`{"get_customer": {"customerId": ...}}`, or a name alone) with
    /// `options` (the client's, with the call's overrides).
    #[wasm_bindgen(constructor)]
    pub fn new(operation: &str, options: &str) -> JsResult<BlocCall> {
        let operation: BlocOperation = input(operation, "operation")?;
        let options: EngineOptions = input(options, "options")?;
        Ok(BlocCall(core::BlocCall::new(operation, options)))
    }

    /// Sends `identity`'s headers (`{"userAgent", "retryHeader"}` JSON) with every request.
    pub fn identify(&mut self, identity: &str) -> JsResult<()> {
        let identity: Identity = input(identity, "identity")?;
        self.0.identify(identity);
        Ok(())
    }

    /// The events since the last call (JSON), masked: for hooks and logs.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> JsResult<String> {
        output(&self.0.take_events())
    }

    /// Builds (and validates) the request: the first action.
    pub fn start(&mut self, bloc: &BlocContext, now: &str) -> JsResult<String> {
        action(self.0.start(&bloc.0, instant(now, "now")?))
    }

    /// The answer to the last `send`.
    #[wasm_bindgen(js_name = onResponse)]
    pub fn on_response(
        &mut self,
        status: u16,
        headers: &str,
        body: &[u8],
        now: &str,
        jitter: f64,
    ) -> JsResult<String> {
        let response = response(status, headers, body)?;
        action(self.0.on_response(response, instant(now, "now")?, jitter))
    }

    /// The last `send` got no answer: `"timeout"`, `"network"` or `"aborted"`.
    #[wasm_bindgen(js_name = onFailure)]
    pub fn on_failure(&mut self, failure_kind: &str, now: &str, jitter: f64) -> JsResult<String> {
        action(
            self.0
                .on_failure(failure(failure_kind)?, instant(now, "now")?, jitter),
        )
    }

    /// The wait is over.
    #[wasm_bindgen(js_name = onWaited)]
    pub fn on_waited(&mut self, now: &str) -> JsResult<String> {
        action(self.0.on_waited(instant(now, "now")?))
    }
}

/// An OffBlocks client's session (signing context and bearer token), shared by its calls.
#[wasm_bindgen]
pub struct OffBlocksSession(core::OffBlocksSession);

#[wasm_bindgen]
impl OffBlocksSession {
    /// A session for `baseUrl`, signing with `signing` (`{keyId, ...}`), with optional challenge
    /// paths, getting tokens from `source` (`{"credentials": {"credentials": ...}}`, `"provider"` or
    /// `{"fixed": {"token", "expiresAt"?}}`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        base_url: &str,
        signing: &str,
        challenge_paths: Option<String>,
        source: &str,
    ) -> JsResult<OffBlocksSession> {
        let signing: SigningConfig = input(signing, "signing")?;
        let paths: Option<ChallengePaths> = challenge_paths
            .map(|p| input(&p, "challengePaths"))
            .transpose()?;
        let source: TokenSource = input(source, "token")?;
        Ok(OffBlocksSession(
            core::OffBlocksSession::new(base_url, signing, paths, source).or_throw()?,
        ))
    }

    /// The token in use as `{"token", "expiresAt"}` JSON, or `undefined`.
    pub fn token(&self) -> JsResult<Option<String>> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Token<'a> {
            token: &'a str,
            expires_at: Option<chrono::DateTime<chrono::Utc>>,
        }
        self.0
            .token()
            .map(|(token, expires_at)| output(&Token { token, expires_at }))
            .transpose()
    }

    /// Whether a token must be obtained before the next request.
    #[wasm_bindgen(js_name = needsToken)]
    pub fn needs_token(&self, now: &str, margin_s: u32) -> JsResult<bool> {
        Ok(self.0.needs_token(instant(now, "now")?, margin_s))
    }

    /// The base URL.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.0.base().base_url().to_owned()
    }
}

/// One OffBlocks call.
#[wasm_bindgen]
pub struct OffBlocksCall(core::OffBlocksCall);

#[wasm_bindgen]
impl OffBlocksCall {
    /// A call of `operation` (`{"create_customer": {"input": ..., "idempotencyKey": ...}}`, or a
    /// name alone such as `"list_customers"`) with `options`.
    #[wasm_bindgen(constructor)]
    pub fn new(operation: &str, options: &str) -> JsResult<OffBlocksCall> {
        let operation: OffBlocksOperation = input(operation, "operation")?;
        let options: EngineOptions = input(options, "options")?;
        Ok(OffBlocksCall(core::OffBlocksCall::new(operation, options)))
    }

    /// Sends `identity`'s headers (`{"userAgent", "retryHeader"}` JSON) with every request.
    pub fn identify(&mut self, identity: &str) -> JsResult<()> {
        let identity: Identity = input(identity, "identity")?;
        self.0.identify(identity);
        Ok(())
    }

    /// The events since the last call (JSON), masked: for hooks and logs.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> JsResult<String> {
        output(&self.0.take_events())
    }

    /// Validates, gets a token if needed, builds the request for signing: the first action.
    pub fn start(&mut self, session: &mut OffBlocksSession, now: &str) -> JsResult<String> {
        action(self.0.start(&mut session.0, instant(now, "now")?))
    }

    /// The token the client's provider returned (after `obtain_token`); `expiresAt` RFC 3339.
    #[wasm_bindgen(js_name = onToken)]
    pub fn on_token(
        &mut self,
        session: &mut OffBlocksSession,
        token: &str,
        expires_at: Option<String>,
        now: &str,
    ) -> JsResult<String> {
        let expires_at = expires_at.map(|t| instant(&t, "expiresAt")).transpose()?;
        action(
            self.0
                .on_token(&mut session.0, token, expires_at, instant(now, "now")?),
        )
    }

    /// The signature of the last `sign`'s base: `"raw"` (`r||s`) or `"der"`.
    #[wasm_bindgen(js_name = onSignature)]
    pub fn on_signature(
        &mut self,
        signature: &[u8],
        encoding: &str,
        now: &str,
    ) -> JsResult<String> {
        let encoding: SignatureEncoding =
            input(&format!("\"{}\"", encoding.escape_default()), "encoding")?;
        action(
            self.0
                .on_signature(signature, encoding, instant(now, "now")?),
        )
    }

    /// The answer to the last `send`.
    #[wasm_bindgen(js_name = onResponse)]
    pub fn on_response(
        &mut self,
        session: &mut OffBlocksSession,
        status: u16,
        headers: &str,
        body: &[u8],
        now: &str,
        jitter: f64,
    ) -> JsResult<String> {
        let response = response(status, headers, body)?;
        action(
            self.0
                .on_response(&mut session.0, response, instant(now, "now")?, jitter),
        )
    }

    /// The last `send` got no answer: `"timeout"`, `"network"` or `"aborted"`.
    #[wasm_bindgen(js_name = onFailure)]
    pub fn on_failure(&mut self, failure_kind: &str, now: &str, jitter: f64) -> JsResult<String> {
        action(
            self.0
                .on_failure(failure(failure_kind)?, instant(now, "now")?, jitter),
        )
    }

    /// The wait is over.
    #[wasm_bindgen(js_name = onWaited)]
    pub fn on_waited(&mut self, session: &mut OffBlocksSession, now: &str) -> JsResult<String> {
        action(self.0.on_waited(&mut session.0, instant(now, "now")?))
    }
}
