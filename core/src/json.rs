//! JSON decoding shared by the providers: a fast path, a precise error path (JSON path, no
//! values), and tolerant readers for the providers' timestamp quirks.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::de::{DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::provider::Provider;

/// Where and why decoding failed. The message never holds the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonFailure {
    /// JSON path, e.g. `data[3].created_at`, or `.` for the document itself.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// Decodes `body` as `T`. On failure, the JSON path of the offending value is recovered from
/// the error's position by a small scanner ([`path_at`]) instead of a second, path-tracking
/// deserialisation (which would double the code generated for every type). The readers below
/// fail inside their visitors, so serde_json positions their errors at the offending value.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonFailure> {
    serde_json::from_slice(body).map_err(|err| JsonFailure {
        path: path_at(body, err.line(), err.column()),
        message: describe(&err),
    })
}

/// The JSON path (`data[3].created_at`, `.` for the top level) open at `line`:`column` of `body`,
/// as serde_json reports positions (1-based line, bytes into it).
fn path_at(body: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object {
            key: Option<String>,
            expecting_key: bool,
        },
        Array(usize),
    }
    let line_start = match line {
        0 | 1 => 0,
        n => body
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(n - 2)
            .map_or(body.len(), |(i, _)| i + 1),
    };
    let end = line_start.saturating_add(column).min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut bytes = body.iter().take(end).copied();
    let mut last = 0u8;
    while let Some(b) = bytes.next() {
        last = b;
        match b {
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(i)) => *i += 1,
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                None => {}
            },
            b'"' => {
                let mut text = Vec::new();
                while let Some(c) = bytes.next() {
                    match c {
                        b'\\' => {
                            bytes.next();
                        }
                        b'"' => break,
                        _ => text.push(c),
                    }
                }
                if let Some(Frame::Object { key, expecting_key }) = stack.last_mut()
                    && *expecting_key
                {
                    *key = Some(String::from_utf8_lossy(&text).into_owned());
                    *expecting_key = false;
                }
            }
            _ => {}
        }
    }
    // An error reported just after an opening bracket is about the value it opens.
    if last == b'[' || last == b'{' {
        stack.pop();
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array(i) => path.push_str(&format!("[{i}]")),
        }
    }
    if path.is_empty() { ".".into() } else { path }
}

/// A description of a serde_json error that never repeats the input: serde's own messages can
/// quote the offending value (`invalid type: string "0801...", expected ...`).
fn describe(err: &serde_json::Error) -> String {
    let data;
    let what = match err.classify() {
        serde_json::error::Category::Io => "could not read the body",
        serde_json::error::Category::Eof => "the body ends early (truncated JSON)",
        serde_json::error::Category::Syntax => "the body is not valid JSON",
        serde_json::error::Category::Data => {
            data = describe_data_error(&err.to_string());
            &data
        }
    };
    format!("{what} (line {}, column {})", err.line(), err.column())
}

