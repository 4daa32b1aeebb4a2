//! Small encodings used in several places: hex, and the base64 engines beyond the `base64`
//! crate's standard ones.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard base64 that accepts data with or without `=` padding (both are common in uploads).
pub(crate) const BASE64_LENIENT_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

// Hex is written once, in clientele-siwe (Ethereum addresses, digests and signatures are hex).
pub(crate) use clientele_siwe::hex::{decode_array as hex_array, encode as hex_lower};
