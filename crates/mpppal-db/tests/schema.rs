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
        "INSERT INTO accounts (account_id, operator_id, name, handle, solana_address, usdc_token_account, custody_mode, wallet_key, agent_address, sealed_agent_seed)
         VALUES ($1, $2, 'agent', $3, $1 || '-pda', $1 || '-ata', 'custodial', $1 || '-key', 'agent', $4)",
    )
    .bind(id)
    .bind(operator)
    .bind(handle)
    .bind(vec![0u8; 60])
    .execute(pool)
    .await
    .map(|_| ())
}

async fn transfer(pool: &PgPool, id: &str, amount: i64, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO transfers (transfer_id, account_id, to_address, amount, idempotency_key, spend_day)
         VALUES ($1, 'acct_00000001', 'recipient', $2, $3, 0)",
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
        "INSERT INTO mpp_sessions (session_id, account_id, provider_endpoint, channel_address, cap, signer, payee)
         VALUES ('sess_00000001', 'acct_00000001', 'https://api.example.com', 'channel', 1000, 'agent', 'payee')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let over = sqlx::query("UPDATE mpp_sessions SET running_total = 1001")
        .execute(&pool)
        .await;
    assert!(over.is_err());
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn custody_and_budgets_hold_their_invariants(pool: PgPool) {
    operator(&pool).await;
    account(&pool, "acct_00000001", None).await.unwrap();
    // A custodial account must have its sealed seed; a non-custodial one must not.
    let refused = sqlx::query(
        "UPDATE accounts SET sealed_agent_seed = NULL WHERE account_id = 'acct_00000001'",
    )
    .execute(&pool)
    .await;
    assert!(refused.is_err(), "a custodial account without its key");
    let refused = sqlx::query(
        "UPDATE accounts SET custody_mode = 'non_custodial' WHERE account_id = 'acct_00000001'",
    )
    .execute(&pool)
    .await;
    assert!(refused.is_err(), "a non-custodial account holding a key");

    // The budget cannot go negative, and a reservation beyond the cap changes nothing.
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        mpppal_db::budget::reserve(&mut conn, "acct_00000001", 1, 60, 100)
            .await
            .unwrap(),
        Some(60)
    );
    assert_eq!(
        mpppal_db::budget::reserve(&mut conn, "acct_00000001", 1, 41, 100)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        mpppal_db::budget::reserve(&mut conn, "acct_00000001", 1, 40, 100)
            .await
            .unwrap(),
        Some(100)
    );
    assert_eq!(
        mpppal_db::budget::reserve(&mut conn, "acct_00000001", 2, 101, 100)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        mpppal_db::budget::reserved(&mut conn, "acct_00000001", 2)
            .await
            .unwrap(),
        0
    );
    mpppal_db::budget::release(&mut conn, "acct_00000001", 1, 100)
        .await
        .unwrap();
    assert!(
        mpppal_db::budget::release(&mut conn, "acct_00000001", 1, 1)
            .await
            .is_err(),
        "a double release is an error, not free budget"
    );

    // A policy version whose single cap exceeds its daily cap is refused.
    let refused = sqlx::query(
        "INSERT INTO policies (account_id, version, max_single_transfer, max_daily_spend,
            allowed_counterparties, categories, require_memo, paused, tx_signature, changed_by)
         VALUES ('acct_00000001', 1, 11, 10, '{}', '{}', false, false, 'sig', 'test')",
    )
    .execute(&pool)
    .await;
    assert!(refused.is_err());
}
