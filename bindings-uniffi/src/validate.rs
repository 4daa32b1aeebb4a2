//! Field checks for forms that validate as the user types. Whole payloads are checked by the
//! `bloc_validate_*` functions and by every build step.

use clientele_core::validate::{self as core, IssueCode};
use clientele_core::{ValidationError, bloc, offblocks};

use crate::{CalendarDate, Result};

/// Which rule a single form field follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum FieldKind {
    /// A person's or place's name: required, one line, at most 100 characters.
    Name,
    /// An email address.
    Email,
    /// A Nigerian mobile number, local or international form.
    NigerianPhone,
    /// A Bank Verification Number: exactly 11 digits.
    Bvn,
    /// A postal code: 3 to 10 letters, digits, spaces or hyphens.
    PostalCode,
    /// An `https://` URL.
    HttpsUrl,
    /// An image: an `https://` URL, base64 or a `data:image/...;base64,` URI, at most 5 MiB.
    Image,
    /// A Bloc customer id (24 hex characters).
    BlocCustomerId,
    /// A UUID (OffBlocks customer ids, Idempotency-Keys, API keys).
    Uuid,
    /// A CAIP-10 account id such as `eip155:1:0xab16...` (EIP-55 checked for EVM addresses).
    AccountId,
}

/// Checks one field; returns the issue, or nothing when the value is acceptable.
#[uniffi::export]
pub fn validate_field(kind: FieldKind, value: &str) -> Option<IssueCode> {
    match kind {
        FieldKind::Name => core::name(value),
        FieldKind::Email => core::email(value),
        FieldKind::NigerianPhone => core::nigerian_phone(value).map(drop),
        FieldKind::Bvn => core::bvn(value),
        FieldKind::PostalCode => core::postal_code(value),
        FieldKind::HttpsUrl => core::https_url(value),
        FieldKind::Image => core::image(value),
        FieldKind::BlocCustomerId => bloc::check_customer_id(value),
        FieldKind::Uuid => offblocks::uuid(value),
        FieldKind::AccountId => offblocks::eth::check_account_id(value),
    }
    .err()
}

/// A Nigerian mobile number in the 11-digit local form Bloc uses (`+234 801 234 5678` becomes
/// `08012345678`), or nothing if it is not one.
#[uniffi::export]
pub fn normalize_nigerian_phone(value: &str) -> Option<String> {
    core::nigerian_phone(value).ok()
}

/// A date of birth written `YYYY-MM-DD`: a real date from 1900-01-01 up to `today`. Fails with a
/// validation error whose one issue has the path `dob`.
#[uniffi::export]
pub fn validate_date_of_birth(value: &str, today: CalendarDate) -> Result<CalendarDate> {
    core::past_date(value, today).map_err(|code| ValidationError::single("dob", code).into())
}

/// The default message for an issue code, ready to show next to a field.
#[uniffi::export]
pub fn issue_code_message(code: IssueCode) -> String {
    code.message().to_owned()
}

/// The stable snake_case form of an issue code (`invalid_phone`), as the fixtures and logs write
/// it.
#[uniffi::export]
pub fn issue_code_wire_value(code: IssueCode) -> String {
    code.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked_one_by_one() {
        assert_eq!(
            validate_field(FieldKind::Email, "ada@"),
            Some(IssueCode::InvalidEmail)
        );
        assert_eq!(validate_field(FieldKind::Email, "ada@example.com"), None);
        assert_eq!(
            normalize_nigerian_phone("+234 801 234 5678").as_deref(),
            Some("08012345678")
        );
        let today = CalendarDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert!(validate_date_of_birth("2001-04-14", today).is_ok());
        let err = validate_date_of_birth("2027-01-01", today).unwrap_err();
        assert!(
            matches!(err, crate::ClienteleError::Validation { ref issues, .. }
            if issues[0].code == IssueCode::DateInFuture && issues[0].path == "dob")
        );
    }
}
