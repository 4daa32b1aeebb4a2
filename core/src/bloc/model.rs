//! Bloc's customer as returned by the API, and the values it is made of.
//!
//! Parsing is tolerant of every quirk Bloc is known to send (see providers.md A.6): `kyc_tier` as
//! a string (or a number), PascalCase `SyncData`, the Go zero time `0001-01-01T00:00:00Z` for
//! "unset", timestamps of any precision, `address: {}`, gender in any case, unknown fields, and
//! values of `status`, `customer_type`, ... this version does not know (kept in `Other`).
//!
//! Values are deserialised from Bloc's snake_case wire names and serialised in camelCase, the
//! shape the JS, Kotlin and Swift hosts see.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::json;
use crate::open_enum::open_enum;
use crate::pii::{Kind, Masked, MaskedOpt};

open_enum! {
    /// A customer's status. Bloc documents `active` and `archived` (archiving is dashboard-only).
    pub enum CustomerStatus {
        /// The customer can be given accounts and cards.
        Active = "active",
        /// Archived from the dashboard; no new accounts can be created for them.
        Archived = "archived",
    }
}

open_enum! {
    /// The kind of customer. Bloc documents `Personal`; other values (`retail`, ...) exist.
    pub enum CustomerType {
        /// An individual.
        Personal = "Personal",
    }
}

open_enum! {
    /// A customer's gender, compared without regard to case (`Male` and `male` both occur).
    pub enum Gender {
        /// Male.
        Male = "Male",
        /// Female.
        Female = "Female",
    }
}

open_enum! {
    /// A customer's KYC tier; Bloc sends it as a string (`"0"` to `"3"`).
    pub enum KycTier {
        /// No KYC yet (every customer starts here).
        Tier0 = "0",
        /// Tier 1: personal details, address and selfie.
        Tier1 = "1",
        /// Tier 2: a means of identification.
        Tier2 = "2",
        /// Tier 3: a further document.
        Tier3 = "3",
    }
}

open_enum! {
    /// The environment a customer lives in, matching the key (`sk_test_` or `sk_live_`).
    pub enum Environment {
        /// Test mode.
        Test = "test",
        /// Live mode.
        Live = "live",
    }
}

open_enum! {
    /// An accepted means of identification, from `GET /customers/means-of-id`. Bloc may add more.
    pub enum MeansOfId {
        /// A driver's licence.
        DriversLicense = "Drivers License",
        /// An international passport.
        InternationalPassport = "International Passport",
        /// A voter's card.
        VotersCard = "Voters Card",
        /// A National Identification Number slip.
        NinSlip = "NIN Slip",
    }
}

/// A customer's address as Bloc returns it: each member exactly as sent, `None` when absent
/// (Bloc may send only some members, e.g. `{"street": ""}`).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CustomerAddress {
    /// Street and number.
    #[serde(default)]
    pub street: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State, e.g. `Lagos`.
    #[serde(default)]
    pub state: Option<String>,
    /// Country name, e.g. `Nigeria`.
    #[serde(default)]
    pub country: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
}

/// Bloc's sync record (`SyncData`, PascalCase on the wire).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SyncData {
    /// The provider the customer was synced with (often empty).
    #[serde(
        default,
        rename(deserialize = "Provider"),
        deserialize_with = "json::string_or_null"
    )]
    pub provider: String,
    /// The id at that provider, if any.
    #[serde(
        default,
        rename(deserialize = "ID"),
        deserialize_with = "json::non_empty"
    )]
    pub id: Option<String>,
}

