//! The paywall over real HTTP, paid with MPPPal receipts from a wallet on the local chain read
//! over JSON-RPC: what it serves, and every way it refuses.

use anchor_lang::solana_program::instruction::Instruction;
use axum::routing::get;
use axum::Router;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_policy_program::PolicyArgs;
use mpppal_protocol::{
    format_authorization, parse_receipt, parse_www_authenticate, PaymentCredential,
};
use mpppal_sdk::paywall::{MemoryStore, Paywall, PaywallConfig, ReceiptTerms, RpcWalletReader};
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

const USDC: u64 = 1_000_000;
const PRICE: u64 = 250_000;
const SECRET: &str = "a-test-secret-of-at-least-32-bytes!!";

struct World {
    api: String,
    http: reqwest::Client,
    agent: Keypair,
    wallet: Pubkey,
    owner: Keypair,
    rpc: RpcClient,
    mint: Pubkey,
}

async fn send(rpc: &RpcClient, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) {
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

async fn world(funding: u64) -> World {
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

    let provider = Keypair::new().pubkey();
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
    };
    let paywall = Paywall::new(
        config,
        Arc::new(RpcWalletReader::new(rpc_url)),
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
        .route("/free", get(|| async { "free" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    World {
        api,
        http: reqwest::Client::new(),
        agent,
        wallet,
        owner,
        rpc,
        mint,
    }
}

impl World {
    async fn get(&self, path: &str, authorization: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.api));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send().await.unwrap()
    }

    /// The challenge of a fresh 402 for `path`.
    async fn challenge(&self, path: &str) -> mpppal_protocol::PaymentChallenge {
        let response = self.get(path, None).await;
        assert_eq!(response.status(), 402);
        let header = response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        parse_www_authenticate(&header).unwrap()
    }

    /// An Authorization value paying `challenge` with a receipt signed by `signer`.
    fn pay(
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

async fn problem_type(response: reqwest::Response) -> (u16, String, bool) {
    let status = response.status().as_u16();
    let fresh = response.headers().contains_key("www-authenticate");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["type"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string(),
        fresh,
    )
}

#[tokio::test]
async fn unpaid_requests_get_a_fresh_bound_challenge() {
    let w = world(10 * USDC).await;
    let response = w.get("/data", None).await;
    assert_eq!(response.status(), 402);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let first = w.challenge("/data").await;
    let second = w.challenge("/data").await;
    assert_eq!(
        (first.method.as_str(), first.intent.as_str()),
        ("solana", "charge")
    );
    assert!(first.verify(SECRET), "the id is the HMAC of the challenge");
    let request: ChargeRequest = first.request.decode().unwrap();
    assert_eq!(request.amount, PRICE.to_string());
    assert_eq!(request.currency, w.mint.to_string());
    assert!(request.method_details.mpppal_receipt.is_some());
    assert_ne!(first.id, second.id, "every 402 carries a fresh challenge");
    assert_eq!(w.get("/free", None).await.status(), 200);
}

#[tokio::test]
async fn a_receipt_by_the_agent_buys_one_response_with_a_payment_receipt() {
    let w = world(10 * USDC).await;
    let challenge = w.challenge("/data").await;
    let authorization = w.pay(&challenge, &w.agent, 300);
    let response = w.get("/data", Some(&authorization)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "private");
    let receipt = parse_receipt(response.headers()["payment-receipt"].to_str().unwrap()).unwrap();
    assert_eq!(receipt.method.as_str(), "solana");
    assert_eq!(receipt.extensions["challengeId"], json!(challenge.id));
    assert_eq!(response.text().await.unwrap(), "the data");

    // The same credential again is a replay.
    let (status, kind, fresh) = problem_type(w.get("/data", Some(&authorization)).await).await;
    assert_eq!(
        (status, kind.as_str(), fresh),
        (402, "invalid-challenge", true)
    );
}

#[tokio::test]
async fn refuses_forged_tampered_expired_and_unaffordable_payments() {
    let w = world(300_000).await;

    let challenge = w.challenge("/data").await;
    let mallory = Keypair::new();
    let (status, kind, _) = problem_type(
        w.get("/data", Some(&w.pay(&challenge, &mallory, 300)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (402, "verification-failed"));

    // Lower the price inside the echoed request: the HMAC no longer matches.
    let mut cheap = w.challenge("/data").await;
    let mut request: Value = cheap.request.decode_value().unwrap();
    request["amount"] = json!("1");
    cheap.request = mpppal_protocol::Base64UrlJson::from_value(&request).unwrap();
    let (status, kind, _) =
        problem_type(w.get("/data", Some(&w.pay(&cheap, &w.agent, 300))).await).await;
    assert_eq!((status, kind.as_str()), (402, "invalid-challenge"));

    // A receipt that outlives the paywall's terms.
    let challenge = w.challenge("/data").await;
    let (status, kind, _) = problem_type(
        w.get("/data", Some(&w.pay(&challenge, &w.agent, 3_600)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (402, "verification-failed"));

    // 0.30 USDC in the wallet: one 0.25 receipt is covered, a second is not while the first is pending.
    let first = w.challenge("/data").await;
    assert_eq!(
        w.get("/data", Some(&w.pay(&first, &w.agent, 300)))
            .await
            .status(),
        200
    );
    let second = w.challenge("/data").await;
    let (status, kind, _) =
        problem_type(w.get("/data", Some(&w.pay(&second, &w.agent, 300))).await).await;
    assert_eq!((status, kind.as_str()), (402, "payment-insufficient"));

    // Malformed and doubled credentials.
    let (status, kind, _) = problem_type(w.get("/data", Some("Payment not*base64")).await).await;
    assert_eq!((status, kind.as_str()), (402, "malformed-credential"));
    let response = w
        .http
        .get(format!("{}/data", w.api))
        .header("authorization", "Payment abc")
        .header("authorization", "Payment def")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_paused_wallet_is_refused_with_403_and_a_failed_handler_costs_nothing() {
    let w = world(10 * USDC).await;
    // The handler fails: no receipt header, and the payment does not stay pending.
    let challenge = w.challenge("/broken").await;
    let response = w
        .get("/broken", Some(&w.pay(&challenge, &w.agent, 300)))
        .await;
    assert_eq!(response.status(), 500);
    assert!(!response.headers().contains_key("payment-receipt"));

    send(
        &w.rpc,
        &[policy_ix::set_paused(&w.owner.pubkey(), &w.wallet, true)],
        &w.owner,
        &[],
    )
    .await;
    let challenge = w.challenge("/data").await;
    let (status, kind, _) = problem_type(
        w.get("/data", Some(&w.pay(&challenge, &w.agent, 300)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (403, "verification-failed"));
}
