//! A narrated walk through a customer's lifecycle at Bloc and at OffBlocks with the sans-IO core:
//! every request is built and printed (secrets and personal data masked), and recorded responses
//! are parsed.
//! Nothing here touches the network: a host would send each request with its own HTTP client.
//!
//! Run it with `cargo run --example demo`.

use chrono::NaiveDate;
use clientele_core::Error;
use clientele_core::bloc::{
    Address, Bloc, CustomerCreateRequest, CustomerListQuery, CustomerPager, CustomerType, Gender,
    KycTier1Upgrade, webhook,
};
use clientele_core::http::{Header, HttpRequest, HttpResponse};

/// Recorded Bloc responses (synthetic data), keyed by the request that would produce them.
fn recorded(request: &HttpRequest) -> HttpResponse {
    let customer = |tier: &str, extra: &str| {
        let dob = if extra.contains("date_of_birth") {
            ""
        } else {
            r#","date_of_birth":"0001-01-01T00:00:00Z""#
        };
        format!(
            r#"{{"id":"64105f5d7f1b4b36103f870e","full_name":"Obi Ada","first_name":"Ada","last_name":"Obi",
            "phone_number":"08012345678","email":"ada.obi@example.com","bvn":"22222222222","organization_id":"640b045929eb9cf45bc720c9",
            "environment":"test","country":"","group":"main","status":"active","customer_type":"Personal","kyc_tier":"{tier}",
            "source":"Banking","created_at":"2026-11-21T09:30:12.839735959Z","updated_at":"0001-01-01T00:00:00Z",
            "SyncData":{{"Provider":""}},"address":{{}}{dob}{extra}}}"#
        )
    };
    let ok = |data: String, extra: &str| {
        format!(r#"{{"success":true,"message":"ok","data":{data}{extra}}}"#)
    };
    let url = request.url.as_str();
    let body = if url.ends_with("/customers") && request.method.as_str() == "POST" {
        ok(customer("0", ""), "")
    } else if url.contains("/upgrade/t1/") {
        ok(
            customer(
                "1",
                r#","gender":"female","place_of_birth":"Kaduna","date_of_birth":"1992-03-30T00:00:00Z""#,
            ),
            "",
        )
    } else if url.contains("?page=2") {
        let third =
            customer("2", "").replace("64105f5d7f1b4b36103f870e", "6410612c7f1b4b36103f8801");
        ok(
            format!("[{third}]"),
            r#","metadata":{"has_next":false,"has_previous":true}"#,
        )
    } else if url.contains("/customers?") || url.ends_with("/customers") {
        let second =
            customer("0", "").replace("64105f5d7f1b4b36103f870e", "6410612c7f1b4b36103f872a");
        ok(
            format!("[{},{second}]", customer("1", "")),
            r#","metadata":{"has_next":true,"has_previous":false}"#,
        )
    } else {
        ok(customer("1", ""), "")
    };
    HttpResponse::new(
        200,
        vec![Header::new("Content-Type", "application/json")],
        body,
    )
}

fn step(title: &str) {
    println!("\n== {title} ==");
}

