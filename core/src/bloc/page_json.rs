//! A page of Bloc customers read straight into the camelCase JSON the hosts see, in one pass.
//!
//! [`Bloc::parse_list_customers`](super::Bloc::parse_list_customers) builds a [`Customer`] per
//! entry (about thirty owned strings each) which a binding then writes out again as JSON. For a
//! host that only wants that JSON (the npm package hands it to `JSON.parse`), this module reads
//! Bloc's body with a small strict JSON reader and writes each value in its camelCase place as it
//! goes: no `Customer`, no owned strings, no token objects. A string without escapes is copied as
//! it is (it cannot hold anything JSON escapes); one with escapes is unescaped by serde_json.
//!
//! It is a fast path, not a second parser with its own opinions: it applies the same readers as
//! the typed model (the open enums' spellings, [`json::is_unset`], [`json::parse_timestamp`],
//! [`json::parse_date`], chrono's output format), and it gives up on anything unusual (a
//! duplicate key, a value of the wrong type, `success: false`, a struct sent as an array, a
//! number or string it does not need to read precisely, ...). Giving up falls back to the typed
//! parser, so errors, and every odd input, are exactly the typed path's. Tests hold the two paths
//! byte-for-byte equal on fixtures, on generated customers, on JSON edge cases (numbers, escapes,
//! surrogates, nesting, encodings) and under the fuzzer.
//!
//! [`Customer`]: super::Customer

use std::borrow::Cow;
use std::ops::Range;

use super::{Customer, CustomerAddress, KycTier, SyncData};
use crate::json;
use crate::wire::{Kind, Schema, WireStruct};

/// The customer's schema: the same declaration as [`Customer`] itself.
static CUSTOMER: Schema = Customer::SCHEMA;

/// Slots of per-schema state: one per schema a page holds (customer, address, sync data).
const SLOTS: usize = 3;

/// The most members any schema of a page has.
const MAX_FIELDS: usize = max(
    Customer::SCHEMA.fields.len(),
    max(
        CustomerAddress::SCHEMA.fields.len(),
        SyncData::SCHEMA.fields.len(),
    ),
);

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

// Every schema of a page has a slot of its own.
const _: () = assert!(
    Customer::SCHEMA.slot < SLOTS
        && CustomerAddress::SCHEMA.slot < SLOTS
        && SyncData::SCHEMA.slot < SLOTS
        && Customer::SCHEMA.slot != CustomerAddress::SCHEMA.slot
        && Customer::SCHEMA.slot != SyncData::SCHEMA.slot
        && CustomerAddress::SCHEMA.slot != SyncData::SCHEMA.slot
);

/// Nesting deeper than this gives up (serde_json refuses beyond 128).
const MAX_DEPTH: usize = 100;

/// A page written as the JSON of [`super::CustomerPage`], with what a pager needs to know.
pub(super) struct Page {
    pub json: String,
    pub first_id: Option<String>,
    pub len: usize,
    pub has_next: bool,
}

/// Reads a `GET /customers` body; `None` means "take the typed path".
pub(super) fn page(body: &[u8]) -> Option<Page> {
    // One UTF-8 check of the whole body (fast over ASCII): every string sliced from it later
    // starts and ends at a quote, so it is valid UTF-8 too.
    let text = std::str::from_utf8(body).ok()?;
    let mut r = Reader {
        text,
        pos: 0,
        depth: 0,
        out: Vec::with_capacity(body.len() + body.len() / 8),
        scratch: Vec::with_capacity(2048),
        orders: [[0; MAX_FIELDS]; SLOTS],
        extras: Vec::new(),
        first_id: None,
        len: 0,
        has_next: false,
    };
    r.envelope()?;
    r.ws();
    if r.pos != text.len() {
        return None;
    }
    Some(Page {
        // Everything written is ASCII punctuation, literals and UTF-8 text from `body`.
        json: String::from_utf8(r.out).ok()?,
        first_id: r.first_id,
        len: r.len,
        has_next: r.has_next,
    })
}

