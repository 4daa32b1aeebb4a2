//! uniffi glue for the Kotlin and Swift host layers. Thin by design: every behaviour lives in
//! `clientele-core`; this crate only describes values across the FFI boundary.

uniffi::setup_scaffolding!();

/// The version of the Clientele core compiled into this library.
#[uniffi::export]
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
