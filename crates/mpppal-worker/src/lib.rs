//! The MPPPal settlement worker (ADR 0016). Work reaches it only through the PostgreSQL outbox:
//! the relay moves committed outbox rows into a Redis stream, and workers in a consumer group
//! take jobs from it, each acknowledged once done. Settlement, webhook delivery and
//! reconciliation jobs are built on this as they land.

pub mod queue;
pub mod relay;

/// Why a worker step failed; the step can be retried as a whole.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}
