//! The client module (`--features client`), run by wasm-bindgen-test in Node and in headless
//! Chromium: every scripted exchange of `tests/fixtures/client/` driven through the JS-facing
//! engine (JSON actions in and out, as the npm clients drive it), with a scripted transport, a
//! recording clock and the fixtures' jitter values; and typed errors for bad input.
#![cfg(all(target_arch = "wasm32", feature = "client"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chrono::{DateTime, Duration, Utc};
use clientele_wasm::client::{BlocCall, BlocContext, OffBlocksCall, OffBlocksSession};
use common::subset::subset;
use common::{code, prop};
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const BLOC: &str = include_str!("../../tests/fixtures/client/bloc.json");
const OFFBLOCKS: &str = include_str!("../../tests/fixtures/client/offblocks.json");
const KEY: &str = include_str!("../../tests/fixtures/offblocks/test-key-p384.pem");

/// The fixture's transport, clock and jitter, as in core/tests/client_fixtures.rs.
struct Script {
    steps: Vec<Value>,
    next: usize,
    now: DateTime<Utc>,
    jitter: Vec<f64>,
    draws: usize,
    waits: Vec<u64>,
    abort_at_wait: Option<usize>,
    previous: Option<Value>,
    failures: Vec<String>,
}

impl Script {
    fn new(case: &Value) -> Self {
        Script {
            steps: case["steps"].as_array().unwrap().clone(),
            next: 0,
            now: DateTime::parse_from_rfc3339(case["now"].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc),
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
            failures: Vec::new(),
        }
    }

    fn now(&self) -> String {
        self.now.to_rfc3339()
    }

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

    /// The answer to `request` (JSON of an HttpRequest): `Ok((status, headers json, body))` or
    /// the failure's name.
    fn send(&mut self, request: &Value) -> Result<(u16, String, Vec<u8>), &'static str> {
        let Some(step) = self.steps.get(self.next).cloned() else {
            self.failures
                .push(format!("an unexpected request {request}"));
            return Err("network");
        };
        self.next += 1;
        let want = &step["request"];
        let url = request["url"].as_str().unwrap();
        let path = url
            .split_once("://")
            .and_then(|(_, r)| r.find('/').and_then(|at| r.get(at..)))
            .unwrap();
        if want["method"] != request["method"] || want["path"] != path {
            self.failures.push(format!(
                "sent {} {path}, expected {} {}",
                request["method"], want["method"], want["path"]
            ));
        }
        let header = |r: &Value, name: &str| -> Option<String> {
            r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case(name))
                .map(|h| h["value"].as_str().unwrap().to_owned())
        };
        for (name, value) in want["headers"].as_object().into_iter().flatten() {
            if header(request, name).as_deref() != value.as_str() {
                self.failures.push(format!(
                    "header {name} {:?} != {value}",
                    header(request, name)
                ));
            }
        }
        for name in want["headersAbsent"].as_array().into_iter().flatten() {
            if header(request, name.as_str().unwrap()).is_some() {
                self.failures.push(format!("header {name} was sent"));
            }
        }
        for (name, _) in want["headersMatching"].as_object().into_iter().flatten() {
            // The pattern is checked by the Rust, npm, Kotlin and Swift runners; here, presence.
            if header(request, name).is_none() {
                self.failures.push(format!("header {name} was not sent"));
            }
        }
        if let Some(body) = want["body"].as_str()
            && request["body"] != body
        {
            self.failures
                .push(format!("body {} != {body}", request["body"]));
        }
        if let Some(created) = want["signatureCreated"].as_i64()
            && !header(request, "Signature-Input")
                .unwrap_or_default()
                .contains(&format!(";created={created};"))
        {
            self.failures
                .push(format!("signature not created at {created}"));
        }
        if !path.ends_with("/auth/token") {
            let previous = self.previous.replace(request.clone());
            let member = |r: &Value, name: &str| {
                if name == "body" {
                    r["body"].as_str().map(str::to_owned)
                } else {
                    header(r, name)
                }
            };
            for (list, same) in [("sameAsPrevious", true), ("differentFromPrevious", false)] {
                for name in want[list].as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap();
                    let prev = previous.as_ref().unwrap();
                    if (member(prev, name) == member(request, name)) != same {
                        self.failures
                            .push(format!("{name}: same as before is not {same}"));
                    }
                }
            }
        }
        match step["failure"].as_str() {
            Some("timeout") => Err("timeout"),
            Some("network_error") => Err("network"),
            Some(other) => panic!("{other}"),
            None => {
                let r = &step["response"];
                let headers: Vec<Value> = r["headers"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| json!({"name": k, "value": v}))
                    .collect();
                Ok((
                    r["status"].as_u64().unwrap() as u16,
                    Value::Array(headers).to_string(),
                    r["body"].as_str().unwrap().as_bytes().to_vec(),
                ))
            }
        }
    }

    fn wait(&mut self, ms: u64) -> bool {
        self.waits.push(ms);
        if self.abort_at_wait == Some(self.waits.len()) {
            return true;
        }
        self.now += Duration::milliseconds(ms as i64);
        false
    }

    fn finish(mut self, case: &Value, outcome: Result<Value, JsValue>) -> Vec<String> {
        if json!(self.waits) != case["waits"] {
            self.failures
                .push(format!("waits {:?} != {}", self.waits, case["waits"]));
        }
        if self.next != self.steps.len() {
            self.failures
                .push(format!("{} of {} steps sent", self.next, self.steps.len()));
        }
        match (outcome, case["expect"].get("value")) {
            (Ok(value), Some(want)) => subset(want, &value, "value", &mut self.failures),
            (Err(err), None) => {
                let want = &case["expect"]["error"];
                let actual = json!({
                    "code": code(&err),
                    "kind": prop(&err, "kind").as_string(),
                    "retryable": prop(&err, "retryable").as_bool(),
                });
                let mut expected = json!({});
                for k in ["code", "kind", "retryable"] {
                    expected[k] = want[k].clone();
                }
                subset(&expected, &actual, "error", &mut self.failures);
            }
            (Ok(v), None) => self.failures.push(format!("expected an error, got {v}")),
            (Err(err), Some(_)) => self
                .failures
                .push(format!("expected a value, got {}", code(&err))),
        }
        self.failures
    }
}

