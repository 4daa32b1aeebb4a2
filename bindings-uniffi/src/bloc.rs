//! Bloc (api.blochq.io): the context with every build step, the parse steps, payload validation,
//! the pager and webhooks.

use std::sync::{Arc, Mutex, PoisonError};

use clientele_core::bloc::{
    self as core, Customer, CustomerCreateRequest, CustomerListQuery, CustomerPage, CustomerStatus,
    CustomerType, CustomerUpdateRequest, Environment, Gender, KycTier, KycTier1Upgrade,
    KycTier2Upgrade, KycTier3Upgrade, MeansOfId, MeansOfIdentification,
    webhook::{self, BlocEventType, BlocWebhookEvent},
};
use clientele_core::http::{Header, HttpRequest, HttpResponse};

use crate::{CalendarDate, Result};

/// The context of every Bloc request: the secret key (`sk_test_...` or `sk_live_...`, never
/// shown anywhere) and the base URL. Immutable; hold one per key.
#[derive(Debug, uniffi::Object)]
pub struct Bloc(core::Bloc);

impl Bloc {
    /// The core context (for the client engine).
    pub(crate) fn core(&self) -> &core::Bloc {
        &self.0
    }
}

#[uniffi::export]
impl Bloc {
    /// A context for `secret_key` against Bloc's API (`https://api.blochq.io/v1`). The key's
    /// shape is checked; the environment follows its prefix.
    #[uniffi::constructor]
    pub fn new(secret_key: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(Bloc(core::Bloc::new(secret_key)?)))
    }

    /// The same context against another base URL, e.g. a local sandbox
    /// (`http://127.0.0.1:4010/v1`; plain http only for localhost).
    pub fn with_base_url(&self, base_url: &str) -> Result<Arc<Self>> {
        Ok(Arc::new(Bloc(self.0.clone().with_base_url(base_url)?)))
    }

    /// The environment of the key (test or live).
    pub fn environment(&self) -> Environment {
        self.0.environment()
    }

    /// The base URL requests are built against.
    pub fn base_url(&self) -> String {
        self.0.base_url().to_owned()
    }

    /// `GET /customers`: one page (use [`CustomerPager`] to walk all pages).
    pub fn build_list_customers(&self, query: &CustomerListQuery) -> Result<HttpRequest> {
        Ok(self.0.build_list_customers(query)?)
    }

    /// `GET /customers/{id}`; the id is checked first (24 hex characters).
    pub fn build_get_customer(&self, customer_id: &str) -> Result<HttpRequest> {
        Ok(self.0.build_get_customer(customer_id)?)
    }

    /// `POST /customers`, after validating every field (all issues at once).
    pub fn build_create_customer(&self, payload: &CustomerCreateRequest) -> Result<HttpRequest> {
        Ok(self.0.build_create_customer(payload)?)
    }

    /// `PUT /customers/{id}`: a full replacement of the customer's details.
    pub fn build_update_customer(
        &self,
        customer_id: &str,
        payload: &CustomerUpdateRequest,
    ) -> Result<HttpRequest> {
        Ok(self.0.build_update_customer(customer_id, payload)?)
    }

    /// `PUT /customers/upgrade/t1/{id}`; `today` (the host's calendar date) bounds the date of
    /// birth.
    pub fn build_kyc_tier1_upgrade(
        &self,
        customer_id: &str,
        payload: &KycTier1Upgrade,
        today: CalendarDate,
    ) -> Result<HttpRequest> {
        Ok(self
            .0
            .build_kyc_tier1_upgrade(customer_id, payload, today)?)
    }

    /// `PUT /customers/upgrade/t2/{id}`.
    pub fn build_kyc_tier2_upgrade(
        &self,
        customer_id: &str,
        payload: &KycTier2Upgrade,
    ) -> Result<HttpRequest> {
        Ok(self.0.build_kyc_tier2_upgrade(customer_id, payload)?)
    }

    /// `PUT /customers/upgrade/t3/{id}`.
    pub fn build_kyc_tier3_upgrade(
        &self,
        customer_id: &str,
        payload: &KycTier3Upgrade,
    ) -> Result<HttpRequest> {
        Ok(self.0.build_kyc_tier3_upgrade(customer_id, payload)?)
    }

    /// `GET /customers/means-of-id`: the accepted means of identification.
    pub fn build_means_of_identification(&self) -> HttpRequest {
        self.0.build_means_of_identification()
    }

    /// `GET /customers/kyc/revalidate/{id}`: queues a KYC revalidation.
    pub fn build_revalidate_kyc(&self, customer_id: &str) -> Result<HttpRequest> {
        Ok(self.0.build_revalidate_kyc(customer_id)?)
    }
}

