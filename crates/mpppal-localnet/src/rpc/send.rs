//! Sending and simulating transactions, and the faucets.

use anchor_lang::prelude::Pubkey;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_program_test::BanksClient;
use solana_rpc_client_types::response::{RpcBlockhash, RpcSimulateTransactionResult};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{UiTransactionEncoding, UiTransactionError};

use super::meta::{self, balances, ui_inner_instructions, ui_return_data, Execution};
use super::node::{Node, Recorded};
use super::params::{optional, pubkey, required, to_value, with_context};
use super::{RpcError, RpcErrorCode};
use mpppal_solana::{address, token_ix};

/// Lamports charged per signature on this chain (program-test's fee governor).
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// Most SOL one airdrop may request, in lamports (1,000 SOL), so a typo cannot drain the payer.
const MAX_AIRDROP: u64 = 1_000 * 1_000_000_000;
/// Most local USDC one faucet request may mint, in base units (1,000,000 USDC).
const MAX_USDC: u64 = 1_000_000 * 1_000_000;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SendConfig {
    #[serde(default)]
    skip_preflight: bool,
    encoding: Option<UiTransactionEncoding>,
    #[allow(dead_code)]
    preflight_commitment: Option<String>,
    #[allow(dead_code)]
    max_retries: Option<usize>,
    #[allow(dead_code)]
    min_context_slot: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SimulateConfig {
    #[serde(default)]
    sig_verify: bool,
    #[serde(default)]
    replace_recent_blockhash: bool,
    encoding: Option<UiTransactionEncoding>,
    #[serde(default)]
    inner_instructions: bool,
    #[allow(dead_code)]
    commitment: Option<String>,
    #[allow(dead_code)]
    min_context_slot: Option<u64>,
}

fn decode(
    text: &str,
    encoding: Option<UiTransactionEncoding>,
) -> Result<VersionedTransaction, RpcError> {
    let bytes = match encoding.unwrap_or(UiTransactionEncoding::Base58) {
        UiTransactionEncoding::Base58 | UiTransactionEncoding::Binary => bs58::decode(text)
            .into_vec()
            .map_err(|_| RpcError::invalid_params("transaction: not base58"))?,
        UiTransactionEncoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| RpcError::invalid_params("transaction: not base64"))?,
        other => {
            return Err(RpcError::invalid_params(format!(
                "unsupported transaction encoding {other}; use base58 or base64"
            )))
        }
    };
    let tx: VersionedTransaction = bincode::deserialize(&bytes).map_err(|e| {
        RpcError::invalid_params(format!("transaction: failed to deserialize: {e}"))
    })?;
    tx.sanitize()
        .map_err(|e| RpcError::invalid_params(format!("transaction: {e}")))?;
    Ok(tx)
}

fn verify_signatures(tx: &VersionedTransaction) -> Result<(), RpcError> {
    if tx.verify_with_results().iter().all(|ok| *ok) {
        Ok(())
    } else {
        Err(RpcError::new(
            RpcErrorCode::SignatureVerificationFailure,
            "Transaction signature verification failure",
        ))
    }
}

pub async fn send_transaction(node: &Node, params: Value) -> Result<Value, RpcError> {
    let text: String = required(&params, 0, "transaction")?;
    let config: SendConfig = optional(&params, 1, "config")?;
    let tx = decode(&text, config.encoding)?;
    verify_signatures(&tx)?;
    let signature = execute(node, tx, !config.skip_preflight).await?;
    Ok(json!(signature))
}

pub async fn simulate_transaction(node: &Node, params: Value) -> Result<Value, RpcError> {
    let text: String = required(&params, 0, "transaction")?;
    let config: SimulateConfig = optional(&params, 1, "config")?;
    if config.sig_verify && config.replace_recent_blockhash {
        return Err(RpcError::invalid_params(
            "sigVerify may not be used with replaceRecentBlockhash",
        ));
    }
    let mut tx = decode(&text, config.encoding)?;
    if config.sig_verify {
        verify_signatures(&tx)?;
    }
    let mut banks = node.banks();
    let replacement = if config.replace_recent_blockhash {
        let blockhash = banks
            .get_latest_blockhash()
            .await
            .map_err(RpcError::internal)?;
        tx.message.set_recent_blockhash(blockhash);
        let height = banks
            .get_root_block_height()
            .await
            .map_err(RpcError::internal)?;
        Some(RpcBlockhash {
            blockhash: blockhash.to_string(),
            // A blockhash stays valid for 150 blocks, as on real clusters.
            last_valid_block_height: height + 150,
        })
    } else {
        None
    };
    let simulation = simulate(&mut banks, &tx, config.inner_instructions).await?;
    let result = RpcSimulateTransactionResult {
        replacement_blockhash: replacement,
        ..simulation
    };
    with_context(node.slot().await, result)
}

async fn simulate(
    banks: &mut BanksClient,
    tx: &VersionedTransaction,
    inner_instructions: bool,
) -> Result<RpcSimulateTransactionResult, RpcError> {
    let outcome = banks
        .simulate_transaction(tx.clone())
        .await
        .map_err(RpcError::internal)?;
    let result = outcome
        .result
        .ok_or_else(|| RpcError::internal("the bank did not simulate the transaction"))?;
    let details = outcome.simulation_details;
    Ok(RpcSimulateTransactionResult {
        err: result.err().map(UiTransactionError::from),
        logs: details
            .as_ref()
            .map(|d| meta::standard_logs(d.logs.clone())),
        accounts: None,
        units_consumed: details.as_ref().map(|d| d.units_consumed),
        loaded_accounts_data_size: details.as_ref().map(|d| d.loaded_accounts_data_size),
        return_data: details
            .as_ref()
            .and_then(|d| d.return_data.as_ref())
            .map(|r| ui_return_data(&r.program_id, &r.data)),
        inner_instructions: if inner_instructions {
            details
                .as_ref()
                .and_then(|d| d.inner_instructions.clone())
                .map(ui_inner_instructions)
        } else {
            None
        },
        replacement_blockhash: None,
        fee: None,
        pre_balances: None,
        post_balances: None,
        pre_token_balances: None,
        post_token_balances: None,
        loaded_addresses: None,
    })
}