/// The identity of a case with `appInfo` (JSON for `identify`).
fn identity(case: &Value) -> Option<String> {
    let app = case.get("appInfo")?;
    let ua =
        clientele_wasm::client::user_agent("wasm", "test", "tests", Some(app.to_string())).unwrap();
    Some(json!({"userAgent": ua, "retryHeader": true}).to_string())
}

/// Checks the events a call reported against the case's `events` (headers as a name -> value map).
fn check_events(case: &Value, events: &[Value], failures: &mut Vec<String>) {
    let Some(want) = case.get("events") else {
        return;
    };
    let got: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some(headers) = e.get("headers").and_then(Value::as_array).cloned() {
                e["headers"] = headers
                    .iter()
                    .map(|h| (h["name"].as_str().unwrap().to_owned(), h["value"].clone()))
                    .collect::<serde_json::Map<_, _>>()
                    .into();
            }
            e
        })
        .collect();
    if got.len() != want.as_array().unwrap().len() {
        failures.push(format!("events {got:?} != {want}"));
    } else {
        subset(want, &Value::Array(got), "events", failures);
    }
}

fn operation(case: &Value) -> String {
    let name = case["operation"].as_str().unwrap();
    let input = &case["input"];
    if input.as_object().is_none_or(serde_json::Map::is_empty) {
        json!(name)
    } else {
        json!({ name: input })
    }
    .to_string()
}

fn options(case: &Value) -> String {
    let mut o = json!({});
    if let Some(over) = case["options"].as_object() {
        for (k, v) in over {
            o[k] = v.clone();
        }
    }
    o.to_string()
}

