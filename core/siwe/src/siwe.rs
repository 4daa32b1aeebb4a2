//! EIP-4361 Sign-In with Ethereum (SIWE) messages: a strict parser that follows
//! the spec's ABNF, exact re-rendering, base64 challenge decoding, and the
//! checks a client runs before asking a wallet to sign.
//!
//! # Strictness
//!
//! The parser accepts exactly the ABNF of EIP-4361, with these documented
//! choices:
//!
//! - **Line endings are LF only.** Any carriage return is rejected
//!   ([`SiweError::CarriageReturn`]), because the signature covers the exact
//!   bytes and the ABNF says `LF`.
//! - **Statement layout.** With a statement the address is followed by
//!   `LF LF statement LF LF`; without one, by `LF LF LF` (three line feeds, as
//!   the ABNF `address LF LF [ statement LF ] LF` gives). The older
//!   two-line-feed layout some libraries emitted is rejected. An empty
//!   statement (four line feeds) is allowed by the ABNF and parses as
//!   `Some("")`.
//! - **Address.** `0x` + 40 hex digits written exactly as its EIP-55
//!   checksum: EIP-4361's ABNF asks for the EIP-55 form, and the reference
//!   parser (siwe-py) rejects an all-lowercase or all-uppercase address, so
//!   this one does too ([`SiweError::AddressChecksum`]).
//! - **Chain ID** must not have leading zeros and must fit in a `u64`, so that
//!   it has a single spelling and the message re-renders exactly.
//! - **URIs, domain, request id** are checked against the RFC 3986 grammar at
//!   the character and component level (scheme, authority, path, query,
//!   fragment, percent-encoding). IPv6 literals are checked for their
//!   character set only.
//! - **Timestamps** must match the RFC 3339 `date-time` grammar exactly
//!   (`T`/`Z` in either case; no space separator) and be a real date and time.
//!   Their original text is kept so the message re-renders byte for byte.
//! - **`Resources:` with no `- uri` line after it** is rejected
//!   ([`SiweError::EmptyResources`]): the ABNF allows it, but it could not be
//!   told apart from "no resources" after parsing, and no known implementation
//!   emits it.
//! - **Size.** Messages are limited to [`MAX_MESSAGE_LEN`] bytes (the spec asks
//!   implementers to choose maximum lengths).
//!
//! Error messages name the offending field or line number, never its content,
//! so they are safe to log.

use core::fmt;
use core::str::FromStr;
use core::time::Duration;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

use super::caip::parse_chain_id;
use super::wallet::{AddressError, checksum_address, parse_address};

/// Largest accepted message, in bytes.
pub const MAX_MESSAGE_LEN: usize = 16 * 1024;

/// How far `Issued At` may lie ahead of the caller's clock in [`SiweMessage::check`]: five
/// minutes of clock difference between the issuer and the device, no more.
pub const MAX_ISSUED_AT_SKEW: Duration = Duration::from_secs(5 * 60);

/// Standard base64 with or without `=` padding: how challenges arrive.
const STANDARD_PAD_INDIFFERENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// End of the first line, after `[scheme://]domain`.
const HEADER_SUFFIX: &str = " wants you to sign in with your Ethereum account:";
const SCHEME_SEPARATOR: &str = "://";
const RESOURCE_PREFIX: &str = "- ";

/// The labelled lines of a SIWE message, in their required order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiweField {
    /// `URI: `
    Uri,
    /// `Version: `
    Version,
    /// `Chain ID: `
    ChainId,
    /// `Nonce: `
    Nonce,
    /// `Issued At: `
    IssuedAt,
    /// `Expiration Time: `
    ExpirationTime,
    /// `Not Before: `
    NotBefore,
    /// `Request ID: `
    RequestId,
    /// `Resources:`
    Resources,
}

