//! The conformance adapter: one JSON request in, one JSON response out, in the ABI of the
//! public MPP conformance harness (`{"schema":1,"op":…,"input":…}` →
//! `{"ok":true,"value":…}` or `{"ok":false,"error":{"type":…,"message":…}}`).
//!
//! Values are the harness's canonical protocol objects: embedded `request` and `opaque` fields
//! are decoded JSON, absent optional fields are omitted.

use mpp::protocol::core::{
    compute_challenge_id, format_authorization, format_receipt, format_www_authenticate,
    parse_authorization, parse_receipt, parse_www_authenticate, Base64UrlJson, ChallengeEcho,
    PaymentChallenge, PaymentCredential, Receipt,
};
use serde_json::{json, Map, Value};

use crate::base64url;

/// Error families of the harness ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Parse,
    Format,
    Encoding,
    Generation,
    Unsupported,
    Unknown,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parse => "parse_error",
            Self::Format => "format_error",
            Self::Encoding => "encoding_error",
            Self::Generation => "generation_error",
            Self::Unsupported => "unsupported_operation",
            Self::Unknown => "unknown_error",
        }
    }
}

type OpResult = Result<Value, (ErrorType, String)>;

/// Operations this adapter implements.
pub const OPERATIONS: &[&str] = &[
    "challenge.parse",
    "challenge.format",
    "credential.parse",
    "credential.format",
    "receipt.parse",
    "receipt.format",
    "base64url.encode",
    "base64url.decode",
    "challenge.id",
];

/// Answers one adapter request given as raw JSON text.
pub fn respond(request: &str) -> Value {
    let parsed: Result<Value, _> = serde_json::from_str(request);
    let outcome = match parsed {
        Err(e) => Err((ErrorType::Unknown, format!("request is not JSON: {e}"))),
        Ok(request) => match (request.get("schema"), request.get("op")) {
            (Some(schema), _) if schema != &json!(1) => Err((
                ErrorType::Unknown,
                format!("unsupported adapter schema {schema}"),
            )),
            (_, Some(Value::String(op))) => {
                run(op, request.get("input").cloned().unwrap_or(Value::Null))
            }
            _ => Err((ErrorType::Unknown, "request has no op".into())),
        },
    };
    match outcome {
        Ok(value) => json!({ "ok": true, "value": value }),
        Err((kind, message)) => {
            json!({ "ok": false, "error": { "type": kind.as_str(), "message": message } })
        }
    }
}

/// Runs one operation on its input.
pub fn run(op: &str, input: Value) -> OpResult {
    match op {
        "challenge.parse" => challenge_parse(&input).map_err(|m| (ErrorType::Parse, m)),
        "challenge.format" => challenge_format(&input).map_err(|m| (ErrorType::Format, m)),
        "credential.parse" => credential_parse(&input).map_err(|m| (ErrorType::Parse, m)),
        "credential.format" => credential_format(&input).map_err(|m| (ErrorType::Format, m)),
        "receipt.parse" => receipt_parse(&input).map_err(|m| (ErrorType::Parse, m)),
        "receipt.format" => receipt_format(&input).map_err(|m| (ErrorType::Format, m)),
        "base64url.encode" => {
            let text = text_field(&input, "text").map_err(|m| (ErrorType::Encoding, m))?;
            Ok(json!({ "text": base64url::encode(text.as_bytes()) }))
        }
        "base64url.decode" => {
            let text = text_field(&input, "text").map_err(|m| (ErrorType::Encoding, m))?;
            let bytes =
                base64url::decode(text).map_err(|e| (ErrorType::Encoding, e.to_string()))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                (
                    ErrorType::Encoding,
                    "decoded bytes are not UTF-8".to_string(),
                )
            })?;
            Ok(json!({ "text": text }))
        }
        "challenge.id" => challenge_id(&input).map_err(|m| (ErrorType::Generation, m)),
        other => Err((
            ErrorType::Unsupported,
            format!("unknown operation: {other}"),
        )),
    }
}

fn text_field<'a>(input: &'a Value, name: &str) -> Result<&'a str, String> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("input.{name} must be a string"))
}

/// Parses a `WWW-Authenticate: Payment …` value into the canonical challenge object.
pub fn challenge_parse(input: &Value) -> Result<Value, String> {
    let header = text_field(input, "header")?;
    let challenge = parse_www_authenticate(header).map_err(|e| e.to_string())?;
    challenge_object(&challenge)
}

fn decoded(field: &Base64UrlJson, name: &str) -> Result<Value, String> {
    let bytes = base64url::decode(field.raw()).map_err(|e| format!("{name}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{name} is not JSON: {e}"))
}

fn challenge_object(c: &PaymentChallenge) -> Result<Value, String> {
    let mut out = Map::new();
    out.insert("id".into(), json!(c.id));
    out.insert("realm".into(), json!(c.realm));
    out.insert("method".into(), json!(c.method.as_str()));
    out.insert("intent".into(), json!(c.intent.as_str()));
    out.insert("request".into(), decoded(&c.request, "request")?);
    optional(&mut out, "expires", c.expires.as_deref());
    optional(&mut out, "description", c.description.as_deref());
    optional(&mut out, "digest", c.digest.as_deref());
    if let Some(opaque) = &c.opaque {
        out.insert("opaque".into(), decoded(opaque, "opaque")?);
    }
    Ok(Value::Object(out))
}

fn optional(out: &mut Map<String, Value>, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        out.insert(name.into(), json!(v));
    }
}

