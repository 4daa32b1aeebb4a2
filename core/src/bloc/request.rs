//! Payloads for creating, updating and upgrading Bloc customers, and their validation.
//!
//! Every payload is validated completely before a request is built; issue paths use the
//! camelCase field names the hosts see (`phoneNumber`, `address.postalCode`). What is sent is
//! exactly what the caller gave, except the phone number, which is normalised to Bloc's 11-digit
//! local form (see [`validate::nigerian_phone`]).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{CustomerType, Gender, MeansOfId};
use crate::ValidationError;
use crate::pii::{Kind, Masked};
use crate::validate::{self, IssueCode, Issues};

/// A postal address to send (all five members are required by Bloc).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// State, e.g. `Lagos`.
    pub state: String,
    /// Country name, e.g. `Nigeria`.
    pub country: String,
    /// Postal code.
    pub postal_code: String,
}

impl Address {
    fn check(&self, issues: &mut Issues, prefix: &str) {
        let text = |v: &str| validate::text(v, validate::MAX_TEXT_CHARS);
        issues.check(&format!("{prefix}.street"), text(&self.street));
        issues.check(&format!("{prefix}.city"), text(&self.city));
        issues.check(&format!("{prefix}.state"), text(&self.state));
        issues.check(&format!("{prefix}.country"), country(&self.country));
        issues.check(
            &format!("{prefix}.postalCode"),
            validate::postal_code(&self.postal_code),
        );
    }

    fn wire(&self) -> AddressBody<'_> {
        AddressBody {
            street: &self.street,
            city: &self.city,
            state: &self.state,
            country: &self.country,
            postal_code: &self.postal_code,
        }
    }
}

/// A country name (`Nigeria`): letters, spaces, `-`, `'` and `.`, at most 60 characters.
fn country(value: &str) -> Result<(), IssueCode> {
    validate::text(value, 60)?;
    if value
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.'))
    {
        Ok(())
    } else {
        Err(IssueCode::InvalidFormat)
    }
}

fn customer_type(value: &CustomerType) -> Result<(), IssueCode> {
    validate::text(value.as_str(), 50)
}

/// The fields shared by create and update.
fn check_identity(
    issues: &mut Issues,
    email: &str,
    phone: &str,
    first_name: &str,
    last_name: &str,
    kind: &CustomerType,
) -> Option<String> {
    issues.check("email", validate::email(email));
    let phone = issues.check("phoneNumber", validate::nigerian_phone(phone));
    issues.check("firstName", validate::name(first_name));
    issues.check("lastName", validate::name(last_name));
    issues.check("customerType", customer_type(kind));
    phone
}

/// `POST /customers`: a new customer. Bloc requires every field.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CustomerCreateRequest {
    /// Email address.
    pub email: String,
    /// Nigerian mobile number, local (`08012345678`) or international (`+2348012345678`).
    pub phone_number: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Customer type; Bloc documents `Personal`.
    pub customer_type: CustomerType,
    /// Bank Verification Number, 11 digits.
    pub bvn: String,
}

impl CustomerCreateRequest {
    /// Checks every field; returns all issues at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.to_body().map(drop)
    }

    /// Validates, then serialises the body Bloc expects (snake_case, normalised phone).
    pub(crate) fn to_body(&self) -> Result<Vec<u8>, ValidationError> {
        let mut issues = Issues::default();
        let phone = check_identity(
            &mut issues,
            &self.email,
            &self.phone_number,
            &self.first_name,
            &self.last_name,
            &self.customer_type,
        );
        issues.check("bvn", validate::bvn(&self.bvn));
        issues.finish()?;
        to_json(&IdentityBody {
            email: &self.email,
            phone_number: phone.as_deref().unwrap_or_default(),
            first_name: &self.first_name,
            last_name: &self.last_name,
            customer_type: self.customer_type.as_str(),
            bvn: Some(&self.bvn),
            address: None,
        })
    }
}

/// `PUT /customers/{id}`: replaces the customer's details (a full replacement: send every field).
/// The BVN cannot be changed.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CustomerUpdateRequest {
    /// Email address.
    pub email: String,
    /// Nigerian mobile number.
    pub phone_number: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Customer type.
    pub customer_type: CustomerType,
    /// Address. Bloc's specification does not list it for updates (a community SDK sends it):
    /// whether Bloc honours it is unconfirmed. Left out of the body when `None`.
    #[serde(default)]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub address: Option<Address>,
}

impl CustomerUpdateRequest {
    /// Checks every field; returns all issues at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.to_body().map(drop)
    }

    pub(crate) fn to_body(&self) -> Result<Vec<u8>, ValidationError> {
        let mut issues = Issues::default();
        let phone = check_identity(
            &mut issues,
            &self.email,
            &self.phone_number,
            &self.first_name,
            &self.last_name,
            &self.customer_type,
        );
        if let Some(a) = &self.address {
            a.check(&mut issues, "address");
        }
        issues.finish()?;
        to_json(&IdentityBody {
            email: &self.email,
            phone_number: phone.as_deref().unwrap_or_default(),
            first_name: &self.first_name,
            last_name: &self.last_name,
            customer_type: self.customer_type.as_str(),
            bvn: None,
            address: self.address.as_ref().map(Address::wire),
        })
    }
}

