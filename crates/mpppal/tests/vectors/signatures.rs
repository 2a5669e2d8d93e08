//! Request signatures of the operator API (ADR 0010) and webhook signatures (Standard Webhooks).

use base64::Engine;
use serde_json::{json, Value};

pub fn hmac() -> Value {
    let secret = "mps_vectors0000000000000000000000000000000000";
    let rows = [
        (
            "a GET with a query",
            "GET",
            "/v1/transfers",
            "limit=50&status=pending",
            1_799_995_200i64,
            "",
        ),
        (
            "a GET without a query",
            "GET",
            "/v1/operator",
            "",
            1_799_995_201,
            "",
        ),
        (
            "a POST with a JSON body",
            "POST",
            "/v1/agent-accounts",
            "",
            1_799_995_202,
            r#"{"handle":"research-bot","policy":{"maxSingleTransfer":"5000000"}}"#,
        ),
        (
            "a body with non-ASCII text",
            "PATCH",
            "/v1/agent-accounts/acc_1/policy",
            "",
            1_799_995_203,
            r#"{"memo":"café ✓"}"#,
        ),
    ];
    rows.iter()
        .map(|(name, method, path, query, timestamp, body)| {
            json!({
                "name": name,
                "keyId": "mpk_vectors",
                "secret": secret,
                "method": method,
                "path": path,
                "query": query,
                "timestamp": timestamp,
                "body": body,
                "canonical": mpppal_signing::canonical(method, path, query, *timestamp, body.as_bytes()),
                "authorization": mpppal_signing::authorization("mpk_vectors", secret, method, path, query, *timestamp, body.as_bytes()),
            })
        })
        .collect()
}

pub fn webhooks() -> Value {
    let bytes = [0x5au8; 24];
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    );
    let rows = [
        (
            "a transfer event",
            "evt_1",
            1_799_995_200i64,
            r#"{"type":"transfer.settled","data":{"id":"tr_1","amount":"2500"}}"#,
        ),
        (
            "a body with non-ASCII text",
            "evt_42",
            1_799_995_260,
            r#"{"type":"escalation.created","data":{"memo":"café ✓"}}"#,
        ),
    ];
    rows.iter()
        .map(|(name, id, timestamp, body)| {
            json!({
                "name": name,
                "secret": secret,
                "id": id,
                "timestamp": timestamp,
                "body": body,
                "signature": mpppal_worker::webhooks::sign::signature(&bytes, id, *timestamp, body.as_bytes()),
            })
        })
        .collect()
}
