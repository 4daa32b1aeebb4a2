//! Ethereum wallet ownership for the OffBlocks provider: the [`clientele_siwe`] crate (Sign-In
//! with Ethereum, EIP-191, EIP-55, CAIP-10, signer recovery), with OffBlocks' defaults. The form
//! check of an account id is [`validate::account_id`](crate::validate::account_id).
//!
//! OffBlocks proves that a customer owns a wallet with a Sign-In with Ethereum (EIP-4361)
//! challenge: the API returns the message base64-encoded, the wallet signs it with EIP-191
//! `personal_sign`, and the signature goes back (see [`Challenge`](super::Challenge)).
//! Customers and accounts name the wallet with a CAIP-10 account id such as `eip155:300:0x…`.

use std::time::Duration;

pub use clientele_siwe::*;

/// How long an OffBlocks ownership challenge stays valid after `Issued At`.
pub const OFFBLOCKS_CHALLENGE_MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// The domains OffBlocks issues challenges for: its live and sandbox API hosts.
pub const OFFBLOCKS_CHALLENGE_DOMAINS: [&str; 2] =
    ["api.offblocks.xyz", "api.sandbox.offblocks.xyz"];
