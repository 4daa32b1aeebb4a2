//! A narrated walk through a Bloc customer's lifecycle with the sans-IO core: every request is
//! built and printed (secrets and personal data masked), and recorded responses are parsed.
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
    println!(
        "\nDone: every request above was built without I/O; a host sends them with its own transport."
    );
    Ok(())
}
