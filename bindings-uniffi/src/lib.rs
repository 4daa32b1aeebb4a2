//! uniffi glue for the Kotlin and Swift host layers. Thin by design: every behaviour lives in
//! `clientele-core`, whose types carry the uniffi derives (feature `uniffi`); this crate exports
//! the core's operations and maps its errors to the one [`ClienteleError`] hosts see.
//!
//! What crosses the boundary:
//! - **Bloc**: the [`bloc::Bloc`] context with every `build_*`, the `bloc_parse_*` functions,
//!   payload validation, the [`bloc::CustomerPager`] and the webhook functions.
//! - **OffBlocks**: the [`offblocks::OffBlocks`] context whose `build_*` return a
//!   [`offblocks::SigningRequest`] (`signature_base`, `finish` with raw or DER bytes, `sign`),
//!   the `offblocks_parse_*` functions, the ownership challenge, webhooks with classification and
//!   the [`offblocks::OffBlocksWebhookDeduplicator`], and the token refresh helper.
//! - **sig**: keys from PEM or JWK, `Content-Digest`, signature verification.
//! - **client**: the client engine (`BlocCall`, `OffBlocksSession`, `OffBlocksCall`): every
//!   retry, wait, token refresh and re-signing decided by the core; the hosts only perform the
//!   actions it returns.
//!
//! Generated bindings are never committed: `bindings-uniffi/generate.sh` writes them into
//! `target/`.

// The error is lowered by value into a buffer at the FFI boundary; boxing it would only add an
// allocation on the error path.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("clientele_ffi");

// The core's chrono types are uniffi custom types declared in clientele-core; this crate uses
// the core's conversions for them.
use clientele_core::uniffi_types::{CalendarDate, UtcDateTime};
uniffi::use_remote_type!(clientele_core::UtcDateTime);
uniffi::use_remote_type!(clientele_core::CalendarDate);
// So are the enums of clientele-httpsig (`clientele_core::sig`), which has no uniffi machinery
// of its own.
use clientele_core::sig::{Algorithm, DigestAlgorithm, SignatureEncoding};
uniffi::use_remote_type!(clientele_core::Algorithm);
uniffi::use_remote_type!(clientele_core::DigestAlgorithm);
uniffi::use_remote_type!(clientele_core::SignatureEncoding);

pub mod bloc;
pub mod client;
mod error;
pub mod offblocks;
pub mod sig;
pub mod validate;

pub use error::ClienteleError;

/// The result of every fallible call.
pub type Result<T, E = ClienteleError> = std::result::Result<T, E>;

/// The version of the Clientele core compiled into this library.
#[uniffi::export]
pub fn core_version() -> String {
    clientele_core::VERSION.to_owned()
}

/// Declares, for open enums (known values plus `Other(String)`), the two functions hosts need:
/// `<name>_from_wire` (parse a provider value, ignoring ASCII case, unknown values kept) and
/// `<name>_wire_value` (the value as sent on the wire).
macro_rules! open_enum_functions {
    ($($ty:ty => $from:ident, $wire:ident;)+) => {
        $(
            /// The value for a wire text: known values ignoring ASCII case, anything else kept
            /// exactly in `Other`.
            #[uniffi::export]
            pub fn $from(value: &str) -> $ty {
                <$ty>::parse(value)
            }

            /// The value as written on the wire (an `Other` value exactly as received).
            #[uniffi::export]
            pub fn $wire(value: &$ty) -> String {
                value.as_str().to_owned()
            }
        )+
    };
}
pub(crate) use open_enum_functions;

#[cfg(test)]
mod tests {
    #[test]
    fn reports_the_core_version() {
        assert_eq!(super::core_version(), env!("CARGO_PKG_VERSION"));
    }
}
