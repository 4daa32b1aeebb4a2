//! Masking of personal data and secrets for `Debug`, `Display` and logs.
//!
//! Customers' BVN, phone number, email, date of birth and images, and every credential, are
//! masked wherever Clientele formats a value: in `Debug`/`Display` of customers, payloads, requests
//! and responses, and in error messages (which never include them at all).

use std::fmt;

/// What kind of value is being masked; each kind keeps a little of its shape so logs stay useful.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `a***@example.com`
    Email,
    /// All but the last two characters replaced: `*********19`.
    Tail2,
    /// A date: `****-**-**`.
    Date,
    /// Image data or URL: `<image, N chars>`.
    Image,
    /// Entirely hidden: `<redacted>`.
    Secret,
}

/// Formats `value` masked as `kind`.
pub(crate) fn mask(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Email => match value.rsplit_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        },
        Kind::Tail2 => {
            let n = value.chars().count();
            let keep = if n > 4 { 2 } else { 0 };
            let tail: String = value.chars().skip(n - keep).collect();
            format!("{}{tail}", "*".repeat(n - keep))
        }
        Kind::Date => {
            if value.is_empty() {
                String::new()
            } else {
                "****-**-**".to_owned()
            }
        }
        Kind::Image => format!("<image, {} chars>", value.len()),
        Kind::Secret => "<redacted>".to_owned(),
    }
}

/// Masks what looks like personal data or a credential in free text (a provider's error
/// message): words with an `@` become `<email>`; API keys (`sk_...`, `pk_...`), JWTs and other
/// long mixed letter-and-digit tokens become `<redacted>` (ids in the usual UUID and 24-hex forms
/// stay, they name things without granting anything); runs of 7 or more digits (phone numbers,
/// BVNs) keep only their last 2.
pub fn scrub_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.contains('@') {
            out.push_str("<email>");
            continue;
        }
        let core =
            word.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        if is_id(core) {
            out.push_str(word);
            continue;
        }
        if looks_like_credential(core) {
            out.push_str(&word.replace(core, "<redacted>"));
            continue;
        }
        let mut digits = String::new();
        for c in word.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            if digits.len() >= 7 {
                out.push_str(&mask(Kind::Tail2, &digits));
            } else {
                out.push_str(&digits);
            }
            digits.clear();
            if c != ' ' {
                out.push(c);
            }
        }
    }
    out
}

/// Whether a word of free text looks like a credential: an API key (`sk_...`, `pk_...`), a JWT
/// (three base64url parts), or a long token mixing letters and digits that is not an id.
fn looks_like_credential(word: &str) -> bool {
    let token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | '/' | '=');
    if word.len() < 16 || !word.chars().all(token_char) {
        return false;
    }
    if word.starts_with("sk_") || word.starts_with("pk_") {
        return true;
    }
    let jwt = word.split('.').count() == 3 && word.split('.').all(|p| !p.is_empty());
    let mixed =
        word.chars().any(|c| c.is_ascii_alphabetic()) && word.chars().any(|c| c.is_ascii_digit());
    jwt || (mixed && word.len() >= 20)
}

/// Whether a word is an id in the usual forms (a UUID, a 24-hex Bloc id): it names something
/// without granting anything, and support needs it. A word of digits only is never one (24
/// digits are more likely a number than an ObjectId, which almost always holds a letter).
pub fn is_id(word: &str) -> bool {
    (crate::validate::uuid(word).is_ok() || crate::validate::bloc_customer_id(word).is_ok())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A `Debug` wrapper that prints a string masked.
pub(crate) struct Masked<'a>(pub Kind, pub &'a str);

impl fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", mask(self.0, self.1))
    }
}

/// A `Debug` wrapper for optional strings.
pub(crate) struct MaskedOpt<'a>(pub Kind, pub Option<&'a str>);

impl fmt::Debug for MaskedOpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(v) => write!(f, "Some({:?})", Masked(self.0, v)),
            None => f.write_str("None"),
        }
    }
}

