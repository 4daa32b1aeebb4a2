//! How provider objects are read: one schema per struct.
//!
//! [`wire_struct!`] declares a provider object once: each field with its name on the provider's
//! wire, its name in the hosts' camelCase JSON, and the [`Read`]er that turns the wire value into
//! the field's type. From that one list come the struct, its tolerant `Deserialize` (unknown
//! members kept in [`Extra`], never dropped), its camelCase `Serialize`, and the [`Schema`] the
//! fast Bloc page reader (`bloc::page_json`) walks, so the typed path and the fast path cannot
//! drift apart: a field added to the struct is added to both.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::json;

/// Every member of a provider object that this version of Clientele does not model, in the
/// order it was sent, each value as its exact JSON text. So a field a provider adds tomorrow is
/// readable today: `customer.extra.get("riskScore")`.
///
/// `Debug` shows the member names only: the values may hold personal data.
#[derive(Clone, Default)]
pub struct Extra(Vec<(String, Box<RawValue>)>);

impl Extra {
    /// The JSON text of member `name`, if it was sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.get())
    }

    /// The members as (name, JSON text), in the order they were sent.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.get()))
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no member was left over.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members as one JSON object text (`{}` when there are none).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Reads a JSON object text (as [`Extra::to_json`] writes it).
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Adds a member; a name sent twice keeps its first place and its last value, as
    /// `JSON.parse` does.
    pub(crate) fn insert(&mut self, name: String, value: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// Removes and returns member `name`.
    pub(crate) fn remove(&mut self, name: &str) -> Option<Box<RawValue>> {
        let at = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(at).1)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((a, x), (b, y))| a == b && x.get() == y.get())
    }
}

impl Eq for Extra {}

impl fmt::Debug for Extra {
    /// The member names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Extra")?;
        f.debug_set()
            .entries(self.0.iter().map(|(k, _)| k.as_str()))
            .finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut extra = Extra::default();
                while let Some(key) = map.next_key::<String>()? {
                    extra.insert(key, map.next_value()?);
                }
                Ok(extra)
            }
        }
        d.deserialize_map(V)
    }
}

/// How the fast page reader reads a member (see `bloc::page_json`).
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// An object of another schema; `null` or missing is `null`, and so is an object with no
    /// member set when `null_if_empty`.
    Object {
        /// The nested object's schema.
        schema: &'static Schema,
        /// Written as `null` when no member is set (`{}` means "no address").
        null_if_empty: bool,
    },
    /// A required string (the id).
    Id,
    /// A string; `null` or missing is `""`.
    Text,
    /// A string; `null`, `""` or missing is `null`.
    NonEmpty,
    /// A string kept as sent, `""` included; `null` or missing is `null`.
    OptText,
    /// A required open enum: the canonical spelling of a known value, else the value.
    Enum(fn(&str) -> Option<&'static str>),
    /// An optional open enum (`null` and `""` are `null`).
    OptEnum(fn(&str) -> Option<&'static str>),
    /// The KYC tier: a string or an integer; `null` or missing is `"0"`.
    Tier,
    /// An optional RFC 3339 timestamp.
    Timestamp,
    /// An optional date sent as a timestamp or `YYYY-MM-DD`.
    Date,
}

/// One member of a schema: its name on the provider's wire, its camelCase key and how it is read.
pub(crate) struct Field {
    /// The member's name as the provider sends it.
    pub wire: &'static str,
    /// `,"camelName":` (the comma is dropped before the first member).
    pub key: &'static str,
    /// How it is read.
    pub kind: Kind,
}

/// The members of a provider object, in the order the model serialises them (then `extra`).
pub(crate) struct Schema {
    /// The modelled members.
    pub fields: &'static [Field],
    /// A small index unique to this schema (the page reader keeps per-schema state in slots).
    pub slot: usize,
}

/// A struct declared with [`wire_struct!`].
pub(crate) trait WireStruct {
    /// Its schema.
    const SCHEMA: Schema;
}

/// Reads one member's wire value into the field's type.
pub(crate) trait Read {
    /// The field's type.
    type Out;
    /// How the fast page reader reads it.
    const KIND: Kind;
    /// Reads the value.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self::Out, D::Error>;
    /// The value of a missing member; `None` when the member is required.
    fn missing() -> Option<Self::Out>;
}

/// An open enum's canonical spellings, for [`Kind::Enum`].
pub(crate) trait Canonical {
    /// The canonical spelling of a known value (matched ignoring ASCII case), if known.
    fn canonical(value: &str) -> Option<&'static str>;
}

/// A required string.
pub(crate) struct Id;
impl Read for Id {
    type Out = String;
    const KIND: Kind = Kind::Id;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        String::deserialize(d)
    }
    fn missing() -> Option<String> {
        None
    }
}

