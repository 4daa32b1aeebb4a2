//! The main wasm module, run by wasm-bindgen-test in Node and in headless Chromium: the shared
//! fixtures through the JS-facing exports, the shape of thrown errors, and robustness (bad input
//! in a loop, then the module still works). The keys module has its own suite (`keys.rs`).
#![cfg(all(target_arch = "wasm32", feature = "main"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use clientele_wasm::bloc::{self, Bloc, Pager};
use clientele_wasm::offblocks::{self, OffBlocks};
use common::subset::subset;
use common::{OFFBLOCKS_REQUESTS, code, prop, signature_bytes};
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

mod common;

const BLOC_RESPONSES: &str = include_str!("../../tests/fixtures/bloc/responses.json");
const BLOC_REQUESTS: &str = include_str!("../../tests/fixtures/bloc/requests.json");
const BLOC_WEBHOOKS: &str = include_str!("../../tests/fixtures/bloc/webhooks.json");
const OFFBLOCKS_RESPONSES: &str = include_str!("../../tests/fixtures/offblocks/responses.json");
const OFFBLOCKS_ACCOUNT_IDS: &str = include_str!("../../tests/fixtures/offblocks/account-ids.json");

fn headers_json(v: &Value) -> String {
    let list: Vec<Value> = v
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect()
        })
        .unwrap_or_default();
    Value::Array(list).to_string()
}

fn check_error(err: &JsValue, expected: &Value, failures: &mut Vec<String>) {
    let issues: Value = js_sys::JSON::stringify(&prop(err, "issues"))
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let issues: Vec<Value> = issues
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| json!({"path": i["path"], "code": i["code"], "message": i["message"]}))
                .collect()
        })
        .unwrap_or_default();
    let actual = json!({
        "code": code(err),
        "status": prop(err, "status").as_f64(),
        "retryable": prop(err, "retryable").as_bool(),
        "issues": issues,
        "message": prop(err, "providerMessage").as_string(),
        "requestId": prop(err, "requestId").as_string(),
        "path": prop(err, "path").as_string(),
    });
    let mut expected = expected.clone();
    // Numbers come back from JS as floats.
    if let Some(s) = expected.get("status").and_then(Value::as_u64) {
        expected["status"] = json!(s as f64);
    }
    if let Some(obj) = expected.as_object_mut() {
        obj.remove("retryAfterSeconds");
    }
    subset(&expected, &actual, "error", failures);
}

fn finish(file: &str, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "[{file}] {} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[wasm_bindgen_test]
fn bloc_responses_through_the_exports() {
    let fixture: Value = serde_json::from_str(BLOC_RESPONSES).unwrap();
    let mut failures = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let r = &case["response"];
        let (status, headers, body) = (
            r["status"].as_u64().unwrap() as u16,
            headers_json(&r["headers"]),
            r["body"].as_str().unwrap().as_bytes(),
        );
        let result = match case["operation"].as_str().unwrap() {
            "list_customers" => Bloc::parse_list_customers(status, &headers, body),
            "get_customer" => Bloc::parse_get_customer(status, &headers, body),
            "create_customer" => Bloc::parse_create_customer(status, &headers, body),
            "update_customer" => Bloc::parse_update_customer(status, &headers, body),
            "kyc_upgrade" => Bloc::parse_kyc_upgrade(status, &headers, body),
            "means_of_identification" => {
                Bloc::parse_means_of_identification(status, &headers, body)
            }
            "revalidate_kyc" => Bloc::parse_revalidate_kyc(status, &headers, body)
                .map(|m| Value::String(m).to_string()),
            other => panic!("{other}"),
        };
        let mut f = Vec::new();
        match (result, &case["expect"]) {
            (Ok(json), e) if e.get("value").is_some() => subset(
                &e["value"],
                &serde_json::from_str(&json).unwrap(),
                "value",
                &mut f,
            ),
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], &mut f),
            (Ok(v), _) => f.push(format!("expected an error, got {v}")),
            (Err(err), _) => f.push(format!("unexpected error {}", code(&err))),
        }
        failures.extend(f.into_iter().map(|m| format!("{}: {m}", case["name"])));
    }
    finish("bloc/responses.json", failures);
}

