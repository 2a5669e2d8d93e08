//! One module per subcommand.

pub mod audit;
pub mod conformance_adapter;
pub mod demo;
pub mod localnet;
pub mod master_key;
pub mod openapi;
pub mod operator;
pub mod pay;
pub mod provider;
pub mod serve;
pub mod worker;

/// Runs one piece of async work to completion on a single-threaded runtime (the database
/// commands do one thing and exit).
pub fn block_on<T>(work: impl std::future::Future<Output = T>) -> anyhow::Result<T> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(work))
}

/// The API's configuration from the environment only (`DATABASE_URL`, `MPPPAL_MASTER_KEY` …).
pub fn config_from_env() -> anyhow::Result<mpppal_api::Config> {
    Ok(mpppal_api::Config::load(None, |key| {
        std::env::var(key).ok()
    })?)
}
