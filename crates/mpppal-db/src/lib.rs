//! MPPPal's off-chain source of truth: the PostgreSQL schema and connecting to it.
//!
//! The schema lives in `migrations/` and is embedded in the binary; `mpppal serve` applies it at
//! start. This crate knows no HTTP and no jobs (docs/adr/0009-database-schema.md).

pub mod accounts;
pub mod audit;
pub mod batches;
pub mod budget;
pub mod deliveries;
pub mod escalations;
pub mod events;
pub mod login_links;
pub mod members;
pub mod outbox;
pub mod overview;
pub mod owners;
pub mod policies;
pub mod purge;
pub mod receipts;
pub mod reconciliation;
pub mod sessions;
pub mod settlement;
pub mod spend;
pub mod transfers;
pub mod webhooks;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// The schema's migrations, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// A pool on `url`; fails fast when the database cannot be reached.
pub async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
}

/// Brings the schema up to date. Concurrent callers are safe: sqlx takes an advisory lock.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// One round trip: whether the database answers.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT 1 AS one")
        .fetch_one(pool)
        .await
        .map(|_| ())
}
