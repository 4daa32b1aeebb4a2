#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Runs the shared cross-language cases in `tests/fixtures/bloc/` through the Rust core. The npm,
//! Kotlin and Swift hosts run the same files through their bindings.

use std::path::PathBuf;

use chrono::NaiveDate;
use clientele_core::bloc::{self, Bloc, webhook};
use clientele_core::http::{Header, HttpRequest, HttpResponse};
use clientele_core::{Error, RetryAfter};
use serde_json::{Value, json};

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/bloc")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn headers(v: &Value) -> Vec<Header> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| Header::new(k, v.as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// `expected` must be contained in `actual`: every member listed equals (null = absent).
fn subset(expected: &Value, actual: &Value, path: &str, failures: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                subset(
                    ev,
                    a.get(k).unwrap_or(&Value::Null),
                    &format!("{path}.{k}"),
                    failures,
                );
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"), failures);
            }
        }
        (e, a) if e == a => {}
        (e, a) => failures.push(format!("{path}: expected {e}, got {a}")),
    }
}

/// Checks an error against `expect.error`.
fn check_error(err: &Error, expected: &Value, failures: &mut Vec<String>) {
    let mut actual = json!({
        "code": err.code(),
        "status": err.status(),
        "retryable": err.is_retryable(),
        "issues": err.issues().iter().map(|i| json!({"path": i.path, "code": i.code.as_str()})).collect::<Vec<_>>(),
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
            for needle in ["08012345678", "22403240419", "@example"] {
                if d.message.contains(needle) {
                    failures.push(format!("decode message leaks `{needle}`: {}", d.message));
                }
            }
        }
        _ => {}
    }
    subset(expected, &actual, "error", failures);
}

