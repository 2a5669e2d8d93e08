//! `mpppal serve`: the operator API.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Listen address, host:port (overrides MPPPAL_BIND and the config file; default
    /// 127.0.0.1:8090, beside the sample provider on 8080).
    #[arg(long)]
    bind: Option<String>,
    /// TOML configuration file; environment variables override what it says.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run the settlement worker in this process too (one process for small deployments).
    #[arg(long)]
    worker: bool,
}

/// One JSON object per line on stderr, filtered by RUST_LOG; each request's lines carry its
/// `request_id` and each job's its `outbox_id` and subject (the spans' fields), so one payment
/// can be followed through the API and the worker.
pub fn init_logs() {
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
}

pub fn run(args: Args) -> Result<()> {
    init_logs();
    let config = mpppal_api::Config::load(args.config.as_deref(), |key| match (key, &args.bind) {
        ("MPPPAL_BIND", Some(bind)) => Some(bind.clone()),
        _ => std::env::var(key).ok(),
    })?;
    let worker = if args.worker {
        // Checked before the API starts, so a missing setting stops both at once.
        super::worker::settings(&config)?;
        Some(config.clone())
    } else {
        None
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if let Some(config) = worker {
        runtime.spawn(async move {
            if let Err(e) = super::worker::start(&config, std::future::pending()).await {
                tracing::error!(error = %e, "the settlement worker stopped");
                std::process::exit(1);
            }
        });
    }
    runtime
        .block_on(mpppal_api::serve(
            &config,
            |address| {
                // Whoever started us may stop reading; the API keeps serving regardless.
                let mut out = std::io::stdout();
                let _ = writeln!(out, "MPPPal operator API on http://{address}");
                let _ = out.flush();
            },
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
        ))
        .context("the operator API stopped")
}
