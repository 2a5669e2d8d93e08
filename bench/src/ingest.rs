//! `ingest`: receipts stored per second by the API's batch ingestion (idempotent, classifying
//! duplicates and conflicts) vs a raw multi-row INSERT of the same rows into the same table, in a
//! throwaway database on the server of `DATABASE_URL` (default: the local `test` server).

use mpppal_db::receipts::{ingest, NewReceipt, Outcome};
use sqlx::types::time::OffsetDateTime;
use sqlx::PgPool;
use std::time::Instant;

pub(crate) const BATCH: usize = 1_000;
pub(crate) const PER_ROUND: usize = 20_000;
pub(crate) const ROUNDS: usize = 5;

pub(crate) fn batch(round: usize, side: &str, start: usize) -> Vec<NewReceipt> {
    (start..start + BATCH)
        .map(|n| NewReceipt {
            account_id: "acct_bench0001".into(),
            challenge_id: format!("{side}-{round}-{n}"),
            challenge_hash: [(n % 251) as u8; 32],
            wallet: "BenchWallet1111111111111111111111111111111".into(),
            recipient: "BenchProvider11111111111111111111111111111".into(),
            mint: "BenchMint111111111111111111111111111111111".into(),
            amount: 1_000,
            category: [0; 32],
            expires_at: OffsetDateTime::now_utc() + std::time::Duration::from_secs(600),
            signature: [(n % 253) as u8; 64],
            spend_day: None,
        })
        .collect()
}

/// The baseline: the same rows in one plain multi-row INSERT, no conflict handling.
pub(crate) async fn raw_insert(pool: &PgPool, rows: &[NewReceipt]) {
    let mut query = sqlx::QueryBuilder::new(
        "INSERT INTO receipts (account_id, challenge_id, challenge_hash, wallet, recipient, mint, amount, category, expires_at, signature) ",
    );
    query.push_values(rows, |mut b, r| {
        b.push_bind(&r.account_id)
            .push_bind(&r.challenge_id)
            .push_bind(r.challenge_hash.as_slice())
            .push_bind(&r.wallet)
            .push_bind(&r.recipient)
            .push_bind(&r.mint)
            .push_bind(r.amount)
            .push_bind(r.category.as_slice())
            .push_bind(r.expires_at)
            .push_bind(r.signature.as_slice());
    });
    query.build().execute(pool).await.expect("raw insert");
}

pub(crate) async fn setup() -> (PgPool, PgPool, String) {
    let server = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = PgPool::connect(&server)
        .await
        .expect("PostgreSQL (DATABASE_URL)");
    let name = format!("mpppal_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    let pool = mpppal_db::connect(&format!("{base}/{name}"))
        .await
        .expect("connect");
    mpppal_db::migrate(&pool).await.expect("migrate");
    sqlx::query("INSERT INTO operators (operator_id, name) VALUES (gen_random_uuid(), 'bench')")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO accounts (account_id, operator_id, name, solana_address, usdc_token_account, custody_mode, wallet_key, agent_address)
         SELECT 'acct_bench0001', operator_id, 'bench', 'pda', 'ata', 'non_custodial', 'key', 'agent'
         FROM operators",
    )
    .execute(&pool)
    .await
    .unwrap();
    (admin, pool, name)
}

pub async fn run() {
    let (admin, pool, name) = setup().await;
    let mut rounds = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let raw: Vec<_> = (0..PER_ROUND)
            .step_by(BATCH)
            .map(|s| batch(round, "raw", s))
            .collect();
        let ours: Vec<_> = (0..PER_ROUND)
            .step_by(BATCH)
            .map(|s| batch(round, "ours", s))
            .collect();
        let start = Instant::now();
        for rows in &raw {
            raw_insert(&pool, rows).await;
        }
        let raw_rate = PER_ROUND as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for rows in &ours {
            let outcomes = ingest(&mut pool.acquire().await.unwrap(), rows)
                .await
                .expect("ingest");
            assert!(outcomes.iter().all(|o| *o == Outcome::Stored));
        }
        let our_rate = PER_ROUND as f64 / start.elapsed().as_secs_f64();
        rounds.push((our_rate / raw_rate, our_rate, raw_rate));
    }
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop database");
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, ours, raw) = rounds[ROUNDS / 2];
    println!("receipt ingestion (median of {ROUNDS} rounds of {PER_ROUND} in batches of {BATCH}): {ours:.0} receipts/s, raw multi-row INSERT {raw:.0}/s, ratio {ratio:.2} (goals >= 10000/s and >= 0.30)");
}