fn run_cases(file: &str, run: impl Fn(&Value, &mut Vec<String>)) {
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

fn parse(operation: &str, response: &HttpResponse) -> Result<Value, Error> {
    let v = match operation {
        "list_customers" => serde_json::to_value(Bloc::parse_list_customers(response)?),
        "get_customer" => serde_json::to_value(Bloc::parse_get_customer(response)?),
        "create_customer" => serde_json::to_value(Bloc::parse_create_customer(response)?),
        "update_customer" => serde_json::to_value(Bloc::parse_update_customer(response)?),
        "kyc_upgrade" => serde_json::to_value(Bloc::parse_kyc_upgrade(response)?),
        "means_of_identification" => {
            serde_json::to_value(Bloc::parse_means_of_identification(response)?)
        }
        "revalidate_kyc" => serde_json::to_value(Bloc::parse_revalidate_kyc(response)?),
        other => panic!("unknown operation {other}"),
    };
    Ok(v.unwrap())
}

#[test]
fn responses() {
    run_cases("responses.json", |case, failures| {
        let r = &case["response"];
        let response = HttpResponse::new(
            r["status"].as_u64().unwrap() as u16,
            headers(&r["headers"]),
            r["body"].as_str().unwrap(),
        );
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

fn build(case: &Value, fixture: &Value) -> Result<HttpRequest, Error> {
    let context = case.get("context").unwrap_or(&fixture["context"]);
    let mut bloc = Bloc::new(context["secretKey"].as_str().unwrap())?;
    if let Some(url) = context.get("baseUrl").and_then(Value::as_str) {
        bloc = bloc.with_base_url(url)?;
    }
    let today = NaiveDate::parse_from_str(fixture["today"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let id = case["customerId"].as_str().unwrap_or_default();
    let input = case.get("input").cloned().unwrap_or(Value::Null);
    match case["operation"].as_str().unwrap() {
        "list_customers" => bloc.build_list_customers(&serde_json::from_value(input).unwrap()),
        "get_customer" => bloc.build_get_customer(id),
        "create_customer" => bloc.build_create_customer(&serde_json::from_value(input).unwrap()),
        "update_customer" => {
            bloc.build_update_customer(id, &serde_json::from_value(input).unwrap())
        }
        "kyc_tier1_upgrade" => {
            bloc.build_kyc_tier1_upgrade(id, &serde_json::from_value(input).unwrap(), today)
        }
        "kyc_tier2_upgrade" => {
            bloc.build_kyc_tier2_upgrade(id, &serde_json::from_value(input).unwrap())
        }
        "kyc_tier3_upgrade" => {
            bloc.build_kyc_tier3_upgrade(id, &serde_json::from_value(input).unwrap())
        }
        "means_of_identification" => Ok(bloc.build_means_of_identification()),
        "revalidate_kyc" => bloc.build_revalidate_kyc(id),
        other => panic!("unknown operation {other}"),
    }
}

#[test]
fn requests() {
    let fixture = load("requests.json");
    run_cases("requests.json", |case, failures| {
        match (build(case, &fixture), &case["expect"]) {
            (Ok(req), e) if e.get("request").is_some() => {
                let want = &e["request"];
                if req.method.as_str() != want["method"] {
                    failures.push(format!("method {} != {}", req.method, want["method"]));
                }
                if req.url != want["url"] {
                    failures.push(format!("url {} != {}", req.url, want["url"]));
                }
                if req.body_text() != want["body"].as_str() {
                    failures.push(format!("body {:?} != {}", req.body_text(), want["body"]));
                }
                let want_headers = headers(&want["headers"]);
                let mut got: Vec<_> = req
                    .headers
                    .iter()
                    .map(|h| (h.name.to_ascii_lowercase(), h.value.clone()))
                    .collect();
                let mut exp: Vec<_> = want_headers
                    .iter()
                    .map(|h| (h.name.to_ascii_lowercase(), h.value.clone()))
                    .collect();
                got.sort();
                exp.sort();
                if got != exp {
                    failures.push(format!("headers {got:?} != {exp:?}"));
                }
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], failures),
            (Ok(req), _) => failures.push(format!("expected an error, built {req:?}")),
            (Err(err), _) => failures.push(format!("expected a request, got {err}")),
        }
    });
}

#[test]
fn webhooks() {
    let fixture = load("webhooks.json");
    let secret = fixture["secret"].as_str().unwrap();
    run_cases("webhooks.json", |case, failures| {
        let body = case["body"].as_str().unwrap().as_bytes();
        let result = webhook::verify_headers(secret, body, &headers(&case["headers"]))
            .map_err(Error::from)
            .and_then(|()| webhook::parse(body).map_err(Error::from));
        match (result, &case["expect"]) {
            (Ok(event), e) if e.get("event").is_some() => {
                let actual = json!({
                    "event": event.event.as_str(),
                    "known": event.event.is_known(),
                    "customerId": event.customer.as_ref().map(|c| c.id.clone()),
                    "dataJson": event.data_json,
                });
                subset(&e["event"], &actual, "event", failures);
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], failures),
            (Ok(event), _) => failures.push(format!("expected an error, got {event:?}")),
            (Err(err), _) => failures.push(format!("expected an event, got {err}")),
        }
    });
}

/// The seed's example (docs page) parses to exactly the values shown there, field by field.
#[test]
fn seed_example_exact_values() {
    let fixture = load("responses.json");
    let case = &fixture["cases"][0];
    let response = HttpResponse::new(200, vec![], case["response"]["body"].as_str().unwrap());
    let c = Bloc::parse_get_customer(&response).unwrap();
    assert_eq!(c.first_name, "Ayo ", "trailing space kept");
    assert_eq!(c.kyc_tier, bloc::KycTier::Tier1);
    assert_eq!(c.gender, Some(bloc::Gender::Male));
    assert_eq!(c.environment, bloc::Environment::Live);
    assert_eq!(c.date_of_birth, NaiveDate::from_ymd_opt(2001, 4, 14));
    assert_eq!(
        c.address.as_ref().and_then(|a| a.street.as_deref()),
        Some("")
    );
    assert_eq!(
        c.created_at.unwrap().to_rfc3339(),
        "2023-03-08T10:59:39.509+00:00"
    );
    // Every member the expectation lists, and no more, is what the model has.
    let shown = serde_json::to_value(&c).unwrap();
    let expected = &case["expect"]["value"];
    assert_eq!(
        shown.as_object().unwrap().len(),
        expected.as_object().unwrap().len()
    );
}

/// Debug and Display of every parsed customer mask the BVN, phone number and email.
#[test]
fn parsed_customers_never_show_personal_data() {
    let fixture = load("responses.json");
    let mut checked = 0;
    for case in fixture["cases"].as_array().unwrap() {
        let response = HttpResponse::new(200, vec![], case["response"]["body"].as_str().unwrap());
        let customers = match case["operation"].as_str().unwrap() {
            "list_customers" => Bloc::parse_list_customers(&response).map(|p| p.customers),
            "get_customer" | "create_customer" | "update_customer" | "kyc_upgrade" => {
                Bloc::parse_get_customer(&response).map(|c| vec![c])
            }
            _ => continue,
        };
        for c in customers.unwrap_or_default() {
            let shown = format!("{c:?} {c}");
            for secret in [&c.bvn, &c.phone_number, &c.email] {
                if secret.len() > 4 {
                    assert!(!shown.contains(secret.as_str()), "{shown}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} customers checked");
}

/// Credentials errors never repeat the key.
#[test]
fn credential_errors_never_show_the_key() {
    for key in [
        "sk_test_abc def",
        "pk_live_topsecret",
        "sk_prod_topsecret",
        "sk_test_\u{7f}secret",
    ] {
        let err = Bloc::new(key).unwrap_err();
        assert_eq!(err.code(), "invalid_credentials");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(key.trim_start_matches("sk_test_")),
            "{shown}"
        );
    }
}
