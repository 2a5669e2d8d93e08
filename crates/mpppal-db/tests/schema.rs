//! The schema on a real PostgreSQL, one fresh database per test (`#[sqlx::test]`, which reads
//! `DATABASE_URL`; the workspace's cargo config points it at the local `test` server by
//! default): the migrations apply, and the constraints refuse what must never be stored.

use sqlx::PgPool;

async fn operator(pool: &PgPool) -> sqlx::types::Uuid {
    let id = sqlx::types::Uuid::from_u128(0x6d70_7070_616c);
    sqlx::query("INSERT INTO operators (operator_id, name) VALUES ($1, 'ops')")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    id
}

async fn account(pool: &PgPool, id: &str, handle: Option<&str>) -> Result<(), sqlx::Error> {
    let operator = sqlx::types::Uuid::from_u128(0x6d70_7070_616c);
    sqlx::query(
        "INSERT INTO accounts (account_id, operator_id, name, handle, solana_address, usdc_token_account, custody_mode)
         VALUES ($1, $2, 'agent', $3, $1 || '-pda', $1 || '-ata', 'custodial')",
    )
    .bind(id)
    .bind(operator)
    .bind(handle)
    .execute(pool)
    .await
    .map(|_| ())
}

async fn transfer(pool: &PgPool, id: &str, amount: i64, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO transfers (transfer_id, account_id, to_address, amount, idempotency_key)
         VALUES ($1, 'acct_00000001', 'recipient', $2, $3)",
    )
    .bind(id)
    .bind(amount)
    .bind(key)
    .execute(pool)
    .await
    .map(|_| ())
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn accounts_take_only_well_formed_ids_and_unique_handles(pool: PgPool) {
    operator(&pool).await;
    account(&pool, "acct_00000001", Some("@research-agent.mpppal"))
        .await
        .unwrap();
    assert!(
        account(&pool, "account-2", None).await.is_err(),
        "id format"
    );
    assert!(
        account(&pool, "acct_00000002", Some("@research-agent.mpppal"))
            .await
            .is_err(),
        "handles are unique"
    );
    assert!(
        account(&pool, "acct_00000003", Some("research agent"))
            .await
            .is_err(),
        "handle format"
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn transfers_refuse_non_positive_amounts_and_reused_idempotency_keys(pool: PgPool) {
    operator(&pool).await;
    account(&pool, "acct_00000001", None).await.unwrap();
    transfer(&pool, "txn_00000001", 250_000, "key-1")
        .await
        .unwrap();
    assert!(transfer(&pool, "txn_00000002", 0, "key-2").await.is_err());
    assert!(transfer(&pool, "txn_00000003", -5, "key-3").await.is_err());
    assert!(
        transfer(&pool, "txn_00000004", 1, "key-1").await.is_err(),
        "one transfer per (account, idempotency key)"
    );
    // Settled needs its signature and time; rejected needs its reason.
    let settled_without_signature =
        sqlx::query("UPDATE transfers SET status = 'settled', settled_at = now() WHERE transfer_id = 'txn_00000001'")
            .execute(&pool)
            .await;
    assert!(settled_without_signature.is_err());
    let rejected_without_reason =
        sqlx::query("UPDATE transfers SET status = 'rejected' WHERE transfer_id = 'txn_00000001'")
            .execute(&pool)
            .await;
    assert!(rejected_without_reason.is_err());
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_session_total_never_exceeds_its_cap(pool: PgPool) {
    operator(&pool).await;
    account(&pool, "acct_00000001", None).await.unwrap();
    sqlx::query(
        "INSERT INTO mpp_sessions (session_id, account_id, provider_endpoint, channel_address, cap)
         VALUES ('sess_00000001', 'acct_00000001', 'https://api.example.com', 'channel', 1000)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let over = sqlx::query("UPDATE mpp_sessions SET running_total = 1001")
        .execute(&pool)
        .await;
    assert!(over.is_err());
}
