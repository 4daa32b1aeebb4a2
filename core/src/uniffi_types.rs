//! How the core's chrono values cross the uniffi boundary (feature `uniffi`).
//!
//! * [`UtcDateTime`] (`DateTime<Utc>`) is a uniffi **timestamp**: `java.time.Instant` in Kotlin,
//!   `Date` in Swift. uniffi carries it as whole seconds plus nanoseconds, so Kotlin gets it
//!   exactly; Swift's `Date` is a `Double`, exact to well under a microsecond for present-day
//!   instants (the Kotlin and Swift suites check that nothing moves by a millisecond).
//! * [`CalendarDate`] (`NaiveDate`, e.g. a date of birth) stays a **calendar date**: it crosses as
//!   `YYYY-MM-DD` text and becomes `java.time.LocalDate` in Kotlin and `DateComponents`
//!   (year, month, day; no time, no zone) in Swift, through `core/uniffi.toml`. A date of birth
//!   must never become an instant: midnight UTC is the previous day west of Greenwich.
//! * [`SiweTimestamp`] (a Sign-In with Ethereum time) crosses as its exact RFC 3339 text, because
//!   the text is what the wallet signs.
//!
//! Nothing here can panic. An instant outside chrono's range (about ±262,000 years) arriving from
//! a host is clamped to the nearest representable instant; a calendar date that is not
//! `YYYY-MM-DD` is refused, and the call fails with an error instead of running.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, Utc};

use crate::Extra;
use crate::offblocks::eth::{SiweMessage, SiweVersion, Timestamp};
use crate::sig::{Algorithm, DigestAlgorithm, SignatureEncoding};

/// An instant in UTC; a uniffi timestamp (Kotlin `Instant`, Swift `Date`).
pub type UtcDateTime = DateTime<Utc>;

/// A calendar date without time or zone; `java.time.LocalDate` in Kotlin, `DateComponents` in
/// Swift.
pub type CalendarDate = NaiveDate;

/// A Sign-In with Ethereum date-time, carried as its exact RFC 3339 text.
pub type SiweTimestamp = Timestamp;

// The enums of clientele-httpsig, which knows nothing of uniffi, cross as the core's own (in the
// core's namespace, as before they moved). Crates that use them in their own exports declare
// them with `uniffi::use_remote_type!(clientele_core::...)`.

/// A signature algorithm from the RFC 9421 registry.
#[uniffi::remote(Enum)]
pub enum Algorithm {
    EcdsaP384Sha384,
    EcdsaP256Sha256,
    Ed25519,
    HmacSha256,
}

/// A hash algorithm for `Content-Digest`.
#[uniffi::remote(Enum)]
pub enum DigestAlgorithm {
    Sha256,
    Sha512,
}

/// How a host's signature bytes are encoded: raw `r || s`, or DER.
#[uniffi::remote(Enum)]
pub enum SignatureEncoding {
    Raw,
    Der,
}

// Likewise the Sign-In with Ethereum message of clientele-siwe, a field of `Challenge`.

/// The SIWE message version.
#[uniffi::remote(Enum)]
pub enum SiweVersion {
    V1,
}

/// A parsed EIP-4361 message.
#[uniffi::remote(Record)]
pub struct SiweMessage {
    pub scheme: Option<String>,
    pub domain: String,
    pub address: String,
    pub statement: Option<String>,
    pub uri: String,
    pub version: SiweVersion,
    pub chain_id: u64,
    pub nonce: String,
    pub issued_at: SiweTimestamp,
    pub expiration_time: Option<SiweTimestamp>,
    pub not_before: Option<SiweTimestamp>,
    pub request_id: Option<String>,
    pub resources: Vec<String>,
}

uniffi::custom_type!(UtcDateTime, SystemTime, {
    remote,
    lower: |instant| to_system_time(instant),
    try_lift: |time| Ok(from_system_time(time)),
});

uniffi::custom_type!(CalendarDate, String, {
    remote,
    lower: |date| date.format("%Y-%m-%d").to_string(),
    try_lift: |text| parse_calendar_date(&text),
});

// The members of a provider object Clientele does not model cross as one JSON object text
// (`{"riskScore":3}`); parse it with the platform's JSON reader.
uniffi::custom_type!(Extra, String, {
    lower: |extra| extra.to_json(),
    try_lift: |text| Extra::from_json(&text)
        .map_err(|_| uniffi::deps::anyhow::anyhow!("not a JSON object")),
});

