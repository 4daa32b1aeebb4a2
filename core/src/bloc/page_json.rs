//! A page of Bloc customers read straight into the camelCase JSON the hosts see, in one pass.
//!
//! [`Bloc::parse_list_customers`](super::Bloc::parse_list_customers) builds a [`Customer`] per
//! entry (about thirty owned strings each) which a binding then writes out again as JSON. For a
//! host that only wants that JSON (the npm package hands it to `JSON.parse`), this module reads
//! Bloc's body with serde_json's tokenizer and writes each value in its camelCase place as it
//! goes: no `Customer`, no owned strings, one output buffer. A string without escapes is copied
//! as it is (serde_json has already checked it).
//!
//! It is a fast path, not a second parser with its own opinions: it applies the same readers as
//! the typed model (the open enums' spellings, [`json::is_unset`], [`json::parse_timestamp`],
//! chrono's output), and it gives up on anything unusual (a duplicate key, a value of the wrong
//! type, `success: false`, a struct sent as an array, ...). Giving up falls back to the typed
//! parser, so errors, and every odd input, are exactly the typed path's. Tests hold the two
//! paths byte-for-byte equal on fixtures, on generated customers and under the fuzzer.
//!
//! One visitor type reads every value through `deserialize_any`, so the module adds a single
//! instantiation of serde_json's reader to the wasm module rather than one per shape.
//!
//! [`Customer`]: super::Customer

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{CustomerStatus, CustomerType, Environment, Gender, KycTier, MeansOfId, Metadata};
use crate::json;

