//! `mpppal pay <url>`: an agent paying for one request from its MPPPal wallet.

use anyhow::{anyhow, Result};
use mpppal_sdk::client::{AgentWallet, MemoryReporter, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::Pubkey;
use solana_keypair::read_keypair_file;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// The URL to fetch, paying if it answers 402.
    url: String,
    /// Solana JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:8899")]
    rpc: String,
    /// Keypair file of the wallet's agent key.
    #[arg(long, value_name = "FILE")]
    agent_keypair: PathBuf,
    /// The wallet (PDA) to pay from.
    #[arg(long)]
    wallet: String,
    /// Refuse to pay more than this many base units.
    #[arg(long)]
    max_price: Option<u64>,
    /// Spending category to claim (when the wallet's policy lists categories).
    #[arg(long)]
    category: Option<String>,
    /// Fetch the URL this many times (a session pays them with vouchers), then close sessions.
    #[arg(long, default_value_t = 1)]
    requests: u32,
}

pub fn run(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(pay(args))
}

async fn pay(args: Args) -> Result<()> {
    let agent = read_keypair_file(&args.agent_keypair)
        .map_err(|e| anyhow!("cannot read {}: {e}", args.agent_keypair.display()))?;
    let wallet = Pubkey::from_str(&args.wallet)
        .map_err(|_| anyhow!("--wallet is not a base58 public key"))?;
    let mut client = PayingClient::new(
        AgentWallet { agent, wallet },
        Arc::new(RpcChain::new(args.rpc)),
        Arc::new(MemoryReporter::default()),
    );
    if let Some(max) = args.max_price {
        client = client.with_max_price(max);
    }
    if let Some(category) = args.category {
        client = client.with_category(category);
    }
    if args.requests == 0 {
        anyhow::bail!("--requests must be at least 1");
    }
    let mut total = 0u64;
    let mut last = None;
    for _ in 0..args.requests {
        let paid = client.get(&args.url).await?;
        total += paid.paid;
        let status = paid.response.status();
        let receipt = paid.receipt.clone();
        let body = paid.response.text().await?;
        if !status.is_success() {
            anyhow::bail!("the server answered {status}: {body}");
        }
        last = Some((status, body, receipt));
    }
    let (status, body, receipt) = last.expect("at least one request");
    println!("HTTP {status}");
    println!("{body}");
    match receipt {
        Some(r) => println!(
            "paid {total} base units; receipt: {}",
            serde_json::to_string(&r)?
        ),
        None => println!("paid {total} base units"),
    }
    for closed in client.close_sessions().await? {
        println!("session closed: {closed}");
    }
    Ok(())
}
