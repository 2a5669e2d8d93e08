//! What happened to a transaction: statuses and full transactions with metadata.

use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use solana_signature::Signature;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{
    EncodedConfirmedTransactionWithStatusMeta, EncodedTransaction,
    EncodedTransactionWithStatusMeta, TransactionBinaryEncoding, TransactionConfirmationStatus,
    TransactionStatus, UiAddressTableLookup, UiCompiledInstruction, UiMessage, UiRawMessage,
    UiTransaction, UiTransactionEncoding,
};
use std::str::FromStr;

use super::node::{Node, Recorded};
use super::params::{optional, required, to_value, with_context};
use super::RpcError;

/// Statuses requested at once, as validators limit it.
const MAX_STATUSES: usize = 256;

fn signature(text: &str) -> Result<Signature, RpcError> {
    Signature::from_str(text).map_err(|_| RpcError::invalid_params("not a base58 signature"))
}

pub async fn get_signature_statuses(node: &Node, params: Value) -> Result<Value, RpcError> {
    let signatures: Vec<String> = required(&params, 0, "signatures")?;
    if signatures.len() > MAX_STATUSES {
        return Err(RpcError::invalid_params(format!(
            "at most {MAX_STATUSES} signatures"
        )));
    }
    let mut statuses = Vec::with_capacity(signatures.len());
    for text in &signatures {
        let status = node.recorded(&signature(text)?).map(|r| {
            let err: Option<TransactionError> = r.meta.err.clone().map(Into::into);
            TransactionStatus {
                slot: r.slot,
                // Processed transactions are final at once on a single-node dev chain.
                confirmations: None,
                status: match &err {
                    Some(e) => Err(e.clone()),
                    None => Ok(()),
                },
                err,
                confirmation_status: Some(TransactionConfirmationStatus::Finalized),
            }
        });
        statuses.push(status);
    }
    with_context(node.slot().await, statuses)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TransactionConfig {
    encoding: Option<UiTransactionEncoding>,
    #[allow(dead_code)]
    commitment: Option<String>,
    max_supported_transaction_version: Option<u8>,
}

pub async fn get_transaction(node: &Node, params: Value) -> Result<Value, RpcError> {
    let text: String = required(&params, 0, "signature")?;
    // Older clients pass the encoding as a bare string.
    let config: TransactionConfig = match params.get(1) {
        Some(Value::String(_)) => TransactionConfig {
            encoding: Some(required(&params, 1, "encoding")?),
            ..TransactionConfig::default()
        },
        _ => optional(&params, 1, "config")?,
    };
    let Some(recorded) = node.recorded(&signature(&text)?) else {
        return Ok(Value::Null);
    };
    let encoding = config.encoding.unwrap_or(UiTransactionEncoding::Json);
    to_value(EncodedConfirmedTransactionWithStatusMeta {
        slot: recorded.slot,
        block_time: Some(recorded.block_time),
        transaction_index: None,
        transaction: EncodedTransactionWithStatusMeta {
            // A client that names the versions it reads gets the transaction's own, as from any
            // node (payment verifiers such as solana-pay-kit check it).
            version: config
                .max_supported_transaction_version
                .map(|_| recorded.transaction.version()),
            transaction: encode(&recorded, encoding)?,
            meta: Some(recorded.meta.clone()),
        },
    })
}

fn encode(
    recorded: &Recorded,
    encoding: UiTransactionEncoding,
) -> Result<EncodedTransaction, RpcError> {
    let tx = &recorded.transaction;
    match encoding {
        UiTransactionEncoding::Base64 => {
            let bytes = bincode::serialize(tx).map_err(RpcError::internal)?;
            Ok(EncodedTransaction::Binary(
                base64::engine::general_purpose::STANDARD.encode(bytes),
                TransactionBinaryEncoding::Base64,
            ))
        }
        UiTransactionEncoding::Base58 | UiTransactionEncoding::Binary => {
            let bytes = bincode::serialize(tx).map_err(RpcError::internal)?;
            Ok(EncodedTransaction::Binary(
                bs58::encode(bytes).into_string(),
                TransactionBinaryEncoding::Base58,
            ))
        }
        UiTransactionEncoding::JsonParsed => Ok(EncodedTransaction::Json(UiTransaction {
            signatures: tx.signatures.iter().map(ToString::to_string).collect(),
            message: super::parsed::parsed_message(&tx.message),
        })),
        UiTransactionEncoding::Json => {
            let message = &tx.message;
            Ok(EncodedTransaction::Json(UiTransaction {
                signatures: tx.signatures.iter().map(ToString::to_string).collect(),
                message: UiMessage::Raw(UiRawMessage {
                    header: *message.header(),
                    account_keys: message
                        .static_account_keys()
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    recent_blockhash: message.recent_blockhash().to_string(),
                    instructions: message
                        .instructions()
                        .iter()
                        .map(|ix| UiCompiledInstruction::from(ix, Some(1)))
                        .collect(),
                    address_table_lookups: message
                        .address_table_lookups()
                        .map(|lookups| lookups.iter().map(UiAddressTableLookup::from).collect()),
                }),
            }))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignaturesConfig {
    limit: Option<usize>,
    before: Option<String>,
    until: Option<String>,
    #[allow(dead_code)]
    commitment: Option<String>,
    #[allow(dead_code)]
    min_context_slot: Option<u64>,
}

/// Most signatures one call returns, as validators limit it.
const MAX_SIGNATURES: usize = 1000;

/// Signatures of the transactions that named an address, newest first.
pub async fn get_signatures_for_address(node: &Node, params: Value) -> Result<Value, RpcError> {
    let address = super::params::pubkey(&params, 0, "address")?;
    let config: SignaturesConfig = optional(&params, 1, "config")?;
    let limit = config.limit.unwrap_or(MAX_SIGNATURES);
    if !(1..=MAX_SIGNATURES).contains(&limit) {
        return Err(RpcError::invalid_params(format!(
            "limit must be 1 to {MAX_SIGNATURES}"
        )));
    }
    let before = config.before.as_deref().map(signature).transpose()?;
    let until = config.until.as_deref().map(signature).transpose()?;
    let found = node.signatures_for(&address, before.as_ref(), until.as_ref(), limit);
    to_value(
        found
            .into_iter()
            .map(|(signature, r)| {
                serde_json::json!({
                    "signature": signature.to_string(),
                    "slot": r.slot,
                    "err": r.meta.err,
                    "memo": null,
                    "blockTime": r.block_time,
                    // Processed transactions are final at once on a single-node dev chain.
                    "confirmationStatus": "finalized",
                })
            })
            .collect::<Vec<_>>(),
    )
}
