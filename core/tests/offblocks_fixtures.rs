//! Runs the shared cross-language cases in `tests/fixtures/offblocks/` through the Rust core.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chrono::{DateTime, Utc};
use clientele_core::Error;
use clientele_core::offblocks::webhook::{self, WebhookDeduplicator};
use clientele_core::offblocks::{
    ApiCredentials, Challenge, ChallengeSubmission, OffBlocks, OffBlocksCustomerCreate,
    SigningConfig, SigningRequest,
};
use clientele_core::sig::{SigningKey, VerifyOptions, verify_message};
use common::{check_error, check_request, run_cases, subset};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    common::load(&format!("offblocks/{name}"))
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// The case's context: the fixture's, with the case's members overriding.
fn context(case: &Value, fixture: &Value) -> Value {
    let mut ctx = fixture["context"].clone();
    if let Some(over) = case.get("context").and_then(Value::as_object) {
        for (k, v) in over {
            ctx[k] = v.clone();
        }
    }
    ctx
}

fn client(ctx: &Value) -> Result<OffBlocks, Error> {
    let offblocks = OffBlocks::new(
        ctx["baseUrl"].as_str().unwrap(),
        SigningConfig::new(ctx["keyId"].as_str().unwrap()),
    )?;
    match ctx["token"].as_str() {
        Some(token) => offblocks.with_token(token),
        None => Ok(offblocks),
    }
}

enum Built {
    Plain(clientele_core::http::HttpRequest),
    Signed(SigningRequest),
}

fn build(case: &Value, ctx: &Value) -> Result<Built, Error> {
    let offblocks = client(ctx)?;
    let now = time(&ctx["now"]);
    let id = case["customerId"].as_str().unwrap_or_default();
    let key = case["idempotencyKey"].as_str().unwrap_or_default();
    let input = case.get("input").cloned().unwrap_or(Value::Null);
    let signed = match case["operation"].as_str().unwrap() {
        "token" => {
            let credentials: ApiCredentials = serde_json::from_value(input).unwrap();
            return offblocks
                .build_token_request(&credentials)
                .map(Built::Plain);
        }
        "create_customer" => {
            let input: OffBlocksCustomerCreate = serde_json::from_value(input).unwrap();
            offblocks.build_create_customer(&input, key, now)
        }
        "list_customers" => offblocks.build_list_customers(now),
        "get_customer" => offblocks.build_get_customer(id, now),
        "deactivate_customer" => offblocks.build_deactivate_customer(id, key, now),
        "activate_customer" => offblocks.build_activate_customer(id, key, now),
        "simulator_verify" => offblocks.build_simulator_verify(id, key, now),
        "get_challenge" => offblocks.build_get_challenge(id, now),
        "submit_challenge" => {
            let submission: ChallengeSubmission = serde_json::from_value(input).unwrap();
            offblocks.build_submit_challenge(id, &submission, key, now)
        }
        other => panic!("unknown operation {other}"),
    };
    signed.map(Built::Signed)
}

#[test]
fn requests() {
    let fixture = fixture("requests.json");
    let key = SigningKey::from_pem(&common::text(&format!(
        "offblocks/{}",
        fixture["context"]["privateKeyFile"].as_str().unwrap()
    )))
    .unwrap();
    run_cases("offblocks/requests.json", |case, failures| {
        let ctx = context(case, &fixture);
        match (build(case, &ctx), &case["expect"]) {
            (Ok(built), e) if e.get("request").is_some() => {
                let want = &e["request"];
                let request = match built {
                    Built::Plain(r) => r,
                    Built::Signed(pending) => {
                        let base = String::from_utf8(pending.signature_base().to_vec()).unwrap();
                        if base != want["signatureBase"].as_str().unwrap() {
                            failures.push(format!(
                                "signature base:\n{base}\n!=\n{}",
                                want["signatureBase"]
                            ));
                        }
                        pending.sign(&key).unwrap()
                    }
                };
                check_request(&request, want, failures);
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], failures),
            (Ok(_), _) => failures.push("expected an error, built a request".into()),
            (Err(err), _) => failures.push(format!("expected a request, got {err}")),
        }
    });
}

/// Two-step signing with an external signer gives the same request; a DER signature is accepted
/// and converted; a wrong-length signature is refused.
#[test]
fn external_signers() {
    let fixture = fixture("requests.json");
    let ctx = &fixture["context"];
    let key = SigningKey::from_pem(&common::text("offblocks/test-key-p384.pem")).unwrap();
    let case = &fixture["cases"][1];
    let Built::Signed(pending) = build(case, ctx).unwrap() else {
        panic!()
    };
    let in_core = pending.clone().sign(&key).unwrap();
    // An external P-384 signer (here: the same key through the public API) returning r||s.
    let signature = {
        let headers = in_core.header("Signature").unwrap();
        use base64::Engine as _;
        let b64 = headers.trim_start_matches("sig=:").trim_end_matches(':');
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    };
    assert_eq!(signature.len(), 96);
    let finished = pending
        .clone()
        .finish(&signature, clientele_core::sig::SignatureEncoding::Raw)
        .unwrap();
    assert_eq!(finished, in_core);
    let err = pending
        .finish(
            &signature[..95],
            clientele_core::sig::SignatureEncoding::Raw,
        )
        .unwrap_err();
    assert_eq!(err.code(), "signature_invalid_length");
    // The signed request verifies with the public key.
    let verified = verify_message(
        &in_core,
        &key.public_key(),
        &VerifyOptions {
            require_content_digest: true,
            ..VerifyOptions::new(1_763_700_010)
        },
    )
    .unwrap();
    assert_eq!(verified.params.keyid(), Some("test-key-ecc-p384"));
}