/// A string; `null` or missing is `""`.
pub(crate) struct Text;
impl Read for Text {
    type Out = String;
    const KIND: Kind = Kind::Text;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        json::string_or_null(d)
    }
    fn missing() -> Option<String> {
        Some(String::new())
    }
}

/// A string; `null`, `""` or missing is `None`.
pub(crate) struct NonEmpty;
impl Read for NonEmpty {
    type Out = Option<String>;
    const KIND: Kind = Kind::NonEmpty;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        json::non_empty(d)
    }
    fn missing() -> Option<Option<String>> {
        Some(None)
    }
}

/// A string kept as sent (`""` included); `null` or missing is `None`.
pub(crate) struct OptText;
impl Read for OptText {
    type Out = Option<String>;
    const KIND: Kind = Kind::OptText;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Option::<String>::deserialize(d)
    }
    fn missing() -> Option<Option<String>> {
        Some(None)
    }
}

/// A required open enum.
pub(crate) struct Enum<E>(PhantomData<E>);
impl<E: Canonical + for<'a> Deserialize<'a>> Read for Enum<E> {
    type Out = E;
    const KIND: Kind = Kind::Enum(E::canonical);
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<E, D::Error> {
        E::deserialize(d)
    }
    fn missing() -> Option<E> {
        None
    }
}

/// An optional open enum: `null` and `""` are `None`.
pub(crate) struct OptEnum<E>(PhantomData<E>);
impl<E: Canonical + From<String>> Read for OptEnum<E> {
    type Out = Option<E>;
    const KIND: Kind = Kind::OptEnum(E::canonical);
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<E>, D::Error> {
        Ok(json::non_empty(d)?.map(E::from))
    }
    fn missing() -> Option<Option<E>> {
        Some(None)
    }
}

/// An optional RFC 3339 timestamp (`null`, `""` and Go's zero time are `None`).
pub(crate) struct Timestamp;
impl Read for Timestamp {
    type Out = Option<DateTime<Utc>>;
    const KIND: Kind = Kind::Timestamp;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self::Out, D::Error> {
        json::opt_timestamp(d)
    }
    fn missing() -> Option<Self::Out> {
        Some(None)
    }
}

/// An optional calendar date sent as a timestamp or `YYYY-MM-DD`.
pub(crate) struct Date;
impl Read for Date {
    type Out = Option<NaiveDate>;
    const KIND: Kind = Kind::Date;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self::Out, D::Error> {
        json::opt_date(d)
    }
    fn missing() -> Option<Self::Out> {
        Some(None)
    }
}

/// An optional nested object; `null` or missing is `None`.
pub(crate) struct Nested<T>(PhantomData<T>);
impl<T: WireStruct + for<'a> Deserialize<'a> + 'static> Read for Nested<T> {
    type Out = Option<T>;
    const KIND: Kind = Kind::Object {
        schema: &T::SCHEMA,
        null_if_empty: false,
    };
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        Option::<T>::deserialize(d)
    }
    fn missing() -> Option<Option<T>> {
        Some(None)
    }
}

/// An optional nested object where an object with nothing set (`{}`) also means `None`.
pub(crate) struct NestedOrEmpty<T>(PhantomData<T>);
impl<T: WireStruct + for<'a> Deserialize<'a> + Default + PartialEq + 'static> Read
    for NestedOrEmpty<T>
{
    type Out = Option<T>;
    const KIND: Kind = Kind::Object {
        schema: &T::SCHEMA,
        null_if_empty: true,
    };
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        Ok(Option::<T>::deserialize(d)?.filter(|v| *v != T::default()))
    }
    fn missing() -> Option<Option<T>> {
        Some(None)
    }
}