/// Simulates (unless told not to), processes and records `tx`; returns its signature.
async fn execute(
    node: &Node,
    tx: VersionedTransaction,
    preflight: bool,
) -> Result<String, RpcError> {
    let mut chain = node.chain.lock().await;
    let mut banks = node.banks();
    let simulation = simulate(&mut banks, &tx, true).await?;
    if preflight {
        if let Some(err) = &simulation.err {
            let message = format!(
                "Transaction simulation failed: {}",
                TransactionError::from(err.clone())
            );
            return Err(
                RpcError::new(RpcErrorCode::SendTransactionPreflightFailure, message)
                    .with_data(to_value(&simulation)?),
            );
        }
    }
    let keys: Vec<Pubkey> = tx.message.static_account_keys().to_vec();
    let before = balances(&mut banks, &keys).await;
    let fee = LAMPORTS_PER_SIGNATURE * u64::from(tx.message.header().num_required_signatures);
    let outcome = banks
        .process_transaction_with_metadata(tx.clone())
        .await
        .map_err(RpcError::internal)?;
    let Some(metadata) = outcome.metadata else {
        // Not executed at all: unknown blockhash, already processed, no funds for the fee.
        let err = outcome
            .result
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        return Err(RpcError::new(
            RpcErrorCode::TransactionRejected,
            format!("Transaction was not processed: {err}"),
        ));
    };
    let after = balances(&mut banks, &keys).await;
    let block_time = chain.clock().await.unix_timestamp;
    if let Some(dir) = &node.ledger_dir {
        let mut touched = Vec::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            if !tx.message.is_maybe_writable(index, None) {
                continue;
            }
            let account = banks.get_account(*key).await.map_err(RpcError::internal)?;
            touched.push((*key, account));
        }
        if let Err(e) = dir.save_accounts(&touched) {
            tracing::error!("could not save account state to the ledger directory: {e}");
        }
    }
    let signature = tx.signatures[0];
    let execution = Execution {
        err: outcome.result.err(),
        fee,
        before,
        after,
        logs: metadata.log_messages,
        inner: simulation.inner_instructions,
        compute_units: metadata.compute_units_consumed,
        return_data: metadata
            .return_data
            .map(|r| ui_return_data(&r.program_id, &r.data)),
    };
    let recorded = Recorded {
        slot: node.slot().await,
        block_time,
        transaction: tx,
        meta: meta::ui_meta(execution),
    };
    if let Some(dir) = &node.ledger_dir {
        if let Err(e) = dir.save_transaction(&recorded.to_json(&signature)) {
            tracing::error!("could not save a transaction to the ledger directory: {e}");
        }
    }
    node.record(signature, recorded);
    // Only now may reads see the new state (`Node::settled`): its status is recorded with it.
    drop(chain);
    Ok(signature.to_string())
}

/// Signs `instructions` with the chain's payer and `signers`, then executes them.
async fn execute_local(
    node: &Node,
    instructions: &[anchor_lang::solana_program::instruction::Instruction],
    signer: Option<&Keypair>,
) -> Result<String, RpcError> {
    let (payer, blockhash) = {
        let chain = node.chain.lock().await;
        let blockhash = node
            .banks()
            .get_latest_blockhash()
            .await
            .map_err(RpcError::internal)?;
        (chain.payer().insecure_clone(), blockhash)
    };
    let mut signers: Vec<&Keypair> = vec![&payer];
    signers.extend(signer);
    let tx = Transaction::new_signed_with_payer(
        instructions,
        Some(&payer.pubkey()),
        &signers,
        blockhash,
    );
    execute(node, tx.into(), true).await
}

pub async fn request_airdrop(node: &Node, params: Value) -> Result<Value, RpcError> {
    let to = pubkey(&params, 0, "address")?;
    let lamports: u64 = required(&params, 1, "lamports")?;
    if lamports == 0 || lamports > MAX_AIRDROP {
        return Err(RpcError::invalid_params(
            "lamports: 1 to 1000 SOL per request",
        ));
    }
    let payer = node.chain.lock().await.payer().pubkey();
    let ix = anchor_lang::solana_program::system_instruction::transfer(&payer, &to, lamports);
    Ok(json!(execute_local(node, &[ix], None).await?))
}

/// `mpppal_requestUsdc [owner, amount]`: mints local USDC (base units) to the owner's associated
/// token account, creating it if needed.
pub async fn request_usdc(node: &Node, params: Value) -> Result<Value, RpcError> {
    let owner = pubkey(&params, 0, "owner")?;
    let amount: u64 = required(&params, 1, "amount")?;
    if amount == 0 || amount > MAX_USDC {
        return Err(RpcError::invalid_params(
            "amount: 1 to 1,000,000 USDC (in base units) per request",
        ));
    }
    let (payer, faucet) = {
        let chain = node.chain.lock().await;
        (chain.payer().pubkey(), chain.faucet.insecure_clone())
    };
    let account = address::token_account(&owner, &node.mint);
    let create = token_ix::create_token_account(&payer, &owner, &node.mint);
    let mint = token_ix::mint_to(&node.mint, &account, &faucet.pubkey(), amount);
    let signature = execute_local(node, &[create, mint], Some(&faucet)).await?;
    with_context(
        node.slot().await,
        json!({ "signature": signature, "tokenAccount": account.to_string() }),
    )
}
