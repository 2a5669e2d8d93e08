//! A local chain served over JSON-RPC, a funded agent wallet on it, and a paid API behind the
//! paywall on a loopback port.

use anchor_lang::solana_program::instruction::Instruction;
use axum::routing::get;
use axum::Router;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_policy_program::PolicyArgs;
use mpppal_protocol::{format_authorization, parse_www_authenticate, PaymentCredential};
use mpppal_sdk::paywall::RpcChain;
use mpppal_sdk::paywall::{
    ChannelRecord, ChannelStore, MemoryChannels, MemoryStore, Paywall, PaywallConfig, ReceiptTerms,
    SessionTerms, Versioned, VoucherCheck,
};
use mpppal_solana::method::receipt::sign_receipt;
use mpppal_solana::method::{ChargePayload, ChargeRequest, Network};
use mpppal_solana::{address, policy_ix, Pubkey};
use serde_json::{json, Value};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;
use std::sync::Arc;
use std::time::Duration;

pub const USDC: u64 = 1_000_000;
/// Price of one metered (session) request: 0.001 USDC.
pub const SESSION_PRICE: u64 = 1_000;
pub const PRICE: u64 = 250_000;
pub const SECRET: &str = "a-test-secret-of-at-least-32-bytes!!";

pub struct World {
    pub api: String,
    /// A provider serving session requests before verifying their vouchers (ADR 0019), and its
    /// channel store.
    pub after_api: String,
    pub after_channels: Arc<MemoryChannels>,
    /// Two replicas of a provider's `/metered` route sharing their stores (a [`SlowChannels`]).
    pub replica_apis: Vec<String>,
    /// The replicas' channel store, which a test can take down.
    pub replica_channels: Arc<SlowChannels>,
    pub http: reqwest::Client,
    pub agent: Keypair,
    pub wallet: Pubkey,
    pub owner: Keypair,
    pub rpc: RpcClient,
    pub rpc_url: String,
    pub mint: Pubkey,
    pub provider: Pubkey,
    pub fee_payer: Keypair,
    /// The paywall's chain access, which counts the transactions it sends.
    pub paywall_chain: Arc<RpcChain>,
}

pub async fn send(rpc: &RpcClient, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) {
    let blockhash = rpc.get_latest_blockhash().await.unwrap();
    let mut all = vec![payer];
    all.extend_from_slice(signers);
    let tx = solana_transaction::Transaction::new_signed_with_payer(
        ixs,
        Some(&payer.pubkey()),
        &all,
        blockhash,
    );
    rpc.send_and_confirm_transaction(&tx).await.unwrap();
}

