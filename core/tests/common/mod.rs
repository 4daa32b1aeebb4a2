//! Helpers shared by the fixture suites: loading cases, subset comparison, and turning requests
//! and errors into the shapes the fixtures describe.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use clientele_core::http::{Header, HttpRequest, HttpResponse};
use clientele_core::{Error, RetryAfter};
use serde_json::{Value, json};

mod subset;
pub use subset::subset;

/// Loads `tests/fixtures/<path>`.
pub fn load(path: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Reads a fixture file as text.
pub fn text(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `{"Name": "value"}` object as headers.
pub fn headers(v: &Value) -> Vec<Header> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| Header::new(k, v.as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// A fixture response (`status`, `headers`, exact `body` text).
pub fn response(r: &Value) -> HttpResponse {
    HttpResponse::new(
        u16::try_from(r["status"].as_u64().unwrap()).unwrap(),
        headers(&r["headers"]),
        r["body"].as_str().unwrap(),
    )
}

/// Checks an error against `expect.error` (code, status, retryable, issues with path, code and
/// message, the provider's message, requestId, retryAfterSeconds, path).
pub fn check_error(err: &Error, expected: &Value, failures: &mut Vec<String>) {
    let mut actual = json!({
        "code": err.code(),
        "status": err.status(),
        "retryable": err.is_retryable(),
        "issues": err.issues().iter().map(|i| json!({"path": i.path, "code": i.code.as_str(), "message": i.message})).collect::<Vec<_>>(),
    });
    match err {
        Error::Api(api) => {
            actual["message"] = json!(api.message);
            actual["requestId"] = json!(api.request_id);
            actual["retryAfterSeconds"] = json!(api.retry_after.map(|r| match r {
                RetryAfter::Seconds(s) => s,
                RetryAfter::At(_) => u64::MAX,
            }));
        }
        Error::Decode(d) => {
            actual["path"] = json!(d.path);
            // Decoding errors never echo values from the body.
            for needle in ["08012345678", "22403240419", "@example", "yesterday"] {
                if d.message.contains(needle) {
                    failures.push(format!("decode message leaks `{needle}`: {}", d.message));
                }
            }
        }
        _ => {}
    }
    subset(expected, &actual, "error", failures);
}

/// Compares a built request with `expect.request` (method, url, exact body text, headers by
/// name ignoring case and order).
pub fn check_request(req: &HttpRequest, want: &Value, failures: &mut Vec<String>) {
    if req.method.as_str() != want["method"] {
        failures.push(format!("method {} != {}", req.method, want["method"]));
    }
    if req.url != want["url"] {
        failures.push(format!("url {} != {}", req.url, want["url"]));
    }
    if req.body_text() != want["body"].as_str() {
        failures.push(format!("body {:?} != {}", req.body_text(), want["body"]));
    }
    let norm = |hs: &[Header]| {
        let mut v: Vec<_> = hs
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h.value.clone()))
            .collect();
        v.sort();
        v
    };
    let (got, exp) = (norm(&req.headers), norm(&headers(&want["headers"])));
    if got != exp {
        failures.push(format!("headers {got:?} != {exp:?}"));
    }
}

/// Runs every case of a fixture file, collecting all failures before asserting.
pub fn run_cases(file: &str, run: impl Fn(&Value, &mut Vec<String>)) {
    let fixture = load(file);
    let cases = fixture["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let mut all = Vec::new();
    for case in cases {
        let mut failures = Vec::new();
        run(case, &mut failures);
        for f in failures {
            all.push(format!("[{file}] {}: {f}", case["name"].as_str().unwrap()));
        }
    }
    assert!(
        all.is_empty(),
        "{} failure(s):\n{}",
        all.len(),
        all.join("\n")
    );
}

/// Runs a `responses.json` file: each case's response through `parse(operation, response)`,
/// compared with `expect.value` (as a subset) or `expect.error`.
pub fn run_response_cases(file: &str, parse: impl Fn(&str, &HttpResponse) -> Result<Value, Error>) {
    run_cases(file, |case, failures| {
        let response = response(&case["response"]);
        match (
            parse(case["operation"].as_str().unwrap(), &response),
            &case["expect"],
        ) {
            (Ok(v), e) if e.get("value").is_some() => subset(&e["value"], &v, "value", failures),
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], failures),
            (Ok(v), _) => failures.push(format!("expected an error, parsed {v}")),
            (Err(err), _) => failures.push(format!("expected a value, got {err}")),
        }
    });
}