/// `PUT /customers/upgrade/t1/{id}`: KYC tier 1.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct KycTier1Upgrade {
    /// Place of birth, e.g. `Kaduna`.
    pub place_of_birth: String,
    /// Date of birth, `YYYY-MM-DD`; a real date, not in the future.
    pub dob: String,
    /// `Male` or `Female`.
    pub gender: Gender,
    /// Country name, e.g. `Nigeria` (Bloc's example uses the name, not an ISO code).
    pub country: String,
    /// Residential address.
    pub address: Address,
    /// A selfie: an `https://` URL, base64, or a `data:image/...;base64,` URI (at most 5 MiB).
    pub image: String,
}

impl KycTier1Upgrade {
    /// Checks every field against `today` (for the date of birth); returns all issues at once.
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationError> {
        self.to_body(today).map(drop)
    }

    pub(crate) fn to_body(&self, today: NaiveDate) -> Result<Vec<u8>, ValidationError> {
        let mut issues = Issues::default();
        issues.check("placeOfBirth", validate::name(&self.place_of_birth));
        issues.check("dob", validate::past_date(&self.dob, today));
        match &self.gender {
            Gender::Male | Gender::Female => {}
            Gender::Other(g) if g.is_empty() => issues.add("gender", IssueCode::Required),
            Gender::Other(_) => issues.add("gender", IssueCode::InvalidGender),
        }
        issues.check("country", country(&self.country));
        self.address.check(&mut issues, "address");
        issues.check("image", validate::image(&self.image));
        issues.finish()?;
        to_json(&Tier1Body {
            place_of_birth: &self.place_of_birth,
            dob: &self.dob,
            gender: self.gender.as_str(),
            country: &self.country,
            address: self.address.wire(),
            image: &self.image,
        })
    }
}

/// `PUT /customers/upgrade/t2/{id}`: KYC tier 2, a means of identification.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct KycTier2Upgrade {
    /// Which document; one of [`MeansOfId`]'s documented values, or a newer one Bloc lists.
    pub means_of_id: MeansOfId,
    /// The ID document: an `https://` URL, base64, or a `data:image/...;base64,` URI.
    pub image: String,
}

impl KycTier2Upgrade {
    /// Checks every field; returns all issues at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.to_body().map(drop)
    }

    pub(crate) fn to_body(&self) -> Result<Vec<u8>, ValidationError> {
        let mut issues = Issues::default();
        issues.check("meansOfId", validate::text(self.means_of_id.as_str(), 60));
        issues.check("image", validate::image(&self.image));
        issues.finish()?;
        to_json(&Tier2Body {
            means_of_id: self.means_of_id.as_str(),
            image: &self.image,
        })
    }
}

/// `PUT /customers/upgrade/t3/{id}`: KYC tier 3, one further document (Bloc does not say which;
/// commonly a proof of address).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi::export(Debug))]
#[derive(Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct KycTier3Upgrade {
    /// The document: an `https://` URL, base64, or a `data:image/...;base64,` URI.
    pub image: String,
}

impl KycTier3Upgrade {
    /// Checks every field; returns all issues at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.to_body().map(drop)
    }

    pub(crate) fn to_body(&self) -> Result<Vec<u8>, ValidationError> {
        let mut issues = Issues::default();
        issues.check("image", validate::image(&self.image));
        issues.finish()?;
        to_json(&Tier3Body { image: &self.image })
    }
}

fn to_json<T: Serialize>(body: &T) -> Result<Vec<u8>, ValidationError> {
    // Serialising these plain string structs cannot fail; map the impossible error anyway
    // rather than panic.
    serde_json::to_vec(body).map_err(|_| ValidationError::single(".", IssueCode::InvalidFormat))
}

#[derive(Serialize)]
struct AddressBody<'a> {
    street: &'a str,
    city: &'a str,
    state: &'a str,
    country: &'a str,
    postal_code: &'a str,
}

#[derive(Serialize)]
struct IdentityBody<'a> {
    email: &'a str,
    phone_number: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    customer_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bvn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<AddressBody<'a>>,
}

#[derive(Serialize)]
struct Tier1Body<'a> {
    place_of_birth: &'a str,
    dob: &'a str,
    gender: &'a str,
    country: &'a str,
    address: AddressBody<'a>,
    image: &'a str,
}

#[derive(Serialize)]
struct Tier2Body<'a> {
    means_of_id: &'a str,
    image: &'a str,
}

#[derive(Serialize)]
struct Tier3Body<'a> {
    image: &'a str,
}