impl SiweField {
    /// The exact text that starts the field's line.
    const fn tag(self) -> &'static str {
        match self {
            Self::Uri => "URI: ",
            Self::Version => "Version: ",
            Self::ChainId => "Chain ID: ",
            Self::Nonce => "Nonce: ",
            Self::IssuedAt => "Issued At: ",
            Self::ExpirationTime => "Expiration Time: ",
            Self::NotBefore => "Not Before: ",
            Self::RequestId => "Request ID: ",
            Self::Resources => "Resources:",
        }
    }

    /// Human name of the field, e.g. `Chain ID`.
    #[must_use]
    pub fn label(self) -> &'static str {
        self.tag().trim_end_matches(' ').trim_end_matches(':')
    }
}

impl fmt::Display for SiweField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The SIWE message version. EIP-4361 defines only `1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SiweVersion {
    /// Version `1`.
    #[default]
    V1,
}

impl SiweVersion {
    /// The version as written in the message, e.g. `1`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "1",
        }
    }
}

impl serde::Serialize for SiweVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for SiweVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An RFC 3339 date-time that remembers its exact text, so a parsed message
/// re-renders byte for byte (`…:53Z`, `…:53.000Z` and `…:53+00:00` are the same
/// instant but different signed bytes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    instant: DateTime<FixedOffset>,
}

impl Timestamp {
    /// Parses an RFC 3339 `date-time`, e.g. `2024-01-17T18:21:53Z` or
    /// `2024-01-17T19:21:53.120+01:00`. Returns `None` for anything else,
    /// including a space instead of `T`, a missing offset, or an impossible
    /// date.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        if !is_rfc3339_shape(text.as_bytes()) {
            return None;
        }
        let instant = DateTime::parse_from_rfc3339(text).ok()?;
        Some(Self {
            text: text.to_owned(),
            instant,
        })
    }

    /// The exact text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, with the offset it was written in.
    #[must_use]
    pub const fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// The instant in UTC.
    #[must_use]
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.instant.to_utc()
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    /// Renders with `Z` for UTC and 0, 3, 6 or 9 fractional digits as needed.
    /// Years outside 0000–9999 have no RFC 3339 form; a message holding one
    /// fails [`SiweMessage::validate`].
    fn from(instant: DateTime<FixedOffset>) -> Self {
        Self {
            text: instant.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            instant,
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Same rendering as the `DateTime<FixedOffset>` conversion, always with `Z`.
    fn from(instant: DateTime<Utc>) -> Self {
        Self::from(instant.fixed_offset())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 date-time"))
    }
}

/// A parsed EIP-4361 message.
///
/// [`Display`](fmt::Display) renders the message text. For a parsed message
/// it is exactly the text that was parsed; for a hand-built one, call
/// [`validate`](Self::validate) before asking anyone to sign it. It serialises
/// as its fields (camelCase, timestamps as written); parse text with
/// [`parse`](Self::parse) or `TryFrom<String>`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SiweMessage {
    /// Optional RFC 3986 scheme before the domain (`https` in `https://example.com`).
    pub scheme: Option<String>,
    /// RFC 3986 authority requesting the signature, e.g. `example.com:3388`.
    pub domain: String,
    /// Signing address, `0x` + 40 hex digits, exactly as written.
    pub address: String,
    /// Human-readable statement without line breaks.
    pub statement: Option<String>,
    /// RFC 3986 URI that is the subject of the signing.
    pub uri: String,
    /// Message version.
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub version: SiweVersion,
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// At least 8 ASCII letters or digits.
    pub nonce: String,
    /// When the message was issued.
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub issued_at: Timestamp,
    /// When the message stops being valid.
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub expiration_time: Option<Timestamp>,
    /// When the message starts being valid.
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub not_before: Option<Timestamp>,
    /// System-specific request id (RFC 3986 `*pchar`, may be empty).
    pub request_id: Option<String>,
    /// RFC 3986 URIs listed under `Resources:`.
    pub resources: Vec<String>,
}