/// Bloc's production base URL (test and live share it; the key decides the environment).
#[uniffi::export]
pub fn bloc_default_base_url() -> String {
    core::DEFAULT_BASE_URL.to_owned()
}

/// The default list query: the first page, exactly as Bloc documents the call, with the paging
/// parameters named `page` and `per_page`.
#[uniffi::export]
pub fn bloc_default_list_query() -> CustomerListQuery {
    CustomerListQuery::default()
}

/// Parses a `GET /customers` response into one page.
#[uniffi::export]
pub fn bloc_parse_list_customers(response: &HttpResponse) -> Result<CustomerPage> {
    Ok(core::Bloc::parse_list_customers(response)?)
}

/// Parses a `GET /customers/{id}` response.
#[uniffi::export]
pub fn bloc_parse_get_customer(response: &HttpResponse) -> Result<Customer> {
    Ok(core::Bloc::parse_get_customer(response)?)
}

/// Parses a `POST /customers` response. A 5xx answer is never retryable: the customer may exist.
#[uniffi::export]
pub fn bloc_parse_create_customer(response: &HttpResponse) -> Result<Customer> {
    Ok(core::Bloc::parse_create_customer(response)?)
}

/// Parses a `PUT /customers/{id}` response.
#[uniffi::export]
pub fn bloc_parse_update_customer(response: &HttpResponse) -> Result<Customer> {
    Ok(core::Bloc::parse_update_customer(response)?)
}

/// Parses the response of any KYC tier upgrade: the upgraded customer.
#[uniffi::export]
pub fn bloc_parse_kyc_upgrade(response: &HttpResponse) -> Result<Customer> {
    Ok(core::Bloc::parse_kyc_upgrade(response)?)
}

/// Parses a `GET /customers/means-of-id` response.
#[uniffi::export]
pub fn bloc_parse_means_of_identification(
    response: &HttpResponse,
) -> Result<Vec<MeansOfIdentification>> {
    Ok(core::Bloc::parse_means_of_identification(response)?)
}

/// Parses a `GET /customers/kyc/revalidate/{id}` response into Bloc's message.
#[uniffi::export]
pub fn bloc_parse_revalidate_kyc(response: &HttpResponse) -> Result<String> {
    Ok(core::Bloc::parse_revalidate_kyc(response)?)
}

/// Checks a create payload completely; fails with every issue at once.
#[uniffi::export]
pub fn validate_bloc_customer_create(payload: &CustomerCreateRequest) -> Result<()> {
    Ok(payload.validate()?)
}

/// Checks an update payload completely.
#[uniffi::export]
pub fn validate_bloc_customer_update(payload: &CustomerUpdateRequest) -> Result<()> {
    Ok(payload.validate()?)
}

/// Checks a KYC tier 1 payload against `today` (for the date of birth).
#[uniffi::export]
pub fn validate_kyc_tier1_upgrade(payload: &KycTier1Upgrade, today: CalendarDate) -> Result<()> {
    Ok(payload.validate(today)?)
}

/// Checks a KYC tier 2 payload.
#[uniffi::export]
pub fn validate_kyc_tier2_upgrade(payload: &KycTier2Upgrade) -> Result<()> {
    Ok(payload.validate()?)
}

/// Checks a KYC tier 3 payload.
#[uniffi::export]
pub fn validate_kyc_tier3_upgrade(payload: &KycTier3Upgrade) -> Result<()> {
    Ok(payload.validate()?)
}

/// Whether the customer's KYC has reached at least `tier` (unknown tiers: not reached).
#[uniffi::export]
pub fn bloc_customer_has_kyc_tier(customer: &Customer, tier: u8) -> bool {
    customer.has_kyc_tier(tier)
}

/// Walks every page of customers: ask `next_request`, send it, parse the page with
/// [`bloc_parse_list_customers`], hand it to `advance`, until `next_request` returns nothing.
/// Stops with `paging_ignored` if Bloc sends the same page twice. Safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct CustomerPager(Mutex<core::CustomerPager>);