/// The masking kind for a JSON key or header name, if values under it are sensitive.
/// Matching ignores case, `_` and `-`, so `phone_number`, `phoneNumber` and `Phone-Number` agree.
/// Credentials are recognised by name (`Authorization`, `Proxy-Authorization`, `Cookie`,
/// `Set-Cookie`, `Api-Key`, `X-Auth-Token`, ...) and by what a name holds: any name with `token`,
/// `secret`, `password` or `apikey` in it; personal data also by what a name holds (`emails`,
/// `workPhone`, `bvnNumber`).
pub(crate) fn kind_for_key(key: &str) -> Option<Kind> {
    let k: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some(match k.as_str() {
        "email" => Kind::Email,
        "bvn" | "phone" | "phonenumber" | "nin" => Kind::Tail2,
        "dob" | "dateofbirth" => Kind::Date,
        "image" | "imageurl" | "identityurl" | "meansofidentityurl" => Kind::Image,
        "authorization" | "proxyauthorization" | "secretkey" | "privatekey" | "cookie"
        | "setcookie" => Kind::Secret,
        _ if ["token", "secret", "password", "apikey"]
            .iter()
            .any(|part| k.contains(part)) =>
        {
            Kind::Secret
        }
        _ if k.contains("email") => Kind::Email,
        _ if k.contains("phone") || k.contains("bvn") => Kind::Tail2,
        _ => return None,
    })
}

/// A header value as it may be shown: credentials are hidden, except for the scheme of an
/// `Authorization` value and the non-secret prefix of a Bloc key (`Bearer sk_test_<redacted>`),
/// which tell which key was used.
pub(crate) fn header_value(name: &str, value: &str) -> String {
    match kind_for_key(name) {
        Some(Kind::Secret) => {
            // Only an authorization scheme (a single word of letters) is kept: the first word of
            // a cookie or an API key is part of the secret.
            let authorization = name.to_ascii_lowercase().ends_with("authorization");
            let (scheme, rest) = match value.split_once(' ') {
                Some((scheme, rest))
                    if authorization
                        && !scheme.is_empty()
                        && scheme.bytes().all(|b| b.is_ascii_alphabetic()) =>
                {
                    (scheme, rest)
                }
                _ => ("", value),
            };
            let prefix = ["sk_test_", "sk_live_", "pk_test_", "pk_live_"]
                .into_iter()
                .find(|p| rest.starts_with(p))
                .unwrap_or("");
            let scheme = if scheme.is_empty() {
                String::new()
            } else {
                format!("{scheme} ")
            };
            format!("{scheme}{prefix}<redacted>")
        }
        Some(kind) => mask(kind, value),
        None => value.to_owned(),
    }
}

/// Masks every sensitive member of a JSON value in place.
pub(crate) fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match kind_for_key(key) {
                    Some(kind) => redact_as(kind, v),
                    None => redact_json(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// Masks a value found under a sensitive key: strings and numbers are masked as `kind`, at any
/// depth (`"bvn": 22403240419`, `"email": ["a@b.co"]`, `"phone": {"number": "0801..."}`);
/// a credential is hidden whole, whatever its shape. `null` and booleans say nothing and stay.
fn redact_as(kind: Kind, value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null | Value::Bool(_) => {}
        _ if kind == Kind::Secret => *value = Value::String(mask(Kind::Secret, "")),
        Value::String(s) => *s = mask(kind, s),
        Value::Number(n) => *value = Value::String(mask(kind, &n.to_string())),
        Value::Array(items) => items.iter_mut().for_each(|v| redact_as(kind, v)),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                redact_as(kind_for_key(key).unwrap_or(kind), v);
            }
        }
    }
}

/// Body bytes shown with personal data masked: JSON is printed with sensitive members masked,
/// anything else only by its length.
pub struct RedactedBody<'a>(pub &'a [u8]);

impl fmt::Display for RedactedBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<empty>");
        }
        match serde_json::from_slice::<serde_json::Value>(self.0) {
            Ok(mut v) => {
                redact_json(&mut v);
                write!(f, "{v}")
            }
            Err(_) => write!(f, "<{} bytes, not JSON>", self.0.len()),
        }
    }
}