/// Why a SIWE message or challenge was rejected. Messages name a field or a
/// line number, never the message content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum SiweError {
    /// Longer than [`MAX_MESSAGE_LEN`].
    #[error("message is longer than the maximum accepted length")]
    TooLong,
    /// A byte outside ASCII, or text that is not UTF-8.
    #[error("message contains non-ASCII bytes")]
    NonAscii,
    /// A carriage return; lines must end with LF only.
    #[error("message contains a carriage return; lines must end with LF only")]
    CarriageReturn,
    /// The first line is not `[scheme://]domain wants you to sign in with your Ethereum account:`.
    #[error("first line is not a Sign-In with Ethereum header")]
    Header,
    /// The scheme before `://` is not an RFC 3986 scheme.
    #[error("scheme is not a valid RFC 3986 scheme")]
    Scheme,
    /// The domain is not a non-empty RFC 3986 authority.
    #[error("domain is not a valid RFC 3986 authority")]
    Domain,
    /// The address line is not `0x` + 40 hex digits.
    #[error("address must be 0x followed by 40 hexadecimal digits")]
    Address,
    /// The address is mixed case but not a valid EIP-55 checksum.
    #[error("address does not match its EIP-55 checksum")]
    AddressChecksum,
    /// Blank lines around the statement do not follow the ABNF layout.
    #[error("blank lines around the statement do not follow the EIP-4361 layout")]
    Layout,
    /// The statement has a character outside RFC 3986 reserved/unreserved and space.
    #[error("statement may only contain RFC 3986 reserved or unreserved characters and spaces")]
    Statement,
    /// A required line is missing or out of order.
    #[error("required line '{0}' is missing or out of order")]
    MissingField(SiweField),
    /// The `URI` value is not an RFC 3986 URI.
    #[error("URI is not a valid RFC 3986 URI")]
    Uri,
    /// The version is not `1`.
    #[error("version must be 1")]
    Version,
    /// The chain id is not a decimal `u64` without leading zeros.
    #[error("chain id must be a decimal number without leading zeros that fits in 64 bits")]
    ChainId,
    /// The nonce is not at least 8 ASCII letters or digits.
    #[error("nonce must be at least 8 ASCII letters or digits")]
    Nonce,
    /// A timestamp is not an RFC 3339 date-time.
    #[error("'{0}' is not an RFC 3339 date-time")]
    Timestamp(SiweField),
    /// The request id contains characters outside RFC 3986 `pchar`.
    #[error("request id may only contain RFC 3986 path characters")]
    RequestId,
    /// A resource is not an RFC 3986 URI.
    #[error("each resource must be an RFC 3986 URI")]
    Resource,
    /// `Resources:` with no resource lines after it.
    #[error("'Resources:' must be followed by at least one '- ' line")]
    EmptyResources,
    /// A line that is unknown, duplicated, misplaced, or after the end (1-based).
    #[error("unexpected line {0}")]
    UnexpectedLine(usize),
    /// Hand-built fields that do not render to a message parsing back to the same fields.
    #[error("fields do not render to an unambiguous message")]
    Ambiguous,
    /// The challenge is not standard base64.
    #[error("challenge is not valid standard base64")]
    Base64,
    /// [`SiweMessage::check`]: the message is for another address.
    #[error("message address is not the expected address")]
    AddressMismatch,
    /// [`SiweMessage::check`]: the message is for another chain.
    #[error("message chain id is not the expected chain id")]
    ChainIdMismatch,
    /// [`SiweMessage::check`]: `now` is before `Not Before`.
    #[error("message is not valid yet")]
    NotYetValid,
    /// [`SiweMessage::check`]: `now` is at or after `Expiration Time`.
    #[error("message has expired")]
    Expired,
    /// [`SiweMessage::check`]: no expiration time, and `now` is at or after `Issued At` plus the maximum age.
    #[error("message is older than the maximum age")]
    TooOld,
    /// [`SiweMessage::check`]: `Issued At` lies further ahead of `now` than [`MAX_ISSUED_AT_SKEW`].
    #[error("message is issued in the future")]
    IssuedInFuture,
    /// [`SiweMessage::check`]: `Expiration Time` lies further after `Issued At` than the maximum age.
    #[error("message expires later than the maximum age after it was issued")]
    ExpiresTooLate,
    /// [`SiweMessage::check_origin`]: the message is for another domain (or scheme).
    #[error("message domain is not an expected domain")]
    DomainMismatch,
    /// [`SiweMessage::check_origin`]: the `URI` is not an `https` URI of the message's domain.
    #[error("message URI is not an https URI of its domain")]
    UriMismatch,
}