/// The value-free part of a serde data error message (`missing field ...`, `expected ...`, or a
/// message of Clientele's own readers). Also used for values crossing a binding boundary.
///
/// Serde's messages quote the offending value (`invalid type: string "...", expected u32`), and
/// a string value may itself hold `, expected ` or ` at line `, so nothing is ever searched for
/// inside a value: the texts kept are the ones that come from the types (field names, what was
/// expected after a number, boolean or structure, Clientele's own messages), each cut at the
/// first ` at line `; a string value's message, an unknown variant or field, and anything not
/// recognised say only `unexpected value`. The result never holds input text.
pub fn describe_data_error(text: &str) -> String {
    let static_part = |t: &str| t.split(" at line ").next().unwrap_or_default().to_owned();
    if text.starts_with("missing field `") || text.starts_with("duplicate field `") {
        return static_part(text);
    }
    if let Some(message) = text.strip_prefix(SAFE_PREFIX) {
        return static_part(message);
    }
    let not_a_string = text
        .strip_prefix("invalid type: ")
        .or_else(|| text.strip_prefix("invalid value: "))
        .filter(|rest| !rest.starts_with("string") && !rest.starts_with("character"))
        .or_else(|| text.strip_prefix("invalid length "));
    match not_a_string.and_then(|rest| rest.split_once(", expected ")) {
        // Before the separator: a number, boolean or fixed phrase, which cannot hold it.
        Some((_, expected)) => format!("unexpected value, expected {}", static_part(expected)),
        None => "unexpected value".to_owned(),
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
pub(crate) fn is_unset(s: &str) -> bool {
    s.is_empty() || s.starts_with("0001-01-01")
}

/// Parses an RFC 3339 timestamp of any sub-second precision (none, ms, µs, ns).
pub(crate) fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// Appends `t` as a JSON string exactly as chrono's `Serialize` writes it (RFC 3339, `Z`,
/// sub-seconds in 3, 6 or 9 digits only when present), without the formatting machinery; `false`
/// (nothing written) for years outside 0..=9999, which chrono writes with a sign.
pub(crate) fn write_timestamp(out: &mut Vec<u8>, t: &DateTime<Utc>) -> bool {
    use chrono::{Datelike, Timelike};
    let date = t.date_naive();
    let Ok(year @ 0..=9999) = u32::try_from(date.year()) else {
        return false;
    };
    let (mut second, mut nano) = (t.second(), t.nanosecond());
    if nano >= 1_000_000_000 {
        // A leap second, as chrono writes it.
        second += 1;
        nano -= 1_000_000_000;
    }
    out.push(b'"');
    push_digits(out, year, 4);
    for (sep, n) in [
        (b'-', date.month()),
        (b'-', date.day()),
        (b'T', t.hour()),
        (b':', t.minute()),
        (b':', second),
    ] {
        out.push(sep);
        push_digits(out, n, 2);
    }
    if nano != 0 {
        out.push(b'.');
        match (nano % 1_000_000, nano % 1_000) {
            (0, _) => push_digits(out, nano / 1_000_000, 3),
            (_, 0) => push_digits(out, nano / 1_000, 6),
            _ => push_digits(out, nano, 9),
        }
    }
    out.extend_from_slice(b"Z\"");
    true
}

/// Appends `d` as a JSON string exactly as chrono's `Serialize` writes it (`YYYY-MM-DD`);
/// `false` (nothing written) for years outside 0..=9999.
pub(crate) fn write_date(out: &mut Vec<u8>, d: &NaiveDate) -> bool {
    use chrono::Datelike;
    let Ok(year @ 0..=9999) = u32::try_from(d.year()) else {
        return false;
    };
    out.push(b'"');
    push_digits(out, year, 4);
    out.push(b'-');
    push_digits(out, d.month(), 2);
    out.push(b'-');
    push_digits(out, d.day(), 2);
    out.push(b'"');
    true
}

/// The last `width` (at most 9) decimal digits of `n`, zero-padded.
fn push_digits(out: &mut Vec<u8>, mut n: u32, width: usize) {
    let mut digits = [b'0'; 9];
    let digits = digits.get_mut(..width).unwrap_or_default();
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(digits);
}

/// Optional calendar dates written and read as `YYYY-MM-DD` with Clientele's own reader
/// ([`crate::validate::calendar_date`]) rather than chrono's general format parser.
pub(crate) mod opt_calendar_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serialises like chrono (`2026-12-03`).
    pub(crate) fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    /// `null` or a `YYYY-MM-DD` date.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
            .map(|text| {
                crate::validate::calendar_date(&text)
                    .ok_or_else(|| super::safe_error("expected a date written YYYY-MM-DD"))
            })
            .transpose()
    }
}

