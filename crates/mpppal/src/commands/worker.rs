//! `mpppal worker`: the settlement worker (settlement on chain, webhooks, reconciliation).

use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// TOML configuration file (the same as `serve` reads); environment variables override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    crate::commands::serve::init_logs();
    let config = mpppal_api::Config::load(args.config.as_deref(), |key| std::env::var(key).ok())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(async {
            // Alone, the worker shows its metrics itself; inside `serve`, the API does.
            if let Some(bind) = config.metrics_bind {
                let listener = tokio::net::TcpListener::bind(bind)
                    .await
                    .with_context(|| format!("cannot listen on {bind} for metrics"))?;
                let app = axum::Router::new()
                    .route("/metrics", axum::routing::get(mpppal_api::metrics::handler));
                tracing::info!(%bind, "worker metrics on /metrics");
                tokio::spawn(async move { axum::serve(listener, app).await });
            }
            if let Some(address) = config.dogstatsd_addr.clone() {
                tokio::spawn(mpppal_api::dogstatsd::export(
                    address,
                    std::time::Duration::from_secs(10),
                ));
            }
            start(&config, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
        })
        .context("the settlement worker stopped")
}

/// Runs the worker on `config` until `shutdown`; what `serve --worker` runs beside the API.
pub async fn start(
    config: &mpppal_api::Config,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let (redis_url, master_key, worker) = settings(config)?;
    mpppal_worker::runner::start(
        &config.database_url,
        &redis_url,
        master_key,
        worker,
        shutdown,
    )
    .await?;
    Ok(())
}

/// What the worker needs beyond the API's configuration, checked before anything starts.
pub fn settings(
    config: &mpppal_api::Config,
) -> Result<(String, [u8; 32], mpppal_worker::WorkerConfig)> {
    let redis_url = config
        .redis_url
        .clone()
        .context("config: REDIS_URL is not set (the worker's queue lives in Redis)")?;
    let master_key = config.master_key.context(
        "config: MPPPAL_MASTER_KEY is not set (the worker opens the keys it signs with)",
    )?;
    let worker = mpppal_worker::WorkerConfig::from_vars(&config.solana_rpc_url, |key| {
        std::env::var(key).ok()
    })
    .map_err(|e| anyhow::anyhow!("config: {e}"))?;
    Ok((redis_url, master_key, worker))
}