impl fmt::Debug for CustomerCreateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerCreateRequest")
            .field("email", &Masked(Kind::Email, &self.email))
            .field("phone_number", &Masked(Kind::Tail2, &self.phone_number))
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("customer_type", &self.customer_type)
            .field("bvn", &Masked(Kind::Tail2, &self.bvn))
            .finish()
    }
}

impl fmt::Debug for CustomerUpdateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerUpdateRequest")
            .field("email", &Masked(Kind::Email, &self.email))
            .field("phone_number", &Masked(Kind::Tail2, &self.phone_number))
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("customer_type", &self.customer_type)
            .field("address", &self.address)
            .finish()
    }
}

impl fmt::Debug for KycTier1Upgrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KycTier1Upgrade")
            .field("place_of_birth", &self.place_of_birth)
            .field("dob", &Masked(Kind::Date, &self.dob))
            .field("gender", &self.gender)
            .field("country", &self.country)
            .field("address", &self.address)
            .field("image", &Masked(Kind::Image, &self.image))
            .finish()
    }
}

impl fmt::Debug for KycTier2Upgrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KycTier2Upgrade")
            .field("means_of_id", &self.means_of_id)
            .field("image", &Masked(Kind::Image, &self.image))
            .finish()
    }
}

impl fmt::Debug for KycTier3Upgrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KycTier3Upgrade")
            .field("image", &Masked(Kind::Image, &self.image))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths and codes of a validation result.
    fn codes(result: Result<(), ValidationError>) -> Vec<(String, &'static str)> {
        result
            .err()
            .map(|e| {
                e.issues
                    .into_iter()
                    .map(|i| (i.path, i.code.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A form half filled in: what is missing is `required`, like an empty field, and every
    /// issue is reported at once (nothing is thrown for the payload's shape).
    #[test]
    fn missing_members_are_required_issues() {
        let create: CustomerCreateRequest = serde_json::from_str(r#"{"email":"ada@"}"#).unwrap();
        assert_eq!(
            codes(create.validate()),
            [
                ("email".into(), "invalid_email"),
                ("phoneNumber".into(), "required"),
                ("firstName".into(), "required"),
                ("lastName".into(), "required"),
                ("customerType".into(), "required"),
                ("bvn".into(), "required"),
            ]
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let tier1: KycTier1Upgrade =
            serde_json::from_str(r#"{"address":{"city":"Lagos"}}"#).unwrap();
        let tier1 = codes(tier1.validate(today));
        for path in [
            "placeOfBirth",
            "dob",
            "gender",
            "country",
            "address.street",
            "image",
        ] {
            assert!(
                tier1.contains(&(path.into(), "required")),
                "{path}: {tier1:?}"
            );
        }
        assert!(!tier1.iter().any(|(p, _)| p == "address.city"));
        let tier2: KycTier2Upgrade = serde_json::from_str("{}").unwrap();
        assert_eq!(
            codes(tier2.validate()),
            [
                ("meansOfId".into(), "required"),
                ("image".into(), "required")
            ]
        );
        // A member of the wrong type is still a shape error, not silently dropped.
        assert!(serde_json::from_str::<CustomerCreateRequest>(r#"{"email":1}"#).is_err());
    }

    fn create() -> CustomerCreateRequest {
        CustomerCreateRequest {
            email: "ada@example.com".into(),
            phone_number: "+234 801 234 5678".into(),
            first_name: "Ada ".into(),
            last_name: "Obi".into(),
            customer_type: CustomerType::Personal,
            bvn: "22403240419".into(),
        }
    }

    #[test]
    fn create_body_is_snake_case_with_normalised_phone_and_names_as_given() {
        let body = String::from_utf8(create().to_body().unwrap()).unwrap();
        assert_eq!(
            body,
            r#"{"email":"ada@example.com","phone_number":"08012345678","first_name":"Ada ","last_name":"Obi","customer_type":"Personal","bvn":"22403240419"}"#
        );
    }

    #[test]
    fn all_issues_are_reported_at_once() {
        let bad = CustomerCreateRequest {
            email: "nope".into(),
            phone_number: "123".into(),
            first_name: " ".into(),
            last_name: "O\u{0}bi".into(),
            customer_type: CustomerType::Other(String::new()),
            bvn: "9876".into(),
        };
        let err = bad.validate().unwrap_err();
        let got: Vec<_> = err
            .issues
            .iter()
            .map(|i| (i.path.as_str(), i.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("email", "invalid_email"),
                ("phoneNumber", "invalid_phone"),
                ("firstName", "required"),
                ("lastName", "control_characters"),
                ("customerType", "required"),
                ("bvn", "invalid_bvn"),
            ]
        );
        assert!(!err.to_string().contains("9876"), "{err}");
    }

    #[test]
    fn debug_masks_personal_data() {
        let shown = format!("{:?}", create());
        assert!(
            !shown.contains("ada@example.com")
                && !shown.contains("22403240419")
                && !shown.contains("801 234")
        );
        assert!(shown.contains("Ada"));
    }
}
