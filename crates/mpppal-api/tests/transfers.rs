//! Direct transfers and escalations over real HTTP, on a fresh database per test, the real Redis
//! and the embedded chain: the policy's verdicts, the daily budget held under 100 concurrent
//! spends, idempotent retries, operator approval, denial and expiry, and bad input that changes
//! nothing.

use anchor_lang::prelude::Pubkey;
use futures_util::future::join_all;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::world::{world, World, USDC};

mod support;

fn recipient() -> String {
    Pubkey::new_unique().to_string()
}

impl World {
    async fn pay(&self, body: Value, key: impl Into<String>) -> (u16, Value) {
        let key = key.into();
        self.api
            .call("POST", "/v1/transfers", Some(&body), Some(&key))
            .await
    }

    async fn reserved(&self, account: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT COALESCE(sum(reserved), 0)::bigint FROM daily_spend WHERE account_id = $1",
        )
        .bind(account)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_transfer_within_policy_waits_for_settlement_with_its_job(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC}))
        .await;
    let id = account["accountId"].as_str().unwrap();
    let to = recipient();
    let body = json!({"accountId": id, "to": to, "amount": 1_500_000, "memo": "invoice 7"});
    let (status, transfer) = w.pay(body.clone(), "pay-1").await;
    assert_eq!(status, 201, "{transfer}");
    let transfer_id = transfer["transferId"].as_str().unwrap();
    assert!(transfer_id.starts_with("txn_"));
    assert_eq!(transfer["status"], "pending");
    assert_eq!(transfer["amount"], 1_500_000);
    assert_eq!(transfer["to"].as_str(), Some(to.as_str()));
    assert_eq!(w.reserved(id).await, 1_500_000);

    // The settlement job and the event were written with it.
    let jobs: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, payload->>'type' FROM outbox WHERE subject = $1 ORDER BY outbox_id",
    )
    .bind(transfer_id)
    .fetch_all(&w.pool)
    .await
    .map(|rows: Vec<(String, Option<String>)>| {
        rows.into_iter()
            .map(|(k, t)| (k, t.unwrap_or_default()))
            .collect()
    })
    .unwrap();
    assert_eq!(
        jobs,
        [
            ("transfer.settle".to_string(), String::new()),
            ("event".to_string(), "transfer.created".to_string())
        ]
    );

    // A retry with the same key is the same transfer, marked as a replay.
    let (status, again, headers) = w
        .api
        .send("POST", "/v1/transfers", body.to_string(), Some("pay-1"))
        .await;
    assert_eq!(
        (status, &again["transferId"]),
        (201, &transfer["transferId"])
    );
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(w.count("SELECT count(*) FROM transfers").await, 1);
    assert_eq!(w.reserved(id).await, 1_500_000);

    let (status, shown) = w
        .api
        .call("GET", &format!("/v1/transfers/{transfer_id}"), None, None)
        .await;
    assert_eq!((status, &shown["status"]), (200, &json!("pending")));
    let (_, listed) = w
        .api
        .call(
            "GET",
            &format!("/v1/transfers?accountId={id}&status=pending"),
            None,
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["transferId"], transfer["transferId"]);

    // A handle is a recipient too: it names the wallet.
    let (status, named) = w
        .create(
            json!({"name": "payee", "handle": "@payee.mpppal", "custody": "custodial",
                   "policy": {"maxSingleTransfer": 1, "maxDailySpend": 1}}),
            None,
        )
        .await;
    assert_eq!(status, 201);
    let (status, to_handle) = w
        .pay(
            json!({"accountId": id, "to": "@payee.mpppal", "amount": 1}),
            "pay-2",
        )
        .await;
    assert_eq!(status, 201, "{to_handle}");
    assert_eq!(to_handle["to"], named["solanaAddress"]);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn concurrent_retries_with_one_key_make_one_transfer(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC}))
        .await;
    let id = account["accountId"].as_str().unwrap();
    let body = json!({"accountId": id, "to": recipient(), "amount": USDC});
    let answers = join_all((0..10).map(|_| w.pay(body.clone(), "same-key"))).await;
    let first = &answers[0].1["transferId"];
    for (status, transfer) in &answers {
        assert_eq!((*status, &transfer["transferId"]), (201, first));
    }
    assert_eq!(w.count("SELECT count(*) FROM transfers").await, 1);
    assert_eq!(
        w.count("SELECT count(*) FROM outbox WHERE kind = 'transfer.settle'")
            .await,
        1
    );
    assert_eq!(w.reserved(id).await, USDC as i64);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_hundred_concurrent_spends_never_exceed_the_daily_cap(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let cap = 50 * USDC;
    let account = w
        .account(json!({"maxSingleTransfer": USDC, "maxDailySpend": cap}))
        .await;
    let id = account["accountId"].as_str().unwrap();
    let to = recipient();
    // 100 × 0.7 USDC = 70 USDC asked against a 50 USDC day: exactly 71 fit (49.7 USDC).
    let amount = 700_000u64;
    let answers = join_all((0..100).map(|n| {
        w.pay(
            json!({"accountId": id, "to": to, "amount": amount}),
            format!("spend-{n}"),
        )
    }))
    .await;
    let accepted = answers.iter().filter(|(s, _)| *s == 201).count() as u64;
    let refused: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 422)
        .map(|(_, p)| p)
        .collect();
    assert_eq!(accepted + refused.len() as u64, 100, "{answers:?}");
    assert_eq!(accepted, cap / amount);
    for problem in &refused {
        assert_eq!(problem["code"], "payment_denied");
        assert_eq!(problem["reason"], "over_daily_limit");
    }
    let pending: i64 = sqlx::query_scalar(
        "SELECT COALESCE(sum(amount), 0)::bigint FROM transfers WHERE status = 'pending'",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert!(pending as u64 <= cap);
    assert_eq!(pending as u64, accepted * amount);
    assert_eq!(w.reserved(id).await, pending);
    assert_eq!(
        w.count("SELECT count(*) FROM transfers WHERE status = 'rejected'")
            .await,
        refused.len() as i64
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_policy_refuses_and_the_refusal_is_recorded(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let allowed = recipient();
    let account = w
        .account(json!({
            "maxSingleTransfer": USDC, "maxDailySpend": 10 * USDC,
            "allowedCounterparties": [allowed], "categories": ["inference"], "requireMemo": true,
        }))
        .await;
    let id = account["accountId"].as_str().unwrap();
    let ok = |amount: u64| json!({"accountId": id, "to": allowed, "amount": amount, "memo": "m", "category": "inference"});
    let cases = [
        (ok(2 * USDC), "over_single_transfer_limit"),
        (
            json!({"accountId": id, "to": recipient(), "amount": 1, "memo": "m", "category": "inference"}),
            "counterparty_not_allowed",
        ),
        (
            json!({"accountId": id, "to": allowed, "amount": 1, "memo": "m", "category": "travel"}),
            "category_not_allowed",
        ),
        (
            json!({"accountId": id, "to": allowed, "amount": 1, "category": "inference"}),
            "memo_required",
        ),
    ];
    for (n, (body, reason)) in cases.into_iter().enumerate() {
        let key = format!("deny-{n}");
        let (status, problem, headers) = w
            .api
            .send("POST", "/v1/transfers", body.to_string(), Some(&key))
            .await;
        assert_eq!(
            (status, problem["code"].as_str(), problem["reason"].as_str()),
            (422, Some("payment_denied"), Some(reason)),
            "{body}"
        );
        assert_eq!(headers["content-type"], "application/problem+json");
        let transfer_id = problem["transferId"].as_str().unwrap();
        // Recorded as rejected, with the reason, and a retry answers the same.
        let (_, shown) = w
            .api
            .call("GET", &format!("/v1/transfers/{transfer_id}"), None, None)
            .await;
        assert_eq!(shown["status"], "rejected");
        assert!(shown["rejectionReason"]
            .as_str()
            .is_some_and(|r| !r.is_empty()));
        let (status, replay, headers) = w
            .api
            .send("POST", "/v1/transfers", body.to_string(), Some(&key))
            .await;
        assert_eq!(
            (status, &replay["transferId"]),
            (422, &problem["transferId"])
        );
        assert_eq!(headers["content-type"], "application/problem+json");
    }
    assert_eq!(w.reserved(id).await, 0, "refusals reserve nothing");

    // A paused wallet pays nothing; unpaused, the same payment goes through.
    w.api
        .call("POST", &format!("/v1/accounts/{id}/pause"), None, None)
        .await;
    let (status, problem) = w.pay(ok(USDC), "while-paused").await;
    assert_eq!(
        (status, problem["reason"].as_str()),
        (422, Some("wallet_paused"))
    );
    w.api
        .call("POST", &format!("/v1/accounts/{id}/unpause"), None, None)
        .await;
    let (status, _) = w.pay(ok(USDC), "after-unpause").await;
    assert_eq!(status, 201);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'transfer.%' ORDER BY seq",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "transfer.rejected",
            "transfer.rejected",
            "transfer.rejected",
            "transfer.rejected",
            "transfer.rejected",
            "transfer.created"
        ]
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn above_the_threshold_an_operator_approves_denies_or_lets_it_expire(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC, "escalationThreshold": 2 * USDC}))
        .await;
    let id = account["accountId"].as_str().unwrap();
    let big = |key: &'static str| {
        w.pay(
            json!({"accountId": id, "to": recipient(), "amount": 3 * USDC}),
            key,
        )
    };

    // Approved: goes to settlement with the owner's co-signature.
    let (status, waiting) = big("esc-1").await;
    assert_eq!(
        (status, &waiting["status"]),
        (202, &json!("pending_approval")),
        "{waiting}"
    );
    let escalation = waiting["escalationId"].as_str().unwrap().to_string();
    assert_eq!(w.reserved(id).await, 3 * USDC as i64, "held while waiting");
    let (_, pending) = w
        .api
        .call("GET", "/v1/escalations?status=pending", None, None)
        .await;
    assert_eq!(
        pending["items"][0]["escalationId"].as_str(),
        Some(escalation.as_str())
    );
    assert_eq!(pending["items"][0]["threshold"], 2 * USDC);
    // Whoever asked for it cannot approve it; a key without `approve` cannot either.
    let (status, problem) = w
        .api
        .call(
            "POST",
            &format!("/v1/escalations/{escalation}/approve"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("insufficient_scope")),
        "the creating key has no approve scope"
    );
    let (status, approved) = w
        .approver
        .call(
            "POST",
            &format!("/v1/escalations/{escalation}/approve"),
            Some(&json!({"note": "expected invoice"})),
            None,
        )
        .await;
    assert_eq!(
        (status, &approved["status"]),
        (200, &json!("approved")),
        "{approved}"
    );
    let (_, transfer) = w
        .api
        .call(
            "GET",
            &format!("/v1/transfers/{}", waiting["transferId"].as_str().unwrap()),
            None,
            None,
        )
        .await;
    assert_eq!(
        (&transfer["status"], &transfer["ownerCosigned"]),
        (&json!("pending"), &json!(true))
    );
    let cosigned: Option<String> = sqlx::query_scalar(
        "SELECT payload->>'ownerCosigned' FROM outbox WHERE kind = 'transfer.settle' AND subject = $1",
    )
    .bind(waiting["transferId"].as_str().unwrap())
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(cosigned.as_deref(), Some("true"));
    let (status, problem) = w
        .api
        .call(
            "POST",
            &format!("/v1/escalations/{escalation}/deny"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("escalation_decided"))
    );

    // Denied: rejected, and the budget it held is free again.
    let (_, waiting) = big("esc-2").await;
    let escalation = waiting["escalationId"].as_str().unwrap().to_string();
    assert_eq!(w.reserved(id).await, 6 * USDC as i64);
    let (status, denied) = w
        .api
        .call(
            "POST",
            &format!("/v1/escalations/{escalation}/deny"),
            None,
            None,
        )
        .await;
    assert_eq!((status, &denied["status"]), (200, &json!("denied")));
    assert_eq!(w.reserved(id).await, 3 * USDC as i64);
    let (_, transfer) = w
        .api
        .call(
            "GET",
            &format!("/v1/transfers/{}", waiting["transferId"].as_str().unwrap()),
            None,
            None,
        )
        .await;
    assert_eq!(transfer["status"], "rejected");

    // Expired: nobody decided in time, so it is denied by the sweep.
    let (_, waiting) = big("esc-3").await;
    let escalation = waiting["escalationId"].as_str().unwrap().to_string();
    assert_eq!(
        mpppal_api::v1::expire_due(&w.pool).await.unwrap(),
        0,
        "not due yet"
    );
    sqlx::query(
        "UPDATE escalations SET expires_at = now() - INTERVAL '1 second' WHERE escalation_id = $1",
    )
    .bind(&escalation)
    .execute(&w.pool)
    .await
    .unwrap();
    let (status, problem) = w
        .approver
        .call(
            "POST",
            &format!("/v1/escalations/{escalation}/approve"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("escalation_expired"))
    );
    assert_eq!(mpppal_api::v1::expire_due(&w.pool).await.unwrap(), 1);
    let (_, expired) = w
        .api
        .call("GET", &format!("/v1/escalations/{escalation}"), None, None)
        .await;
    assert_eq!(
        (&expired["status"], &expired["decidedBy"]),
        (&json!("expired"), &json!("system"))
    );
    assert_eq!(w.reserved(id).await, 3 * USDC as i64);
    let (_, transfer) = w
        .api
        .call(
            "GET",
            &format!("/v1/transfers/{}", waiting["transferId"].as_str().unwrap()),
            None,
            None,
        )
        .await;
    assert_eq!(transfer["status"], "rejected");

    // The three escalations, newest first, two to a page.
    let (_, page) = w
        .api
        .call("GET", "/v1/escalations?limit=2", None, None)
        .await;
    assert_eq!(page["items"][0]["status"], "expired");
    assert_eq!(page["items"][1]["status"], "denied");
    let cursor = page["nextCursor"].as_str().unwrap();
    let (_, last) = w
        .api
        .call(
            "GET",
            &format!("/v1/escalations?limit=2&cursor={cursor}"),
            None,
            None,
        )
        .await;
    assert_eq!(last["items"][0]["status"], "approved");
    assert_eq!(last["nextCursor"], Value::Null);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'escalation.%' ORDER BY seq",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "escalation.required",
            "escalation.approved",
            "escalation.required",
            "escalation.denied",
            "escalation.required",
            "escalation.expired"
        ]
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn bad_transfer_input_gets_a_problem_and_changes_nothing(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC}))
        .await;
    let id = account["accountId"].as_str().unwrap();
    let to = recipient();
    // A non-custodial agent signs its own payments: MPPPal cannot settle a transfer for it.
    let (_, own_key) = w
        .create(
            json!({"name": "self", "custody": "non_custodial",
                   "agentPublicKey": recipient(),
                   "policy": {"maxSingleTransfer": USDC, "maxDailySpend": USDC}}),
            None,
        )
        .await;
    let own_key = own_key["accountId"].as_str().unwrap().to_string();
    let audit_before = w.count("SELECT count(*) FROM audit_log").await;

    let (status, problem) = w
        .api
        .call(
            "POST",
            "/v1/transfers",
            Some(&json!({"accountId": id, "to": to, "amount": 1})),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("idempotency_key_required"))
    );

    let huge = format!(
        "{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":1,\"memo\":\"{}\"}}",
        "x".repeat(1 << 20)
    );
    let raw: Vec<(String, u16, &str)> = vec![
        ("{\"accountId\":".into(), 400, "invalid_body"),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":-1}}"),
            400,
            "invalid_body",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":1.5}}"),
            400,
            "invalid_body",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":\"1\"}}"),
            400,
            "invalid_body",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":1e3}}"),
            400,
            "invalid_body",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":1,\"fee\":0}}"),
            400,
            "invalid_body",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":0}}"),
            400,
            "invalid_amount",
        ),
        (
            format!(
                "{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":{}}}",
                u64::MAX
            ),
            400,
            "invalid_amount",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":18446744073709551616}}"),
            400,
            "invalid_body",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"not-an-address\",\"amount\":1}}"),
            400,
            "invalid_recipient",
        ),
        (
            format!("{{\"accountId\":\"{id}\",\"to\":\"@nobody.mpppal\",\"amount\":1}}"),
            400,
            "unknown_recipient",
        ),
        (
            format!(
                "{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":1,\"memo\":\"{}\"}}",
                "m".repeat(201)
            ),
            400,
            "invalid_request",
        ),
        (
            format!(
                "{{\"accountId\":\"{id}\",\"to\":\"{to}\",\"amount\":1,\"approvalTtlSeconds\":5}}"
            ),
            400,
            "invalid_request",
        ),
        (
            format!("{{\"accountId\":\"acct_nosuchaccount1\",\"to\":\"{to}\",\"amount\":1}}"),
            404,
            "not_found",
        ),
        (
            format!("{{\"accountId\":\"{own_key}\",\"to\":\"{to}\",\"amount\":1}}"),
            409,
            "not_custodial",
        ),
        (huge, 413, "body_too_large"),
    ];
    for (n, (body, expected, code)) in raw.into_iter().enumerate() {
        let (status, problem, headers) = w
            .api
            .send(
                "POST",
                "/v1/transfers",
                body.clone(),
                Some(&format!("bad-{n}")),
            )
            .await;
        let shown: String = body.chars().take(120).collect();
        assert_eq!(
            (status, problem["code"].as_str()),
            (expected, Some(code)),
            "{shown}"
        );
        assert_eq!(
            headers["content-type"], "application/problem+json",
            "{shown}"
        );
    }
    assert_eq!(w.count("SELECT count(*) FROM transfers").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM outbox").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM daily_spend").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM idempotency_keys").await, 0);
    assert_eq!(
        w.count("SELECT count(*) FROM audit_log").await,
        audit_before
    );

    for (query, code) in [
        ("limit=0", "invalid_query"),
        ("status=lost", "invalid_query"),
        ("cursor=nope", "invalid_cursor"),
        ("page=2", "invalid_query"),
    ] {
        let (status, problem) = w
            .api
            .call("GET", &format!("/v1/transfers?{query}"), None, None)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some(code)),
            "{query}"
        );
    }
}

