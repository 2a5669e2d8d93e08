//! JSON-RPC 2.0 requests, responses and errors.

use serde_json::{json, Value};

/// Error codes: the JSON-RPC standard ones and the Solana server ones clients match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpcErrorCode {
    Parse = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    Internal = -32603,
    /// Solana: preflight simulation of `sendTransaction` failed.
    SendTransactionPreflightFailure = -32002,
    /// Solana: a signature does not verify.
    SignatureVerificationFailure = -32003,
    /// Solana: the transaction could not be processed (blockhash not found, already processed …).
    TransactionRejected = -32005,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: RpcErrorCode,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: RpcErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    pub fn parse(detail: String) -> Self {
        Self::new(RpcErrorCode::Parse, format!("Parse error: {detail}"))
    }

    pub fn invalid_request(detail: &str) -> Self {
        Self::new(
            RpcErrorCode::InvalidRequest,
            format!("Invalid request: {detail}"),
        )
    }

    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            RpcErrorCode::MethodNotFound,
            format!("Method not found: {method}"),
        )
    }

    pub fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(
            RpcErrorCode::InvalidParams,
            format!("Invalid params: {detail}"),
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(RpcErrorCode::Internal, format!("Internal error: {detail}"))
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// A request after envelope checks.
pub struct Request {
    pub id: Value,
    pub method: String,
    pub params: Value,
}

impl Request {
    /// Checks the envelope; on failure returns the id to answer with and the error.
    pub fn from_value(value: Value) -> Result<Self, Box<(Value, RpcError)>> {
        let Value::Object(mut object) = value else {
            return Err(Box::new((
                Value::Null,
                RpcError::invalid_request("not an object"),
            )));
        };
        let id = object.remove("id").unwrap_or(Value::Null);
        let fail = |id, err| Err(Box::new((id, err)));
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return fail(id, RpcError::invalid_request("jsonrpc must be \"2.0\""));
        }
        let method = match object.remove("method") {
            Some(Value::String(m)) => m,
            _ => return fail(id, RpcError::invalid_request("method must be a string")),
        };
        // Clients send `"params": null` for methods without parameters; validators accept it.
        let params = match object.remove("params") {
            None | Some(Value::Null) => Value::Array(vec![]),
            Some(params) => params,
        };
        if !params.is_array() {
            return fail(id, RpcError::invalid_params("params must be an array"));
        }
        Ok(Self { id, method, params })
    }
}

pub struct Response(Value);

impl Response {
    pub fn result(id: Value, result: Value) -> Self {
        Self(json!({ "jsonrpc": "2.0", "result": result, "id": id }))
    }

    pub fn error(id: Value, error: RpcError) -> Self {
        let mut body = json!({ "code": error.code as i64, "message": error.message });
        if let Some(data) = error.data {
            body["data"] = data;
        }
        Self(json!({ "jsonrpc": "2.0", "error": body, "id": id }))
    }

    pub fn into_value(self) -> Value {
        self.0
    }
}
