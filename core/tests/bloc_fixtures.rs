#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Runs the shared cross-language cases in `tests/fixtures/bloc/` through the Rust core. The npm,
//! Kotlin and Swift hosts run the same files through their bindings.

mod common;

use chrono::NaiveDate;
use clientele_core::Error;
use clientele_core::bloc::{self, Bloc, webhook};
use clientele_core::http::{HttpRequest, HttpResponse};
use common::{check_error, check_request, headers, run_cases, subset};
use serde_json::{Value, json};

fn load(name: &str) -> Value {
    common::load(&format!("bloc/{name}"))
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
    common::run_response_cases("bloc/responses.json", parse);
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
    run_cases("bloc/requests.json", |case, failures| {
        match (build(case, &fixture), &case["expect"]) {
            (Ok(req), e) if e.get("request").is_some() => {
                check_request(&req, &e["request"], failures)
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
    run_cases("bloc/webhooks.json", |case, failures| {
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