/// The final answer's body as JSON text (the engine's `done`), for a value check.
fn done_value(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

#[wasm_bindgen_test]
fn bloc_exchanges_through_the_client_module() {
    let fixture: Value = serde_json::from_str(BLOC).unwrap();
    let ctx = &fixture["context"];
    let mut all = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        if case["operation"] == "customers" {
            continue; // paging is the main module's (BlocCustomerPager) and the npm suite's
        }
        let bloc = BlocContext::new(
            ctx["secretKey"].as_str().unwrap(),
            ctx["baseUrl"].as_str().map(str::to_owned),
        )
        .unwrap();
        let mut s = Script::new(case);
        let mut last: Vec<u8> = Vec::new();
        let outcome = (|| -> Result<Value, JsValue> {
            let mut call = BlocCall::new(&operation(case), &options(case))?;
            if let Some(identity) = identity(case) {
                call.identify(&identity)?;
            }
            let mut action: Value = serde_json::from_str(&call.start(&bloc, &s.now())?).unwrap();
            let result = (|| loop {
                let text = match action["action"].as_str().unwrap() {
                    "send" => match s.send(&action["request"]) {
                        Ok((status, headers, body)) => {
                            last = body.clone();
                            let j = s.jitter();
                            call.on_response(status, &headers, &body, &s.now(), j)?
                        }
                        Err(f) => {
                            let j = s.jitter();
                            call.on_failure(f, &s.now(), j)?
                        }
                    },
                    "wait" => {
                        if s.wait(action["ms"].as_u64().unwrap()) {
                            call.on_failure("aborted", &s.now(), 0.0)?
                        } else {
                            call.on_waited(&s.now())?
                        }
                    }
                    "done" => return Ok(done_value(&last)["data"].clone()),
                    other => panic!("{other}"),
                };
                action = serde_json::from_str(&text).unwrap();
            })();
            let events: Vec<Value> = serde_json::from_str(&call.take_events()?).unwrap();
            check_events(case, &events, &mut s.failures);
            result
        })();
        for f in s.finish(case, outcome) {
            all.push(format!("{}: {f}", case["name"]));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[wasm_bindgen_test]
fn offblocks_exchanges_through_the_client_module() {
    let fixture: Value = serde_json::from_str(OFFBLOCKS).unwrap();
    let ctx = &fixture["context"];
    let key = clientele_core::sig::SigningKey::from_pem(KEY).unwrap();
    let mut all = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let src = &case["tokenSource"];
        let source = match src["source"].as_str().unwrap() {
            "provider" => json!("provider"),
            kind => json!({ kind: src }),
        };
        let mut session = OffBlocksSession::new(
            ctx["baseUrl"].as_str().unwrap(),
            &json!({"keyId": ctx["keyId"]}).to_string(),
            None,
            &source.to_string(),
        )
        .unwrap();
        let mut provided = case["providedTokens"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter();
        if let Some(t) = case.get("initialToken") {
            // A token the provider gave earlier: taken through the engine's own path.
            let mut seed = OffBlocksCall::new("\"access_token\"", "{}").unwrap();
            let first: Value =
                serde_json::from_str(&seed.start(&mut session, "2000-01-01T00:00:00Z").unwrap())
                    .unwrap();
            assert_eq!(first["action"], "obtain_token");
            seed.on_token(
                &mut session,
                t["token"].as_str().unwrap(),
                t["expiresAt"].as_str().map(str::to_owned),
                "2000-01-01T00:00:00Z",
            )
            .unwrap();
        }
        let mut s = Script::new(case);
        let mut last: Vec<u8> = Vec::new();
        let outcome = (|| -> Result<Value, JsValue> {
            let mut call = OffBlocksCall::new(&operation(case), &options(case))?;
            if let Some(identity) = identity(case) {
                call.identify(&identity)?;
            }
            let mut action: Value =
                serde_json::from_str(&call.start(&mut session, &s.now())?).unwrap();
            let result = (|| loop {
                let text = match action["action"].as_str().unwrap() {
                    "send" => match s.send(&action["request"]) {
                        Ok((status, headers, body)) => {
                            last = body.clone();
                            let j = s.jitter();
                            call.on_response(&mut session, status, &headers, &body, &s.now(), j)?
                        }
                        Err(f) => {
                            let j = s.jitter();
                            call.on_failure(f, &s.now(), j)?
                        }
                    },
                    "sign" => {
                        let base: Vec<u8> = action["base"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|b| b.as_u64().unwrap() as u8)
                            .collect();
                        let alg = action["algorithm"].as_str().unwrap().parse().unwrap();
                        let signature = key.sign_as(alg, &base).unwrap();
                        call.on_signature(&signature, "raw", &s.now())?
                    }
                    "obtain_token" => {
                        let t = provided
                            .next()
                            .expect("the provider was asked once too often");
                        call.on_token(
                            &mut session,
                            t["token"].as_str().unwrap(),
                            t["expiresAt"].as_str().map(str::to_owned),
                            &s.now(),
                        )?
                    }
                    "wait" => {
                        if s.wait(action["ms"].as_u64().unwrap()) {
                            call.on_failure("aborted", &s.now(), 0.0)?
                        } else {
                            call.on_waited(&mut session, &s.now())?
                        }
                    }
                    "done" => {
                        if case["operation"] == "access_token" {
                            return Ok(serde_json::from_str(&session.token()?.unwrap()).unwrap());
                        }
                        return Ok(done_value(&last));
                    }
                    other => panic!("{other}"),
                };
                action = serde_json::from_str(&text).unwrap();
            })();
            let events: Vec<Value> = serde_json::from_str(&call.take_events()?).unwrap();
            check_events(case, &events, &mut s.failures);
            result
        })();
        let mut failures = s.finish(case, outcome);
        if provided.next().is_some() {
            failures.push("a provided token was never asked for".into());
        }
        for f in failures {
            all.push(format!("{}: {f}", case["name"]));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[wasm_bindgen_test]
fn bad_input_is_a_typed_error() {
    assert_eq!(
        code(&BlocCall::new("{\"nope\":{}}", "{}").err().unwrap()),
        "invalid_argument"
    );
    assert_eq!(
        code(
            &BlocCall::new("\"get_customer\"", "{\"maxRetries\":-1}")
                .err()
                .unwrap()
        ),
        "invalid_argument"
    );
    assert_eq!(
        code(&BlocContext::new("pk_test_x", None).err().unwrap()),
        "invalid_credentials"
    );
    let bloc = BlocContext::new("sk_test_x", None).unwrap();
    let mut call = BlocCall::new("{\"get_customer\":{\"customerId\":\"nope\"}}", "{}").unwrap();
    let err = call.start(&bloc, "2026-12-03T10:00:00Z").err().unwrap();
    assert_eq!(code(&err), "validation_failed");
    assert_eq!(
        prop(&err, "kind").as_string().as_deref(),
        Some("validation")
    );
    let mut call = BlocCall::new("\"means_of_identification\"", "{}").unwrap();
    assert_eq!(
        code(&call.on_waited("2026-12-03T10:00:00Z").err().unwrap()),
        "internal"
    );
    assert_eq!(
        code(
            &call
                .on_failure("sideways", "2026-12-03T10:00:00Z", 0.5)
                .err()
                .unwrap()
        ),
        "invalid_argument"
    );
}
