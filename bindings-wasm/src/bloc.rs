//! Bloc for JS: the `Bloc` context class, payload validation that needs no key, the pager and
//! webhook helpers.

use clientele_core::bloc::{
    self, Bloc as CoreBloc, CustomerCreateRequest, CustomerListQuery, CustomerPager,
    CustomerUpdateRequest, KycTier1Upgrade, KycTier2Upgrade, KycTier3Upgrade,
    webhook::{self},
};
use clientele_core::http::Header;
use clientele_core::{Issue, ValidationError};
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, OrThrow, date, input, invalid_argument, output, parsed, response};

/// The context of every Bloc request: the secret key and the base URL.
#[wasm_bindgen]
pub struct Bloc(CoreBloc);

#[wasm_bindgen]
impl Bloc {
    /// A context for `secretKey` (`sk_test_...` or `sk_live_...`), against `baseUrl` when given.
    #[wasm_bindgen(constructor)]
    pub fn new(secret_key: &str, base_url: Option<String>) -> JsResult<Bloc> {
        let bloc = CoreBloc::new(secret_key).or_throw()?;
        let bloc = match base_url {
            Some(url) => bloc.with_base_url(&url).or_throw()?,
            None => bloc,
        };
        Ok(Bloc(bloc))
    }

    /// `"test"` or `"live"`, from the key.
    #[wasm_bindgen(getter)]
    pub fn environment(&self) -> String {
        self.0.environment().as_str().to_owned()
    }

