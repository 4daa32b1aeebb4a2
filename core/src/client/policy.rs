//! The numbers every client shares: timeouts, retries, waits, token and signature ages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::RetryAfter;

/// How a client times out, retries and refreshes, in the engine's units (milliseconds and
/// seconds). One set of defaults ([`EngineOptions::default`])
/// for every host; hosts present the same names in their own units (milliseconds in JavaScript,
/// `Duration` in Kotlin, `TimeInterval` in Swift).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct EngineOptions {
    /// Time limit of one attempt, from sending to the end of the answer's body; 0 means none.
    /// Default 30,000 ms.
    pub timeout_ms: u32,
    /// Retries after the first attempt; 0 disables retries. Default 2.
    pub max_retries: u32,
    /// The first backoff when the provider gives no `Retry-After`: doubled on each retry, with
    /// jitter (half of it fixed, half random). Default 500 ms.
    pub base_delay_ms: u32,
    /// The longest backoff. Default 8,000 ms.
    pub max_delay_ms: u32,
    /// The longest `Retry-After` waited for; a longer one fails the call with the provider's
    /// error (and its `retryAfter`). Default 60,000 ms.
    pub max_retry_after_ms: u32,
    /// An OffBlocks token is refreshed this long before it expires. Default 60 s.
    pub token_refresh_margin_s: u32,
    /// A retry whose signature is older than this is signed again (same body, digest and
    /// Idempotency-Key; a new `created`). Default 30 s.
    pub resign_after_s: u32,
}

/// The defaults, written once.
pub mod defaults {
    /// [`super::EngineOptions::timeout_ms`].
    pub const TIMEOUT_MS: u32 = 30_000;
    /// [`super::EngineOptions::max_retries`].
    pub const MAX_RETRIES: u32 = 2;
    /// [`super::EngineOptions::base_delay_ms`].
    pub const BASE_DELAY_MS: u32 = 500;
    /// [`super::EngineOptions::max_delay_ms`].
    pub const MAX_DELAY_MS: u32 = 8_000;
    /// [`super::EngineOptions::max_retry_after_ms`].
    pub const MAX_RETRY_AFTER_MS: u32 = 60_000;
    /// [`super::EngineOptions::token_refresh_margin_s`].
    pub const TOKEN_REFRESH_MARGIN_S: u32 = 60;
    /// [`super::EngineOptions::resign_after_s`].
    pub const RESIGN_AFTER_S: u32 = 30;
    /// The oldest webhook signature accepted, in seconds (as Stripe's tolerance).
    pub const WEBHOOK_MAX_AGE_S: u32 = 300;
    /// How many event ids a webhook deduplicator remembers.
    pub const WEBHOOK_DEDUPE_CAPACITY: u32 = 10_000;
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            timeout_ms: defaults::TIMEOUT_MS,
            max_retries: defaults::MAX_RETRIES,
            base_delay_ms: defaults::BASE_DELAY_MS,
            max_delay_ms: defaults::MAX_DELAY_MS,
            max_retry_after_ms: defaults::MAX_RETRY_AFTER_MS,
            token_refresh_margin_s: defaults::TOKEN_REFRESH_MARGIN_S,
            resign_after_s: defaults::RESIGN_AFTER_S,
        }
    }
}

/// Every default a host shows (the client options, and the webhook defaults), for hosts that
/// present them (`Defaults` in Kotlin and Swift, `DEFAULTS` in JavaScript).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Defaults {
    /// The client options' defaults.
    pub client: EngineOptions,
    /// The oldest webhook signature accepted, in seconds.
    pub webhook_max_age_s: u32,
    /// How many event ids a webhook deduplicator remembers.
    pub webhook_dedupe_capacity: u32,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            client: EngineOptions::default(),
            webhook_max_age_s: defaults::WEBHOOK_MAX_AGE_S,
            webhook_dedupe_capacity: defaults::WEBHOOK_DEDUPE_CAPACITY,
        }
    }
}

