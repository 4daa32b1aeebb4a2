//! wasm-bindgen glue for the npm package `clientele`. Thin by design: every behaviour lives in
//! `clientele-core`; this crate only converts values across the JS boundary (JSON text in and
//! out, bytes for bodies, tsify-generated TypeScript types) and turns every error into one
//! `ClienteleError`.
//!
//! Its exports come in three groups, one cargo feature each, and the features are additive. The
//! `main` feature (the default) holds what a page needs: validation, request building, parsing,
//! paging, Content-Digest, signature bases, Bloc webhooks. `keys` holds everything that takes a
//! key (see `src/keys.rs`); `client` the client engine behind `BlocClient` and `OffBlocksClient`
//! (see `src/client.rs`). The npm package builds each group as its own module
//! (`--no-default-features --features <one>`: `clientele_wasm`, `clientele_keys`,
//! `clientele_client`) and loads the last two only when they are used.

#[cfg(feature = "main")]
pub mod bloc;
#[cfg(feature = "client")]
pub mod client;
pub mod convert;
#[cfg(feature = "keys")]
pub mod keys;
#[cfg(feature = "main")]
pub mod offblocks;
#[cfg(feature = "main")]
pub mod sig;

use wasm_bindgen::prelude::wasm_bindgen;

/// The version of the Clientele core compiled into this module.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    clientele_core::VERSION.to_owned()
}

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPES: &str = r#"
/** Every error Clientele throws: a real `Error` whose `name` is `"ClienteleError"`. */
export interface ClienteleErrorFields {
  name: "ClienteleError";
  /** Stable machine code: `validation_failed`, `unauthorized`, `rate_limited`, `invalid_argument`, ... */
  code: string;
  /** HTTP status for API and decoding errors, else `null`. */
  status: number | null;
  /** Field issues of a validation error (empty otherwise). */
  issues: Issue[];
  /** Whether resending the same request is safe and may succeed. */
  retryable: boolean;
  provider?: Provider;
  providerMessage?: string | null;
  requestId?: string | null;
  retryAfter?: RetryAfter | null;
  /** JSON path of a decoding error. */
  path?: string;
}
"#;
