//! Custodial payments a provider submits (MPP charge, pull mode), confirmed by the worker: the
//! one the provider sent is found on chain by the agent's signature and settled under the
//! provider's transaction id; the one handed out and never sent fails once it can no longer
//! land, and gives its budget back. While a handed-out transaction can still land, asking
//! again hands out the same one.

use mpppal_sdk::client::{ApiCredentials, CustodialClient};
use serde_json::json;
use sqlx::PgPool;
use support::worker::{eventually, start, test_config};
use support::world::{world, World, USDC};
use support::Signed;

mod support;

impl World {
    async fn transfer_status(&self, transfer_id: &str) -> (String, Option<String>, Option<String>) {
        sqlx::query_as(
            "SELECT status::text, tx_signature, failure_reason FROM transfers WHERE transfer_id = $1",
        )
        .bind(transfer_id)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// A custodial account with 5 USDC of policy room and an agent-scope key: its id, the
    /// key's credentials and a client signed with them.
    async fn custodial_agent(&self, funding: u64) -> (String, (String, String), Signed) {
        let account = self
            .account(json!({"maxSingleTransfer": USDC, "maxDailySpend": 5 * USDC}))
            .await;
        let id = account["accountId"].as_str().unwrap().to_string();
        if funding > 0 {
            self.faucet(account["solanaAddress"].as_str().unwrap(), funding)
                .await;
        }
        let (key_id, secret) = self.agent_key().await;
        let agent = Signed::new(&self.api.base, &key_id, &secret);
        (id, (key_id, secret), agent)
    }
}

/// A request for a payment by transaction under `challenge`, paying `amount` to `destination`,
/// whose fee payer nobody here holds: it is handed out and never submitted.
/// A payment by transaction to a new recipient, paid into its token account for `mint` (the
/// API signs only legs that pay the declared recipient).
fn unsent(challenge: &str, mint: &anchor_lang::prelude::Pubkey, amount: u64) -> serde_json::Value {
    let recipient = anchor_lang::prelude::Pubkey::new_unique();
    let destination = mpppal_solana::address::token_account(&recipient, mint);
    json!({
        "challengeId": challenge,
        "feePayer": anchor_lang::prelude::Pubkey::new_unique().to_string(),
        "recipient": recipient.to_string(),
        "legs": [{"destination": destination.to_string(), "amount": amount}],
        "expiresAt": support::now() + 300,
    })
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn provider_submitted_payments_are_confirmed_or_expire(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (id, (key_id, secret), agent) = w.custodial_agent(5 * USDC).await;
    let (provider, _) = w.sponsored_paywall(20_000).await;
    let client = CustodialClient::new(
        ApiCredentials {
            base_url: w.api.base.clone(),
            key_id,
            secret,
        },
        &id,
        w.mint().await,
    )
    .with_max_price(USDC);

    // Paid: the provider co-signed and submitted the transaction MPPPal handed out.
    let paid = client.get(&format!("{provider}/data")).await.unwrap();
    assert_eq!(paid.response.status(), 200);
    let landed = paid.receipt.unwrap().reference;
    let submitted: String = sqlx::query_scalar(
        "SELECT transfer_id FROM transfers WHERE account_id = $1 AND status = 'pending'",
    )
    .bind(&id)
    .fetch_one(&w.pool)
    .await
    .unwrap();

    // Handed out, never submitted.
    let request = unsent("ch-never-sent", &w.mint().await, 30_000);
    let path = format!("/v1/accounts/{id}/transactions");
    let (status, handed) = agent.call("POST", &path, Some(&request), None).await;
    assert_eq!(status, 201, "{handed}");
    let never_sent = handed["transferId"].as_str().unwrap().to_string();
    let (status, again) = agent.call("POST", &path, Some(&request), None).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again["transaction"], handed["transaction"],
        "while it can land, the same transaction is handed out again"
    );

    let _worker = start(&w, test_config(w.rpc.url().as_str())).await;
    eventually(30, "the submitted payment to be confirmed", || async {
        w.transfer_status(&submitted).await.0 == "settled"
    })
    .await;
    let (_, signature, _) = w.transfer_status(&submitted).await;
    assert_eq!(
        signature.as_deref(),
        Some(landed.as_str()),
        "settled under the provider's transaction id"
    );
    assert_eq!(w.transfer_status(&never_sent).await.0, "pending");

    // Its blockhash ages out: the handed-out transaction can no longer land.
    w.chain().await.advance_blocks(152).await;
    eventually(60, "the unsent payment to fail", || async {
        w.transfer_status(&never_sent).await.0 == "failed"
    })
    .await;
    let (_, signature, reason) = w.transfer_status(&never_sent).await;
    assert_eq!(signature, None);
    assert!(
        reason
            .as_deref()
            .unwrap()
            .contains("expired without being submitted"),
        "{reason:?}"
    );
    // Only the payment that happened counts against the day.
    let reserved: i64 =
        sqlx::query_scalar("SELECT sum(reserved)::bigint FROM daily_spend WHERE account_id = $1")
            .bind(&id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(reserved, 20_000);
    let (status, problem) = agent.call("POST", &path, Some(&request), None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("payment_failed")),
        "{problem}"
    );
    assert_eq!(
        w.count("SELECT count(*) FROM audit_log WHERE action IN ('transfer.settled', 'transfer.failed') AND actor = 'worker'")
            .await,
        2
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn nothing_new_is_signed_for_a_payment_whose_transaction_expired(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (id, _, agent) = w.custodial_agent(0).await;
    let request = unsent("ch-late", &w.mint().await, 10_000);
    let path = format!("/v1/accounts/{id}/transactions");
    let (status, handed) = agent.call("POST", &path, Some(&request), None).await;
    assert_eq!(status, 201, "{handed}");
    // No worker has decided yet whether it landed: a second live transaction could pay twice.
    w.chain().await.advance_blocks(152).await;
    let (status, problem) = agent.call("POST", &path, Some(&request), None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("transaction_expired")),
        "{problem}"
    );
    assert_eq!(
        w.count("SELECT count(*) FROM transfers WHERE tx_attempts = 1")
            .await,
        1,
        "one transaction was ever handed out"
    );
}
