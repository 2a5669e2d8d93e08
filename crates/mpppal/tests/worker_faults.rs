//! The settlement worker as a real process under faults: killed with SIGKILL at random points
//! while 500 transfers and 100 deferred receipts settle, its Redis flushed mid-run, its RPC node
//! cut off and brought back. Afterwards every transfer and receipt is settled exactly once,
//! checked against the balances on chain.

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_port, start, FreshDatabase};
use tokio::net::{TcpListener, TcpStream};

mod support;

const ACCOUNTS: usize = 5;
const PER_ACCOUNT: usize = 100;
/// Deferred receipts per account, signed by the API (custodial) and settled in batches.
const RECEIPTS_PER_ACCOUNT: usize = 20;
const MASTER: &str = "4242424242424242424242424242424242424242424242424242424242424242";

/// A process killed (SIGKILL) when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Redis server of the test's own, so flushing it touches no other test.
async fn private_redis() -> (Killed, String) {
    let port = free_port().to_string();
    // Killed and waited for by `Killed` when the test ends.
    let child = Killed(
        Command::new("redis-server")
            .args([
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (README: Requirements)"),
    );
    let url = format!("redis://127.0.0.1:{port}");
    let client = redis::Client::open(url.as_str()).unwrap();
    for _ in 0..100 {
        if let Ok(mut c) = client.get_multiplexed_async_connection().await {
            if redis::cmd("PING")
                .query_async::<String>(&mut c)
                .await
                .is_ok()
            {
                return (child, url);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the private redis-server did not start");
}

/// A TCP relay in front of the RPC node that the test can cut and restore: the worker sees the
/// node die and come back, while the chain itself keeps its state.
struct Cut {
    port: u16,
    upstream: u16,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Cut {
    async fn new(upstream: u16) -> Self {
        let mut cut = Self {
            port: free_port(),
            upstream,
            task: None,
        };
        cut.restore().await;
        cut
    }

    async fn restore(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        let upstream = self.upstream;
        self.task = Some(tokio::spawn(async move {
            let mut links = tokio::task::JoinSet::new();
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                links.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", upstream)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Refuses new connections and drops the open ones.
    fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

struct Api {
    base: String,
    key_id: String,
    secret: String,
    http: reqwest::Client,
    calls: std::sync::atomic::AtomicI64,
}

impl Api {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        // Strictly increasing, inside the API's window, so no call looks like a replay.
        let previous = self
            .calls
            .fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |last| Some((last + 1).max(now - 240)),
            )
            .unwrap();
        let timestamp = (previous + 1).max(now - 240);
        let auth = mpppal_signing::authorization(
            &self.key_id,
            &self.secret,
            method,
            path,
            "",
            timestamp,
            body.as_bytes(),
        );
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("authorization", auth)
            .header("idempotency-key", format!("{}-{timestamp}", self.key_id));
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

async fn rpc(url: &str, method: &str, params: Value) -> Value {
    let answer: Value = reqwest::Client::new()
        .post(url)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["error"].is_null(), "{method}: {answer}");
    answer["result"].clone()
}

fn worker(env: &[(&str, String)]) -> Killed {
    Killed(
        Command::new(env!("CARGO_BIN_EXE_mpppal"))
            .arg("worker")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn every_transfer_settles_exactly_once_through_kills_flushes_and_rpc_outages() {
    let (_redis, redis_url) = private_redis().await;
    let chain_port = free_port();
    let (_chain, line) = start(&["localnet", "--port", &chain_port.to_string()]);
    assert!(line.contains("JSON-RPC on"), "{line}");
    let chain_url = format!("http://127.0.0.1:{chain_port}");
    let mut rpc_link = Cut::new(chain_port).await;
    let db = FreshDatabase::create().await;

    // The API in this process, on the chain directly.
    let env = |name: &str| match name {
        "DATABASE_URL" => Some(db.url()),
        "REDIS_URL" => Some(redis_url.clone()),
        "SOLANA_RPC_URL" => Some(chain_url.clone()),
        "MPPPAL_MASTER_KEY" => Some(MASTER.to_string()),
        "MPPPAL_BIND" => Some("127.0.0.1:0".into()),
        // 500 transfers as fast as one key can ask: the faults are the subject, not the limits.
        "MPPPAL_RATE_LIMIT_PER_KEY" | "MPPPAL_RATE_LIMIT_PER_ADDRESS" => Some("off".into()),
        _ => None,
    };
    let config = mpppal_api::Config::load(None, env).unwrap();
    let (_, key) = mpppal_api::create_operator(&config, "faults")
        .await
        .unwrap();
    let (bound, listening) = tokio::sync::oneshot::channel();
    let serving = config.clone();
    tokio::spawn(async move {
        mpppal_api::serve(
            &serving,
            |address| {
                let _ = bound.send(address);
            },
            std::future::pending(),
        )
        .await
        .unwrap()
    });
    let api = Api {
        base: format!("http://{}", listening.await.unwrap()),
        key_id: key.key_id,
        secret: key.secret,
        http: reqwest::Client::new(),
        calls: std::sync::atomic::AtomicI64::new(0),
    };

    // The owner key, funded; custodial accounts with USDC; 500 transfers to five recipients.
    let policy = json!({"maxSingleTransfer": 5_000_000, "maxDailySpend": 50_000_000});
    let probe = json!({"name": "probe", "custody": "custodial", "policy": policy});
    let (status, unfunded) = api.call("POST", "/v1/accounts", Some(probe)).await;
    assert_eq!(status, 409, "{unfunded}");
    let owner = unfunded["ownerAddress"].as_str().unwrap();
    rpc(
        &chain_url,
        "requestAirdrop",
        json!([owner, 100_000_000_000u64]),
    )
    .await;
    let recipients: Vec<String> = (0..5).map(|_| solana_keypair_pubkey()).collect();
    let mut accounts = Vec::new();
    for n in 0..ACCOUNTS {
        let body = json!({"name": format!("agent {n}"), "custody": "custodial", "policy": policy});
        let (status, account) = api.call("POST", "/v1/accounts", Some(body)).await;
        assert_eq!(status, 201, "{account}");
        let wallet = account["solanaAddress"].as_str().unwrap().to_string();
        rpc(
            &chain_url,
            "mpppal_requestUsdc",
            json!([wallet, 10_000_000u64]),
        )
        .await;
        accounts.push((account["accountId"].as_str().unwrap().to_string(), wallet));
    }
    let mut owed = vec![0u64; recipients.len()];
    for i in 0..PER_ACCOUNT {
        for (n, (account, _)) in accounts.iter().enumerate() {
            let to = (i + n) % recipients.len();
            let amount = 10_000 + (i * ACCOUNTS + n) as u64;
            owed[to] += amount;
            let body = json!({"accountId": account, "to": recipients[to], "amount": amount});
            let (status, t) = api.call("POST", "/v1/transfers", Some(body)).await;
            assert_eq!(status, 201, "{t}");
        }
    }

    // Deferred receipts the API signs for each account, to two providers of their own; asked
    // for with an agent key of their own (each key's signed timestamps must stay within the
    // API's five-minute window, one second apart).
    let (status, agent_key) = api
        .call(
            "POST",
            "/v1/api-keys",
            Some(json!({"name": "agents", "scopes": ["agent"]})),
        )
        .await;
    assert_eq!(status, 201, "{agent_key}");
    let agent_api = Api {
        base: api.base.clone(),
        key_id: agent_key["keyId"].as_str().unwrap().to_string(),
        secret: agent_key["secret"].as_str().unwrap().to_string(),
        http: reqwest::Client::new(),
        calls: std::sync::atomic::AtomicI64::new(0),
    };
    let mint = rpc(&chain_url, "mpppal_info", json!([])).await["usdcMint"]
        .as_str()
        .unwrap()
        .to_string();
    let providers: Vec<String> = (0..2).map(|_| solana_keypair_pubkey()).collect();
    let mut provider_owed = vec![0u64; providers.len()];
    let expires_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1800;
    for i in 0..RECEIPTS_PER_ACCOUNT {
        for (n, (account, _)) in accounts.iter().enumerate() {
            let to = (i + n) % providers.len();
            let amount = 1_000 + (i * ACCOUNTS + n) as u64;
            provider_owed[to] += amount;
            let body = json!({"challengeId": format!("ch-{n}-{i}"), "recipient": providers[to],
                              "mint": mint, "amount": amount, "expiresAt": expires_at});
            let (status, r) = agent_api
                .call(
                    "POST",
                    &format!("/v1/accounts/{account}/receipts"),
                    Some(body),
                )
                .await;
            assert_eq!(status, 201, "{r}");
        }
    }

    // The worker, through the link that can be cut, with short waits.
    let worker_env = vec![
        ("DATABASE_URL", db.url()),
        ("REDIS_URL", redis_url.clone()),
        (
            "SOLANA_RPC_URL",
            format!("http://127.0.0.1:{}", rpc_link.port),
        ),
        ("MPPPAL_MASTER_KEY", MASTER.to_string()),
        ("MPPPAL_WORKER_LEASE_SECONDS", "3".into()),
        ("MPPPAL_WORKER_BACKOFF_SECONDS", "0.2".into()),
        ("MPPPAL_WORKER_BACKOFF_MAX_SECONDS", "1".into()),
        ("MPPPAL_WORKER_RETRY_CAP", "1000".into()),
        ("MPPPAL_WORKER_CONFIRM_WAIT_SECONDS", "5".into()),
        ("MPPPAL_RECONCILE_SECONDS", "1".into()),
        ("MPPPAL_OVERDUE_SECONDS", "30".into()),
        ("MPPPAL_RECEIPT_BATCH_SECONDS", "0.5".into()),
    ];
    let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
    // Transfers and receipts settled so far.
    let settled = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT (SELECT count(*) FROM transfers WHERE status = 'settled')
                  + (SELECT count(*) FROM receipts WHERE status = 'settled')",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let total = (ACCOUNTS * (PER_ACCOUNT + RECEIPTS_PER_ACCOUNT)) as i64;
    let mut running = worker(&worker_env);
    let started = Instant::now();
    let mut flushed = false;
    let mut outage: Option<Instant> = None;
    let mut restored = false;
    let mut kills = 0;
    // Pseudo-random kill points: the time between kills varies from 0.3 to 2 seconds.
    let mut seed = u64::from(std::process::id());
    while settled().await < total {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "only {} of {total} settled after 5 minutes",
            settled().await,
        );
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        tokio::time::sleep(Duration::from_millis(300 + (seed >> 33) % 1700)).await;
        if kills < 12 {
            drop(running);
            kills += 1;
            running = worker(&worker_env);
        }
        if !flushed && settled().await >= 100 {
            let client = redis::Client::open(redis_url.as_str()).unwrap();
            let mut c = client.get_multiplexed_async_connection().await.unwrap();
            let _: () = redis::cmd("FLUSHALL").query_async(&mut c).await.unwrap();
            flushed = true;
        }
        if outage.is_none() && flushed && settled().await >= 200 {
            rpc_link.cut();
            outage = Some(Instant::now());
        }
        if !restored && outage.is_some_and(|at| at.elapsed() > Duration::from_secs(4)) {
            rpc_link.restore().await;
            restored = true;
        }
    }
    assert!(flushed && restored && kills >= 3, "every fault happened");
    // The outage was felt: tries failed and were retried.
    let retried: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE attempts > 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(retried > 0, "no job ever had to retry");
    eprintln!(
        "{} transfers and {} receipts settled in {:.1} s through {kills} worker kills, a Redis flush and a 4 s RPC outage ({retried} jobs retried)",
        ACCOUNTS * PER_ACCOUNT,
        ACCOUNTS * RECEIPTS_PER_ACCOUNT,
        started.elapsed().as_secs_f64()
    );

    // Exactly once: each recipient and provider holds what it was owed, each wallet's nonce
    // counts its 100 transfers and the batch transactions that paid its receipts.
    let all = recipients.iter().zip(&owed);
    for (to, amount) in all.chain(providers.iter().zip(&provider_owed)) {
        let account =
            mpppal_solana::address::token_account(&to.parse().unwrap(), &mint.parse().unwrap());
        let balance = rpc(
            &chain_url,
            "getTokenAccountBalance",
            json!([account.to_string()]),
        )
        .await;
        assert_eq!(
            balance["value"]["amount"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .unwrap(),
            *amount,
            "recipient {to}"
        );
    }
    for (account, wallet) in &accounts {
        let batches: i64 = sqlx::query_scalar(
            "SELECT count(DISTINCT settlement_tx_signature) FROM receipts WHERE account_id = $1",
        )
        .bind(account)
        .fetch_one(&pool)
        .await
        .unwrap();
        // What the day's budget holds is what was paid: receipts held when signed, not again
        // when settled.
        let (reserved, paid): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT sum(reserved) FROM daily_spend WHERE account_id = $1)::bigint,
                    ((SELECT sum(amount) FROM transfers WHERE account_id = $1)
                     + (SELECT sum(amount) FROM receipts WHERE account_id = $1))::bigint",
        )
        .bind(account)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(reserved, paid, "{account}'s budget");
        let info = rpc(
            &chain_url,
            "getAccountInfo",
            json!([wallet, {"encoding": "base64"}]),
        )
        .await;
        let data = base64_decode(info["value"]["data"][0].as_str().unwrap());
        let wallet: mpppal_policy_program::Wallet =
            anchor_lang::AccountDeserialize::try_deserialize(&mut data.as_slice()).unwrap();
        assert_eq!(
            wallet.nonce,
            PER_ACCOUNT as u64 + batches as u64,
            "one nonce per payment transaction"
        );
    }
    let failed: i64 = sqlx::query_scalar("SELECT count(*) FROM transfers WHERE status = 'failed'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(failed, 0);
    drop(running);
    pool.close().await;
    db.drop_now().await;
}

fn solana_keypair_pubkey() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap();
    mpppal_solana::Pubkey::new_from_array(bytes).to_string()
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}
