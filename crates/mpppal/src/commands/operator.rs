//! `mpppal operator create --name NAME`: a new operator and its first API key.

use anyhow::Result;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Create an operator with one API key holding every scope; prints the key's secret once.
    Create {
        /// The operator's display name.
        #[arg(long)]
        name: String,
        /// TOML configuration file, as for `serve`; the environment overrides it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Result<()> {
    let Action::Create { name, config } = args.action;
    let config = mpppal_api::Config::load(config.as_deref(), |key| std::env::var(key).ok())?;
    let (operator, key) = super::block_on(mpppal_api::create_operator(&config, &name))??;
    println!("operator  {operator}");
    println!("key id    {}", key.key_id);
    println!("secret    {}   (shown this once; store it now)", key.secret);
    Ok(())
}
