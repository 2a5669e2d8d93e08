//! `mpppal localnet`: the embedded chain behind a Solana JSON-RPC endpoint.

use anyhow::{Context, Result};
use mpppal_localnet::ledger::LedgerDir;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// Port for JSON-RPC over HTTP on 127.0.0.1.
    #[arg(long, default_value_t = 8899)]
    port: u16,
    /// Keep the chain's accounts and transactions in DIR and start from them next time.
    #[arg(long, value_name = "DIR")]
    ledger_dir: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut out = crate::program_output::take_stdout()?;
    runtime.block_on(async move {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let node = match &args.ledger_dir {
            Some(dir) => {
                let ledger = LedgerDir::open(dir)
                    .with_context(|| format!("cannot open ledger directory {}", dir.display()))?;
                Node::persistent(ledger)
                    .await
                    .with_context(|| format!("cannot load ledger directory {}", dir.display()))?
            }
            None => Node::new(LocalChain::start().await),
        };
        let node = Arc::new(node);
        let banner = format!(
            "MPPPal localnet: JSON-RPC on http://{addr}\n  policy program      {}\n  settlement program  {}\n  USDC mint           {} (6 decimals)\n  faucets             requestAirdrop (SOL), mpppal_requestUsdc [owner, base units]\n",
            mpppal_solana::POLICY_PROGRAM_ID,
            mpppal_solana::SETTLEMENT_PROGRAM_ID,
            node.mint
        );
        // Whoever started us may stop reading our output; the chain keeps serving regardless.
        let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
        rpc::serve(node, listener)
            .await
            .context("JSON-RPC server stopped")
    })
}