    /// The base URL requests are built against.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.0.base_url().to_owned()
    }

    /// `GET /customers` (one page).
    #[wasm_bindgen(js_name = buildListCustomers)]
    pub fn build_list_customers(&self, query: Option<String>) -> JsResult<String> {
        let query = match query {
            Some(q) => input(&q, "query")?,
            None => CustomerListQuery::default(),
        };
        output(&self.0.build_list_customers(&query).or_throw()?)
    }

    /// `GET /customers/{id}`.
    #[wasm_bindgen(js_name = buildGetCustomer)]
    pub fn build_get_customer(&self, customer_id: &str) -> JsResult<String> {
        output(&self.0.build_get_customer(customer_id).or_throw()?)
    }

    /// `POST /customers`.
    #[wasm_bindgen(js_name = buildCreateCustomer)]
    pub fn build_create_customer(&self, payload: &str) -> JsResult<String> {
        output(
            &self
                .0
                .build_create_customer(&input(payload, "payload")?)
                .or_throw()?,
        )
    }

    /// `PUT /customers/{id}`.
    #[wasm_bindgen(js_name = buildUpdateCustomer)]
    pub fn build_update_customer(&self, customer_id: &str, payload: &str) -> JsResult<String> {
        output(
            &self
                .0
                .build_update_customer(customer_id, &input(payload, "payload")?)
                .or_throw()?,
        )
    }

    /// `PUT /customers/upgrade/t1/{id}`; `today` (`YYYY-MM-DD`) bounds the date of birth.
    #[wasm_bindgen(js_name = buildKycTier1Upgrade)]
    pub fn build_kyc_tier1_upgrade(
        &self,
        customer_id: &str,
        payload: &str,
        today: &str,
    ) -> JsResult<String> {
        let today = date(today, "today")?;
        output(
            &self
                .0
                .build_kyc_tier1_upgrade(customer_id, &input(payload, "payload")?, today)
                .or_throw()?,
        )
    }

    /// `PUT /customers/upgrade/t2/{id}`.
    #[wasm_bindgen(js_name = buildKycTier2Upgrade)]
    pub fn build_kyc_tier2_upgrade(&self, customer_id: &str, payload: &str) -> JsResult<String> {
        output(
            &self
                .0
                .build_kyc_tier2_upgrade(customer_id, &input(payload, "payload")?)
                .or_throw()?,
        )
    }

    /// `PUT /customers/upgrade/t3/{id}`.
    #[wasm_bindgen(js_name = buildKycTier3Upgrade)]
    pub fn build_kyc_tier3_upgrade(&self, customer_id: &str, payload: &str) -> JsResult<String> {
        output(
            &self
                .0
                .build_kyc_tier3_upgrade(customer_id, &input(payload, "payload")?)
                .or_throw()?,
        )
    }

    /// `GET /customers/means-of-id`.
    #[wasm_bindgen(js_name = buildMeansOfIdentification)]
    pub fn build_means_of_identification(&self) -> JsResult<String> {
        output(&self.0.build_means_of_identification())
    }

    /// `GET /customers/kyc/revalidate/{id}`.
    #[wasm_bindgen(js_name = buildRevalidateKyc)]
    pub fn build_revalidate_kyc(&self, customer_id: &str) -> JsResult<String> {
        output(&self.0.build_revalidate_kyc(customer_id).or_throw()?)
    }

    /// Parses a `GET /customers` response (read straight into the page's JSON, in one pass).
    #[wasm_bindgen(js_name = parseListCustomers)]
    pub fn parse_list_customers(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        let response = response(status, headers, body)?;
        Ok(CoreBloc::parse_list_customers_json(&response)
            .or_throw()?
            .into_json())
    }

    /// Parses a `GET /customers/{id}` response.
    #[wasm_bindgen(js_name = parseGetCustomer)]
    pub fn parse_get_customer(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, CoreBloc::parse_get_customer)
    }

    /// Parses a `POST /customers` response (a 5xx is never marked retryable).
    #[wasm_bindgen(js_name = parseCreateCustomer)]
    pub fn parse_create_customer(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, CoreBloc::parse_create_customer)
    }

    /// Parses a `PUT /customers/{id}` response.
    #[wasm_bindgen(js_name = parseUpdateCustomer)]
    pub fn parse_update_customer(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, CoreBloc::parse_update_customer)
    }

    /// Parses the response of any KYC tier upgrade.
    #[wasm_bindgen(js_name = parseKycUpgrade)]
    pub fn parse_kyc_upgrade(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        parsed(status, headers, body, CoreBloc::parse_kyc_upgrade)
    }

    /// Parses a `GET /customers/means-of-id` response.
    #[wasm_bindgen(js_name = parseMeansOfIdentification)]
    pub fn parse_means_of_identification(
        status: u16,
        headers: &str,
        body: &[u8],
    ) -> JsResult<String> {
        parsed(
            status,
            headers,
            body,
            CoreBloc::parse_means_of_identification,
        )
    }

    /// Parses a `GET /customers/kyc/revalidate/{id}` response into Bloc's message.
    #[wasm_bindgen(js_name = parseRevalidateKyc)]
    pub fn parse_revalidate_kyc(status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        CoreBloc::parse_revalidate_kyc(&response(status, headers, body)?).or_throw()
    }
}

fn issues(result: Result<(), ValidationError>) -> JsResult<String> {
    let issues: Vec<Issue> = result.err().map(|e| e.issues).unwrap_or_default();
    output(&issues)
}

/// Every issue of a create payload (empty when valid). Needs no key: safe in a browser form.
#[wasm_bindgen(js_name = validateBlocCustomerCreate)]
pub fn validate_customer_create(payload: &str) -> JsResult<String> {
    issues(input::<CustomerCreateRequest>(payload, "payload")?.validate())
}

/// Every issue of an update payload (empty when valid).
#[wasm_bindgen(js_name = validateBlocCustomerUpdate)]
pub fn validate_customer_update(payload: &str) -> JsResult<String> {
    issues(input::<CustomerUpdateRequest>(payload, "payload")?.validate())
}

/// Every issue of a KYC tier 1 payload (empty when valid); `today` is `YYYY-MM-DD`.
#[wasm_bindgen(js_name = validateKycTier1Upgrade)]
pub fn validate_kyc_tier1(payload: &str, today: &str) -> JsResult<String> {
    let today = date(today, "today")?;
    issues(input::<KycTier1Upgrade>(payload, "payload")?.validate(today))
}

