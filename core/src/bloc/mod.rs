//! Bloc (api.blochq.io): customers over REST with a Bearer secret key.
//!
//! [`Bloc`] holds the context of every request (the secret key and the base URL). Each operation
//! is a `build_*` method returning an [`HttpRequest`] and a `parse_*` function turning the
//! [`HttpResponse`] into a typed value or an [`Error`]:
//!
//! | operation | build | parse |
//! |---|---|---|
//! | list customers (one page) | [`Bloc::build_list_customers`] / [`CustomerPager`] | [`Bloc::parse_list_customers`] (or [`Bloc::parse_list_customers_json`], the page as JSON text) |
//! | get a customer | [`Bloc::build_get_customer`] | [`Bloc::parse_get_customer`] |
//! | create a customer | [`Bloc::build_create_customer`] | [`Bloc::parse_create_customer`] |
//! | update a customer | [`Bloc::build_update_customer`] | [`Bloc::parse_update_customer`] |
//! | KYC tier 1, 2, 3 | [`Bloc::build_kyc_tier1_upgrade`], ... | [`Bloc::parse_kyc_upgrade`] |
//! | means of identification | [`Bloc::build_means_of_identification`] | [`Bloc::parse_means_of_identification`] |
//! | revalidate KYC | [`Bloc::build_revalidate_kyc`] | [`Bloc::parse_revalidate_kyc`] |
//!
//! Webhooks are verified and parsed by [`webhook`].
//!
//! A Bloc customer cannot be deleted (Bloc: "once a customer is added, you cannot remove them");
//! archive or edit it in Bloc's dashboard, which has no API.

mod model;
mod page_json;
mod pager;
mod request;
pub mod webhook;

use std::fmt;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use model::{
    Customer, CustomerAddress, CustomerPage, CustomerStatus, CustomerType, Environment, Gender,
    KycTier, MeansOfId, MeansOfIdentification, SyncData,
};
pub use pager::{CustomerListQuery, CustomerPager};
pub use request::{
    Address, CustomerCreateRequest, CustomerUpdateRequest, KycTier1Upgrade, KycTier2Upgrade,
    KycTier3Upgrade,
};

use crate::error::{ApiError, CredentialsError, DecodeError, Provider};
use crate::http::{Header, HttpRequest, HttpResponse, Method, normalize_base_url};
use crate::validate::Issues;
use crate::{Error, ValidationError};

/// Bloc's production base URL. Test and live share it; the key decides the environment.
pub const DEFAULT_BASE_URL: &str = "https://api.blochq.io/v1";

/// A Bloc secret key (`sk_test_...` or `sk_live_...`). It never appears in `Debug`, `Display`
/// or any error text.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Checks the key's shape: a `sk_test_` or `sk_live_` prefix followed by printable,
    /// non-whitespace ASCII.
    pub fn parse(key: &str) -> Result<Self, CredentialsError> {
        if key.is_empty() {
            return Err(CredentialsError::Empty);
        }
        if key.starts_with("pk_") {
            return Err(CredentialsError::PublicKey);
        }
        let rest = key
            .strip_prefix("sk_test_")
            .or_else(|| key.strip_prefix("sk_live_"))
            .ok_or(CredentialsError::UnknownPrefix)?;
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_graphic()) || key.len() > 512 {
            return Err(CredentialsError::Malformed);
        }
        Ok(SecretKey(key.to_owned()))
    }

    /// The environment the key belongs to.
    pub fn environment(&self) -> Environment {
        if self.0.starts_with("sk_live_") {
            Environment::Live
        } else {
            Environment::Test
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(sk_{}_<redacted>)", self.environment())
    }
}

/// The context of every Bloc request: the secret key and the base URL. Nothing global; hold one
/// per key.
#[derive(Clone, Debug)]
pub struct Bloc {
    key: SecretKey,
    base_url: String,
}

impl Bloc {
    /// A context for `secret_key` against [`DEFAULT_BASE_URL`].
    ///
    /// ```
    /// use clientele_core::bloc::{Bloc, Environment};
    ///
    /// let bloc = Bloc::new("sk_test_0123456789abcdef")?;
    /// assert_eq!(bloc.environment(), Environment::Test);
    /// assert!(Bloc::new("pk_test_0123").is_err());
    /// # Ok::<(), clientele_core::Error>(())
    /// ```
    pub fn new(secret_key: &str) -> Result<Self, Error> {
        Ok(Bloc {
            key: SecretKey::parse(secret_key)?,
            base_url: DEFAULT_BASE_URL.to_owned(),
        })
    }