/// An embedded JSON field given either as a JSON value (encoded canonically) or already
/// encoded as a base64url string (kept as is).
fn encoded(value: &Value, name: &str) -> Result<Base64UrlJson, String> {
    match value {
        Value::String(raw) => {
            base64url::decode(raw).map_err(|e| format!("{name}: {e}"))?;
            Ok(Base64UrlJson::from_raw(raw.clone()))
        }
        other => Base64UrlJson::from_value(other).map_err(|e| format!("{name}: {e}")),
    }
}

fn str_field<'a>(input: &'a Value, name: &str) -> Result<&'a str, String> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name} is required and must be a string"))
}

fn opt_str(input: &Value, name: &str) -> Option<String> {
    input.get(name).and_then(Value::as_str).map(str::to_string)
}

fn challenge_from(input: &Value) -> Result<PaymentChallenge, String> {
    let request = encoded(input.get("request").unwrap_or(&json!({})), "request")?;
    let mut challenge = PaymentChallenge {
        id: str_field(input, "id")?.to_string(),
        realm: str_field(input, "realm")?.to_string(),
        method: str_field(input, "method")?.into(),
        intent: str_field(input, "intent")?.into(),
        request,
        expires: opt_str(input, "expires"),
        description: opt_str(input, "description"),
        digest: opt_str(input, "digest"),
        opaque: None,
        header: None,
    };
    if let Some(opaque) = input.get("opaque").filter(|v| !v.is_null()) {
        challenge.opaque = Some(encoded(opaque, "opaque")?);
    }
    Ok(challenge)
}

/// Formats a canonical challenge object as a `WWW-Authenticate` value.
pub fn challenge_format(input: &Value) -> Result<Value, String> {
    let challenge = challenge_from(input)?;
    let header = format_www_authenticate(&challenge).map_err(|e| e.to_string())?;
    Ok(json!({ "header": header }))
}

/// Parses an `Authorization: Payment …` value into the canonical credential object.
pub fn credential_parse(input: &Value) -> Result<Value, String> {
    let header = text_field(input, "header")?;
    // The token must be strict base64url before the library's lenient decoder sees it.
    let token = header
        .split_once(' ')
        .map(|(_, t)| t.trim())
        .ok_or("not a Payment credential")?;
    base64url::decode(token).map_err(|e| e.to_string())?;
    let credential = parse_authorization(header).map_err(|e| e.to_string())?;
    let echo = &credential.challenge;
    let mut challenge = Map::new();
    challenge.insert("id".into(), json!(echo.id));
    challenge.insert("realm".into(), json!(echo.realm));
    challenge.insert("method".into(), json!(echo.method.as_str()));
    challenge.insert("intent".into(), json!(echo.intent.as_str()));
    challenge.insert("request".into(), decoded(&echo.request, "request")?);
    optional(&mut challenge, "expires", echo.expires.as_deref());
    optional(&mut challenge, "description", echo.description.as_deref());
    optional(&mut challenge, "digest", echo.digest.as_deref());
    if let Some(opaque) = &echo.opaque {
        challenge.insert("opaque".into(), decoded(opaque, "opaque")?);
    }
    Ok(json!({
        "challenge": Value::Object(challenge),
        "payload": credential.payload,
        "source": credential.source,
    }))
}

/// Formats a canonical credential object as an `Authorization` value.
pub fn credential_format(input: &Value) -> Result<Value, String> {
    let c = challenge_from(input.get("challenge").ok_or("challenge is required")?)?;
    let payload = input.get("payload").cloned().ok_or("payload is required")?;
    let echo: ChallengeEcho = c.to_echo();
    let mut credential = PaymentCredential::new(echo, payload);
    credential.source = input
        .get("source")
        .and_then(Value::as_str)
        .map(str::to_string);
    let header = format_authorization(&credential).map_err(|e| e.to_string())?;
    Ok(json!({ "header": header }))
}

/// Parses a `Payment-Receipt` value into the receipt object.
pub fn receipt_parse(input: &Value) -> Result<Value, String> {
    let header = text_field(input, "header")?;
    base64url::decode(header).map_err(|e| e.to_string())?;
    let receipt = parse_receipt(header).map_err(|e| e.to_string())?;
    serde_json::to_value(receipt).map_err(|e| e.to_string())
}

/// Formats a receipt object as a `Payment-Receipt` value.
pub fn receipt_format(input: &Value) -> Result<Value, String> {
    let receipt: Receipt = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    let header = format_receipt(&receipt).map_err(|e| e.to_string())?;
    Ok(json!({ "header": header }))
}

/// The HMAC-SHA256 challenge id of the given parameters. The secret comes as `secret` (UTF-8)
/// or `secretHex`; `request` and `opaque` as JSON values or base64url strings.
pub fn challenge_id(input: &Value) -> Result<Value, String> {
    let secret = match (
        input.get("secret"),
        input.get("secretKey"),
        input.get("secretHex"),
    ) {
        (Some(Value::String(s)), _, _) | (_, Some(Value::String(s)), _) => s.clone(),
        (_, _, Some(Value::String(hex))) => {
            let bytes = decode_hex(hex).ok_or("secretHex is not hex")?;
            String::from_utf8(bytes).map_err(|_| "the secret must be UTF-8 text")?
        }
        _ => return Err("secret (or secretHex) is required".into()),
    };
    let challenge = challenge_from(&with_placeholder_id(input))?;
    let id = compute_challenge_id(
        &secret,
        &challenge.realm,
        challenge.method.as_str(),
        challenge.intent.as_str(),
        challenge.request.raw(),
        challenge.expires.as_deref(),
        challenge.digest.as_deref(),
        challenge.opaque.as_ref().map(Base64UrlJson::raw),
    );
    Ok(json!({ "id": id }))
}

fn with_placeholder_id(input: &Value) -> Value {
    let mut copy = input.clone();
    if let Value::Object(map) = &mut copy {
        map.entry("id").or_insert_with(|| json!(""));
    }
    copy
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