/// A retry keeps the Idempotency-Key and the body bytes: resigning later changes only the signature.
#[test]
fn resign_keeps_key_and_body() {
    let fixture = fixture("requests.json");
    let ctx = &fixture["context"];
    let key = SigningKey::from_pem(&common::text("offblocks/test-key-p384.pem")).unwrap();
    let Built::Signed(pending) = build(&fixture["cases"][1], ctx).unwrap() else {
        panic!()
    };
    let first = pending.sign(&key).unwrap();
    let later = time(&ctx["now"]) + chrono::Duration::minutes(10);
    let second = client(ctx)
        .unwrap()
        .resign(&first, later)
        .unwrap()
        .sign(&key)
        .unwrap();
    assert_eq!(first.body, second.body);
    for name in ["Idempotency-Key", "Content-Digest", "Authorization"] {
        assert_eq!(first.header(name), second.header(name), "{name}");
    }
    assert_ne!(first.header("Signature"), second.header("Signature"));
    assert!(
        second
            .header("Signature-Input")
            .unwrap()
            .contains(&format!("created={}", later.timestamp()))
    );
    assert_eq!(
        second
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("signature"))
            .count(),
        1
    );
}

fn parse(operation: &str, response: &clientele_core::http::HttpResponse) -> Result<Value, Error> {
    let v = match operation {
        "create_customer" => serde_json::to_value(OffBlocks::parse_create_customer(response)?),
        "get_customer" => serde_json::to_value(OffBlocks::parse_get_customer(response)?),
        "list_customers" => serde_json::to_value(OffBlocks::parse_list_customers(response)?),
        "status_change" => serde_json::to_value(OffBlocks::parse_status_change(response)?),
        "simulator_verify" => serde_json::to_value(OffBlocks::parse_simulator_verify(response)?),
        "token" => serde_json::to_value(OffBlocks::parse_token(response)?),
        "get_challenge" => serde_json::to_value(OffBlocks::parse_challenge(response)?),
        other => panic!("unknown operation {other}"),
    };
    Ok(v.unwrap())
}

#[test]
fn responses() {
    common::run_response_cases("offblocks/responses.json", parse);
}

#[test]
fn account_ids() {
    run_cases("offblocks/account-ids.json", |case, failures| {
        let built = clientele_core::offblocks::caip10_account_id(
            case["chainId"].as_u64().unwrap(),
            case["address"].as_str().unwrap(),
        );
        match (built, &case["expect"]) {
            (Ok(id), e) if e.get("value").is_some() => {
                subset(&e["value"], &json!(id), "value", failures)
            }
            (Err(err), e) if e.get("error").is_some() => {
                check_error(&err.into(), &e["error"], failures)
            }
            (Ok(id), _) => failures.push(format!("expected an error, got {id}")),
            (Err(err), _) => failures.push(format!("expected a value, got {err}")),
        }
    });
}

#[test]
fn challenges() {
    run_cases("offblocks/challenges.json", |case, failures| {
        let now = time(&case["now"]);
        let opened = Challenge::open(
            case["challenge"].as_str().unwrap(),
            case["chainId"].as_str().unwrap(),
            now,
        );
        let result = opened.and_then(|challenge| {
            let submission = case["signature"]
                .as_str()
                .map(|sig| challenge.accept_signature(sig))
                .transpose()?;
            Ok((challenge, submission))
        });
        match (result, &case["expect"]) {
            (Ok((challenge, submission)), e) if e.get("error").is_none() => {
                let f = &challenge.fields;
                let actual = json!({
                    "message": {
                        "domain": f.domain, "address": f.address, "uri": f.uri, "version": f.version.to_string(),
                        "chainId": f.chain_id, "nonce": f.nonce, "issuedAt": f.issued_at.as_str(),
                        "digest": challenge.digest,
                    },
                    "signer": submission.as_ref().map(|_| f.address.clone()),
                    "submission": submission,
                });
                subset(e, &actual, "expect", failures);
            }
            (Err(err), e) if e.get("error").is_some() => check_error(&err, &e["error"], failures),
            (Ok(_), _) => failures.push("expected an error".into()),
            (Err(err), _) => failures.push(format!("expected success, got {err} ({})", err.code())),
        }
    });
}

#[test]
fn webhooks() {
    run_cases("offblocks/webhooks.json", |case, failures| {
        let mut dedupe = WebhookDeduplicator::new(100);
        for (i, delivery) in case["deliveries"].as_array().unwrap().iter().enumerate() {
            let expected = &delivery["expect"];
            match webhook::parse(delivery["body"].as_str().unwrap().as_bytes()) {
                Ok(event) => {
                    let actual = json!({
                        "type": event.webhook_type.as_str(),
                        "known": event.webhook_type.is_known(),
                        "status": event.customer.as_ref().map(|c| c.status.as_str().to_owned()),
                        "delivery": dedupe.observe(&event),
                    });
                    subset(expected, &actual, &format!("delivery[{i}]"), failures);
                }
                Err(err) => {
                    let code = Error::from(err).code();
                    if expected["error"] != code {
                        failures.push(format!(
                            "delivery[{i}]: got error {code}, expected {}",
                            expected
                        ));
                    }
                }
            }
        }
    });
}
