//! `mpppal conformance-adapter` speaks the harness ABI over stdin and stdout.

use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

fn adapter(request: &str) -> Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .arg("conformance-adapter")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the adapter exits 0 whenever it answers"
    );
    serde_json::from_slice(&output.stdout).expect("stdout is exactly one JSON value")
}

#[test]
fn parses_a_challenge_into_the_canonical_object() {
    let header = r#"Payment id="ch_1", realm="api.example.com", method="solana", intent="charge", request="eyJhbW91bnQiOiIxMDAwIn0""#;
    let response = adapter(
        &json!({"schema": 1, "op": "challenge.parse", "input": {"header": header}}).to_string(),
    );
    assert_eq!(
        response,
        json!({"ok": true, "value": {
            "id": "ch_1", "realm": "api.example.com", "method": "solana", "intent": "charge",
            "request": {"amount": "1000"}
        }})
    );
}

#[test]
fn refuses_bad_input_with_a_typed_error() {
    let response = adapter(r#"{"schema":1,"op":"receipt.parse","input":{"header":"not base64!"}}"#);
    assert_eq!(response["ok"], false);
    assert_eq!(response["error"]["type"], "parse_error");
    let response = adapter("{");
    assert_eq!(response["ok"], false);
}
