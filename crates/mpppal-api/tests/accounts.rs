//! Accounts, wallets and policies over real HTTP, against a fresh PostgreSQL database per test, a
//! real Redis and the embedded chain's JSON-RPC: every change is checked on chain, and every
//! refusal is checked to have written nothing.

use anchor_lang::prelude::Pubkey;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::world::{policy, world, world_on, MASTER, USDC};

mod support;

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_custodial_account_creates_its_wallet_on_chain(pool: PgPool) {
    let w = world(pool).await;
    let (_, operator) = w.api.call("GET", "/v1/operator", None, None).await;
    assert_eq!(operator["ownerAddress"], Value::Null);

    // No SOL for rent: refused, naming the address to fund, and nothing written.
    let body = json!({
        "name": "Research agent",
        "handle": "@research-agent.mpppal",
        "custody": "custodial",
        "policy": policy(),
    });
    let (status, problem) = w.create(body.clone(), Some("create-1")).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("owner_unfunded"))
    );
    let owner = problem["ownerAddress"].as_str().unwrap().to_string();
    assert_eq!(w.count("SELECT count(*) FROM accounts").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM audit_log").await, 0);
    let (_, operator) = w.api.call("GET", "/v1/operator", None, None).await;
    assert_eq!(operator["ownerAddress"].as_str(), Some(owner.as_str()));

    w.fund_owner().await;
    // The same Idempotency-Key works again: the refusal saved nothing.
    let (status, account) = w.create(body.clone(), Some("create-1")).await;
    assert_eq!(status, 201, "{account}");
    let id = account["accountId"].as_str().unwrap().to_string();
    assert!(id.starts_with("acct_"));
    assert_eq!(account["custody"], "custodial");
    assert_eq!(account["status"], "active");
    assert_eq!(account["policy"]["version"], 1);
    assert_eq!(account["policy"]["maxDailySpend"], 50 * USDC);

    // On chain: the wallet exists, owned by the operator's key, with the agent key and policy.
    let wallet = w.wallet(account["solanaAddress"].as_str().unwrap()).await;
    assert_eq!(wallet.owner.to_string(), owner);
    assert_eq!(
        wallet.agent.to_string(),
        account["agentAddress"].as_str().unwrap()
    );
    assert_eq!(
        wallet.vault.to_string(),
        account["usdcTokenAccount"].as_str().unwrap()
    );
    assert_eq!(wallet.policy_version, 1);
    assert_eq!(wallet.policy.max_single_transfer, 5 * USDC);
    assert_eq!(wallet.policy.escalation_threshold, Some(2 * USDC));

    // The agent key is sealed here and opens only under the master key, as this account's.
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_agent_seed FROM accounts WHERE account_id = $1")
            .bind(&id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    let seed = mpppal_api::auth::seal::open(&MASTER, &format!("agent:{id}"), &sealed).unwrap();
    let agent = solana_keypair::Keypair::new_from_array(seed);
    assert_eq!(
        solana_signer::Signer::pubkey(&agent).to_string(),
        account["agentAddress"].as_str().unwrap()
    );
    assert!(mpppal_api::auth::seal::open(&[1; 32], &format!("agent:{id}"), &sealed).is_none());

    // A retry with the same key replays the account; nothing new on chain or here.
    let (status, again) = w.create(body.clone(), Some("create-1")).await;
    assert_eq!((status, &again["accountId"]), (201, &account["accountId"]));
    assert_eq!(w.count("SELECT count(*) FROM accounts").await, 1);

    // The handle resolves, and is nobody else's to take.
    let (status, resolved) = w
        .api
        .call("GET", "/v1/handles/@research-agent.mpppal", None, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(resolved["usdcTokenAccount"], account["usdcTokenAccount"]);
    let (status, problem) = w.create(body, None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("handle_taken"))
    );
    assert_eq!(w.count("SELECT count(*) FROM accounts").await, 1);
    let (status, problem) = w
        .api
        .call("GET", "/v1/handles/@nobody.mpppal", None, None)
        .await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("not_found")));

    // Balances come from the chain.
    let wallet_pda = account["solanaAddress"].as_str().unwrap();
    let _: Value = w
        .rpc
        .send(
            solana_rpc_client_api::request::RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([wallet_pda, 7 * USDC]),
        )
        .await
        .unwrap();
    let (status, balance) = w
        .api
        .call("GET", &format!("/v1/accounts/{id}/balance"), None, None)
        .await;
    assert_eq!(status, 200, "{balance}");
    assert_eq!(balance["usdc"], 7 * USDC);
    assert_eq!(balance["policyVersion"], 1);
    assert_eq!(balance["paused"], false);

    // Every creation is in the audit log, with the transaction that made the wallet.
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert_eq!(actions, ["account.created"]);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn policy_changes_and_pauses_are_written_on_chain_and_versioned(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let agent = solana_keypair::Keypair::new();
    let agent_key = solana_signer::Signer::pubkey(&agent).to_string();
    let (status, account) = w
        .create(
            json!({
                "name": "Self-custody agent",
                "custody": "non_custodial",
                "agentPublicKey": agent_key,
                "policy": policy(),
            }),
            None,
        )
        .await;
    assert_eq!(status, 201, "{account}");
    assert_eq!(account["agentAddress"].as_str(), Some(agent_key.as_str()));
    let id = account["accountId"].as_str().unwrap();
    let pda = account["solanaAddress"].as_str().unwrap();
    let sealed: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT sealed_agent_seed FROM accounts WHERE account_id = $1")
            .bind(id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(sealed, None, "a non-custodial key is never held here");

    let provider = Pubkey::new_unique().to_string();
    let replaced = json!({
        "maxSingleTransfer": USDC,
        "maxDailySpend": 10 * USDC,
        "allowedCounterparties": [provider],
        "categories": ["inference"],
        "requireMemo": true,
    });
    let path = format!("/v1/accounts/{id}/policy");
    let (status, v2) = w
        .api
        .call("PUT", &path, Some(&replaced), Some("put-1"))
        .await;
    assert_eq!(status, 200, "{v2}");
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["escalationThreshold"], Value::Null);
    let wallet = w.wallet(pda).await;
    assert_eq!(wallet.policy_version, 2);
    assert_eq!(wallet.policy.max_daily_spend, 10 * USDC);
    assert_eq!(
        wallet.policy.allowed_counterparties[0].to_string(),
        provider
    );
    assert_eq!(wallet.policy.categories, ["inference"]);
    assert!(wallet.policy.require_memo);
    // A retry of the same change replays it: no third version.
    let (status, replay) = w
        .api
        .call("PUT", &path, Some(&replaced), Some("put-1"))
        .await;
    assert_eq!((status, &replay["version"]), (200, &json!(2)));
    assert_eq!(w.wallet(pda).await.policy_version, 2);

    let (status, v3) = w
        .api
        .call("POST", &format!("/v1/accounts/{id}/pause"), None, None)
        .await;
    assert_eq!(
        (status, &v3["version"], &v3["paused"]),
        (200, &json!(3), &json!(true))
    );
    assert!(w.wallet(pda).await.policy.paused);
    let (_, shown) = w
        .api
        .call("GET", &format!("/v1/accounts/{id}"), None, None)
        .await;
    assert_eq!(shown["status"], "paused");
    // Pausing a paused wallet changes nothing, on chain or here.
    let (status, same) = w
        .api
        .call("POST", &format!("/v1/accounts/{id}/pause"), None, None)
        .await;
    assert_eq!((status, &same["version"]), (200, &json!(3)));
    assert_eq!(w.wallet(pda).await.policy_version, 3);
    // Replacing the policy keeps the pause.
    let (_, v4) = w.api.call("PUT", &path, Some(&policy()), None).await;
    assert_eq!((&v4["version"], &v4["paused"]), (&json!(4), &json!(true)));
    assert!(w.wallet(pda).await.policy.paused);
    let (_, v5) = w
        .api
        .call("POST", &format!("/v1/accounts/{id}/unpause"), None, None)
        .await;
    assert_eq!((&v5["version"], &v5["paused"]), (&json!(5), &json!(false)));
    let wallet = w.wallet(pda).await;
    assert!(!wallet.policy.paused);
    assert_eq!(wallet.policy_version, 5);

    let (_, versions) = w
        .api
        .call(
            "GET",
            &format!("/v1/accounts/{id}/policy/versions"),
            None,
            None,
        )
        .await;
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [5, 4, 3, 2, 1]);
    let (_, current) = w.api.call("GET", &path, None, None).await;
    assert_eq!(current["version"], 5);
    assert_eq!(current["maxDailySpend"], 50 * USDC);

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        [
            "account.created",
            "policy.updated",
            "account.paused",
            "policy.updated",
            "account.unpaused"
        ]
    );

    // Each change is an event for the operator's webhooks, written with it.
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT payload->>'type' FROM outbox WHERE kind = 'event' AND subject = $1 ORDER BY outbox_id",
    )
    .bind(id)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            "policy.updated",
            "account.paused",
            "policy.updated",
            "account.unpaused"
        ]
    );

    // The operator reads the same log through the API, newest first, a page at a time.
    let (status, page) = w.api.call("GET", "/v1/audit?limit=2", None, None).await;
    assert_eq!(status, 200, "{page}");
    let actions = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(actions(&page), ["account.unpaused", "policy.updated"]);
    assert_eq!(page["items"][0]["actor"], w.api.key_id.as_str());
    assert_eq!(page["items"][0]["hash"].as_str().map(str::len), Some(64));
    let before = page["nextBefore"].as_i64().unwrap();
    let (_, older) = w
        .api
        .call("GET", &format!("/v1/audit?before={before}"), None, None)
        .await;
    assert_eq!(
        actions(&older),
        ["account.paused", "policy.updated", "account.created"]
    );
    assert_eq!(older["nextBefore"], Value::Null);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn bad_input_is_refused_and_changes_nothing(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let ok_policy = policy();
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"name": "a", "custody": "custodial", "policy": ok_policy, "handle": "research"}),
            "invalid_handle",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": ok_policy, "handle": "@-x.mpppal"}),
            "invalid_handle",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": ok_policy, "handle": "@Caps.mpppal"}),
            "invalid_handle",
        ),
        (
            json!({"name": "", "custody": "custodial", "policy": ok_policy}),
            "invalid_request",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": ok_policy, "agentPublicKey": Pubkey::new_unique().to_string()}),
            "invalid_request",
        ),
        (
            json!({"name": "a", "custody": "non_custodial", "policy": ok_policy}),
            "invalid_request",
        ),
        (
            json!({"name": "a", "custody": "non_custodial", "policy": ok_policy, "agentPublicKey": "not-base58!"}),
            "invalid_request",
        ),
        (
            json!({"name": "a", "custody": "bank", "policy": ok_policy}),
            "invalid_body",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": ok_policy, "extra": 1}),
            "invalid_body",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": -1, "maxDailySpend": 10}}),
            "invalid_body",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 1.5, "maxDailySpend": 10}}),
            "invalid_body",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": "1", "maxDailySpend": 10}}),
            "invalid_body",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 1, "maxDailySpend": 10, "paused": true}}),
            "invalid_body",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 11, "maxDailySpend": 10}}),
            "invalid_policy",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 1, "maxDailySpend": u64::MAX}}),
            "invalid_policy",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 1, "maxDailySpend": 10, "allowedCounterparties": ["nope"]}}),
            "invalid_policy",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 1, "maxDailySpend": 10, "categories": ["Bad Category"]}}),
            "invalid_policy",
        ),
        (
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 1, "maxDailySpend": 10, "escalationThreshold": 0}}),
            "invalid_policy",
        ),
    ];
    for (body, code) in cases {
        let (status, problem) = w.create(body.clone(), None).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some(code)),
            "{body}"
        );
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let (status, problem) = w
        .create(
            json!({"name": "a", "custody": "custodial", "policy": {"maxSingleTransfer": 11, "maxDailySpend": 10}}),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["reason"].as_str()),
        (400, Some("single_above_daily"))
    );

    // A policy replacement that breaks a rule leaves the one in force.
    let (_, account) = w
        .create(
            json!({"name": "a", "custody": "custodial", "policy": policy()}),
            None,
        )
        .await;
    let id = account["accountId"].as_str().unwrap();
    let (status, problem) = w
        .api
        .call(
            "PUT",
            &format!("/v1/accounts/{id}/policy"),
            Some(&json!({"maxSingleTransfer": 0, "maxDailySpend": 10})),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["reason"].as_str()),
        (400, Some("zero_single_limit"))
    );
    assert_eq!(
        w.wallet(account["solanaAddress"].as_str().unwrap())
            .await
            .policy_version,
        1
    );

    for (query, code) in [
        ("limit=0", "invalid_query"),
        ("limit=101", "invalid_query"),
        ("limit=x", "invalid_query"),
        ("status=closed", "invalid_query"),
        ("cursor=garbage", "invalid_cursor"),
        ("sort=name", "invalid_query"),
    ] {
        let (status, problem) = w
            .api
            .call("GET", &format!("/v1/accounts?{query}"), None, None)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some(code)),
            "{query}"
        );
    }
    assert_eq!(w.count("SELECT count(*) FROM accounts").await, 1);
    assert_eq!(w.count("SELECT count(*) FROM policies").await, 1);
    assert_eq!(w.count("SELECT count(*) FROM audit_log").await, 1);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn accounts_list_newest_first_a_page_at_a_time(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (status, account) = w
            .create(
                json!({"name": format!("agent {n}"), "custody": "custodial", "policy": policy()}),
                None,
            )
            .await;
        assert_eq!(status, 201);
        ids.push(account["accountId"].as_str().unwrap().to_string());
    }
    let (_, first) = w.api.call("GET", "/v1/accounts?limit=2", None, None).await;
    let page: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["accountId"].as_str().unwrap())
        .collect();
    assert_eq!(page, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = w
        .api
        .call(
            "GET",
            &format!("/v1/accounts?limit=2&cursor={cursor}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        second["items"][0]["accountId"].as_str(),
        Some(ids[0].as_str())
    );
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["nextCursor"], Value::Null);

    w.api
        .call(
            "POST",
            &format!("/v1/accounts/{}/pause", ids[1]),
            None,
            None,
        )
        .await;
    let (_, paused) = w
        .api
        .call("GET", "/v1/accounts?status=paused", None, None)
        .await;
    let paused: Vec<&str> = paused["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["accountId"].as_str().unwrap())
        .collect();
    assert_eq!(paused, [ids[1].as_str()]);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_dead_rpc_node_gets_503_and_writes_nothing(pool: PgPool) {
    let w = world_on(pool, "http://127.0.0.1:1", "http://127.0.0.1:1".into()).await;
    let (status, problem) = w
        .create(
            json!({"name": "a", "custody": "custodial", "policy": policy()}),
            Some("k"),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (503, Some("chain_unavailable"))
    );
    assert_eq!(w.count("SELECT count(*) FROM accounts").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM idempotency_keys").await, 0);
    assert_eq!(w.count("SELECT count(*) FROM audit_log").await, 0);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_retry_after_a_lost_answer_finds_the_wallet_the_first_try_made(pool: PgPool) {
    let node = std::sync::Arc::new(mpppal_localnet::rpc::Node::new(
        mpppal_localnet::LocalChain::start().await,
    ));
    let (chain_url, _) = mpppal_localnet::rpc::spawn(node).await.unwrap();
    let proxy = support::faulty_rpc::FaultyRpc::start(chain_url.clone()).await;
    let w = world_on(pool, &proxy.url, chain_url).await;
    w.fund_owner().await;
    for custody in ["custodial", "non_custodial"] {
        let mut body = json!({"name": custody, "custody": custody, "policy": policy()});
        if custody == "non_custodial" {
            body["agentPublicKey"] = json!(Pubkey::new_unique().to_string());
        }
        let key = format!("create-{custody}");
        let sent = proxy.sends();
        // The wallet lands; the API never hears so, answers 503 and keeps nothing.
        proxy.lose_next_send_answers(1);
        let (status, problem) = w.create(body.clone(), Some(&key)).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (503, Some("chain_unavailable")),
            "{problem}"
        );
        assert_eq!(proxy.sends(), sent + 1);
        let accounts = w.count("SELECT count(*) FROM accounts").await;

        // The retry derives the same wallet, finds it on chain and records it: nothing is sent.
        let (status, account) = w.create(body.clone(), Some(&key)).await;
        assert_eq!(status, 201, "{account}");
        assert_eq!(proxy.sends(), sent + 1, "the retry sent another wallet");
        assert_eq!(w.count("SELECT count(*) FROM accounts").await, accounts + 1);
        let wallet = w.wallet(account["solanaAddress"].as_str().unwrap()).await;
        assert_eq!(
            wallet.agent.to_string(),
            account["agentAddress"].as_str().unwrap()
        );
        let (status, again) = w.create(body.clone(), Some(&key)).await;
        assert_eq!((status, &again["accountId"]), (201, &account["accountId"]));
    }
    // Without a lost answer, a new key makes a new wallet as ever.
    let (status, fresh) = w
        .create(
            json!({"name": "fresh", "custody": "custodial", "policy": policy()}),
            Some("create-fresh"),
        )
        .await;
    assert_eq!(status, 201, "{fresh}");
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_policy_change_whose_answer_was_lost_is_made_once(pool: PgPool) {
    let node = std::sync::Arc::new(mpppal_localnet::rpc::Node::new(
        mpppal_localnet::LocalChain::start().await,
    ));
    let (chain_url, _) = mpppal_localnet::rpc::spawn(node).await.unwrap();
    let proxy = support::faulty_rpc::FaultyRpc::start(chain_url.clone()).await;
    let w = world_on(pool, &proxy.url, chain_url).await;
    w.fund_owner().await;
    let account = w.account(policy()).await;
    let id = account["accountId"].as_str().unwrap();
    let pda = account["solanaAddress"].as_str().unwrap();
    let mut changed = policy();
    changed["maxDailySpend"] = json!(40 * USDC);
    let path = format!("/v1/accounts/{id}/policy");
    for (what, method, path, body) in [
        ("replace", "PUT", path.clone(), Some(changed)),
        ("pause", "POST", format!("/v1/accounts/{id}/pause"), None),
    ] {
        let version = w.wallet(pda).await.policy_version;
        let sent = proxy.sends();
        // The change lands; the API never hears so, answers 503 and keeps nothing.
        proxy.lose_next_send_answers(1);
        let key = format!("lost-{what}");
        let (status, problem) = w.api.call(method, &path, body.as_ref(), Some(&key)).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (503, Some("chain_unavailable")),
            "{what}: {problem}"
        );
        assert_eq!(
            w.wallet(pda).await.policy_version,
            version + 1,
            "{what} landed"
        );
        // The retry records what landed instead of writing the change again.
        let (status, view) = w.api.call(method, &path, body.as_ref(), Some(&key)).await;
        assert_eq!(status, 200, "{what}: {view}");
        assert_eq!(proxy.sends(), sent + 1, "{what} was sent twice");
        let on_chain = w.wallet(pda).await;
        assert_eq!(on_chain.policy_version, version + 1);
        assert_eq!(
            view["version"],
            json!(version + 1),
            "the mirror is the chain's: {view}"
        );
    }
    let wallet = w.wallet(pda).await;
    assert!(wallet.policy.paused);
    assert_eq!(wallet.policy.max_daily_spend, 40 * USDC);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_master_key_rotation_reseals_owner_and_agent_keys_too(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w.account(policy()).await;
    let id = account["accountId"].as_str().unwrap();
    let new_master = [10u8; 32];
    let done = mpppal_api::rotation::reseal_all(&w.pool, &MASTER, &new_master)
        .await
        .unwrap()
        .unwrap();
    // The two API keys (all scopes, approver), the operator's owner key and the custodial agent
    // key.
    assert_eq!((done.resealed, done.already), (4, 0));
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_agent_seed FROM accounts WHERE account_id = $1")
            .bind(id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    let label = format!("agent:{id}");
    assert!(mpppal_api::auth::seal::open(&new_master, &label, &sealed).is_some());
    assert!(mpppal_api::auth::seal::open(&MASTER, &label, &sealed).is_none());
    let again = mpppal_api::rotation::reseal_all(&w.pool, &MASTER, &new_master)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.resealed, again.already), (0, 4));
}
