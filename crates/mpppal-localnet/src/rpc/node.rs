//! The chain as the RPC layer holds it: one writer, many readers, and a record of every
//! transaction it processed.

use solana_hash::Hash;
use solana_program_test::BanksClient;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_status_client_types::UiTransactionStatusMeta;
use std::collections::HashMap;
use std::sync::Mutex as SyncMutex;
use tokio::sync::Mutex;

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

pub struct Node {
    /// Held for the whole simulate-process-read sequence of a send, so balances read before and
    /// after a transaction belong to it alone.
    pub(super) chain: Mutex<LocalChain>,
    banks: BanksClient,
    pub mint: Pubkey,
    pub faucet: Pubkey,
    pub(super) genesis_hash: String,
    ledger: SyncMutex<HashMap<Signature, Recorded>>,
    /// Blockhashes handed out by `getLatestBlockhash`, with their last valid block height.
    blockhashes: SyncMutex<HashMap<Hash, u64>>,
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
            ledger: SyncMutex::new(HashMap::new()),
            blockhashes: SyncMutex::new(HashMap::new()),
        }
    }

    /// A client for reads; cheap to clone.
    pub fn banks(&self) -> BanksClient {
        self.banks.clone()
    }

    pub async fn slot(&self) -> u64 {
        self.banks().get_root_slot().await.unwrap_or(0)
    }

    pub fn record(&self, signature: Signature, recorded: Recorded) {
        self.ledger
            .lock()
            .expect("ledger lock")
            .insert(signature, recorded);
    }

    pub fn recorded(&self, signature: &Signature) -> Option<Recorded> {
        self.ledger
            .lock()
            .expect("ledger lock")
            .get(signature)
            .cloned()
    }

    pub fn remember_blockhash(&self, blockhash: Hash, last_valid_block_height: u64) {
        self.blockhashes
            .lock()
            .expect("blockhash lock")
            .insert(blockhash, last_valid_block_height);
    }

    pub fn blockhash_expiry(&self, blockhash: &Hash) -> Option<u64> {
        self.blockhashes
            .lock()
            .expect("blockhash lock")
            .get(blockhash)
            .copied()
    }
}