impl SiweError {
    /// Stable snake_case identifier, for programmatic matching across FFI.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooLong => "too_long",
            Self::NonAscii => "non_ascii",
            Self::CarriageReturn => "carriage_return",
            Self::Header => "header",
            Self::Scheme => "scheme",
            Self::Domain => "domain",
            Self::Address => "address",
            Self::AddressChecksum => "address_checksum",
            Self::Layout => "layout",
            Self::Statement => "statement",
            Self::MissingField(_) => "missing_field",
            Self::Uri => "uri",
            Self::Version => "version",
            Self::ChainId => "chain_id",
            Self::Nonce => "nonce",
            Self::Timestamp(_) => "timestamp",
            Self::RequestId => "request_id",
            Self::Resource => "resource",
            Self::EmptyResources => "empty_resources",
            Self::UnexpectedLine(_) => "unexpected_line",
            Self::Ambiguous => "ambiguous",
            Self::Base64 => "base64",
            Self::AddressMismatch => "address_mismatch",
            Self::ChainIdMismatch => "chain_id_mismatch",
            Self::NotYetValid => "not_yet_valid",
            Self::Expired => "expired",
            Self::TooOld => "too_old",
            Self::IssuedInFuture => "issued_in_future",
            Self::ExpiresTooLate => "expires_too_late",
            Self::DomainMismatch => "domain_mismatch",
            Self::UriMismatch => "uri_mismatch",
        }
    }
}