    /// The same context against another base URL, e.g. a local sandbox
    /// (`http://127.0.0.1:4010/v1`). Plain `http` is accepted only for localhost.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Self, Error> {
        self.base_url = normalize_base_url(base_url)?;
        Ok(self)
    }

    /// The environment of the key (test or live).
    pub fn environment(&self) -> Environment {
        self.key.environment()
    }

    /// The base URL requests are built against.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn request(&self, method: Method, path_and_query: &str, body: Vec<u8>) -> HttpRequest {
        let mut headers = vec![
            Header::new("Authorization", format!("Bearer {}", self.key.0)),
            Header::new("Accept", "application/json"),
        ];
        if !body.is_empty() {
            headers.push(Header::new("Content-Type", "application/json"));
        }
        HttpRequest {
            method,
            url: format!("{}{path_and_query}", self.base_url),
            headers,
            body,
        }
    }

    /// `GET /customers`: one page. Use [`CustomerPager`] to walk all pages.
    pub fn build_list_customers(&self, query: &CustomerListQuery) -> Result<HttpRequest, Error> {
        let qs = query.to_query_string()?;
        Ok(self.request(Method::Get, &format!("/customers{qs}"), Vec::new()))
    }

    /// `GET /customers/{id}`. The id is checked (24 hex characters) before anything is built.
    pub fn build_get_customer(&self, customer_id: &str) -> Result<HttpRequest, Error> {
        check_id(customer_id)?;
        Ok(self.request(
            Method::Get,
            &format!("/customers/{customer_id}"),
            Vec::new(),
        ))
    }

    /// `POST /customers`, after validating every field.
    ///
    /// ```
    /// use clientele_core::bloc::{Bloc, CustomerCreateRequest, CustomerType};
    ///
    /// let bloc = Bloc::new("sk_test_0123456789abcdef")?;
    /// let request = bloc.build_create_customer(&CustomerCreateRequest {
    ///     email: "ada@example.com".into(),
    ///     phone_number: "+2348012345678".into(),
    ///     first_name: "Ada".into(),
    ///     last_name: "Obi".into(),
    ///     customer_type: CustomerType::Personal,
    ///     bvn: "22222222222".into(),
    /// })?;
    /// assert_eq!(request.url, "https://api.blochq.io/v1/customers");
    /// assert!(request.body_text().unwrap().contains(r#""phone_number":"08012345678""#));
    /// # Ok::<(), clientele_core::Error>(())
    /// ```
    pub fn build_create_customer(
        &self,
        payload: &CustomerCreateRequest,
    ) -> Result<HttpRequest, Error> {
        let body = payload.to_body()?;
        Ok(self.request(Method::Post, "/customers", body))
    }

    /// `PUT /customers/{id}`: a full replacement of the customer's details.
    pub fn build_update_customer(
        &self,
        customer_id: &str,
        payload: &CustomerUpdateRequest,
    ) -> Result<HttpRequest, Error> {
        let body = with_id(customer_id, payload.to_body())?;
        Ok(self.request(Method::Put, &format!("/customers/{customer_id}"), body))
    }

    /// `PUT /customers/upgrade/t1/{id}`; `today` bounds the date of birth.
    pub fn build_kyc_tier1_upgrade(
        &self,
        customer_id: &str,
        payload: &KycTier1Upgrade,
        today: NaiveDate,
    ) -> Result<HttpRequest, Error> {
        let body = with_id(customer_id, payload.to_body(today))?;
        Ok(self.request(
            Method::Put,
            &format!("/customers/upgrade/t1/{customer_id}"),
            body,
        ))
    }

    /// `PUT /customers/upgrade/t2/{id}`.
    pub fn build_kyc_tier2_upgrade(
        &self,
        customer_id: &str,
        payload: &KycTier2Upgrade,
    ) -> Result<HttpRequest, Error> {
        let body = with_id(customer_id, payload.to_body())?;
        Ok(self.request(
            Method::Put,
            &format!("/customers/upgrade/t2/{customer_id}"),
            body,
        ))
    }

    /// `PUT /customers/upgrade/t3/{id}`.
    pub fn build_kyc_tier3_upgrade(
        &self,
        customer_id: &str,
        payload: &KycTier3Upgrade,
    ) -> Result<HttpRequest, Error> {
        let body = with_id(customer_id, payload.to_body())?;
        Ok(self.request(
            Method::Put,
            &format!("/customers/upgrade/t3/{customer_id}"),
            body,
        ))
    }

    /// `GET /customers/means-of-id`: the accepted means of identification. (A community SDK
    /// calls `/customers/means/identity`; Bloc's specification says `/customers/means-of-id`.)
    pub fn build_means_of_identification(&self) -> HttpRequest {
        self.request(Method::Get, "/customers/means-of-id", Vec::new())
    }

    /// `GET /customers/kyc/revalidate/{id}`: queues a KYC revalidation (results come by email).
    pub fn build_revalidate_kyc(&self, customer_id: &str) -> Result<HttpRequest, Error> {
        check_id(customer_id)?;
        Ok(self.request(
            Method::Get,
            &format!("/customers/kyc/revalidate/{customer_id}"),
            Vec::new(),
        ))
    }

    /// Parses a `GET /customers` response into one page.
    pub fn parse_list_customers(response: &HttpResponse) -> Result<CustomerPage, Error> {
        let env = parse_envelope::<Vec<Customer>>(response, true)?;
        let metadata = env.metadata.unwrap_or_default();
        Ok(CustomerPage {
            customers: env.data.unwrap_or_default(),
            has_next: metadata.has_next,
            has_previous: metadata.has_previous,
        })
    }

    /// Parses a `GET /customers` response straight into the JSON text of the [`CustomerPage`]:
    /// exactly what `serde_json::to_string(&Bloc::parse_list_customers(response)?)` writes, and
    /// the same errors, without building the customers. For hosts that hand the page to a JSON
    /// parser of their own (the npm package does); a large page reads several times faster.
    ///
    /// ```
    /// use clientele_core::bloc::Bloc;
    /// use clientele_core::http::HttpResponse;
    ///
    /// let body = r#"{"success":true,"data":[{"id":"6410612c7f1b4b36103f872a","first_name":"Ada","customer_type":"Personal","status":"active","environment":"test","kyc_tier":"1"}],"metadata":{"has_next":false}}"#;
    /// let response = HttpResponse::new(200, vec![], body);
    /// let page = Bloc::parse_list_customers_json(&response)?;
    /// let typed = Bloc::parse_list_customers(&response)?;
    /// assert_eq!(page.json(), serde_json::to_string(&typed).unwrap());
    /// assert_eq!((page.len(), page.has_next()), (1, false));
    /// # Ok::<(), clientele_core::Error>(())
    /// ```
    pub fn parse_list_customers_json(response: &HttpResponse) -> Result<CustomerPageJson, Error> {
        if response.is_success()
            && let Some(page) = page_json::page(&response.body)
        {
            return Ok(CustomerPageJson(page));
        }
        // Anything the fast path does not take (errors included) goes the typed way.
        let page = Bloc::parse_list_customers(response)?;
        let json = serde_json::to_string(&page).map_err(|e| DecodeError {
            provider: Provider::Bloc,
            status: response.status,
            path: ".".into(),
            message: format!("could not write the page as JSON: {e}"),
        })?;
        Ok(CustomerPageJson(page_json::Page {
            json,
            first_id: page.customers.first().map(|c| c.id.clone()),
            len: page.customers.len(),
            has_next: page.has_next,
        }))
    }

    /// Parses a `GET /customers/{id}` response.
    pub fn parse_get_customer(response: &HttpResponse) -> Result<Customer, Error> {
        customer_data(response, true)
    }

    /// Parses a `POST /customers` response (Bloc answers 200, not 201). A 5xx answer is never
    /// marked retryable: the customer may have been created.
    pub fn parse_create_customer(response: &HttpResponse) -> Result<Customer, Error> {
        customer_data(response, false)
    }

    /// Parses a `PUT /customers/{id}` response.
    pub fn parse_update_customer(response: &HttpResponse) -> Result<Customer, Error> {
        customer_data(response, true)
    }

    /// Parses the response of any KYC tier upgrade: the upgraded customer.
    pub fn parse_kyc_upgrade(response: &HttpResponse) -> Result<Customer, Error> {
        customer_data(response, true)
    }

    /// Parses a `GET /customers/means-of-id` response.
    pub fn parse_means_of_identification(
        response: &HttpResponse,
    ) -> Result<Vec<MeansOfIdentification>, Error> {
        Ok(
            parse_envelope::<Vec<MeansOfIdentification>>(response, true)?
                .data
                .unwrap_or_default(),
        )
    }

    /// Parses a `GET /customers/kyc/revalidate/{id}` response into Bloc's message
    /// (e.g. `kyc verification queued.`).
    pub fn parse_revalidate_kyc(response: &HttpResponse) -> Result<String, Error> {
        let env = parse_envelope::<serde::de::IgnoredAny>(response, true)?;
        Ok(env.message.unwrap_or_default())
    }
}