/// Reads a member's value into its slot; a member sent twice is an error, as serde's derive
/// makes it. One function per reader (not inlined per field) keeps the generated code small.
pub(crate) fn set<'de, R: Read, A: MapAccess<'de>>(
    slot: &mut Option<R::Out>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(Seed::<R>::new())?);
    Ok(())
}

/// A member's value once the object is read: the value sent, else the reader's default for a
/// missing member, else the `missing field` error. One function per reader rather than per
/// field keeps the generated code small.
pub(crate) fn take<R: Read, E: serde::de::Error>(
    value: Option<R::Out>,
    name: &'static str,
) -> Result<R::Out, E> {
    match value {
        Some(v) => Ok(v),
        None => R::missing().ok_or_else(|| E::missing_field(name)),
    }
}

/// Runs a [`Read`]er as a serde seed.
pub(crate) struct Seed<R>(PhantomData<R>);

impl<R> Seed<R> {
    pub(crate) fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<'de, R: Read> DeserializeSeed<'de> for Seed<R> {
    type Value = R::Out;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<R::Out, D::Error> {
        R::read(d)
    }
}

/// A member name, borrowed from the input when it holds no escape.
pub(crate) struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Declares a provider object: the struct (every field plus `extra`), its tolerant
/// `Deserialize` from the provider's wire names, and its [`Schema`]. The struct's own attributes
/// must derive `Serialize` (each field is renamed to its camelCase key; `extra` comes last).
/// Optional `derived` fields are not read from one wire member: they start as `Default` and
/// the `finish` function sets them from the rest (e.g. from `extra`).
///
/// ```ignore
/// wire_struct! {
///     /// Docs.
///     #[derive(Clone, PartialEq, Eq, Serialize)]
///     pub struct Thing (slot 0, "struct Thing") {
///         /// Docs.
///         pub id: String = "id" => "id" as Id,
///     }
/// }
/// ```
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident (slot $slot:literal, $expecting:literal) {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty = $wire:literal => $key:literal as $read:ty,
            )+
        }
        $(
            derived {
                $(
                    $(#[$dmeta:meta])*
                    pub $dfield:ident : $dty:ty => $dkey:literal,
                )+
            }
            finish = $finish:path;
        )?
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $key)]
                pub $field: $ty,
            )+
            $($(
                $(#[$dmeta])*
                #[serde(rename = $dkey)]
                pub $dfield: $dty,
            )+)?
            /// Every member this version does not model, exactly as sent (see
            /// [`Extra`](crate::Extra)).
            #[serde(rename = "extra")]
            #[cfg_attr(feature = "wasm", tsify(type = "Record<string, unknown>"))]
            pub extra: $crate::wire::Extra,
        }

        impl $crate::wire::WireStruct for $name {
            const SCHEMA: $crate::wire::Schema = $crate::wire::Schema {
                fields: &[
                    $(
                        $crate::wire::Field {
                            wire: $wire,
                            key: concat!(",\"", $key, "\":"),
                            kind: <$read as $crate::wire::Read>::KIND,
                        },
                    )+
                ],
                slot: $slot,
            };
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        $( let mut $field: Option<$ty> = None; )+
                        let mut extra = $crate::wire::Extra::default();
                        while let Some(key) = map.next_key::<$crate::wire::Key<'de>>()? {
                            match key.0.as_ref() {
                                $(
                                    $wire => $crate::wire::set::<$read, A>(&mut $field, &mut map, $wire)?,
                                )+
                                _ => extra.insert(key.0.into_owned(), map.next_value()?),
                            }
                        }
                        #[allow(unused_mut)]
                        let mut value = $name {
                            $( $field: $crate::wire::take::<$read, A::Error>($field, $wire)?, )+
                            $($( $dfield: Default::default(), )+)?
                            extra,
                        };
                        $( $finish(&mut value); )?
                        Ok(value)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

pub(crate) use wire_struct;
