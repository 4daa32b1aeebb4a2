//! CAIP-10 account ids, phone numbers, emails, images, dates, ids and base URLs.
#![no_main]
use chrono::NaiveDate;
use clientele_core::validate;
use clientele_siwe::AccountId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(id) = AccountId::parse(&text) {
        assert_eq!(id.to_string(), text);
    }
    if let Ok(local) = validate::nigerian_phone(&text) {
        assert_eq!(validate::nigerian_phone(&local), Ok(local.clone()));
    }
    let _ = validate::email(&text);
    let _ = validate::image(&text);
    let _ = validate::past_date(
        &text,
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
    );
    let _ = validate::calendar_date(&text);
    let _ = clientele_core::http::normalize_base_url(&text);
    let _ = clientele_core::bloc::check_customer_id(&text);
    let _ = clientele_core::offblocks::uuid(&text);
});