fn main() -> Result<(), Error> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    let bloc = Bloc::new("sk_test_synthetic0000000000")?;
    println!(
        "Clientele {} — Bloc, {} environment, {}",
        clientele_core::VERSION,
        bloc.environment(),
        bloc.base_url()
    );

    step("1. A form submits a bad payload: every issue comes back at once");
    let bad = CustomerCreateRequest {
        email: "ada@".into(),
        phone_number: "+44 20 7946 0958".into(),
        first_name: " ".into(),
        last_name: "Obi".into(),
        customer_type: CustomerType::Personal,
        bvn: "2222".into(),
    };
    if let Err(err) = bloc.build_create_customer(&bad) {
        println!("{} ({})", err.code(), err.issues().len());
        for issue in err.issues() {
            println!("  {:<12} {:<16} {}", issue.path, issue.code, issue.message);
        }
    }

    step("2. Create a customer (the phone is normalised to Bloc's local form)");
    let payload = CustomerCreateRequest {
        email: "ada.obi@example.com".into(),
        phone_number: "+234 801 234 5678".into(),
        first_name: "Ada".into(),
        last_name: "Obi".into(),
        customer_type: CustomerType::Personal,
        bvn: "22222222222".into(),
    };
    let request = bloc.build_create_customer(&payload)?;
    println!("{request}");
    let customer = Bloc::parse_create_customer(&recorded(&request))?;
    println!("-> {customer}");
    println!(
        "   updated_at: {:?} (Go's zero time means unset)",
        customer.updated_at
    );
    println!("   {customer:?}");

    step("3. List every customer, page by page");
    let mut pager = CustomerPager::new(CustomerListQuery {
        per_page: Some(2),
        ..Default::default()
    });
    while let Some(request) = pager.next_request(&bloc)? {
        println!("GET {}", request.url);
        let page = Bloc::parse_list_customers(&recorded(&request))?;
        pager.advance(&page)?;
        for c in &page.customers {
            println!("  - {c}");
        }
    }

    step("4. KYC tier 1 upgrade");
    let upgrade = KycTier1Upgrade {
        place_of_birth: "Kaduna".into(),
        dob: "1992-03-30".into(),
        gender: Gender::Female,
        country: "Nigeria".into(),
        address: Address {
            street: "12 Admiralty Way".into(),
            city: "Lekki".into(),
            state: "Lagos".into(),
            country: "Nigeria".into(),
            postal_code: "106104".into(),
        },
        image: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==".into(),
    };
    let request = bloc.build_kyc_tier1_upgrade(&customer.id, &upgrade, today)?;
    println!("{request}");
    let upgraded = Bloc::parse_kyc_upgrade(&recorded(&request))?;
    println!(
        "-> {upgraded}, born {:?} (a date, not a timestamp)",
        upgraded.date_of_birth
    );

    step("5. Errors say what happened and whether a retry is safe");
    for (status, headers, body) in [
        (401, vec![], r#"{"success":false,"message":"Unauthorized"}"#),
        (
            429,
            vec![Header::new("Retry-After", "30")],
            r#"{"success":false,"message":"slow down"}"#,
        ),
        (
            500,
            vec![],
            r#"{"success":false,"message":"internal error"}"#,
        ),
    ] {
        let err = Bloc::parse_create_customer(&HttpResponse::new(status, headers, body)).err();
        if let Some(err) = err {
            println!(
                "{status}: code={} retryable={} — {err}",
                err.code(),
                err.is_retryable()
            );
        }
    }

    step("6. Verify a webhook on its raw bytes");
    let secret = "whsec_synthetic_5d3c0a9e";
    let body = br#"{"event":"Customer.created","data":{"id":"64105f5d7f1b4b36103f870e","customer_type":"Personal","status":"active","environment":"test"}}"#;
    let signature = webhook::sign(secret, body);
    let event = webhook::verify_and_parse(secret, body, &signature)?;
    println!(
        "X-Bloc-Webhook {signature} -> {} for {:?}",
        event.event,
        event.customer.map(|c| c.id)
    );
    let tampered = String::from_utf8_lossy(body).replace("active", "archived");
    match webhook::verify_and_parse(secret, tampered.as_bytes(), &signature) {
        Err(err) => println!("tampered body -> {}: {err}", err.code()),
        Ok(_) => println!("tampered body accepted?!"),
    }
    offblocks_tour()?;
    println!(
        "\nDone: every request above was built without I/O; a host sends them with its own transport."
    );
    Ok(())
}

