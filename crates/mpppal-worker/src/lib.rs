//! The MPPPal settlement worker (ADR 0016, ADR 0017). Work reaches it only through the
//! PostgreSQL outbox: the relay moves committed outbox rows into a Redis stream, workers in a
//! consumer group take jobs from it, and every job's outcome (done, retry later, dead) is
//! recorded back on its outbox row, so Redis holds nothing that cannot be rebuilt.

mod attempts;
pub mod chain;
pub mod config;
pub mod confirm;
pub mod jobs;
pub mod metrics;
pub mod outcome;
pub mod queue;
pub mod receipts;
pub mod reconcile;
pub mod relay;
pub mod runner;
pub mod sessions;
pub mod settle;
pub mod webhooks;

pub use config::WorkerConfig;

use sqlx::PgPool;

/// Why a worker step failed; the step can be retried as a whole.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// A job that could not finish now and should be tried again later (after a backoff), with
/// the reason operators will see on the job.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Retry(pub String);

impl From<sqlx::Error> for Retry {
    fn from(e: sqlx::Error) -> Self {
        Retry(format!("database: {e}"))
    }
}

impl From<chain::ChainError> for Retry {
    fn from(e: chain::ChainError) -> Self {
        if let chain::ChainError::Unavailable(_) = &e {
            metrics::get()
                .rpc_errors
                .with_label_values(&["settle"])
                .inc();
        }
        Retry(e.to_string())
    }
}

/// What every job needs.
pub struct Ctx {
    pub db: PgPool,
    pub chain: chain::Chain,
    pub master_key: [u8; 32],
    pub config: WorkerConfig,
    pub http: reqwest::Client,
    /// One settlement per wallet at a time in this process: payments of one wallet take its
    /// nonces in turn, so concurrent ones would only race and rebuild.
    wallets:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

impl Ctx {
    pub fn new(db: PgPool, master_key: [u8; 32], config: WorkerConfig) -> Self {
        let chain = chain::Chain::new(&config.rpc_url, config.commitment);
        let http = reqwest::Client::builder()
            .timeout(config.webhook_timeout)
            // A webhook endpoint answers where it is registered; following redirects would let
            // it point the worker elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Names resolve to public addresses only (unless allowed): the address connected to
            // is the one checked, whatever DNS said at registration.
            .dns_resolver(config.egress.resolver())
            .build()
            .expect("an HTTP client");
        Self {
            db,
            chain,
            master_key,
            config,
            http,
            wallets: Default::default(),
        }
    }

    /// Holds `wallet`'s turn until the guard drops (other workers' settlements of the wallet
    /// still race; the nonce settles who wins).
    pub async fn wallet_turn(&self, wallet: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = self
            .wallets
            .lock()
            .expect("not poisoned")
            .entry(wallet.to_string())
            .or_default()
            .clone();
        lock.lock_owned().await
    }
}
