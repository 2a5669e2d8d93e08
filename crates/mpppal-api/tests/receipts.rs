//! Deferred receipts reported to the API: each checked as the Settlement Program will check it,
//! stored once per (account, challenge id), and one answer per receipt. Then the whole path: the
//! SDK pays a real paywall with a receipt and its `ApiReporter` delivers it here.

use anchor_lang::prelude::Pubkey;
use mpppal_sdk::client::{AgentWallet, Delivered, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::signed::{category_field, challenge_hash, Receipt, SignReceipt};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::Arc;
use support::world::{policy, world, World, USDC};

mod support;

struct Agent {
    key: Keypair,
    account: Value,
}

impl World {
    async fn agent(&self) -> Agent {
        let (key, account) = self.non_custodial(policy()).await;
        Agent { key, account }
    }
}

fn now() -> i64 {
    support::now()
}

/// A receipt report signed by `signer` for `agent`'s wallet.
fn signed(
    agent: &Agent,
    signer: &Keypair,
    mint: &Pubkey,
    challenge: &str,
    amount: u64,
    expires_at: i64,
) -> Value {
    let recipient = Pubkey::new_from_array([7; 32]);
    let receipt = Receipt {
        wallet: Pubkey::from_str(agent.account["solanaAddress"].as_str().unwrap()).unwrap(),
        recipient,
        mint: *mint,
        amount,
        expires_at,
        challenge_hash: challenge_hash(challenge),
        category: category_field(Some("data")).unwrap(),
    };
    let signature = receipt.sign(signer).signature;
    json!({
        "accountId": agent.account["accountId"], "challengeId": challenge,
        "recipient": recipient.to_string(), "mint": mint.to_string(), "amount": amount,
        "expiresAt": expires_at, "category": "data",
        "signature": bs58::encode(signature).into_string(),
    })
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn receipts_are_checked_and_stored_once_each(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let agent = w.agent().await;
    let mint = w.mint().await;
    let later = now() + 300;
    let good = signed(&agent, &agent.key, &mint, "ch-1", 250_000, later);
    let mut rival = signed(&agent, &agent.key, &mint, "ch-1", 260_000, later);
    rival["amount"] = json!(260_000);
    let stranger = Keypair::new();
    let mut tampered = signed(&agent, &agent.key, &mint, "ch-5", 1_000, later);
    tampered["amount"] = json!(2_000);
    let mut unknown = signed(&agent, &agent.key, &mint, "ch-6", 1_000, later);
    unknown["accountId"] = json!("acct_nosuchaccount1");
    let batch = json!({"receipts": [
        good,
        good,
        rival,
        signed(&agent, &stranger, &mint, "ch-2", 1_000, later),
        signed(&agent, &agent.key, &mint, "ch-3", 1_000, now() - 1),
        signed(&agent, &agent.key, &Pubkey::new_unique(), "ch-4", 1_000, later),
        tampered,
        unknown,
        signed(&agent, &agent.key, &mint, "ch-7", 1_000, later),
    ]});
    let (status, answer) = w.api.call("POST", "/v1/receipts", Some(&batch), None).await;
    assert_eq!(status, 200, "{answer}");
    let outcomes: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "stored",
            "duplicate",
            "conflict",
            "invalid",
            "invalid",
            "invalid",
            "invalid",
            "invalid",
            "stored"
        ]
    );
    let details: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["detail"].as_str())
        .collect();
    assert!(details[1].contains("agent key"), "{details:?}");
    assert!(details[2].contains("expired"), "{details:?}");
    assert!(details[3].contains("mint"), "{details:?}");
    assert!(
        details[4].contains("agent key"),
        "a changed amount breaks the signature: {details:?}"
    );
    assert_eq!(details[5], "no such account");
    let stored: Vec<(String, i64)> =
        sqlx::query_as("SELECT challenge_id, amount FROM receipts ORDER BY challenge_id")
            .fetch_all(&w.pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        [("ch-1".to_string(), 250_000), ("ch-7".to_string(), 1_000)]
    );

    // The operator lists them, newest first, a page at a time.
    let (_, page) = w.api.call("GET", "/v1/receipts?limit=1", None, None).await;
    assert_eq!(page["items"][0]["challengeId"], "ch-7");
    assert_eq!(page["items"][0]["status"], "accepted");
    let cursor = page["nextCursor"].as_str().unwrap();
    let (_, next) = w
        .api
        .call(
            "GET",
            &format!("/v1/receipts?limit=1&cursor={cursor}"),
            None,
            None,
        )
        .await;
    assert_eq!(next["items"][0]["challengeId"], "ch-1");
    assert_eq!(next["items"][0]["amount"], 250_000);
    assert_eq!(next["nextCursor"], Value::Null);

    // Reporting again is harmless: everything already stored is a duplicate.
    let again = json!({"receipts": [good]});
    let (_, answer) = w.api.call("POST", "/v1/receipts", Some(&again), None).await;
    assert_eq!(answer["results"][0]["outcome"], "duplicate");
    assert_eq!(w.count("SELECT count(*) FROM receipts").await, 2);

    // Structure errors refuse the whole report and store nothing.
    for (body, code) in [
        (json!({"receipts": []}), "invalid_request"),
        (json!({"receipts": [good], "extra": 1}), "invalid_body"),
        (json!({"receipts": [{"accountId": "x"}]}), "invalid_body"),
    ] {
        let (status, problem) = w.api.call("POST", "/v1/receipts", Some(&body), None).await;
        assert_eq!((status, problem["code"].as_str()), (400, Some(code)));
    }
    let too_many = json!({"receipts": vec![good; 1001]});
    let (status, _) = w
        .api
        .call("POST", "/v1/receipts", Some(&too_many), None)
        .await;
    assert_eq!(status, 400);
    assert_eq!(w.count("SELECT count(*) FROM receipts").await, 2);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_sdk_reports_what_it_paid_by_receipt(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let agent = w.agent().await;
    let wallet = Pubkey::from_str(agent.account["solanaAddress"].as_str().unwrap()).unwrap();
    w.faucet(&wallet.to_string(), 5 * USDC).await;

    let provider = w.receipts_paywall(10_000).await;
    let chain = Arc::new(RpcChain::new(w.rpc.url()));

    // The agent reports with its own key: agent scope only.
    let (reporter, _) = w
        .api_reporter(agent.account["accountId"].as_str().unwrap())
        .await;
    let client = PayingClient::new(
        AgentWallet {
            agent: agent.key.insecure_clone(),
            wallet,
        },
        chain,
        reporter.clone(),
    )
    .with_max_price(USDC);
    for _ in 0..3 {
        let paid = client.get(&format!("{provider}/data")).await.unwrap();
        assert_eq!(paid.response.status(), 200);
        assert_eq!(paid.paid, 10_000);
    }
    assert_eq!(
        reporter.flush().await,
        Delivered {
            stored: 3,
            ..Delivered::default()
        }
    );
    let stored: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT account_id, amount, status::text FROM receipts")
            .fetch_all(&w.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 3);
    for (account, amount, status) in stored {
        assert_eq!(account, agent.account["accountId"].as_str().unwrap());
        assert_eq!((amount, status.as_str()), (10_000, "accepted"));
    }
}
