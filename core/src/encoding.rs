//! Small encodings used in several places.

// Hex is written once, in clientele-siwe (Ethereum addresses, digests and signatures are hex).
pub(crate) use clientele_siwe::hex::{decode_array as hex_array, encode as hex_lower};
