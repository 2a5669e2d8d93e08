//! `mpppal provider`: a sample paid API behind the MPPPal paywall.

use anyhow::{anyhow, bail, Context, Result};
use axum::routing::get;
use axum::Router;
use mpppal_sdk::paywall::{
    ChannelStore, MemoryChannels, MemoryStore, PaymentStore, Paywall, PaywallConfig, ReceiptTerms,
    RpcChain, SessionTerms, VoucherCheck,
};
use mpppal_solana::method::Network;
use mpppal_solana::Pubkey;
use serde_json::{json, Value};
use solana_keypair::{read_keypair_file, Keypair};
use solana_signer::Signer;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Solana JSON-RPC endpoint (`mpppal localnet` by default).
    #[arg(long, default_value = "http://127.0.0.1:8899")]
    rpc: String,
    /// Address to serve the API on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Price of one request to /charge, in base units of the mint (1000 = 0.001 USDC).
    #[arg(long, default_value_t = 1_000)]
    price: u64,
    /// Keypair file of who gets paid (it also signs session closes).
    /// Default: a new key, set up on the local chain.
    #[arg(long, value_name = "FILE")]
    recipient: Option<PathBuf>,
    /// Keypair file of the account that pays transaction fees for clients.
    /// Default: a new key funded by the local chain's faucet.
    #[arg(long, value_name = "FILE", conflicts_with = "no_fee_payer")]
    fee_payer: Option<PathBuf>,
    /// Sponsor no fees: clients send their own transactions and present the signature (push).
    /// No /session then: the paywall submits session transactions with its fee payer.
    #[arg(long)]
    no_fee_payer: bool,
    /// Offer no MPPPal deferred receipts: every charge is paid by a transaction.
    #[arg(long)]
    no_receipts: bool,
    /// The mint charged in. Default: the local chain's USDC.
    #[arg(long)]
    mint: Option<String>,
    /// Challenge HMAC secret (at least 32 bytes). Default: random for this run.
    #[arg(long, env = "MPPPAL_PAYWALL_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// PostgreSQL URL for used credentials, pending receipts and open sessions, shared by
    /// replicas (which must also share --secret). Default: kept in this process's memory.
    #[arg(long, env = "MPPPAL_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Serve a session request before checking its voucher's signature, which is checked right
    /// after; a bad one costs that request and makes its channel check first from then on.
    #[arg(long)]
    serve_before_verifying: bool,
}

pub fn run(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> Result<()> {
    if args.price == 0 {
        bail!("--price must be above zero");
    }
    let chain = Arc::new(RpcChain::new(args.rpc.clone()));
    let mint = match &args.mint {
        Some(m) => Pubkey::from_str(m).map_err(|_| anyhow!("--mint is not a base58 public key"))?,
        None => localnet_mint(&chain).await?,
    };
    let payee = match &args.recipient {
        Some(path) => {
            read_keypair_file(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?
        }
        None => Keypair::new(),
    };
    let recipient = payee.pubkey();
    // The recipient's token account must exist for transfers into it.
    if args.recipient.is_none() {
        faucet_usdc(&chain, &recipient, 1).await?;
    }
    let fee_payer = match &args.fee_payer {
        _ if args.no_fee_payer => None,
        Some(path) => Some(
            read_keypair_file(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?,
        ),
        None => {
            let key = Keypair::new();
            let sig = chain
                .rpc
                .request_airdrop(&key.pubkey(), 1_000_000_000)
                .await
                .context("funding a fee payer needs the local chain's faucet; pass --fee-payer elsewhere")?;
            chain.rpc.confirm_transaction(&sig).await?;
            Some(key)
        }
    };
    let secret = match args.secret {
        Some(s) => s,
        None => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
            mpppal_protocol::base64url::encode(&bytes)
        }
    };
    let config = PaywallConfig {
        realm: args.bind.to_string(),
        secret,
        recipient,
        mint,
        decimals: mpppal_solana::USDC_DECIMALS,
        network: Network::Localnet,
        challenge_ttl: Duration::from_secs(300),
        receipts: (!args.no_receipts).then_some(ReceiptTerms {
            settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
            max_ttl: Duration::from_secs(600),
        }),
        transactions: true,
        fee_payer: fee_payer.map(Arc::new),
        // The paywall submits session opens and closes, so sessions need its fee payer.
        sessions: (!args.no_fee_payer).then(|| SessionTerms {
            payee: Arc::new(payee),
            suggested_deposit: args.price.saturating_mul(1_000),
            vouchers: if args.serve_before_verifying {
                VoucherCheck::AfterServing
            } else {
                VoucherCheck::BeforeServing
            },
        }),
    };
    let sessions = config.sessions.is_some();
    let (store, channels): (Arc<dyn PaymentStore>, Arc<dyn ChannelStore>) = match &args.database_url
    {
        Some(url) => {
            let pg = Arc::new(
                mpppal_store_pg::PgStore::connect(url)
                    .await
                    .context("cannot open the payment store (--database-url)")?,
            );
            (pg.clone(), pg)
        }
        None => (
            Arc::new(MemoryStore::default()),
            Arc::new(MemoryChannels::default()),
        ),
    };
    let paywall = Paywall::with_stores(config, chain, store, channels).map_err(|e| anyhow!(e))?;
    let mut app = Router::new().route(
        "/charge",
        get(|| async { axum::Json(json!({ "data": "a paid answer" })) })
            .route_layer(paywall.charge(args.price)),
    );
    if sessions {
        app = app.route(
            "/session",
            get(|| async { axum::Json(json!({ "data": "a metered answer" })) })
                .route_layer(paywall.session(args.price)),
        );
    }
    let app = app
        .route("/health", get(|| async { "ok" }))
        .layer(mpppal_protocol::panic_guard::layer());
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let accepts = [
        (!args.no_receipts).then_some("MPPPal receipts"),
        Some(if args.no_fee_payer {
            "transactions clients send themselves (push); no sessions (they need a fee payer)"
        } else {
            "sponsored transactions (pull), sessions"
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let banner = format!(
        "MPPPal sample provider on http://{}\n  GET /charge   {} base units per request, paid to {recipient}\n  GET /session  {} base units per request, through a payment session\n  accepts       {accepts}\n",
        args.bind, args.price, args.price
    );
    // Whoever started us may stop reading our output; the API keeps serving regardless.
    let mut out = std::io::stdout();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    axum::serve(listener, app)
        .await
        .context("the API server stopped")
}

async fn localnet_mint(chain: &RpcChain) -> Result<Pubkey> {
    let info: Value = chain
        .rpc
        .send(
            solana_rpc_client_api::request::RpcRequest::Custom {
                method: "mpppal_info",
            },
            json!([]),
        )
        .await
        .context("the RPC endpoint is not an MPPPal local chain; pass --mint")?;
    let mint = info["usdcMint"]
        .as_str()
        .ok_or_else(|| anyhow!("mpppal_info named no mint"))?;
    Pubkey::from_str(mint).map_err(|_| anyhow!("mpppal_info named an invalid mint"))
}

async fn faucet_usdc(chain: &RpcChain, owner: &Pubkey, amount: u64) -> Result<()> {
    let _: Value = chain
        .rpc
        .send(
            solana_rpc_client_api::request::RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([owner.to_string(), amount]),
        )
        .await
        .context(
            "creating the recipient's token account needs the local chain; pass --recipient",
        )?;
    Ok(())
}
