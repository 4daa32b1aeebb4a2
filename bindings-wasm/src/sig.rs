//! RFC 9530 Content-Digest for JS (no key needed). Everything that takes a key is in the keys
//! module (`keys.rs`).

use clientele_core::sig;
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, OrThrow, input, output};

/// The `Content-Digest` value for `body` (`"sha-256"` or `"sha-512"`).
#[wasm_bindgen(js_name = contentDigest)]
pub fn content_digest(body: &[u8], algorithm: &str) -> JsResult<String> {
    Ok(sig::content_digest(body, input(algorithm, "algorithm")?))
}

/// Checks a `Content-Digest` value against `body`; returns the algorithm checked.
#[wasm_bindgen(js_name = verifyContentDigest)]
pub fn verify_content_digest(header: &str, body: &[u8]) -> JsResult<String> {
    output(&sig::verify_content_digest(header, body).or_throw()?)
}
