//! OffBlocks values: customers, their status machine, credentials and access tokens.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;
use crate::pii::{Kind, Masked};
use crate::wire::{self, wire_struct};

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

wire_struct! {
    /// An OffBlocks customer. Members OffBlocks sends that this version does not model are kept
    /// in `extra`.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
    #[derive(Clone, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
    pub struct OffBlocksCustomer (slot 0, "struct OffBlocksCustomer") {
        /// OffBlocks' id (a UUID).
        pub id: String = "id" => "id" as wire::Id,
        /// Your id for the customer.
        pub external_id: String = "externalId" => "externalId" as wire::Text,
        /// The customer's wallet as a CAIP-10 account id (`eip155:1:0xab16...`).
        pub chain_id: String = "chainId" => "chainId" as wire::Text,
        /// Status (see [`OffBlocksStatus`]).
        pub status: OffBlocksStatus = "status" => "status" as wire::Enum<OffBlocksStatus>,
        /// When the customer was created.
        #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
        pub created_at: Option<DateTime<Utc>> = "createdAt" => "createdAt" as wire::Timestamp,
        /// When the customer last changed.
        #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
        pub updated_at: Option<DateTime<Utc>> = "updatedAt" => "updatedAt" as wire::Timestamp,
        /// The base64 ownership challenge (returned on create).
        pub challenge: Option<String> = "challenge" => "challenge" as wire::NonEmpty,
    }
    derived {
        /// The page of OffBlocks' KYC partner to send the customer to (returned on create: "The
        /// response contains a verification URL that redirects to our KYC partner's portal").
        /// OffBlocks does not document the member's name: `verificationUrl`,
        /// `verification_url`, `kycVerificationUrl`, `kycUrl`, `verification.url` and `kyc.url`
        /// are read, in that order. Only an absolute `https://` URL without credentials (plain
        /// `http://` only for a loopback host) is taken; anything else stays in `extra` only.
        pub verification_url: Option<String> => "verificationUrl",
    }
    finish = OffBlocksCustomer::take_verification_url;
}

/// Where OffBlocks may put the verification URL: top-level members (taken out of `extra` when
/// used), then nested objects (left in `extra`, as they may hold more).
const VERIFICATION_URL_MEMBERS: [&str; 4] = [
    "verificationUrl",
    "verification_url",
    "kycVerificationUrl",
    "kycUrl",
];
const VERIFICATION_URL_OBJECTS: [&str; 2] = ["verification", "kyc"];

impl OffBlocksCustomer {
    fn take_verification_url(&mut self) {
        let as_link = |json: &str| {
            serde_json::from_slice::<String>(json.as_bytes())
                .ok()
                .filter(|url| crate::http::is_safe_link(url))
        };
        for name in VERIFICATION_URL_MEMBERS {
            if let Some(url) = self.extra.get(name).and_then(as_link) {
                self.extra.remove(name);
                self.verification_url = Some(url);
                return;
            }
        }
        for name in VERIFICATION_URL_OBJECTS {
            let url = self
                .extra
                .get(name)
                .and_then(|json| serde_json::from_slice::<wire::Extra>(json.as_bytes()).ok())
                .and_then(|nested| nested.get("url").and_then(as_link));
            if url.is_some() {
                self.verification_url = url;
                return;
            }
        }
    }
}

/// `Debug` shows ids, status and times; the challenge and unknown members' values are masked.
impl fmt::Debug for OffBlocksCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OffBlocksCustomer")
            .field("id", &self.id)
            .field("external_id", &self.external_id)
            .field("chain_id", &self.chain_id)
            .field("status", &self.status)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("challenge", &self.challenge.as_ref().map(|_| "<challenge>"))
            .field(
                "verification_url",
                &self.verification_url.as_ref().map(|_| "<url>"),
            )
            .field("extra", &self.extra)
            .finish()
    }
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
        if is_bare_address(&self.chain_id) {
            issues.add_with(
                "chainId",
                crate::IssueCode::InvalidFormat,
                BARE_ADDRESS_MESSAGE.into(),
            );
        } else {
            issues.check("chainId", crate::validate::account_id(&self.chain_id));
        }
        issues.check("externalId", crate::validate::text(&self.external_id, 255));
    }
}

/// What a bare wallet address in `chainId` is told.
const BARE_ADDRESS_MESSAGE: &str = "Enter a CAIP-10 account id (eip155:<chain id>:<address>), \
    not a bare address: build it with caip10AccountId(chainId, address).";

/// `0x` and hex digits with no `:` (what a wallet shows), rather than a CAIP-10 account id.
fn is_bare_address(value: &str) -> bool {
    let value = value.trim();
    value.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"))
        && value.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
}

/// The CAIP-10 account id of an EVM wallet, `eip155:<chain_id>:<address>`, the form OffBlocks
/// wants in `chainId`: from a chain id (`1` for Ethereum mainnet, `300` for zkSync Sepolia) and
/// the wallet's address as a wallet shows it (`0x` and 40 hex digits; a mixed-case address must
/// pass its EIP-55 checksum). The address is kept exactly as given.
///
/// ```
/// use clientele_core::offblocks::caip10_account_id;
///
/// let id = caip10_account_id(300, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")?;
/// assert_eq!(id, "eip155:300:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
/// let typo = caip10_account_id(300, "0x2c7536E3605D9C16a7a3D7b1898e529396a65C23").unwrap_err();
/// assert_eq!(typo.issues[0].code.as_str(), "invalid_checksum");
/// # Ok::<(), clientele_core::ValidationError>(())
/// ```
pub fn caip10_account_id(chain_id: u64, address: &str) -> Result<String, crate::ValidationError> {
    use super::eth::AccountIdError as E;
    use crate::IssueCode;
    let id = format!("eip155:{chain_id}:{address}");
    let mut issues = crate::validate::Issues::default();
    match super::eth::AccountId::parse(&id) {
        Ok(_) => return Ok(id),
        Err(E::Checksum) => issues.add("address", IssueCode::InvalidChecksum),
        Err(_) if address.is_empty() => issues.add("address", IssueCode::Required),
        Err(_) => issues.add("address", IssueCode::InvalidFormat),
    }
    issues.finish().map(|()| id)
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
