//! Receipt ingestion on a real PostgreSQL (a fresh database per test): a batch is stored once;
//! sent again it is all duplicates; a different receipt under a used challenge id is a conflict
//! and changes nothing.

use mpppal_db::receipts::{ingest, NewReceipt, Outcome};
use sqlx::types::time::OffsetDateTime;
use sqlx::PgPool;

async fn account(pool: &PgPool, id: &str) {
    sqlx::query("INSERT INTO operators (operator_id, name) VALUES (gen_random_uuid(), 'ops')")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO accounts (account_id, operator_id, name, solana_address, usdc_token_account, custody_mode, wallet_key, agent_address)
         SELECT $1, operator_id, 'agent', $1 || '-pda', $1 || '-ata', 'non_custodial', $1 || '-key', 'agent'
         FROM operators LIMIT 1",
    )
    .bind(id)
    .execute(pool)
    .await
    .unwrap();
}

fn receipt(account: &str, n: u8, amount: i64) -> NewReceipt {
    NewReceipt {
        account_id: account.into(),
        challenge_id: format!("challenge-{n}"),
        challenge_hash: [n; 32],
        wallet: "wallet".into(),
        recipient: "provider".into(),
        mint: "usdc".into(),
        amount,
        category: [0; 32],
        expires_at: OffsetDateTime::now_utc() + std::time::Duration::from_secs(600),
        signature: [n.wrapping_add(amount as u8); 64],
        spend_day: None,
    }
}

async fn total(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as("SELECT count(*), COALESCE(sum(amount), 0)::BIGINT FROM receipts")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_batch_is_stored_once_and_resending_it_changes_nothing(pool: PgPool) {
    account(&pool, "acct_00000001").await;
    let batch: Vec<_> = (0..50)
        .map(|n| receipt("acct_00000001", n, 1_000))
        .collect();
    assert_eq!(
        ingest(&mut pool.acquire().await.unwrap(), &batch)
            .await
            .unwrap(),
        vec![Outcome::Stored; 50]
    );
    assert_eq!(
        ingest(&mut pool.acquire().await.unwrap(), &batch)
            .await
            .unwrap(),
        vec![Outcome::Duplicate; 50]
    );
    assert_eq!(total(&pool).await, (50, 50_000));
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn another_receipt_under_a_used_challenge_id_is_a_conflict(pool: PgPool) {
    account(&pool, "acct_00000001").await;
    ingest(
        &mut pool.acquire().await.unwrap(),
        &[receipt("acct_00000001", 1, 1_000)],
    )
    .await
    .unwrap();
    let mixed = [
        receipt("acct_00000001", 1, 9_000), // same challenge, different receipt
        receipt("acct_00000001", 2, 1_000), // new
        receipt("acct_00000001", 2, 1_000), // the same again within the batch
        receipt("acct_00000001", 3, 1_000), // new
        receipt("acct_00000001", 3, 5_000), // a different one under the same id, same batch
    ];
    assert_eq!(
        ingest(&mut pool.acquire().await.unwrap(), &mixed)
            .await
            .unwrap(),
        [
            Outcome::Conflict,
            Outcome::Stored,
            Outcome::Duplicate,
            Outcome::Stored,
            Outcome::Conflict
        ]
    );
    assert_eq!(
        total(&pool).await,
        (3, 3_000),
        "the first receipt of each id stands"
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_bad_row_fails_the_whole_batch(pool: PgPool) {
    account(&pool, "acct_00000001").await;
    let batch = [
        receipt("acct_00000001", 1, 1_000),
        receipt("acct_00000001", 2, 0),
    ];
    assert!(
        ingest(&mut pool.acquire().await.unwrap(), &batch)
            .await
            .is_err(),
        "a zero amount is refused"
    );
    assert_eq!(
        total(&pool).await,
        (0, 0),
        "nothing of the batch was stored"
    );
}
