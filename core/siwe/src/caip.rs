//! CAIP-10 account identifiers (`<namespace>:<reference>:<address>`), as
//! OffBlocks uses them in its `chainId` fields, e.g.
//! `eip155:300:0x43158f45b5EbD7b1179130130DF00393928C2691`.
//!
//! The generic CAIP-2/CAIP-10 rules are enforced in full (anchored, unlike
//! OffBlocks' own unanchored regexes):
//!
//! | part      | rule               |
//! |-----------|--------------------|
//! | namespace | `[-a-z0-9]{3,8}`   |
//! | reference | `[-_a-zA-Z0-9]{1,32}` |
//! | address   | `[a-zA-Z0-9]{1,64}` |
//!
//! For the `eip155` namespace the reference must also be a decimal chain id
//! without leading zeros that fits in a `u64`, and the address must be an
//! Ethereum address per [`parse_address`]:
//! `0x` + 40 hex digits, all-lowercase or all-uppercase, or else a valid EIP-55
//! checksum.

use core::fmt;
use core::str::FromStr;

use super::wallet::{AddressError, parse_address};

/// The CAIP-2 namespace of EVM chains.
pub const EIP155: &str = "eip155";

/// A validated CAIP-10 account id. Its [`Display`](fmt::Display) reproduces the
/// parsed text exactly.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId {
    namespace: String,
    reference: String,
    address: String,
}

/// Why a string is not a valid CAIP-10 account id. Messages never repeat the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AccountIdError {
    /// The input is empty.
    #[error("account id is empty")]
    Empty,
    /// Not exactly three `:`-separated parts.
    #[error("account id must have the form namespace:reference:address")]
    Format,
    /// The namespace is not `[-a-z0-9]{3,8}`.
    #[error("account id namespace must be 3 to 8 characters of a-z, 0-9 or '-'")]
    Namespace,
    /// The reference is not `[-_a-zA-Z0-9]{1,32}`.
    #[error("account id reference must be 1 to 32 characters of a-z, A-Z, 0-9, '-' or '_'")]
    Reference,
    /// The address is not `[a-zA-Z0-9]{1,64}`.
    #[error("account id address must be 1 to 64 characters of a-z, A-Z or 0-9")]
    Address,
    /// `eip155` only: the reference is not a decimal `u64` without leading zeros.
    #[error("eip155 reference must be a decimal chain id without leading zeros")]
    ChainId,
    /// `eip155` only: the address is not `0x` followed by 40 hex digits.
    #[error("eip155 address must be 0x followed by 40 hexadecimal digits")]
    EvmAddress,
    /// `eip155` only: mixed-case address that fails the EIP-55 checksum.
    #[error("eip155 address does not match its EIP-55 checksum")]
    Checksum,
}

impl AccountIdError {
    /// Stable snake_case identifier, for programmatic matching across FFI.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Format => "format",
            Self::Namespace => "namespace",
            Self::Reference => "reference",
            Self::Address => "address",
            Self::ChainId => "chain_id",
            Self::EvmAddress => "evm_address",
            Self::Checksum => "checksum",
        }
    }
}

impl AccountId {
    /// Parses and validates a CAIP-10 account id.
    ///
    /// # Errors
    /// The first rule the input breaks, checked in order: emptiness, the
    /// three-part shape, namespace, reference, address, then the `eip155`
    /// chain id, address shape and checksum.
    pub fn parse(text: &str) -> Result<Self, AccountIdError> {
        if text.is_empty() {
            return Err(AccountIdError::Empty);
        }
        let mut parts = text.split(':');
        let (Some(namespace), Some(reference), Some(address), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AccountIdError::Format);
        };
        if !is_charset(namespace, 3, 8, |b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
        }) {
            return Err(AccountIdError::Namespace);
        }
        if !is_charset(reference, 1, 32, |b| {
            b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
        }) {
            return Err(AccountIdError::Reference);
        }
        if !is_charset(address, 1, 64, |b| b.is_ascii_alphanumeric()) {
            return Err(AccountIdError::Address);
        }
        if namespace == EIP155 {
            parse_chain_id(reference).ok_or(AccountIdError::ChainId)?;
            parse_address(address).map_err(|error| match error {
                AddressError::Format => AccountIdError::EvmAddress,
                AddressError::Checksum => AccountIdError::Checksum,
            })?;
        }
        Ok(Self {
            namespace: namespace.to_owned(),
            reference: reference.to_owned(),
            address: address.to_owned(),
        })
    }

    /// The CAIP-2 namespace, e.g. `eip155`.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The CAIP-2 reference, e.g. `300` for zkSync Sepolia.
    #[must_use]
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The account address exactly as given.
    #[must_use]
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The CAIP-2 chain id, `namespace:reference`, e.g. `eip155:300`.
    #[must_use]
    pub fn chain_id(&self) -> String {
        format!("{}:{}", self.namespace, self.reference)
    }

    /// The numeric EIP-155 chain id, or `None` outside the `eip155` namespace.
    #[must_use]
    pub fn evm_chain_id(&self) -> Option<u64> {
        (self.namespace == EIP155)
            .then(|| parse_chain_id(&self.reference))
            .flatten()
    }

    /// The 20 address bytes, or `None` outside the `eip155` namespace.
    #[must_use]
    pub fn evm_address(&self) -> Option<[u8; 20]> {
        (self.namespace == EIP155)
            .then(|| parse_address(&self.address).ok())
            .flatten()
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.namespace, self.reference, self.address)
    }
}

