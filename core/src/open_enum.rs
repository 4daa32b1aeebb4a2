//! Open enums: string values a provider may extend. Known values get a variant; anything else is
//! kept verbatim in `Other(String)`, so a new value never breaks parsing of a whole list.

/// Declares an open string enum. Each known variant names its canonical wire value and any
/// aliases; parsing ignores ASCII case; serialisation writes the canonical value (or the `Other`
/// value as received).
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of Clientele does not know, kept exactly as received.
            Other(String),
        }

        impl $name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(value) => value,
                }
            }

            /// The known variant for `value` (ignoring ASCII case), if any.
            fn known(value: &str) -> Option<Self> {
                $(
                    if value.eq_ignore_ascii_case($wire) $(|| value.eq_ignore_ascii_case($alias))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// The canonical spelling of a known value (matched ignoring ASCII case), if known.
            #[allow(dead_code)]
            pub(crate) fn canonical(value: &str) -> Option<&'static str> {
                match Self::known(value)? {
                    $( $name::$variant => Some($wire), )+
                    $name::Other(_) => None,
                }
            }

            /// Parses a wire value: known values ignoring ASCII case, anything else as `Other`.
            pub fn parse(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| $name::Other(value.to_owned()))
            }

            /// Whether this is a value this version of Clientele knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl crate::wire::Canonical for $name {
            fn canonical(value: &str) -> Option<&'static str> {
                $name::canonical(value)
            }
        }

        impl Default for $name {
            /// Unset: an empty `Other`, which validation reports as `required` (a payload with
            /// the member missing reads as this).
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::parse(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::known(&value).unwrap_or($name::Other(value))
            }
        }

        // In TypeScript: the known values as a union, open to any other string.
        #[cfg(feature = "wasm")]
        const _: () = {
            #[::wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TS_TYPE: &'static str = concat!(
                "export type ", stringify!($name), " = ",
                $( "\"", $wire, "\" | ", )+
                "(string & {});"
            );
        };

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::parse(v))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    open_enum! {
        /// A test enum.
        pub enum Colour {
            /// Red.
            Red = "red" | "rouge",
            /// Blue.
            Blue = "Blue",
        }
    }

    #[test]
    fn known_values_ignore_case_and_unknown_values_are_kept() {
        assert_eq!(Colour::parse("RED"), Colour::Red);
        assert_eq!(Colour::parse("Rouge"), Colour::Red);
        assert_eq!(Colour::parse("blue").as_str(), "Blue");
        assert_eq!(Colour::parse("Teal"), Colour::Other("Teal".into()));
        assert!(!Colour::parse("Teal").is_known());
        let parsed: Vec<Colour> = serde_json::from_str(r#"["red","Green"]"#).unwrap();
        assert_eq!(parsed, [Colour::Red, Colour::Other("Green".into())]);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["red","Green"]"#
        );
        assert!(serde_json::from_str::<Colour>("1").is_err());
    }
}