impl SiweMessage {
    /// Parses a message, enforcing the EIP-4361 ABNF (see the module docs).
    ///
    /// # Errors
    /// The first problem found, as a [`SiweError`].
    pub fn parse(text: &str) -> Result<Self, SiweError> {
        if text.len() > MAX_MESSAGE_LEN {
            return Err(SiweError::TooLong);
        }
        if !text.is_ascii() {
            return Err(SiweError::NonAscii);
        }
        if text.contains('\r') {
            return Err(SiweError::CarriageReturn);
        }
        let mut lines = Lines::new(text);

        let prefix = lines
            .next()
            .and_then(|line| line.strip_suffix(HEADER_SUFFIX))
            .ok_or(SiweError::Header)?;
        let (scheme, domain) = match prefix.split_once(SCHEME_SEPARATOR) {
            Some((scheme, domain)) => (Some(scheme), domain),
            None => (None, prefix),
        };
        if scheme.is_some_and(|scheme| !is_scheme(scheme)) {
            return Err(SiweError::Scheme);
        }
        if !is_authority(domain, true) {
            return Err(SiweError::Domain);
        }

        let address = lines.next().ok_or(SiweError::Address)?;
        let bytes = parse_address(address).map_err(|error| match error {
            AddressError::Format => SiweError::Address,
            AddressError::Checksum => SiweError::AddressChecksum,
        })?;
        // Mixed case was checked above; all-lowercase and all-uppercase must be the EIP-55 form too.
        if checksum_address(&bytes) != address {
            return Err(SiweError::AddressChecksum);
        }

        lines.blank()?;
        let statement = match lines.next() {
            Some("") if lines.peek() == Some("") => {
                lines.next();
                Some("")
            }
            Some("") => None,
            Some(statement) => {
                if !statement.bytes().all(is_statement_char) {
                    return Err(SiweError::Statement);
                }
                lines.blank()?;
                Some(statement)
            }
            None => return Err(SiweError::MissingField(SiweField::Uri)),
        };

        let uri = lines.required(SiweField::Uri)?;
        if !is_uri(uri) {
            return Err(SiweError::Uri);
        }
        if lines.required(SiweField::Version)? != SiweVersion::V1.as_str() {
            return Err(SiweError::Version);
        }
        let chain_id =
            parse_chain_id(lines.required(SiweField::ChainId)?).ok_or(SiweError::ChainId)?;
        let nonce = lines.required(SiweField::Nonce)?;
        if nonce.len() < 8 || !nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(SiweError::Nonce);
        }
        let issued_at = timestamp(SiweField::IssuedAt, lines.required(SiweField::IssuedAt)?)?;
        let expiration_time = lines
            .optional(SiweField::ExpirationTime)
            .map(|text| timestamp(SiweField::ExpirationTime, text))
            .transpose()?;
        let not_before = lines
            .optional(SiweField::NotBefore)
            .map(|text| timestamp(SiweField::NotBefore, text))
            .transpose()?;
        let request_id = lines.optional(SiweField::RequestId);
        if request_id.is_some_and(|id| !is_encoded(id, PCHAR_EXTRA)) {
            return Err(SiweError::RequestId);
        }
        let mut resources = Vec::new();
        if let Some(rest) = lines.optional(SiweField::Resources) {
            if !rest.is_empty() {
                return Err(SiweError::UnexpectedLine(lines.number));
            }
            while let Some(resource) = lines.peek().and_then(|l| l.strip_prefix(RESOURCE_PREFIX)) {
                lines.next();
                if !is_uri(resource) {
                    return Err(SiweError::Resource);
                }
                resources.push(resource.to_owned());
            }
            if resources.is_empty() {
                return Err(SiweError::EmptyResources);
            }
        }
        if lines.next().is_some() {
            return Err(SiweError::UnexpectedLine(lines.number));
        }

