//! What the OpenAPI description says about every operation at once, added to what `utoipa`
//! generates from each route: every error is problem+json (the `Problem` schema, with the codes of
//! `problem/codes.rs`), every change takes an `Idempotency-Key`, and every `/v1` route is signed.
//! Written once here rather than on fifty routes, so no route can forget it.

use serde_json::{json, Map, Value};

use crate::problem::codes::CODES;

/// `spec` with the problem responses, idempotency headers and security requirements filled in.
pub fn complete(mut spec: Value) -> Value {
    let codes: Vec<&str> = CODES.iter().map(|(code, _)| *code).collect();
    let components = spec["components"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut components = Value::Object(components);
    components["schemas"]["Problem"] = json!({
        "type": "object",
        "description": "An error (RFC 9457): `code` is stable and names what went wrong; some problems carry more members (`reason`, `transferId`, `checks`, `ownerAddress`).",
        "required": ["type", "title", "status", "code", "detail"],
        "properties": {
            "type": { "type": "string", "example": "about:blank" },
            "title": { "type": "string" },
            "status": { "type": "integer", "minimum": 400, "maximum": 599 },
            "code": { "type": "string", "enum": codes },
            "detail": { "type": "string" },
            "reason": { "type": "string", "description": "The policy's reason, for `payment_denied` and `invalid_policy`." }
        },
        "additionalProperties": true
    });
    // The one list of event types (webhooks and `/v1/events`), for clients to read, not copy.
    components["schemas"]["EventType"] = json!({
        "type": "string",
        "description": "What happened; webhook messages and `/v1/events` carry it as `type`.",
        "enum": crate::v1::EVENT_TYPES,
    });
    for schema in ["NewWebhook", "Webhook"] {
        let events = &mut components["schemas"][schema]["properties"]["events"];
        if events.is_object() {
            events["items"] = json!({ "$ref": "#/components/schemas/EventType" });
        }
    }
    components["securitySchemes"]["apiKey"] = json!({
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "`MPPPal-HMAC-SHA256 KeyId=…, Timestamp=…, Signature=…` (docs/api.md)"
    });
    components["securitySchemes"]["session"] = json!({
        "type": "apiKey", "in": "cookie", "name": "mpppal_session",
        "description": "A signed-in person's session; changes also need the `X-MPPPal-CSRF` header."
    });
    spec["components"] = components;
    let Some(paths) = spec["paths"].as_object_mut() else {
        return spec;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            complete_operation(path, method, operation);
        }
    }
    spec
}

fn problem_content() -> Value {
    json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } })
}

fn complete_operation(path: &str, method: &str, operation: &mut Value) {
    let responses = operation["responses"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut responses: Map<String, Value> = responses;
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            response["content"] = problem_content();
            if response["description"].as_str().is_none_or(str::is_empty) {
                response["description"] = json!("A problem; `code` says which");
            }
        }
    }
    responses.insert(
        "default".into(),
        json!({ "description": "Any other problem (docs/api.md lists every code)", "content": problem_content() }),
    );
    operation["responses"] = Value::Object(responses);
    if !path.starts_with("/v1") {
        return;
    }
    operation["security"] = json!([{ "apiKey": [] }, { "session": [] }]);
    if matches!(method, "post" | "patch" | "put" | "delete") {
        let parameters = operation["parameters"].as_array_mut();
        let header = json!({
            "name": "Idempotency-Key",
            "in": "header",
            "required": path == "/v1/transfers" && method == "post",
            "description": "1 to 128 visible ASCII characters; a retry with the same key and request gets the first answer again (docs/api.md, Idempotency)",
            "schema": { "type": "string", "minLength": 1, "maxLength": 128 }
        });
        match parameters {
            Some(list) => list.push(header),
            None => operation["parameters"] = json!([header]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_answers_problems_and_every_change_takes_a_key() {
        let spec = crate::routes::spec();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                for (status, response) in responses {
                    if status == "default" || status.starts_with('4') || status.starts_with('5') {
                        assert_eq!(
                            response["content"]["application/problem+json"]["schema"]["$ref"],
                            "#/components/schemas/Problem",
                            "{method} {path} {status}"
                        );
                    }
                }
                let takes_key = operation["parameters"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["name"] == "Idempotency-Key"));
                let changes = matches!(method.as_str(), "post" | "patch" | "put" | "delete");
                assert_eq!(
                    takes_key,
                    changes && path.starts_with("/v1"),
                    "{method} {path}"
                );
            }
        }
        let codes = &spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"];
        assert_eq!(codes.as_array().unwrap().len(), CODES.len());
        let events = &spec["components"]["schemas"]["EventType"]["enum"];
        assert_eq!(
            events.as_array().unwrap().len(),
            crate::v1::EVENT_TYPES.len()
        );
        assert_eq!(
            spec["components"]["schemas"]["NewWebhook"]["properties"]["events"]["items"]["$ref"],
            "#/components/schemas/EventType"
        );
    }
}
