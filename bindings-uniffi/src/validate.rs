//! Field checks for forms that validate as the user types. Whole payloads are checked by the
//! `bloc_validate_*` functions and by every build step.

use clientele_core::validate::{self as core, IssueCode};

use crate::{CalendarDate, Result};

pub use clientele_core::validate::FieldKind;

/// Checks one field; returns the issue, or nothing when the value is acceptable.
#[uniffi::export]
pub fn validate_field(kind: FieldKind, value: &str) -> Option<IssueCode> {
    core::field(kind, value).err()
}

/// A Nigerian mobile number in the 11-digit local form Bloc uses (`+234 801 234 5678` becomes
/// `08012345678`), or nothing if it is not one.
#[uniffi::export]
pub fn normalize_nigerian_phone(value: &str) -> Option<String> {
    core::phone_number(value).ok()
}

/// A date of birth written `YYYY-MM-DD`: a real date from 1900-01-01 up to `today`. Fails with a
/// validation error whose one issue has the path `dob`.
#[uniffi::export]
pub fn validate_date_of_birth(value: &str, today: CalendarDate) -> Result<CalendarDate> {
    Ok(core::date_of_birth(value, today)?)
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
