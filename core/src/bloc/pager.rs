//! Paging through `GET /customers`.
//!
//! Bloc's list response says only `has_next` / `has_previous`; its specification documents no
//! query parameter for choosing a page. Clientele therefore makes the parameter names
//! configurable: by default it sends `page` (1-based) and, when a page size is set, `per_page`
//! (the name Bloc uses on its other list endpoints). If Bloc ignores them, the first page comes
//! back again; [`CustomerPager`] notices that and stops with an error instead of looping forever.

use serde::{Deserialize, Serialize};

use super::{Bloc, CustomerPage, CustomerPageJson};
use crate::error::ConfigError;
use crate::http::HttpRequest;
use crate::validate::IssueCode;
use crate::{Error, ValidationError};

/// Which page of customers to ask for, and how to name the undocumented paging parameters.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CustomerListQuery {
    /// 1-based page number; `None` asks for the first page without any paging parameter, exactly
    /// as Bloc documents the call.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub page: Option<u32>,
    /// Page size; `None` leaves it to Bloc.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub per_page: Option<u32>,
    /// Name of the page-number parameter (undocumented by Bloc). Default `page`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub page_param: String,
    /// Name of the page-size parameter (undocumented by Bloc). Default `per_page`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub per_page_param: String,
}

impl Default for CustomerListQuery {
    fn default() -> Self {
        CustomerListQuery {
            page: None,
            per_page: None,
            page_param: "page".into(),
            per_page_param: "per_page".into(),
        }
    }
}

impl CustomerListQuery {
    /// `?page=2&per_page=50`, or the empty string for the default first page.
    pub(crate) fn to_query_string(&self) -> Result<String, Error> {
        let mut parts = Vec::new();
        if let Some(page) = self.page {
            check_param_name(&self.page_param, "page")?;
            if page == 0 {
                return Err(ValidationError::single("page", IssueCode::InvalidFormat).into());
            }
            parts.push(format!("{}={page}", self.page_param));
        }
        if let Some(per_page) = self.per_page {
            check_param_name(&self.per_page_param, "per_page")?;
            if per_page == 0 {
                return Err(ValidationError::single("perPage", IssueCode::InvalidFormat).into());
            }
            parts.push(format!("{}={per_page}", self.per_page_param));
        }
        Ok(if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        })
    }
}

/// A parameter name must be safe in a query string without escaping.
fn check_param_name(name: &str, what: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']'));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::QueryParameter {
            what: what.to_owned(),
        })
    }
}

/// Walks every page of customers. A host loops:
///
/// ```
/// # use clientele_core::bloc::*;
/// # use clientele_core::http::HttpResponse;
/// # fn send(_: clientele_core::http::HttpRequest) -> HttpResponse {
/// #     HttpResponse::new(200, vec![], r#"{"success":true,"data":[],"metadata":{"has_next":false,"has_previous":false}}"#)
/// # }
/// let bloc = Bloc::new("sk_test_0123456789abcdef")?;
/// let mut pager = CustomerPager::new(CustomerListQuery::default());
/// let mut all = Vec::new();
/// while let Some(request) = pager.next_request(&bloc)? {
///     let page = Bloc::parse_list_customers(&send(request))?;
///     pager.advance(&page)?;
///     all.extend(page.customers);
/// }
/// # Ok::<(), clientele_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPager {
    query: CustomerListQuery,
    /// The page the next request asks for; `None` once finished.
    next_page: Option<u32>,
    /// The first customer id of the previous page, to detect an ignored paging parameter.
    previous_first_id: Option<String>,
}

impl CustomerPager {
    /// Starts at `query.page` (or the first page).
    pub fn new(query: CustomerListQuery) -> Self {
        let next_page = Some(query.page.unwrap_or(1));
        CustomerPager {
            query,
            next_page,
            previous_first_id: None,
        }
    }

    /// The request for the next page, or `None` when every page has been seen.
    pub fn next_request(&self, bloc: &Bloc) -> Result<Option<HttpRequest>, Error> {
        self.next_query()
            .map(|query| bloc.build_list_customers(&query))
            .transpose()
    }

    /// The query of the next page (for a [`crate::client::BlocOperation::ListCustomers`]), or
    /// `None` when every page has been seen.
    pub fn next_query(&self) -> Option<CustomerListQuery> {
        let page = self.next_page?;
        Some(CustomerListQuery {
            // The first page is asked for exactly as documented (no parameter) unless the
            // caller chose a page.
            page: (page > 1 || self.query.page.is_some()).then_some(page),
            ..self.query.clone()
        })
    }

    /// Records a parsed page: moves to the next one, or finishes when `has_next` is false or the
    /// page is empty. Fails if the server sent the same page again (it ignored the paging
    /// parameter: configure [`CustomerListQuery::page_param`]).
    pub fn advance(&mut self, page: &CustomerPage) -> Result<(), Error> {
        self.step(
            page.customers.first().map(|c| c.id.as_str()),
            page.has_next,
            page.customers.is_empty(),
        )
    }

    /// [`advance`](Self::advance) for a page read by [`Bloc::parse_list_customers_json`].
    pub fn advance_json(&mut self, page: &CustomerPageJson) -> Result<(), Error> {
        self.step(page.first_id(), page.has_next(), page.is_empty())
    }

