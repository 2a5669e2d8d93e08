//! `mpppal localnet`: the embedded chain behind a Solana JSON-RPC endpoint.

use anyhow::{Context, Result};
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
        let chain = LocalChain::start().await;
        let node = Arc::new(Node::new(chain));
        writeln!(out, "MPPPal localnet: JSON-RPC on http://{addr}")?;
        writeln!(
            out,
            "  policy program      {}",
            mpppal_solana::POLICY_PROGRAM_ID
        )?;
        writeln!(
            out,
            "  settlement program  {}",
            mpppal_solana::SETTLEMENT_PROGRAM_ID
        )?;
        writeln!(out, "  USDC mint           {} (6 decimals)", node.mint)?;
        writeln!(
            out,
            "  faucets             requestAirdrop (SOL), mpppal_requestUsdc [owner, base units]"
        )?;
        rpc::serve(node, listener)
            .await
            .context("JSON-RPC server stopped")
    })
}