/// `DateTime<Utc>` fields written and read as RFC 3339 text. Reading uses chrono's dedicated
/// RFC 3339 parser rather than its `FromStr` (behind chrono's own serde impl), which runs the
/// general format-string parser: same answers for RFC 3339 input, a few KiB less in the wasm
/// module. Writing is chrono's (`2026-11-21T10:00:00Z`, sub-seconds only when present).
pub(crate) mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserializer, Serialize, Serializer};

    /// Serialises like chrono.
    pub(crate) fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    /// A required RFC 3339 timestamp.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_str(Instant)
    }

    /// The reader.
    pub(crate) struct Instant;

    impl serde::de::Visitor<'_> for Instant {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            super::parse_timestamp(s)
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| super::safe_error("expected an RFC 3339 timestamp"))
        }
    }

    /// Maps whose values are RFC 3339 timestamps.
    pub(crate) mod values {
        use std::collections::HashMap;

        use chrono::{DateTime, Utc};
        use serde::de::{MapAccess, Visitor};
        use serde::{Deserializer, Serialize, Serializer};

        /// Serialises like chrono.
        pub(crate) fn serialize<S: Serializer>(
            map: &HashMap<String, DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            map.serialize(s)
        }

        /// A map of RFC 3339 timestamps.
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<HashMap<String, DateTime<Utc>>, D::Error> {
            struct Map;
            impl<'de> Visitor<'de> for Map {
                type Value = HashMap<String, DateTime<Utc>>;

                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a map of RFC 3339 timestamps")
                }

                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut access: A,
                ) -> Result<Self::Value, A::Error> {
                    let mut map = HashMap::new();
                    while let Some(key) = access.next_key::<String>()? {
                        let value = access.next_value_seed(Seed)?;
                        map.insert(key, value);
                    }
                    Ok(map)
                }
            }
            struct Seed;
            impl<'de> serde::de::DeserializeSeed<'de> for Seed {
                type Value = DateTime<Utc>;

                fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                    super::deserialize(d)
                }
            }
            d.deserialize_map(Map)
        }
    }
}

/// A reader of optional strings that validates inside `visit_str`, so serde_json positions a
/// failure at the value itself (and [`path_at`] names it).
struct CheckedStr<F>(F, &'static str);

impl<'de, T, F: Fn(&str) -> Option<T>> Visitor<'de> for CheckedStr<F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.1)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if is_unset(s) {
            return Ok(None);
        }
        (self.0)(s).map(Some).ok_or_else(|| safe_error(self.1))
    }
}

/// Reads an optional timestamp: `null`, `""` and the Go zero time `0001-01-01T00:00:00Z` are
/// `None`; anything else must be RFC 3339.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let parse = |s: &str| parse_timestamp(s).map(|t| t.with_timezone(&Utc));
    d.deserialize_option(CheckedStr(parse, "expected an RFC 3339 timestamp"))
}

/// Reads a calendar date sent as a timestamp (`1992-03-30T00:00:00Z`) or as `1992-03-30`: the
/// date as written, in the timestamp's own offset. Unset values are `None` as in [`opt_timestamp`].
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_option(CheckedStr(
        parse_date,
        "expected a date (YYYY-MM-DD) or an RFC 3339 timestamp",
    ))
}

/// A calendar date written as a timestamp (the date in its own offset) or as `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    parse_timestamp(s)
        .map(|t| t.date_naive())
        .or_else(|| crate::validate::calendar_date(s))
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

