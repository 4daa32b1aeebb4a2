//! The reference driver of `tests/fixtures/client/`: every scripted exchange run through the
//! client engine, with a scripted transport, a recording clock and sleeper, and the fixture's
//! jitter values: what the npm, Kotlin and Swift clients do with their own I/O.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chrono::{DateTime, Duration, Utc};
use clientele_core::bloc::{Bloc, CustomerPager};
use clientele_core::client::{
    Action, AppInfo, BlocCall, BlocOperation, EngineOptions, Event, Identity, OffBlocksCall,
    OffBlocksOperation, OffBlocksSession, Purpose, TokenSource, user_agent,
};
use clientele_core::http::{HttpRequest, HttpResponse};
use clientele_core::offblocks::{OffBlocks, SigningConfig};
use clientele_core::sig::{SignatureEncoding, SigningKey};
use clientele_core::{Error, TransportFailure};
use common::{run_cases, subset};
use serde_json::{Value, json};

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// The fixture's transport, clock, sleeper and jitter source, checking every request.
struct Script<'a> {
    steps: &'a [Value],
    next: usize,
    now: DateTime<Utc>,
    jitter: Vec<f64>,
    draws: usize,
    waits: Vec<u64>,
    abort_at_wait: Option<usize>,
    previous: Option<HttpRequest>,
    failures: &'a mut Vec<String>,
    /// Every event the engine reported, in order.
    events: Vec<Event>,
    /// The response metadata of the call (status, request id, attempts).
    response: Value,
}

impl Script<'_> {
    fn jitter(&mut self) -> f64 {
        let j = self
            .jitter
            .get(self.draws)
            .or(self.jitter.last())
            .copied()
            .unwrap_or(0.5);
        self.draws += 1;
        j
    }

    /// Checks `request` against the next step; its answer.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, TransportFailure> {
        let Some(step) = self.steps.get(self.next) else {
            self.failures.push(format!(
                "an unexpected request: {} {}",
                request.method, request.url
            ));
            return Err(TransportFailure::Network);
        };
        self.next += 1;
        let i = self.next;
        let want = &step["request"];
        let path = request
            .url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').and_then(|at| rest.get(at..)))
            .unwrap_or_default();
        if want["method"] != request.method.as_str() || want["path"] != path {
            self.failures.push(format!(
                "step {i}: sent {} {path}, expected {} {}",
                request.method, want["method"], want["path"]
            ));
        }
        if let Some(headers) = want["headers"].as_object() {
            for (name, value) in headers {
                if request.header(name) != value.as_str() {
                    self.failures.push(format!(
                        "step {i}: header {name} is {:?}, expected {value}",
                        request.header(name)
                    ));
                }
            }
        }
        for (name, pattern) in want["headersMatching"].as_object().into_iter().flatten() {
            let re = regex::Regex::new(pattern.as_str().unwrap()).unwrap();
            if !request.header(name).is_some_and(|v| re.is_match(v)) {
                self.failures.push(format!(
                    "step {i}: header {name} {:?} does not match {pattern}",
                    request.header(name)
                ));
            }
        }
        for name in want["headersAbsent"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if request.header(name).is_some() {
                self.failures
                    .push(format!("step {i}: header {name} was sent"));
            }
        }
        if let Some(body) = want["body"].as_str()
            && request.body_text() != Some(body)
        {
            self.failures.push(format!(
                "step {i}: body {:?} != {body}",
                request.body_text()
            ));
        }
        if let Some(created) = want["signatureCreated"].as_i64() {
            let input = request.header("Signature-Input").unwrap_or_default();
            if !input.contains(&format!(";created={created};")) {
                self.failures.push(format!(
                    "step {i}: Signature-Input {input} lacks created={created}"
                ));
            }
        }
        let token = path.ends_with("/auth/token");
        if !token {
            let previous = self.previous.replace(request.clone());
            let member = |r: &HttpRequest, name: &str| -> Option<Vec<u8>> {
                if name == "body" {
                    Some(r.body.clone())
                } else {
                    r.header(name).map(|v| v.as_bytes().to_vec())
                }
            };
            for (list, same) in [("sameAsPrevious", true), ("differentFromPrevious", false)] {
                for name in want[list].as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap();
                    let Some(prev) = &previous else {
                        self.failures.push(format!("step {i}: no previous request"));
                        continue;
                    };
                    if (member(prev, name) == member(request, name)) != same {
                        self.failures.push(format!(
                            "step {i}: {name} {} the previous request's",
                            if same { "differs from" } else { "equals" }
                        ));
                    }
                }
            }
        }
        match (&step["response"], step["failure"].as_str()) {
            (r, None) if r.is_object() => Ok(common::response(r)),
            (_, Some("timeout")) => Err(TransportFailure::Timeout),
            (_, Some("network_error")) => Err(TransportFailure::Network),
            other => panic!("step {i}: no response or failure: {other:?}"),
        }
    }

    /// Records a wait; `true` when the fixture cancels the call during it.
    fn wait(&mut self, ms: u64) -> bool {
        self.waits.push(ms);
        if self.abort_at_wait == Some(self.waits.len()) {
            return true;
        }
        self.now += Duration::milliseconds(i64::try_from(ms).unwrap());
        false
    }
}

