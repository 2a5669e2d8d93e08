//! What the demo runs on: the embedded chain over JSON-RPC and a paid API, both on loopback.

use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{anyhow, Context, Result};
use axum::routing::get;
use axum::Router;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::{explain_failure, LocalChain};
use mpppal_sdk::paywall::{
    MemoryStore, Paywall, PaywallConfig, ReceiptTerms, RpcChain, SessionTerms,
};
use mpppal_solana::method::Network;
use mpppal_solana::Pubkey;
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client_api::client_error::ErrorKind;
use solana_rpc_client_api::request::{RpcError, RpcRequest, RpcResponseErrorData};
use solana_signer::Signer;
use std::sync::Arc;
use std::time::Duration;

pub struct World {
    pub rpc_url: String,
    pub api: String,
    pub mint: Pubkey,
    pub provider: Pubkey,
    chain: Arc<RpcChain>,
    paywall_chain: Arc<RpcChain>,
}

impl World {
    pub async fn start(charge_price: u64, session_price: u64, report_price: u64) -> Result<Self> {
        let local = LocalChain::start().await;
        let mint = local.mint;
        let (rpc_url, _server) = rpc::spawn(Arc::new(Node::new(local))).await?;
        let chain = Arc::new(RpcChain::new(rpc_url.clone()));

        let provider = Keypair::new();
        let fee_payer = Keypair::new();
        let world = Self {
            rpc_url: rpc_url.clone(),
            api: String::new(),
            mint,
            provider: provider.pubkey(),
            chain: chain.clone(),
            paywall_chain: Arc::new(RpcChain::new(rpc_url)),
        };
        world.airdrop(&fee_payer.pubkey()).await?;
        // The provider's token account, as a real provider would have one.
        world.faucet(&provider.pubkey(), 1).await?;

        let config = PaywallConfig {
            realm: "demo.mpppal".into(),
            secret: "demo-secret-demo-secret-demo-secret!".into(),
            recipient: provider.pubkey(),
            mint,
            decimals: mpppal_solana::USDC_DECIMALS,
            network: Network::Localnet,
            challenge_ttl: Duration::from_secs(300),
            receipts: None,
            transactions: true,
            fee_payer: Some(Arc::new(fee_payer)),
            sessions: Some(SessionTerms {
                payee: Arc::new(provider),
                suggested_deposit: 2 * 1_000_000,
                vouchers: Default::default(),
            }),
        };
        // The report route takes MPPPal deferred receipts only: served at once, settled later.
        let receipts_only = Paywall::new(
            PaywallConfig {
                receipts: Some(ReceiptTerms {
                    settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
                    max_ttl: Duration::from_secs(600),
                }),
                transactions: false,
                fee_payer: None,
                sessions: None,
                ..config.clone()
            },
            world.paywall_chain.clone(),
            Arc::new(MemoryStore::default()),
        )
        .map_err(|e| anyhow!(e))?;
        let paywall = Paywall::new(
            config,
            world.paywall_chain.clone(),
            Arc::new(MemoryStore::default()),
        )
        .map_err(|e| anyhow!(e))?;
        let app = Router::new()
            .route(
                "/charge",
                get(|| async { axum::Json(json!({ "data": "a paid answer" })) })
                    .route_layer(paywall.charge(charge_price)),
            )
            .route(
                "/report",
                get(|| async { axum::Json(json!({ "data": "a paid report" })) })
                    .route_layer(receipts_only.charge(report_price)),
            )
            .route(
                "/session",
                get(|| async { axum::Json(json!({ "data": "a metered answer" })) })
                    .route_layer(paywall.session(session_price)),
            )
            .layer(mpppal_protocol::panic_guard::layer());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let api = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { api, ..world })
    }

    pub async fn airdrop(&self, to: &Pubkey) -> Result<()> {
        let sig = self.chain.rpc.request_airdrop(to, 1_000_000_000).await?;
        self.chain.rpc.confirm_transaction(&sig).await?;
        Ok(())
    }

    pub async fn faucet(&self, owner: &Pubkey, amount: u64) -> Result<()> {
        let _: Value = self
            .chain
            .rpc
            .send(
                RpcRequest::Custom {
                    method: "mpppal_requestUsdc",
                },
                json!([owner.to_string(), amount]),
            )
            .await?;
        Ok(())
    }

    /// Sends and confirms; on failure, the reason the programs logged.
    pub async fn send(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<(), String> {
        let blockhash = self
            .chain
            .rpc
            .get_latest_blockhash()
            .await
            .map_err(|e| e.to_string())?;
        let mut all = vec![payer];
        all.extend_from_slice(signers);
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            ixs,
            Some(&payer.pubkey()),
            &all,
            blockhash,
        );
        match self.chain.rpc.send_and_confirm_transaction(&tx).await {
            Ok(_) => Ok(()),
            Err(err) => Err(match err.kind() {
                ErrorKind::RpcError(RpcError::RpcResponseError {
                    data: RpcResponseErrorData::SendTransactionPreflightFailure(sim),
                    ..
                }) => explain_failure(sim.logs.as_deref().unwrap_or_default(), &err.to_string()),
                _ => err.to_string(),
            }),
        }
    }

    pub async fn token_balance(&self, account: &Pubkey) -> Result<u64> {
        let balance = self
            .chain
            .rpc
            .get_token_account_balance(account)
            .await
            .context("reading a balance")?;
        Ok(balance.amount.parse()?)
    }

    /// Transactions the paid API has sent on chain (charges it co-signed, session opens and closes).
    pub fn paywall_transactions(&self) -> u64 {
        self.paywall_chain.transactions_sent()
    }
}