#[wasm_bindgen_test]
fn offblocks_responses_through_the_exports() {
    let fixture: Value = serde_json::from_str(OFFBLOCKS_RESPONSES).unwrap();
    let mut failures = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let r = &case["response"];
        let (status, headers, body) = (
            r["status"].as_u64().unwrap() as u16,
            headers_json(&r["headers"]),
            r["body"].as_str().unwrap().as_bytes(),
        );
        let result = match case["operation"].as_str().unwrap() {
            "create_customer" => OffBlocks::parse_create_customer(status, &headers, body),
            "get_customer" => OffBlocks::parse_get_customer(status, &headers, body),
            "list_customers" => OffBlocks::parse_list_customers(status, &headers, body),
            "status_change" => OffBlocks::parse_status_change(status, &headers, body),
            "simulator_verify" => OffBlocks::parse_simulator_verify(status, &headers, body)
                .map(|()| "null".to_owned()),
            "token" => OffBlocks::parse_token(status, &headers, body),
            "get_challenge" => OffBlocks::parse_challenge(status, &headers, body)
                .map(|challenge| Value::String(challenge).to_string()),
            other => panic!("{other}"),
        };
        let mut f = Vec::new();
        match (result, &case["expect"]) {
            (Ok(json), e) if e.get("value").is_some() => subset(
                &e["value"],
                &serde_json::from_str(&json).unwrap(),
                "value",
                &mut f,
            ),
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], &mut f),
            (Ok(v), _) => f.push(format!("expected an error, got {v}")),
            (Err(err), _) => f.push(format!("unexpected error {}", code(&err))),
        }
        failures.extend(f.into_iter().map(|m| format!("{}: {m}", case["name"])));
    }
    finish("offblocks/responses.json", failures);
}

#[wasm_bindgen_test]
fn offblocks_account_ids_through_the_exports() {
    let fixture: Value = serde_json::from_str(OFFBLOCKS_ACCOUNT_IDS).unwrap();
    let mut failures = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let result = offblocks::caip10_account_id(
            case["chainId"].as_f64().unwrap(),
            case["address"].as_str().unwrap(),
        );
        let mut f = Vec::new();
        match (result, &case["expect"]) {
            (Ok(id), e) if e.get("value").is_some() => {
                subset(&e["value"], &json!(id), "value", &mut f)
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], &mut f),
            (Ok(v), _) => f.push(format!("expected an error, got {v}")),
            (Err(err), _) => f.push(format!("unexpected error {}", code(&err))),
        }
        failures.extend(f.into_iter().map(|m| format!("{}: {m}", case["name"])));
    }
    finish("offblocks/account-ids.json", failures);
}