impl fmt::Debug for RedactedBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_a_little_shape() {
        assert_eq!(mask(Kind::Email, "ada@example.com"), "a***@example.com");
        assert_eq!(mask(Kind::Email, "no-at-sign"), "***");
        assert_eq!(mask(Kind::Tail2, "22403240419"), "*********19");
        assert_eq!(mask(Kind::Tail2, "123"), "***");
        assert_eq!(mask(Kind::Date, "1992-03-30"), "****-**-**");
        assert_eq!(
            mask(Kind::Image, "data:image/png;base64,AAAA"),
            "<image, 26 chars>"
        );
        assert_eq!(mask(Kind::Secret, "x"), "<redacted>");
    }

    #[test]
    fn credentials_in_free_text_are_redacted_but_ids_stay() {
        assert_eq!(
            scrub_text(
                "bad key sk_live_leakyleakyleaky0123, token eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ4In0.c2ln refused"
            ),
            "bad key <redacted>, token <redacted> refused"
        );
        assert_eq!(
            scrub_text("secret api-secret-do-not-print-9f3a is wrong"),
            "secret <redacted> is wrong"
        );
        assert_eq!(
            scrub_text(
                "customer 123e4567-e89b-12d3-a456-426614174000 or 6410612c7f1b4b36103f872a at 2025-07-01T22:50:04.095Z"
            ),
            "customer 123e4567-e89b-12d3-a456-426614174000 or 6410612c7f1b4b36103f872a at 2025-07-01T22:50:04.095Z"
        );
        assert_eq!(
            scrub_text("invalid_state_transition"),
            "invalid_state_transition"
        );
    }

    #[test]
    fn free_text_is_scrubbed() {
        assert_eq!(
            scrub_text("phone 08012345678, email ada@example.com: id 42 exists"),
            "phone *********78, email <email> id 42 exists"
        );
    }

    #[test]
    fn header_values_hide_credentials() {
        assert_eq!(
            header_value("Authorization", "Bearer sk_live_0123456789"),
            "Bearer sk_live_<redacted>"
        );
        assert_eq!(header_value("authorization", "token"), "<redacted>");
        assert_eq!(
            header_value("Content-Type", "application/json"),
            "application/json"
        );
    }

    #[test]
    fn credential_headers_of_every_spelling_are_hidden() {
        for (name, value) in [
            ("Set-Cookie", "session=s3cr3t-cookie; Path=/; HttpOnly"),
            ("Cookie", "s3cr3t-cookie other"),
            ("Proxy-Authorization", "Basic s3cr3t-cookie"),
            ("X-Auth-Token", "s3cr3t-cookie"),
            ("Api-Key", "s3cr3t-cookie"),
            ("X-Api-Key", "s3cr3t-cookie"),
            ("X-Refresh-Token", "s3cr3t-cookie"),
            ("X-Client-Secret", "s3cr3t-cookie"),
            ("x_my_api_key", "s3cr3t-cookie"),
            ("Authorization", "s3cr3t-cookie rest"),
        ] {
            let shown = header_value(name, value);
            assert!(!shown.contains("s3cr3t"), "{name}: {shown}");
            assert!(shown.ends_with("<redacted>"), "{name}: {shown}");
        }
        assert_eq!(
            header_value("Proxy-Authorization", "Basic s3cr3t"),
            "Basic <redacted>"
        );
        assert_eq!(header_value("Idempotency-Key", "k-1"), "k-1");
    }

    #[test]
    fn numbers_arrays_and_objects_under_sensitive_keys_are_masked() {
        let body = br#"{"bvn":22403240419,"email":["ada@example.com",{"work":"bo@example.org"}],"phone":{"number":"08012345678"},"nin":[12345678901],"accessToken":{"value":"tok-s3cr3t"},"api_key":["k-s3cr3t"],"ok":true,"name":"Ada"}"#;
        let shown = RedactedBody(body).to_string();
        for secret in [
            "22403240419",
            "ada@example.com",
            "bo@example.org",
            "08012345678",
            "12345678901",
            "s3cr3t",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert_eq!(
            shown,
            r#"{"accessToken":"<redacted>","api_key":"<redacted>","bvn":"*********19","email":["a***@example.com",{"work":"b***@example.org"}],"name":"Ada","nin":["*********01"],"ok":true,"phone":{"number":"*********78"}}"#
        );
    }

    #[test]
    fn json_bodies_are_redacted_recursively() {
        let body = br#"{"data":[{"phoneNumber":"08012345678","address":{"city":"Lagos"}}],"token":{"a":1}}"#;
        let shown = RedactedBody(body).to_string();
        assert_eq!(
            shown,
            r#"{"data":[{"address":{"city":"Lagos"},"phoneNumber":"*********78"}],"token":"<redacted>"}"#
        );
        assert_eq!(RedactedBody(b"\xff\xfe").to_string(), "<2 bytes, not JSON>");
        assert_eq!(RedactedBody(b"").to_string(), "<empty>");
    }

    /// Found by the `masking` fuzz target: 24 digits passed for a 24-hex Bloc id and stayed in
    /// clear.
    #[test]
    fn a_run_of_digits_is_never_kept_as_an_id() {
        let text = String::from_utf8_lossy(b"\x0b\x00111111111111111111111111\xd6\xd6");
        let scrubbed = scrub_text(&text);
        assert!(!scrubbed.contains("1111111"), "{scrubbed}");
        assert_eq!(
            scrub_text("customer 6410612c7f1b4b36103f872a"),
            "customer 6410612c7f1b4b36103f872a"
        );
        assert_eq!(
            scrub_text("key 12345678-abcd-4ef0-8123-456789abcdef"),
            "key 12345678-abcd-4ef0-8123-456789abcdef"
        );
    }
}