/// Every issue of a KYC tier 2 payload (empty when valid).
#[wasm_bindgen(js_name = validateKycTier2Upgrade)]
pub fn validate_kyc_tier2(payload: &str) -> JsResult<String> {
    issues(input::<KycTier2Upgrade>(payload, "payload")?.validate())
}

/// Every issue of a KYC tier 3 payload (empty when valid).
#[wasm_bindgen(js_name = validateKycTier3Upgrade)]
pub fn validate_kyc_tier3(payload: &str) -> JsResult<String> {
    issues(input::<KycTier3Upgrade>(payload, "payload")?.validate())
}

/// A Nigerian mobile number in Bloc's 11-digit local form (`+234 801 234 5678` -> `08012345678`).
#[wasm_bindgen(js_name = normalizeNigerianPhone)]
pub fn normalize_nigerian_phone(value: &str) -> JsResult<String> {
    clientele_core::validate::phone_number(value).or_throw()
}

/// Walks every page of customers: `nextRequest(bloc)` until it returns `undefined`, passing each
/// parsed page to `advance(page)`.
#[wasm_bindgen(js_name = BlocCustomerPager)]
pub struct Pager(CustomerPager);

#[wasm_bindgen(js_class = BlocCustomerPager)]
impl Pager {
    /// Starts at `query.page` (or the first page).
    #[wasm_bindgen(constructor)]
    pub fn new(query: Option<String>) -> JsResult<Pager> {
        let query = match query {
            Some(q) => input(&q, "query")?,
            None => CustomerListQuery::default(),
        };
        Ok(Pager(CustomerPager::new(query)))
    }

    /// The request for the next page, or `undefined` when every page has been seen.
    #[wasm_bindgen(js_name = nextRequest)]
    pub fn next_request(&self, bloc: &Bloc) -> JsResult<Option<String>> {
        self.0
            .next_request(&bloc.0)
            .or_throw()?
            .map(|r| output(&r))
            .transpose()
    }

    /// The query of the next page (for the client engine's `list_customers` operation), or
    /// `undefined` when every page has been seen.
    #[wasm_bindgen(js_name = nextQuery)]
    pub fn next_query(&self) -> JsResult<Option<String>> {
        self.0.next_query().map(|q| output(&q)).transpose()
    }

    /// Parses the answer to `nextRequest` and records it; returns the page. Throws the answer's
    /// error, or `paging_ignored` if the same page came back twice.
    ///
    /// It takes the response rather than a parsed page: a `Customer` reads Bloc's wire format
    /// (snake_case), so the camelCase page JS holds cannot be read back.
    pub fn advance(&mut self, status: u16, headers: &str, body: &[u8]) -> JsResult<String> {
        let page =
            CoreBloc::parse_list_customers_json(&response(status, headers, body)?).or_throw()?;
        self.0.advance_json(&page).or_throw()?;
        Ok(page.into_json())
    }

    /// Whether every page has been seen.
    #[wasm_bindgen(getter, js_name = isFinished)]
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }
}

/// Verifies a delivery's RAW body against its headers (`X-Bloc-Webhook`, any case) and parses
/// it. Throws `webhook_signature_missing` / `_malformed` / `_mismatch` / `webhook_body_invalid`.
#[wasm_bindgen(js_name = blocWebhookVerify)]
pub fn webhook_verify(secret: &str, body: &[u8], headers: &str) -> JsResult<String> {
    let headers: Vec<Header> = input(headers, "headers")?;
    webhook::verify_headers(secret, body, &headers).or_throw()?;
    output(&webhook::parse(body).or_throw()?)
}

/// Parses a delivery WITHOUT verifying it (verify first with `blocWebhookVerify`).
#[wasm_bindgen(js_name = blocWebhookParse)]
pub fn webhook_parse(body: &[u8]) -> JsResult<String> {
    output(&webhook::parse(body).or_throw()?)
}