pub async fn world(funding: u64) -> World {
    let chain = LocalChain::start().await;
    let mint = chain.mint;
    let (rpc_url, _) = rpc::spawn(Arc::new(Node::new(chain))).await.unwrap();
    let rpc = RpcClient::new_with_commitment(rpc_url.clone(), CommitmentConfig::confirmed());

    let owner = Keypair::new();
    let agent = Keypair::new();
    let sig = rpc
        .request_airdrop(&owner.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    rpc.confirm_transaction(&sig).await.unwrap();
    let wallet_key = Keypair::new().pubkey();
    let policy = PolicyArgs {
        max_single_transfer: 5 * USDC,
        max_daily_spend: 20 * USDC,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: Some(2 * USDC),
        paused: false,
    };
    let create =
        policy_ix::create_wallet(&owner.pubkey(), &wallet_key, &agent.pubkey(), &mint, policy);
    send(&rpc, &[create], &owner, &[]).await;
    let wallet = address::wallet(&wallet_key);
    let _: Value = rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([wallet.to_string(), funding]),
        )
        .await
        .unwrap();

    // The provider's token account exists, as a real provider's would.
    let provider_key = Keypair::new();
    let provider = provider_key.pubkey();
    let _: Value = rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([provider.to_string(), 1]),
        )
        .await
        .unwrap();
    let fee_payer = Keypair::new();
    let sig = rpc
        .request_airdrop(&fee_payer.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    rpc.confirm_transaction(&sig).await.unwrap();
    let config = PaywallConfig {
        realm: "api.test".into(),
        secret: SECRET.into(),
        recipient: provider,
        mint,
        decimals: 6,
        network: Network::Localnet,
        challenge_ttl: Duration::from_secs(300),
        receipts: Some(ReceiptTerms {
            settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
            max_ttl: Duration::from_secs(600),
        }),
        transactions: true,
        fee_payer: Some(Arc::new(fee_payer.insecure_clone())),
        sessions: Some(SessionTerms {
            payee: Arc::new(provider_key.insecure_clone()),
            suggested_deposit: 2 * USDC,
            vouchers: Default::default(),
        }),
    };
    let chain = Arc::new(RpcChain::new(rpc_url.clone()));
    let paywall_chain = chain.clone();
    let paywall = Paywall::new(
        config.clone(),
        chain.clone(),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    // Two more replicas of the provider sharing their stores, as through a shared database.
    let payments = Arc::new(MemoryStore::default());
    let channels = Arc::new(SlowChannels::default());
    let channels_handle = channels.clone();
    let replica = || {
        Paywall::with_stores(
            config.clone(),
            chain.clone(),
            payments.clone(),
            channels.clone(),
        )
        .unwrap()
    };
    let replicas = [replica(), replica()];
    // Standard MPP terms: transactions only, fees sponsored.
    let sponsored = Paywall::new(
        PaywallConfig {
            receipts: None,
            ..config.clone()
        },
        chain.clone(),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    // A paywall without fee sponsorship, where clients send transactions themselves.
    let push_only = Paywall::new(
        PaywallConfig {
            receipts: None,
            fee_payer: None,
            sessions: None,
            ..config.clone()
        },
        chain,
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    let app = Router::new()
        .route(
            "/data",
            get(|| async { "the data" }).route_layer(paywall.charge(PRICE)),
        )
        .route(
            "/broken",
            get(|| async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom") })
                .route_layer(paywall.charge(PRICE)),
        )
        .merge(metered(&paywall))
        .route(
            "/sponsored",
            get(|| async { "sponsored" }).route_layer(sponsored.charge(PRICE)),
        )
        .route(
            "/push",
            get(|| async { "pushed" }).route_layer(push_only.charge(PRICE)),
        )
        .route(
            "/priced",
            get(|| async { "priced" }).route_layer(paywall.charge_by(|parts| {
                // 0.01 USDC per item asked for, at least one.
                let items = parts
                    .uri
                    .query()
                    .and_then(|q| q.strip_prefix("items="))
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(1)
                    .max(1);
                items * 10_000
            })),
        )
        .route("/free", get(|| async { "free" }))
        .route(
            "/echo-accept-payment",
            get(|headers: axum::http::HeaderMap| async move {
                headers
                    .get("accept-payment")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            }),
        );
    let api = serve(app).await;
    // A provider that serves session requests before checking their vouchers' signatures.
    let mut after = config.clone();
    if let Some(terms) = after.sessions.as_mut() {
        terms.vouchers = VoucherCheck::AfterServing;
    }
    let after_channels = Arc::new(MemoryChannels::default());
    let after_paywall = Paywall::with_stores(
        after,
        paywall_chain.clone(),
        Arc::new(MemoryStore::default()),
        after_channels.clone(),
    )
    .unwrap();
    let after_api = serve(metered(&after_paywall)).await;
    let mut replica_apis = Vec::new();
    for replica in replicas {
        replica_apis.push(serve(metered(&replica)).await);
    }
    World {
        api,
        after_api,
        after_channels,
        replica_apis,
        replica_channels: channels_handle,
        http: reqwest::Client::new(),
        agent,
        wallet,
        owner,
        rpc,
        rpc_url,
        mint,
        provider,
        fee_payer,
        paywall_chain,
    }
}

/// A channel store that pauses after every read, so that replicas racing on one channel all read
/// the same version before any of them writes: the compare-and-set must then turn away all but
/// one, deterministically. It can also be taken down.
#[derive(Default)]
pub struct SlowChannels {
    inner: MemoryChannels,
    /// While set, every operation fails as an unreachable database would.
    pub down: std::sync::atomic::AtomicBool,
}

impl SlowChannels {
    fn check(&self) -> Result<(), String> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            Err("connection refused".into())
        } else {
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl ChannelStore for SlowChannels {
    async fn insert(&self, channel: &Pubkey, record: &ChannelRecord) -> Result<bool, String> {
        self.check()?;
        self.inner.insert(channel, record).await
    }

    async fn load(&self, channel: &Pubkey) -> Result<Option<Versioned>, String> {
        self.check()?;
        let read = self.inner.load(channel).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        read
    }

    async fn update(
        &self,
        channel: &Pubkey,
        version: u64,
        record: &ChannelRecord,
    ) -> Result<bool, String> {
        self.check()?;
        self.inner.update(channel, version, record).await
    }
}

/// A provider's session routes: `/metered` and `/metered-broken` (its handler fails).
fn metered(paywall: &Paywall) -> Router {
    Router::new()
        .route(
            "/metered",
            get(|| async { "metered" }).route_layer(paywall.session(SESSION_PRICE)),
        )
        .route(
            "/metered-broken",
            get(|| async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom") })
                .route_layer(paywall.session(SESSION_PRICE)),
        )
}

/// Serves `app` on a loopback port; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    api
}

impl World {
    /// The token balance of `account`, in base units.
    pub async fn usdc_at(&self, account: &Pubkey) -> u64 {
        self.rpc
            .get_token_account_balance(account)
            .await
            .unwrap()
            .amount
            .parse()
            .unwrap()
    }

    /// What the provider's token account holds.
    pub async fn provider_usdc(&self) -> u64 {
        self.usdc_at(&mpppal_solana::address::token_account(
            &self.provider,
            &self.mint,
        ))
        .await
    }

    /// What the agent wallet's vault holds.
    pub async fn vault_usdc(&self) -> u64 {
        self.usdc_at(&mpppal_solana::address::vault(&self.wallet, &self.mint))
            .await
    }

    pub async fn get(&self, path: &str, authorization: Option<&str>) -> reqwest::Response {
        self.get_at(&self.api, path, authorization).await
    }

    /// As [`World::get`], from the provider at `base`.
    pub async fn get_at(
        &self,
        base: &str,
        path: &str,
        authorization: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.http.get(format!("{base}{path}"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send().await.unwrap()
    }

    /// The challenge of a fresh 402 for `path`.
    pub async fn challenge(&self, path: &str) -> mpppal_protocol::PaymentChallenge {
        self.challenge_at(&self.api, path).await
    }

    /// As [`World::challenge`], from the provider at `base`.
    pub async fn challenge_at(&self, base: &str, path: &str) -> mpppal_protocol::PaymentChallenge {
        let response = self.get_at(base, path, None).await;
        assert_eq!(response.status(), 402);
        let header = response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        parse_www_authenticate(&header).unwrap()
    }

    /// An Authorization value paying `challenge` with a receipt signed by `signer`.
    pub fn pay(
        &self,
        challenge: &mpppal_protocol::PaymentChallenge,
        signer: &Keypair,
        expires_in: i64,
    ) -> String {
        let request: ChargeRequest = challenge.request.decode().unwrap();
        let charge = request.validate().unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let payload = sign_receipt(
            signer,
            &self.wallet,
            &charge,
            &challenge.id,
            now + expires_in,
            None,
        )
        .unwrap();
        let credential =
            PaymentCredential::new(challenge.to_echo(), ChargePayload::Receipt(payload));
        format_authorization(&credential).unwrap()
    }
}

/// The USDC balance of `owner`'s associated token account.
pub async fn token_balance(w: &World, owner: &Pubkey) -> u64 {
    w.rpc
        .get_token_account_balance(&address::token_account(owner, &w.mint))
        .await
        .unwrap()
        .amount
        .parse()
        .unwrap()
}

/// A plain keypair holding SOL and local USDC.
pub async fn plain_payer(w: &World, usdc: u64) -> Keypair {
    let payer = Keypair::new();
    let sig = w
        .rpc
        .request_airdrop(&payer.pubkey(), 100_000_000)
        .await
        .unwrap();
    w.rpc.confirm_transaction(&sig).await.unwrap();
    let _: Value = w
        .rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            serde_json::json!([payer.pubkey().to_string(), usdc]),
        )
        .await
        .unwrap();
    payer
}