    fn step(&mut self, first_id: Option<&str>, has_next: bool, empty: bool) -> Result<(), Error> {
        let Some(current) = self.next_page else {
            return Ok(());
        };
        let first_id = first_id.map(str::to_owned);
        if first_id.is_some() && first_id == self.previous_first_id {
            self.next_page = None;
            return Err(ConfigError::PagingIgnored {
                param: self.query.page_param.clone(),
            }
            .into());
        }
        self.previous_first_id = first_id;
        self.next_page = match (has_next, empty) {
            (true, false) => current.checked_add(1),
            _ => None,
        };
        Ok(())
    }

    /// Whether every page has been seen.
    pub fn is_finished(&self) -> bool {
        self.next_page.is_none()
    }

    /// The page number the next request asks for.
    pub fn next_page(&self) -> Option<u32> {
        self.next_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloc::Customer;

    fn customer(id: &str) -> Customer {
        serde_json::from_value(serde_json::json!({
            "id": id, "customer_type": "Personal", "status": "active", "environment": "test"
        }))
        .unwrap()
    }

    fn page(ids: &[&str], has_next: bool) -> CustomerPage {
        CustomerPage {
            customers: ids.iter().map(|id| customer(id)).collect(),
            has_next,
            has_previous: false,
        }
    }

    #[test]
    fn walks_pages_until_has_next_is_false() {
        let bloc = Bloc::new("sk_test_x").unwrap();
        let mut pager = CustomerPager::new(CustomerListQuery {
            per_page: Some(2),
            ..Default::default()
        });
        let urls: Vec<String> = [
            page(&["a1", "a2"], true),
            page(&["b1", "b2"], true),
            page(&["c1"], false),
        ]
        .iter()
        .map(|p| {
            let url = pager.next_request(&bloc).unwrap().unwrap().url;
            pager.advance(p).unwrap();
            url
        })
        .collect();
        assert_eq!(
            urls,
            [
                "https://api.blochq.io/v1/customers?per_page=2",
                "https://api.blochq.io/v1/customers?page=2&per_page=2",
                "https://api.blochq.io/v1/customers?page=3&per_page=2",
            ]
        );
        assert!(pager.is_finished());
        assert_eq!(pager.next_request(&bloc).unwrap(), None);
    }

    #[test]
    fn an_ignored_paging_parameter_stops_with_an_error() {
        let mut pager = CustomerPager::new(CustomerListQuery::default());
        pager.advance(&page(&["a1"], true)).unwrap();
        let err = pager.advance(&page(&["a1"], true)).unwrap_err();
        assert_eq!(err.code(), "paging_ignored");
        assert!(pager.is_finished());
    }

    /// The same page as JSON text, read by the one-pass reader.
    fn page_json(p: &CustomerPage) -> CustomerPageJson {
        let wire = |c: &Customer| serde_json::json!({"id": c.id, "customer_type": "Personal", "status": "active", "environment": "test"});
        let body = serde_json::json!({
            "data": p.customers.iter().map(wire).collect::<Vec<_>>(),
            "metadata": {"has_next": p.has_next},
        });
        Bloc::parse_list_customers_json(&crate::http::HttpResponse::new(
            200,
            vec![],
            body.to_string(),
        ))
        .unwrap()
    }

    #[test]
    fn json_pages_advance_like_typed_pages() {
        for pages in [
            vec![page(&["a1", "a2"], true), page(&["b1"], false)],
            vec![page(&["a1"], true), page(&["a1"], true)],
            vec![page(&[], true)],
        ] {
            let (mut typed, mut json) = (
                CustomerPager::new(CustomerListQuery::default()),
                CustomerPager::new(CustomerListQuery::default()),
            );
            for p in &pages {
                let a = typed.advance(p).map_err(|e| e.code());
                let b = json.advance_json(&page_json(p)).map_err(|e| e.code());
                assert_eq!(a, b);
                assert_eq!(typed, json);
            }
        }
    }

    #[test]
    fn empty_page_finishes() {
        let mut pager = CustomerPager::new(CustomerListQuery::default());
        pager.advance(&page(&[], true)).unwrap();
        assert!(pager.is_finished());
    }

    #[test]
    fn custom_parameter_names_and_bad_values() {
        let bloc = Bloc::new("sk_test_x").unwrap();
        let q = CustomerListQuery {
            page: Some(4),
            per_page: Some(10),
            page_param: "page[number]".into(),
            per_page_param: "limit".into(),
        };
        assert_eq!(
            bloc.build_list_customers(&q).unwrap().url,
            "https://api.blochq.io/v1/customers?page[number]=4&limit=10"
        );
        let bad_name = CustomerListQuery {
            page: Some(1),
            page_param: "a&b".into(),
            ..Default::default()
        };
        assert_eq!(
            bloc.build_list_customers(&bad_name).unwrap_err().code(),
            "invalid_query_parameter"
        );
        let zero = CustomerListQuery {
            page: Some(0),
            ..Default::default()
        };
        assert_eq!(
            bloc.build_list_customers(&zero).unwrap_err().issues()[0].path,
            "page"
        );
    }
}
