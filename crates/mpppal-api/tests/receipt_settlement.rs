//! Deferred receipts settled by the worker against the real PostgreSQL, Redis and the embedded
//! chain: grouped per recipient into `settle_batch` transactions that fill 1,232 bytes, each
//! receipt ending settled, expired or rejected with the program's reason, the money on chain
//! equal to what settled, and a batch sent again from scratch paying nothing twice.

use anchor_lang::prelude::Pubkey;
use mpppal_solana::signed::{category_field, challenge_hash, Receipt, SignReceipt};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;
use support::worker::{eventually, start, test_config};
use support::world::{world, Agent, World, USDC};

mod support;

impl World {
    /// Each receipt's (status, rejection reason), by challenge id.
    async fn outcomes(&self) -> HashMap<String, (String, Option<String>)> {
        sqlx::query_as::<_, (String, String, Option<String>)>(
            "SELECT challenge_id, status::text, rejection_reason FROM receipts",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(c, s, r)| (c, (s, r)))
        .collect()
    }
}

/// A receipt report signed by the agent, paying `recipient`.
fn signed(agent: &Agent, mint: &Pubkey, recipient: &Pubkey, challenge: &str, amount: u64) -> Value {
    let expires_at = support::now() + 600;
    let receipt = Receipt {
        wallet: agent.wallet,
        recipient: *recipient,
        mint: *mint,
        amount,
        expires_at,
        challenge_hash: challenge_hash(challenge),
        category: category_field(None).unwrap(),
    };
    let signature = receipt.sign(&agent.key).signature;
    json!({
        "accountId": agent.id, "challengeId": challenge,
        "recipient": recipient.to_string(), "mint": mint.to_string(), "amount": amount,
        "expiresAt": expires_at,
        "signature": bs58::encode(signature).into_string(),
    })
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn receipts_settle_in_batches_exactly_once(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let agent = w.funded_agent(5 * USDC).await;
    let mint = w.mint().await;
    let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
    let reports = vec![
        signed(&agent, &mint, &a, "a-0", 300_000),
        signed(&agent, &mint, &a, "a-1", 200_000),
        signed(&agent, &mint, &a, "a-2", 100_000),
        signed(&agent, &mint, &a, "a-late", 50_000),
        signed(&agent, &mint, &b, "b-0", 400_000),
        // Over the wallet's single-payment limit: the program skips it.
        signed(&agent, &mint, &b, "b-big", 1_500_000),
    ];
    let (status, answer) = w
        .api
        .call(
            "POST",
            "/v1/receipts",
            Some(&json!({ "receipts": reports })),
            None,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["outcome"] == "stored"));
    // One receipt expires before the worker gets to it.
    sqlx::query("UPDATE receipts SET expires_at = now() - interval '1 second' WHERE challenge_id = 'a-late'")
        .execute(&w.pool)
        .await
        .unwrap();

    let mut config = test_config(w.rpc.url().as_str());
    config.batch_every = Duration::from_millis(100);
    let _worker = start(&w, config).await;
    let unfinished =
        "SELECT count(*) FROM receipts WHERE status IN ('accepted', 'settling')".to_string();
    eventually(
        60,
        "every receipt to settle, expire or be rejected",
        || async { w.count(&unfinished).await == 0 },
    )
    .await;

    let outcomes = w.outcomes().await;
    for settled in ["a-0", "a-1", "a-2", "b-0"] {
        assert_eq!(outcomes[settled].0, "settled", "{settled}: {outcomes:?}");
    }
    assert_eq!(outcomes["a-late"].0, "expired");
    assert_eq!(
        outcomes["b-big"],
        (
            "rejected".to_string(),
            Some("over_single_transfer_limit".to_string())
        )
    );
    // The money on chain is exactly what settled.
    assert_eq!(w.usdc_of(&a).await, 600_000);
    assert_eq!(w.usdc_of(&b).await, 400_000);
    let vault = mpppal_solana::address::vault(&agent.wallet, &mint);
    assert_eq!(w.token_balance(&vault).await, 5 * USDC - 1_000_000);
    // As many batches as the transaction size allows, one per recipient at least.
    let per_tx = mpppal_worker::receipts::per_transaction() as u64;
    let batches = w.count("SELECT count(*) FROM receipt_batches").await;
    let expected = 3_u64.div_ceil(per_tx) + 2_u64.div_ceil(per_tx);
    assert_eq!(
        batches as u64, expected,
        "{per_tx} receipts per transaction"
    );
    assert_eq!(
        w.count("SELECT count(*) FROM receipt_batches WHERE status = 'settled'")
            .await,
        batches
    );
    // The books: the day's spend, an audit row and an event per batch.
    let spent: i64 =
        sqlx::query_scalar("SELECT sum(reserved)::bigint FROM daily_spend WHERE account_id = $1")
            .bind(&agent.id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(spent, 1_000_000);
    assert_eq!(
        w.count(
            "SELECT count(*) FROM audit_log WHERE action = 'receipts.settled' AND actor = 'worker'"
        )
        .await,
        batches
    );
    assert_eq!(
        w.count("SELECT count(*) FROM outbox WHERE kind = 'event' AND payload->>'type' = 'receipts.settled'")
            .await,
        batches
    );
    let (_, page) = w
        .api
        .call("GET", "/v1/receipts?status=rejected", None, None)
        .await;
    assert_eq!(
        page["items"][0]["rejectionReason"], "over_single_transfer_limit",
        "{page}"
    );
    let (_, page) = w
        .api
        .call("GET", "/v1/receipts?status=settled", None, None)
        .await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["settlementTxSignature"].is_string()
            && r["settledAt"].is_string()
            && r["batchId"].is_i64()));

    // A batch whose outcome was lost and is settled again from scratch (a new transaction for
    // the same receipts): the chain's receipt records make it pay nothing.
    let batch: i64 = sqlx::query_scalar(
        "SELECT batch_id FROM receipt_batches WHERE recipient = $1 ORDER BY batch_id LIMIT 1",
    )
    .bind(a.to_string())
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let first_signature: String =
        sqlx::query_scalar("SELECT tx_signature FROM receipt_batches WHERE batch_id = $1")
            .bind(batch)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    for sql in [
        "UPDATE receipt_batches SET status = 'settling', tx_signature = NULL, tx_raw = NULL,
             tx_last_valid_height = NULL, tx_attempts = 0, finished_at = NULL WHERE batch_id = $1",
        "UPDATE receipts SET status = 'settling', settled_at = NULL, settlement_tx_signature = NULL
             WHERE batch_id = $1",
        "INSERT INTO outbox (kind, subject, payload) VALUES ('receipts.settle', $1::bigint::text, '{}')",
    ] {
        sqlx::query(sql).bind(batch).execute(&w.pool).await.unwrap();
    }
    let settled_again = format!(
        "SELECT count(*) FROM receipt_batches WHERE batch_id = {batch} AND status = 'settled'"
    );
    eventually(30, "the re-opened batch to settle again", || async {
        w.count(&settled_again).await == 1
    })
    .await;
    let second_signature: String =
        sqlx::query_scalar("SELECT tx_signature FROM receipt_batches WHERE batch_id = $1")
            .bind(batch)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_ne!(
        second_signature, first_signature,
        "a new transaction was sent"
    );
    assert_eq!(w.usdc_of(&a).await, 600_000, "and it paid nothing twice");
    assert_eq!(w.token_balance(&vault).await, 5 * USDC - 1_000_000);
    assert_eq!(w.count(&unfinished).await, 0);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn receipts_wait_for_funds_when_the_vault_is_short(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let agent = w.funded_agent(100_000).await;
    let mint = w.mint().await;
    let provider = Pubkey::new_unique();
    let report = json!({ "receipts": [signed(&agent, &mint, &provider, "short", 300_000)] });
    let (status, answer) = w
        .api
        .call("POST", "/v1/receipts", Some(&report), None)
        .await;
    assert_eq!(status, 200, "{answer}");

    let mut config = test_config(w.rpc.url().as_str());
    config.batch_every = Duration::from_millis(100);
    let _worker = start(&w, config).await;
    // The vault cannot cover it: the batch is refused, the receipt is not.
    eventually(30, "a batch the vault could not cover", || async {
        w.count("SELECT count(*) FROM receipt_batches WHERE status = 'failed' AND failure_reason LIKE '%wait for funds%'")
            .await
            >= 1
    })
    .await;
    let outcomes = w.outcomes().await;
    assert_ne!(outcomes["short"].0, "rejected", "{outcomes:?}");
    assert_eq!(w.usdc_of(&provider).await, 0);

    // Funds arrive: the receipt settles, once.
    w.faucet(&agent.wallet.to_string(), USDC).await;
    eventually(
        30,
        "the receipt to settle once the vault is funded",
        || async { w.outcomes().await["short"].0 == "settled" },
    )
    .await;
    assert_eq!(w.usdc_of(&provider).await, 300_000);
    let vault = mpppal_solana::address::vault(&agent.wallet, &mint);
    assert_eq!(w.token_balance(&vault).await, 100_000 + USDC - 300_000);
}