/// OffBlocks: signed requests, the ownership challenge, status changes and webhooks.
fn offblocks_tour() -> Result<(), Error> {
    use base64::Engine as _;
    use clientele_core::offblocks::eth::wallet;
    use clientele_core::offblocks::webhook::{self, WebhookDeduplicator};
    use clientele_core::offblocks::{
        Challenge, OffBlocks, OffBlocksCustomerCreate, OffBlocksStatus, SigningConfig,
    };
    use clientele_core::sig::SigningKey;

    // A synthetic P-384 request-signing key (test data) and a well-known test wallet.
    let key = SigningKey::from_pem(include_str!(
        "../../tests/fixtures/offblocks/test-key-p384.pem"
    ))?;
    let mut wallet_key = [0u8; 32];
    let hex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    for (i, byte) in wallet_key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2).unwrap_or("00"), 16).unwrap_or(0);
    }
    let address = wallet::address_of(&wallet_key)
        .map(|a| wallet::checksum_address(&a))
        .unwrap_or_default();
    let chain_id = format!("eip155:300:{address}");
    let now = chrono::DateTime::from_timestamp(1_763_700_000, 0).unwrap_or_default();

    step("7. OffBlocks: create a customer with a signed, idempotent request");
    let offblocks = OffBlocks::new(
        OffBlocks::SANDBOX_BASE_URL,
        SigningConfig::new("test-key-ecc-p384"),
    )?
    .with_token("eyJhbGciOiJFUzM4NCJ9.synthetic.token")?;
    // A fresh UUID from the host's RNG for each operation, reused unchanged on its retries.
    let idempotency_key = "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4";
    let input = OffBlocksCustomerCreate {
        chain_id: chain_id.clone(),
        external_id: "customer-42".into(),
    };
    let pending = offblocks.build_create_customer(&input, idempotency_key, now)?;
    println!("signature base (the exact bytes a P-384 key signs):");
    println!("{}", String::from_utf8_lossy(pending.signature_base()));
    let request = pending.sign(&key)?;
    println!("\n{request}");

    // The sandbox answers 201 with a Sign-In with Ethereum challenge for the customer's wallet.
    let message = format!(
        "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n{address}\n\n\
         OffBlocks wants to verify ownership of your wallet.\n\nURI: https://api.sandbox.offblocks.xyz\n\
         Version: 1\nChain ID: 300\nNonce: 5ufoiEqDaFvmfo78\nIssued At: 2025-11-21T04:35:00Z"
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(&message);
    let body = format!(
        r#"{{"id":"123e4567-e89b-12d3-a456-426614174000","externalId":"customer-42","chainId":"{chain_id}","status":"initiating","createdAt":"2025-11-21T04:40:00.095Z","updatedAt":"2025-11-21T04:40:00.095Z","challenge":"{encoded}"}}"#
    );
    let created = OffBlocks::parse_create_customer(&HttpResponse::new(201, vec![], body))?;
    println!("-> {created}");

    step(
        "8. The ownership challenge: checked, signed by the wallet, checked again before submitting",
    );
    let challenge = Challenge::open(
        created.challenge.as_deref().unwrap_or_default(),
        &created.chain_id,
        now,
    )?;
    println!(
        "SIWE message for {} on chain {}, nonce {}; EIP-191 digest {}",
        challenge.fields.address,
        challenge.fields.chain_id,
        challenge.fields.nonce,
        challenge.digest
    );
    let sign = |k: &[u8; 32]| {
        wallet::sign_personal_message(k, challenge.message.as_bytes())
            .map(|s| wallet::format_hex_signature(&s))
            .unwrap_or_default()
    };
    if let Err(err) = challenge.accept_signature(&sign(&[0x11; 32])) {
        println!("signed by another wallet -> {}: {err}", err.code());
    }
    let submission = challenge.accept_signature(&sign(&wallet_key))?;
    let request = offblocks
        .build_submit_challenge(
            &created.id,
            &submission,
            "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59",
            now,
        )?
        .sign(&key)?;
    println!(
        "signed by the customer's wallet -> {} {} (signed request)",
        request.method, request.url
    );

    step("9. Deactivate, and what a refused transition looks like");
    println!(
        "active can deactivate: {}",
        OffBlocksStatus::Active.can_deactivate()
    );
    let request = offblocks
        .build_deactivate_customer(&created.id, "7c9e6679-7425-40de-944b-e07fc1f90ae7", now)?
        .sign(&key)?;
    println!("{} {}", request.method, request.url);
    let refused = HttpResponse::new(409, vec![], r#"{"message":"Invalid state transition"}"#);
    if let Err(err) = OffBlocks::parse_status_change(&refused) {
        println!("409 -> {} (retryable: {})", err.code(), err.is_retryable());
    }

    step("10. OffBlocks webhooks: duplicates and out-of-order deliveries");
    let mut seen = WebhookDeduplicator::new(1_000);
    for (event_id, status, updated) in [
        ("ev-1", "screening", "2025-11-21T04:41:00Z"),
        ("ev-1", "screening", "2025-11-21T04:41:00Z"),
        ("ev-3", "active", "2025-11-21T04:45:00Z"),
        ("ev-2", "verifying", "2025-11-21T04:43:00Z"),
    ] {
        let body = format!(
            r#"{{"webhookType":"customer.updated","eventId":"{event_id}","id":"{}","externalId":"customer-42","chainId":"{chain_id}","status":"{status}","createdAt":"2025-11-21T04:40:00Z","updatedAt":"{updated}"}}"#,
            created.id
        );
        let event = webhook::parse(body.as_bytes())?;
        println!("{event_id} {status:<10} -> {:?}", seen.observe(&event));
    }
    Ok(())
}
