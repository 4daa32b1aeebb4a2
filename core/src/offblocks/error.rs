//! OffBlocks' own error: the ownership challenge's checks.

use serde::{Deserialize, Serialize};

/// An ownership challenge (Sign-In with Ethereum), or the wallet's signature of it, failed a
/// check. Messages never repeat the challenge or the signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChallengeError {
    /// The customer's account id is not a valid CAIP-10 id.
    #[error("the customer's chainId is not a valid CAIP-10 account id ({reason})")]
    Account {
        /// Which rule it broke.
        reason: String,
    },
    /// Sign-In with Ethereum covers EVM (`eip155`) accounts only.
    #[error("ownership challenges are only defined for eip155 (EVM) accounts")]
    UnsupportedChain,
    /// The challenge is not base64 of a valid Sign-In with Ethereum message.
    #[error("the challenge is not a valid Sign-In with Ethereum message: {reason}")]
    Malformed {
        /// What was wrong.
        reason: String,
    },
    /// The message names another address than the customer's.
    #[error("the challenge names another address than the customer's")]
    AddressMismatch,
    /// The message names another chain than the customer's.
    #[error("the challenge names another chain than the customer's")]
    ChainMismatch,
    /// The challenge has expired (past its Expiration Time, or issued over an hour ago): fetch a new one.
    #[error("the challenge has expired; fetch a new one")]
    Expired,
    /// The challenge is not valid yet (Not Before, or Issued At beyond a small clock skew, is in
    /// the future).
    #[error("the challenge is not valid yet")]
    NotYetValid,
    /// The signature is not 65 bytes of hex, or no key recovers from it.
    #[error("the signature is not a valid 65-byte personal_sign signature")]
    InvalidSignature,
    /// The signature was made by another wallet than the customer's.
    #[error("the challenge was signed by another wallet than the customer's")]
    WrongSigner,
    /// The message asks to sign in to another site than the provider's (domain, scheme or URI).
    #[error("the challenge is for another site")]
    DomainMismatch,
}

impl ChallengeError {
    /// The stable machine code, e.g. `"challenge_wrong_signer"`.
    pub fn code(&self) -> &'static str {
        match self {
            ChallengeError::Account { .. } => "challenge_invalid_account",
            ChallengeError::UnsupportedChain => "challenge_unsupported_chain",
            ChallengeError::Malformed { .. } => "challenge_malformed",
            ChallengeError::AddressMismatch => "challenge_address_mismatch",
            ChallengeError::ChainMismatch => "challenge_chain_mismatch",
            ChallengeError::Expired => "challenge_expired",
            ChallengeError::NotYetValid => "challenge_not_yet_valid",
            ChallengeError::InvalidSignature => "challenge_invalid_signature",
            ChallengeError::WrongSigner => "challenge_wrong_signer",
            ChallengeError::DomainMismatch => "challenge_domain_mismatch",
        }
    }
}