        Ok(Self {
            scheme: scheme.map(str::to_owned),
            domain: domain.to_owned(),
            address: address.to_owned(),
            statement: statement.map(str::to_owned),
            uri: uri.to_owned(),
            version: SiweVersion::V1,
            chain_id,
            nonce: nonce.to_owned(),
            issued_at,
            expiration_time,
            not_before,
            request_id: request_id.map(str::to_owned),
            resources,
        })
    }

    /// Checks that hand-built fields render to a valid message that parses
    /// back to the same fields (so no field smuggles in extra lines).
    ///
    /// # Errors
    /// Whatever [`parse`](Self::parse) reports for the rendered text, or
    /// [`SiweError::Ambiguous`] if it parses to different fields.
    pub fn validate(&self) -> Result<(), SiweError> {
        if Self::parse(&self.to_string())? == *self {
            Ok(())
        } else {
            Err(SiweError::Ambiguous)
        }
    }

    /// Client-side checks before signing or submitting a challenge:
    ///
    /// - `address` equals `expected_address`, ignoring hex letter case;
    /// - `chain_id` equals `expected_chain_id`;
    /// - and the times, as [`check_time`](Self::check_time) does.
    ///
    /// Domain and URI are checked by [`check_origin`](Self::check_origin); the nonce is the
    /// relying party's to check.
    ///
    /// # Errors
    /// [`SiweError::AddressMismatch`], [`SiweError::ChainIdMismatch`], or as for
    /// [`check_time`](Self::check_time).
    pub fn check(
        &self,
        expected_address: &str,
        expected_chain_id: u64,
        now: DateTime<Utc>,
        max_age: Duration,
    ) -> Result<(), SiweError> {
        if !self.address.eq_ignore_ascii_case(expected_address) {
            return Err(SiweError::AddressMismatch);
        }
        if self.chain_id != expected_chain_id {
            return Err(SiweError::ChainIdMismatch);
        }
        self.check_time(now, max_age)
    }

    /// The time checks of [`check`](Self::check), at `now`:
    ///
    /// - `Issued At` is at most [`MAX_ISSUED_AT_SKEW`] ahead of `now`;
    /// - `Expiration Time`, if present, is at most `max_age` after `Issued At` (a message is never
    ///   valid for longer than `max_age`, whatever it says);
    /// - `now` is at or after `Not Before`, if present;
    /// - `now` is before `Expiration Time`, if present, and before `Issued At + max_age`.
    ///
    /// A `max_age` too large to represent means no age limit.
    ///
    /// # Errors
    /// [`SiweError::IssuedInFuture`], [`SiweError::ExpiresTooLate`],
    /// [`SiweError::NotYetValid`], [`SiweError::Expired`] or [`SiweError::TooOld`].
    pub fn check_time(&self, now: DateTime<Utc>, max_age: Duration) -> Result<(), SiweError> {
        // In milliseconds since the epoch: RFC 3339 years 0000-9999 and any `Duration` fit.
        let ms = |t: &Timestamp| t.instant.timestamp_millis();
        let now = now.timestamp_millis();
        let issued_at = ms(&self.issued_at);
        let skew = i64::try_from(MAX_ISSUED_AT_SKEW.as_millis()).unwrap_or(0);
        if issued_at > now.saturating_add(skew) {
            return Err(SiweError::IssuedInFuture);
        }
        let deadline = i64::try_from(max_age.as_millis())
            .ok()
            .and_then(|age| issued_at.checked_add(age))
            .unwrap_or(i64::MAX);
        let expiration = self.expiration_time.as_ref().map(ms);
        if expiration.is_some_and(|e| e > deadline) {
            return Err(SiweError::ExpiresTooLate);
        }
        if self.not_before.as_ref().is_some_and(|nb| now < ms(nb)) {
            return Err(SiweError::NotYetValid);
        }
        if expiration.is_some_and(|e| now >= e) {
            Err(SiweError::Expired)
        } else if now >= deadline {
            Err(SiweError::TooOld)
        } else {
            Ok(())
        }
    }

    /// Checks that the message asks to sign in to one of `domains` (compared ignoring ASCII
    /// case; the relying party's own hosts): the domain is one of them, the
    /// optional scheme is `https`, and the `URI` is an `https` URI of that same domain. A
    /// message for another site must not be signed: its signature would sign the customer in
    /// there.
    ///
    /// # Errors
    /// [`SiweError::DomainMismatch`] or [`SiweError::UriMismatch`].
    pub fn check_origin(&self, domains: &[&str]) -> Result<(), SiweError> {
        let known = domains.iter().any(|d| d.eq_ignore_ascii_case(&self.domain));
        if !known || self.scheme.as_deref().is_some_and(|s| s != "https") {
            return Err(SiweError::DomainMismatch);
        }
        let authority = self.uri.strip_prefix("https://").map(|rest| {
            let end = rest
                .bytes()
                .position(|b| matches!(b, b'/' | b'?' | b'#'))
                .unwrap_or(rest.len());
            rest.get(..end).unwrap_or(rest)
        });
        match authority {
            Some(authority) if authority.eq_ignore_ascii_case(&self.domain) => Ok(()),
            _ => Err(SiweError::UriMismatch),
        }
    }
}

/// Decodes a challenge sent base64-encoded, as OffBlocks sends its `challenge` (standard
/// base64 alphabet, padding optional, no whitespace), and parses it, returning the exact message
/// text (the bytes to sign) together with the parsed message.
///
/// # Errors
/// [`SiweError::TooLong`], [`SiweError::Base64`], [`SiweError::NonAscii`] for
/// decoded bytes that are not ASCII text, or any [`SiweMessage::parse`] error.
pub fn decode_challenge(base64: &str) -> Result<(String, SiweMessage), SiweError> {
    if base64.len() > MAX_MESSAGE_LEN.div_ceil(3) * 4 {
        return Err(SiweError::TooLong);
    }
    let bytes = STANDARD_PAD_INDIFFERENT
        .decode(base64)
        .map_err(|_| SiweError::Base64)?;
    let text = String::from_utf8(bytes).map_err(|_| SiweError::NonAscii)?;
    let message = SiweMessage::parse(&text)?;
    Ok((text, message))
}

