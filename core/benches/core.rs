//! Benchmarks of the hot paths (numbers printed by criterion; never asserted as timed tests):
//! parsing a 1,000-customer Bloc page, validating a create payload, building and signing an
//! OffBlocks request (ecdsa-p384-sha384), and verifying webhooks.
//!
//! `cargo bench -p clientele-core` (add `-- --quick` for a short run).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::DateTime;
use clientele_core::bloc::{Bloc, CustomerCreateRequest, CustomerType, webhook};
use clientele_core::http::HttpResponse;
use clientele_core::offblocks::{OffBlocks, OffBlocksCustomerCreate, SigningConfig};
use clientele_core::sig::{SigningKey, VerifyOptions, verify_message};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Customer `i` in Bloc's wire shape, quirks included (synthetic data).
fn customer_json(i: usize) -> String {
    format!(
        r#"{{"id":"{i:024x}","full_name":"Obi Ada{i}","phone_number":"080{i:08}","organization_id":"640b045929eb9cf45bc720c9","environment":"test","email":"ada{i}@example.com","country":"Nigeria","group":"main","status":"{}","created_at":"2023-03-14T11:49:49.839735959Z","updated_at":"0001-01-01T00:00:00Z","SyncData":{{"Provider":""}},"first_name":"Ada{i}","last_name":"Obi","kyc_tier":"{}","bvn":"2222222{i:04}","date_of_birth":"1992-03-30T00:00:00Z","customer_type":"Personal","source":"Banking","gender":"female","place_of_birth":"Kaduna","address":{{"street":"12 Admiralty Way","city":"Lekki","state":"Lagos","country":"Nigeria","postal_code":"106104"}}}}"#,
        if i % 7 == 0 { "archived" } else { "active" },
        i % 4
    )
}

/// A synthetic page of `n` customers.
fn bloc_page(n: usize) -> String {
    let customers: Vec<String> = (0..n).map(customer_json).collect();
    format!(
        r#"{{"success":true,"message":"get customers","data":[{}],"metadata":{{"has_next":true,"has_previous":false}}}}"#,
        customers.join(",")
    )
}

fn benches(c: &mut Criterion) {
    let page = bloc_page(1000);
    let response = HttpResponse::new(200, vec![], page.clone());
    let mut group = c.benchmark_group("bloc");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("parse a 1,000-customer page", |b| {
        b.iter(|| Bloc::parse_list_customers(black_box(&response)).unwrap())
    });
    // What a binding that hands JSON to its host does: typed, then written out; or in one pass.
    group.bench_function("parse a 1,000-customer page, then write it as JSON", |b| {
        b.iter(|| {
            serde_json::to_string(&Bloc::parse_list_customers(black_box(&response)).unwrap())
                .unwrap()
        })
    });
    group.bench_function("read a 1,000-customer page straight to JSON", |b| {
        b.iter(|| Bloc::parse_list_customers_json(black_box(&response)).unwrap())
    });
    group.finish();

    let payload = CustomerCreateRequest {
        email: "ada.obi@example.com".into(),
        phone_number: "+234 801 234 5678".into(),
        first_name: "Ada".into(),
        last_name: "Obi".into(),
        customer_type: CustomerType::Personal,
        bvn: "22222222222".into(),
    };
    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("a create payload", |b| {
        b.iter(|| black_box(&payload).validate().unwrap())
    });
    group.finish();

    let key = SigningKey::from_pem(include_str!(
        "../../tests/fixtures/offblocks/test-key-p384.pem"
    ))
    .unwrap();
    let offblocks = OffBlocks::new(
        OffBlocks::SANDBOX_BASE_URL,
        SigningConfig::new("test-key-ecc-p384"),
    )
    .unwrap()
    .with_token("eyJhbGciOiJFUzM4NCJ9.synthetic.token")
    .unwrap();
    let input = OffBlocksCustomerCreate {
        chain_id: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".into(),
        external_id: "customer-42".into(),
    };
    let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap();
    let mut group = c.benchmark_group("offblocks");
    group.throughput(Throughput::Elements(1));
    group.bench_function("build and sign a create request (ecdsa-p384-sha384)", |b| {
        b.iter(|| {
            offblocks
                .build_create_customer(&input, "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4", now)
                .unwrap()
                .sign(&key)
                .unwrap()
        })
    });
    let signed = offblocks
        .build_create_customer(&input, "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4", now)
        .unwrap()
        .sign(&key)
        .unwrap();
    let public = key.public_key();
    let options = VerifyOptions {
        require_content_digest: true,
        ..VerifyOptions::new(1_763_700_010)
    };
    group.bench_function("verify a signed request (RFC 9421 + Content-Digest)", |b| {
        b.iter(|| verify_message(black_box(&signed), &public, &options).unwrap())
    });
    group.finish();

    let secret = "whsec_synthetic_5d3c0a9e";
    let body = format!(
        r#"{{"event":"Customer.created","data":{}}}"#,
        customer_json(7)
    );
    let body = body.as_bytes();
    let signature = webhook::sign(secret, body);
    let mut group = c.benchmark_group("webhook");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("verify a Bloc delivery (HMAC-SHA256)", |b| {
        b.iter(|| webhook::verify(secret, black_box(body), &signature).unwrap())
    });
    group.finish();
}

criterion_group!(core_benches, benches);
criterion_main!(core_benches);
