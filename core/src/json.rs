//! JSON decoding shared by the providers: a fast path, a precise error path (JSON path, no
//! values), and tolerant readers for the providers' timestamp quirks.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

/// Where and why decoding failed. The message never holds the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonFailure {
    /// JSON path, e.g. `data[3].created_at`, or `.` for the document itself.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// Decodes `body` as `T`. The common, successful case runs plain serde_json; only a failure is
/// decoded a second time with path tracking, so errors say exactly where they are.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonFailure> {
    match serde_json::from_slice(body) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let (path, err) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => (String::from("."), first),
                Err(e) => (e.path().to_string(), e.into_inner()),
            };
            Err(JsonFailure {
                path: if path.is_empty() { ".".into() } else { path },
                message: describe(&err),
            })
        }
    }
}

/// A description of a serde_json error that never repeats the input: serde's own messages can
/// quote the offending value (`invalid type: string "0801...", expected ...`).
fn describe(err: &serde_json::Error) -> String {
    let at = format!(" (line {}, column {})", err.line(), err.column());
    let what = match err.classify() {
        serde_json::error::Category::Io => "could not read the body".to_owned(),
        serde_json::error::Category::Eof => "the body ends early (truncated JSON)".to_owned(),
        serde_json::error::Category::Syntax => "the body is not valid JSON".to_owned(),
        serde_json::error::Category::Data => describe_data_error(&err.to_string()),
    };
    format!("{what}{at}")
}

/// The value-free part of a serde data error message (`missing field ...`, `expected ...`, or a
/// message of Clientele's own readers). Also used for values crossing a binding boundary.
pub fn describe_data_error(text: &str) -> String {
    let text = text.split(" at line").next().unwrap_or(text);
    if text.starts_with("missing field ") || text.starts_with("duplicate field ") {
        text.to_owned()
    } else if let Some((_, expected)) = text.rsplit_once(", expected ") {
        format!("unexpected value, expected {expected}")
    } else if let Some(msg) = text.strip_prefix(SAFE_PREFIX) {
        msg.to_owned()
    } else {
        "unexpected value".to_owned()
    }
}

/// Messages produced by Clientele's own readers start with this marker; they never hold values.
const SAFE_PREFIX: &str = "clientele: ";

fn safe_error<E: serde::de::Error>(message: &str) -> E {
    E::custom(format_args!("{SAFE_PREFIX}{message}"))
}

/// A string-or-null field, `null` read as absent.
fn opt_str<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<std::borrow::Cow<'de, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapper<'a>(#[serde(borrow)] Option<std::borrow::Cow<'a, str>>);
    Ok(Wrapper::deserialize(d)?.0)
}

/// True for values that Go's `time.Time{}` and empty strings use to mean "unset".
fn is_unset(s: &str) -> bool {
    s.is_empty() || s.starts_with("0001-01-01")
}

/// Parses an RFC 3339 timestamp of any sub-second precision (none, ms, µs, ns).
pub(crate) fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// Reads an optional timestamp: `null`, `""` and the Go zero time `0001-01-01T00:00:00Z` are
/// `None`; anything else must be RFC 3339.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match opt_str(d)? {
        None => Ok(None),
        Some(s) if is_unset(&s) => Ok(None),
        Some(s) => parse_timestamp(&s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .ok_or_else(|| safe_error("expected an RFC 3339 timestamp")),
    }
}

/// Reads a calendar date sent as a timestamp (`1992-03-30T00:00:00Z`) or as `1992-03-30`: the
/// date as written, in the timestamp's own offset. Unset values are `None` as in [`opt_timestamp`].
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match opt_str(d)? {
        None => Ok(None),
        Some(s) if is_unset(&s) => Ok(None),
        Some(s) => parse_timestamp(&s)
            .map(|t| t.date_naive())
            .or_else(|| crate::validate::calendar_date(&s))
            .map(Some)
            .ok_or_else(|| safe_error("expected a date (YYYY-MM-DD) or an RFC 3339 timestamp")),
    }
}

/// Reads a string field that may be `null` or missing as the empty string.
pub(crate) fn string_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_str(d)?.map(|s| s.into_owned()).unwrap_or_default())
}

