//! Custodial accounts pay: the agent holds no key, the API signs its receipts within the
//! wallet's policy and the day's budget (held atomically), and keeps them for settlement. The
//! SDK's `CustodialClient` pays a real paywall this way.

use futures_util::future::join_all;
use mpppal_sdk::client::{ApiCredentials, CustodialClient, PayError};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;
use support::world::{world, World, USDC};
use support::Signed;

mod support;

const PRICE: u64 = 10_000;

impl World {
    async fn custodial(&self, policy: Value) -> (String, String) {
        let account = self.account(policy).await;
        let id = account["accountId"].as_str().unwrap().to_string();
        let wallet = account["solanaAddress"].as_str().unwrap().to_string();
        self.faucet(&wallet, 5 * USDC).await;
        (id, wallet)
    }

    async fn client(&self, account: &str) -> CustodialClient {
        let (key_id, secret) = self.agent_key().await;
        CustodialClient::new(
            ApiCredentials {
                base_url: self.api.base.clone(),
                key_id,
                secret,
            },
            account,
            self.mint().await,
        )
        .with_max_price(USDC)
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_custodial_agent_pays_with_receipts_the_api_signs(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    // Room for two payments a day.
    let (id, wallet) = w
        .custodial(json!({"maxSingleTransfer": PRICE, "maxDailySpend": 2 * PRICE + 5_000}))
        .await;
    let provider = w.receipts_paywall(PRICE).await;
    let client = w.client(&id).await;
    for _ in 0..2 {
        let paid = client.get(&format!("{provider}/data")).await.unwrap();
        assert_eq!(paid.response.status(), 200);
        assert_eq!(paid.paid, PRICE);
        assert!(paid.receipt.is_some());
    }
    // The third would pass the daily cap: refused before anything is signed.
    match client.get(&format!("{provider}/data")).await {
        Err(PayError::PolicyDenied { code, .. }) => assert_eq!(code, "over_daily_limit"),
        other => panic!("expected a policy refusal, got {other:?}"),
    }
    let stored: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT account_id, amount, wallet FROM receipts")
            .fetch_all(&w.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|r| r == &(id.clone(), PRICE as i64, wallet.clone())));
    let reserved: i64 =
        sqlx::query_scalar("SELECT reserved FROM daily_spend WHERE account_id = $1")
            .bind(&id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(reserved, 2 * PRICE as i64);
    assert_eq!(
        w.count("SELECT count(*) FROM audit_log WHERE action = 'receipt.signed'")
            .await,
        2
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn signing_is_idempotent_and_holds_the_cap_under_concurrency(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (id, _) = w
        .custodial(json!({"maxSingleTransfer": PRICE, "maxDailySpend": 10 * PRICE}))
        .await;
    let (key_id, secret) = w.agent_key().await;
    let agent = Signed::new(&w.api.base, &key_id, &secret);
    let mint = w.mint().await.to_string();
    let recipient = anchor_lang::prelude::Pubkey::new_unique().to_string();
    let expires = support::now() + 300;
    let body = |challenge: String| {
        json!({"challengeId": challenge, "recipient": recipient, "mint": mint,
               "amount": PRICE, "expiresAt": expires})
    };
    let path = format!("/v1/accounts/{id}/receipts");

    // The same receipt asked twice: one signature, one receipt, one reservation.
    let (status, first) = agent
        .call("POST", &path, Some(&body("ch-0".into())), None)
        .await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = agent
        .call("POST", &path, Some(&body("ch-0".into())), None)
        .await;
    assert_eq!((status, &again["signature"]), (200, &first["signature"]));
    // Under an Idempotency-Key, a retry replays the first answer.
    let keyed = body("ch-keyed".into());
    let (status, first_keyed, _) = agent
        .send("POST", &path, keyed.to_string(), Some("sign-1"))
        .await;
    assert_eq!(status, 201);
    let (status, replayed, headers) = agent
        .send("POST", &path, keyed.to_string(), Some("sign-1"))
        .await;
    assert_eq!(
        (status, &replayed["signature"]),
        (201, &first_keyed["signature"])
    );
    assert_eq!(headers["idempotent-replayed"], "true");
    let (status, problem, _) = agent
        .send(
            "POST",
            &path,
            body("ch-other".into()).to_string(),
            Some("sign-1"),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    let mut other = body("ch-0".into());
    other["amount"] = json!(PRICE + 1);
    let (status, problem) = agent.call("POST", &path, Some(&other), None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("receipt_conflict"))
    );

    // 20 at once against room for 8 more: exactly 8 are signed.
    let bodies: Vec<Value> = (1..=20).map(|n| body(format!("ch-{n}"))).collect();
    let answers = join_all(
        bodies
            .iter()
            .map(|b| agent.call("POST", &path, Some(b), None)),
    )
    .await;
    let signed = answers.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(signed, 8, "{answers:?}");
    for (status, problem) in answers.iter().filter(|(s, _)| *s != 201) {
        assert_eq!(
            (*status, problem["reason"].as_str()),
            (422, Some("over_daily_limit"))
        );
    }
    assert_eq!(w.count("SELECT count(*) FROM receipts").await, 10);
    let reserved: i64 =
        sqlx::query_scalar("SELECT reserved FROM daily_spend WHERE account_id = $1")
            .bind(&id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(reserved, 10 * PRICE as i64);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn what_cannot_be_signed_says_why(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let provider = w.receipts_paywall(PRICE).await;
    // Above the escalation threshold: a receipt cannot carry the owner's co-signature.
    let (id, _) = w
        .custodial(json!({"maxSingleTransfer": USDC, "maxDailySpend": 10 * USDC, "escalationThreshold": PRICE - 1}))
        .await;
    match w.client(&id).await.get(&format!("{provider}/data")).await {
        Err(PayError::EscalationRequired(detail)) => {
            assert!(detail.contains("transfer"), "{detail}")
        }
        other => panic!("expected an escalation, got {other:?}"),
    }
    // A paused wallet signs nothing.
    let (paused, _) = w
        .custodial(json!({"maxSingleTransfer": USDC, "maxDailySpend": USDC}))
        .await;
    w.api
        .call("POST", &format!("/v1/accounts/{paused}/pause"), None, None)
        .await;
    match w
        .client(&paused)
        .await
        .get(&format!("{provider}/data"))
        .await
    {
        Err(PayError::PolicyDenied { code, .. }) => assert_eq!(code, "wallet_paused"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A non-custodial account's key is not here to sign with.
    let agent = solana_keypair::Keypair::new();
    let (_, account) = w
        .create(
            json!({"name": "self", "custody": "non_custodial",
                   "agentPublicKey": solana_signer::Signer::pubkey(&agent).to_string(),
                   "policy": {"maxSingleTransfer": USDC, "maxDailySpend": USDC}}),
            None,
        )
        .await;
    match w
        .client(account["accountId"].as_str().unwrap())
        .await
        .get(&format!("{provider}/data"))
        .await
    {
        Err(PayError::Custody { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (409, "not_custodial"))
        }
        other => panic!("expected not_custodial, got {other:?}"),
    }
    // An agent key cannot change anything else.
    let (key_id, secret) = w.agent_key().await;
    let agent = Signed::new(&w.api.base, &key_id, &secret);
    let (status, problem) = agent
        .call("POST", &format!("/v1/accounts/{id}/pause"), None, None)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    assert_eq!(w.count("SELECT count(*) FROM receipts").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM daily_spend").await, 0);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_custodial_agent_pays_by_transaction_and_waits_for_approval_above_the_threshold(
    pool: PgPool,
) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (id, wallet) = w
        .custodial(json!({"maxSingleTransfer": USDC, "maxDailySpend": 5 * USDC, "escalationThreshold": 50_000}))
        .await;
    let vault = mpppal_solana::address::vault(&wallet.parse().unwrap(), &w.mint().await);
    let balance = |account: String| {
        let w = &w;
        async move { w.token_balance(&account.parse().unwrap()).await }
    };
    let (small, small_to) = w.sponsored_paywall(20_000).await;
    let (big, big_to) = w.sponsored_paywall(60_000).await;

    // Within the threshold: signed at once, the server submits it, the money moves.
    let client = w.client(&id).await;
    let paid = client.get(&format!("{small}/data")).await.unwrap();
    assert_eq!((paid.response.status().as_u16(), paid.paid), (200, 20_000));
    assert_eq!(balance(small_to.clone()).await, 20_001);

    // Asking again for the same challenge (a lost answer) returns the same payment, re-signed;
    // another request under that challenge id is refused.
    let (key_id, secret) = w.agent_key().await;
    let agent = Signed::new(&w.api.base, &key_id, &secret);
    let recipient = anchor_lang::prelude::Pubkey::new_unique();
    let recipients_account = mpppal_solana::address::token_account(&recipient, &w.mint().await);
    let same = json!({
        "challengeId": "ch-retry", "feePayer": anchor_lang::prelude::Pubkey::new_unique().to_string(),
        "recipient": recipient.to_string(),
        "legs": [{"destination": recipients_account.to_string(), "amount": 1_000}],
        "expiresAt": support::now() + 300,
    });
    let path = format!("/v1/accounts/{id}/transactions");
    // A leg paying anyone but the declared recipient (who the policy and the ledger see) is
    // refused before anything is recorded or signed.
    let mut elsewhere = same.clone();
    elsewhere["challengeId"] = json!("ch-elsewhere");
    elsewhere["legs"] = json!([
        {"destination": recipients_account.to_string(), "amount": 500},
        {"destination": small_to, "amount": 500}
    ]);
    let recorded = w.count("SELECT count(*) FROM transfers").await;
    let (status, problem) = agent.call("POST", &path, Some(&elsewhere), None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("leg_not_to_recipient")),
        "{problem}"
    );
    assert_eq!(w.count("SELECT count(*) FROM transfers").await, recorded);
    let (status, first) = agent.call("POST", &path, Some(&same), None).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = agent.call("POST", &path, Some(&same), None).await;
    assert_eq!((status, &again["transferId"]), (200, &first["transferId"]));
    assert!(again["transaction"].as_str().is_some_and(|t| !t.is_empty()));
    let mut other = same.clone();
    other["legs"][0]["amount"] = json!(2_000);
    let (status, problem) = agent.call("POST", &path, Some(&other), None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("already_requested"))
    );

    // Client mistakes are 400s that change nothing, not database errors: an expiry too far
    // out to hold an escalation for, a category longer than the column, and an operator's
    // Idempotency-Key that is the challenge id of this account's custodial payment.
    let recorded = w.count("SELECT count(*) FROM transfers").await;
    for (field, value) in [
        ("expiresAt", json!(i64::MAX)),
        ("category", json!("c".repeat(33))),
    ] {
        let mut wrong = same.clone();
        wrong["challengeId"] = json!(format!("ch-wrong-{field}"));
        wrong[field] = value;
        let (status, problem) = agent.call("POST", &path, Some(&wrong), None).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("invalid_request")),
            "{field}: {problem}"
        );
    }
    let (status, problem) = w
        .api
        .call(
            "POST",
            "/v1/transfers",
            Some(&json!({"accountId": id, "to": recipient.to_string(), "amount": 1_000})),
            Some("ch-retry"),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_idempotency_key")),
        "{problem}"
    );
    assert_eq!(w.count("SELECT count(*) FROM transfers").await, recorded);

    // Above it without waiting: a clear refusal, nothing moves.
    let first = match client.get(&format!("{big}/data")).await {
        Err(PayError::EscalationRequired(detail)) => detail
            .split("escalation ")
            .nth(1)
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or_else(|| panic!("no escalation id in {detail:?}"))
            .to_string(),
        other => panic!("expected an escalation, got {other:?}"),
    };
    // The operator denies that one: nothing will ever sign it.
    let (status, _) = w
        .api
        .call("POST", &format!("/v1/escalations/{first}/deny"), None, None)
        .await;
    assert_eq!(status, 200);

    // Waiting: an operator approves, and the owner's co-signature lets the chain pay it.
    let waiting = w
        .client(&id)
        .await
        .with_approval_wait(Duration::from_secs(30));
    let operator = &w.approver;
    let approve = decide_first_pending(operator, "approve");
    let url = format!("{big}/data");
    let (paid, ()) = tokio::join!(waiting.get(&url), approve);
    let paid = paid.unwrap();
    assert_eq!((paid.response.status().as_u16(), paid.paid), (200, 60_000));
    assert_eq!(balance(big_to).await, 60_001);
    assert_eq!(balance(vault.to_string()).await, 5 * USDC - 80_000);

    // Waiting, and denied: a clear refusal, and still nothing more moves.
    let deny = decide_first_pending(&w.api, "deny");
    let (refused, ()) = tokio::join!(waiting.get(&url), deny);
    match refused {
        Err(PayError::PolicyDenied { code, .. }) => assert_eq!(code, "not_approved"),
        other => panic!("expected a denial, got {other:?}"),
    }
    assert_eq!(balance(vault.to_string()).await, 5 * USDC - 80_000);
}

/// Waits for an escalation to appear, then `verb`s it ("approve" or "deny") as the operator.
async fn decide_first_pending(operator: &Signed, verb: &str) {
    loop {
        let (_, page) = operator
            .call("GET", "/v1/escalations?status=pending", None, None)
            .await;
        if let Some(esc) = page["items"].as_array().and_then(|items| items.first()) {
            let id = esc["escalationId"].as_str().unwrap().to_string();
            let (status, _) = operator
                .call("POST", &format!("/v1/escalations/{id}/{verb}"), None, None)
                .await;
            assert_eq!(status, 200);
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
