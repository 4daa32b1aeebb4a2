//! The blockchain ownership challenge: OffBlocks returns a base64 Sign-In with Ethereum
//! (EIP-4361) message on create; the customer's wallet signs it with `personal_sign` (EIP-191);
//! the signature is submitted to move the customer on to screening.
//!
//! Clientele checks everything it can BEFORE anything is submitted: the message parses, asks to
//! sign in to OffBlocks (its domain and URI are one of OffBlocks' hosts, or those given in
//! [`ChallengeOptions`]), names the customer's address (EIP-55) and chain, was issued no later
//! than a small clock skew ahead, is valid for at most an hour and has not expired (`now` passed
//! in), and the signature recovers to the customer's address. A failed submission makes
//! OffBlocks issue a new challenge, so catching mistakes locally saves a round trip.
//!
//! **Assumptions** (OffBlocks' documentation is cut off here): the paths default to
//! `GET /customers/{id}/challenge` and `POST /customers/{id}/challenge/sign` (configurable with
//! [`ChallengePaths`]), by analogy with the documented account endpoints; the body is
//! `{"challenge": <the base64 challenge>, "signature": <base64 of the 0x-prefixed hex
//! signature>, "signer": <the CAIP-10 account>}`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::ChallengeError;
use super::eth::caip::AccountId;
use super::eth::siwe::{self, SiweError, SiweMessage};
use super::eth::{OFFBLOCKS_CHALLENGE_DOMAINS, OFFBLOCKS_CHALLENGE_MAX_AGE, wallet};
use super::{OffBlocks, SigningRequest};
use crate::http::{HttpResponse, Method};
use crate::validate::{IssueCode, Issues};
use crate::{ConfigError, Error};

/// Where the customer challenge endpoints live; `{id}` stands for the customer id.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ChallengePaths {
    /// Fetches a fresh challenge. Default `/customers/{id}/challenge`.
    pub get: String,
    /// Submits the signed challenge. Default `/customers/{id}/challenge/sign`.
    pub sign: String,
}

impl Default for ChallengePaths {
    fn default() -> Self {
        ChallengePaths {
            get: "/customers/{id}/challenge".into(),
            sign: "/customers/{id}/challenge/sign".into(),
        }
    }
}

impl ChallengePaths {
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        for path in [&self.get, &self.sign] {
            let ok = path.starts_with('/')
                && path.matches("{id}").count() == 1
                && !path.contains(['?', '#'])
                && !path.chars().any(|c| c.is_whitespace() || c.is_control());
            if !ok {
                return Err(ConfigError::Path {
                    reason: "a challenge path must start with / and hold {id} exactly once".into(),
                });
            }
        }
        Ok(())
    }

    fn expand(template: &str, customer_id: &str) -> String {
        template.replace("{id}", customer_id)
    }
}

/// What a challenge must satisfy besides naming the customer's account.
///
/// ```
/// use clientele_core::offblocks::ChallengeOptions;
/// let emulator = ChallengeOptions { domains: &["localhost:8080"], ..ChallengeOptions::default() };
/// assert_eq!(emulator.max_age.as_secs(), 3600);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChallengeOptions<'a> {
    /// The domains a challenge may ask to sign in to (ASCII case ignored); its `URI` must be an
    /// `https` URI of the same domain. Default: [`OFFBLOCKS_CHALLENGE_DOMAINS`], OffBlocks' live
    /// and sandbox API hosts.
    pub domains: &'a [&'a str],
    /// The longest a challenge stays valid after `Issued At`, whatever its `Expiration Time`
    /// says. Default: [`OFFBLOCKS_CHALLENGE_MAX_AGE`] (one hour).
    pub max_age: std::time::Duration,
}

impl Default for ChallengeOptions<'_> {
    fn default() -> Self {
        ChallengeOptions {
            domains: &OFFBLOCKS_CHALLENGE_DOMAINS,
            max_age: OFFBLOCKS_CHALLENGE_MAX_AGE,
        }
    }
}

/// A decoded challenge that passed every check against the customer's account and the time.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Challenge {
    /// The challenge exactly as OffBlocks sent it (base64).
    pub encoded: String,
    /// The message text the wallet must sign with `personal_sign`, byte for byte.
    pub message: String,
    /// The parsed Sign-In with Ethereum fields.
    pub fields: SiweMessage,
    /// The EIP-191 digest a wallet signs, `0x`-prefixed hex (for wallets that sign digests).
    pub digest: String,
    /// The customer's CAIP-10 account the challenge was checked against.
    pub account: String,
}

