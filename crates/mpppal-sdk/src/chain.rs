//! Sending, confirming and reading back payment transactions over Solana JSON-RPC.

use anchor_lang::prelude::Pubkey;
use mpppal_solana::method::legs::ExecutedInstruction;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::{RpcSimulateTransactionConfig, RpcTransactionConfig};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{
    EncodedTransaction, UiInnerInstructions, UiInstruction, UiTransactionEncoding,
};
use std::str::FromStr;

/// What happened to a transaction: its instructions (outer then inner) and its failure, if any.
#[derive(Clone, Debug)]
pub struct Execution {
    pub instructions: Vec<ExecutedInstruction>,
    pub error: Option<String>,
    pub logs: Vec<String>,
}

/// The chain a paywall or client talks to.
pub struct RpcChain {
    pub rpc: RpcClient,
    /// Transactions this process sent, so tests and metrics can count on-chain footprint.
    sent: std::sync::atomic::AtomicU64,
}

impl RpcChain {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            rpc: RpcClient::new_with_commitment(url.into(), CommitmentConfig::confirmed()),
            sent: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How many transactions this process has sent.
    pub fn transactions_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Simulates with signature checks and inner instructions.
    pub async fn simulate(&self, tx: &VersionedTransaction) -> Result<Execution, String> {
        let keys = tx.message.static_account_keys();
        let result = self
            .rpc
            .simulate_transaction_with_config(
                tx,
                RpcSimulateTransactionConfig {
                    sig_verify: true,
                    inner_instructions: true,
                    encoding: Some(UiTransactionEncoding::Base64),
                    ..RpcSimulateTransactionConfig::default()
                },
            )
            .await
            .map_err(|e| format!("simulation failed: {e}"))?
            .value;
        let mut instructions = outer(tx);
        instructions.extend(inner(keys, result.inner_instructions.unwrap_or_default())?);
        Ok(Execution {
            instructions,
            error: result.err.map(|e| e.to_string()),
            logs: result.logs.unwrap_or_default(),
        })
    }

    /// Sends and waits for `confirmed`.
    pub async fn send_and_confirm(&self, tx: &VersionedTransaction) -> Result<Signature, String> {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.rpc
            .send_and_confirm_transaction(tx)
            .await
            .map_err(|e| format!("sending failed: {e}"))
    }

    /// Reads a confirmed transaction back with its inner instructions.
    pub async fn confirmed(
        &self,
        signature: &Signature,
    ) -> Result<(VersionedTransaction, Execution, Option<i64>), String> {
        let confirmed = self
            .rpc
            .get_transaction_with_config(
                signature,
                RpcTransactionConfig {
                    encoding: Some(UiTransactionEncoding::Base64),
                    commitment: Some(CommitmentConfig::confirmed()),
                    max_supported_transaction_version: Some(0),
                },
            )
            .await
            .map_err(|e| format!("transaction {signature} not found: {e}"))?;
        let tx = match &confirmed.transaction.transaction {
            EncodedTransaction::Json(_) | EncodedTransaction::Accounts(_) => None,
            other => other.decode(),
        }
        .ok_or("the node returned an undecodable transaction")?;
        let meta = confirmed
            .transaction
            .meta
            .ok_or("the node returned no transaction metadata")?;
        let inner_list = match meta.inner_instructions {
            OptionSerializer::Some(list) => list,
            _ => vec![],
        };
        let mut instructions = outer(&tx);
        instructions.extend(inner(tx.message.static_account_keys(), inner_list)?);
        let logs = match meta.log_messages {
            OptionSerializer::Some(logs) => logs,
            _ => vec![],
        };
        Ok((
            tx,
            Execution {
                instructions,
                error: meta.err.map(|e| e.to_string()),
                logs,
            },
            confirmed.block_time,
        ))
    }
}

fn outer(tx: &VersionedTransaction) -> Vec<ExecutedInstruction> {
    let keys = tx.message.static_account_keys();
    tx.message
        .instructions()
        .iter()
        .filter_map(|ix| {
            Some(ExecutedInstruction {
                program_id: *keys.get(usize::from(ix.program_id_index))?,
                accounts: ix
                    .accounts
                    .iter()
                    .map(|i| keys.get(usize::from(*i)).copied())
                    .collect::<Option<Vec<_>>>()?,
                data: ix.data.clone(),
            })
        })
        .collect()
}

fn inner(
    keys: &[Pubkey],
    list: Vec<UiInnerInstructions>,
) -> Result<Vec<ExecutedInstruction>, String> {
    let key = |i: u8| {
        keys.get(usize::from(i))
            .copied()
            .ok_or("inner instruction account out of range")
    };
    let mut out = Vec::new();
    for group in list {
        for ix in group.instructions {
            let UiInstruction::Compiled(c) = ix else {
                return Err("parsed inner instructions are not supported".into());
            };
            out.push(ExecutedInstruction {
                program_id: key(c.program_id_index)?,
                accounts: c
                    .accounts
                    .iter()
                    .map(|i| key(*i))
                    .collect::<Result<_, _>>()?,
                data: bs58::decode(&c.data)
                    .into_vec()
                    .map_err(|_| "inner instruction data is not base58")?,
            });
        }
    }
    Ok(out)
}

/// A base58 transaction signature.
pub fn parse_signature(text: &str) -> Result<Signature, String> {
    Signature::from_str(text).map_err(|_| "not a base58 transaction signature".to_string())
}

/// True when the message uses address lookup tables (we resolve static keys only).
pub fn uses_lookup_tables(tx: &VersionedTransaction) -> bool {
    tx.message
        .address_table_lookups()
        .is_some_and(|l| !l.is_empty())
}
