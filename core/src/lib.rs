//! # clientele-core
//!
//! The customer layer of a banking-as-a-service integration, written once and used from every
//! host (the npm package, Kotlin and Swift). It models the customer types of each provider,
//! validates create and update payloads, builds requests and parses responses and webhooks —
//! and performs no I/O at all.
//!
//! ## The sans-IO contract
//! Every operation is two pure steps. **Build**: typed input and a context (base URL,
//! credentials, and where needed today's date) become an [`http::HttpRequest`], which the host
//! sends with its own transport. **Parse**: the [`http::HttpResponse`] the host received becomes
//! a typed value or a typed [`Error`]. Time, randomness and keys come in as arguments; the core
//! never reads a clock, an RNG or the network, so it runs unchanged in wasm and on mobile.
//!
//! ```
//! use clientele_core::bloc::{Bloc, CustomerCreateRequest, CustomerType};
//! use clientele_core::http::HttpResponse;
//!
//! let bloc = Bloc::new("sk_test_0123456789abcdef")?;
//! let payload = CustomerCreateRequest {
//!     email: "ada@example.com".into(),
//!     phone_number: "08012345678".into(),
//!     first_name: "Ada".into(),
//!     last_name: "Obi".into(),
//!     customer_type: CustomerType::Personal,
//!     bvn: "22222222222".into(),
//! };
//! let request = bloc.build_create_customer(&payload)?; // send it with any HTTP client
//! # let _ = request;
//! let response = HttpResponse::new(200, vec![], r#"{"success":true,"message":"Customer added successfully",
//!   "data":{"id":"64105f5d7f1b4b36103f870e","customer_type":"Personal","status":"active",
//!   "environment":"test","kyc_tier":"0","updated_at":"0001-01-01T00:00:00Z"}}"#);
//! let customer = Bloc::parse_create_customer(&response)?;
//! assert_eq!(customer.id, "64105f5d7f1b4b36103f870e");
//! assert_eq!(customer.updated_at, None); // Go's zero time means "unset"
//! # Ok::<(), clientele_core::Error>(())
//! ```
//!
//! ## Modules
//! - [`http`]: the request/response descriptions (the sans-IO boundary).
//! - [`bloc`]: Bloc customers, KYC upgrades, paging and webhooks.
//! - [`client`]: the client engine: retries, waits, tokens and re-signing, decided once for every
//!   host.
//! - [`offblocks`]: OffBlocks customers: signed requests, idempotency, the ownership challenge,
//!   webhooks.
//! - [`sig`]: RFC 9530 Content-Digest and RFC 9421 HTTP Message Signatures (provider-neutral):
//!   the [`clientele_httpsig`] crate, which the core's [`http`] types plug into.
//! - [`validate`]: field checks and the issue type every validation error carries.
//! - [`error`]: the error types.

pub mod bloc;
pub mod client;
mod config;
mod encoding;
pub mod error;
pub mod http;
mod http_sig;
pub mod json;
pub mod offblocks;
mod open_enum;
mod pii;
mod provider;

/// Entry points for the fuzz targets (`core/fuzz`) into code that is otherwise private. Not part
/// of the API: no stability promise.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::pii::{RedactedBody, is_id, scrub_text};
}
pub use clientele_httpsig as sig;
#[cfg(feature = "uniffi")]
pub mod uniffi_types;
pub mod validate;
mod webhook;
mod wire;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("clientele_core");

pub use config::{ConfigError, CredentialsError};
pub use error::{ERROR_CODES, Error, ErrorKind, kind_of_code};
pub use http::{ApiError, ApiErrorKind, RetryAfter, TransportError, TransportFailure};
pub use json::DecodeError;
pub use offblocks::ChallengeError;
pub use provider::Provider;
pub use validate::{Issue, IssueCode, ValidationError};
pub use webhook::WebhookError;
pub use wire::Extra;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The README's Rust quickstart, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
