//! Field-level validation: every payload is checked completely and ALL problems are reported at
//! once, each as an [`Issue`] with a field path (`address.city`), a stable machine code
//! ([`IssueCode`]) and a human message ready to show next to a form field.
//!
//! Messages never repeat the value that was rejected (it may be personal data).
//!
//! The field checks are public so a form can validate one field as the user types:
//!
//! ```
//! use clientele_core::validate::{self, IssueCode};
//!
//! assert_eq!(validate::nigerian_phone("+234 801 234 5678"), Ok("08012345678".to_owned()));
//! assert_eq!(validate::email("ada@example"), Err(IssueCode::InvalidEmail));
//! ```

use std::fmt;

use base64::Engine as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::encoding::BASE64_LENIENT_PADDING;

/// A stable, machine-readable reason a field was rejected. The wire form (`as_str`) never changes
/// once released; new codes may be added.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum IssueCode {
    /// The field is missing or blank.
    Required,
    /// The value is longer than allowed.
    TooLong,
    /// The value holds control characters (newlines, tabs, NUL, ...).
    ControlCharacters,
    /// The value is not in the expected format (an id, a postal code, a name of something).
    InvalidFormat,
    /// Not a valid email address.
    InvalidEmail,
    /// Not a Nigerian mobile number.
    InvalidPhone,
    /// A mixed-case Ethereum address whose EIP-55 checksum does not match (a typo).
    InvalidChecksum,
    /// A BVN must be exactly 11 digits.
    InvalidBvn,
    /// Not a real calendar date in `YYYY-MM-DD` form.
    InvalidDate,
    /// A date that lies in the future.
    DateInFuture,
    /// Not an accepted gender value.
    InvalidGender,
    /// Not an `https://` URL.
    InvalidUrl,
    /// A plain `http://` URL where only `https://` is accepted.
    InsecureUrl,
    /// Neither an `https://` URL, base64 data nor a `data:image/...;base64,` URI.
    InvalidImage,
    /// Image data above the size limit.
    ImageTooLarge,
}

impl IssueCode {
    /// The stable snake_case code, e.g. `"invalid_phone"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueCode::Required => "required",
            IssueCode::TooLong => "too_long",
            IssueCode::ControlCharacters => "control_characters",
            IssueCode::InvalidFormat => "invalid_format",
            IssueCode::InvalidEmail => "invalid_email",
            IssueCode::InvalidPhone => "invalid_phone",
            IssueCode::InvalidChecksum => "invalid_checksum",
            IssueCode::InvalidBvn => "invalid_bvn",
            IssueCode::InvalidDate => "invalid_date",
            IssueCode::DateInFuture => "date_in_future",
            IssueCode::InvalidGender => "invalid_gender",
            IssueCode::InvalidUrl => "invalid_url",
            IssueCode::InsecureUrl => "insecure_url",
            IssueCode::InvalidImage => "invalid_image",
            IssueCode::ImageTooLarge => "image_too_large",
        }
    }

    /// The default human message for this code.
    pub const fn message(self) -> &'static str {
        match self {
            IssueCode::Required => "This field is required.",
            IssueCode::TooLong => "This value is too long.",
            IssueCode::ControlCharacters => {
                "Remove line breaks, tabs and other control characters."
            }
            IssueCode::InvalidFormat => "This value is not in the expected format.",
            IssueCode::InvalidEmail => "Enter a valid email address, like name@example.com.",
            IssueCode::InvalidPhone => {
                "Enter an 11-digit Nigerian mobile number, like 08012345678 or +2348012345678."
            }
            IssueCode::InvalidBvn => "A BVN is exactly 11 digits.",
            IssueCode::InvalidChecksum => {
                "This address fails its checksum: check it for a typo, or paste it again."
            }
            IssueCode::InvalidDate => "Enter a real date as YYYY-MM-DD.",
            IssueCode::DateInFuture => "This date cannot be in the future.",
            IssueCode::InvalidGender => "Choose Male or Female.",
            IssueCode::InvalidUrl => "Enter a valid https:// URL.",
            IssueCode::InsecureUrl => "Use an https:// URL.",
            IssueCode::InvalidImage => {
                "Provide the image as an https:// URL, base64 data or a data:image/...;base64, URI."
            }
            IssueCode::ImageTooLarge => "The image is larger than 5 MiB.",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one field of a payload.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Issue {
    /// Path of the field in the payload's wire names: `email`, `address.postal_code`, `customer_id`.
    pub path: String,
    /// Stable machine code.
    pub code: IssueCode,
    /// Human message, ready to show next to the field. Never contains the rejected value.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.code)
    }
}

