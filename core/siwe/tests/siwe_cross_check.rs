//! The Rust half of the Sign-In with Ethereum cross-check against siwe-py
//! (tests/interop/eth-cross-check.py): reads the generated messages named by `SIWE_CROSS_CHECK`
//! (a JSON array of strings), parses each, and writes the verdicts beside it
//! (`<path>.rust.json`: `[{"ok": bool, "code": "..."}]`). Ignored in a plain `cargo test`: the
//! script runs it with `-- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clientele_siwe::SiweMessage;

#[test]
#[ignore = "run by tests/interop/eth-cross-check.py"]
fn verdicts_for_generated_messages() {
    let Ok(path) = std::env::var("SIWE_CROSS_CHECK") else {
        return;
    };
    let messages: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read messages")).unwrap();
    let verdicts: Vec<serde_json::Value> = messages
        .iter()
        .map(|text| match SiweMessage::parse(text) {
            Ok(message) => {
                // A message that parses re-renders byte for byte.
                assert_eq!(&message.to_string(), text);
                serde_json::json!({ "ok": true, "code": null })
            }
            Err(e) => serde_json::json!({ "ok": false, "code": e.code() }),
        })
        .collect();
    std::fs::write(
        format!("{path}.rust.json"),
        serde_json::to_string(&verdicts).unwrap(),
    )
    .expect("write verdicts");
}
