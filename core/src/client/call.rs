//! One call, from the first attempt to its outcome: a state machine fed with events and
//! answering with the next action (quinn-proto's shape). It never sleeps, reads a clock or draws
//! a random number: the host passes `now` and a jitter value with each event.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::observe::{Event, Identity, Purpose, identify};
use super::operation::{BlocOperation, OffBlocksOperation, token_error};
use super::policy::EngineOptions;
use super::session::OffBlocksSession;
use crate::bloc::Bloc;
use crate::error::{Error, TransportError, TransportFailure};
use crate::http::{HttpRequest, HttpResponse};
use crate::offblocks::{OffBlocks, SigningRequest};
use crate::sig::{Algorithm, SignatureEncoding};

/// What the host does next.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Action {
    /// Send `request` exactly as built, within `timeout_ms` (0: no limit), then report the answer
    /// (`on_response`) or the failure (`on_failure`).
    #[serde(rename_all = "camelCase")]
    Send {
        /// The request.
        request: HttpRequest,
        /// The time limit of this attempt.
        timeout_ms: u32,
        /// 1 for the first attempt of this request, 2 for its first retry, ...
        attempt: u32,
        /// What the request is for.
        purpose: Purpose,
    },
    /// Sign `base` (the RFC 9421 signature base) with the client's key, then report the
    /// signature (`on_signature`).
    Sign {
        /// The bytes to sign.
        #[serde(with = "serde_bytes")]
        #[cfg_attr(feature = "wasm", tsify(type = "Uint8Array"))]
        base: Vec<u8>,
        /// The algorithm the signature must use.
        algorithm: Algorithm,
    },
    /// Get a bearer token from the client's token provider, then report it (`on_token`).
    ObtainToken,
    /// Wait `ms` milliseconds (cancellably), then report it (`on_waited`).
    Wait {
        /// How long.
        ms: u64,
        /// The error code that caused the wait (`rate_limited`, `server_error`, `timeout`, ...).
        cause: String,
    },
    /// The call succeeded: parse `response` with the operation's parse function (for the
    /// access token operation, read the session's token instead).
    Done {
        /// The final answer (2xx).
        response: HttpResponse,
        /// How many times the operation was sent.
        attempts: u32,
    },
}

/// Retries of one request.
#[derive(Clone, Debug, Default)]
struct Retries {
    /// Attempts sent.
    sent: u32,
    /// Retries granted (waits begun).
    granted: u32,
}

impl Retries {
    /// The wait before the next attempt, or the error when the call must end with it.
    fn after(
        &mut self,
        journal: &mut Journal,
        error: Error,
        retry_after: Option<crate::RetryAfter>,
        options: &EngineOptions,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Result<Action, Error> {
        if !error.is_retryable() || self.granted >= options.max_retries {
            return Err(error);
        }
        let ms = options
            .wait_ms(self.granted, jitter, retry_after, now)
            .ok_or_else(|| error.clone())?;
        self.granted += 1;
        journal.events.push(Event::RetryScheduled {
            wait_ms: ms,
            reason: error.code().to_owned(),
            next_attempt: self.sent + 1,
        });
        Ok(Action::Wait {
            ms,
            cause: error.code().to_owned(),
        })
    }
}

fn transport_error(request: &HttpRequest, failure: TransportFailure, timeout_ms: u32) -> Error {
    TransportError {
        failure,
        request: format!("{} {}", request.method, request.url),
        timeout_ms: (failure == TransportFailure::Timeout && timeout_ms > 0).then_some(timeout_ms),
        retryable: failure != TransportFailure::Aborted && request.is_retry_safe(),
    }
    .into()
}

fn retry_after(error: &Error) -> Option<crate::RetryAfter> {
    match error {
        Error::Api(api) => api.retry_after,
        _ => None,
    }
}

fn out_of_order(what: &str) -> Error {
    Error::Internal(format!(
        "the client engine was driven out of order ({what})"
    ))
}

/// What a call records for its host: its identity headers, and the events of its attempts.
#[derive(Debug, Default)]
struct Journal {
    identity: Identity,
    events: Vec<Event>,
    sent_at: Option<DateTime<Utc>>,
    attempt: u32,
}

impl Journal {
    fn elapsed_ms(&self, now: DateTime<Utc>) -> u64 {
        self.sent_at
            .and_then(|at| u64::try_from((now - at).num_milliseconds()).ok())
            .unwrap_or(0)
    }

