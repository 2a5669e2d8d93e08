//! The settlement worker against the real PostgreSQL, Redis and the embedded chain: transfers
//! settle on chain exactly once (two workers racing for one wallet's nonce, a job sent twice),
//! a transfer the chain refuses fails and gives its budget back, a job whose RPC node is down
//! dies after its retry cap and settles once an operator replays it, and jobs lost with Redis's
//! stream are sent again.

use anchor_lang::prelude::Pubkey;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;
use support::worker::{eventually, start, test_config};
use support::world::{world, World, USDC};

mod support;

impl World {
    async fn pay(&self, account: &str, to: &Pubkey, amount: u64, key: &str) -> Value {
        let (status, transfer) = self
            .api
            .call(
                "POST",
                "/v1/transfers",
                Some(&json!({"accountId": account, "to": to.to_string(), "amount": amount})),
                Some(key),
            )
            .await;
        assert!(status == 201 || status == 202, "{status} {transfer}");
        transfer
    }

    async fn status_of(&self, transfer_id: &str) -> String {
        sqlx::query_scalar("SELECT status::text FROM transfers WHERE transfer_id = $1")
            .bind(transfer_id)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// A funded custodial account: its id and wallet address.
    async fn funded(&self, usdc: u64) -> (String, String) {
        let account = self
            .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC, "escalationThreshold": 2 * USDC}))
            .await;
        let wallet = account["solanaAddress"].as_str().unwrap().to_string();
        if usdc > 0 {
            self.faucet(&wallet, usdc).await;
        }
        (account["accountId"].as_str().unwrap().to_string(), wallet)
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn transfers_settle_on_chain_exactly_once(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (account, wallet) = w.funded(20 * USDC).await;
    let to = Pubkey::new_unique();
    let mut ids = Vec::new();
    for (n, amount) in [1_000_000u64, 1_250_000, 500_000, 750_000, 1_500_000]
        .into_iter()
        .enumerate()
    {
        let t = w.pay(&account, &to, amount, &format!("pay-{n}")).await;
        ids.push(t["transferId"].as_str().unwrap().to_string());
    }
    // Above the threshold: settles with the owner's co-signature once approved.
    let big = w.pay(&account, &to, 3 * USDC, "pay-big").await;
    let (status, _) = w
        .approver
        .call(
            "POST",
            &format!(
                "/v1/escalations/{}/approve",
                big["escalationId"].as_str().unwrap()
            ),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    ids.push(big["transferId"].as_str().unwrap().to_string());

    // Two workers with four consumers each race for the same wallet's nonce.
    let config = test_config(w.rpc.url().as_str());
    let mut second = config.clone();
    second.consumer = format!("{}-b", config.consumer);
    let _one = start(&w, config.clone()).await;
    let _two = start(&w, second).await;
    for id in &ids {
        eventually(60, "every transfer settled", || async {
            w.status_of(id).await == "settled"
        })
        .await;
    }

    let paid: u64 = 1_000_000 + 1_250_000 + 500_000 + 750_000 + 1_500_000 + 3 * USDC;
    assert_eq!(
        w.usdc_of(&to).await,
        paid,
        "the recipient got each payment once"
    );
    let state = w.wallet(&wallet).await;
    assert_eq!(state.nonce, 6, "six payments, six nonces");
    assert_eq!(state.spent_today, paid);
    // Each settled transfer names a transaction that succeeded on chain.
    for id in &ids {
        let (_, t) = w
            .api
            .call("GET", &format!("/v1/transfers/{id}"), None, None)
            .await;
        let signature =
            solana_signature::Signature::from_str(t["txSignature"].as_str().unwrap()).unwrap();
        let status = w.rpc.get_signature_status(&signature).await.unwrap();
        assert_eq!(status, Some(Ok(())), "{t}");
        assert!(t["settledAt"].is_string());
    }
    let events = w
        .count("SELECT count(*) FROM outbox WHERE kind = 'event' AND payload->>'type' = 'transfer.settled'")
        .await;
    assert_eq!(events, 6);
    let audited = w
        .count(
            "SELECT count(*) FROM audit_log WHERE actor = 'worker' AND action = 'transfer.settled'",
        )
        .await;
    assert_eq!(audited, 6);
    eventually(10, "every job done", || async {
        w.count("SELECT count(*) FROM outbox WHERE done_at IS NULL")
            .await
            == 0
    })
    .await;

    // The reconciler finds the ledger and the chain in agreement.
    let (_, differences) = w.api.call("GET", "/v1/reconciliation", None, None).await;
    assert_eq!(differences, json!([]));

    // A job sent again for a settled transfer pays nothing.
    sqlx::query("INSERT INTO outbox (kind, subject, payload) VALUES ('transfer.settle', $1, '{}')")
        .bind(&ids[0])
        .execute(&w.pool)
        .await
        .unwrap();
    eventually(10, "the duplicate job done", || async {
        w.count("SELECT count(*) FROM outbox WHERE done_at IS NULL")
            .await
            == 0
    })
    .await;
    assert_eq!(w.usdc_of(&to).await, paid);
    assert_eq!(w.wallet(&wallet).await.nonce, 6);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_transfer_the_chain_refuses_fails_and_gives_its_budget_back(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    // Nothing in the vault: the policy allows the payment, the chain cannot make it.
    let (account, _) = w.funded(0).await;
    let t = w.pay(&account, &Pubkey::new_unique(), USDC, "broke").await;
    let id = t["transferId"].as_str().unwrap().to_string();
    let reserved = || async {
        w.count(&format!(
            "SELECT COALESCE(sum(reserved), 0)::bigint FROM daily_spend WHERE account_id = '{account}'"
        ))
        .await
    };
    assert_eq!(reserved().await, USDC as i64);
    let _worker = start(&w, test_config(w.rpc.url().as_str())).await;
    eventually(30, "the transfer failed", || async {
        w.status_of(&id).await == "failed"
    })
    .await;
    let (_, t) = w
        .api
        .call("GET", &format!("/v1/transfers/{id}"), None, None)
        .await;
    assert!(
        t["failureReason"].as_str().unwrap().contains("refused"),
        "{t}"
    );
    assert_eq!(reserved().await, 0, "the day's budget is given back");
    let failed = w
        .count("SELECT count(*) FROM outbox WHERE payload->>'type' = 'transfer.failed'")
        .await;
    assert_eq!(failed, 1);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_job_dead_after_its_retry_cap_settles_once_replayed(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (account, _) = w.funded(5 * USDC).await;
    let to = Pubkey::new_unique();
    let t = w.pay(&account, &to, USDC, "dead").await;
    let id = t["transferId"].as_str().unwrap().to_string();

    // An RPC node nobody answers at: every try fails, and after three the job is dead.
    let mut down = test_config("http://127.0.0.1:9");
    down.retry_cap = 3;
    let worker = start(&w, down.clone()).await;
    let dead = || async {
        let (_, page) = w.api.call("GET", "/v1/jobs/dead", None, None).await;
        page
    };
    eventually(30, "the job dead", || async {
        dead().await["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty())
    })
    .await;
    drop(worker);
    let page = dead().await;
    let job = &page["items"][0];
    assert_eq!(job["kind"], "transfer.settle");
    assert_eq!(job["subject"].as_str(), Some(id.as_str()));
    assert_eq!(job["attempts"], 3);
    assert!(
        job["lastError"].as_str().unwrap().contains("unavailable"),
        "{job}"
    );
    assert_eq!(w.status_of(&id).await, "pending");

    // Replayed with the node back: it settles.
    let mut up = test_config(w.rpc.url().as_str());
    up.stream = down.stream.clone();
    let _worker = start(&w, up).await;
    let job_id = job["jobId"].as_i64().unwrap();
    let (status, body) = w
        .api
        .call("POST", &format!("/v1/jobs/{job_id}/replay"), None, None)
        .await;
    assert_eq!(status, 202, "{body}");
    eventually(30, "the replayed transfer settled", || async {
        w.status_of(&id).await == "settled"
    })
    .await;
    assert_eq!(w.usdc_of(&to).await, USDC);
    // Replaying what is not dead is 404, and changes nothing.
    let (status, _) = w
        .api
        .call("POST", &format!("/v1/jobs/{job_id}/replay"), None, None)
        .await;
    assert_eq!(status, 404);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn jobs_lost_with_the_stream_are_sent_again(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (account, _) = w.funded(5 * USDC).await;
    let to = Pubkey::new_unique();
    let id = w.pay(&account, &to, USDC, "lost").await["transferId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut config = test_config(w.rpc.url().as_str());
    config.lease = Duration::from_secs(1);

    // Relayed into the stream, which is then lost (as a flush would lose it).
    let mut redis =
        redis::aio::ConnectionManager::new(redis::Client::open(support::redis_url()).unwrap())
            .await
            .unwrap();
    let mut queue = mpppal_worker::queue::Queue::open(redis.clone(), &config.stream, &config.group)
        .await
        .unwrap();
    let relayed = mpppal_worker::relay::relay_once(&w.pool, &mut queue, 100)
        .await
        .unwrap();
    assert!(relayed >= 1);
    let _: () = redis::AsyncCommands::del(&mut redis, &config.stream)
        .await
        .unwrap();

    let _worker = start(&w, config).await;
    eventually(30, "the lost job sent again and settled", || async {
        w.status_of(&id).await == "settled"
    })
    .await;
    assert_eq!(w.usdc_of(&to).await, USDC);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_reconciler_requeues_lost_transfers_and_reports_differences(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (account, _) = w.funded(5 * USDC).await;
    let to = Pubkey::new_unique();
    let id = w.pay(&account, &to, USDC, "forgotten").await["transferId"]
        .as_str()
        .unwrap()
        .to_string();
    // Its job is lost and it is an hour old; and the ledger claims a policy version the chain
    // never had.
    for sql in [
        format!("DELETE FROM outbox WHERE kind = 'transfer.settle' AND subject = '{id}'"),
        format!("UPDATE transfers SET created_at = now() - interval '1 hour' WHERE transfer_id = '{id}'"),
        format!("UPDATE policies SET version = version + 1 WHERE account_id = '{account}'"),
    ] {
        sqlx::query(&sql).execute(&w.pool).await.unwrap();
    }
    let mut config = test_config(w.rpc.url().as_str());
    config.overdue_after = Duration::from_secs(60);
    let _worker = start(&w, config).await;

    eventually(
        30,
        "the forgotten transfer re-enqueued and settled",
        || async { w.status_of(&id).await == "settled" },
    )
    .await;
    assert_eq!(w.usdc_of(&to).await, USDC);
    let differences = || async {
        let (_, list) = w.api.call("GET", "/v1/reconciliation", None, None).await;
        list.as_array().unwrap().clone()
    };
    eventually(10, "only the policy difference still open", || async {
        let open = differences().await;
        open.len() == 1 && open[0]["kind"] == "policy_ahead_of_chain"
    })
    .await;
    let open = differences().await;
    assert_eq!(open[0]["subject"].as_str(), Some(account.as_str()));
    assert!(
        open[0]["detail"]
            .as_str()
            .unwrap()
            .contains("the chain has 1"),
        "{open:?}"
    );
    // Each difference went out once as an event, however many runs saw it.
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT payload->>'kind' FROM outbox WHERE payload->>'type' = 'reconciliation.difference'
         ORDER BY outbox_id",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(events, ["overdue_transfer", "policy_ahead_of_chain"]);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_reconciler_reports_a_vault_short_of_what_it_owes(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (short, _) = w.funded(USDC).await;
    let (covered, _) = w.funded(5 * USDC).await;
    let to = Pubkey::new_unique();
    // No worker runs: the transfers stay pending, owed by their wallets.
    for (n, account) in [&short, &short, &covered].into_iter().enumerate() {
        w.pay(account, &to, 750_000, &format!("owed-{n}")).await;
    }
    let ctx = mpppal_worker::Ctx::new(
        w.pool.clone(),
        support::world::MASTER,
        test_config(w.rpc.url().as_str()),
    );
    let report = mpppal_worker::reconcile::reconcile(&ctx).await.unwrap();
    let short_of: Vec<_> = report
        .differences
        .iter()
        .filter(|d| d.kind == "balance_short")
        .collect();
    assert_eq!(short_of.len(), 1, "{:?}", report.differences);
    assert_eq!(short_of[0].subject, short);
    assert!(
        short_of[0]
            .detail
            .contains("holds 1000000 base units but the ledger has 1500000 owed"),
        "{}",
        short_of[0].detail
    );
}
