#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The field checks of tests/fixtures/fields.json (every host runs the same cases through its
//! `validateField` and `validateDateOfBirth`).

use clientele_core::validate::{self, FieldKind};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/fields.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn code(result: Result<impl Sized, validate::IssueCode>) -> Value {
    match result {
        Ok(_) => Value::Null,
        Err(code) => Value::from(code.as_str()),
    }
}

#[test]
fn every_field_case() {
    let f = fixture();
    let mut failures = Vec::new();
    for case in f["fields"].as_array().unwrap() {
        let kind = FieldKind::from_name(case["kind"].as_str().unwrap()).unwrap();
        let value = case["value"].as_str().unwrap();
        let got = code(validate::field(kind, value));
        if got != case["issue"] {
            failures.push(format!(
                "{kind:?} {value:?}: got {got}, fixture says {}",
                case["issue"]
            ));
        }
    }
    for case in f["datesOfBirth"].as_array().unwrap() {
        let today = case["today"].as_str().unwrap().parse().unwrap();
        let value = case["value"].as_str().unwrap();
        let got = code(validate::past_date(value, today));
        if got != case["issue"] {
            failures.push(format!(
                "dob {value:?}: got {got}, fixture says {}",
                case["issue"]
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_field_kind_has_cases() {
    let f = fixture();
    let kinds: Vec<&str> = f["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for (kind, name) in FieldKind::ALL {
        assert_eq!(FieldKind::from_name(name), Some(kind));
        assert_eq!(kind.name(), name);
        let kind = name;
        assert!(kinds.contains(&kind), "no case for {kind}");
    }
}
