//! The worker's side of the chain: reading wallets, recent blockhashes and signature statuses,
//! and sending signed transactions. Errors say whether trying again later can help
//! ([`ChainError::Unavailable`]) or the chain refused ([`ChainError::Rejected`]).

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use mpppal_policy_program::Wallet;
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_instruction_error::InstructionError;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::RpcSendTransactionConfig;
use solana_signature::Signature;
use solana_transaction::{Hash, Transaction};
use solana_transaction_error::TransactionError;
use std::time::Duration;

/// How long one RPC call may take.
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The node did not answer (or answered with a server error); nothing is known to have
    /// changed.
    #[error("the Solana RPC node is unavailable: {0}")]
    Unavailable(String),
    /// The node refused the transaction before forwarding it (preflight), with the program's
    /// error code when there is one.
    #[error("the chain refused the transaction: {detail}")]
    Rejected { code: Option<u32>, detail: String },
}

/// What the chain says of a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Landed {
    /// Executed successfully and at the configured commitment.
    Confirmed,
    /// Executed successfully, not yet at the configured commitment.
    Processing,
    /// Executed and failed: nothing moved; the program's error code when there is one.
    Failed { code: Option<u32>, detail: String },
}

pub struct Chain {
    rpc: RpcClient,
    commitment: CommitmentConfig,
}

impl Chain {
    /// A client of the node at `url`; settlements count once they reach `commitment`
    /// (`confirmed`, or `finalized` for the cautious).
    pub fn new(url: &str, commitment: CommitmentConfig) -> Self {
        Self {
            rpc: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                TIMEOUT,
                CommitmentConfig::confirmed(),
            ),
            commitment,
        }
    }

    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// The MPPPal wallet at `address`, if there is one.
    pub async fn wallet(&self, address: &Pubkey) -> Result<Option<Wallet>, ChainError> {
        let account = self
            .rpc
            .get_account_with_commitment(address, CommitmentConfig::confirmed())
            .await
            .map_err(unavailable)?
            .value;
        Ok(account
            .filter(|a| a.owner == mpppal_solana::POLICY_PROGRAM_ID)
            .and_then(|a| Wallet::try_deserialize(&mut a.data.as_slice()).ok()))
    }

    /// A blockhash to sign with and the last block height at which a transaction using it can
    /// still land.
    pub async fn blockhash(&self) -> Result<(Hash, u64), ChainError> {
        self.rpc
            .get_latest_blockhash_with_commitment(CommitmentConfig::confirmed())
            .await
            .map_err(unavailable)
    }

    /// The confirmed block height: a transaction whose last valid height is below it can no
    /// longer land.
    pub async fn block_height(&self) -> Result<u64, ChainError> {
        self.rpc
            .get_block_height_with_commitment(CommitmentConfig::confirmed())
            .await
            .map_err(unavailable)
    }

    /// Whether a transaction signed with `blockhash` can still land: the confirmed bank still
    /// knows the blockhash (blocks to come descend from it, and only forget older ones).
    pub async fn blockhash_valid(&self, blockhash: &Hash) -> Result<bool, ChainError> {
        self.rpc
            .is_blockhash_valid(blockhash, CommitmentConfig::confirmed())
            .await
            .map_err(unavailable)
    }

    /// What became of `signature`, searching the node's whole history; `None` if it never
    /// executed (as far as the node knows).
    pub async fn landed(&self, signature: &Signature) -> Result<Option<Landed>, ChainError> {
        let statuses = self
            .rpc
            .get_signature_statuses_with_history(&[*signature])
            .await
            .map_err(unavailable)?
            .value;
        Ok(statuses.into_iter().next().flatten().map(|status| {
            if let Some(err) = &status.err {
                Landed::Failed {
                    code: custom_code(err),
                    detail: err.to_string(),
                }
            } else if status.satisfies_commitment(self.commitment) {
                Landed::Confirmed
            } else {
                Landed::Processing
            }
        }))
    }

    /// Sends `tx` after a preflight simulation; a refused preflight means the node did not
    /// forward it.
    pub async fn send(&self, tx: &Transaction) -> Result<(), ChainError> {
        let config = RpcSendTransactionConfig {
            preflight_commitment: Some(CommitmentLevel::Confirmed),
            ..RpcSendTransactionConfig::default()
        };
        match self.rpc.send_transaction_with_config(tx, config).await {
            Ok(_) => Ok(()),
            Err(e) => Err(classify(&e)),
        }
    }

    /// Whether the node says it is healthy, and its slot.
    pub async fn health(&self) -> Result<u64, ChainError> {
        self.rpc.get_health().await.map_err(unavailable)?;
        self.rpc
            .get_slot_with_commitment(CommitmentConfig::processed())
            .await
            .map_err(unavailable)
    }
}

/// A program's custom error code inside a transaction error.
pub fn custom_code(err: &TransactionError) -> Option<u32> {
    match err {
        TransactionError::InstructionError(_, InstructionError::Custom(code)) => Some(*code),
        _ => None,
    }
}

fn unavailable(e: ClientError) -> ChainError {
    ChainError::Unavailable(e.to_string())
}

/// A send error: the node's refusal (with the program's reason from the logs when it sent
/// them), or unavailability.
fn classify(e: &ClientError) -> ChainError {
    use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
    if let Some(err) = e.get_transaction_error() {
        let mut detail = err.to_string();
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
                detail = line.clone();
            }
        }
        return ChainError::Rejected {
            code: custom_code(&err),
            detail,
        };
    }
    match e.kind() {
        // The node refused the request itself (a bad signature, malformed parameters):
        // sending it again will not help. Other server errors (an unhealthy node) may pass.
        ErrorKind::RpcError(RpcError::RpcResponseError { code, message, .. })
            if *code == -32003 || *code == -32602 =>
        {
            ChainError::Rejected {
                code: None,
                detail: message.clone(),
            }
        }
        _ => ChainError::Unavailable(e.to_string()),
    }
}
