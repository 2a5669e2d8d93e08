//! The MPPPal operator API: an axum service on PostgreSQL.
//!
//! It applies the database schema at start and serves liveness (`/health`), readiness (`/ready`:
//! PostgreSQL, Redis and the Solana RPC node), its OpenAPI description (`/openapi.json`), and
//! `/v1` behind HMAC-signed API keys: the caller's identity and keys, agent accounts with their
//! wallets on chain, and their policies (docs/api.md). Payments follow.

pub mod auth;
mod chain;
mod cluster;
pub mod config;
mod custody;
pub mod dashboard;
pub mod dogstatsd;
pub mod idempotency;
mod json;
pub mod metrics;
mod openapi_complete;
pub mod problem;
pub mod rate_limit;
pub mod ready;
pub mod rotation;
pub mod routes;
mod security_headers;
pub mod signin;
pub mod v1;

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
    let redis_url = config.redis_url.as_deref().ok_or_else(|| {
        StartError::Config("config: REDIS_URL is not set (or redis_url in the config file)".into())
    })?;
    let db = mpppal_db::connect(&config.database_url).await?;
    mpppal_db::migrate(&db).await?;
    let deps = Dependencies::new(db, redis_url, &config.solana_rpc_url)
        .map_err(StartError::Config)?
        .with_master_key(config.master_key)
        .with_usdc_mint(config.usdc_mint, &config.solana_rpc_url)
        .with_oidc(config.oidc.clone())
        .with_public_url(Some(&config.public_url))
        .with_egress(config.egress)
        .with_rate_limits(config.rate_limits)
        .with_dashboard(
            config
                .dashboard_dir
                .as_deref()
                .map(dashboard::Dashboard::load)
                .transpose()
                .map_err(StartError::Config)?,
        );
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| StartError::Bind(config.bind, e))?;
    let address = listener
        .local_addr()
        .map_err(|e| StartError::Bind(config.bind, e))?;
    tracing::info!(%address, "operator API listening");
    let sweeper = tokio::spawn(sweep_escalations(deps.db.clone()));
    let deps = Arc::new(deps);
    let probe = tokio::spawn(ready::probe(deps.clone(), PROBE_EVERY));
    let exporter = config
        .dogstatsd_addr
        .clone()
        .map(|address| tokio::spawn(dogstatsd::export(address, DOGSTATSD_EVERY)));
    on_listening(address);
    // With connection info, so the per-address rate limit knows each client.
    let served = axum::serve(
        listener,
        router(deps).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|e| StartError::Bind(address, e));
    sweeper.abort();
    probe.abort();
    if let Some(exporter) = exporter {
        exporter.abort();
    }
    served
}

/// How often `serve` checks its dependencies for the metrics (besides every `/ready`).
const PROBE_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
/// How often metrics go to DogStatsD, when configured.
const DOGSTATSD_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How often `serve` looks for escalations whose time is up.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// Rows past their use are purged every 120 sweeps (10 minutes), and at start.
const PURGE_EVERY_TICKS: u64 = 120;

/// Denies expired escalations for as long as the API serves; a failed sweep is logged and tried
/// again on the next tick (nothing is lost: the rows stay pending until a sweep succeeds).
async fn sweep_escalations(db: sqlx::PgPool) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        ticks += 1;
        if let Err(problem) = v1::expire_due(&db).await {
            tracing::warn!(detail = %problem.detail, "escalation sweep failed");
        }
        if ticks % PURGE_EVERY_TICKS == 1 {
            purge(&db).await;
        }
    }
}

/// Deletes rows past their use, a batch at a time while there are any.
async fn purge(db: &sqlx::PgPool) {
    loop {
        match mpppal_db::purge::expired(db).await {
            Ok(purged) if purged == mpppal_db::purge::Purged::default() => return,
            Ok(purged) => tracing::info!(?purged, "purged expired rows"),
            Err(e) => {
                tracing::warn!(error = %e, "purge failed");
                return;
            }
        }
    }
}

