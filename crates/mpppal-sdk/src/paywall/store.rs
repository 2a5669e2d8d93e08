//! Consumed credentials and the receipts accepted but not yet settled.

use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// Why a payment could not be reserved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReserveError<E> {
    #[error("the credential was already used")]
    AlreadyUsed,
    #[error(transparent)]
    Refused(E),
}

/// Where a paywall keeps what must survive between requests. One implementation per
/// deployment: in memory for one process, shared storage for several replicas.
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Atomically: refuses a challenge id seen before; otherwise runs `check` with the wallet's
    /// pending total and, if it passes, records the challenge as used and `amount` as pending.
    async fn reserve(
        &self,
        challenge_id: &str,
        wallet: &Pubkey,
        amount: u64,
        check: &(dyn Fn(u64) -> Result<(), String> + Send + Sync),
    ) -> Result<(), ReserveError<String>>;

    /// Marks `key` (a challenge id or a transaction signature) used; false if it already was.
    async fn consume(&self, key: &str) -> bool;

    /// Forgets the pending amount of a payment whose request failed; the challenge stays used.
    async fn release(&self, challenge_id: &str);

    /// Base units accepted from `wallet` and not yet settled.
    async fn pending(&self, wallet: &Pubkey) -> u64;
}

#[derive(Default)]
struct State {
    used: HashSet<String>,
    pending: HashMap<Pubkey, u64>,
    by_challenge: HashMap<String, (Pubkey, u64)>,
}

/// The single-process store.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[async_trait]
impl PaymentStore for MemoryStore {
    async fn reserve(
        &self,
        challenge_id: &str,
        wallet: &Pubkey,
        amount: u64,
        check: &(dyn Fn(u64) -> Result<(), String> + Send + Sync),
    ) -> Result<(), ReserveError<String>> {
        let mut state = self.state.lock().expect("payment store lock");
        if state.used.contains(challenge_id) {
            return Err(ReserveError::AlreadyUsed);
        }
        let pending = state.pending.get(wallet).copied().unwrap_or(0);
        check(pending).map_err(ReserveError::Refused)?;
        state.used.insert(challenge_id.to_string());
        *state.pending.entry(*wallet).or_default() += amount;
        state
            .by_challenge
            .insert(challenge_id.to_string(), (*wallet, amount));
        Ok(())
    }

    async fn consume(&self, key: &str) -> bool {
        self.state
            .lock()
            .expect("payment store lock")
            .used
            .insert(key.to_string())
    }

    async fn release(&self, challenge_id: &str) {
        let mut state = self.state.lock().expect("payment store lock");
        if let Some((wallet, amount)) = state.by_challenge.remove(challenge_id) {
            if let Some(p) = state.pending.get_mut(&wallet) {
                *p = p.saturating_sub(amount);
            }
        }
    }

    async fn pending(&self, wallet: &Pubkey) -> u64 {
        let state = self.state.lock().expect("payment store lock");
        state.pending.get(wallet).copied().unwrap_or(0)
    }
}
