//! A local chain over JSON-RPC, a funded agent wallet, and an API with a paid and a free route.

use anchor_lang::solana_program::instruction::Instruction;
use axum::routing::get;
use axum::Router;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_policy_program::PolicyArgs;
use mpppal_sdk::client::{AgentWallet, MemoryReporter, PayingClient};
use mpppal_sdk::paywall::{MemoryStore, Paywall, PaywallConfig, RpcChain, SessionTerms};
use mpppal_solana::method::Network;
use mpppal_solana::{address, policy_ix, Pubkey};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;
use std::sync::Arc;
use std::time::Duration;

pub struct World {
    pub api: String,
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
        let paywall = Paywall::new(
            PaywallConfig {
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
                }),
            },
            chain,
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
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            api,
            rpc_url,
            agent,
            wallet,
        }
    }

    pub fn client(&self) -> PayingClient {
        PayingClient::new(
            AgentWallet {
                agent: self.agent.insecure_clone(),
                wallet: self.wallet,
            },
            Arc::new(RpcChain::new(self.rpc_url.clone())),
            Arc::new(MemoryReporter::default()),
        )
    }
}
