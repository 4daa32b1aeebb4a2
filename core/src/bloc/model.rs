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

use crate::open_enum::open_enum;
use crate::pii::{Kind, Masked, MaskedOpt};
use crate::wire::{self, wire_struct};

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
    /// The kind of customer. Bloc documents `Personal` and `Business` ("we only allow personal
    /// at the moment"); other values (`retail`, ...) exist and are kept.
    pub enum CustomerType {
        /// An individual.
        Personal = "Personal",
        /// A business (documented by Bloc as not yet allowed).
        Business = "Business",
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

wire_struct! {
    /// A customer's address as Bloc returns it: each member exactly as sent, `None` when absent
    /// (Bloc may send only some members, e.g. `{"street": ""}`).
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
    pub struct CustomerAddress (slot 1, "struct CustomerAddress") {
        /// Street and number.
        pub street: Option<String> = "street" => "street" as wire::OptText,
        /// City.
        pub city: Option<String> = "city" => "city" as wire::OptText,
        /// State, e.g. `Lagos`.
        pub state: Option<String> = "state" => "state" as wire::OptText,
        /// Country name, e.g. `Nigeria`.
        pub country: Option<String> = "country" => "country" as wire::OptText,
        /// Postal code.
        pub postal_code: Option<String> = "postal_code" => "postalCode" as wire::OptText,
    }
}

wire_struct! {
    /// Bloc's sync record (`SyncData`, PascalCase on the wire).
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
    pub struct SyncData (slot 2, "struct SyncData") {
        /// The provider the customer was synced with (often empty).
        pub provider: String = "Provider" => "provider" as wire::Text,
        /// The id at that provider, if any.
        pub id: Option<String> = "ID" => "id" as wire::NonEmpty,
    }
}

wire_struct! {
    /// A Bloc customer. Members Bloc sends that this version does not model are kept in
    /// `extra`.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
    #[derive(Clone, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
    pub struct Customer (slot 0, "struct Customer") {
        /// 24 hex characters.
        pub id: String = "id" => "id" as wire::Id,
        /// First name, exactly as stored (Bloc keeps trailing spaces).
        pub first_name: String = "first_name" => "firstName" as wire::Text,
        /// Last name.
        pub last_name: String = "last_name" => "lastName" as wire::Text,
        /// Full name as Bloc composes it (surname first).
        pub full_name: String = "full_name" => "fullName" as wire::Text,
        /// Email address.
        pub email: String = "email" => "email" as wire::Text,
        /// Phone number, as stored (`08012345678`).
        pub phone_number: String = "phone_number" => "phoneNumber" as wire::Text,
        /// Bank Verification Number (Bloc returns it unmasked; Clientele masks it in Debug).
        pub bvn: String = "bvn" => "bvn" as wire::Text,
        /// Customer type (`Personal`; Bloc documents `Business` as not yet allowed).
        pub customer_type: CustomerType = "customer_type" => "customerType" as wire::Enum<CustomerType>,
        /// Status.
        pub status: CustomerStatus = "status" => "status" as wire::Enum<CustomerStatus>,
        /// KYC tier; `Tier0` when Bloc leaves it out.
        pub kyc_tier: KycTier = "kyc_tier" => "kycTier" as Tier,
        /// KYC status, sent by some Bloc versions (undocumented).
        pub kyc_status: Option<String> = "kyc_status" => "kycStatus" as wire::NonEmpty,
        /// Test or live.
        pub environment: Environment = "environment" => "environment" as wire::Enum<Environment>,
        /// Your organisation's id.
        pub organization_id: String = "organization_id" => "organizationId" as wire::Text,
        /// Group, e.g. `main`.
        pub group: String = "group" => "group" as wire::Text,
        /// How the customer was created: `Banking` (API or dashboard) or `Payment` (payment links).
        pub source: String = "source" => "source" as wire::Text,
        /// Country of residence; empty before KYC tier 1.
        pub country: String = "country" => "country" as wire::Text,
        /// Gender, once known.
        pub gender: Option<Gender> = "gender" => "gender" as wire::OptEnum<Gender>,
        /// Date of birth, once known (Bloc sends a timestamp; the Go zero time means unset).
        #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
        pub date_of_birth: Option<NaiveDate> = "date_of_birth" => "dateOfBirth" as wire::Date,
        /// Place of birth, once known.
        pub place_of_birth: Option<String> = "place_of_birth" => "placeOfBirth" as wire::NonEmpty,
        /// Address; `None` when Bloc sends `{}`.
        pub address: Option<CustomerAddress> = "address" => "address" as wire::NestedOrEmpty<CustomerAddress>,
        /// The customer's photo (a URL or base64).
        pub image_url: Option<String> = "image_url" => "imageUrl" as wire::NonEmpty,
        /// The means of identification given at tier 2.
        pub means_of_identity: Option<MeansOfId> = "means_of_identity" => "meansOfIdentity" as wire::OptEnum<MeansOfId>,
        /// The document given at tier 2.
        pub means_of_identity_url: Option<String> = "means_of_identity_url" => "meansOfIdentityUrl" as wire::NonEmpty,
        /// The document given at tier 3.
        pub identity_url: Option<String> = "identity_url" => "identityUrl" as wire::NonEmpty,
        /// Bloc's sync record.
        pub sync_data: Option<SyncData> = "SyncData" => "syncData" as wire::Nested<SyncData>,
        /// When the customer was created.
        #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
        pub created_at: Option<DateTime<Utc>> = "created_at" => "createdAt" as wire::Timestamp,
        /// When the customer was last updated; `None` until the first update.
        #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
        pub updated_at: Option<DateTime<Utc>> = "updated_at" => "updatedAt" as wire::Timestamp,
    }
}

/// Reads the KYC tier: a string or an integer; `null` or missing is tier 0.
pub(crate) struct Tier;

impl wire::Read for Tier {
    type Out = KycTier;
    const KIND: wire::Kind = wire::Kind::Tier;
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<KycTier, D::Error> {
        Ok(crate::json::string_or_number(d)?.map_or(KycTier::Tier0, KycTier::from))
    }
    fn missing() -> Option<KycTier> {
        Some(KycTier::Tier0)
    }
}

impl KycTier {
    /// Whether this tier is at least `tier` (values this version does not know never are).
    pub fn reaches(&self, tier: u8) -> bool {
        self.as_str().parse::<u8>().is_ok_and(|t| t >= tier)
    }
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
            .field("extra", &self.extra)
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