/// Per table, the member index found at each position of the last object read. Bloc writes
/// every customer's members in the same order, so the key at position `k` is checked against
/// the member seen at `k` last time before any search.
type Orders = [[usize; MAX_FIELDS]; SLOTS];

/// A string token: the text between the quotes, and whether it holds an escape sequence.
#[derive(Clone, Copy)]
struct Token<'a> {
    raw: &'a str,
    escaped: bool,
}

/// A strict JSON reader over the body that writes the output as it goes. Every `Option`
/// it returns is `None` for "give up": malformed JSON, or anything the fast path leaves to the
/// typed parser.
struct Reader<'a> {
    /// The body, checked as UTF-8 once; read byte by byte through [`Reader::bytes`].
    text: &'a str,
    pos: usize,
    depth: usize,
    /// The page as written so far.
    out: Vec<u8>,
    /// The current customer's values, then the customer (and its nested objects) in order.
    scratch: Vec<u8>,
    orders: Orders,
    /// The unknown members of the objects being read (innermost last): where their key and
    /// value were written in the scratch buffer.
    extras: Vec<(Range<usize>, Range<usize>)>,
    first_id: Option<String>,
    len: usize,
    has_next: bool,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Skips JSON whitespace.
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes().get(self.pos).copied()
    }

    /// Consumes `byte` (after whitespace).
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Consumes the literal `word`.
    fn word(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes().get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// A string token; raw control characters are refused as serde_json refuses them.
    fn token(&mut self) -> Option<Token<'a>> {
        self.eat(b'"')?;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let rest = self.bytes().get(self.pos..)?;
            let stops = |b: &u8| STOPS_STRING.get(usize::from(*b)).copied().unwrap_or(true);
            let n = rest.iter().position(stops)?;
            self.pos += n;
            match rest.get(n)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                _ => return None,
            }
        }
        let raw = self.text.get(start..self.pos)?;
        self.pos += 1;
        Some(Token { raw, escaped })
    }

    /// `{` ... `}` calling `member` for each key (the key and the member's position). For a
    /// `schema`, the key at each position is first checked against the one last seen there.
    fn members(
        &mut self,
        table: Option<&'static Schema>,
        mut member: impl FnMut(&mut Self, &str, usize) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.enter()?;
        if self.peek()? == b'}' {
            self.pos += 1;
            self.depth -= 1;
            return Some(());
        }
        let mut position = 0;
        loop {
            let guess = table.and_then(|t| {
                let seen = self.orders.get(t.slot)?.get(position)?;
                Some(t.fields.get(*seen)?.wire)
            });
            let key = self.key(guess)?;
            self.eat(b':')?;
            member(self, &key, position)?;
            position += 1;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A string, unescaped (escapes are checked by serde_json, as the typed path does); the
    /// flag says it held nothing to escape on output.
    fn string_value(&mut self) -> Option<(Cow<'a, str>, bool)> {
        let token = self.token()?;
        if token.escaped {
            Some((Cow::Owned(self.unescaped(token)?), false))
        } else {
            Some((Cow::Borrowed(token.raw), true))
        }
    }

    /// A member name, unescaped; `guess` (a name without quotes or escapes) is compared in
    /// place before any scanning.
    fn key(&mut self, guess: Option<&'static str>) -> Option<Cow<'a, str>> {
        if let Some(guess) = guess {
            self.ws();
            let end = self.pos + guess.len() + 2;
            if let Some([b'"', name @ .., b'"']) = self.bytes().get(self.pos..end)
                && name == guess.as_bytes()
            {
                self.pos = end;
                return Some(Cow::Borrowed(guess));
            }
        }
        self.string_value().map(|(key, _)| key)
    }

    /// The text of an escaped token, unescaped by serde_json (which checks every escape).
    fn unescaped(&self, token: Token<'_>) -> Option<String> {
        let end = self.pos;
        let start = end.checked_sub(token.raw.len() + 2)?;
        serde_json::from_slice(self.bytes().get(start..end)?).ok()
    }

    /// Any JSON value, checked as strictly as serde_json checks it, and skipped.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string_value().map(|_| ()),
            b'{' => self.members(None, |r, _, _| r.skip()),
            b'[' => {
                self.pos += 1;
                self.enter()?;
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip()?;
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                self.depth -= 1;
                Some(())
            }
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    /// A number in JSON's grammar (serde_json skips an unread number on its grammar alone,
    /// `1e400` included); yields its text.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while let Some(b'0'..=b'9') = r.bytes().get(r.pos) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.bytes().get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let first = self.pos;
        if !digits(self) || (self.bytes().get(first) == Some(&b'0') && self.pos - first > 1) {
            return None;
        }
        if self.bytes().get(self.pos) == Some(&b'.') {
            self.pos += 1;
            digits(self).then_some(())?;
        }
        if let Some(b'e' | b'E') = self.bytes().get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes().get(self.pos) {
                self.pos += 1;
            }
            digits(self).then_some(())?;
        }
        self.text.get(start..self.pos)
    }

    /// `true` or `false`.
    fn boolean(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.word(b"true").map(|()| true),
            b'f' => self.word(b"false").map(|()| false),
            _ => None,
        }
    }

    /// `{"success","data","message","metadata"}` written as
    /// `{"customers":[...],"hasNext":..,"hasPrevious":..}`.
    fn envelope(&mut self) -> Option<()> {
        self.out.extend_from_slice(br#"{"customers":"#);
        let mut seen = [false; 4];
        let (mut has_next, mut has_previous) = (false, false);
        self.members(None, |r, key, _| {
            let index = ["success", "data", "message", "metadata"]
                .iter()
                .position(|k| *k == key);
            let Some(seen) = index.and_then(|i| seen.get_mut(i)) else {
                return r.skip();
            };
            if std::mem::replace(seen, true) {
                return None;
            }
            match (index?, r.peek()?) {
                (_, b'n') => {
                    r.word(b"null")?;
                    if index == Some(1) {
                        r.out.extend_from_slice(b"[]");
                    }
                    Some(())
                }
                // `success: false` is an error answer: the typed path builds it. Bloc types
                // the flag as a string: `"true"` in any case is read like `true`.
                (0, b'"') => {
                    let (text, _) = r.string_value()?;
                    crate::json::parse_flag(&text)?.then_some(())
                }
                (0, _) => r.boolean()?.then_some(()),
                (1, _) => r.list(),
                (2, _) => r.string_value().map(|_| ()),
                _ => {
                    let mut seen = [false; 2];
                    r.members(None, |r, key, _| {
                        let (flag, seen) = match key {
                            "has_next" => (&mut has_next, &mut seen[0]),
                            "has_previous" => (&mut has_previous, &mut seen[1]),
                            _ => return r.skip(),
                        };
                        // A duplicate member is the typed path's to report.
                        (!std::mem::replace(seen, true)).then_some(())?;
                        *flag = r.boolean()?;
                        Some(())
                    })
                }
            }
        })?;
        if !seen.get(1).copied().unwrap_or(false) {
            self.out.extend_from_slice(b"[]");
        }
        let flag = |b: bool| if b { &b"true"[..] } else { b"false" };
        self.has_next = has_next;
        self.out.extend_from_slice(br#","hasNext":"#);
        self.out.extend_from_slice(flag(has_next));
        self.out.extend_from_slice(br#","hasPrevious":"#);
        self.out.extend_from_slice(flag(has_previous));
        self.out.push(b'}');
        Some(())
    }

    /// The customers: `[` customer, ... `]`.
    fn list(&mut self) -> Option<()> {
        self.eat(b'[')?;
        self.enter()?;
        self.out.push(b'[');
        if self.peek()? == b']' {
            self.pos += 1;
        } else {
            loop {
                if self.len > 0 {
                    self.out.push(b',');
                }
                if self.peek()? != b'{' {
                    return None;
                }
                self.scratch.clear();
                let range = self.object(&CUSTOMER, false)?;
                self.out.extend_from_slice(self.scratch.get(range)?);
                self.len += 1;
                match self.peek()? {
                    b',' => self.pos += 1,
                    b']' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        self.out.push(b']');
        Some(())
    }

    /// One value of `kind`, appended to the scratch buffer; yields where it was written.
    fn value(&mut self, kind: Kind) -> Option<Range<usize>> {
        let start = self.scratch.len();
        match (self.peek()?, kind) {
            (b'n', _) => {
                self.word(b"null")?;
                self.scratch.extend_from_slice(unset(kind)?);
            }
            (b'"', _) => {
                let quote = self.pos;
                let (text, plain) = self.string_value()?;
                if matches!(kind, Kind::Id) && self.len == 0 {
                    // The first customer's id, for the pager.
                    self.first_id = Some(text.clone().into_owned());
                }
                let as_sent = matches!(kind, Kind::Id | Kind::Text | Kind::OptText)
                    || matches!(kind, Kind::NonEmpty if !text.is_empty());
                if plain && as_sent {
                    // Written as sent: the token, quotes included, in one copy.
                    self.scratch
                        .extend_from_slice(self.bytes().get(quote..self.pos)?);
                } else {
                    self.text(kind, &text, plain)?;
                }
            }
            (
                b'{',
                Kind::Object {
                    schema,
                    null_if_empty,
                },
            ) => return self.object(schema, null_if_empty),
            // The tier as an integer (`2`), read as serde_json reads it: a u64, or a non-zero
            // i64 (it reads `-0`, fractions, exponents and larger numbers as floats).
            (b'-' | b'0'..=b'9', Kind::Tier) => {
                let number = self.number()?;
                let digits = number.strip_prefix('-').unwrap_or(number);
                if !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let n = if number.starts_with('-') {
                    number.parse::<i64>().ok().filter(|n| *n != 0)?.to_string()
                } else {
                    number.parse::<u64>().ok()?.to_string()
                };
                self.text(kind, &n, true)?;
            }
            _ => return None,
        }
        Some(start..self.scratch.len())
    }

    /// `s` as a JSON string; `plain` when it holds nothing to escape (copied as it is).
    fn string(&mut self, s: &str, plain: bool) -> Option<()> {
        if plain {
            self.scratch.push(b'"');
            self.scratch.extend_from_slice(s.as_bytes());
            self.scratch.push(b'"');
            Some(())
        } else {
            serde_json::to_writer(&mut self.scratch, s).ok()
        }
    }

    /// A string value read as `kind`; `plain` as in [`Reader::string`].
    fn text(&mut self, kind: Kind, s: &str, plain: bool) -> Option<()> {
        match kind {
            Kind::Id | Kind::Text | Kind::OptText => self.string(s, plain),
            Kind::NonEmpty | Kind::OptEnum(_) if s.is_empty() => {
                self.scratch.extend_from_slice(b"null");
                Some(())
            }
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
            Kind::Timestamp | Kind::Date if json::is_unset(s) => {
                self.scratch.extend_from_slice(b"null");
                Some(())
            }
            Kind::Timestamp => {
                let t = json::parse_timestamp(s)?.with_timezone(&chrono::Utc);
                if json::write_timestamp(&mut self.scratch, &t) {
                    return Some(());
                }
                serde_json::to_writer(&mut self.scratch, &t).ok()
            }
            Kind::Date => {
                let d = json::parse_date(s)?;
                if json::write_date(&mut self.scratch, &d) {
                    return Some(());
                }
                serde_json::to_writer(&mut self.scratch, &d).ok()
            }
            _ => None,
        }
    }

    /// An object of `schema`'s members: the values are written to the scratch buffer as they
    /// come, then copied in the model's order after them, then the unknown members as sent
    /// (`extra`); yields where the object is.
    fn object(&mut self, schema: &'static Schema, null_if_empty: bool) -> Option<Range<usize>> {
        let values_start = self.scratch.len();
        let extras_start = self.extras.len();
        let mut slots: [Option<Range<usize>>; MAX_FIELDS] = Default::default();
        self.members(Some(schema), |r, key, position| {
            let seen = r
                .orders
                .get_mut(schema.slot)
                .and_then(|o| o.get_mut(position));
            let hint = seen.as_deref().copied().unwrap_or(0);
            // The key is often the guessed name itself (see `members`): same pointer.
            let index = if schema
                .fields
                .get(hint)
                .is_some_and(|f| std::ptr::eq(f.wire, key) || f.wire == key)
            {
                Some(hint)
            } else {
                schema.fields.iter().position(|f| f.wire == key)
            };
            let Some(index) = index else {
                return r.unknown(key, extras_start);
            };
            if let Some(seen) = seen {
                *seen = index;
            }
            let (field, slot) = (schema.fields.get(index)?, slots.get_mut(index)?);
            if slot.is_some() {
                return None;
            }
            *slot = Some(r.value(field.kind)?);
            Some(())
        })?;
        let start = self.scratch.len();
        let mut any_set = self.extras.len() > extras_start;
        self.scratch
            .reserve(start - values_start + 32 * schema.fields.len() + 16);
        self.scratch.push(b'{');
        for (i, (field, slot)) in schema.fields.iter().zip(&slots).enumerate() {
            let key = field.key.as_bytes();
            self.scratch.extend_from_slice(if i == 0 {
                key.get(1..).unwrap_or(key)
            } else {
                key
            });
            match slot {
                Some(range) => {
                    if null_if_empty {
                        any_set |= self.scratch.get(range.clone()) != Some(b"null");
                    }
                    self.scratch.extend_from_within(range.clone());
                }
                None => self.scratch.extend_from_slice(unset(field.kind)?),
            }
        }
        self.scratch.extend_from_slice(br#","extra":{"#);
        for i in extras_start..self.extras.len() {
            let (key, value) = self.extras.get(i)?.clone();
            if i > extras_start {
                self.scratch.push(b',');
            }
            self.scratch.extend_from_within(key);
            self.scratch.push(b':');
            self.scratch.extend_from_within(value);
        }
        self.extras.truncate(extras_start);
        self.scratch.extend_from_slice(b"}}");
        if null_if_empty && !any_set {
            self.scratch.truncate(start);
            self.scratch.extend_from_slice(b"null");
        }
        Some(start..self.scratch.len())
    }

    /// A member the schema does not model: its key (escaped as serde_json writes it) and its
    /// value exactly as sent go to the scratch buffer, recorded for the object's `extra`. A name
    /// sent twice is the typed path's to answer.
    fn unknown(&mut self, key: &str, extras_start: usize) -> Option<()> {
        let key_start = self.scratch.len();
        self.string(
            key,
            !key.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
        )?;
        let key_range = key_start..self.scratch.len();
        let written = self.scratch.get(key_range.clone())?;
        let repeated = self
            .extras
            .get(extras_start..)?
            .iter()
            .any(|(k, _)| self.scratch.get(k.clone()) == Some(written));
        if repeated {
            return None;
        }
        self.ws();
        let value_start = self.pos;
        self.skip()?;
        let raw = self.bytes().get(value_start..self.pos)?;
        let at = self.scratch.len();
        self.scratch.extend_from_slice(raw);
        self.extras.push((key_range, at..self.scratch.len()));
        Some(())
    }
}

/// The bytes that end a run of plain string content: `"`, `\\` and control characters.
// Indexing in a constant is checked when compiling: it cannot fail at run time.
#[allow(clippy::indexing_slicing)]
static STOPS_STRING: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// What a missing member (or, for the optional kinds, `null`) is written as; `None` when the
/// member is required.
fn unset(kind: Kind) -> Option<&'static [u8]> {
    match kind {
        Kind::Id | Kind::Enum(_) => None,
        Kind::Text => Some(b"\"\""),
        Kind::Tier => Some(b"\"0\""),
        Kind::NonEmpty
        | Kind::OptText
        | Kind::OptEnum(_)
        | Kind::Timestamp
        | Kind::Date
        | Kind::Object { .. } => Some(b"null"),
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
            (r#"{"success":"true","data":[]}"#, true),
            (r#"{"success":"TRUE","data":[]}"#, true),
            (r#"{"success":"False","data":[]}"#, false),
            (r#"{"success":"yes","data":[]}"#, false),
            (r#"{"success":1,"data":[]}"#, false),
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

    /// The reader never accepts what serde_json refuses: numbers, literals, strings, escapes,
    /// nesting, trailing commas, encodings.
    #[test]
    fn as_strict_as_serde_json() {
        let customer = r#""id":"a","customer_type":"x","status":"active","environment":"test""#;
        let mut bodies: Vec<Vec<u8>> = Vec::new();
        for value in [
            "1",
            "-1",
            "0",
            "-0",
            "01",
            "1.",
            ".5",
            "1.5",
            "-",
            "1e400",
            "-1e400",
            "1e-400",
            "1E+2",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1_0",
            "NaN",
            "Infinity",
            "true",
            "tru",
            "nul",
            "null",
            r#""""#,
            r#""\u0041""#,
            r#""\x41""#,
            r#""\ud800""#,
            r#""\ud83d\ude00""#,
            r#""\u00""#,
            "\"a\tb\"",
            r#""\/""#,
            "[1,]",
            "[,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            "{1:2}",
            "[1 2]",
            "\"\u{7f}\"",
        ] {
            for member in ["unknown", "kyc_tier", "first_name", "address"] {
                bodies.push(
                    format!(r#"{{"data":[{{{customer},"{member}":{value}}}]}}"#).into_bytes(),
                );
            }
            bodies.push(
                format!(r#"{{"data":[],"message":{value},"metadata":{{"has_next":{value}}}}}"#)
                    .into_bytes(),
            );
        }
        for depth in [90, 130] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            bodies.push(format!(r#"{{"data":[],"x":{deep}}}"#).into_bytes());
        }
        bodies.push(b"\xef\xbb\xbf{\"data\":[]}".to_vec());
        bodies.push(b"{\"data\":[],\"x\":\"\xff\"}".to_vec());
        bodies.push(b"{\"data\":[],\"x\":\"\xc3\xa9\"}".to_vec());
        bodies.push(b" \t\r\n{\"data\" : [ ] } \n".to_vec());
        bodies.push(b"{\"data\":[]}\x00".to_vec());
        bodies.push(br#"{"data":[],"metadata":{"has_next":true,"has_next":false}}"#.to_vec());
        bodies.push(
            br#"{"d\u0061ta":[{"id":"a","customer_type":"x","status":"active","environment":"test"}]}"#
                .to_vec(),
        );
        // Whatever the typed path accepts here, the reader takes too, but for three things
        // serde_json skips unchecked in a member nobody reads and the reader gives up on (the
        // typed path then answers): a lone surrogate, invalid UTF-8, nesting beyond 100.
        let left: Vec<&[u8]> = bodies
            .iter()
            .filter(|b| !agrees(b) && typed(b).is_some())
            .map(Vec::as_slice)
            .collect();
        assert_eq!(left.len(), 3, "{left:?}");
        assert!(left[0].windows(6).any(|w| w == br"\ud800"));
        assert!(left[1].starts_with(br#"{"data":[],"x":[[["#));
        assert!(std::str::from_utf8(left[2]).is_err());
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
                    Kind::Object { .. } => &["1", "true", "[]", "\"x\""],
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
                Kind::Object { schema, .. } => return object(t, schema),
            },
        };
        (Some(v), false)
    }

    /// An object of `schema`'s members in a shuffled order, with unknown members and duplicates.
    fn object(t: &mut Tape, schema: &Schema) -> (Option<String>, bool) {
        let mut members = Vec::new();
        let mut odd = false;
        for f in schema.fields {
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
        // Unknown members, kept in `extra` exactly as sent (whitespace, escapes, numbers).
        for _ in 0..t.byte() % 3 {
            let member = *t.pick(&[
                r#""unknown":{"nested":[1,"two",null]}"#,
                r#""riskScore": 3.50"#,
                r#""note":"a\"b\u00e9""#,
                r#""k\u0079c":  [ 1 , {"x" : null} ]"#,
                r#""verification":{"url":"https://kyc.example/x"}"#,
                r#""flag":false"#,
            ]);
            // The same unknown name twice: the typed path keeps the last value.
            odd |= members.iter().any(|m| m == member);
            members.push(member.into());
            if t.byte() < 4 {
                // The same unknown name twice: the typed path keeps the last value.
                members.push(member.into());
                odd = true;
            }
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
