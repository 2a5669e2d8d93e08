//! The API's side of the chain: the USDC mint, sending the owner's transactions and reading
//! wallets back. Failures become problems: 503 `chain_unavailable` when the RPC node cannot be
//! reached, 502 `chain_rejected` (with the program's own reason) when it refuses a transaction.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use axum::http::StatusCode;
use mpppal_policy_program::Wallet;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::request::{RpcError, RpcRequest, RpcResponseErrorData};
use solana_signer::Signer;
use std::str::FromStr;
use std::time::Duration;

use crate::problem::Problem;

/// How long one RPC call may take; sending waits for `confirmed` within this too.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Chain {
    rpc: RpcClient,
    configured_mint: Option<Pubkey>,
    mint: tokio::sync::OnceCell<Pubkey>,
}

impl Chain {
    pub fn new(url: &str, usdc_mint: Option<Pubkey>) -> Self {
        Self {
            rpc: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                TIMEOUT,
                CommitmentConfig::confirmed(),
            ),
            configured_mint: usdc_mint,
            mint: tokio::sync::OnceCell::new(),
        }
    }

    /// The mint wallets hold: the configured one, or the one an MPPPal local chain announces.
    pub async fn mint(&self) -> Result<Pubkey, Problem> {
        if let Some(mint) = self.configured_mint {
            return Ok(mint);
        }
        self.mint
            .get_or_try_init(|| async {
                let info: serde_json::Value = self
                    .rpc
                    .send(
                        RpcRequest::Custom {
                            method: "mpppal_info",
                        },
                        serde_json::json!([]),
                    )
                    .await
                    .map_err(|e| match e.kind() {
                        ErrorKind::RpcError(_) => Problem::new(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "not_configured",
                            "MPPPAL_USDC_MINT is not set and the RPC node is not an MPPPal local chain",
                        ),
                        _ => unavailable(&e),
                    })?;
                info["usdcMint"]
                    .as_str()
                    .and_then(|m| Pubkey::from_str(m).ok())
                    .ok_or_else(|| rejected("the local chain named no USDC mint".into()))
            })
            .await
            .copied()
    }

    /// Signs `instructions` with `payer` (who pays the fee) and `signers`, sends, and waits for
    /// `confirmed`; the transaction's signature.
    pub async fn send(
        &self,
        instructions: &[anchor_lang::solana_program::instruction::Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<String, Problem> {
        let blockhash = self
            .rpc
            .get_latest_blockhash()
            .await
            .map_err(|e| unavailable(&e))?;
        let mut all = vec![payer];
        all.extend_from_slice(signers);
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            instructions,
            Some(&payer.pubkey()),
            &all,
            blockhash,
        );
        let signature = self
            .rpc
            .send_and_confirm_transaction(&tx)
            .await
            .map_err(|e| match e.kind() {
                ErrorKind::Io(_) | ErrorKind::Reqwest(_) => unavailable(&e),
                _ => rejected(explain(&e)),
            })?;
        Ok(signature.to_string())
    }

    /// A recent blockhash to sign with.
    pub async fn blockhash(&self) -> Result<solana_transaction::Hash, Problem> {
        self.rpc
            .get_latest_blockhash()
            .await
            .map_err(|e| unavailable(&e))
    }

    /// A blockhash and the last block height at which a transaction signed with it can land.
    pub async fn blockhash_until(&self) -> Result<(solana_transaction::Hash, u64), Problem> {
        self.rpc
            .get_latest_blockhash_with_commitment(self.rpc.commitment())
            .await
            .map_err(|e| unavailable(&e))
    }

    /// The node's current slot (at the client's commitment).
    pub async fn slot(&self) -> Result<u64, Problem> {
        self.rpc.get_slot().await.map_err(|e| unavailable(&e))
    }

    /// The current block height: a transaction whose last valid height is below it cannot land.
    pub async fn block_height(&self) -> Result<u64, Problem> {
        self.rpc
            .get_block_height()
            .await
            .map_err(|e| unavailable(&e))
    }

    /// Lamports held by `address` (0 for an account that does not exist).
    pub async fn lamports(&self, address: &Pubkey) -> Result<u64, Problem> {
        self.rpc
            .get_balance(address)
            .await
            .map_err(|e| unavailable(&e))
    }

    /// The data of the account at `address` if `program` owns it.
    async fn data_of(
        &self,
        address: &Pubkey,
        program: &Pubkey,
    ) -> Result<Option<Vec<u8>>, Problem> {
        let account = self
            .rpc
            .get_account_with_commitment(address, CommitmentConfig::confirmed())
            .await
            .map_err(|e| unavailable(&e))?
            .value;
        Ok(account.filter(|a| a.owner == *program).map(|a| a.data))
    }

    /// The wallet at `address`; 502 `wallet_missing` when the chain has none there (the account
    /// says there is one, so the mirror and the chain disagree).
    pub async fn existing_wallet(&self, address: &Pubkey) -> Result<Wallet, Problem> {
        self.wallet(address).await?.ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "wallet_missing",
                format!("the chain has no wallet at {address}"),
            )
        })
    }

    /// The newest transaction that touched `address`.
    pub async fn last_signature(&self, address: &Pubkey) -> Result<String, Problem> {
        self.signatures(address)
            .await?
            .first()
            .cloned()
            .ok_or_else(|| no_history(address))
    }

    /// The oldest transaction that touched `address` (for a wallet: the one that created it).
    pub async fn first_signature(&self, address: &Pubkey) -> Result<String, Problem> {
        self.signatures(address)
            .await?
            .last()
            .cloned()
            .ok_or_else(|| no_history(address))
    }

    /// The transactions that touched `address`, newest first.
    async fn signatures(&self, address: &Pubkey) -> Result<Vec<String>, Problem> {
        let found = self
            .rpc
            .get_signatures_for_address(address)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(found.into_iter().map(|s| s.signature).collect())
    }

    /// The wallet at `address`, or `None` if there is no MPPPal wallet there.
    pub async fn wallet(&self, address: &Pubkey) -> Result<Option<Wallet>, Problem> {
        let data = self
            .data_of(address, &mpppal_solana::POLICY_PROGRAM_ID)
            .await?;
        Ok(data.and_then(|d| Wallet::try_deserialize(&mut d.as_slice()).ok()))
    }

    /// The Settlement Program session (payment channel) at `address`, if there is one.
    pub async fn session(
        &self,
        address: &Pubkey,
    ) -> Result<Option<mpppal_settlement_program::state::Session>, Problem> {
        let data = self
            .data_of(address, &mpppal_solana::SETTLEMENT_PROGRAM_ID)
            .await?;
        Ok(data.and_then(|d| {
            mpppal_settlement_program::state::Session::try_deserialize(&mut d.as_slice()).ok()
        }))
    }

    /// Base units held by the token account at `address`.
    pub async fn token_balance(&self, address: &Pubkey) -> Result<u64, Problem> {
        let balance = self
            .rpc
            .get_token_account_balance(address)
            .await
            .map_err(|e| unavailable(&e))?;
        balance
            .amount
            .parse()
            .map_err(|_| rejected("the RPC node returned a malformed token balance".into()))
    }
}

fn unavailable(e: &ClientError) -> Problem {
    tracing::warn!(error = %e, "Solana RPC call failed");
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "chain_unavailable",
        "the Solana RPC node did not answer; nothing was changed",
    )
}

fn no_history(address: &Pubkey) -> Problem {
    rejected(format!("the chain lists no transaction of {address}"))
}

fn rejected(detail: String) -> Problem {
    tracing::warn!(%detail, "the chain refused a transaction");
    Problem::new(StatusCode::BAD_GATEWAY, "chain_rejected", detail)
}

/// The program's own words for a refused transaction, when the node sent its logs.
fn explain(e: &ClientError) -> String {
    if let ErrorKind::RpcError(RpcError::RpcResponseError {
        data: RpcResponseErrorData::SendTransactionPreflightFailure(result),
        ..
    }) = e.kind()
    {
        let logs = result.logs.as_deref().unwrap_or_default();
        if let Some(line) = logs
            .iter()
            .rev()
            .find(|l| l.contains("Error Message:") || l.contains("insufficient"))
        {
            return format!("the chain refused the transaction: {line}");
        }
        if let Some(err) = &result.err {
            return format!("the chain refused the transaction: {err}");
        }
    }
    format!("the chain refused the transaction: {e}")
}