/// Separation of duties: a key that may both write and approve still cannot approve a transfer
/// it asked for itself (one leaked key must not be enough to move money above the threshold).
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_key_that_asked_for_a_transfer_cannot_approve_it(pool: PgPool) {
    use mpppal_api::auth::keys::{self, Scope};
    let w = world(pool.clone()).await;
    w.fund_owner().await;
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC, "escalationThreshold": 2 * USDC}))
        .await;
    let operator: sqlx::types::Uuid = sqlx::query_scalar("SELECT operator_id FROM accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    let both = keys::create(
        &pool,
        &support::world::MASTER,
        operator,
        "writes and approves",
        &[Scope::Read, Scope::Write, Scope::Approve],
    )
    .await
    .unwrap();
    let both = support::Signed::new(&w.api.base, &both.key_id, &both.secret);
    let body = json!({"accountId": account["accountId"], "to": recipient(), "amount": 3 * USDC});
    let (status, waiting) = both
        .call("POST", "/v1/transfers", Some(&body), Some("own-1"))
        .await;
    assert_eq!(status, 202, "{waiting}");
    let approve = format!(
        "/v1/escalations/{}/approve",
        waiting["escalationId"].as_str().unwrap()
    );
    let (status, problem) = both.call("POST", &approve, None, None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("own_transfer"))
    );
    let (_, still) = w
        .api
        .call(
            "GET",
            &format!("/v1/transfers/{}", waiting["transferId"].as_str().unwrap()),
            None,
            None,
        )
        .await;
    assert_eq!(still["status"], "pending_approval", "nothing changed");
    let (status, approved) = w.approver.call("POST", &approve, None, None).await;
    assert_eq!((status, &approved["status"]), (200, &json!("approved")));
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_payment_counts_on_the_day_the_chain_counts_it(pool: PgPool) {
    use support::worker::{eventually, start, test_config};
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 6 * USDC, "escalationThreshold": 2 * USDC}))
        .await;
    let id = account["accountId"].as_str().unwrap().to_string();
    w.faucet(account["solanaAddress"].as_str().unwrap(), 10 * USDC)
        .await;
    let today = support::now().div_euclid(86_400);
    let held = |day: i64| {
        let (w, id) = (&w, id.clone());
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COALESCE(sum(reserved), 0)::bigint FROM daily_spend WHERE account_id = $1 AND day = $2",
            )
            .bind(id)
            .bind(day)
            .fetch_one(&w.pool)
            .await
            .unwrap()
        }
    };
    let (status, waiting) = w
        .pay(
            json!({"accountId": id, "to": recipient(), "amount": 3 * USDC}),
            "across-midnight",
        )
        .await;
    assert_eq!(status, 202, "{waiting}");
    let transfer = waiting["transferId"].as_str().unwrap().to_string();
    let spend_day = || {
        let (w, transfer) = (&w, transfer.clone());
        async move {
            sqlx::query_scalar::<_, i64>("SELECT spend_day FROM transfers WHERE transfer_id = $1")
                .bind(transfer)
                .fetch_one(&w.pool)
                .await
                .unwrap()
        }
    };
    // As if it had been asked for yesterday: its hold is on yesterday's budget.
    for sql in [
        "UPDATE transfers SET spend_day = spend_day - 1 WHERE transfer_id = $1",
        "UPDATE daily_spend SET day = day - 1 WHERE account_id = (SELECT account_id FROM transfers WHERE transfer_id = $1)",
    ] {
        sqlx::query(sql).bind(&transfer).execute(&w.pool).await.unwrap();
    }
    assert_eq!(
        (held(today - 1).await, held(today).await),
        (3 * USDC as i64, 0)
    );
    let approve = format!(
        "/v1/escalations/{}/approve",
        waiting["escalationId"].as_str().unwrap()
    );

    // Approved today, it counts today: with today's budget too full for it, approval is refused
    // and the payment keeps waiting, its hold where it was.
    sqlx::query("INSERT INTO daily_spend (account_id, day, reserved) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(today)
        .bind(4 * USDC as i64)
        .execute(&w.pool)
        .await
        .unwrap();
    let (status, problem) = w.approver.call("POST", &approve, None, None).await;
    assert_eq!(
        (status, problem["code"].as_str(), problem["reason"].as_str()),
        (422, Some("payment_denied"), Some("over_daily_limit")),
        "{problem}"
    );
    assert_eq!(spend_day().await, today - 1);
    assert_eq!(
        (held(today - 1).await, held(today).await),
        (3 * USDC as i64, 4 * USDC as i64)
    );
    sqlx::query("UPDATE daily_spend SET reserved = 0 WHERE account_id = $1 AND day = $2")
        .bind(&id)
        .bind(today)
        .execute(&w.pool)
        .await
        .unwrap();
    let (status, approved) = w.approver.call("POST", &approve, None, None).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(spend_day().await, today);
    assert_eq!(
        (held(today - 1).await, held(today).await),
        (0, 3 * USDC as i64)
    );

    // The chain's clock passes midnight before the worker settles it: the chain counts it on
    // the next day, and so do the books.
    w.chain().await.set_time((today + 1) * 86_400 + 60).await;
    let _worker = start(&w, test_config(w.rpc.url().as_str())).await;
    eventually(60, "the transfer to settle", || async {
        w.count("SELECT count(*) FROM transfers WHERE status = 'settled'")
            .await
            == 1
    })
    .await;
    assert_eq!(spend_day().await, today + 1);
    assert_eq!(
        (held(today).await, held(today + 1).await),
        (0, 3 * USDC as i64)
    );
    let wallet = w.wallet(account["solanaAddress"].as_str().unwrap()).await;
    assert_eq!(
        (wallet.spend_day, wallet.spent_today),
        (today + 1, 3 * USDC),
        "the API's day and the chain's agree"
    );
}