/// Checks a customer id: 24 hex characters (a MongoDB ObjectId).
pub use crate::validate::bloc_customer_id as check_customer_id;

fn check_id(customer_id: &str) -> Result<(), ValidationError> {
    let mut issues = Issues::default();
    if let Err(code) = check_customer_id(customer_id) {
        issues.add_with(
            "customerId",
            code,
            "A Bloc customer id is 24 hexadecimal characters.".into(),
        );
    }
    issues.finish()
}

/// Merges id issues with payload issues so the caller sees all of them.
fn with_id(
    customer_id: &str,
    body: Result<Vec<u8>, ValidationError>,
) -> Result<Vec<u8>, ValidationError> {
    match (check_id(customer_id), body) {
        (Ok(()), body) => body,
        (Err(mut e), Err(more)) => {
            e.issues.extend(more.issues);
            Err(e)
        }
        (Err(e), Ok(_)) => Err(e),
    }
}

/// A page of customers as JSON text, from [`Bloc::parse_list_customers_json`].
pub struct CustomerPageJson(page_json::Page);

impl CustomerPageJson {
    /// The page as the JSON of a [`CustomerPage`] (`{"customers":[...],"hasNext":..,...}`).
    pub fn json(&self) -> &str {
        &self.0.json
    }

    /// The JSON text, owned.
    pub fn into_json(self) -> String {
        self.0.json
    }

