//! wasm-bindgen glue for the npm package `clientele`. Thin by design: every behaviour lives in
//! `clientele-core`; this crate only converts values across the JS boundary.

use wasm_bindgen::prelude::wasm_bindgen;

/// The version of the Clientele core compiled into this module.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    clientele_core::VERSION.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_the_core_version() {
        assert_eq!(super::core_version(), env!("CARGO_PKG_VERSION"));
    }
}
