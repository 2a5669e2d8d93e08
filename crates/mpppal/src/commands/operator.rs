//! `mpppal operator create --name NAME`: a new operator and its first API key.
//! `mpppal operator add-member --operator ID --subject SUB`: who may sign in for it.
//! `mpppal operator login-link --operator ID`: a one-time sign-in URL, for servers with no
//! identity provider.

use anyhow::{anyhow, Result};
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
    /// Let a person sign in for an operator with OpenID Connect (their subject at the issuer).
    AddMember {
        /// The operator's id (a UUID, as `create` printed it).
        #[arg(long)]
        operator: String,
        /// The person's `sub` claim at the issuer.
        #[arg(long)]
        subject: String,
        /// The issuer; default: the configured MPPPAL_OIDC_ISSUER.
        #[arg(long)]
        issuer: Option<String>,
        /// TOML configuration file, as for `serve`; the environment overrides it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print a sign-in URL for the dashboard that works once, within ten minutes (needs the
    /// database and the master key: run it where you administer the server).
    LoginLink {
        /// The operator's id (a UUID, as `create` printed it).
        #[arg(long)]
        operator: String,
        /// Who signs in, as the audit log will name them (`link:<subject>`).
        #[arg(long, default_value = "admin")]
        subject: String,
        /// Where browsers reach the server; default: the configured MPPPAL_PUBLIC_URL, else
        /// http:// and the bind address.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// TOML configuration file, as for `serve`; the environment overrides it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Result<()> {
    match args.action {
        Action::Create { name, config } => {
            let config = load(config.as_deref())?;
            let (operator, key) = super::block_on(mpppal_api::create_operator(&config, &name))??;
            println!("operator  {operator}");
            println!("key id    {}", key.key_id);
            println!("secret    {}   (shown this once; store it now)", key.secret);
        }
        Action::AddMember {
            operator,
            subject,
            issuer,
            config,
        } => {
            let config = load(config.as_deref())?;
            let operator = operator_id(&operator)?;
            let issuer = issuer
                .or_else(|| config.oidc.as_ref().map(|o| o.issuer.clone()))
                .ok_or_else(|| anyhow!("no issuer: pass --issuer or set MPPPAL_OIDC_ISSUER"))?;
            super::block_on(mpppal_api::add_member(&config, operator, &issuer, &subject))??;
            println!("{subject} at {issuer} may now sign in for operator {operator}");
        }
        Action::LoginLink {
            operator,
            subject,
            base_url,
            config,
        } => {
            let config = load(config.as_deref())?;
            let operator = operator_id(&operator)?;
            let url = super::block_on(mpppal_api::login_link(
                &config,
                operator,
                &subject,
                base_url.as_deref(),
            ))??;
            println!("{url}");
            eprintln!("(opens a dashboard session for {subject}; works once, within ten minutes)");
        }
    }
    Ok(())
}

/// The configuration as `serve` reads it: the file, overridden by the environment.
fn load(file: Option<&std::path::Path>) -> Result<mpppal_api::Config> {
    Ok(mpppal_api::Config::load(file, |key| {
        std::env::var(key).ok()
    })?)
}

/// `--operator` as an operator id.
fn operator_id(text: &str) -> Result<sqlx::types::Uuid> {
    text.parse()
        .map_err(|_| anyhow!("--operator {text:?} is not an operator id (a UUID)"))
}