impl FromStr for AccountId {
    type Err = AccountIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for AccountId {
    type Error = AccountIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> Self {
        id.to_string()
    }
}

/// Parses an EIP-155 chain id: ASCII decimal digits, no sign, no leading zero
/// (so every value has exactly one spelling), fitting in a `u64`.
pub(crate) fn parse_chain_id(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

fn is_charset(text: &str, min: usize, max: usize, allowed: impl Fn(u8) -> bool) -> bool {
    (min..=max).contains(&text.len()) && text.bytes().all(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFBLOCKS_EXAMPLE: &str = "eip155:300:0x43158f45b5EbD7b1179130130DF00393928C2691";

    #[test]
    fn parses_and_displays_exactly() {
        let id = AccountId::parse(OFFBLOCKS_EXAMPLE).unwrap();
        assert_eq!(id.namespace(), "eip155");
        assert_eq!(id.reference(), "300");
        assert_eq!(id.address(), "0x43158f45b5EbD7b1179130130DF00393928C2691");
        assert_eq!(id.chain_id(), "eip155:300");
        assert_eq!(id.evm_chain_id(), Some(300));
        assert_eq!(
            id.evm_address()
                .map(|a| super::super::wallet::checksum_address(&a)),
            Some("0x43158f45b5EbD7b1179130130DF00393928C2691".to_owned())
        );
        assert_eq!(id.to_string(), OFFBLOCKS_EXAMPLE);
        assert_eq!(OFFBLOCKS_EXAMPLE.parse::<AccountId>(), Ok(id));
    }

    #[test]
    fn eip55_vectors_inside_account_ids() {
        // EIP-55 test cases (all caps, all lower, normal), cross-checked with
        // eth-utils to_checksum_address (tests/interop/eth-cross-check.py).
        for address in super::super::wallet::tests::EIP55_VECTORS {
            let text = format!("eip155:1:{address}");
            let id = AccountId::parse(&text).unwrap();
            assert_eq!(id.to_string(), text);
            // Lowercase form of any of them is accepted too (no checksum).
            let lower = format!("eip155:1:{}", address.to_ascii_lowercase());
            assert!(AccountId::parse(&lower).is_ok());
        }
    }

    #[test]
    fn other_namespaces_from_offblocks_docs() {
        for text in [
            "starknet:SN_MAIN:0x0123abc",
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv",
            "tron:27Lqcw:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            "cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0",
        ] {
            let id = AccountId::parse(text).unwrap();
            assert_eq!(id.to_string(), text);
            assert_eq!(id.evm_chain_id(), None);
            assert_eq!(id.evm_address(), None);
        }
    }

    #[test]
    fn boundary_lengths() {
        let ok = |s: &str| AccountId::parse(s).map(|id| id.to_string());
        let ref32 = "a".repeat(32);
        let addr64 = "b".repeat(64);
        let max = format!("abcdefgh:{ref32}:{addr64}");
        assert_eq!(ok(&max), Ok(max.clone()));
        assert_eq!(ok("abc:r:a"), Ok("abc:r:a".to_owned()));
        assert_eq!(
            AccountId::parse(&format!("abcdefghi:{ref32}:{addr64}")),
            Err(AccountIdError::Namespace)
        );
        assert_eq!(
            AccountId::parse(&format!("abc:{ref32}a:x")),
            Err(AccountIdError::Reference)
        );
        assert_eq!(
            AccountId::parse(&format!("abc:r:{addr64}b")),
            Err(AccountIdError::Address)
        );
        assert_eq!(
            AccountId::parse(
                "eip155:18446744073709551615:0x52908400098527886E0F7030069857D2E4169EE7"
            )
            .unwrap()
            .evm_chain_id(),
            Some(u64::MAX)
        );
    }

    #[test]
    fn rejects_bad_inputs_with_typed_errors() {
        use AccountIdError as E;
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        let cases: Vec<(String, AccountIdError)> = vec![
            (String::new(), E::Empty),
            ("eip155".into(), E::Format),
            ("eip155:1".into(), E::Format),
            (format!("eip155:1:{good}:extra"), E::Format),
            (format!("eip155:1:{good}:"), E::Format),
            (format!(":eip155:1:{good}"), E::Format),
            ("::".into(), E::Namespace),
            (format!(":1:{good}"), E::Namespace),
            (format!("eip155::{good}"), E::Reference),
            ("eip155:1:".into(), E::Address),
            (format!("EIP155:1:{good}"), E::Namespace),
            (format!("ei:1:{good}"), E::Namespace),
            (format!("eip_155:1:{good}"), E::Namespace),
            (format!("éip155:1:{good}"), E::Namespace),
            (format!("eip155:1.0:{good}"), E::Reference),
            (format!("eip155:１:{good}"), E::Reference),
            (format!("eip155: 1:{good}"), E::Reference),
            (
                "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAé".into(),
                E::Address,
            ),
            (format!("eip155:1:{good} "), E::Address),
            (format!("eip155:1:{good}\n"), E::Address),
            ("eip155:1:0x-5aAeb".into(), E::Address),
            (format!("eip155:01:{good}"), E::ChainId),
            (format!("eip155:00:{good}"), E::ChainId),
            (format!("eip155:-1:{good}"), E::ChainId),
            (format!("eip155:abc:{good}"), E::ChainId),
            (format!("eip155:18446744073709551616:{good}"), E::ChainId),
            (format!("eip155:SN_MAIN:{good}"), E::ChainId),
            (
                "eip155:1:5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
                E::EvmAddress,
            ),
            (
                "eip155:1:0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
                E::EvmAddress,
            ),
            (
                "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe".into(),
                E::EvmAddress,
            ),
            (
                "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0".into(),
                E::EvmAddress,
            ),
            (
                "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg".into(),
                E::EvmAddress,
            ),
            (
                "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD".into(),
                E::Checksum,
            ),
            (
                "eip155:1:0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
                E::Checksum,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(AccountId::parse(&input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn error_messages_never_echo_input_and_codes_are_unique() {
        use AccountIdError as E;
        let all = [
            E::Empty,
            E::Format,
            E::Namespace,
            E::Reference,
            E::Address,
            E::ChainId,
            E::EvmAddress,
            E::Checksum,
        ];
        let secret = "eip155:1:0xSECRETSECRETSECRETSECRETSECRETSECRET00";
        let error = AccountId::parse(secret).unwrap_err();
        assert!(!error.to_string().contains("SECRET"));
        let codes: std::collections::HashSet<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        for e in all {
            assert!(
                e.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn mutated_ids_never_panic_and_accepted_ones_round_trip() {
        let mut rng = super::super::tests::XorShift(0x2545_f491_4f6c_dd1d);
        let mut accepted = 0usize;
        for seed in [
            OFFBLOCKS_EXAMPLE,
            "eip155:1:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv",
        ] {
            for _ in 0..3000 {
                let once = rng.mutate(seed.as_bytes());
                let bytes = rng.mutate(&once);
                let Ok(text) = core::str::from_utf8(&bytes) else {
                    continue;
                };
                if let Ok(id) = AccountId::parse(text) {
                    accepted += 1;
                    assert_eq!(id.to_string(), text);
                }
            }
        }
        assert!(accepted > 100, "only {accepted} mutants parsed");
    }

    #[test]
    fn serde_uses_the_string_form_and_validates() {
        #[derive(serde::Deserialize)]
        struct Wrapper {
            id: AccountId,
        }
        let id = AccountId::parse(OFFBLOCKS_EXAMPLE).unwrap();
        let value: String = id.clone().into();
        assert_eq!(value, OFFBLOCKS_EXAMPLE);
        let parsed: Result<AccountId, _> = AccountId::try_from(value);
        assert_eq!(parsed, Ok(id));
        // Deserialisation goes through the validating parser.
        let de = |s: &str| -> Result<AccountId, String> {
            let w: Wrapper =
                serde::Deserialize::deserialize(serde::de::value::MapDeserializer::<
                    _,
                    serde::de::value::Error,
                >::new([("id", s)].into_iter()))
                .map_err(|e| e.to_string())?;
            Ok(w.id)
        };
        assert!(de(OFFBLOCKS_EXAMPLE).is_ok());
        assert!(de("eip155:01:0x43158f45b5EbD7b1179130130DF00393928C2691").is_err());
    }
}