/// The case's operation, `{"<name>": input}` (a unit variant when the input is empty).
fn operation<T: serde::de::DeserializeOwned>(case: &Value) -> T {
    let name = case["operation"].as_str().unwrap();
    let input = &case["input"];
    let value = if input.as_object().is_none_or(serde_json::Map::is_empty) {
        json!(name)
    } else {
        json!({ name: input })
    };
    serde_json::from_value(value).unwrap()
}

fn options(case: &Value) -> EngineOptions {
    let mut options = EngineOptions::default();
    if let Some(over) = case.get("options") {
        let mut all = serde_json::to_value(options).unwrap();
        for (k, v) in over.as_object().unwrap() {
            all[k] = v.clone();
        }
        options = serde_json::from_value(all).unwrap();
    }
    options
}

fn script<'a>(case: &'a Value, failures: &'a mut Vec<String>) -> Script<'a> {
    Script {
        steps: case["steps"].as_array().unwrap(),
        next: 0,
        now: time(&case["now"]),
        jitter: case["jitter"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j.as_f64().unwrap())
            .collect(),
        draws: 0,
        waits: Vec::new(),
        abort_at_wait: case["abortAtWait"].as_u64().map(|n| n as usize),
        previous: None,
        failures,
        events: Vec::new(),
        response: Value::Null,
    }
}

/// Runs one Bloc call to its end: the final answer, or the error.
fn run_bloc(
    bloc: &Bloc,
    op: BlocOperation,
    options: EngineOptions,
    identity: Option<Identity>,
    s: &mut Script,
) -> Result<HttpResponse, Error> {
    let mut call = BlocCall::new(op, options);
    if let Some(identity) = identity {
        call.identify(identity);
    }
    let result = drive_bloc(&mut call, bloc, s);
    s.events.extend(call.take_events());
    result
}

fn drive_bloc(call: &mut BlocCall, bloc: &Bloc, s: &mut Script) -> Result<HttpResponse, Error> {
    let mut action = call.start(bloc, s.now)?;
    loop {
        s.events.extend(call.take_events());
        action = match action {
            Action::Send { request, .. } => match s.send(&request) {
                Ok(response) => {
                    let j = s.jitter();
                    call.on_response(response, s.now, j)?
                }
                Err(failure) => {
                    let j = s.jitter();
                    call.on_failure(failure, s.now, j)?
                }
            },
            Action::Wait { ms, .. } => {
                if s.wait(ms) {
                    call.on_failure(TransportFailure::Aborted, s.now, 0.0)?
                } else {
                    call.on_waited(s.now)?
                }
            }
            Action::Done { response, attempts } => {
                s.response = json!({"status": response.status, "requestId": response.request_id(), "attempts": attempts});
                return Ok(response);
            }
            other => panic!("a Bloc call asked for {other:?}"),
        };
    }
}

/// The events as the fixtures write them (headers as a name -> value map).
fn events_json(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap();
            if let Some(headers) = v.get("headers").and_then(Value::as_array).cloned() {
                v["headers"] = headers
                    .iter()
                    .map(|h| (h["name"].as_str().unwrap().to_owned(), h["value"].clone()))
                    .collect::<serde_json::Map<_, _>>()
                    .into();
            }
            v
        })
        .collect()
}

/// The client's identity for a case: a User-Agent naming `appInfo`, and the retry header.
fn identity(case: &Value) -> Option<Identity> {
    let app: AppInfo = serde_json::from_value(case.get("appInfo")?.clone()).unwrap();
    Some(Identity {
        user_agent: Some(user_agent("rust", "reference-driver", "tests", Some(&app))),
        retry_header: true,
    })
}

