//! Sign-In with Ethereum challenges: raw text, base64, and the full open/accept flow.
#![no_main]
use chrono::DateTime;
use clientele_core::offblocks::Challenge;
use clientele_siwe as eth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(message) = eth::SiweMessage::parse(&text) {
        // Whatever parses re-renders to exactly the same text.
        assert_eq!(message.to_string(), text);
    }
    let _ = eth::decode_challenge(&text);
    let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap_or_default();
    if let Ok(challenge) = Challenge::open(
        &text,
        "eip155:300:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
        now,
    ) {
        let _ = challenge.accept_signature(&text);
    }
    let _ = eth::parse_hex_signature(&text);
    if data.len() >= 65 {
        let _ = eth::recover_signer(data, data.get(..65).unwrap_or_default());
    }
});