/// Options of one call, overriding the client's.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct CallOptions {
    /// Overrides [`EngineOptions::timeout_ms`].
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub timeout_ms: Option<u32>,
    /// Overrides [`EngineOptions::max_retries`].
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub max_retries: Option<u32>,
}

impl EngineOptions {
    /// These options with a call's overrides.
    pub fn with(mut self, call: CallOptions) -> Self {
        if let Some(ms) = call.timeout_ms {
            self.timeout_ms = ms;
        }
        if let Some(n) = call.max_retries {
            self.max_retries = n;
        }
        self
    }

    /// The backoff before retry number `retry` (0-based): `base_delay_ms` doubled per retry up
    /// to `max_delay_ms`, half of it fixed and half scaled by `jitter` (a random value in
    /// `[0, 1)` from the host; anything else is clamped).
    pub fn backoff_ms(&self, retry: u32, jitter: f64) -> u64 {
        let exp = u64::from(self.base_delay_ms)
            .saturating_mul(1u64.checked_shl(retry.min(32)).unwrap_or(u64::MAX))
            .min(u64::from(self.max_delay_ms));
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // `exp` is at most u32::MAX, so the product is exact in f64 and fits u64.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let random = (exp as f64 / 2.0 * jitter) as u64;
        exp / 2 + random
    }

    /// How long to wait before retry number `retry`: exactly what `Retry-After` says when the
    /// provider sent it (seconds or an HTTP-date, measured from `now`), else the backoff. `None`
    /// when `Retry-After` asks for longer than `max_retry_after_ms`: the caller should fail.
    pub fn wait_ms(
        &self,
        retry: u32,
        jitter: f64,
        retry_after: Option<RetryAfter>,
        now: DateTime<Utc>,
    ) -> Option<u64> {
        match retry_after {
            Some(after) => {
                let ms = match after {
                    RetryAfter::Seconds(s) => s.saturating_mul(1000),
                    RetryAfter::At(at) => u64::try_from((at - now).num_milliseconds()).unwrap_or(0),
                };
                (ms <= u64::from(self.max_retry_after_ms)).then_some(ms)
            }
            None => Some(self.backoff_ms(retry, jitter)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let o = EngineOptions::default();
        assert_eq!(o.backoff_ms(0, 0.0), 250);
        assert_eq!(o.backoff_ms(0, 1.0), 500);
        assert_eq!(o.backoff_ms(0, 0.5), 375);
        assert_eq!(o.backoff_ms(1, 0.0), 500);
        assert_eq!(o.backoff_ms(3, 1.0), 4000);
        assert_eq!(o.backoff_ms(4, 1.0), 8000);
        assert_eq!(o.backoff_ms(40, 1.0), 8000);
        assert_eq!(o.backoff_ms(0, f64::NAN), 250);
        assert_eq!(o.backoff_ms(0, 7.0), 500);
    }

    #[test]
    fn retry_after_is_waited_exactly_up_to_the_cap() {
        let o = EngineOptions::default();
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(
            o.wait_ms(0, 0.3, Some(RetryAfter::Seconds(2)), now),
            Some(2000)
        );
        assert_eq!(
            o.wait_ms(0, 0.3, Some(RetryAfter::Seconds(60)), now),
            Some(60_000)
        );
        assert_eq!(o.wait_ms(0, 0.3, Some(RetryAfter::Seconds(61)), now), None);
        let at = now + chrono::Duration::milliseconds(4500);
        assert_eq!(o.wait_ms(0, 0.3, Some(RetryAfter::At(at)), now), Some(4500));
        let past = now - chrono::Duration::seconds(5);
        assert_eq!(o.wait_ms(0, 0.3, Some(RetryAfter::At(past)), now), Some(0));
        assert_eq!(o.wait_ms(1, 0.0, None, now), Some(500));
    }
}
