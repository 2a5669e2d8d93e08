//! `settle`: the settlement worker's throughput and latency on the embedded chain, against the
//! chain's own throughput for the same payments measured in the same run.
//!
//! Baseline: K wallets each send M Settlement Program transfers (with the recipient's
//! token-account creation, as the worker sends them) signed directly, the K in parallel, each
//! waiting for confirmation before the next. Measured: M transfers per custodial account POSTed
//! to the operator API while a worker runs, until all are settled. Printed: settlements per
//! minute, the ratio to the baseline, and creation-to-settlement latency p50 and p99. Then
//! deferred receipts: the K wallets' agents sign M receipts each to four providers and report
//! them to the API; printed: receipts settled per minute by `settle_batch` against the same
//! baseline, and report-to-settled latency p50 and p99. Needs PostgreSQL (`DATABASE_URL`) and
//! Redis (`REDIS_URL`, default the local one).

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::Dependencies;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_settlement_program::TransferArgs;
use mpppal_solana::policy_ix::PaymentAccounts;
use mpppal_solana::{address, settlement_ix, token_ix, Pubkey};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;
use std::sync::Arc;
use std::time::{Duration, Instant};

const MASTER: [u8; 32] = [43; 32];
/// Wallets paying side by side, and payments each.
const K: usize = 8;
const M: usize = 40;

struct Api {
    base: String,
    key_id: String,
    secret: String,
    http: reqwest::Client,
    next: std::sync::atomic::AtomicI64,
}