impl CustomerPager {
    fn with<T>(&self, f: impl FnOnce(&mut core::CustomerPager) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-call; the pager's state is
        // still a valid value, so keep using it.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[uniffi::export]
impl CustomerPager {
    /// Starts at `query.page` (or the first page).
    #[uniffi::constructor]
    pub fn new(query: CustomerListQuery) -> Arc<Self> {
        Arc::new(CustomerPager(Mutex::new(core::CustomerPager::new(query))))
    }

    /// The request for the next page, or nothing when every page has been seen.
    pub fn next_request(&self, bloc: &Bloc) -> Result<Option<HttpRequest>> {
        Ok(self.with(|p| p.next_request(&bloc.0))?)
    }

    /// The query of the next page (for the client engine's `ListCustomers` operation), or
    /// nothing when every page has been seen.
    pub fn next_query(&self) -> Option<CustomerListQuery> {
        self.with(|p| p.next_query())
    }

    /// Records a parsed page: moves on, or finishes when `hasNext` is false or the page is empty.
    pub fn advance(&self, page: &CustomerPage) -> Result<()> {
        Ok(self.with(|p| p.advance(page))?)
    }

    /// Whether every page has been seen.
    pub fn is_finished(&self) -> bool {
        self.with(|p| p.is_finished())
    }

    /// The page number the next request asks for.
    pub fn next_page(&self) -> Option<u32> {
        self.with(|p| p.next_page())
    }
}

/// Verifies the `X-Bloc-Webhook` value against the RAW body bytes, in constant time.
#[uniffi::export]
pub fn bloc_webhook_verify(secret: &str, body: Vec<u8>, signature: &str) -> Result<()> {
    Ok(webhook::verify(secret, &body, signature)?)
}

/// Parses a delivery WITHOUT verifying it (use [`verify_bloc_webhook`] for deliveries).
#[uniffi::export]
pub fn parse_bloc_webhook(body: Vec<u8>) -> Result<BlocWebhookEvent> {
    Ok(webhook::parse(&body)?)
}

/// Verifies a delivery's `X-Bloc-Webhook` header (its name matched ignoring case) against the
/// RAW body, in constant time, then parses it: the one call a webhook handler needs.
#[uniffi::export]
pub fn verify_bloc_webhook(
    body: Vec<u8>,
    headers: &[Header],
    secret: &str,
) -> Result<BlocWebhookEvent> {
    webhook::verify_headers(secret, &body, headers)?;
    Ok(webhook::parse(&body)?)
}

/// Whether the event's `data` is a customer (`customer.*` events).
#[uniffi::export]
pub fn bloc_event_is_customer_event(event: &BlocEventType) -> bool {
    event.is_customer_event()
}

crate::open_enum_functions! {
    CustomerStatus => customer_status_from_wire, customer_status_wire_value;
    CustomerType => customer_type_from_wire, customer_type_wire_value;
    Gender => gender_from_wire, gender_wire_value;
    KycTier => kyc_tier_from_wire, kyc_tier_wire_value;
    Environment => environment_from_wire, environment_wire_value;
    MeansOfId => means_of_id_from_wire, means_of_id_wire_value;
    BlocEventType => bloc_event_type_from_wire, bloc_event_type_wire_value;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClienteleError;

    #[test]
    fn the_pager_walks_pages_through_the_object() {
        let bloc = Bloc::new("sk_test_0123456789abcdef").unwrap();
        let pager = CustomerPager::new(bloc_default_list_query());
        let first = pager.next_request(&bloc).unwrap().unwrap();
        assert_eq!(first.url, "https://api.blochq.io/v1/customers");
        let page = bloc_parse_list_customers(&HttpResponse::new(
            200,
            vec![],
            r#"{"success":true,"data":[{"id":"6410612c7f1b4b36103f872a","customer_type":"Personal","status":"active","environment":"test"}],"metadata":{"has_next":true}}"#,
        ))
        .unwrap();
        pager.advance(&page).unwrap();
        assert_eq!(pager.next_page(), Some(2));
        let err = pager.advance(&page).unwrap_err();
        assert!(matches!(err, ClienteleError::Config { ref code, .. } if code == "paging_ignored"));
        assert!(pager.is_finished());
        assert_eq!(pager.next_request(&bloc).unwrap(), None);
    }

    #[test]
    fn open_enums_parse_and_print_wire_values() {
        assert_eq!(gender_from_wire("male"), Gender::Male);
        assert_eq!(gender_wire_value(&Gender::Male), "Male");
        assert_eq!(
            customer_status_from_wire("frozen"),
            CustomerStatus::Other("frozen".into())
        );
    }
}
