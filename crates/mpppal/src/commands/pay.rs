//! `mpppal pay <url>`: an agent paying for a request from its MPPPal wallet, or from a plain
//! keypair's own token account.

use anyhow::{anyhow, Result};
use mpppal_sdk::client::{
    AgentWallet, KeypairClient, MemoryReporter, PaidResponse, PayError, PayingClient,
};
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
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "keypair",
        requires = "wallet"
    )]
    agent_keypair: Option<PathBuf>,
    /// The wallet (PDA) to pay from.
    #[arg(long, requires = "agent_keypair")]
    wallet: Option<String>,
    /// Pay from this plain keypair's own token account instead of an MPPPal wallet (charges
    /// only: no policy, receipts or sessions).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["agent_keypair", "wallet", "category", "fee_payer"])]
    keypair: Option<PathBuf>,
    /// Keypair file holding SOL that pays the fee when the wallet must send a payment itself
    /// (servers that take neither receipts nor sponsor fees). May be the agent key.
    #[arg(long, value_name = "FILE", requires = "agent_keypair")]
    fee_payer: Option<PathBuf>,
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

/// Who pays: an MPPPal wallet's agent or a plain keypair.
enum Payer {
    Wallet(Box<PayingClient>),
    Keypair(Box<KeypairClient>),
}

impl Payer {
    async fn get(&self, url: &str) -> Result<PaidResponse, PayError> {
        match self {
            Payer::Wallet(client) => client.get(url).await,
            Payer::Keypair(client) => client.get(url).await,
        }
    }
}

fn keypair(path: &PathBuf) -> Result<solana_keypair::Keypair> {
    read_keypair_file(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

fn payer(args: &Args) -> Result<Payer> {
    let chain = Arc::new(RpcChain::new(args.rpc.clone()));
    if let Some(path) = &args.keypair {
        let mut client = KeypairClient::new(keypair(path)?, chain);
        if let Some(max) = args.max_price {
            client = client.with_max_price(max);
        }
        return Ok(Payer::Keypair(Box::new(client)));
    }
    let (Some(agent), Some(wallet)) = (&args.agent_keypair, &args.wallet) else {
        anyhow::bail!("give --agent-keypair and --wallet, or --keypair");
    };
    let wallet =
        Pubkey::from_str(wallet).map_err(|_| anyhow!("--wallet is not a base58 public key"))?;
    let mut client = PayingClient::new(
        AgentWallet {
            agent: keypair(agent)?,
            wallet,
        },
        chain,
        Arc::new(MemoryReporter::default()),
    );
    if let Some(max) = args.max_price {
        client = client.with_max_price(max);
    }
    if let Some(category) = &args.category {
        client = client.with_category(category.clone());
    }
    if let Some(path) = &args.fee_payer {
        client = client.with_fee_payer(Arc::new(keypair(path)?));
    }
    Ok(Payer::Wallet(Box::new(client)))
}

async fn pay(args: Args) -> Result<()> {
    let client = payer(&args)?;
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
    if let Payer::Wallet(client) = &client {
        for closed in client.close_sessions().await? {
            println!("session closed: {closed}");
        }
    }
    Ok(())
}