impl Api {
    async fn call(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let body = body.to_string();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        // A distinct timestamp per request inside the API's window: never a replay.
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let timestamp = now - 280 + n;
        let auth = mpppal_signing::authorization(
            &self.key_id,
            &self.secret,
            method,
            path,
            "",
            timestamp,
            body.as_bytes(),
        );
        let answer = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("authorization", auth)
            .header("idempotency-key", format!("bench-{n}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the API answers");
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }
}

async fn custom(rpc: &RpcClient, method: &'static str, params: Value) -> Value {
    rpc.send(RpcRequest::Custom { method }, params)
        .await
        .expect("local chain method")
}

pub async fn run() {
    let local = LocalChain::start().await;
    let (rpc_url, _) = rpc::spawn(Arc::new(Node::new(local))).await.expect("rpc");
    let rpc = RpcClient::new_with_commitment(
        rpc_url.clone(),
        solana_commitment_config::CommitmentConfig::confirmed(),
    );
    let mint: Pubkey = custom(&rpc, "mpppal_info", json!([])).await["usdcMint"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let server = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let admin = sqlx::PgPool::connect(&server)
        .await
        .expect("PostgreSQL (DATABASE_URL)");
    let name = format!("mpppal_bench_settle_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");
    let pool = mpppal_db::connect(&url).await.expect("connect");
    mpppal_db::migrate(&pool).await.expect("migrate");
    let operator = keys::create_operator(&pool, "bench").await.unwrap();
    let key = keys::create(
        &pool,
        &MASTER,
        operator,
        "bench",
        &[Scope::Read, Scope::Write, Scope::Agent],
    )
    .await
    .unwrap();
    let deps = Dependencies::new(pool.clone(), &redis, &rpc_url)
        .expect("REDIS_URL")
        .with_master_key(Some(MASTER));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = Arc::new(Api {
        base: format!("http://{}", listener.local_addr().unwrap()),
        key_id: key.key_id,
        secret: key.secret,
        http: reqwest::Client::new(),
        next: std::sync::atomic::AtomicI64::new(0),
    });
    tokio::spawn(async move { axum::serve(listener, mpppal_api::router(Arc::new(deps))).await });

    // The owner key, funded.
    let policy = json!({"maxSingleTransfer": 5_000_000, "maxDailySpend": 50_000_000});
    let (_, probe) = api
        .call(
            "POST",
            "/v1/accounts",
            json!({"name": "probe", "custody": "custodial", "policy": policy}),
        )
        .await;
    let owner: Pubkey = probe["ownerAddress"]
        .as_str()
        .expect("owner_unfunded")
        .parse()
        .unwrap();
    rpc.request_airdrop(&owner, 500_000_000_000).await.unwrap();

    // Baseline: K non-custodial wallets whose agent keys the bench holds, paying directly.
    let fee_payer = Arc::new(Keypair::new());
    rpc.request_airdrop(&fee_payer.pubkey(), 500_000_000_000)
        .await
        .unwrap();
    let mut direct = Vec::new();
    // The same wallets sign deferred receipts later.
    let mut signers = Vec::new();
    for n in 0..K {
        let agent = Keypair::new();
        let body = json!({"name": format!("direct {n}"), "custody": "non_custodial",
                          "agentPublicKey": agent.pubkey().to_string(), "policy": policy});
        let (status, account) = api.call("POST", "/v1/accounts", body).await;
        assert_eq!(status, 201, "{account}");
        let wallet: Pubkey = account["solanaAddress"].as_str().unwrap().parse().unwrap();
        custom(
            &rpc,
            "mpppal_requestUsdc",
            json!([wallet.to_string(), 10_000_000u64]),
        )
        .await;
        let id = account["accountId"].as_str().unwrap().to_string();
        signers.push((agent.insecure_clone(), wallet, id));
        direct.push((agent, wallet));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (agent, wallet) in direct {
        let rpc = RpcClient::new_with_commitment(
            rpc_url.clone(),
            solana_commitment_config::CommitmentConfig::confirmed(),
        );
        let fee_payer = fee_payer.clone();
        tasks.push(tokio::spawn(async move {
            for nonce in 0..M as u64 {
                let to = Pubkey::new_unique();
                let payment = PaymentAccounts {
                    agent: agent.pubkey(),
                    owner_cosigner: None,
                    wallet,
                    mint,
                    destination: address::token_account(&to, &mint),
                };
                let ixs = [
                    token_ix::create_token_account(&fee_payer.pubkey(), &to, &mint),
                    settlement_ix::transfer(
                        &payment,
                        TransferArgs {
                            amount: 10_000,
                            nonce,
                            memo: None,
                            category: None,
                        },
                    ),
                ];
                let blockhash = rpc.get_latest_blockhash().await.unwrap();
                let tx = solana_transaction::Transaction::new_signed_with_payer(
                    &ixs,
                    Some(&fee_payer.pubkey()),
                    &[fee_payer.as_ref(), &agent],
                    blockhash,
                );
                rpc.send_and_confirm_transaction(&tx)
                    .await
                    .expect("a direct payment");
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let raw_per_second = (K * M) as f64 / started.elapsed().as_secs_f64();

    // Measured: custodial accounts, transfers through the API, the worker settling.
    let mut accounts = Vec::new();
    for n in 0..K {
        let body =
            json!({"name": format!("custodial {n}"), "custody": "custodial", "policy": policy});
        let (status, account) = api.call("POST", "/v1/accounts", body).await;
        assert_eq!(status, 201, "{account}");
        let wallet = account["solanaAddress"].as_str().unwrap().to_string();
        custom(&rpc, "mpppal_requestUsdc", json!([wallet, 10_000_000u64])).await;
        accounts.push(account["accountId"].as_str().unwrap().to_string());
    }
    let mut config = mpppal_worker::WorkerConfig::new(&rpc_url);
    config.stream = format!("mpppal:bench-jobs:{}", std::process::id());
    config.concurrency = K;
    config.backoff_base = Duration::from_millis(20);
    config.backoff_max = Duration::from_millis(200);
    config.retry_cap = 1000;
    config.batch_every = Duration::from_millis(200);
    let ctx = Arc::new(mpppal_worker::Ctx::new(pool.clone(), MASTER, config));
    let worker = tokio::spawn(mpppal_worker::runner::run(
        ctx,
        redis::Client::open(redis.as_str()).unwrap(),
        std::future::pending(),
    ));
    let started = Instant::now();
    let mut posts = Vec::new();
    for account in accounts {
        let api = api.clone();
        posts.push(tokio::spawn(async move {
            for _ in 0..M {
                let to = Pubkey::new_unique().to_string();
                let (status, t) = api
                    .call(
                        "POST",
                        "/v1/transfers",
                        json!({"accountId": account, "to": to, "amount": 10_000}),
                    )
                    .await;
                assert_eq!(status, 201, "{t}");
            }
        }));
    }
    for post in posts {
        post.await.unwrap();
    }
    all_settled(&pool, "transfers", started).await;
    let elapsed = started.elapsed().as_secs_f64();
    let receipts = settle_receipts(&api, &pool, &signers, mint).await;
    worker.abort();
    let per_second = (K * M) as f64 / elapsed;
    let (p50, p99): (f64, f64) = sqlx::query_as(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - created_at))::float8,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - created_at))::float8
         FROM transfers WHERE status = 'settled'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    println!(
        "settle: {:.0} settlements/min through API + worker vs {:.0} direct payments/min on the same chain: ratio {:.2}; creation to settled p50 {:.0} ms, p99 {:.0} ms ({K} wallets x {M})",
        per_second * 60.0,
        raw_per_second * 60.0,
        per_second / raw_per_second,
        p50 * 1000.0,
        p99 * 1000.0
    );
    let (receipts_per_second, (r50, r99)) = receipts;
    println!(
        "settle receipts: {:.0} receipts/min settled by settle_batch vs {:.0} direct payments/min: ratio {:.2}; report to settled p50 {:.0} ms, p99 {:.0} ms ({K} wallets x {M}, {} per transaction, batched every 200 ms)",
        receipts_per_second * 60.0,
        raw_per_second * 60.0,
        receipts_per_second / raw_per_second,
        r50 * 1000.0,
        r99 * 1000.0,
        mpppal_worker::receipts::per_transaction()
    );
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
}

/// Each agent reports M receipts (one report per wallet, all at once); the running worker
/// settles them. Receipts per second, and report-to-settled p50 and p99 in seconds.
async fn settle_receipts(
    api: &Arc<Api>,
    pool: &sqlx::PgPool,
    signers: &[(Keypair, Pubkey, String)],
    mint: Pubkey,
) -> (f64, (f64, f64)) {
    use mpppal_solana::signed::{category_field, challenge_hash, Receipt, SignReceipt};
    let providers: Vec<Pubkey> = (0..4).map(|_| Pubkey::new_unique()).collect();
    let expires_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 600;
    let started = Instant::now();
    for (n, (agent, wallet, account)) in signers.iter().enumerate() {
        let reports: Vec<Value> = (0..M)
            .map(|i| {
                let challenge = format!("bench-{n}-{i}");
                let recipient = providers[i % providers.len()];
                let receipt = Receipt {
                    wallet: *wallet,
                    recipient,
                    mint,
                    amount: 1_000,
                    expires_at,
                    challenge_hash: challenge_hash(&challenge),
                    category: category_field(None).unwrap(),
                };
                json!({"accountId": account, "challengeId": challenge,
                       "recipient": recipient.to_string(), "mint": mint.to_string(),
                       "amount": 1_000, "expiresAt": expires_at,
                       "signature": bs58::encode(receipt.sign(agent).signature).into_string()})
            })
            .collect();
        let (status, answer) = api
            .call("POST", "/v1/receipts", json!({ "receipts": reports }))
            .await;
        assert_eq!(status, 200, "{answer}");
    }
    all_settled(pool, "receipts", started).await;
    let per_second = (K * M) as f64 / started.elapsed().as_secs_f64();
    let latency: (f64, f64) = sqlx::query_as(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - received_at))::float8,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - received_at))::float8
         FROM receipts WHERE status = 'settled'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (per_second, latency)
}

/// Waits until all K x M rows of `table` (transfers or receipts) are settled.
async fn all_settled(pool: &sqlx::PgPool, table: &str, started: Instant) {
    let sql = format!("SELECT count(*) FROM {table} WHERE status = 'settled'");
    loop {
        let settled: i64 = sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap();
        if settled == (K * M) as i64 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "{table}: settlement stalled at {settled}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
