//! The MPPPal operator API: an axum service on PostgreSQL.
//!
//! This first slice serves liveness (`/health`), readiness (`/ready`: PostgreSQL, Redis and the
//! Solana RPC node) and its OpenAPI description (`/openapi.json`), and applies the database
//! schema at start. Accounts, policies, payments and auth follow (docs/api.md).

pub mod config;
pub mod problem;
pub mod ready;
pub mod routes;

pub use config::{Config, ConfigError};
pub use ready::Dependencies;
pub use routes::router;

use std::future::Future;
use std::sync::Arc;

/// Why the API could not start, in one line.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot connect to the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot apply the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {0}: {1}")]
    Bind(std::net::SocketAddr, std::io::Error),
}

/// Connects, migrates, binds; then serves until `shutdown` completes. `on_listening` gets the
/// bound address (the port may have been 0).
pub async fn serve(
    config: &Config,
    on_listening: impl FnOnce(std::net::SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let db = mpppal_db::connect(&config.database_url).await?;
    mpppal_db::migrate(&db).await?;
    let deps = Dependencies::new(db, &config.redis_url, &config.solana_rpc_url)
        .map_err(StartError::Config)?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| StartError::Bind(config.bind, e))?;
    let address = listener
        .local_addr()
        .map_err(|e| StartError::Bind(config.bind, e))?;
    tracing::info!(%address, "operator API listening");
    on_listening(address);
    axum::serve(listener, router(Arc::new(deps)))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| StartError::Bind(address, e))
}