/// The body of a challenge submission.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ChallengeSubmission {
    /// The challenge as received (base64).
    pub challenge: String,
    /// Base64 of the wallet's `0x`-prefixed hex signature.
    pub signature: String,
    /// The signer's CAIP-10 account (the customer's `chainId`).
    pub signer: String,
}

impl Challenge {
    /// Decodes `encoded`, parses the Sign-In with Ethereum message and checks it against
    /// OffBlocks' hosts, the customer's CAIP-10 `chain_id` and `now`: [`Challenge::open_with`]
    /// with the default [`ChallengeOptions`].
    pub fn open(encoded: &str, chain_id: &str, now: DateTime<Utc>) -> Result<Self, Error> {
        Self::open_with(encoded, chain_id, now, &ChallengeOptions::default())
    }

    /// As [`Challenge::open`], with the allowed domains and maximum age of `options`.
    ///
    /// # Errors
    /// `challenge_domain_mismatch` for a message for another site, `challenge_not_yet_valid`
    /// for one issued beyond the clock skew ahead (or before Not Before),
    /// `challenge_expired`, `challenge_malformed` (including an Expiration Time further than
    /// the maximum age after Issued At, or an address not written in its EIP-55 form), and the
    /// account and chain mismatches.
    pub fn open_with(
        encoded: &str,
        chain_id: &str,
        now: DateTime<Utc>,
        options: &ChallengeOptions<'_>,
    ) -> Result<Self, Error> {
        let account = AccountId::parse(chain_id).map_err(|e| ChallengeError::Account {
            reason: e.code().into(),
        })?;
        let (Some(evm_chain), Some(_)) = (account.evm_chain_id(), account.evm_address()) else {
            return Err(ChallengeError::UnsupportedChain.into());
        };
        let (message, fields) = siwe::decode_challenge(encoded)
            .and_then(|(message, fields)| {
                fields.check_origin(options.domains)?;
                fields.check(account.address(), evm_chain, now, options.max_age)?;
                Ok((message, fields))
            })
            .map_err(challenge_error)?;
        let digest = format!(
            "0x{}",
            crate::encoding::hex_lower(&wallet::eip191_digest(message.as_bytes()))
        );
        Ok(Challenge {
            encoded: encoded.to_owned(),
            message,
            fields,
            digest,
            account: chain_id.to_owned(),
        })
    }

    /// Checks the wallet's `personal_sign` signature at `now`: the challenge must still be valid
    /// (a wallet may take minutes; an expired challenge would only be refused by OffBlocks), and
    /// the signature must recover to the customer's address. Returns what to submit.
    pub fn accept_signature_at(
        &self,
        signature_hex: &str,
        now: DateTime<Utc>,
    ) -> Result<ChallengeSubmission, Error> {
        self.accept_signature_with(signature_hex, now, &ChallengeOptions::default())
    }

    /// As [`Challenge::accept_signature_at`], with the maximum age of `options`.
    pub fn accept_signature_with(
        &self,
        signature_hex: &str,
        now: DateTime<Utc>,
        options: &ChallengeOptions<'_>,
    ) -> Result<ChallengeSubmission, Error> {
        self.fields
            .check_time(now, options.max_age)
            .map_err(challenge_error)?;
        self.accept_signature(signature_hex)
    }

    /// Checks the wallet's `personal_sign` signature (65 bytes as hex, with or without `0x`):
    /// it must recover to the customer's address. Returns what to submit. Time is checked only
    /// when the challenge was opened: prefer [`Challenge::accept_signature_at`], which checks it
    /// again at `now`.
    pub fn accept_signature(&self, signature_hex: &str) -> Result<ChallengeSubmission, Error> {
        let signature = wallet::parse_hex_signature(signature_hex)
            .map_err(|_| ChallengeError::InvalidSignature)?;
        let signer = wallet::recover_signer(self.message.as_bytes(), &signature)
            .map_err(|_| ChallengeError::InvalidSignature)?;
        let expected = wallet::parse_address(&self.fields.address)
            .map_err(|_| ChallengeError::InvalidSignature)?;
        if signer != expected {
            return Err(ChallengeError::WrongSigner.into());
        }
        use base64::Engine as _;
        let hex = wallet::format_hex_signature(&signature);
        Ok(ChallengeSubmission {
            challenge: self.encoded.clone(),
            signature: base64::engine::general_purpose::STANDARD.encode(hex.as_bytes()),
            signer: self.account.clone(),
        })
    }
}