    /// How many customers the page holds.
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the page holds no customer.
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// Whether a further page exists.
    pub fn has_next(&self) -> bool {
        self.0.has_next
    }

    /// The first customer's id, if any.
    pub fn first_id(&self) -> Option<&str> {
        self.0.first_id.as_deref()
    }
}

impl fmt::Debug for CustomerPageJson {
    /// The counts only: the JSON holds personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerPageJson")
            .field("len", &self.0.len)
            .field("has_next", &self.0.has_next)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    has_next: bool,
    #[serde(default)]
    has_previous: bool,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Envelope<T> {
    #[serde(default, deserialize_with = "crate::json::flexible_bool")]
    success: Option<bool>,
    #[serde(default = "none")]
    data: Option<T>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

fn none<T>() -> Option<T> {
    None
}

/// Checks the status and the `{success, data, message}` envelope.
fn parse_envelope<T: DeserializeOwned>(
    response: &HttpResponse,
    idempotent: bool,
) -> Result<Envelope<T>, Error> {
    if !response.is_success() {
        return Err(ApiError::from_response(Provider::Bloc, response, idempotent).into());
    }
    let env: Envelope<T> = crate::json::decode(&response.body).map_err(|f| DecodeError {
        provider: Provider::Bloc,
        status: response.status,
        path: f.path,
        message: f.message,
    })?;
    if env.success == Some(false) {
        let message = env.message.clone();
        return Err(ApiError::with_message(Provider::Bloc, response, idempotent, message).into());
    }
    Ok(env)
}

fn customer_data(response: &HttpResponse, idempotent: bool) -> Result<Customer, Error> {
    parse_envelope::<Customer>(response, idempotent)?
        .data
        .ok_or_else(|| {
            DecodeError {
                provider: Provider::Bloc,
                status: response.status,
                path: "data".into(),
                message: "missing field `data` (the customer)".into(),
            }
            .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        assert_eq!(
            SecretKey::parse("sk_live_abc").unwrap().environment(),
            Environment::Live
        );
        assert_eq!(
            SecretKey::parse("sk_test_abc").unwrap().environment(),
            Environment::Test
        );
        for (bad, want) in [
            ("", CredentialsError::Empty),
            ("pk_live_abc", CredentialsError::PublicKey),
            ("sk_prod_abc", CredentialsError::UnknownPrefix),
            ("Bearer sk_test_abc", CredentialsError::UnknownPrefix),
            ("sk_test_", CredentialsError::Malformed),
            ("sk_test_abc def", CredentialsError::Malformed),
            ("sk_test_abc\n", CredentialsError::Malformed),
        ] {
            assert_eq!(SecretKey::parse(bad), Err(want), "{bad:?}");
        }
        let key = SecretKey::parse("sk_test_supersecret").unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(sk_test_<redacted>)");
        let bloc = Bloc::new("sk_test_supersecret").unwrap();
        assert!(!format!("{bloc:?}").contains("supersecret"));
    }

    #[test]
    fn ids_are_checked_before_building() {
        let bloc = Bloc::new("sk_test_x").unwrap();
        assert!(bloc.build_get_customer("6410612c7f1b4b36103f872a").is_ok());
        for bad in [
            "",
            "6410612c7f1b4b36103f872",
            "6410612c7f1b4b36103f872g",
            "../customers",
            "6410612c7f1b4b36103f872a/x",
        ] {
            let err = bloc.build_get_customer(bad).unwrap_err();
            assert_eq!(err.issues()[0].path, "customerId", "{bad}");
        }
    }

    #[test]
    fn update_reports_id_and_payload_issues_together() {
        let bloc = Bloc::new("sk_test_x").unwrap();
        let payload = CustomerUpdateRequest {
            email: "bad".into(),
            phone_number: "08012345678".into(),
            first_name: "Ada".into(),
            last_name: "Obi".into(),
            customer_type: CustomerType::Personal,
            address: None,
        };
        let err = bloc.build_update_customer("nope", &payload).unwrap_err();
        let paths: Vec<_> = err.issues().iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["customerId", "email"]);
    }
}