/// What a value is read as.
#[derive(Clone, Copy)]
enum Kind {
    /// The `{success, data, message, metadata}` envelope.
    Envelope,
    /// `null` (no customers) or an array of customers.
    List,
    /// A required object (a customer in the list).
    Record(&'static Table),
    /// An object of fields; `null` or missing is `null`.
    Object(&'static Table),
    /// A required string (the id).
    Id,
    /// A string; `null` or missing is `""` (`json::string_or_null`).
    Text,
    /// A string; `null`, `""` or missing is `null` (`json::non_empty`).
    NonEmpty,
    /// A string kept as sent, `""` included; `null` or missing is `null` (`Option<String>`).
    OptText,
    /// A required open enum: the canonical spelling of a known value, else the value.
    Enum(fn(&str) -> Option<&'static str>),
    /// An optional open enum (`null` and `""` are `null`).
    OptEnum(fn(&str) -> Option<&'static str>),
    /// The KYC tier: a string or an integer; `null` or missing is `"0"`.
    Tier,
    /// An optional RFC 3339 timestamp (`json::opt_timestamp`).
    Timestamp,
    /// An optional date sent as a timestamp or `YYYY-MM-DD` (`json::opt_date`).
    Date,
}

/// One member of an object: its name on Bloc's wire, its camelCase name and how it is read.
struct Field {
    wire: &'static str,
    /// `,"camelName":` (the comma is dropped before the first member)
    key: &'static str,
    kind: Kind,
}

/// The members of an object, in the order the typed model serialises them.
struct Table {
    fields: &'static [Field],
    /// Which of [`Orders`] remembers the member order last seen for this table.
    order: usize,
    /// Written as `null` when every member is unset (`opt_address` drops `{}`).
    null_if_empty: bool,
}

const fn field(wire: &'static str, key: &'static str, kind: Kind) -> Field {
    Field { wire, key, kind }
}

/// [`super::Customer`], field for field.
static CUSTOMER: Table = Table {
    fields: &[
        field("id", r#","id":"#, Kind::Id),
        field("first_name", r#","firstName":"#, Kind::Text),
        field("last_name", r#","lastName":"#, Kind::Text),
        field("full_name", r#","fullName":"#, Kind::Text),
        field("email", r#","email":"#, Kind::Text),
        field("phone_number", r#","phoneNumber":"#, Kind::Text),
        field("bvn", r#","bvn":"#, Kind::Text),
        field(
            "customer_type",
            r#","customerType":"#,
            Kind::Enum(CustomerType::canonical),
        ),
        field(
            "status",
            r#","status":"#,
            Kind::Enum(CustomerStatus::canonical),
        ),
        field("kyc_tier", r#","kycTier":"#, Kind::Tier),
        field("kyc_status", r#","kycStatus":"#, Kind::NonEmpty),
        field(
            "environment",
            r#","environment":"#,
            Kind::Enum(Environment::canonical),
        ),
        field("organization_id", r#","organizationId":"#, Kind::Text),
        field("group", r#","group":"#, Kind::Text),
        field("source", r#","source":"#, Kind::Text),
        field("country", r#","country":"#, Kind::Text),
        field("gender", r#","gender":"#, Kind::OptEnum(Gender::canonical)),
        field("date_of_birth", r#","dateOfBirth":"#, Kind::Date),
        field("place_of_birth", r#","placeOfBirth":"#, Kind::NonEmpty),
        field("address", r#","address":"#, Kind::Object(&ADDRESS)),
        field("image_url", r#","imageUrl":"#, Kind::NonEmpty),
        field(
            "means_of_identity",
            r#","meansOfIdentity":"#,
            Kind::OptEnum(MeansOfId::canonical),
        ),
        field(
            "means_of_identity_url",
            r#","meansOfIdentityUrl":"#,
            Kind::NonEmpty,
        ),
        field("identity_url", r#","identityUrl":"#, Kind::NonEmpty),
        field("SyncData", r#","syncData":"#, Kind::Object(&SYNC_DATA)),
        field("created_at", r#","createdAt":"#, Kind::Timestamp),
        field("updated_at", r#","updatedAt":"#, Kind::Timestamp),
    ],
    null_if_empty: false,
    order: 0,
};

/// [`super::CustomerAddress`]: each member a string (kept even when empty) or `null`.
static ADDRESS: Table = Table {
    fields: &[
        field("street", r#","street":"#, Kind::OptText),
        field("city", r#","city":"#, Kind::OptText),
        field("state", r#","state":"#, Kind::OptText),
        field("country", r#","country":"#, Kind::OptText),
        field("postal_code", r#","postalCode":"#, Kind::OptText),
    ],
    null_if_empty: true,
    order: 1,
};

/// [`super::SyncData`].
static SYNC_DATA: Table = Table {
    fields: &[
        field("Provider", r#","provider":"#, Kind::Text),
        field("ID", r#","id":"#, Kind::NonEmpty),
    ],
    null_if_empty: false,
    order: 2,
};

/// The most members any table has (the customer's).
const MAX_FIELDS: usize = 27;

/// The envelope's members (their kinds are not used: [`Value::envelope`] reads each itself).
static ENVELOPE: [Field; 4] = [
    field("success", "", Kind::Envelope),
    field("data", "", Kind::List),
    field("message", "", Kind::Envelope),
    field("metadata", "", Kind::Envelope),
];

/// A page written as the JSON of [`super::CustomerPage`], with what a pager needs to know.
pub(super) struct Page {
    pub json: String,
    pub first_id: Option<String>,
    pub len: usize,
    pub has_next: bool,
}

/// Reads a `GET /customers` body; `None` means "take the typed path".
pub(super) fn page(body: &[u8]) -> Option<Page> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut out = Vec::with_capacity(body.len() + body.len() / 8);
    let mut ctx = Context {
        orders: [[0; MAX_FIELDS]; 3],
        first_id: None,
        len: 0,
        has_next: false,
    };
    let value = Value {
        kind: Kind::Envelope,
        out: &mut out,
        ctx: &mut ctx,
    };
    value.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(Page {
        // Everything written is ASCII punctuation, literals and UTF-8 text from `body`.
        json: String::from_utf8(out).ok()?,
        first_id: ctx.first_id,
        len: ctx.len,
        has_next: ctx.has_next,
    })
}

/// Per table, the member index found at each position of the last object read. Bloc writes
/// every customer's members in the same order, so the key at position `k` is checked against
/// the member seen at `k` last time before any search.
type Orders = [[usize; MAX_FIELDS]; 3];

/// What is carried from one value to the next.
struct Context {
    orders: Orders,
    first_id: Option<String>,
    len: usize,
    has_next: bool,
}

/// A map key as the index of a known member (`None` for members nobody reads); the index at
/// `.1` is tried first.
struct Key(&'static [Field], usize);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if self.0.get(self.1).is_some_and(|f| f.wire == key) {
            return Ok(Some(self.1));
        }
        Ok(self.0.iter().position(|f| f.wire == key))
    }
}

/// One value of kind `kind`, appended to `out`; yields where it was written.
struct Value<'a> {
    kind: Kind,
    out: &'a mut Vec<u8>,
    ctx: &'a mut Context,
}

impl<'a> Value<'a> {
    /// A value of `kind` written to the same buffer.
    fn child(&mut self, kind: Kind) -> Value<'_> {
        Value {
            kind,
            out: &mut *self.out,
            ctx: &mut *self.ctx,
        }
    }

    /// `s` as a JSON string; `plain` when it holds nothing to escape (copied as it is).
    fn string<E: de::Error>(self, s: &str, plain: bool) -> Result<Range<usize>, E> {
        let start = self.out.len();
        if plain {
            self.out.push(b'"');
            self.out.extend_from_slice(s.as_bytes());
            self.out.push(b'"');
        } else {
            serde_json::to_writer(&mut *self.out, s).map_err(de::Error::custom)?;
        }
        Ok(start..self.out.len())
    }

    fn literal<E: de::Error>(self, bytes: &[u8]) -> Result<Range<usize>, E> {
        let start = self.out.len();
        self.out.extend_from_slice(bytes);
        Ok(start..self.out.len())
    }

    fn serialized<E: de::Error, T: serde::Serialize>(self, value: &T) -> Result<Range<usize>, E> {
        let start = self.out.len();
        serde_json::to_writer(&mut *self.out, value).map_err(de::Error::custom)?;
        Ok(start..self.out.len())
    }

    /// A string value read as `self.kind`; `plain` as in [`Value::string`].
    fn text<E: de::Error>(self, s: &str, plain: bool) -> Result<Range<usize>, E> {
        match self.kind {
            Kind::Id | Kind::Text | Kind::OptText => self.string(s, plain),
            Kind::NonEmpty | Kind::OptEnum(_) if s.is_empty() => self.literal(b"null"),
            Kind::NonEmpty => self.string(s, plain),
            // The canonical spellings are this crate's own literals: nothing to escape.
            Kind::Enum(canonical) | Kind::OptEnum(canonical) => match canonical(s) {
                Some(known) => self.string(known, true),
                None => self.string(s, plain),
            },
            Kind::Tier => match KycTier::canonical(s) {
                Some(known) => self.string(known, true),
                None => self.string(s, plain),
            },
            Kind::Timestamp | Kind::Date if json::is_unset(s) => self.literal(b"null"),
            Kind::Timestamp => match json::parse_timestamp(s) {
                Some(t) => {
                    let t = t.with_timezone(&chrono::Utc);
                    let start = self.out.len();
                    if json::write_timestamp(self.out, &t) {
                        return Ok(start..self.out.len());
                    }
                    self.serialized(&t)
                }
                None => Err(E::custom("timestamp")),
            },
            Kind::Date => match json::parse_date(s) {
                Some(d) => {
                    let start = self.out.len();
                    if json::write_date(self.out, &d) {
                        return Ok(start..self.out.len());
                    }
                    self.serialized(&d)
                }
                None => Err(E::custom("date")),
            },
            _ => Err(E::custom("string")),
        }
    }

    /// The envelope: `{"customers":[...],"hasNext":..,"hasPrevious":..}`.
    fn envelope<'de, A: MapAccess<'de>>(mut self, mut map: A) -> Result<Range<usize>, A::Error> {
        let start = self.out.len();
        self.out.extend_from_slice(br#"{"customers":"#);
        let mut seen = [false; ENVELOPE.len()];
        let mut metadata = None;
        while let Some(index) = map.next_key_seed(Key(&ENVELOPE, 1))? {
            let Some((index, seen)) = index.and_then(|i| Some((i, seen.get_mut(i)?))) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if std::mem::replace(seen, true) {
                return Err(de::Error::custom("duplicate"));
            }
            match index {
                // `success: false` is an error answer: the typed path builds it.
                0 if map.next_value::<Option<bool>>()? == Some(false) => {
                    return Err(de::Error::custom("unsuccessful"));
                }
                0 => {}
                1 => {
                    map.next_value_seed(self.child(Kind::List))?;
                }
                2 => {
                    map.next_value::<Option<String>>()?;
                }
                _ => metadata = map.next_value::<Option<Metadata>>()?,
            }
        }
        if !seen.get(1).copied().unwrap_or(false) {
            self.out.extend_from_slice(b"[]");
        }
        let metadata = metadata.unwrap_or_default();
        let flag = |b: bool| if b { &b"true"[..] } else { b"false" };
        self.ctx.has_next = metadata.has_next;
        self.out.extend_from_slice(br#","hasNext":"#);
        self.out.extend_from_slice(flag(metadata.has_next));
        self.out.extend_from_slice(br#","hasPrevious":"#);
        self.out.extend_from_slice(flag(metadata.has_previous));
        self.out.push(b'}');
        Ok(start..self.out.len())
    }

    /// An object of `table`'s members: the values are written as they come, then copied in the
    /// model's order after them, then the values are dropped.
    fn object<'de, A: MapAccess<'de>>(
        mut self,
        table: &'static Table,
        mut map: A,
    ) -> Result<Range<usize>, A::Error> {
        let values_start = self.out.len();
        let mut slots: [Option<Range<usize>>; MAX_FIELDS] = Default::default();
        let mut position = 0;
        loop {
            let seen = self.ctx.orders.get_mut(table.order);
            let seen = seen.and_then(|o| o.get_mut(position));
            let hint = seen.as_deref().copied().unwrap_or(0);
            let Some(index) = map.next_key_seed(Key(table.fields, hint))? else {
                break;
            };
            if let (Some(index), Some(seen)) = (index, seen) {
                *seen = index;
            }
            position += 1;
            let (Some(field), Some(slot)) = (
                index.and_then(|i| table.fields.get(i)),
                index.and_then(|i| slots.get_mut(i)),
            ) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if slot.is_some() {
                return Err(de::Error::custom("duplicate"));
            }
            *slot = Some(map.next_value_seed(self.child(field.kind))?);
        }
        let start = self.out.len();
        let mut any_set = false;
        self.out
            .reserve(start - values_start + 32 * table.fields.len());
        self.out.push(b'{');
        for (i, (field, slot)) in table.fields.iter().zip(&slots).enumerate() {
            let key = field.key.as_bytes();
            self.out.extend_from_slice(if i == 0 {
                key.get(1..).unwrap_or(key)
            } else {
                key
            });
            match slot {
                Some(range) => {
                    if table.null_if_empty {
                        any_set |= self.out.get(range.clone()) != Some(b"null");
                    }
                    self.out.extend_from_within(range.clone());
                }
                None => {
                    let unset = unset(field.kind).ok_or_else(|| de::Error::custom("missing"))?;
                    self.out.extend_from_slice(unset);
                }
            }
        }
        self.out.push(b'}');
        if table.null_if_empty && !any_set {
            self.out.truncate(start);
            self.out.extend_from_slice(b"null");
        }
        self.out.drain(values_start..start);
        Ok(values_start..self.out.len())
    }
}

/// What a missing member (or, for the optional kinds, `null`) is written as; `None` when the
/// member is required.
fn unset(kind: Kind) -> Option<&'static [u8]> {
    match kind {
        Kind::Envelope | Kind::Record(_) | Kind::Id | Kind::Enum(_) => None,
        Kind::List => Some(b"[]"),
        Kind::Text => Some(b"\"\""),
        Kind::Tier => Some(b"\"0\""),
        Kind::NonEmpty
        | Kind::OptText
        | Kind::OptEnum(_)
        | Kind::Timestamp
        | Kind::Date
        | Kind::Object(_) => Some(b"null"),
    }
}

impl<'de> DeserializeSeed<'de> for Value<'_> {
    type Value = Range<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value<'_> {
    type Value = Range<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a customer value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        match unset(self.kind) {
            Some(bytes) => self.literal(bytes),
            None => Err(E::custom("null")),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        self.text(s, false)
    }

    /// A string serde_json borrowed from the body: it had no escape sequence, and serde_json
    /// refuses raw control characters, so it holds nothing JSON escapes.
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        self.text(s, true)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        match self.kind {
            Kind::Tier => self.text(&n.to_string(), true),
            _ => Err(E::custom("number")),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        match self.kind {
            Kind::Tier => self.text(&n.to_string(), true),
            _ => Err(E::custom("number")),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Kind::List = self.kind else {
            return Err(de::Error::custom("array"));
        };
        let start = self.out.len();
        self.out.push(b'[');
        loop {
            if self.ctx.len > 0 {
                self.out.push(b',');
            }
            let Some(range) = seq.next_element_seed(self.child(Kind::Record(&CUSTOMER)))? else {
                if self.ctx.len > 0 {
                    self.out.pop();
                }
                break;
            };
            if self.ctx.len == 0 {
                // The id is the first member written; read it back for the pager.
                let customer = self.out.get(range).unwrap_or_default();
                self.ctx.first_id = customer
                    .strip_prefix(br#"{"id":"#)
                    .and_then(|rest| {
                        serde_json::Deserializer::from_slice(rest)
                            .into_iter::<String>()
                            .next()
                    })
                    .and_then(Result::ok);
            }
            self.ctx.len += 1;
        }
        self.out.push(b']');
        Ok(start..self.out.len())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        match self.kind {
            Kind::Envelope => self.envelope(map),
            Kind::Record(table) | Kind::Object(table) => self.object(table, map),
            _ => Err(de::Error::custom("object")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloc::Bloc;
    use crate::http::HttpResponse;
    use proptest::prelude::*;

    /// The typed path's JSON for `body`, or `None` where it fails.
    fn typed(body: &[u8]) -> Option<(String, Option<String>, usize, bool)> {
        let page = Bloc::parse_list_customers(&HttpResponse::new(200, vec![], body)).ok()?;
        Some((
            serde_json::to_string(&page).unwrap(),
            page.customers.first().map(|c| c.id.clone()),
            page.customers.len(),
            page.has_next,
        ))
    }

    /// The fast path never answers differently from the typed one; returns whether it answered.
    fn agrees(body: &[u8]) -> bool {
        let Some(fast) = page(body) else { return false };
        let typed = typed(body).unwrap_or_else(|| {
            panic!(
                "fast path accepted what the typed path rejects: {}",
                String::from_utf8_lossy(body)
            )
        });
        assert_eq!(
            (fast.json, fast.first_id, fast.len, fast.has_next),
            typed,
            "{}",
            String::from_utf8_lossy(body)
        );
        true
    }

    fn fixture_customers() -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/bloc/responses.json"
        ))
        .unwrap();
        let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut customers = Vec::new();
        for case in fixture["cases"].as_array().unwrap() {
            let Some(body) = case["response"]["body"].as_str() else {
                continue;
            };
            let Ok(body) = serde_json::from_str::<serde_json::Value>(body) else {
                continue;
            };
            match &body["data"] {
                serde_json::Value::Array(list) => customers.extend(list.iter().cloned()),
                one @ serde_json::Value::Object(_) => customers.push(one.clone()),
                _ => {}
            }
        }
        customers
    }

    #[test]
    fn fixture_customers_read_the_same_on_both_paths() {
        let customers = fixture_customers();
        assert!(customers.len() > 5);
        let mut fast = 0;
        for c in &customers {
            let body = serde_json::json!({"success": true, "data": [c, c], "metadata": {"has_next": true}});
            fast += usize::from(agrees(body.to_string().as_bytes()));
        }
        // Every fixture customer the typed path accepts takes the fast path.
        let accepted: Vec<_> = customers
            .iter()
            .filter(|c| typed(serde_json::json!({"data": [c]}).to_string().as_bytes()).is_some())
            .collect();
        assert_eq!(fast, accepted.len());
        assert!(
            accepted.len() < customers.len(),
            "some fixtures are invalid customers"
        );
        let all = serde_json::json!({"success": true, "message": "ok", "data": accepted});
        assert!(agrees(all.to_string().as_bytes()));
    }

    #[test]
    fn envelopes_and_odd_shapes() {
        for (body, fast) in [
            (r#"{"success":true,"data":[]}"#, true),
            (r#"{"data":null,"metadata":null}"#, true),
            (r#"{}"#, true),
            (
                r#" {"metadata":{"has_previous":true},"extra":[1,{"a":2}],"data":[]} "#,
                true,
            ),
            (r#"{"success":false,"message":"no","data":[]}"#, false),
            (r#"{"data":[],"data":[]}"#, false),
            (r#"{"data":[null]}"#, false),
            (r#"{"data":{}}"#, false),
            (r#"{"message":3}"#, false),
            (r#"{"data":[]} x"#, false),
            (r#"[true,[]]"#, false),
            (r#"{"data":[["6410612c7f1b4b36103f872a"]]}"#, false),
            (
                r#"{"data":[{"id":"a","customer_type":"x","status":"active"}]}"#,
                false,
            ),
            (
                r#"{"data":[{"id":"a","id":"a","customer_type":"x","status":"active","environment":"test"}]}"#,
                false,
            ),
            (
                r#"{"data":[{"id":"a","customer_type":"x","status":"active","environment":"test","kyc_tier":1.5}]}"#,
                false,
            ),
            (
                r#"{"data":[{"id":"a","customer_type":"x","status":"active","environment":"test","address":{"city":1}}]}"#,
                false,
            ),
        ] {
            assert_eq!(agrees(body.as_bytes()), fast, "{body}");
        }
    }

    /// Draws choices from a tape of bytes (so proptest can shrink it).
    struct Tape<'a>(std::slice::Iter<'a, u8>);

    impl Tape<'_> {
        fn pick<'v, T>(&mut self, options: &'v [T]) -> &'v T {
            let b = usize::from(self.0.next().copied().unwrap_or(0));
            &options[b % options.len()]
        }
        fn byte(&mut self) -> u8 {
            self.0.next().copied().unwrap_or(0)
        }
        fn bit(&mut self) -> bool {
            self.byte() & 1 == 1
        }
    }

    /// A JSON string for `s`, sometimes with an ASCII letter written as a `\u` escape.
    fn string(t: &mut Tape, s: &str) -> String {
        let json = |s: &str| serde_json::to_string(s).unwrap();
        match s.char_indices().find(|(_, c)| c.is_ascii_alphanumeric()) {
            Some((i, c)) if t.bit() => {
                let (head, rest) = s.split_at(i);
                let (head, tail) = (json(head), json(rest.get(1..).unwrap()));
                let head = head.strip_suffix('"').unwrap();
                let tail = tail.strip_prefix('"').unwrap();
                format!("{head}\\u{:04x}{tail}", c as u32)
            }
            _ => json(s),
        }
    }

    const TEXT: &[&str] = &[
        "",
        "Ada",
        "Obi ",
        "Ọlá Adé",
        "a\"b\\c\n",
        "😀",
        "0001-01-01",
    ];
    const TIMES: &[&str] = &[
        "2023-03-14T11:49:49.839735959Z",
        "2023-03-14T11:57:32.5Z",
        "2024-01-12T15:53:02+01:00",
        "1992-03-30T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "",
    ];

    /// One member's value: `None` leaves the member out; the flag says the typed path may fail.
    fn value(t: &mut Tape, kind: Kind) -> (Option<String>, bool) {
        let text = |t: &mut Tape, options: &[&str]| {
            let s = *t.pick(options);
            string(t, s)
        };
        let required = matches!(kind, Kind::Id | Kind::Enum(_));
        let v = match t.byte() {
            // Rarely: a value of the wrong type, or a required member missing or null.
            0 | 1 => {
                let wrong: &[&str] = match kind {
                    Kind::Object(_) => &["1", "true", "[]", "\"x\""],
                    _ => &["true", "[]", "{}", "2.5"],
                };
                return (Some(t.pick(wrong).to_string()), true);
            }
            2 | 3 if required => return (t.bit().then(|| "null".into()), true),
            b if b < 32 && !required => return (None, false),
            b if b < 64 && !required => "null".into(),
            _ => match kind {
                Kind::Id => text(t, &["6410612c7f1b4b36103f872a", "x"]),
                Kind::Enum(_) | Kind::OptEnum(_) => text(
                    t,
                    &[
                        "",
                        "active",
                        "ARCHIVED",
                        "Personal",
                        "retail",
                        "TEST",
                        "live",
                        "male",
                        "Female",
                        "nin slip",
                        "Voters Card",
                        "other",
                    ],
                ),
                Kind::Text | Kind::NonEmpty | Kind::OptText => text(t, TEXT),
                Kind::Tier if t.bit() => t
                    .pick(&["0", "3", "7", "-1", "18446744073709551615"])
                    .to_string(),
                Kind::Tier => text(t, &["0", "1", "2", "3", "", "gold"]),
                Kind::Timestamp => text(t, TIMES),
                Kind::Date => text(
                    t,
                    &["1992-03-30", "1992-02-30", TIMES[0], TIMES[2], TIMES[4], ""],
                ),
                Kind::Object(table) | Kind::Record(table) => return object(t, table),
                Kind::Envelope | Kind::List => panic!("not a member kind"),
            },
        };
        (Some(v), false)
    }

    /// An object of `table`'s members in a shuffled order, with unknown members and duplicates.
    fn object(t: &mut Tape, table: &Table) -> (Option<String>, bool) {
        let mut members = Vec::new();
        let mut odd = false;
        for f in table.fields {
            let (v, o) = value(t, f.kind);
            odd |= o;
            if let Some(v) = v {
                members.push(format!("{}:{v}", string(t, f.wire)));
                if t.byte() == 0 {
                    members.push(format!("{}:{v}", string(t, f.wire)));
                    odd = true;
                }
            }
        }
        if t.bit() {
            members.push(r#""unknown":{"nested":[1,"two",null]}"#.into());
        }
        for i in (1..members.len()).rev() {
            members.swap(i, usize::from(t.byte()) % (i + 1));
        }
        (Some(format!("{{{}}}", members.join(","))), odd)
    }

    #[test]
    fn generator_reaches_the_fast_path() {
        let (mut seed, mut fast, mut odd) = (0x9e37_79b9_7f4a_7c15u64, 0, 0);
        for _ in 0..400 {
            let tape: Vec<u8> = (0..1500)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            let mut t = Tape(tape.iter());
            let (c, o) = object(&mut t, &CUSTOMER);
            let body = format!(r#"{{"data":[{}]}}"#, c.unwrap());
            fast += usize::from(agrees(body.as_bytes()));
            odd += usize::from(o);
        }
        // Most generated customers are well-formed (the rest have a wrong type, a missing
        // required member, a duplicate, or an impossible date) and those take the fast path.
        assert!(odd < 200 && fast >= 200, "{fast} fast, {odd} odd of 400");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Generated pages (quirks, escapes, shuffled members, unknown members, duplicates and
        /// wrong types) read byte-for-byte the same on both paths; well-formed ones take the
        /// fast path.
        #[test]
        fn generated_pages_read_the_same_on_both_paths(tape in proptest::collection::vec(any::<u8>(), 0..1500), n in 0usize..4) {
            let mut t = Tape(tape.iter());
            let mut odd = false;
            let mut customers = Vec::new();
            for _ in 0..n {
                let (c, o) = object(&mut t, &CUSTOMER);
                odd |= o;
                customers.extend(c);
            }
            let metadata = t.pick(&["", r#","metadata":{"has_next":true,"has_previous":false}"#, r#","metadata":null"#]);
            let body = format!(r#"{{"success":true,"data":[{}]{metadata}}}"#, customers.join(","));
            let fast = agrees(body.as_bytes());
            if !odd {
                // Invalid timestamps and dates are the only other way to leave the fast path.
                prop_assert!(fast || typed(body.as_bytes()).is_none(), "{}", body);
            }
        }
    }
}
