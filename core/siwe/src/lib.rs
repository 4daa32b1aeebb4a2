//! # clientele-siwe
//!
//! Sign-In with Ethereum (EIP-4361) and the Ethereum primitives around it, sans-IO: a wallet
//! proves it owns an address by signing a SIWE message with EIP-191 `personal_sign`, and whoever
//! receives the signature recovers the signer from the exact text. Accounts are named with
//! CAIP-10 account ids such as `eip155:300:0x…`.
//!
//! - [`caip`]: CAIP-10 [`AccountId`] parsing with EIP-55 checks for `eip155`.
//! - [`wallet`]: Keccak-256, EIP-55 addresses, EIP-191 digests, signer
//!   recovery, and deterministic signing for tests and emulators.
//! - [`siwe`]: strict EIP-4361 [`SiweMessage`] parsing, exact re-rendering,
//!   [`decode_challenge`], and pre-signing checks.
//! - [`hex`]: hex as the rest writes it.
//!
//! ## Sans-IO
//! No network, no clock (callers pass `now`), no randomness, and no input can make it panic.
//! Errors ([`SiweError`], [`AccountIdError`], [`AddressError`], [`WalletError`]) name a field or
//! a rule, never the input, and each has a stable `code()`.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//!
//! use base64::Engine as _;
//! use chrono::{TimeZone, Utc};
//! use clientele_siwe::{AccountId, decode_challenge, recover_signer, sign_personal_message};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The customer's wallet, as a CAIP-10 account id.
//! let account: AccountId = "eip155:300:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23".parse()?;
//! let chain_id = account.evm_chain_id().ok_or("not an EVM account")?;
//!
//! // A challenge as a relying party sends it, base64-encoded (built here for the example).
//! let challenge = base64::engine::general_purpose::STANDARD.encode(
//!     "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\
//!      0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\n\n\
//!      OffBlocks wants to verify ownership of your wallet.\n\n\
//!      URI: https://api.sandbox.offblocks.xyz\n\
//!      Version: 1\n\
//!      Chain ID: 300\n\
//!      Nonce: 5ufoiEqDaFvmfo78\n\
//!      Issued At: 2024-01-17T18:21:53Z",
//! );
//! let (text, message) = decode_challenge(&challenge)?;
//!
//! // Before signing: the right site, wallet and chain, and not stale (the caller's clock).
//! message.check_origin(&["api.sandbox.offblocks.xyz"])?;
//! let now = Utc.with_ymd_and_hms(2024, 1, 17, 18, 30, 0).single().ok_or("bad time")?;
//! message.check(account.address(), chain_id, now, Duration::from_secs(60 * 60))?;
//!
//! // A real user signs `text` in their wallet; a test key stands in here.
//! let test_key: [u8; 32] = [
//!     0x4c, 0x08, 0x83, 0xa6, 0x91, 0x02, 0x93, 0x7d, 0x62, 0x31, 0x47, 0x1b, 0x5d, 0xbb,
//!     0x62, 0x04, 0xfe, 0x51, 0x29, 0x61, 0x70, 0x82, 0x79, 0x2a, 0xe4, 0x68, 0xd0, 0x1a,
//!     0x3f, 0x36, 0x23, 0x18,
//! ];
//! let signature = sign_personal_message(&test_key, text.as_bytes())?;
//!
//! // Whoever receives the signature can recover the signer from the exact text.
//! let signer = recover_signer(text.as_bytes(), &signature)?;
//! assert_eq!(Some(signer), account.evm_address());
//! # Ok(())
//! # }
//! ```

pub mod caip;
pub mod hex;
pub mod siwe;
pub mod wallet;