#[wasm_bindgen_test]
fn bloc_requests_through_the_exports() {
    let fixture: Value = serde_json::from_str(BLOC_REQUESTS).unwrap();
    let mut failures = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let ctx = case.get("context").unwrap_or(&fixture["context"]);
        let id = case["customerId"].as_str().unwrap_or_default();
        let input = case.get("input").map(Value::to_string).unwrap_or_default();
        let today = fixture["today"].as_str().unwrap();
        let result = Bloc::new(
            ctx["secretKey"].as_str().unwrap(),
            ctx.get("baseUrl")
                .and_then(Value::as_str)
                .map(str::to_owned),
        )
        .and_then(|b| match case["operation"].as_str().unwrap() {
            "list_customers" => b.build_list_customers(Some(input)),
            "get_customer" => b.build_get_customer(id),
            "create_customer" => b.build_create_customer(&input),
            "update_customer" => b.build_update_customer(id, &input),
            "kyc_tier1_upgrade" => b.build_kyc_tier1_upgrade(id, &input, today),
            "kyc_tier2_upgrade" => b.build_kyc_tier2_upgrade(id, &input),
            "kyc_tier3_upgrade" => b.build_kyc_tier3_upgrade(id, &input),
            "means_of_identification" => b.build_means_of_identification(),
            "revalidate_kyc" => b.build_revalidate_kyc(id),
            other => panic!("{other}"),
        });
        let mut f = Vec::new();
        match (result, &case["expect"]) {
            (Ok(json), e) if e.get("request").is_some() => {
                let got: Value = serde_json::from_str(&json).unwrap();
                let want = &e["request"];
                let headers: serde_json::Map<String, Value> = got["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| (h["name"].as_str().unwrap().to_owned(), h["value"].clone()))
                    .collect();
                let got = json!({"method": got["method"], "url": got["url"], "body": got["body"], "headers": headers});
                subset(want, &got, "request", &mut f);
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], &mut f),
            (Ok(v), _) => f.push(format!("expected an error, got {v}")),
            (Err(err), _) => f.push(format!("unexpected error {}", code(&err))),
        }
        failures.extend(f.into_iter().map(|m| format!("{}: {m}", case["name"])));
    }
    finish("bloc/requests.json", failures);
}

#[wasm_bindgen_test]
fn bloc_webhooks_through_the_exports() {
    let fixture: Value = serde_json::from_str(BLOC_WEBHOOKS).unwrap();
    let secret = fixture["secret"].as_str().unwrap();
    let mut failures = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let body = case["body"].as_str().unwrap().as_bytes();
        let result = bloc::webhook_verify(secret, body, &headers_json(&case["headers"]));
        let mut f = Vec::new();
        match (result, &case["expect"]) {
            (Ok(json), e) if e.get("event").is_some() => {
                let v: Value = serde_json::from_str(&json).unwrap();
                let actual = json!({
                    "event": v["event"], "customerId": v["customer"]["id"], "dataJson": v["dataJson"],
                });
                let mut want = e["event"].clone();
                want.as_object_mut().unwrap().remove("known");
                subset(&want, &actual, "event", &mut f);
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], &mut f),
            (Ok(v), _) => f.push(format!("expected an error, got {v}")),
            (Err(err), _) => f.push(format!("unexpected error {}", code(&err))),
        }
        failures.extend(f.into_iter().map(|m| format!("{}: {m}", case["name"])));
    }
    finish("bloc/webhooks.json", failures);
}

