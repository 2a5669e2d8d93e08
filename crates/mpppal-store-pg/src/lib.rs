//! [`PgStore`]: the paywall's [`PaymentStore`] and [`ChannelStore`] in PostgreSQL, so several
//! replicas of a provider share one record of used credentials, of receipts accepted but not yet
//! settled, and of open payment channels.
//!
//! Every `reserve` runs in one transaction holding a per-wallet advisory lock: the check against
//! the wallet's pending total and the insert that raises it cannot interleave with another
//! replica's, so replicas together never accept more than the wallet can pay.

use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use mpppal_sdk::paywall::{PaymentStore, ReserveError};

mod channels;

#[doc(no_inline)]
pub use mpppal_sdk::paywall::ChannelStore;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// Tables of this store, created on connect if missing. Prefixed so they can share a database.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS paywall_consumed (
        key TEXT PRIMARY KEY,
        consumed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )",
    "CREATE TABLE IF NOT EXISTS paywall_pending (
        challenge_id TEXT PRIMARY KEY,
        wallet TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        accepted_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )",
    "CREATE INDEX IF NOT EXISTS paywall_pending_wallet ON paywall_pending (wallet)",
    "CREATE TABLE IF NOT EXISTS paywall_channels (
        channel TEXT PRIMARY KEY,
        version BIGINT NOT NULL CHECK (version >= 0),
        record JSONB NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )",
];

/// Serializes schema creation: concurrent `CREATE TABLE IF NOT EXISTS` can still collide.
const SCHEMA_LOCK: i64 = 0x6d70_7070_616c_0001;

/// The PostgreSQL payment store.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (e.g. `postgres://user@host/db`) and creates the tables if missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            // A paid request waits on the store: fail it quickly rather than hang the client.
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::with_pool(pool).await
    }

    /// Uses an existing pool; creates the tables if missing.
    pub async fn with_pool(pool: PgPool) -> Result<Self, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut *tx)
            .await?;
        for statement in SCHEMA {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Self { pool })
    }

    async fn try_reserve(
        &self,
        challenge_id: &str,
        wallet: &Pubkey,
        amount: u64,
        check: &(dyn Fn(u64) -> Result<(), String> + Send + Sync),
    ) -> Result<Result<(), ReserveError<String>>, sqlx::Error> {
        let Ok(amount) = i64::try_from(amount) else {
            return Ok(Err(ReserveError::Refused(format!(
                "amount {amount} is beyond what the store records"
            ))));
        };
        let wallet = wallet.to_string();
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(&wallet)
            .execute(&mut *tx)
            .await?;
        let inserted =
            sqlx::query("INSERT INTO paywall_consumed (key) VALUES ($1) ON CONFLICT DO NOTHING")
                .bind(challenge_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if inserted == 0 {
            return Ok(Err(ReserveError::AlreadyUsed));
        }
        let pending = pending_of(&mut *tx, &wallet).await?;
        if let Err(reason) = check(pending) {
            // Dropping the transaction rolls it back: the credential stays unused.
            return Ok(Err(ReserveError::Refused(reason)));
        }
        sqlx::query(
            "INSERT INTO paywall_pending (challenge_id, wallet, amount) VALUES ($1, $2, $3)",
        )
        .bind(challenge_id)
        .bind(&wallet)
        .bind(amount)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

async fn pending_of<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    wallet: &str,
) -> Result<u64, sqlx::Error> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(amount), 0)::BIGINT FROM paywall_pending WHERE wallet = $1",
    )
    .bind(wallet)
    .fetch_one(executor)
    .await?;
    // Amounts are inserted positive, so the sum is never negative.
    Ok(u64::try_from(total).unwrap_or(0))
}

/// A store that cannot be reached must not let a payment through: refusals say why.
fn unavailable(e: &sqlx::Error) -> String {
    tracing::error!(error = %e, "payment store unavailable");
    format!("the payment store is unavailable: {e}")
}

#[async_trait]
impl PaymentStore for PgStore {
    async fn reserve(
        &self,
        challenge_id: &str,
        wallet: &Pubkey,
        amount: u64,
        check: &(dyn Fn(u64) -> Result<(), String> + Send + Sync),
    ) -> Result<(), ReserveError<String>> {
        self.try_reserve(challenge_id, wallet, amount, check)
            .await
            .unwrap_or_else(|e| Err(ReserveError::Refused(unavailable(&e))))
    }

    async fn consume(&self, key: &str) -> bool {
        // Unreachable storage answers "already used": refusing is safe, double spending is not.
        sqlx::query("INSERT INTO paywall_consumed (key) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(key)
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected() == 1)
            .unwrap_or_else(|e| {
                unavailable(&e);
                false
            })
    }

    async fn release(&self, challenge_id: &str) {
        if let Err(e) = sqlx::query("DELETE FROM paywall_pending WHERE challenge_id = $1")
            .bind(challenge_id)
            .execute(&self.pool)
            .await
        {
            // The amount stays counted as pending: the wallet is under-used, never over-spent.
            unavailable(&e);
        }
    }

    async fn pending(&self, wallet: &Pubkey) -> u64 {
        // Unknown means "assume the worst" to callers that compare against a balance.
        pending_of(&self.pool, &wallet.to_string())
            .await
            .unwrap_or_else(|e| {
                unavailable(&e);
                u64::MAX
            })
    }
}