fn outcome(result: Result<Value, Error>, before: &[Value], case: &Value, s: &mut Script) {
    let expect = &case["expect"];
    if let Some(want) = case.get("events") {
        let got = json!(events_json(&s.events));
        if got.as_array().map(Vec::len) != want.as_array().map(Vec::len) {
            s.failures.push(format!("events {got} != {want}"));
        } else {
            subset(want, &got, "events", s.failures);
        }
    }
    if let Some(want) = expect.get("response") {
        subset(want, &s.response, "response", s.failures);
    }
    let waits = json!(s.waits);
    if waits != case["waits"] {
        s.failures
            .push(format!("waits {waits} != {}", case["waits"]));
    }
    if s.next != s.steps.len() {
        s.failures
            .push(format!("{} of {} steps were sent", s.next, s.steps.len()));
    }
    match (result, expect.get("value")) {
        (Ok(value), Some(want)) => subset(want, &value, "value", s.failures),
        (Err(err), None) => {
            let actual = json!({
                "code": err.code(),
                "kind": err.kind().as_str(),
                "retryable": err.is_retryable(),
                "status": err.status(),
                "retryAfterSeconds": match &err {
                    Error::Api(api) => api.retry_after.map(|r| match r {
                        clientele_core::RetryAfter::Seconds(s) => s,
                        clientele_core::RetryAfter::At(_) => u64::MAX,
                    }),
                    _ => None,
                },
                "issues": err.issues().iter().map(|i| json!({"path": i.path, "code": i.code.as_str()})).collect::<Vec<_>>(),
            });
            subset(&expect["error"], &actual, "error", s.failures);
            if let Some(want) = expect.get("valuesBefore") {
                subset(want, &json!(before), "valuesBefore", s.failures);
            }
        }
        (Ok(value), None) => s.failures.push(format!("expected an error, got {value}")),
        (Err(err), Some(_)) => s
            .failures
            .push(format!("expected a value, got {} ({err})", err.code())),
    }
}

#[test]
fn bloc_exchanges() {
    let fixture = common::load("client/bloc.json");
    let ctx = &fixture["context"];
    run_cases("client/bloc.json", |case, failures| {
        let bloc = Bloc::new(ctx["secretKey"].as_str().unwrap())
            .unwrap()
            .with_base_url(ctx["baseUrl"].as_str().unwrap())
            .unwrap();
        let options = options(case);
        let mut s = script(case, failures);
        let mut streamed = Vec::new();
        let result = if case["operation"] == "customers" {
            let query = serde_json::from_value(case["input"]["query"].clone()).unwrap();
            let mut pager = CustomerPager::new(query);
            (|| {
                while let Some(query) = pager.next_query() {
                    let response = run_bloc(
                        &bloc,
                        BlocOperation::ListCustomers { query },
                        options,
                        identity(case),
                        &mut s,
                    )?;
                    let page = Bloc::parse_list_customers(&response)?;
                    pager.advance(&page)?;
                    streamed.extend(page.customers.iter().map(|c| json!(c.id)));
                }
                Ok(json!(streamed.clone()))
            })()
        } else {
            let op: BlocOperation = operation(case);
            let name = op.name();
            run_bloc(&bloc, op, options, identity(case), &mut s).and_then(|response| {
                Ok(match name {
                    "get_customer" => json!(Bloc::parse_get_customer(&response)?),
                    "create_customer" => json!(Bloc::parse_create_customer(&response)?),
                    "update_customer" => json!(Bloc::parse_update_customer(&response)?),
                    other => panic!("no parse for {other}"),
                })
            })
        };
        outcome(result, &streamed, case, &mut s);
    });
}

