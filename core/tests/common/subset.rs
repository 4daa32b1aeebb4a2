//! The containment check every fixture runner uses (the Rust suites and the wasm ones, which
//! include this file by path).

use serde_json::Value;

/// `expected` must be contained in `actual`: every member listed equals (null = absent).
pub fn subset(expected: &Value, actual: &Value, path: &str, failures: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                subset(
                    ev,
                    a.get(k).unwrap_or(&Value::Null),
                    &format!("{path}.{k}"),
                    failures,
                );
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"), failures);
            }
        }
        (e, a) if e == a => {}
        (e, a) => failures.push(format!("{path}: expected {e}, got {a}")),
    }
}