/// Collects issues while a payload is checked, so all of them are reported together.
#[derive(Debug, Default)]
pub(crate) struct Issues(Vec<Issue>);

impl Issues {
    /// Records `code` against `path` with the code's default message.
    pub(crate) fn add(&mut self, path: &str, code: IssueCode) {
        self.add_with(path, code, code.message().to_owned());
    }

    /// Records `code` against `path` with a specific message.
    pub(crate) fn add_with(&mut self, path: &str, code: IssueCode, message: String) {
        self.0.push(Issue {
            path: path.to_owned(),
            code,
            message,
        });
    }

    /// Runs a field check; on failure records its code against `path` and returns `None`.
    pub(crate) fn check<T>(&mut self, path: &str, result: Result<T, IssueCode>) -> Option<T> {
        result.map_err(|code| self.add(path, code)).ok()
    }

    /// `Ok` if nothing was recorded.
    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { issues: self.0 })
        }
    }
}

/// Longest accepted name (first, last, place of birth, ...), in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest accepted address line, city, state or country, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Largest accepted decoded image, in bytes (5 MiB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Longest accepted image URL, in characters.
pub const MAX_URL_CHARS: usize = 2048;

/// A required, single-line text of at most `max_chars` characters, non-empty after trimming.
/// The value itself is sent as given: trimming is only used to decide whether it is blank.
pub fn text(value: &str, max_chars: usize) -> Result<(), IssueCode> {
    if value.trim().is_empty() {
        Err(IssueCode::Required)
    } else if value.chars().any(char::is_control) {
        Err(IssueCode::ControlCharacters)
    } else if value.chars().count() > max_chars {
        Err(IssueCode::TooLong)
    } else {
        Ok(())
    }
}

/// A person's or place's name: [`text`] with at most [`MAX_NAME_CHARS`] characters.
pub fn name(value: &str) -> Result<(), IssueCode> {
    text(value, MAX_NAME_CHARS)
}

/// An email address (`local@domain.tld`), ASCII, at most 254 characters, no quoted local parts.
pub fn email(value: &str) -> Result<(), IssueCode> {
    if value.is_empty() {
        return Err(IssueCode::Required);
    }
    let (local, domain) = value.rsplit_once('@').ok_or(IssueCode::InvalidEmail)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| {
            tld.len() >= 2
                && (tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--"))
        });
    if value.len() <= 254 && local_ok && domain_ok {
        Ok(())
    } else {
        Err(IssueCode::InvalidEmail)
    }
}

/// A Nigerian mobile number, returned in the 11-digit local form Bloc's API uses (`0XXXXXXXXXX`).
///
/// Accepted inputs: `08012345678`, `+2348012345678`, `2348012345678` and `+23408012345678` (a
/// trunk `0` kept after the country code); spaces, `-`, `.` and parentheses between digits are
/// ignored. The number must be a mobile number: 11 digits starting with `07`, `08` or `09`.
pub fn nigerian_phone(value: &str) -> Result<String, IssueCode> {
    if value.trim().is_empty() {
        return Err(IssueCode::Required);
    }
    let (plus, rest) = match value.trim().strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value.trim()),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err(IssueCode::InvalidPhone),
        }
    }
    let national = match digits.strip_prefix("234") {
        Some(n) if plus || digits.len() >= 13 => n.strip_prefix('0').unwrap_or(n),
        _ if plus => return Err(IssueCode::InvalidPhone),
        _ => match digits.strip_prefix('0') {
            Some(n) => n,
            None => return Err(IssueCode::InvalidPhone),
        },
    };
    let mobile = national.len() == 10 && matches!(national.as_bytes().first(), Some(b'7'..=b'9'));
    if mobile {
        Ok(format!("0{national}"))
    } else {
        Err(IssueCode::InvalidPhone)
    }
}

/// A Bank Verification Number: exactly 11 ASCII digits.
pub fn bvn(value: &str) -> Result<(), IssueCode> {
    if value.is_empty() {
        Err(IssueCode::Required)
    } else if value.len() == 11 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(IssueCode::InvalidBvn)
    }
}

