//! Ethereum wallet ownership for the OffBlocks provider: the [`clientele_siwe`] crate (Sign-In
//! with Ethereum, EIP-191, EIP-55, CAIP-10, signer recovery), with OffBlocks' defaults and the
//! form check of an account id.
//!
//! OffBlocks proves that a customer owns a wallet with a Sign-In with Ethereum (EIP-4361)
//! challenge: the API returns the message base64-encoded, the wallet signs it with EIP-191
//! `personal_sign`, and the signature goes back (see [`Challenge`](super::Challenge)).
//! Customers and accounts name the wallet with a CAIP-10 account id such as `eip155:300:0x…`.

use std::time::Duration;

pub use clientele_siwe::*;

use crate::validate::IssueCode;

/// How long an OffBlocks ownership challenge stays valid after `Issued At`.
pub const OFFBLOCKS_CHALLENGE_MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// The domains OffBlocks issues challenges for: its live and sandbox API hosts.
pub const OFFBLOCKS_CHALLENGE_DOMAINS: [&str; 2] =
    ["api.offblocks.xyz", "api.sandbox.offblocks.xyz"];

/// Checks a CAIP-10 account id for a form field: `Required` when empty, `InvalidChecksum` for a
/// mixed-case EVM address that fails EIP-55 (usually a typo), `InvalidFormat` otherwise.
pub fn check_account_id(value: &str) -> Result<(), IssueCode> {
    AccountId::parse(value).map(drop).map_err(|e| match e {
        AccountIdError::Empty => IssueCode::Required,
        AccountIdError::Checksum => IssueCode::InvalidChecksum,
        _ => IssueCode::InvalidFormat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_map_to_issue_codes() {
        let ok = "eip155:300:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
        assert_eq!(check_account_id(ok), Ok(()));
        assert_eq!(check_account_id(""), Err(IssueCode::Required));
        let typo = ok.replace("c23", "C23");
        assert_eq!(check_account_id(&typo), Err(IssueCode::InvalidChecksum));
        assert_eq!(
            check_account_id("eip155:300"),
            Err(IssueCode::InvalidFormat)
        );
    }
}
