//! Bloc response bodies (customer, list, means of id, revalidation, error bodies) at any status;
//! the one-pass page reader must answer exactly as the typed parser does.
#![no_main]
use clientele_core::bloc::Bloc;
use clientele_core::http::{Header, HttpResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let status = data
        .first()
        .map_or(200, |b| [200, 400, 401, 404, 429, 500][usize::from(*b) % 6]);
    let retry_after =
        String::from_utf8_lossy(data.get(..data.len().min(16)).unwrap_or_default()).into_owned();
    let response = HttpResponse::new(status, vec![Header::new("Retry-After", retry_after)], data);
    let typed = Bloc::parse_list_customers(&response);
    match (Bloc::parse_list_customers_json(&response), &typed) {
        (Ok(fast), Ok(page)) => {
            assert_eq!(fast.json(), serde_json::to_string(page).unwrap());
            assert_eq!(fast.len(), page.customers.len());
            assert_eq!(fast.has_next(), page.has_next);
            assert_eq!(
                fast.first_id(),
                page.customers.first().map(|c| c.id.as_str())
            );
        }
        (Err(fast), Err(typed)) => assert_eq!(fast.to_string(), typed.to_string()),
        (fast, typed) => panic!("the paths disagree: {fast:?} / {typed:?}"),
    }
    for result in [
        Bloc::parse_get_customer(&response).err(),
        Bloc::parse_create_customer(&response).err(),
        Bloc::parse_list_customers(&response).err(),
        Bloc::parse_means_of_identification(&response).err(),
        Bloc::parse_revalidate_kyc(&response).err(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(!result.code().is_empty());
        let _ = result.to_string();
    }
});