    fn received(&mut self, response: &HttpResponse, now: DateTime<Utc>) {
        self.events.push(Event::ResponseReceived {
            status: response.status,
            request_id: response.request_id().map(str::to_owned),
            elapsed_ms: self.elapsed_ms(now),
            attempt: self.attempt,
        });
    }

    fn failed(&mut self, failure: TransportFailure, now: DateTime<Utc>) {
        self.events.push(Event::RequestFailed {
            failure,
            elapsed_ms: self.elapsed_ms(now),
            attempt: self.attempt,
        });
    }
}

/// The next attempt of `request`: the identity's headers added, the event recorded.
fn send(
    journal: &mut Journal,
    mut request: HttpRequest,
    options: &EngineOptions,
    retries: &mut Retries,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Action {
    retries.sent += 1;
    identify(&journal.identity, &mut request, retries.sent);
    journal
        .events
        .push(Event::sent(&request, retries.sent, purpose));
    journal.sent_at = Some(now);
    journal.attempt = retries.sent;
    Action::Send {
        request,
        timeout_ms: options.timeout_ms,
        attempt: retries.sent,
        purpose,
    }
}

// ---- Bloc ------------------------------------------------------------------------------------

/// One Bloc call.
#[derive(Debug)]
pub struct BlocCall {
    operation: BlocOperation,
    options: EngineOptions,
    retries: Retries,
    request: Option<HttpRequest>,
    journal: Journal,
}

impl BlocCall {
    /// A call of `operation` with `options` (the client's, with the call's overrides).
    pub fn new(operation: BlocOperation, options: EngineOptions) -> Self {
        BlocCall {
            operation,
            options,
            retries: Retries::default(),
            request: None,
            journal: Journal::default(),
        }
    }

    /// The operation.
    pub fn operation(&self) -> &BlocOperation {
        &self.operation
    }

    /// Sends `identity`'s headers (`User-Agent`, the retry counter) with every request.
    pub fn identify(&mut self, identity: Identity) {
        self.journal.identity = identity;
    }

    /// The events since the last call (requests sent, answers, failures, retries scheduled),
    /// masked like `Debug`: for the host's hooks and logs.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.journal.events)
    }

    /// Builds the request (validating the input): the first action.
    pub fn start(&mut self, bloc: &Bloc, now: DateTime<Utc>) -> Result<Action, Error> {
        let request = self.operation.build(bloc, now)?;
        self.request = Some(request.clone());
        Ok(send(
            &mut self.journal,
            request,
            &self.options,
            &mut self.retries,
            Purpose::Operation,
            now,
        ))
    }

    /// The answer to the last `Send`.
    pub fn on_response(
        &mut self,
        response: HttpResponse,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Result<Action, Error> {
        self.journal.received(&response, now);
        match self.operation.error_of(&response) {
            None => Ok(Action::Done {
                response,
                attempts: self.retries.sent,
            }),
            Some(error) => {
                let after = retry_after(&error);
                self.retries
                    .after(&mut self.journal, error, after, &self.options, now, jitter)
            }
        }
    }

    /// The last `Send` got no answer.
    pub fn on_failure(
        &mut self,
        failure: TransportFailure,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Result<Action, Error> {
        let request = self
            .request
            .as_ref()
            .ok_or_else(|| out_of_order("no request sent"))?;
        self.journal.failed(failure, now);
        let error = transport_error(request, failure, self.options.timeout_ms);
        self.retries
            .after(&mut self.journal, error, None, &self.options, now, jitter)
    }

    /// The wait is over: the same request again.
    pub fn on_waited(&mut self, now: DateTime<Utc>) -> Result<Action, Error> {
        let request = self
            .request
            .clone()
            .ok_or_else(|| out_of_order("nothing to resend"))?;
        Ok(send(
            &mut self.journal,
            request,
            &self.options,
            &mut self.retries,
            Purpose::Operation,
            now,
        ))
    }
}

// ---- OffBlocks -------------------------------------------------------------------------------

/// Where an OffBlocks call stands.
#[derive(Debug)]
enum Stage {
    New,
    /// Waiting for the host's token provider.
    AwaitingToken,
    /// `POST /auth/token` sent (or waiting to be sent again).
    Token(HttpRequest),
    /// Waiting for the signature of this request.
    Signing(SigningRequest),
    /// The signed request sent (or waiting to be sent again).
    Sent(HttpRequest),
    Finished,
}

/// One OffBlocks call: the token (fetched or refreshed as needed), the signature (made again for
/// a late retry), the attempts.
#[derive(Debug)]
pub struct OffBlocksCall {
    operation: OffBlocksOperation,
    options: EngineOptions,
    stage: Stage,
    retries: Retries,
    token_retries: Retries,
    /// The token was refreshed once after a 401: a second 401 fails the call.
    refreshed: bool,
    /// The session generation the request was built with.
    generation: u64,
    /// When the request in flight was signed.
    signed_at: Option<DateTime<Utc>>,
    journal: Journal,
}

impl OffBlocksCall {
    /// A call of `operation` with `options` (the client's, with the call's overrides).
    pub fn new(operation: OffBlocksOperation, options: EngineOptions) -> Self {
        OffBlocksCall {
            operation,
            options,
            stage: Stage::New,
            retries: Retries::default(),
            token_retries: Retries::default(),
            refreshed: false,
            generation: 0,
            signed_at: None,
            journal: Journal::default(),
        }
    }

    /// The operation.
    pub fn operation(&self) -> &OffBlocksOperation {
        &self.operation
    }

    /// Sends `identity`'s headers (`User-Agent`, the retry counter) with every request.
    pub fn identify(&mut self, identity: Identity) {
        self.journal.identity = identity;
    }

    /// The events since the last call (requests sent, answers, failures, retries scheduled),
    /// masked like `Debug`: for the host's hooks and logs.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.journal.events)
    }

    /// The first action: the input is validated, then a token is obtained if the session has
    /// none (or it expires within the refresh margin), then the request is built for signing.
    pub fn start(
        &mut self,
        session: &mut OffBlocksSession,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        if !matches!(self.stage, Stage::New) {
            return Err(out_of_order("started twice"));
        }
        let token_only = matches!(self.operation, OffBlocksOperation::AccessToken);
        if session.needs_token(now, self.options.token_refresh_margin_s) {
            if !token_only {
                // Refuse invalid input before spending a round trip on a token.
                let placeholder = session.base().with_token("placeholder")?;
                self.operation.build(&placeholder, now)?;
            }
            return self.acquire_token(session, now);
        }
        self.build(session, now)
    }

    /// The token the host's provider returned (after `ObtainToken`).
    pub fn on_token(
        &mut self,
        session: &mut OffBlocksSession,
        token: &str,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        if !matches!(self.stage, Stage::AwaitingToken) {
            return Err(out_of_order("a token nobody asked for"));
        }
        session.set_token(token, expires_at)?;
        self.build(session, now)
    }

    /// The signature of the last `Sign`'s base: raw (`r||s`) or DER.
    pub fn on_signature(
        &mut self,
        signature: &[u8],
        encoding: SignatureEncoding,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        let Stage::Signing(pending) = std::mem::replace(&mut self.stage, Stage::Finished) else {
            return Err(out_of_order("a signature nobody asked for"));
        };
        let request = pending.finish(signature, encoding)?;
        self.signed_at = Some(now);
        self.stage = Stage::Sent(request.clone());
        Ok(send(
            &mut self.journal,
            request,
            &self.options,
            &mut self.retries,
            Purpose::Operation,
            now,
        ))
    }

    /// The answer to the last `Send`.
    pub fn on_response(
        &mut self,
        session: &mut OffBlocksSession,
        response: HttpResponse,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Result<Action, Error> {
        if matches!(self.stage, Stage::Token(_) | Stage::Sent(_)) {
            self.journal.received(&response, now);
        }
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Token(request) => match token_error(&response) {
                None => {
                    let token = OffBlocks::parse_token(&response)?;
                    session.set_token(&token.token, Some(token.expires_at))?;
                    self.build(session, now)
                }
                Some(error) => {
                    let after = retry_after(&error);
                    let action = self.token_retries.after(
                        &mut self.journal,
                        error,
                        after,
                        &self.options,
                        now,
                        jitter,
                    )?;
                    self.stage = Stage::Token(request);
                    Ok(action)
                }
            },
            Stage::Sent(request) => match self.operation.error_of(&response) {
                None => Ok(Action::Done {
                    response,
                    attempts: self.retries.sent,
                }),
                Some(_)
                    if response.status == 401 && session.is_refreshable() && !self.refreshed =>
                {
                    // Refused: a new token, then the SAME operation built again (same input and
                    // Idempotency-Key, so the same body), once.
                    self.refreshed = true;
                    if session.generation() != self.generation {
                        // Another call refreshed it meanwhile.
                        return self.build(session, now);
                    }
                    session.invalidate(self.generation);
                    self.acquire_token(session, now)
                }
                Some(error) => {
                    let after = retry_after(&error);
                    let action = self.retries.after(
                        &mut self.journal,
                        error,
                        after,
                        &self.options,
                        now,
                        jitter,
                    )?;
                    self.stage = Stage::Sent(request);
                    Ok(action)
                }
            },
            other => {
                self.stage = other;
                Err(out_of_order("an answer to nothing sent"))
            }
        }
    }

    /// The last `Send` got no answer.
    pub fn on_failure(
        &mut self,
        failure: TransportFailure,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Result<Action, Error> {
        let (request, retries) = match &self.stage {
            Stage::Token(r) => (r, &mut self.token_retries),
            Stage::Sent(r) => (r, &mut self.retries),
            // Aborted while waiting for a token or a signature: nothing was in flight.
            _ if failure == TransportFailure::Aborted => {
                self.stage = Stage::Finished;
                return Err(TransportError {
                    failure,
                    request: self.operation.name().to_owned(),
                    timeout_ms: None,
                    retryable: false,
                }
                .into());
            }
            _ => return Err(out_of_order("a failure of nothing sent")),
        };
        self.journal.failed(failure, now);
        let error = transport_error(request, failure, self.options.timeout_ms);
        let action = retries.after(&mut self.journal, error, None, &self.options, now, jitter);
        if action.is_err() {
            self.stage = Stage::Finished;
        }
        action
    }

    /// The wait is over: the same request again, signed again if its signature has grown older
    /// than `resign_after_s` (same body, digest and Idempotency-Key).
    pub fn on_waited(
        &mut self,
        session: &mut OffBlocksSession,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Token(request) => {
                self.stage = Stage::Token(request.clone());
                Ok(send(
                    &mut self.journal,
                    request,
                    &self.options,
                    &mut self.token_retries,
                    Purpose::Token,
                    now,
                ))
            }
            Stage::Sent(request) => {
                let age = self
                    .signed_at
                    .map_or(i64::MAX, |at| (now - at).num_seconds());
                if age >= i64::from(self.options.resign_after_s) {
                    let ctx = session.context().unwrap_or(session.base());
                    let pending = ctx.resign(&request, now)?;
                    return Ok(self.sign(pending));
                }
                self.stage = Stage::Sent(request.clone());
                Ok(send(
                    &mut self.journal,
                    request,
                    &self.options,
                    &mut self.retries,
                    Purpose::Operation,
                    now,
                ))
            }
            other => {
                self.stage = other;
                Err(out_of_order("a wait nobody asked for"))
            }
        }
    }

    /// A token from the session's source: `POST /auth/token`, or the host's provider.
    fn acquire_token(
        &mut self,
        session: &mut OffBlocksSession,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        match session.token_request() {
            Some(request) => {
                let request = request?;
                self.token_retries = Retries::default();
                self.stage = Stage::Token(request.clone());
                Ok(send(
                    &mut self.journal,
                    request,
                    &self.options,
                    &mut self.token_retries,
                    Purpose::Token,
                    now,
                ))
            }
            None => {
                self.stage = Stage::AwaitingToken;
                Ok(Action::ObtainToken)
            }
        }
    }

    /// Builds the operation with the session's token, for signing.
    fn build(
        &mut self,
        session: &mut OffBlocksSession,
        now: DateTime<Utc>,
    ) -> Result<Action, Error> {
        let ctx = session
            .context()
            .ok_or_else(|| out_of_order("no token to build with"))?;
        if matches!(self.operation, OffBlocksOperation::AccessToken) {
            // The token is ready: nothing else to send.
            self.stage = Stage::Finished;
            return Ok(Action::Done {
                response: HttpResponse::new(200, Vec::new(), Vec::new()),
                attempts: self.token_retries.sent,
            });
        }
        let pending = self.operation.build(ctx, now)?;
        self.generation = session.generation();
        Ok(self.sign(pending))
    }

    fn sign(&mut self, pending: SigningRequest) -> Action {
        let action = Action::Sign {
            base: pending.signature_base().to_vec(),
            algorithm: pending.algorithm(),
        };
        self.stage = Stage::Signing(pending);
        action
    }
}
