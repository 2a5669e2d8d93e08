//! `mpppal audit verify`: recompute the audit log's hash chain and name the first broken row.

use anyhow::{bail, Result};
use mpppal_db::audit::{verify, Verdict};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Check every row against its hash and the row before it (uses DATABASE_URL).
    Verify,
}

pub fn run(args: Args) -> Result<()> {
    let Action::Verify = args.action;
    let config = super::config_from_env()?;
    let verdict = super::block_on(async {
        let db = mpppal_db::connect(&config.database_url).await?;
        verify(&db).await
    })?;
    match verdict {
        Ok(Verdict::Intact { rows }) => {
            let noun = if rows == 1 { "row" } else { "rows" };
            println!("audit log intact: {rows} {noun}");
            Ok(())
        }
        Ok(Verdict::Broken { seq, reason }) => bail!("audit log broken at row {seq}: {reason}"),
        Err(e) => bail!("cannot read the audit log: {e}"),
    }
}