/// A Bloc customer.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Customer {
    /// 24 hex characters.
    pub id: String,
    /// First name, exactly as stored (Bloc keeps trailing spaces).
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub first_name: String,
    /// Last name.
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub last_name: String,
    /// Full name as Bloc composes it (surname first).
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub full_name: String,
    /// Email address.
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub email: String,
    /// Phone number, as stored (`08012345678`).
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub phone_number: String,
    /// Bank Verification Number (Bloc returns it unmasked; Clientele masks it in Debug).
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub bvn: String,
    /// Customer type.
    pub customer_type: CustomerType,
    /// Status.
    pub status: CustomerStatus,
    /// KYC tier; `Tier0` when Bloc leaves it out.
    #[serde(default = "tier0", deserialize_with = "kyc_tier")]
    pub kyc_tier: KycTier,
    /// KYC status, sent by some Bloc versions (undocumented).
    #[serde(default, deserialize_with = "json::non_empty")]
    pub kyc_status: Option<String>,
    /// Test or live.
    pub environment: Environment,
    /// Your organisation's id.
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub organization_id: String,
    /// Group, e.g. `main`.
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub group: String,
    /// How the customer was created: `Banking` (API or dashboard) or `Payment` (payment links).
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub source: String,
    /// Country of residence; empty before KYC tier 1.
    #[serde(default, deserialize_with = "json::string_or_null")]
    pub country: String,
    /// Gender, once known.
    #[serde(default, deserialize_with = "opt_gender")]
    pub gender: Option<Gender>,
    /// Date of birth, once known (Bloc sends a timestamp; the Go zero time means unset).
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    #[serde(default, deserialize_with = "json::opt_date")]
    pub date_of_birth: Option<NaiveDate>,
    /// Place of birth, once known.
    #[serde(default, deserialize_with = "json::non_empty")]
    pub place_of_birth: Option<String>,
    /// Address; `None` when Bloc sends `{}`.
    #[serde(default, deserialize_with = "opt_address")]
    pub address: Option<CustomerAddress>,
    /// The customer's photo (a URL or base64).
    #[serde(default, deserialize_with = "json::non_empty")]
    pub image_url: Option<String>,
    /// The means of identification given at tier 2.
    #[serde(default, deserialize_with = "opt_means_of_id")]
    pub means_of_identity: Option<MeansOfId>,
    /// The document given at tier 2.
    #[serde(default, deserialize_with = "json::non_empty")]
    pub means_of_identity_url: Option<String>,
    /// The document given at tier 3.
    #[serde(default, deserialize_with = "json::non_empty")]
    pub identity_url: Option<String>,
    /// Bloc's sync record.
    #[serde(default, rename(deserialize = "SyncData"))]
    pub sync_data: Option<SyncData>,
    /// When the customer was created.
    #[serde(default, deserialize_with = "json::opt_timestamp")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub created_at: Option<DateTime<Utc>>,
    /// When the customer was last updated; `None` until the first update.
    #[serde(default, deserialize_with = "json::opt_timestamp")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub updated_at: Option<DateTime<Utc>>,
}

impl KycTier {
    /// Whether this tier is at least `tier` (values this version does not know never are).
    pub fn reaches(&self, tier: u8) -> bool {
        self.as_str().parse::<u8>().is_ok_and(|t| t >= tier)
    }
}

fn tier0() -> KycTier {
    KycTier::Tier0
}

fn kyc_tier<'de, D: serde::Deserializer<'de>>(d: D) -> Result<KycTier, D::Error> {
    Ok(json::string_or_number(d)?.map_or(KycTier::Tier0, KycTier::from))
}

fn opt_gender<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Gender>, D::Error> {
    Ok(json::non_empty(d)?.map(Gender::from))
}

fn opt_means_of_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<MeansOfId>, D::Error> {
    Ok(json::non_empty(d)?.map(MeansOfId::from))
}

fn opt_address<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<CustomerAddress>, D::Error> {
    Ok(Option::<CustomerAddress>::deserialize(d)?.filter(|a| *a != CustomerAddress::default()))
}

impl Customer {
    /// Whether KYC has reached at least `tier` (unknown tiers compare as not reached).
    pub fn has_kyc_tier(&self, tier: u8) -> bool {
        self.kyc_tier.reaches(tier)
    }
}

/// `Debug` masks the BVN, phone, email, date of birth and images.
impl fmt::Debug for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customer")
            .field("id", &self.id)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("email", &Masked(Kind::Email, &self.email))
            .field("phone_number", &Masked(Kind::Tail2, &self.phone_number))
            .field("bvn", &Masked(Kind::Tail2, &self.bvn))
            .field("customer_type", &self.customer_type)
            .field("status", &self.status)
            .field("kyc_tier", &self.kyc_tier)
            .field("environment", &self.environment)
            .field("country", &self.country)
            .field("gender", &self.gender)
            .field("date_of_birth", &self.date_of_birth.map(|_| "****-**-**"))
            .field("address", &self.address)
            .field(
                "image_url",
                &MaskedOpt(Kind::Image, self.image_url.as_deref()),
            )
            .field("means_of_identity", &self.means_of_identity)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// A short, masked summary: `Customer 6410612c7f1b4b36103f872a (Oladeji Ayo, active, tier 1)`.
impl fmt::Display for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Customer {} ({}, {}, tier {})",
            self.id,
            self.full_name.trim(),
            self.status,
            self.kyc_tier
        )
    }
}

/// One page of `GET /customers`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CustomerPage {
    /// The customers on this page.
    pub customers: Vec<Customer>,
    /// Whether a further page exists (`metadata.has_next`).
    pub has_next: bool,
    /// Whether an earlier page exists (`metadata.has_previous`).
    pub has_previous: bool,
}

/// One accepted means of identification and the format Bloc expects for it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MeansOfIdentification {
    /// The value to send as `means_of_id`.
    pub name: MeansOfId,
    /// Bloc's description of the expected format (e.g. "Base64 String or image link e.g s3 url").
    pub format: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyc_tier_compares_numerically() {
        let mut c: Customer = serde_json::from_str(
            r#"{"id":"6410612c7f1b4b36103f872a","customer_type":"Personal","status":"active","environment":"test","kyc_tier":"2"}"#,
        )
        .unwrap();
        assert!(c.has_kyc_tier(1) && c.has_kyc_tier(2) && !c.has_kyc_tier(3));
        c.kyc_tier = KycTier::Other("gold".into());
        assert!(!c.has_kyc_tier(0));
    }
}