/// Reads an optional string: `null` and `""` are `None`.
pub(crate) fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_str(d)?
        .filter(|s| !s.is_empty())
        .map(|s| s.into_owned()))
}

/// Reads a value sent either as a string (`"1"`) or as a number (`1`), as a string.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw<'a> {
        Str(#[serde(borrow)] std::borrow::Cow<'a, str>),
        Int(i64),
        Null(()),
    }
    match Raw::deserialize(d).map_err(|_| {
        D::Error::custom(format_args!("{SAFE_PREFIX}expected a string or an integer"))
    })? {
        Raw::Str(s) => Ok(Some(s.into_owned())),
        Raw::Int(n) => Ok(Some(n.to_string())),
        Raw::Null(()) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "opt_timestamp")]
        at: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "opt_date")]
        day: Option<NaiveDate>,
        #[serde(default, deserialize_with = "string_or_number")]
        tier: Option<String>,
        #[serde(default)]
        n: u32,
    }

    #[test]
    fn timestamps_of_every_precision_and_go_zero_time() {
        for (raw, want) in [
            (
                "2023-03-14T11:49:49.839735959Z",
                Some("2023-03-14T11:49:49.839735959Z"),
            ),
            ("2023-03-14T11:57:32.567Z", Some("2023-03-14T11:57:32.567Z")),
            (
                "2024-01-12T14:53:02.653457Z",
                Some("2024-01-12T14:53:02.653457Z"),
            ),
            ("2024-01-12T15:53:02+01:00", Some("2024-01-12T14:53:02Z")),
            ("0001-01-01T00:00:00Z", None),
            ("", None),
        ] {
            let t: T = decode(format!(r#"{{"at":"{raw}"}}"#).as_bytes()).unwrap();
            let want = want.map(|w| DateTime::parse_from_rfc3339(w).unwrap().with_timezone(&Utc));
            assert_eq!(t.at, want, "{raw}");
        }
        let t: T = decode(br#"{"at":null}"#).unwrap();
        assert_eq!(t.at, None);
    }

    #[test]
    fn dates_keep_the_written_day() {
        let t: T = decode(br#"{"day":"1992-03-30T00:00:00Z"}"#).unwrap();
        assert_eq!(t.day, NaiveDate::from_ymd_opt(1992, 3, 30));
        let t: T = decode(br#"{"day":"1992-03-30T00:00:00+01:00"}"#).unwrap();
        assert_eq!(t.day, NaiveDate::from_ymd_opt(1992, 3, 30));
        let t: T = decode(br#"{"day":"1992-03-30"}"#).unwrap();
        assert_eq!(t.day, NaiveDate::from_ymd_opt(1992, 3, 30));
        let t: T = decode(br#"{"day":"0001-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(t.day, None);
    }

    #[test]
    fn strings_or_numbers() {
        let t: T = decode(br#"{"tier":"2"}"#).unwrap();
        assert_eq!(t.tier.as_deref(), Some("2"));
        let t: T = decode(br#"{"tier":3}"#).unwrap();
        assert_eq!(t.tier.as_deref(), Some("3"));
        let e = decode::<T>(br#"{"tier":[1]}"#).unwrap_err();
        assert_eq!(e.path, "tier");
    }

    #[test]
    fn errors_name_the_path_and_never_the_value() {
        let e = decode::<T>(br#"{"at":"08012345678"}"#).unwrap_err();
        assert_eq!(e.path, "at");
        assert!(
            e.message.starts_with("expected an RFC 3339 timestamp"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("08012345678"));

        let e = decode::<T>(br#"{"n":"08012345678"}"#).unwrap_err();
        assert_eq!(e.path, "n");
        assert!(
            e.message.starts_with("unexpected value, expected u32"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("0801"));

        assert_eq!(decode::<T>(br#"{"n":7}"#).unwrap().n, 7);
        let e = decode::<T>(br#"{"n":1"#).unwrap_err();
        assert!(
            e.message.starts_with("the body ends early"),
            "{}",
            e.message
        );
        let e = decode::<T>(b"<html>").unwrap_err();
        assert_eq!(e.path, ".");
        assert!(
            e.message.starts_with("the body is not valid JSON"),
            "{}",
            e.message
        );
    }
}
