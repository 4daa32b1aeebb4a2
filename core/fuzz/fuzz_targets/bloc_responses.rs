//! Bloc response bodies (customer, list, means of id, revalidation, error bodies) at any status.
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