fn challenge_error(e: SiweError) -> Error {
    match e {
        SiweError::AddressMismatch => ChallengeError::AddressMismatch,
        SiweError::ChainIdMismatch => ChallengeError::ChainMismatch,
        SiweError::Expired | SiweError::TooOld => ChallengeError::Expired,
        SiweError::NotYetValid | SiweError::IssuedInFuture => ChallengeError::NotYetValid,
        SiweError::DomainMismatch | SiweError::UriMismatch => ChallengeError::DomainMismatch,
        // The stable code, as for `ChallengeError::Account`: the one reason hosts can match on.
        other => ChallengeError::Malformed {
            reason: other.code().into(),
        },
    }
    .into()
}

impl OffBlocks {
    /// `GET` the customer's current challenge (a new one is issued after an hour or a failed
    /// submission). Path: [`ChallengePaths::get`].
    pub fn build_get_challenge(
        &self,
        customer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        super::check_customer_id(customer_id, None)?;
        let path = ChallengePaths::expand(&self.challenge_paths.get, customer_id);
        self.signed(Method::Get, &path, Vec::new(), None, now)
    }

    /// Parses a challenge answer: `{"challenge": "..."}`, a customer holding `challenge`, or a
    /// bare JSON string. Returns the base64 challenge for [`Challenge::open`].
    pub fn parse_challenge(response: &HttpResponse) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Object {
            challenge: String,
        }
        if super::first_byte(&response.body) == Some(b'{') {
            super::decode::<Object>(response, super::Op::Read).map(|o| o.challenge)
        } else {
            super::decode(response, super::Op::Read)
        }
    }

    /// `POST` the signed challenge (from [`Challenge::accept_signature`]). Path:
    /// [`ChallengePaths::sign`].
    pub fn build_submit_challenge(
        &self,
        customer_id: &str,
        submission: &ChallengeSubmission,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningRequest, Error> {
        let mut issues = Issues::default();
        issues.check("customerId", super::uuid(customer_id));
        if submission.challenge.is_empty() {
            issues.add("challenge", IssueCode::Required);
        }
        if submission.signature.is_empty() {
            issues.add("signature", IssueCode::Required);
        }
        issues.check("signer", crate::validate::account_id(&submission.signer));
        issues.check("idempotencyKey", super::uuid(idempotency_key));
        issues.finish()?;
        #[derive(Serialize)]
        struct Body<'a> {
            challenge: &'a str,
            signature: &'a str,
            signer: &'a str,
        }
        let body = super::json_body(&Body {
            challenge: &submission.challenge,
            signature: &submission.signature,
            signer: &submission.signer,
        });
        let path = ChallengePaths::expand(&self.challenge_paths.sign, customer_id);
        self.signed(Method::Post, &path, body, Some(idempotency_key), now)
    }

    /// Parses the submission's answer: the customer when the body holds one.
    pub fn parse_submit_challenge(
        response: &HttpResponse,
    ) -> Result<Option<super::OffBlocksCustomer>, Error> {
        super::check_status(response, super::Op::Other)?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        super::decode(response, super::Op::Other).map(Some)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/offblocks/challenges.json");

    fn valid_case() -> (String, String, DateTime<Utc>, String) {
        let cases: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
        let case = &cases["cases"][0];
        let text = |k: &str| case[k].as_str().unwrap().to_owned();
        let now = DateTime::parse_from_rfc3339(&text("now")).unwrap().to_utc();
        (text("challenge"), text("chainId"), now, text("signature"))
    }

    #[test]
    fn the_domain_is_configurable() {
        let (encoded, chain_id, now, _) = valid_case();
        let live_only = ChallengeOptions {
            domains: &["api.offblocks.xyz"],
            ..ChallengeOptions::default()
        };
        let err = Challenge::open_with(&encoded, &chain_id, now, &live_only).unwrap_err();
        assert_eq!(err.code(), "challenge_domain_mismatch");
        let sandbox = ChallengeOptions {
            domains: &["API.sandbox.offblocks.xyz"],
            ..ChallengeOptions::default()
        };
        assert!(Challenge::open_with(&encoded, &chain_id, now, &sandbox).is_ok());
        assert_eq!(
            ChallengeOptions::default().domains,
            ["api.offblocks.xyz", "api.sandbox.offblocks.xyz"]
        );
    }

    #[test]
    fn accepting_a_signature_checks_the_time_again() {
        let (encoded, chain_id, now, signature) = valid_case();
        let challenge = Challenge::open(&encoded, &chain_id, now).unwrap();
        let submission = challenge.accept_signature_at(&signature, now).unwrap();
        assert_eq!(submission, challenge.accept_signature(&signature).unwrap());
        // The wallet took over an hour: the challenge expired in between.
        let late = now + chrono::TimeDelta::hours(1);
        let err = challenge.accept_signature_at(&signature, late).unwrap_err();
        assert_eq!(err.code(), "challenge_expired");
    }
}