/// Two-step signing: the signature base is exactly the fixture's, and finishing with the
/// fixture's (independently computed, deterministic P-384) signature gives exactly its headers.
/// That the keys module produces that signature is checked in `keys.rs`.
#[wasm_bindgen_test]
fn offblocks_signed_requests_are_byte_exact() {
    let fixture: Value = serde_json::from_str(OFFBLOCKS_REQUESTS).unwrap();
    let ctx = &fixture["context"];
    let signing = json!({"keyId": ctx["keyId"]}).to_string();
    let client = OffBlocks::new(ctx["baseUrl"].as_str().unwrap(), &signing)
        .unwrap()
        .with_token(ctx["token"].as_str().unwrap())
        .unwrap();
    let now = ctx["now"].as_str().unwrap();
    let case = &fixture["cases"][1];
    assert_eq!(case["operation"], "create_customer");
    let pending = client
        .build_create_customer(
            &case["input"].to_string(),
            case["idempotencyKey"].as_str().unwrap(),
            now,
        )
        .unwrap();
    let want = &case["expect"]["request"];
    assert_eq!(
        String::from_utf8(pending.signature_base()).unwrap(),
        want["signatureBase"].as_str().unwrap()
    );
    let signature = signature_bytes(want["headers"]["Signature"].as_str().unwrap());
    let signed: Value =
        serde_json::from_str(&pending.finish(&signature, "\"raw\"").unwrap()).unwrap();
    let header = |name: &str| {
        signed["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .map(|h| h["value"].clone())
    };
    for name in [
        "Signature",
        "Signature-Input",
        "Content-Digest",
        "Idempotency-Key",
    ] {
        assert_eq!(header(name).as_ref(), want["headers"].get(name), "{name}");
    }
    assert_eq!(signed["body"], want["body"]);
    // A wrong-length external signature is refused with a typed error.
    let err = pending.finish(&[0; 10], "\"raw\"").unwrap_err();
    assert_eq!(code(&err), "signature_invalid_length");
}

/// Validation for forms: all issues at once, in field order, with no key needed.
#[wasm_bindgen_test]
fn validation_without_a_key() {
    // (path, code) of every issue `validateBlocCustomerCreate` reports for `payload`.
    let issues = |payload: &str| -> Vec<(String, String)> {
        let issues: Value =
            serde_json::from_str(&bloc::validate_customer_create(payload).unwrap()).unwrap();
        issues
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["path"].as_str().unwrap().into(),
                    i["code"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, c)| ((*p).into(), (*c).into()))
            .collect()
    };
    assert_eq!(
        issues(
            r#"{"email":"ada@","phoneNumber":"123","firstName":"","lastName":"Obi","customerType":"Personal","bvn":"1"}"#
        ),
        pairs(&[
            ("email", "invalid_email"),
            ("phoneNumber", "invalid_phone"),
            ("firstName", "required"),
            ("bvn", "invalid_bvn")
        ])
    );
    // A form half filled in: missing members are `required` issues, not a thrown shape error.
    assert_eq!(
        issues(r#"{"email":"ada@"}"#),
        pairs(&[
            ("email", "invalid_email"),
            ("phoneNumber", "required"),
            ("firstName", "required"),
            ("lastName", "required"),
            ("customerType", "required"),
            ("bvn", "required")
        ])
    );
    // A member of the wrong type is still thrown, as a typed invalid_argument.
    let err = bloc::validate_customer_create(r#"{"email":1}"#).unwrap_err();
    assert_eq!(code(&err), "invalid_argument");
    assert_eq!(
        bloc::normalize_nigerian_phone("+234 801 234 5678").unwrap(),
        "08012345678"
    );
}

/// Hostile input in a loop never traps the module; afterwards it still works.
#[wasm_bindgen_test]
fn malformed_input_never_breaks_the_module() {
    let junk = [
        "",
        "{",
        "null",
        "[]",
        "\"x\"",
        "{\"email\":1}",
        "{\"page\":-1}",
        "\u{0}",
        "{\"a\":[[[[[[[[[[]]]]]]]]]]}",
        "9999999999999999999999",
        "{\"keyId\":\"\"}",
    ];
    let bloc = Bloc::new("sk_test_synthetic0000000000", None).unwrap();
    for _ in 0..50 {
        for j in junk {
            for err in [
                bloc.build_create_customer(j).err(),
                bloc.build_list_customers(Some(j.to_owned())).err(),
                Bloc::parse_list_customers(200, j, j.as_bytes()).err(),
                Bloc::parse_get_customer(200, "[]", j.as_bytes()).err(),
                bloc::webhook_parse(j.as_bytes()).err(),
                offblocks::webhook_parse(j.as_bytes()).err(),
                OffBlocks::new(j, j).err(),
                Pager::new(Some(j.to_owned())).err(),
            ]
            .into_iter()
            .flatten()
            {
                let c = code(&err);
                assert!(!c.is_empty());
            }
        }
    }
    // Still usable.
    let page = Bloc::parse_list_customers(
        200,
        "[]",
        br#"{"success":true,"data":[],"metadata":{"has_next":false,"has_previous":false}}"#,
    )
    .unwrap();
    assert_eq!(
        page,
        r#"{"customers":[],"hasNext":false,"hasPrevious":false}"#
    );
}