#[test]
fn offblocks_exchanges() {
    let fixture = common::load("client/offblocks.json");
    let ctx = &fixture["context"];
    let key = SigningKey::from_pem(&common::text(ctx["privateKeyFile"].as_str().unwrap())).unwrap();
    run_cases("client/offblocks.json", |case, failures| {
        let source = &case["tokenSource"];
        let source: TokenSource = match source["source"].as_str().unwrap() {
            "provider" => TokenSource::Provider,
            kind => serde_json::from_value(json!({ kind: source })).unwrap(),
        };
        let mut session = OffBlocksSession::new(
            ctx["baseUrl"].as_str().unwrap(),
            SigningConfig::new(ctx["keyId"].as_str().unwrap()),
            None,
            source,
        )
        .unwrap();
        if let Some(t) = case.get("initialToken") {
            session
                .set_token(t["token"].as_str().unwrap(), Some(time(&t["expiresAt"])))
                .unwrap();
        }
        let mut provided = case["providedTokens"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter();
        let mut asked = 0;
        let op: OffBlocksOperation = operation(case);
        let name = op.name();
        let mut s = script(case, failures);
        let mut call = OffBlocksCall::new(op, options(case));
        if let Some(identity) = identity(case) {
            call.identify(identity);
        }
        let result = (|| {
            let mut action = call.start(&mut session, s.now)?;
            loop {
                s.events.extend(call.take_events());
                action = match action {
                    Action::Send {
                        request, purpose, ..
                    } => {
                        assert_eq!(
                            purpose == Purpose::Token,
                            request.url.ends_with("/auth/token")
                        );
                        match s.send(&request) {
                            Ok(response) => {
                                let j = s.jitter();
                                call.on_response(&mut session, response, s.now, j)?
                            }
                            Err(failure) => {
                                let j = s.jitter();
                                call.on_failure(failure, s.now, j)?
                            }
                        }
                    }
                    Action::Sign { base, algorithm } => {
                        let signature = key.sign_as(algorithm, &base)?;
                        call.on_signature(&signature, SignatureEncoding::Raw, s.now)?
                    }
                    Action::ObtainToken => {
                        asked += 1;
                        let t = provided
                            .next()
                            .expect("the provider was asked once too often");
                        call.on_token(
                            &mut session,
                            t["token"].as_str().unwrap(),
                            Some(time(&t["expiresAt"])),
                            s.now,
                        )?
                    }
                    Action::Wait { ms, .. } => {
                        if s.wait(ms) {
                            call.on_failure(TransportFailure::Aborted, s.now, 0.0)?
                        } else {
                            call.on_waited(&mut session, s.now)?
                        }
                    }
                    Action::Done { response, attempts } => {
                        s.events.extend(call.take_events());
                        s.response = json!({"status": response.status, "requestId": response.request_id(), "attempts": attempts});
                        break Ok(match name {
                            "access_token" => {
                                let (token, expires_at) = session.token().unwrap();
                                json!({"token": token, "expiresAt": expires_at})
                            }
                            "create_customer" => {
                                json!(OffBlocks::parse_create_customer(&response)?)
                            }
                            "get_customer" => json!(OffBlocks::parse_get_customer(&response)?),
                            "deactivate_customer" => {
                                json!(OffBlocks::parse_status_change(&response)?)
                            }
                            other => panic!("no parse for {other}"),
                        });
                    }
                }
            }
        })();
        s.events.extend(call.take_events());
        outcome(result, &[], case, &mut s);
        let expected = case["providedTokens"].as_array().map_or(0, Vec::len);
        if asked != expected {
            s.failures.push(format!(
                "the provider was asked {asked} times, expected {expected}"
            ));
        }
    });
}

/// Every code a `code()` function of the core returns is in the one vocabulary, with a kind,
/// exactly once; hosts' own codes (`invalid_argument`, `init_failed`, ...) are there too.
#[test]
fn the_error_vocabulary_is_complete() {
    use clientele_core::{ERROR_CODES, kind_of_code};
    let mut seen = std::collections::HashSet::new();
    for (code, _) in ERROR_CODES {
        assert!(seen.insert(*code), "{code} is listed twice");
    }
    // The core, and clientele-httpsig, whose `SignatureError` codes are the core's own
    // (`Error::Signature` passes them through).
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![manifest.join("src"), manifest.join("httpsig/src")];
    let mut found = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            // The Ethereum protocol module's own error codes are mapped to core codes
            // (`challenge_*`, issue codes) where they leave the core.
            if !path.ends_with("offblocks/eth") {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // The body of every `fn code(`: up to the first line that closes it at its indentation.
        for (at, _) in text.match_indices("fn code(") {
            let body: String = text
                .get(at..)
                .unwrap()
                .lines()
                .take_while(|l| !(l.starts_with("    }") && l.len() == 5))
                .collect::<Vec<_>>()
                .join("\n");
            for part in body.split("=> \"").skip(1) {
                let code = part.split('"').next().unwrap();
                assert!(
                    kind_of_code(code).is_some(),
                    "{code} ({}) is not in ERROR_CODES",
                    path.display()
                );
                found += 1;
            }
        }
    }
    assert!(found > 50, "only {found} codes found");
}