/// A UUID in its canonical textual form (`8-4-4-4-12` hex digits, either case).
pub fn uuid(value: &str) -> Result<(), IssueCode> {
    if value.is_empty() {
        return Err(IssueCode::Required);
    }
    let ok = value.len() == 36
        && value.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if ok {
        Ok(())
    } else {
        Err(IssueCode::InvalidFormat)
    }
}

/// A Bloc customer id: 24 hex characters (a MongoDB ObjectId).
pub fn bloc_customer_id(customer_id: &str) -> Result<(), IssueCode> {
    if customer_id.is_empty() {
        Err(IssueCode::Required)
    } else if customer_id.len() == 24 && customer_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(IssueCode::InvalidFormat)
    }
}

/// Checks a CAIP-10 account id for a form field: `Required` when empty, `InvalidChecksum` for a
/// mixed-case EVM address that fails EIP-55 (usually a typo), `InvalidFormat` otherwise.
pub fn account_id(value: &str) -> Result<(), IssueCode> {
    use clientele_siwe::{AccountId, AccountIdError};
    AccountId::parse(value).map(drop).map_err(|e| match e {
        AccountIdError::Empty => IssueCode::Required,
        AccountIdError::Checksum => IssueCode::InvalidChecksum,
        _ => IssueCode::InvalidFormat,
    })
}

/// Which rule a single form field follows: for forms that check a field as the user types
/// (whole payloads are checked by their `validate` methods and by every build step).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

impl FieldKind {
    /// Every kind with its name in JavaScript (`validateField("nigerianPhone", ...)`) and the
    /// fixtures.
    pub const ALL: [(FieldKind, &'static str); 10] = [
        (FieldKind::Name, "name"),
        (FieldKind::Email, "email"),
        (FieldKind::NigerianPhone, "nigerianPhone"),
        (FieldKind::Bvn, "bvn"),
        (FieldKind::PostalCode, "postalCode"),
        (FieldKind::HttpsUrl, "httpsUrl"),
        (FieldKind::Image, "image"),
        (FieldKind::BlocCustomerId, "blocCustomerId"),
        (FieldKind::Uuid, "uuid"),
        (FieldKind::AccountId, "accountId"),
    ];

    /// The kind named `name` (as in [`FieldKind::ALL`]), if any.
    pub fn from_name(name: &str) -> Option<FieldKind> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }

    /// Its name in JavaScript and the fixtures.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| *n)
    }
}

/// Checks one field by the rule of `kind`: the issue, or `Ok` when the value is acceptable.
///
/// ```
/// use clientele_core::validate::{FieldKind, IssueCode, field};
///
/// assert_eq!(field(FieldKind::Bvn, "2222"), Err(IssueCode::InvalidBvn));
/// assert_eq!(field(FieldKind::Email, "ada@example.com"), Ok(()));
/// ```
pub fn field(kind: FieldKind, value: &str) -> Result<(), IssueCode> {
    match kind {
        FieldKind::Name => name(value),
        FieldKind::Email => email(value),
        FieldKind::NigerianPhone => nigerian_phone(value).map(drop),
        FieldKind::Bvn => bvn(value),
        FieldKind::PostalCode => postal_code(value),
        FieldKind::HttpsUrl => https_url(value),
        FieldKind::Image => image(value),
        FieldKind::BlocCustomerId => bloc_customer_id(value),
        FieldKind::Uuid => uuid(value),
        FieldKind::AccountId => account_id(value),
    }
}

/// A date of birth from a form: [`past_date`], failing with a validation error whose one issue
/// has the path `dob` (the field of Bloc's KYC tier 1 upgrade).
pub fn date_of_birth(value: &str, today: NaiveDate) -> Result<NaiveDate, ValidationError> {
    past_date(value, today).map_err(|code| ValidationError::single("dob", code))
}

/// A phone number from a form in Bloc's 11-digit local form ([`nigerian_phone`]), failing with a
/// validation error whose one issue has the path `phoneNumber` (the field of a Bloc customer).
pub fn phone_number(value: &str) -> Result<String, ValidationError> {
    nigerian_phone(value).map_err(|code| ValidationError::single("phoneNumber", code))
}

/// A real calendar date written `YYYY-MM-DD`, from 1900-01-01 up to and including `today`.
pub fn past_date(value: &str, today: NaiveDate) -> Result<NaiveDate, IssueCode> {
    if value.is_empty() {
        return Err(IssueCode::Required);
    }
    let date = calendar_date(value).ok_or(IssueCode::InvalidDate)?;
    if date > today {
        Err(IssueCode::DateInFuture)
    } else if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        Err(IssueCode::InvalidDate)
    } else {
        Ok(date)
    }
}