/// A new operator with one API key holding every scope: how the first key comes to exist.
/// Applies the schema first, like `serve`.
pub async fn create_operator(
    config: &Config,
    name: &str,
) -> Result<(sqlx::types::Uuid, auth::keys::NewKey), StartError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StartError::Config(
            "the operator name must be 1 to 200 characters".into(),
        ));
    }
    let master = config.master_key.ok_or_else(|| {
        StartError::Config("MPPPAL_MASTER_KEY is needed to create API keys".into())
    })?;
    let db = mpppal_db::connect(&config.database_url).await?;
    mpppal_db::migrate(&db).await?;
    // Both or neither: an operator without a key could never be used.
    let mut tx = db.begin().await?;
    let operator = auth::keys::create_operator(&mut *tx, name).await?;
    let key = auth::keys::create(
        &mut *tx,
        &master,
        operator,
        "created with the operator",
        &[
            auth::Scope::Read,
            auth::Scope::Write,
            auth::Scope::Agent,
            auth::Scope::Approve,
        ],
    )
    .await?;
    mpppal_db::audit::append(
        &mut tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(operator),
            actor: "cli",
            action: "operator.created",
            subject: &operator.to_string(),
            details: serde_json::json!({ "name": name, "firstKey": key.key_id }),
        },
    )
    .await?;
    // The owner key comes with the operator, so its address can be funded before any account.
    let (seed, owner) = custody::generate();
    mpppal_db::owners::insert_or_get(
        &mut tx,
        operator,
        &solana_signer::Signer::pubkey(&owner).to_string(),
        &auth::seal::seal(&master, &custody::owner_label(operator), &seed),
    )
    .await?;
    tx.commit().await?;
    Ok((operator, key))
}

/// Lets the OpenID Connect identity `subject` at `issuer` sign in for `operator`.
pub async fn add_member(
    config: &Config,
    operator: sqlx::types::Uuid,
    issuer: &str,
    subject: &str,
) -> Result<(), StartError> {
    let subject = subject.trim();
    if subject.is_empty() || subject.len() > 255 || issuer.is_empty() || issuer.len() > 500 {
        return Err(StartError::Config(
            "the subject must be 1 to 255 bytes and the issuer 1 to 500".into(),
        ));
    }
    let mut tx = operator_tx(config, operator).await?;
    mpppal_db::members::add(&mut tx, operator, issuer, subject).await?;
    mpppal_db::audit::append(
        &mut tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(operator),
            actor: "cli",
            action: "operator.member_added",
            subject,
            details: serde_json::json!({ "issuer": issuer }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves every sealed key (API, owner and agent keys) from the master key `old` to the configured one (`MPPPAL_MASTER_KEY`).
pub async fn rotate_master_key(
    config: &Config,
    old: &[u8; 32],
) -> Result<rotation::Resealed, StartError> {
    let new = config.master_key.ok_or_else(|| {
        StartError::Config("MPPPAL_MASTER_KEY (the new master key) is not set".into())
    })?;
    if &new == old {
        return Err(StartError::Config(
            "the old and new master keys are the same".into(),
        ));
    }
    let db = mpppal_db::connect(&config.database_url).await?;
    mpppal_db::migrate(&db).await?;
    rotation::reseal_all(&db, old, &new)
        .await?
        .map_err(StartError::Config)
}

/// A one-time sign-in link for `subject` of `operator` (`mpppal operator login-link`): the URL to
/// open, under `base_url` (default: the configured public URL), good once for ten minutes.
pub async fn login_link(
    config: &Config,
    operator: sqlx::types::Uuid,
    subject: &str,
    base_url: Option<&str>,
) -> Result<String, StartError> {
    let subject = subject.trim();
    if subject.is_empty() || subject.len() > 255 || subject.contains('\0') {
        return Err(StartError::Config(
            "the subject must be 1 to 255 bytes of text".into(),
        ));
    }
    let master = config.master_key.ok_or_else(|| {
        StartError::Config("MPPPAL_MASTER_KEY is needed to make a sign-in link".into())
    })?;
    let mut tx = operator_tx(config, operator).await?;
    let token = signin::create_link(&mut tx, &master, operator, subject).await?;
    mpppal_db::audit::append(
        &mut tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(operator),
            actor: "cli",
            action: "operator.login_link_created",
            subject,
            details: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    let base = base_url.unwrap_or(&config.public_url).trim_end_matches('/');
    Ok(format!("{base}/auth/link?token={token}"))
}

/// A transaction on the configured database (its schema brought up to date) for a command about
/// `operator`, which must exist.
async fn operator_tx(
    config: &Config,
    operator: sqlx::types::Uuid,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StartError> {
    let db = mpppal_db::connect(&config.database_url).await?;
    mpppal_db::migrate(&db).await?;
    let mut tx = db.begin().await?;
    let known = sqlx::query_scalar!(
        "SELECT name FROM operators WHERE operator_id = $1",
        operator
    )
    .fetch_optional(&mut *tx)
    .await?;
    if known.is_none() {
        return Err(StartError::Config(format!("no operator {operator}")));
    }
    Ok(tx)
}
