//! The worker's side of the chain: reading wallets, recent blockhashes and signature statuses,
//! and sending signed transactions. Errors say whether trying again later can help
//! ([`ChainError::Unavailable`]) or the chain refused ([`ChainError::Rejected`]).

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use mpppal_policy_program::Wallet;
use mpppal_settlement_program::state::Session;
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_instruction_error::InstructionError;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{RpcSendTransactionConfig, RpcTransactionConfig};
use solana_signature::Signature;
use solana_transaction::{Hash, Transaction};
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{
    EncodedConfirmedTransactionWithStatusMeta, UiTransactionEncoding,
};
use std::str::FromStr;
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
        let data = self
            .data_owned_by(address, &mpppal_solana::POLICY_PROGRAM_ID)
            .await?;
        Ok(data.and_then(|d| Wallet::try_deserialize(&mut d.as_slice()).ok()))
    }

    /// The data of the account at `address` (at `confirmed`), if it exists and `owner` owns it.
    async fn data_owned_by(
        &self,
        address: &Pubkey,
        owner: &Pubkey,
    ) -> Result<Option<Vec<u8>>, ChainError> {
        let account = self
            .rpc
            .get_account_with_commitment(address, CommitmentConfig::confirmed())
            .await
            .map_err(unavailable)?
            .value;
        Ok(account.filter(|a| a.owner == *owner).map(|a| a.data))
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

    /// Which of `addresses` hold an account owned by `program` (at `confirmed`), in order.
    pub async fn owned_by(
        &self,
        program: &Pubkey,
        addresses: &[Pubkey],
    ) -> Result<Vec<bool>, ChainError> {
        let mut owned = Vec::with_capacity(addresses.len());
        // The node answers at most 100 addresses per call.
        for chunk in addresses.chunks(100) {
            let accounts = self
                .rpc
                .get_multiple_accounts_with_commitment(chunk, CommitmentConfig::confirmed())
                .await
                .map_err(unavailable)?
                .value;
            owned.extend(
                accounts
                    .iter()
                    .map(|a| a.as_ref().is_some_and(|a| a.owner == *program)),
            );
        }
        Ok(owned)
    }

    /// The log lines of the landed transaction `signature` (events are `Program data:` lines).
    pub async fn logs(&self, signature: &Signature) -> Result<Vec<String>, ChainError> {
        let landed = self.landed_transaction(signature).await?;
        Ok(match landed.transaction.meta.map(|m| m.log_messages) {
            Some(OptionSerializer::Some(logs)) => logs,
            _ => Vec::new(),
        })
    }

    /// Every signature the landed transaction `signature` carries; `None` if the node's copy
    /// does not decode.
    pub async fn signatures_of(
        &self,
        signature: &Signature,
    ) -> Result<Option<Vec<Signature>>, ChainError> {
        let landed = self.landed_transaction(signature).await?;
        Ok(landed
            .transaction
            .transaction
            .decode()
            .map(|tx| tx.signatures))
    }

    async fn landed_transaction(
        &self,
        signature: &Signature,
    ) -> Result<EncodedConfirmedTransactionWithStatusMeta, ChainError> {
        self.rpc
            .get_transaction_with_config(
                signature,
                RpcTransactionConfig {
                    encoding: Some(UiTransactionEncoding::Base64),
                    commitment: Some(CommitmentConfig::confirmed()),
                    max_supported_transaction_version: Some(0),
                },
            )
            .await
            .map_err(unavailable)
    }

    /// When the landed transaction `signature` executed (the cluster clock, Unix seconds), if
    /// the node says.
    pub async fn block_time(&self, signature: &Signature) -> Result<Option<i64>, ChainError> {
        Ok(self.landed_transaction(signature).await?.block_time)
    }

    /// The Settlement Program session at `address`, if there is one.
    pub async fn session(&self, address: &Pubkey) -> Result<Option<Session>, ChainError> {
        let data = self
            .data_owned_by(address, &mpppal_solana::SETTLEMENT_PROGRAM_ID)
            .await?;
        Ok(data.and_then(|d| Session::try_deserialize(&mut d.as_slice()).ok()))
    }

    /// Base units held by the token account at `address` (0 when it does not exist).
    pub async fn token_balance(&self, address: &Pubkey) -> Result<u64, ChainError> {
        let data = self.data_owned_by(address, &token_program_id()).await?;
        Ok(data
            .and_then(|d| d.get(64..72).and_then(|b| b.try_into().ok()))
            .map_or(0, u64::from_le_bytes))
    }

    /// The cluster's clock (Unix seconds), which the programs judge expiry by.
    pub async fn clock(&self) -> Result<i64, ChainError> {
        let data = self
            .data_owned_by(&sysvar_clock(), &sysvar_owner())
            .await?
            .ok_or_else(|| ChainError::Unavailable("the node has no clock sysvar".into()))?;
        let clock: anchor_lang::prelude::Clock = bincode::deserialize(&data)
            .map_err(|_| ChainError::Unavailable("the clock sysvar does not decode".into()))?;
        Ok(clock.unix_timestamp)
    }

    /// The newest transactions that named `address` (at most `limit`), newest first: each
    /// signature and whether it succeeded.
    pub async fn history(
        &self,
        address: &Pubkey,
        limit: usize,
    ) -> Result<Vec<(Signature, bool)>, ChainError> {
        let found = self
            .rpc
            .get_signatures_for_address_with_config(
                address,
                GetConfirmedSignaturesForAddress2Config {
                    before: None,
                    until: None,
                    limit: Some(limit),
                    commitment: Some(CommitmentConfig::confirmed()),
                },
            )
            .await
            .map_err(unavailable)?;
        Ok(found
            .into_iter()
            .filter_map(|s| Some((Signature::from_str(&s.signature).ok()?, s.err.is_none())))
            .collect())
    }

    /// Every transaction that named `address` in slot `from_slot` or later, newest first: each
    /// signature and whether it succeeded. Pages through the node's history, 1,000 at a time.
    pub async fn history_since(
        &self,
        address: &Pubkey,
        from_slot: u64,
    ) -> Result<Vec<(Signature, bool)>, ChainError> {
        const PAGE: usize = 1000;
        let mut found = Vec::new();
        let mut before = None;
        loop {
            let page = self
                .rpc
                .get_signatures_for_address_with_config(
                    address,
                    GetConfirmedSignaturesForAddress2Config {
                        before,
                        until: None,
                        limit: Some(PAGE),
                        commitment: Some(CommitmentConfig::confirmed()),
                    },
                )
                .await
                .map_err(unavailable)?;
            let full = page.len() == PAGE;
            for entry in page {
                if entry.slot < from_slot {
                    return Ok(found);
                }
                let Ok(signature) = Signature::from_str(&entry.signature) else {
                    continue;
                };
                before = Some(signature);
                found.push((signature, entry.err.is_none()));
            }
            if !full {
                return Ok(found);
            }
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

/// The Anchor events of type `E` among a transaction's log lines (`Program data: <base64>`).
pub fn events<E: anchor_lang::AnchorDeserialize + anchor_lang::Discriminator>(
    logs: &[String],
) -> Vec<E> {
    use base64::Engine;
    logs.iter()
        .filter_map(|line| line.strip_prefix("Program data: "))
        .filter_map(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
        .filter_map(|bytes| {
            let body = bytes.strip_prefix(E::DISCRIMINATOR)?;
            E::deserialize(&mut &body[..]).ok()
        })
        .collect()
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

/// The owner of every sysvar account.
fn sysvar_owner() -> Pubkey {
    anchor_lang::prelude::pubkey!("Sysvar1111111111111111111111111111111111111")
}

fn sysvar_clock() -> Pubkey {
    anchor_lang::prelude::pubkey!("SysvarC1ock11111111111111111111111111111111")
}

/// SPL Token: a token account's amount is the u64 at bytes 64..72 of its data.
fn token_program_id() -> Pubkey {
    anchor_lang::prelude::pubkey!("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
}