uniffi::custom_type!(SiweTimestamp, String, {
    remote,
    lower: |timestamp| timestamp.as_str().to_owned(),
    try_lift: |text| Timestamp::parse(&text)
        .ok_or_else(|| uniffi::deps::anyhow::anyhow!("not an RFC 3339 date-time")),
});

/// `DateTime<Utc>` as a `SystemTime`. Every chrono instant fits a 64-bit `time_t` (Linux,
/// Android, Apple); the `UNIX_EPOCH` fallback only exists so no input can panic elsewhere.
fn to_system_time(instant: DateTime<Utc>) -> SystemTime {
    let seconds = instant.timestamp();
    let whole = Duration::from_secs(seconds.unsigned_abs());
    let base = if seconds >= 0 {
        UNIX_EPOCH.checked_add(whole)
    } else {
        UNIX_EPOCH.checked_sub(whole)
    };
    // `timestamp_subsec_nanos` exceeds 999,999,999 only inside a leap second; `from_nanos`
    // carries the excess into the seconds.
    let nanos = Duration::from_nanos(u64::from(instant.timestamp_subsec_nanos()));
    base.and_then(|b| b.checked_add(nanos))
        .unwrap_or(UNIX_EPOCH)
}

/// A `SystemTime` as `DateTime<Utc>`, exact to the nanosecond, clamped to chrono's range.
fn from_system_time(time: SystemTime) -> DateTime<Utc> {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs())
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, after.subsec_nanos()))
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
        Err(before) => {
            // `before` is how far before the epoch: -(s + n) = (-s - 1) + (1e9 - n).
            let before = before.duration();
            let (secs, nanos) = match before.subsec_nanos() {
                0 => (i64::try_from(before.as_secs()).ok(), 0),
                n => (
                    i64::try_from(before.as_secs())
                        .ok()
                        .and_then(|s| s.checked_add(1)),
                    1_000_000_000 - n,
                ),
            };
            secs.and_then(|s| DateTime::from_timestamp(-s, nanos))
                .unwrap_or(DateTime::<Utc>::MIN_UTC)
        }
    }
}

/// `YYYY-MM-DD` (with a sign for years beyond 9999 or before year 0, as `LocalDate` writes them).
fn parse_calendar_date(text: &str) -> uniffi::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| uniffi::deps::anyhow::anyhow!("a calendar date must be written YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn instants_round_trip_through_system_time_exactly() {
        for text in [
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z",
            "1900-01-01T00:00:00.001Z",
            "0001-01-01T00:00:00Z",
            "2001-01-01T00:00:00Z",
            "2024-01-12T14:53:02.653457Z",
            "2026-11-21T09:30:12.839735959Z",
            "9999-12-31T23:59:59.999Z",
        ] {
            let instant = utc(text);
            assert_eq!(from_system_time(to_system_time(instant)), instant, "{text}");
        }
        for extreme in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            assert_eq!(from_system_time(to_system_time(extreme)), extreme);
        }
    }

    #[test]
    fn instants_beyond_chrono_are_clamped_not_panicking() {
        let far = Duration::from_secs(400_000 * 366 * 86_400);
        let future = UNIX_EPOCH.checked_add(far).unwrap();
        assert_eq!(from_system_time(future), DateTime::<Utc>::MAX_UTC);
        let past = UNIX_EPOCH.checked_sub(far).unwrap();
        assert_eq!(from_system_time(past), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn calendar_dates_are_iso_text() {
        let date = NaiveDate::from_ymd_opt(2001, 4, 14).unwrap();
        assert_eq!(date.format("%Y-%m-%d").to_string(), "2001-04-14");
        assert_eq!(parse_calendar_date("2001-04-14").unwrap(), date);
        let far = NaiveDate::from_ymd_opt(12_345, 1, 2).unwrap();
        assert_eq!(
            parse_calendar_date(&far.format("%Y-%m-%d").to_string()).unwrap(),
            far
        );
        for bad in ["", "2001-02-30", "14/04/2001", "+999999999-12-31"] {
            assert!(parse_calendar_date(bad).is_err(), "{bad}");
        }
    }
}
