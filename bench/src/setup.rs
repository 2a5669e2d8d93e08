//! A local chain over JSON-RPC, a funded agent wallet, and an API with a paid and a free route.

use anchor_lang::solana_program::instruction::Instruction;
use axum::routing::get;
use axum::Router;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_policy_program::PolicyArgs;
use mpppal_protocol::PaymentCredential;
use mpppal_sdk::client::{AgentWallet, MemoryReporter, PayingClient, SessionEvent};
use mpppal_sdk::paywall::{
    MemoryStore, Paywall, PaywallConfig, RpcChain, SessionTerms, VoucherCheck,
};
use mpppal_solana::method::session::SessionAction;
use mpppal_solana::method::Network;
use mpppal_solana::method::SignedVoucher;
use mpppal_solana::{address, policy_ix, Pubkey};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub struct World {
    /// A provider verifying vouchers before serving (the default).
    pub api: String,
    /// The same provider serving before verifying (`VoucherCheck::AfterServing`).
    pub api_after: String,
    /// The router behind `api`, for calls without a network.
    pub router: Router,
    rpc_url: String,
    agent: Keypair,
    wallet: Pubkey,
}

async fn send(chain: &RpcChain, ixs: &[Instruction], payer: &Keypair) {
    let blockhash = chain.rpc.get_latest_blockhash().await.expect("blockhash");
    let tx = solana_transaction::Transaction::new_signed_with_payer(
        ixs,
        Some(&payer.pubkey()),
        &[payer],
        blockhash,
    );
    chain
        .rpc
        .send_and_confirm_transaction(&tx)
        .await
        .expect("sent");
}

async fn faucet(chain: &RpcChain, owner: &Pubkey, amount: u64) {
    let _: Value = chain
        .rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([owner.to_string(), amount]),
        )
        .await
        .expect("faucet");
}

impl World {
    pub async fn start() -> Self {
        let local = LocalChain::start().await;
        let mint = local.mint;
        let (rpc_url, _) = rpc::spawn(Arc::new(Node::new(local))).await.expect("rpc");
        let chain = Arc::new(RpcChain::new(rpc_url.clone()));
        let (owner, agent, provider, fee_payer) = (
            Keypair::new(),
            Keypair::new(),
            Keypair::new(),
            Keypair::new(),
        );
        for key in [&owner, &fee_payer] {
            let sig = chain
                .rpc
                .request_airdrop(&key.pubkey(), 1_000_000_000)
                .await
                .expect("airdrop");
            chain.rpc.confirm_transaction(&sig).await.expect("airdrop");
        }
        let wallet_key = Keypair::new().pubkey();
        let policy = PolicyArgs {
            max_single_transfer: 100_000_000,
            max_daily_spend: 1_000_000_000,
            allowed_counterparties: vec![],
            categories: vec![],
            require_memo: false,
            escalation_threshold: None,
            paused: false,
        };
        send(
            &chain,
            &[policy_ix::create_wallet(
                &owner.pubkey(),
                &wallet_key,
                &agent.pubkey(),
                &mint,
                policy,
            )],
            &owner,
        )
        .await;
        let wallet = address::wallet(&wallet_key);
        faucet(&chain, &wallet, 500_000_000).await;
        faucet(&chain, &provider.pubkey(), 1).await;
        let config = PaywallConfig {
            realm: "bench".into(),
            secret: "bench-secret-bench-secret-bench-secret".into(),
            recipient: provider.pubkey(),
            mint,
            decimals: 6,
            network: Network::Localnet,
            challenge_ttl: Duration::from_secs(3_600),
            receipts: None,
            transactions: false,
            fee_payer: Some(Arc::new(fee_payer)),
            sessions: Some(SessionTerms {
                payee: Arc::new(provider),
                suggested_deposit: 100_000_000,
                vouchers: VoucherCheck::BeforeServing,
            }),
        };
        let (api, router) = serve(&config, &chain).await;
        let mut after = config.clone();
        if let Some(terms) = after.sessions.as_mut() {
            terms.vouchers = VoucherCheck::AfterServing;
        }
        let (api_after, _) = serve(&after, &chain).await;
        Self {
            api,
            api_after,
            router,
            rpc_url,
            agent,
            wallet,
        }
    }

    pub fn client(&self) -> PayingClient {
        self.client_reporting_to(Arc::new(MemoryReporter::default()))
    }

    pub fn client_reporting_to(&self, reporter: Arc<MemoryReporter>) -> PayingClient {
        PayingClient::new(
            AgentWallet {
                agent: self.agent.insecure_clone(),
                wallet: self.wallet,
            },
            Arc::new(RpcChain::new(self.rpc_url.clone())),
            reporter,
        )
    }

    /// `count` ready `Authorization` values paying `metered` in a session of its own: the
    /// session is opened through the paying client, and the vouchers (1,000 base units apart,
    /// after the opening request) are signed here, so that plain `reqwest` can send paid
    /// requests with no payment work of its own.
    pub async fn presigned(&self, metered: &str, count: u64) -> (PayingClient, Vec<String>) {
        let reporter = Arc::new(MemoryReporter::default());
        let opener = self.client_reporting_to(reporter.clone());
        opener.get(metered).await.expect("open");
        let channel = reporter
            .session_events()
            .into_iter()
            .find_map(|event| match event {
                SessionEvent::Opened { channel, .. } => Some(channel),
                _ => None,
            })
            .expect("a session was opened");
        let channel = Pubkey::from_str(&channel).expect("channel");
        let unpaid = reqwest::get(metered).await.expect("challenge");
        let header = unpaid
            .headers()
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("intent=\"session\""))
            .expect("a session challenge")
            .to_string();
        let challenge = mpppal_protocol::parse_www_authenticate(&header).expect("challenge");
        let credentials = (1..=count)
            .map(|n| {
                let voucher = SignedVoucher::sign(&self.agent, &channel, n * 1_000, 0);
                mpppal_protocol::format_authorization(&PaymentCredential::new(
                    challenge.to_echo(),
                    SessionAction::Voucher {
                        channel_id: channel.to_string(),
                        voucher,
                    },
                ))
                .expect("credential")
            })
            .collect();
        (opener, credentials)
    }
}

/// Serves `/metered` (a session route, 1,000 base units a request) and `/free` behind a paywall
/// with `config`; answers the server's base URL and its router.
async fn serve(config: &PaywallConfig, chain: &Arc<RpcChain>) -> (String, Router) {
    let paywall = Paywall::new(
        config.clone(),
        chain.clone(),
        Arc::new(MemoryStore::default()),
    )
    .expect("paywall");
    let app = Router::new()
        .route(
            "/metered",
            get(|| async { "answer" }).route_layer(paywall.session(1_000)),
        )
        .route("/free", get(|| async { "answer" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let api = format!("http://{}", listener.local_addr().expect("addr"));
    let router = app.clone();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (api, router)
}
