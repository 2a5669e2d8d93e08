//! Reading positional JSON-RPC params with errors that name the parameter.

use serde::de::DeserializeOwned;
use serde_json::Value;
use solana_rpc_client_types::response::{Response, RpcResponseContext};
use std::str::FromStr;

use super::RpcError;
use anchor_lang::prelude::Pubkey;

/// The `index`th parameter, required.
pub fn required<T: DeserializeOwned>(
    params: &Value,
    index: usize,
    name: &str,
) -> Result<T, RpcError> {
    let value = params
        .get(index)
        .ok_or_else(|| RpcError::invalid_params(format!("missing parameter {name}")))?;
    serde_json::from_value(value.clone())
        .map_err(|e| RpcError::invalid_params(format!("{name}: {e}")))
}

/// The `index`th parameter, or its default when absent or null.
pub fn optional<T: DeserializeOwned + Default>(
    params: &Value,
    index: usize,
    name: &str,
) -> Result<T, RpcError> {
    match params.get(index) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|e| RpcError::invalid_params(format!("{name}: {e}"))),
    }
}

/// A base58 address parameter.
pub fn pubkey(params: &Value, index: usize, name: &str) -> Result<Pubkey, RpcError> {
    let text: String = required(params, index, name)?;
    parse_pubkey(&text, name)
}

pub fn parse_pubkey(text: &str, name: &str) -> Result<Pubkey, RpcError> {
    Pubkey::from_str(text)
        .map_err(|_| RpcError::invalid_params(format!("{name}: not a base58 address")))
}

/// Wraps a value in the `{context: {slot}, value}` shape of contextual methods.
pub fn with_context<T: serde::Serialize>(slot: u64, value: T) -> Result<Value, RpcError> {
    to_value(Response {
        context: RpcResponseContext {
            slot,
            api_version: None,
        },
        value,
    })
}

pub fn to_value<T: serde::Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(RpcError::internal)
}
