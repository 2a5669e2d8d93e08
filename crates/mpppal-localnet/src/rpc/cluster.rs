//! Cluster-level methods: health, version, slots, blockhashes, rent and fees.

use serde::Deserialize;
use serde_json::{json, Value};
use solana_commitment_config::CommitmentLevel;
use solana_hash::Hash;
use solana_rpc_client_types::response::RpcBlockhash;
use std::str::FromStr;

use super::node::Node;
use super::params::{optional, required, to_value, with_context};
use super::RpcError;

/// The Solana version this chain's runtime comes from.
const SOLANA_CORE: &str = "4.0.0";

pub fn get_health() -> Result<Value, RpcError> {
    Ok(json!("ok"))
}

pub fn get_version() -> Result<Value, RpcError> {
    Ok(json!({ "solana-core": SOLANA_CORE, "feature-set": null }))
}

pub fn get_genesis_hash(node: &Node) -> Result<Value, RpcError> {
    Ok(json!(node.genesis_hash))
}

pub async fn get_slot(node: &Node) -> Result<Value, RpcError> {
    Ok(json!(node.slot().await))
}

pub async fn get_block_height(node: &Node) -> Result<Value, RpcError> {
    let height = node
        .banks()
        .get_root_block_height()
        .await
        .map_err(RpcError::internal)?;
    Ok(json!(height))
}

pub async fn get_epoch_info(node: &Node) -> Result<Value, RpcError> {
    let slot = node.slot().await;
    let height = node
        .banks()
        .get_root_block_height()
        .await
        .map_err(RpcError::internal)?;
    let clock = node.chain.lock().await.clock().await;
    Ok(json!({
        "absoluteSlot": slot,
        "blockHeight": height,
        "epoch": clock.epoch,
        "slotIndex": slot,
        "slotsInEpoch": 432_000,
        "transactionCount": null,
    }))
}

pub async fn get_latest_blockhash(node: &Node) -> Result<Value, RpcError> {
    let (blockhash, last_valid_block_height) = node
        .banks()
        .get_latest_blockhash_with_commitment(CommitmentLevel::Finalized)
        .await
        .map_err(RpcError::internal)?
        .ok_or_else(|| RpcError::internal("the bank has no blockhash"))?;
    with_context(
        node.slot().await,
        RpcBlockhash {
            blockhash: blockhash.to_string(),
            last_valid_block_height,
        },
    )
}

pub async fn is_blockhash_valid(node: &Node, params: Value) -> Result<Value, RpcError> {
    let text: String = required(&params, 0, "blockhash")?;
    let blockhash =
        Hash::from_str(&text).map_err(|_| RpcError::invalid_params("blockhash: not base58"))?;
    // The bank prices a message only while its blockhash is in the recent-blockhash queue,
    // which is exactly when a transaction using it would be accepted.
    let probe = solana_message::Message::new_with_blockhash(&[], Some(&node.faucet), &blockhash);
    let fee = node
        .banks()
        .get_fee_for_message(probe)
        .await
        .map_err(RpcError::internal)?;
    with_context(node.slot().await, fee.is_some())
}

pub async fn get_rent_minimum(node: &Node, params: Value) -> Result<Value, RpcError> {
    let size: usize = required(&params, 0, "dataLength")?;
    let rent = node.banks().get_rent().await.map_err(RpcError::internal)?;
    Ok(json!(rent.minimum_balance(size)))
}

#[derive(Deserialize, Default)]
struct NoConfig {}

pub async fn get_fee_for_message(node: &Node, params: Value) -> Result<Value, RpcError> {
    use base64::Engine;
    let encoded: String = required(&params, 0, "message")?;
    let _: NoConfig = optional(&params, 1, "config").unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| RpcError::invalid_params("message: not base64"))?;
    let message: solana_message::VersionedMessage = bincode::deserialize(&bytes)
        .map_err(|_| RpcError::invalid_params("message: not a serialized message"))?;
    let fee = match message {
        solana_message::VersionedMessage::Legacy(legacy) => node
            .banks()
            .get_fee_for_message(legacy)
            .await
            .map_err(RpcError::internal)?,
        solana_message::VersionedMessage::V0(_) => None,
    };
    with_context(node.slot().await, fee)
}

pub fn mpppal_info(node: &Node) -> Result<Value, RpcError> {
    to_value(json!({
        "policyProgram": mpppal_solana::POLICY_PROGRAM_ID.to_string(),
        "settlementProgram": mpppal_solana::SETTLEMENT_PROGRAM_ID.to_string(),
        "usdcMint": node.mint.to_string(),
        "usdcDecimals": mpppal_solana::USDC_DECIMALS,
        "faucet": node.faucet.to_string(),
    }))
}
