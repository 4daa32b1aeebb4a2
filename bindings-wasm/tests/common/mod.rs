//! Helpers shared by the wasm-bindgen-test suites of the two modules.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use base64::Engine as _;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

/// The fixture containment check, shared with the core's Rust suites.
#[path = "../../../core/tests/common/subset.rs"]
pub mod subset;

/// The OffBlocks request fixtures (both modules' suites use them).
pub const OFFBLOCKS_REQUESTS: &str =
    include_str!("../../../tests/fixtures/offblocks/requests.json");
/// The ownership challenge fixtures.
pub const OFFBLOCKS_CHALLENGES: &str =
    include_str!("../../../tests/fixtures/offblocks/challenges.json");

pub fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

/// The thrown value's code, after checking it is a real Error named ClienteleError.
pub fn code(err: &JsValue) -> String {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    assert_eq!(
        prop(err, "name").as_string().as_deref(),
        Some("ClienteleError")
    );
    assert!(
        prop(err, "message")
            .as_string()
            .is_some_and(|m| !m.is_empty())
    );
    prop(err, "code").as_string().unwrap()
}

/// The raw signature bytes of a `Signature` header value with one member (`sig=:base64:`).
pub fn signature_bytes(header: &str) -> Vec<u8> {
    let (_, value) = header.split_once('=').unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(value.trim_matches(':'))
        .unwrap()
}