/// Parses exactly `YYYY-MM-DD` into a real calendar date (no other layout), without chrono's
/// general format machinery.
pub fn calendar_date(value: &str) -> Option<NaiveDate> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|_| value.get(r))
            .and_then(|t| t.parse::<u32>().ok())
    };
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// A postal code: 3 to 10 letters, digits, spaces or hyphens.
pub fn postal_code(value: &str) -> Result<(), IssueCode> {
    text(value, 10)?;
    let ok = value.trim().len() >= 3
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(IssueCode::InvalidFormat)
    }
}

/// An `https://` URL with a host and no whitespace, at most [`MAX_URL_CHARS`] characters.
pub fn https_url(value: &str) -> Result<(), IssueCode> {
    if value.is_empty() {
        return Err(IssueCode::Required);
    }
    if value.len() >= 7
        && value
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
    {
        return Err(IssueCode::InsecureUrl);
    }
    let rest = value
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .and_then(|_| value.get(8..))
        .ok_or(IssueCode::InvalidUrl)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let ok = value.len() <= MAX_URL_CHARS
        && !host.is_empty()
        && !host.starts_with(':')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(IssueCode::InvalidUrl)
    }
}

/// An image given as an `https://` URL, a `data:image/<type>;base64,<data>` URI or bare base64.
/// Base64 must decode, and decode to at most [`MAX_IMAGE_BYTES`].
pub fn image(value: &str) -> Result<(), IssueCode> {
    if value.trim().is_empty() {
        return Err(IssueCode::Required);
    }
    let lower_prefix = value
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower_prefix.starts_with("http") {
        return https_url(value);
    }
    let data = if lower_prefix.starts_with("data:") {
        let (meta, data) = value.split_once(',').ok_or(IssueCode::InvalidImage)?;
        let meta = meta.to_ascii_lowercase();
        let is_image_b64 = meta.starts_with("data:image/") && meta.ends_with(";base64");
        if !is_image_b64 {
            return Err(IssueCode::InvalidImage);
        }
        data
    } else {
        value
    };
    // Reject by size before decoding, so a huge payload costs nothing.
    if data.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(IssueCode::ImageTooLarge);
    }
    let decoded = BASE64_LENIENT_PADDING
        .decode(data)
        .map_err(|_| IssueCode::InvalidImage)?;
    if decoded.is_empty() {
        Err(IssueCode::InvalidImage)
    } else if decoded.len() > MAX_IMAGE_BYTES {
        Err(IssueCode::ImageTooLarge)
    } else {
        Ok(())
    }
}

/// The caller's payload is invalid. Holds ALL issues found, not just the first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationError {
    /// Every problem found, in field order.
    pub issues: Vec<Issue>,
}