pub use caip::{AccountId, AccountIdError};
pub use siwe::{
    MAX_ISSUED_AT_SKEW, MAX_MESSAGE_LEN, SiweError, SiweField, SiweMessage, SiweVersion, Timestamp,
    decode_challenge,
};
pub use wallet::{
    AddressError, SIGNATURE_LEN, WalletError, address_of, checksum_address, eip191_digest,
    format_hex_signature, keccak256, parse_address, parse_hex_signature, recover_signer,
    sign_personal_message,
};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use std::time::Duration;

    /// Deterministic xorshift64, so mutation tests need no RNG dependency.
    pub(crate) struct XorShift(pub(crate) u64);

    impl XorShift {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(crate) fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
        }

        /// One random edit: insert, delete or replace a byte (biased towards
        /// grammar-relevant bytes), or delete, duplicate or swap a line.
        pub(crate) fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
            const INTERESTING: &[u8] = b"\n\r :/-.0aZz@[]%#?_~\t\"\xc3\xa9\x00\xff";
            let mut bytes = input.to_vec();
            let at = self.below(bytes.len() + 1);
            let byte = if self.next().is_multiple_of(2) {
                INTERESTING[self.below(INTERESTING.len())]
            } else {
                u8::try_from(self.next() & 0xff).unwrap()
            };
            match self.below(6) {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                2 if at < bytes.len() => bytes[at] = byte,
                op => {
                    let mut lines: Vec<Vec<u8>> =
                        bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                    let (i, j) = (self.below(lines.len()), self.below(lines.len()));
                    match op {
                        3 => {
                            lines.remove(i);
                        }
                        4 => {
                            let line = lines[i].clone();
                            lines.insert(j, line);
                        }
                        _ => lines.swap(i, j),
                    }
                    bytes = lines.join(&b'\n');
                }
            }
            bytes
        }
    }

    /// The web3.js docs test key.
    const KEY: [u8; 32] = [
        0x4c, 0x08, 0x83, 0xa6, 0x91, 0x02, 0x93, 0x7d, 0x62, 0x31, 0x47, 0x1b, 0x5d, 0xbb, 0x62,
        0x04, 0xfe, 0x51, 0x29, 0x61, 0x70, 0x82, 0x79, 0x2a, 0xe4, 0x68, 0xd0, 0x1a, 0x3f, 0x36,
        0x23, 0x18,
    ];

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// A SIWE message built for the key's own address, signed, recovered.
    #[test]
    fn siwe_sign_recover_round_trip() {
        let address = address_of(&KEY).unwrap();
        let message = SiweMessage {
            scheme: Some("https".into()),
            domain: "api.sandbox.offblocks.xyz".into(),
            address: checksum_address(&address),
            statement: Some("OffBlocks wants to verify ownership of your wallet.".into()),
            uri: "https://api.sandbox.offblocks.xyz".into(),
            version: SiweVersion::V1,
            chain_id: 300,
            nonce: "5ufoiEqDaFvmfo78".into(),
            issued_at: utc("2024-01-17T18:21:53Z").into(),
            expiration_time: Some(utc("2024-01-17T19:21:53Z").into()),
            not_before: None,
            request_id: Some("customer-1".into()),
            resources: vec!["https://api.sandbox.offblocks.xyz/customers/1".into()],
        };
        message.validate().unwrap();
        let text = message.to_string();

        let signature = sign_personal_message(&KEY, text.as_bytes()).unwrap();
        let signer = recover_signer(text.as_bytes(), &signature).unwrap();
        assert_eq!(signer, address);
        assert_eq!(parse_address(&message.address), Ok(signer));
        let account = AccountId::parse(&format!("eip155:300:{}", message.address)).unwrap();
        assert_eq!(account.evm_address(), Some(signer));
        message
            .check(
                account.address(),
                300,
                utc("2024-01-17T18:30:00Z"),
                Duration::from_secs(60 * 60),
            )
            .unwrap();

        // Any change to the signed text changes the recovered signer.
        for tampered in [
            text.replace("Chain ID: 300", "Chain ID: 324"),
            text.replace("5ufoiEqDaFvmfo78", "5ufoiEqDaFvmfo79"),
            text.replace("19:21:53Z", "23:21:53Z"),
            format!("{text}\n"),
        ] {
            assert_ne!(tampered, text);
            let other = recover_signer(tampered.as_bytes(), &signature).unwrap();
            assert_ne!(other, address);
        }
    }

    /// The OffBlocks docs message re-addressed to the test key, signed by
    /// eth-account 0.14.0 in Python (tests/interop/eth-cross-check.py).
    #[test]
    fn siwe_signature_matches_eth_account() {
        let text = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:
0x2c7536E3605D9C16a7a3D7b1898e529396a65c23

OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy

URI: https://api.sandbox.offblocks.xyz
Version: 1
Chain ID: 300
Nonce: 5ufoiEqDaFvmfo78
Issued At: 2024-01-17T18:21:53Z";
        let expected = "0x2b523aa28ee46b07f54ab0d4d46f1243e4f346cfad126b27a2cb13d60dc4ae8240baf41e5a9009e465a6cd6fe11801e3711571dba817a22725b014f739aa6a0f1b";

        use base64::Engine as _;
        let challenge = base64::engine::general_purpose::STANDARD.encode(text);
        let (decoded, message) = decode_challenge(&challenge).unwrap();
        assert_eq!(decoded, text);

        let signature = sign_personal_message(&KEY, decoded.as_bytes()).unwrap();
        assert_eq!(format_hex_signature(&signature), expected);
        let parsed = parse_hex_signature(expected).unwrap();
        let signer = recover_signer(decoded.as_bytes(), &parsed).unwrap();
        assert_eq!(checksum_address(&signer), message.address);
    }

    #[test]
    fn random_signatures_never_panic() {
        let mut rng = XorShift(0xd1b5_4a32_d192_ed03);
        let address = address_of(&KEY).unwrap();
        for _ in 0..300 {
            let mut signature = [0u8; SIGNATURE_LEN];
            for byte in &mut signature {
                *byte = u8::try_from(rng.next() & 0xff).unwrap();
            }
            signature[64] = [0, 1, 27, 28][rng.below(4)];
            // Random r, s: some are out of range or off the curve; none panic,
            // and none recover to the test key.
            if let Ok(signer) = recover_signer(b"message", &signature) {
                assert_ne!(signer, address);
            }
            let hex = format_hex_signature(&signature);
            assert_eq!(parse_hex_signature(&hex), Ok(signature));
            let mutated = rng.mutate(hex.as_bytes());
            if let Ok(text) = core::str::from_utf8(&mutated) {
                let _ = parse_hex_signature(text);
            }
        }
        for length in [0, 1, 32, 64, 66, 130] {
            assert_eq!(
                recover_signer(b"message", &vec![27u8; length]),
                Err(WalletError::Length)
            );
        }
    }
}