/// Reads a flag sent as a JSON boolean or as the string `"true"` / `"false"` (any case; Bloc's
/// attribute table types `success` as a string); `null` is `None`, anything else an error.
pub(crate) fn flexible_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Self::Value, E> {
            Ok(Some(b))
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            parse_flag(s)
                .map(Some)
                .ok_or_else(|| safe_error("expected true or false"))
        }
        // JSON `null` (serde_json calls `visit_unit` for it).
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// `"true"` or `"false"`, in any case.
pub(crate) fn parse_flag(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Reads a value sent either as a string (`"1"`) or as an integer (`1`), as a string.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(Some(s.to_owned()))
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
            Ok(Some(n.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
            Ok(Some(n.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// A response body could not be decoded into the expected shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("could not decode the {provider} response (status {status}) at `{path}`: {message}")]
pub struct DecodeError {
    /// Which provider sent the body.
    pub provider: Provider,
    /// The response status.
    pub status: u16,
    /// JSON path of the value that failed, e.g. `data[3].created_at` (`.` for the whole body).
    pub path: String,
    /// What was wrong, without the offending value (it may be personal data).
    pub message: String,
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
    fn timestamps_and_dates_are_written_like_chrono() {
        let times = [
            "2023-03-14T11:49:49.839735959Z",
            "2023-03-14T11:57:32.5Z",
            "2024-01-12T14:53:02.653457Z",
            "2024-01-12T15:53:02+01:00",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:60.999Z",
            "1990-12-31T23:59:60Z",
            "2016-12-31T23:59:60.000001Z",
            "1970-01-01T00:00:00.000000001Z",
            "2000-02-29T12:00:00.100000Z",
        ];
        for s in times {
            let t = parse_timestamp(s).unwrap().with_timezone(&Utc);
            let mut out = Vec::new();
            assert!(write_timestamp(&mut out, &t), "{s}");
            assert_eq!(out, serde_json::to_vec(&t).unwrap(), "{s}");
            let d = t.date_naive();
            out.clear();
            assert!(write_date(&mut out, &d), "{s}");
            assert_eq!(out, serde_json::to_vec(&d).unwrap(), "{s}");
        }
        // Outside 0..=9999 chrono writes a sign; the caller falls back to it.
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
        let mut out = Vec::new();
        assert!(!write_date(&mut out, &far));
        assert!(!write_timestamp(
            &mut out,
            &far.and_hms_opt(0, 0, 0).unwrap().and_utc()
        ));
        let before = NaiveDate::from_ymd_opt(-1, 1, 1).unwrap();
        assert!(!write_date(&mut out, &before));
        assert!(out.is_empty());
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
    fn paths_are_found_from_positions() {
        let body = br#"{"data": [ {"a": 1}, {"b": "x,]}\"", "c": [0, {"d": 2}]} ]}"#;
        let at = |needle: &str| {
            let text = std::str::from_utf8(body).unwrap();
            path_at(body, 1, text.find(needle).unwrap() + needle.len())
        };
        assert_eq!(at(r#""a": 1"#), "data[0].a");
        assert_eq!(at(r#""b": "x,]}\"""#), "data[1].b");
        assert_eq!(at(r#""d": 2"#), "data[1].c[1].d");
        assert_eq!(at(r#""d": 2}"#), "data[1].c[1]");
        assert_eq!(path_at(b"{\n\"a\":\n [1,\n 2]}", 4, 2), "a[1]");
        assert_eq!(path_at(b"", 1, 5), ".");
    }

    #[test]
    fn data_error_messages_never_hold_input_text() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct N {
            n: u32,
            e: Option<E>,
        }
        #[derive(Deserialize, Debug)]
        enum E {
            A,
        }
        // Values crafted to look like serde's own separators (issue 16, point 6).
        let secrets = ["ada@example.com", "22403240419", "08012345678"];
        for body in [
            r#"{"n":"x, expected ada@example.com at line 9 column 9"}"#,
            r#"{"n":"x, expected ada@example.com"}"#,
            r#"{"n":"ada@example.com\", expected 22403240419"}"#,
            r#"{"n":-22403240419}"#,
            r#"{"n":2240324041900000000000}"#,
            r#"{"n":1,"e":"ada@example.com"}"#,
            r#"{"n":1,"e":"x`, expected ada@example.com"}"#,
            r#"{"n":1,"e":"x`, expected one of `22403240419`"}"#,
        ] {
            let e = decode::<N>(body.as_bytes()).unwrap_err();
            for secret in secrets {
                assert!(!e.message.contains(secret), "{body}: {}", e.message);
            }
            assert!(
                e.message.starts_with("unexpected value"),
                "{body}: {}",
                e.message
            );
        }
        // The same through the text entry point the bindings use, and messages kept as they were.
        assert_eq!(
            describe_data_error(
                r#"invalid type: string "x, expected ada@example.com at line 1", expected u32 at line 1 column 40"#
            ),
            "unexpected value"
        );
        assert_eq!(
            describe_data_error("invalid type: integer `22403240419`, expected a string"),
            "unexpected value, expected a string"
        );
        assert_eq!(
            describe_data_error(
                "unknown variant `ada@example.com`, expected `A` at line 1 column 9"
            ),
            "unexpected value"
        );
        assert_eq!(
            describe_data_error("unknown variant `ada@example.com`, there are no variants"),
            "unexpected value"
        );
        assert_eq!(
            describe_data_error("missing field `event` at line 1 column 2"),
            "missing field `event`"
        );
        assert_eq!(describe_data_error("ada@example.com"), "unexpected value");
        assert_eq!(
            describe_data_error("invalid length 2, expected 3 elements"),
            "unexpected value, expected 3 elements"
        );
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
        // A string value's message names no expectation: it could not be told from the value.
        assert!(e.message.starts_with("unexpected value"), "{}", e.message);
        assert!(!e.message.contains("0801"));
        let e = decode::<T>(br#"{"n":true}"#).unwrap_err();
        assert!(
            e.message.starts_with("unexpected value, expected u32"),
            "{}",
            e.message
        );

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