impl fmt::Display for SiweMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}{SCHEME_SEPARATOR}")?;
        }
        write!(f, "{}{HEADER_SUFFIX}\n{}\n\n", self.domain, self.address)?;
        match &self.statement {
            Some(statement) => write!(f, "{statement}\n\n")?,
            None => f.write_str("\n")?,
        }
        let chain_id = self.chain_id.to_string();
        let lines = [
            (SiweField::Uri, Some(self.uri.as_str())),
            (SiweField::Version, Some(self.version.as_str())),
            (SiweField::ChainId, Some(chain_id.as_str())),
            (SiweField::Nonce, Some(self.nonce.as_str())),
            (SiweField::IssuedAt, Some(self.issued_at.as_str())),
            (
                SiweField::ExpirationTime,
                self.expiration_time.as_ref().map(Timestamp::as_str),
            ),
            (
                SiweField::NotBefore,
                self.not_before.as_ref().map(Timestamp::as_str),
            ),
            (SiweField::RequestId, self.request_id.as_deref()),
        ];
        let mut separator = "";
        for (field, value) in lines {
            if let Some(value) = value {
                write!(f, "{separator}{}{value}", field.tag())?;
                separator = "\n";
            }
        }
        if !self.resources.is_empty() {
            write!(f, "\n{}", SiweField::Resources.tag())?;
            for resource in &self.resources {
                write!(f, "\n{RESOURCE_PREFIX}{resource}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for SiweMessage {
    type Err = SiweError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for SiweMessage {
    type Error = SiweError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<SiweMessage> for String {
    fn from(message: SiweMessage) -> Self {
        message.to_string()
    }
}

fn timestamp(field: SiweField, text: &str) -> Result<Timestamp, SiweError> {
    Timestamp::parse(text).ok_or(SiweError::Timestamp(field))
}

/// A cursor over `\n`-separated lines that knows the current 1-based line number.
struct Lines<'a> {
    rest: core::iter::Peekable<core::str::Split<'a, char>>,
    number: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            rest: text.split('\n').peekable(),
            number: 0,
        }
    }

    fn next(&mut self) -> Option<&'a str> {
        let line = self.rest.next()?;
        self.number += 1;
        Some(line)
    }

    fn peek(&mut self) -> Option<&'a str> {
        self.rest.peek().copied()
    }

    fn blank(&mut self) -> Result<(), SiweError> {
        match self.next() {
            Some("") => Ok(()),
            _ => Err(SiweError::Layout),
        }
    }

    /// The value of a required `Tag: value` line.
    fn required(&mut self, field: SiweField) -> Result<&'a str, SiweError> {
        self.next()
            .and_then(|line| line.strip_prefix(field.tag()))
            .ok_or(SiweError::MissingField(field))
    }

    /// The value of an optional `Tag: value` line, consumed only if present.
    fn optional(&mut self, field: SiweField) -> Option<&'a str> {
        let value = self.peek()?.strip_prefix(field.tag())?;
        self.next();
        Some(value)
    }
}

