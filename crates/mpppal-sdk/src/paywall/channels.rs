//! Where a paywall keeps its open payment channels, so that every replica of a provider sees the
//! same accepted voucher for a channel.
//!
//! Writes are compare-and-set on a version number: a replica reads a channel, decides, and
//! writes back only if nobody wrote in between; otherwise it reads again and decides again. Two
//! replicas can therefore never both accept the voucher that follows the same state.

use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use mpppal_solana::method::SignedVoucher;
use mpppal_solana::settlement_ix::SessionAccounts;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

/// What a paywall knows of one channel it accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelRecord {
    #[serde(with = "base58")]
    pub wallet: Pubkey,
    #[serde(with = "base58")]
    pub mint: Pubkey,
    /// Kept as a decimal string: JSON numbers lose precision above 2^53.
    #[serde(with = "decimal")]
    pub session_id: u64,
    #[serde(with = "base58")]
    pub payee: Pubkey,
    #[serde(with = "base58")]
    pub rent_payer: Pubkey,
    /// The voucher signer, read from the Session account on chain at open.
    #[serde(with = "base58")]
    pub signer: Pubkey,
    #[serde(with = "decimal")]
    pub deposit: u64,
    /// Highest cumulative amount accepted for a served request, and the voucher carrying it.
    #[serde(with = "decimal")]
    pub accepted: u64,
    pub best: Option<SignedVoucher>,
    /// Whether `best` was already served once more as the retry of a lost response (ADR 0006).
    pub retried: bool,
    /// Set once a voucher served before verification turned out badly signed: from then on every
    /// voucher of this channel is verified before serving (ADR 0019).
    #[serde(default)]
    pub verify_first: bool,
    /// Set before the closing transaction is sent, so no voucher is accepted meanwhile; put back
    /// if that transaction fails.
    pub closed: bool,
}

impl ChannelRecord {
    /// Makes `voucher`, for `cumulative`, the accepted one; `retried` when this acceptance is
    /// the one-time resend of the accepted voucher.
    pub(super) fn accept(&mut self, voucher: &SignedVoucher, cumulative: u64, retried: bool) {
        self.accepted = cumulative;
        self.best = Some(voucher.clone());
        self.retried = retried;
    }

    pub fn accounts(&self) -> SessionAccounts {
        SessionAccounts {
            wallet: self.wallet,
            mint: self.mint,
            session_id: self.session_id,
            payee: self.payee,
            rent_payer: self.rent_payer,
        }
    }
}

/// A channel record with the version a compare-and-set must name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned {
    pub version: u64,
    pub record: ChannelRecord,
}

/// Storage for channel records. A failure is a message: the paywall answers 503 and accepts
/// nothing it could not record.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// Records a newly opened channel at version 0; false if the channel is already known.
    async fn insert(&self, channel: &Pubkey, record: &ChannelRecord) -> Result<bool, String>;

    /// The channel's current record, if known.
    async fn load(&self, channel: &Pubkey) -> Result<Option<Versioned>, String>;

    /// Replaces the record if it is still at `version` (it becomes `version + 1`); false if
    /// another writer got there first.
    async fn update(
        &self,
        channel: &Pubkey,
        version: u64,
        record: &ChannelRecord,
    ) -> Result<bool, String>;
}

/// Channel records in this process's memory: for a provider with one replica. A restart
/// forgets open channels; their payers recover the escrow through `expire_session`.
#[derive(Default)]
pub struct MemoryChannels {
    map: Mutex<HashMap<Pubkey, Versioned>>,
}

#[async_trait]
impl ChannelStore for MemoryChannels {
    async fn insert(&self, channel: &Pubkey, record: &ChannelRecord) -> Result<bool, String> {
        let mut map = self.map.lock().expect("channel store lock");
        if map.contains_key(channel) {
            return Ok(false);
        }
        map.insert(
            *channel,
            Versioned {
                version: 0,
                record: record.clone(),
            },
        );
        Ok(true)
    }

    async fn load(&self, channel: &Pubkey) -> Result<Option<Versioned>, String> {
        Ok(self
            .map
            .lock()
            .expect("channel store lock")
            .get(channel)
            .cloned())
    }

    async fn update(
        &self,
        channel: &Pubkey,
        version: u64,
        record: &ChannelRecord,
    ) -> Result<bool, String> {
        let mut map = self.map.lock().expect("channel store lock");
        match map.get_mut(channel) {
            Some(current) if current.version == version => {
                current.version += 1;
                current.record = record.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

mod base58 {
    use anchor_lang::prelude::Pubkey;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::str::FromStr;

    pub fn serialize<S: Serializer>(key: &Pubkey, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(key)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Pubkey, D::Error> {
        let text = String::deserialize(d)?;
        Pubkey::from_str(&text).map_err(serde::de::Error::custom)
    }
}

mod decimal {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}
