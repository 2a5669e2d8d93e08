//! `mpppal master-key rotate`: re-seal every stored API key under a new master key.

use anyhow::{anyhow, Result};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Re-seal every API key from MPPPAL_OLD_MASTER_KEY to MPPPAL_MASTER_KEY, in one transaction;
    /// safe to repeat. Restart `serve` with the new key afterwards.
    Rotate,
}

pub fn run(args: Args) -> Result<()> {
    let Action::Rotate = args.action;
    let config = super::config_from_env()?;
    let old = std::env::var("MPPPAL_OLD_MASTER_KEY")
        .map_err(|_| anyhow!("MPPPAL_OLD_MASTER_KEY (the master key in use) is not set"))?;
    let old = mpppal_api::config::parse_key(&old)?;
    let done = super::block_on(mpppal_api::rotate_master_key(&config, &old))??;
    println!(
        "re-sealed {} API keys; {} were already under the new master key",
        done.resealed, done.already
    );
    Ok(())
}
