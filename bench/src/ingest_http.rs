//! `ingest-http`: receipts stored per second through the whole endpoint an agent's reporter
//! calls (`POST /v1/receipts`: HMAC request signature, replay cache in Redis, JSON, one strict
//! Ed25519 check per receipt, the batch insert), one batch of 1,000 at a time over loopback HTTP,
//! vs a raw multi-row INSERT of as many rows into the same table, in the same run. Needs
//! PostgreSQL (`DATABASE_URL`) and Redis (`REDIS_URL`, default the local one).

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::Dependencies;
use mpppal_solana::signed::{category_field, challenge_hash, Receipt, SignReceipt};
use mpppal_solana::Pubkey;
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::sync::Arc;
use std::time::Instant;

use crate::ingest::{batch, raw_insert, setup, BATCH, PER_ROUND, ROUNDS};

const MASTER: [u8; 32] = [42; 32];

/// `PER_ROUND` receipts signed by `agent` for `wallet`, as report bodies of `BATCH` each.
fn bodies(
    round: usize,
    account: &str,
    agent: &Keypair,
    wallet: &Pubkey,
    mint: &Pubkey,
) -> Vec<String> {
    let recipient = Pubkey::new_from_array([7; 32]);
    let expires_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 600;
    (0..PER_ROUND / BATCH)
        .map(|b| {
            let receipts: Vec<_> = (0..BATCH)
                .map(|n| {
                    let challenge = format!("http-{round}-{b}-{n}");
                    let receipt = Receipt {
                        wallet: *wallet,
                        recipient,
                        mint: *mint,
                        amount: 1_000,
                        expires_at,
                        challenge_hash: challenge_hash(&challenge),
                        category: category_field(None).expect("no category fits"),
                    };
                    json!({
                        "accountId": account, "challengeId": challenge,
                        "recipient": recipient.to_string(), "mint": mint.to_string(),
                        "amount": 1_000, "expiresAt": expires_at,
                        "signature": bs58::encode(receipt.sign(agent).signature).into_string(),
                    })
                })
                .collect();
            json!({ "receipts": receipts }).to_string()
        })
        .collect()
}

pub async fn run() {
    let (admin, pool, name) = setup().await;
    let redis = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let mint = Pubkey::new_unique();
    let agent = Keypair::new();
    let wallet = Pubkey::new_unique();
    let operator: sqlx::types::Uuid =
        sqlx::query_scalar("SELECT operator_id FROM operators LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let key = keys::create(&pool, &MASTER, operator, "bench", &[Scope::Agent])
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    mpppal_db::accounts::insert(
        &mut conn,
        &mpppal_db::accounts::NewAccount {
            account_id: "acct_benchhttp01",
            operator_id: operator,
            name: "bench over HTTP",
            handle: None,
            solana_address: &wallet.to_string(),
            usdc_token_account: "vault",
            custodial: false,
            wallet_key: "bench-http-wallet-key",
            agent_address: &agent.pubkey().to_string(),
            sealed_agent_seed: None,
        },
    )
    .await
    .unwrap()
    .unwrap();
    drop(conn);
    // The mint is configured, so the API never needs the chain here.
    let deps = Dependencies::new(pool.clone(), &redis, "http://127.0.0.1:1")
        .expect("REDIS_URL")
        .with_master_key(Some(MASTER))
        .with_usdc_mint(Some(mint), "http://127.0.0.1:1");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, mpppal_api::router(Arc::new(deps))).await });
    let http = reqwest::Client::new();

    let mut rounds = Vec::with_capacity(ROUNDS);
    let mut sent = 0i64;
    for round in 0..ROUNDS {
        let raw: Vec<_> = (0..PER_ROUND)
            .step_by(BATCH)
            .map(|s| batch(round, "raw-http", s))
            .collect();
        let reports = bodies(round, "acct_benchhttp01", &agent, &wallet, &mint);
        let start = Instant::now();
        for rows in &raw {
            raw_insert(&pool, rows).await;
        }
        let raw_rate = PER_ROUND as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for body in &reports {
            sent += 1;
            // Each report its own timestamp, so no two carry the same signature.
            let timestamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
                - sent % 250;
            let authorization = mpppal_signing::authorization(
                &key.key_id,
                &key.secret,
                "POST",
                "/v1/receipts",
                "",
                timestamp,
                body.as_bytes(),
            );
            let answer = http
                .post(format!("{base}/v1/receipts"))
                .header("authorization", authorization)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("the API answers");
            assert_eq!(answer.status(), 200, "{:?}", answer.text().await);
        }
        let our_rate = PER_ROUND as f64 / start.elapsed().as_secs_f64();
        rounds.push((our_rate / raw_rate, our_rate, raw_rate));
    }
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM receipts WHERE account_id = 'acct_benchhttp01'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored as usize,
        ROUNDS * PER_ROUND,
        "every reported receipt was stored"
    );
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop database");
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, ours, raw) = rounds[ROUNDS / 2];
    println!("receipts over HTTP (POST /v1/receipts, median of {ROUNDS} rounds of {PER_ROUND} in reports of {BATCH}): {ours:.0} receipts/s, raw multi-row INSERT {raw:.0}/s, ratio {ratio:.2} (goals >= 10000/s and >= 0.30)");
}