/// Whether a customer's `kycTier` (as parsed, e.g. `"2"`) is at least `tier`. (A customer
/// object cannot come back into the core from JS: its wire names differ from the camelCase ones.)
#[wasm_bindgen(js_name = blocKycTierReaches)]
pub fn kyc_tier_reaches(kyc_tier: &str, tier: u8) -> bool {
    clientele_core::bloc::KycTier::parse(kyc_tier).reaches(tier)
}

#[wasm_bindgen(typescript_custom_section)]
const FIELD_KIND_SECTION: &str = FIELD_KIND_TS;

/// The field kinds of `validateField` (checked against `FieldKind::ALL` by a test below).
// Read at compile time by the custom section above, which the lint does not see.
#[allow(dead_code)]
const FIELD_KIND_TS: &str = r#"
/** Which rule a single form field follows (`validateField`). */
export type FieldKind = "name" | "email" | "nigerianPhone" | "bvn" | "postalCode" | "httpsUrl" | "image" | "blocCustomerId" | "uuid" | "accountId";
"#;

/// Checks one form field by the rule of `kind` (`"email"`, `"bvn"`, ...): the issue code, or
/// `undefined` when the value is acceptable.
#[wasm_bindgen(js_name = validateField)]
pub fn validate_field(kind: &str, value: &str) -> JsResult<Option<String>> {
    let kind = clientele_core::validate::FieldKind::from_name(kind).ok_or_else(|| {
        invalid_argument(
            "kind",
            "`kind` must be one of name, email, nigerianPhone, bvn, postalCode, httpsUrl, image, \
             blocCustomerId, uuid, accountId",
        )
    })?;
    Ok(clientele_core::validate::field(kind, value)
        .err()
        .map(|code| code.as_str().to_owned()))
}

/// Checks a date of birth (`YYYY-MM-DD`, a real date from 1900-01-01 up to `today`): the issue
/// code, or `undefined` when it is acceptable.
#[wasm_bindgen(js_name = validateDateOfBirth)]
pub fn validate_date_of_birth(value: &str, today: &str) -> JsResult<Option<String>> {
    let today = date(today, "today")?;
    Ok(clientele_core::validate::past_date(value, today)
        .err()
        .map(|code| code.as_str().to_owned()))
}

/// Refuses a server secret where it would reach users (the core's rule; the host tells where it
/// runs): `credential` is `"blocSecretKey"` (`value`: the key), `"offblocksApiSecret"` (`value`:
/// the base URL) or `"signingKey"`; `placement` is `"server"`, `"browser"` or `"app"`.
#[wasm_bindgen(js_name = checkCredentialPlacement)]
pub fn check_credential_placement(
    credential: &str,
    value: &str,
    placement: &str,
    dangerously_allow: bool,
) -> JsResult<()> {
    use clientele_core::client::{Credential, Placement, check_placement};
    let credential = match credential {
        "blocSecretKey" => Credential::BlocSecretKey(value),
        "offblocksApiSecret" => Credential::OffBlocksApiSecret { base_url: value },
        "signingKey" => Credential::SigningKey,
        _ => return Err(invalid_argument("credential", "unknown credential kind")),
    };
    let placement = match placement {
        "server" => Placement::Server,
        "browser" => Placement::Browser,
        "app" => Placement::App,
        _ => return Err(invalid_argument("placement", "unknown placement")),
    };
    check_placement(credential, placement, dangerously_allow).or_throw()
}

/// Checks a Bloc customer id (24 hex characters) without building anything.
#[wasm_bindgen(js_name = isBlocCustomerId)]
pub fn is_customer_id(value: &str) -> bool {
    bloc::check_customer_id(value).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_typescript_field_kinds_are_the_cores() {
        let names: Vec<&str> = clientele_core::validate::FieldKind::ALL
            .iter()
            .map(|(_, name)| *name)
            .collect();
        let union = names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(" | ");
        assert!(super::FIELD_KIND_TS.contains(&format!("FieldKind = {union};")));
    }
}
