//! The chain as the RPC layer holds it: one writer, many readers, and a record of every
//! transaction it processed.

use solana_program_test::BanksClient;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_status_client_types::UiTransactionStatusMeta;
use std::collections::HashMap;
use std::sync::Mutex as SyncMutex;
use tokio::sync::Mutex;

use crate::ledger::LedgerDir;
use crate::LocalChain;
use anchor_lang::prelude::Pubkey;

/// A transaction the node processed, with what `getTransaction` reports about it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub slot: u64,
    pub block_time: i64,
    pub transaction: VersionedTransaction,
    pub meta: UiTransactionStatusMeta,
}

impl Recorded {
    /// The form saved in the ledger directory.
    pub fn to_json(&self, signature: &Signature) -> serde_json::Value {
        use base64::Engine;
        let tx = bincode::serialize(&self.transaction).unwrap_or_default();
        serde_json::json!({
            "signature": signature.to_string(),
            "slot": self.slot,
            "blockTime": self.block_time,
            "transaction": base64::engine::general_purpose::STANDARD.encode(tx),
            "meta": self.meta,
        })
    }

    pub fn from_json(value: &serde_json::Value) -> std::io::Result<(Signature, Self)> {
        use base64::Engine;
        use std::str::FromStr;
        let bad = |what: &str| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("ledger transaction: bad {what}"),
            )
        };
        let signature = value["signature"]
            .as_str()
            .and_then(|s| Signature::from_str(s).ok())
            .ok_or_else(|| bad("signature"))?;
        let bytes = value["transaction"]
            .as_str()
            .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .ok_or_else(|| bad("transaction"))?;
        let transaction = bincode::deserialize(&bytes).map_err(|_| bad("transaction"))?;
        let meta = serde_json::from_value(value["meta"].clone()).map_err(|_| bad("meta"))?;
        Ok((
            signature,
            Self {
                slot: value["slot"].as_u64().ok_or_else(|| bad("slot"))?,
                block_time: value["blockTime"]
                    .as_i64()
                    .ok_or_else(|| bad("blockTime"))?,
                transaction,
                meta,
            },
        ))
    }
}

/// Every transaction executed, by signature and in execution order.
#[derive(Default)]
struct History {
    by_signature: HashMap<Signature, Recorded>,
    order: Vec<Signature>,
}

pub struct Node {
    /// Held for the whole simulate-process-read sequence of a send, so balances read before and
    /// after a transaction belong to it alone.
    pub(super) chain: Mutex<LocalChain>,
    banks: BanksClient,
    pub mint: Pubkey,
    pub faucet: Pubkey,
    pub(super) genesis_hash: String,
    ledger: SyncMutex<History>,
    pub(super) ledger_dir: Option<LedgerDir>,
}

impl Node {
    pub fn new(chain: LocalChain) -> Self {
        let banks = chain.context.banks_client.clone();
        let mint = chain.mint;
        let faucet = anchor_lang::prelude::Pubkey::new_from_array(
            solana_signer::Signer::pubkey(&chain.faucet).to_bytes(),
        );
        let genesis_hash = chain.genesis_hash();
        Self {
            chain: Mutex::new(chain),
            banks,
            mint,
            faucet,
            genesis_hash,
            ledger: SyncMutex::new(History::default()),
            ledger_dir: None,
        }
    }

    /// A node that saves every transaction's effects in `dir` and starts from what it holds.
    pub async fn persistent(dir: LedgerDir) -> std::io::Result<Self> {
        let chain = LocalChain::start_with_accounts(dir.load_accounts()?).await;
        let history = dir.load_transactions()?;
        let mut node = Self::new(chain);
        for record in history {
            let (signature, recorded) = Recorded::from_json(&record)?;
            node.record(signature, recorded);
        }
        node.ledger_dir = Some(dir);
        Ok(node)
    }

    /// Waits for a transaction being executed to be finished, state and status together, and
    /// holds off the next one while the guard lives: a read of account state made under it
    /// never sees a transaction's effects before its signature status (a validator's RPC never
    /// does either, and the settlement worker relies on it: ADR 0017).
    pub async fn settled(&self) -> tokio::sync::MutexGuard<'_, LocalChain> {
        self.chain.lock().await
    }

    /// A client for reads; cheap to clone.
    pub fn banks(&self) -> BanksClient {
        self.banks.clone()
    }

    pub async fn slot(&self) -> u64 {
        self.banks().get_root_slot().await.unwrap_or(0)
    }

    pub fn record(&self, signature: Signature, recorded: Recorded) {
        let mut ledger = self.ledger.lock().expect("ledger lock");
        if ledger.by_signature.insert(signature, recorded).is_none() {
            ledger.order.push(signature);
        }
    }

    pub fn recorded(&self, signature: &Signature) -> Option<Recorded> {
        self.ledger
            .lock()
            .expect("ledger lock")
            .by_signature
            .get(signature)
            .cloned()
    }

    /// Transactions naming `address` among their accounts, newest first: those before
    /// `before` (exclusive) and after `until` (exclusive) when given, at most `limit`.
    pub fn signatures_for(
        &self,
        address: &Pubkey,
        before: Option<&Signature>,
        until: Option<&Signature>,
        limit: usize,
    ) -> Vec<(Signature, Recorded)> {
        let ledger = self.ledger.lock().expect("ledger lock");
        let mut found = Vec::new();
        let mut started = before.is_none();
        for signature in ledger.order.iter().rev() {
            if Some(signature) == until || found.len() == limit {
                break;
            }
            if !started {
                started = Some(signature) == before;
                continue;
            }
            let recorded = &ledger.by_signature[signature];
            if recorded
                .transaction
                .message
                .static_account_keys()
                .iter()
                .any(|k| k.to_bytes() == address.to_bytes())
            {
                found.push((*signature, recorded.clone()));
            }
        }
        found
    }
}