/// RFC 3339 `date-time` shape: `YYYY-MM-DD(T|t)hh:mm:ss[.fraction](Z|z|±hh:mm)`.
/// Value ranges are left to chrono.
fn is_rfc3339_shape(text: &[u8]) -> bool {
    /// `d` is a digit, `T` is `T` or `t`, anything else is literal.
    const DATE_TIME: &[u8; 19] = b"dddd-dd-ddTdd:dd:dd";
    let Some((date_time, rest)) = text.split_first_chunk::<19>() else {
        return false;
    };
    let date_time_ok = date_time
        .iter()
        .zip(DATE_TIME)
        .all(|(&b, &pattern)| match pattern {
            b'd' => b.is_ascii_digit(),
            b'T' => matches!(b, b'T' | b't'),
            literal => b == literal,
        });
    let offset = match rest {
        [b'.', fraction @ ..] => {
            let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return false;
            }
            fraction.get(digits..).unwrap_or_default()
        }
        _ => rest,
    };
    let offset_ok = match offset {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    date_time_ok && offset_ok
}

// RFC 3986 character classes and the components SIWE uses.

const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

const fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

const fn is_gen_delim(b: u8) -> bool {
    matches!(b, b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
}

/// EIP-4361 `statement = *( reserved / unreserved / " " )`.
const fn is_statement_char(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || is_gen_delim(b) || b == b' '
}

/// Extra characters allowed beside unreserved / pct-encoded / sub-delims.
const PCHAR_EXTRA: &[u8] = b":@";
const PATH_EXTRA: &[u8] = b":@/";
const QUERY_EXTRA: &[u8] = b":@/?";
const USERINFO_EXTRA: &[u8] = b":";

/// `*( unreserved / pct-encoded / sub-delims / extra )`.
fn is_encoded(text: &str, extra: &[u8]) -> bool {
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        let ok = if b == b'%' {
            bytes.next().is_some_and(|h| h.is_ascii_hexdigit())
                && bytes.next().is_some_and(|h| h.is_ascii_hexdigit())
        } else {
            is_unreserved(b) || is_sub_delim(b) || extra.contains(&b)
        };
        if !ok {
            return false;
        }
    }
    true
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn split_optional(text: &str, separator: char) -> (&str, Option<&str>) {
    match text.split_once(separator) {
        Some((head, tail)) => (head, Some(tail)),
        None => (text, None),
    }
}

/// `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let (rest, fragment) = split_optional(rest, '#');
    let (hier_part, query) = split_optional(rest, '?');
    let hier_ok = match hier_part.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = split_optional(after, '/');
            is_authority(authority, false) && path.is_none_or(|p| is_encoded(p, PATH_EXTRA))
        }
        None => is_encoded(hier_part, PATH_EXTRA),
    };
    is_scheme(scheme)
        && hier_ok
        && query.is_none_or(|q| is_encoded(q, QUERY_EXTRA))
        && fragment.is_none_or(|f| is_encoded(f, QUERY_EXTRA))
}

/// `authority = [ userinfo "@" ] host [ ":" port ]`; SIWE's `domain` requires
/// a non-empty host.
fn is_authority(text: &str, require_host: bool) -> bool {
    let (userinfo, host_port) = match text.split_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, text),
    };
    let (host_ok, port) = match host_port.strip_prefix('[') {
        Some(literal) => match literal.split_once(']') {
            Some((inner, "")) => (is_ip_literal(inner), None),
            Some((inner, after)) => match after.strip_prefix(':') {
                Some(port) => (is_ip_literal(inner), Some(port)),
                None => return false,
            },
            None => return false,
        },
        None => {
            let (host, port) = split_optional(host_port, ':');
            (
                is_encoded(host, b"") && !(require_host && host.is_empty()),
                port,
            )
        }
    };
    host_ok
        && userinfo.is_none_or(|u| is_encoded(u, USERINFO_EXTRA))
        && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Inside `[...]`: `IPvFuture` in full, or an IPv6 address by character set.
fn is_ip_literal(inner: &str) -> bool {
    match inner.strip_prefix(['v', 'V']) {
        Some(future) => future.split_once('.').is_some_and(|(version, rest)| {
            !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_hexdigit())
                && !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| is_unreserved(b) || is_sub_delim(b) || b == b':')
        }),
        None => {
            inner.contains(':')
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
    }
}

#[cfg(test)]
mod tests;
