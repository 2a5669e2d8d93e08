//! A localnet on a free port and a `solana-rpc-client` pointed at it.

use anchor_lang::solana_program::instruction::Instruction;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_solana::Pubkey;
use serde_json::{json, Value};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::Error as ClientError;
use solana_rpc_client_api::request::RpcRequest;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::str::FromStr;
use std::sync::Arc;

pub const USDC: u64 = 1_000_000;

pub struct Localnet {
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    pub rpc: RpcClient,
    pub mint: Pubkey,
    url: String,
    http: reqwest::Client,
}

impl Localnet {
    pub async fn start() -> Self {
        Self::serve(Node::new(LocalChain::start().await)).await
    }

    /// Serves `node` on a free port; the server stops with the returned handle.
    pub async fn serve(node: Node) -> Self {
        let mint = node.mint;
        let node = Arc::new(node);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(rpc::serve(node, listener));
        Self {
            server,
            rpc: RpcClient::new_with_commitment(url.clone(), CommitmentConfig::confirmed()),
            mint,
            url,
            http: reqwest::Client::new(),
        }
    }

    /// Stops serving (the node and its chain go with the server task).
    pub fn stop(self) {
        self.server.abort();
    }

    pub async fn airdrop(&self, to: &Pubkey, lamports: u64) {
        let signature = self.rpc.request_airdrop(to, lamports).await.unwrap();
        assert!(self.rpc.confirm_transaction(&signature).await.unwrap());
    }

    /// Mints local USDC to `owner` through the faucet extension; returns the token account.
    pub async fn request_usdc(&self, owner: &Pubkey, amount: u64) -> Pubkey {
        let result: Value = self
            .rpc
            .send(
                RpcRequest::Custom {
                    method: "mpppal_requestUsdc",
                },
                json!([owner.to_string(), amount]),
            )
            .await
            .unwrap();
        Pubkey::from_str(result["value"]["tokenAccount"].as_str().unwrap()).unwrap()
    }

    pub async fn transaction(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Transaction {
        let blockhash = self.rpc.get_latest_blockhash().await.unwrap();
        let mut all = vec![payer];
        all.extend_from_slice(signers);
        Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash)
    }

    pub async fn send(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Signature, ClientError> {
        let tx = self.transaction(ixs, payer, signers).await;
        self.rpc.send_and_confirm_transaction(&tx).await
    }

    pub async fn token_balance(&self, account: &Pubkey) -> u64 {
        self.rpc
            .get_token_account_balance(account)
            .await
            .unwrap()
            .amount
            .parse()
            .unwrap()
    }

    /// The chain's clock, read from the Clock sysvar over RPC.
    pub async fn clock_time(&self) -> i64 {
        let account = self
            .rpc
            .get_account(&anchor_lang::prelude::pubkey!(
                "SysvarC1ock11111111111111111111111111111111"
            ))
            .await
            .unwrap();
        i64::from_le_bytes(account.data[32..40].try_into().unwrap())
    }

    /// Posts a raw body and returns the JSON answer.
    pub async fn raw(&self, body: &str) -> Value {
        self.http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}
