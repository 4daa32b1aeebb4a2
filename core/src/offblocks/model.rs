//! OffBlocks values: customers, their status machine, credentials and access tokens.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::json;
use crate::open_enum::open_enum;
use crate::pii::{Kind, Masked};

open_enum! {
    /// A customer's status. The documented machine:
    /// `initiating` -> `screening` -> `verifying` -> `active`; `rejected` is final;
    /// `active` <-> `inactive`. Statuses this version does not know are kept in `Other`.
    pub enum OffBlocksStatus {
        /// Created; waiting for the ownership challenge to be signed.
        Initiating = "initiating",
        /// Blockchain screening by a third party.
        Screening = "screening",
        /// KYC by a third party.
        Verifying = "verifying",
        /// Onboarded: accounts and cards can be created.
        Active = "active",
        /// Temporarily deactivated (by you or OffBlocks); can be activated again.
        Inactive = "inactive",
        /// Refused; final. The customer cannot be onboarded again.
        Rejected = "rejected",
    }
}

impl OffBlocksStatus {
    /// Whether `PATCH /customers/{id}/deactivate` is allowed from this status (only `active`).
    pub fn can_deactivate(&self) -> bool {
        matches!(self, OffBlocksStatus::Active)
    }

    /// Whether `PATCH /customers/{id}/activate` is allowed from this status (only `inactive`).
    pub fn can_activate(&self) -> bool {
        matches!(self, OffBlocksStatus::Inactive)
    }

    /// Whether no further transition can happen (`rejected`).
    pub fn is_final(&self) -> bool {
        matches!(self, OffBlocksStatus::Rejected)
    }

    /// Whether the customer is still being onboarded (`initiating`, `screening`, `verifying`).
    pub fn is_onboarding(&self) -> bool {
        matches!(
            self,
            OffBlocksStatus::Initiating | OffBlocksStatus::Screening | OffBlocksStatus::Verifying
        )
    }

    /// Whether the documented machine allows moving from this status to `next`. Unknown
    /// statuses allow nothing (the core cannot know their rules).
    pub fn can_transition_to(&self, next: &OffBlocksStatus) -> bool {
        use OffBlocksStatus as S;
        matches!(
            (self, next),
            (S::Initiating, S::Screening)
                | (S::Screening, S::Verifying | S::Rejected)
                | (S::Verifying, S::Active | S::Rejected)
                | (S::Active, S::Inactive | S::Rejected)
                | (S::Inactive, S::Active | S::Rejected)
        )
    }
}

/// An OffBlocks customer.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct OffBlocksCustomer {
    /// OffBlocks' id (a UUID).
    pub id: String,
    /// Your id for the customer.
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub external_id: String,
    /// The customer's wallet as a CAIP-10 account id (`eip155:1:0xab16...`).
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub chain_id: String,
    /// Status (see [`OffBlocksStatus`]).
    pub status: OffBlocksStatus,
    /// When the customer was created.
    #[serde(default, deserialize_with = "json::opt_timestamp")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub created_at: Option<DateTime<Utc>>,
    /// When the customer last changed.
    #[serde(default, deserialize_with = "json::opt_timestamp")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub updated_at: Option<DateTime<Utc>>,
    /// The base64 ownership challenge (returned on create).
    #[serde(default, deserialize_with = "json::non_empty")]
    pub challenge: Option<String>,
}

impl fmt::Display for OffBlocksCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OffBlocks customer {} ({}, {})",
            self.id, self.external_id, self.status
        )
    }
}

/// The input of `POST /customers`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct OffBlocksCustomerCreate {
    /// The customer's wallet as a CAIP-10 account id, e.g. `eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb`.
    pub chain_id: String,
    /// Your id for the customer (at most 255 characters).
    pub external_id: String,
}

impl OffBlocksCustomerCreate {
    /// Checks every field (CAIP-10 `chainId` with its EIP-55 checksum, `externalId`); returns
    /// all issues at once.
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        let mut issues = crate::validate::Issues::default();
        self.check(&mut issues);
        issues.finish()
    }

    pub(crate) fn check(&self, issues: &mut crate::validate::Issues) {
        issues.check("chainId", super::eth::check_account_id(&self.chain_id));
        issues.check("externalId", crate::validate::text(&self.external_id, 255));
    }
}

/// API credentials for `POST /auth/token`. The secret never appears in `Debug`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ApiCredentials {
    /// The API key (a UUID).
    pub api_key: String,
    /// The API secret.
    pub api_secret: String,
}

impl fmt::Debug for ApiCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiCredentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &Masked(Kind::Secret, &self.api_secret))
            .finish()
    }
}

/// A bearer token from `POST /auth/token`. The token never appears in `Debug`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct AccessToken {
    /// The JWT to send as `Authorization: Bearer ...`.
    pub token: String,
    /// When it expires.
    #[serde(with = "crate::json::rfc3339")]
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub expires_at: DateTime<Utc>,
    /// The scheme, `Bearer`.
    pub token_type: String,
}

impl AccessToken {
    /// Whether to fetch a new token before the next request: true once `now` is within
    /// `margin_seconds` of the expiry (use a margin of about a minute to absorb clock skew and
    /// request latency).
    pub fn needs_refresh(&self, now: DateTime<Utc>, margin_seconds: u32) -> bool {
        now + chrono::Duration::seconds(i64::from(margin_seconds)) >= self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &Masked(Kind::Secret, &self.token))
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OffBlocksStatus as S;

    #[test]
    fn status_machine() {
        assert!(S::Active.can_deactivate() && !S::Inactive.can_deactivate());
        assert!(
            S::Inactive.can_activate() && !S::Active.can_activate() && !S::Rejected.can_activate()
        );
        assert!(S::Rejected.is_final() && !S::Active.is_final());
        assert!(S::Screening.is_onboarding() && !S::Active.is_onboarding());
        assert!(S::Initiating.can_transition_to(&S::Screening));
        assert!(!S::Initiating.can_transition_to(&S::Active));
        assert!(!S::Rejected.can_transition_to(&S::Active));
        let unknown = S::parse("suspended");
        assert_eq!(unknown, S::Other("suspended".into()));
        assert!(!unknown.can_activate() && !unknown.can_deactivate() && !unknown.is_final());
    }

    #[test]
    fn token_refresh() {
        let expires_at = DateTime::from_timestamp(1_699_974_342, 0).unwrap();
        let token = AccessToken {
            token: "eyJ.synthetic".into(),
            expires_at,
            token_type: "Bearer".into(),
        };
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        assert!(!token.needs_refresh(at(1_699_974_342 - 120), 60));
        assert!(token.needs_refresh(at(1_699_974_342 - 60), 60));
        assert!(token.needs_refresh(at(1_699_974_400), 0));
        assert!(!format!("{token:?}").contains("eyJ"));
    }
}