impl ValidationError {
    /// A validation error with a single issue.
    pub fn single(path: &str, code: IssueCode) -> Self {
        ValidationError {
            issues: vec![Issue {
                path: path.to_owned(),
                code,
                message: code.message().to_owned(),
            }],
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(f, "{n} invalid field{}: ", if n == 1 { "" } else { "s" })?;
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn emails() {
        for ok in [
            "ada@example.com",
            "a.b+tag@sub.example.ng",
            "x_y@xn--80ak6aa92e.com",
        ] {
            assert_eq!(email(ok), Ok(()), "{ok}");
        }
        assert_eq!(email(""), Err(IssueCode::Required));
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada @example.com",
            ".ada@example.com",
            "a..b@example.com",
            "ada@-example.com",
            "ada@example.c0m",
            "ada@example..com",
            " ada@example.com",
            "adé@example.com",
        ] {
            assert_eq!(email(bad), Err(IssueCode::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn phones_normalise_to_local_form() {
        for (input, want) in [
            ("08012345678", "08012345678"),
            ("+2348012345678", "08012345678"),
            ("2348012345678", "08012345678"),
            ("+23408012345678", "08012345678"),
            ("+234 (0) 801-234-5678", "08012345678"),
            ("0909 876 5432", "09098765432"),
            ("07012345678", "07012345678"),
        ] {
            assert_eq!(nigerian_phone(input).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(nigerian_phone("  "), Err(IssueCode::Required));
        for bad in [
            "0801234567",
            "080123456789",
            "8012345678",
            "+448012345678",
            "01234567890",
            "+2341234567890",
            "0801234567a",
            "+",
            "234",
            "++2348012345678",
            "080\n12345678",
        ] {
            assert_eq!(nigerian_phone(bad), Err(IssueCode::InvalidPhone), "{bad:?}");
        }
    }

    #[test]
    fn bvns() {
        assert_eq!(bvn("22403240419"), Ok(()));
        assert_eq!(bvn(""), Err(IssueCode::Required));
        for bad in [
            "2240324041",
            "224032404190",
            "2240324041a",
            " 2240324041",
            "２２４０３２４０４１９",
        ] {
            assert_eq!(bvn(bad), Err(IssueCode::InvalidBvn), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            past_date("1992-03-30", today()),
            Ok(NaiveDate::from_ymd_opt(1992, 3, 30).unwrap())
        );
        assert_eq!(past_date("2026-11-21", today()).map(|_| ()), Ok(()));
        assert_eq!(
            past_date("2026-11-22", today()),
            Err(IssueCode::DateInFuture)
        );
        assert_eq!(past_date("", today()), Err(IssueCode::Required));
        for bad in [
            "2023-02-29",
            "1992-3-30",
            "30-03-1992",
            "1992-03-30T00:00:00Z",
            "1899-12-31",
            "abcd-ef-gh",
        ] {
            assert_eq!(
                past_date(bad, today()),
                Err(IssueCode::InvalidDate),
                "{bad}"
            );
        }
        assert!(past_date("2024-02-29", today()).is_ok());
    }

    #[test]
    fn texts() {
        assert_eq!(name("Ayo "), Ok(()));
        assert_eq!(name(" \t "), Err(IssueCode::Required));
        assert_eq!(name("Ay\no"), Err(IssueCode::ControlCharacters));
        assert_eq!(name(&"a".repeat(101)), Err(IssueCode::TooLong));
        assert_eq!(name(&"é".repeat(100)), Ok(()));
        assert_eq!(postal_code("100001"), Ok(()));
        assert_eq!(postal_code("1"), Err(IssueCode::InvalidFormat));
        assert_eq!(postal_code("10000#"), Err(IssueCode::InvalidFormat));
    }

    #[test]
    fn urls_and_images() {
        assert_eq!(https_url("https://cdn.example.com/a.png"), Ok(()));
        assert_eq!(https_url("HTTPS://cdn.example.com"), Ok(()));
        assert_eq!(
            https_url("http://cdn.example.com/a.png"),
            Err(IssueCode::InsecureUrl)
        );
        assert_eq!(https_url("https://"), Err(IssueCode::InvalidUrl));
        assert_eq!(https_url("https://a b.com"), Err(IssueCode::InvalidUrl));
        assert_eq!(https_url("ftp://x"), Err(IssueCode::InvalidUrl));

        assert_eq!(image("https://cdn.example.com/selfie.jpg"), Ok(()));
        assert_eq!(
            image("http://cdn.example.com/selfie.jpg"),
            Err(IssueCode::InsecureUrl)
        );
        assert_eq!(image("data:image/png;base64,iVBORw0KGgo="), Ok(()));
        assert_eq!(image("iVBORw0KGgo="), Ok(()));
        assert_eq!(
            image("data:image/jpeg;base64"),
            Err(IssueCode::InvalidImage)
        );
        assert_eq!(
            image("data:text/plain;base64,aGk="),
            Err(IssueCode::InvalidImage)
        );
        assert_eq!(image("not base64!"), Err(IssueCode::InvalidImage));
        assert_eq!(image("/tmp/selfie.jpg"), Err(IssueCode::InvalidImage));
        assert_eq!(image(""), Err(IssueCode::Required));
        let big = "A".repeat((MAX_IMAGE_BYTES / 3 + 2) * 4);
        assert_eq!(image(&big), Err(IssueCode::ImageTooLarge));
        let just_fits = "A".repeat(MAX_IMAGE_BYTES / 3 * 4);
        assert_eq!(image(&just_fits), Ok(()));
    }

    #[test]
    fn issues_collect_all() {
        let mut issues = Issues::default();
        issues.check("email", email("x"));
        issues.check("bvn", bvn("1"));
        let err = issues.finish().unwrap_err();
        let codes: Vec<_> = err
            .issues
            .iter()
            .map(|i| (i.path.as_str(), i.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("email", IssueCode::InvalidEmail),
                ("bvn", IssueCode::InvalidBvn)
            ]
        );
    }
}
