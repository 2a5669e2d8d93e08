//! Payment sessions reported to the API by the SDK's `ApiReporter` while an agent pays a real
//! paywall session on the embedded chain: the open, the latest voucher, the close, each checked
//! against the chain; and the reports the API refuses.

use anchor_lang::prelude::Pubkey;
use mpppal_sdk::client::{AgentWallet, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::method::SignedVoucher;
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::Arc;
use support::world::{world, Agent, USDC};

mod support;

const PRICE: u64 = 1_000;
const REQUESTS: u64 = 25;

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_session_is_reported_and_settled_as_the_chain_says(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let Agent {
        key: agent,
        id,
        wallet,
    } = w.funded_agent(5 * USDC).await;
    let provider = w.session_paywall(PRICE).await;

    let (reporter, agent_api) = w.api_reporter(&id).await;
    let client = PayingClient::new(
        AgentWallet {
            agent: agent.insecure_clone(),
            wallet,
        },
        Arc::new(RpcChain::new(w.rpc.url())),
        reporter.clone(),
    )
    .with_max_price(USDC);
    // The first request opens the session; each later one pays by voucher.
    for _ in 0..=REQUESTS {
        let paid = client.get(&format!("{provider}/metered")).await.unwrap();
        assert_eq!(paid.response.status(), 200);
    }
    let delivered = reporter.flush().await;
    assert_eq!((delivered.sessions_opened, delivered.failed), (1, 0));
    let (_, listed) = w
        .api
        .call("GET", &format!("/v1/sessions?accountId={id}"), None, None)
        .await;
    let session = listed["items"][0].clone();
    let session_id = session["sessionId"].as_str().unwrap().to_string();
    assert!(session_id.starts_with("sess_"));
    assert_eq!(session["status"], "open");
    assert_eq!(session["runningTotal"], REQUESTS * PRICE);
    assert!(session["lastVoucherAt"].is_string(), "{session}");
    assert_eq!(
        session["signer"].as_str(),
        Some(agent.pubkey().to_string().as_str())
    );
    let channel = Pubkey::from_str(session["channel"].as_str().unwrap()).unwrap();
    let deposit = session["cap"].as_u64().unwrap();

    // What the API refuses while the session is open.
    let voucher = |signer: &Keypair, cumulative: u64| {
        let v = SignedVoucher::sign(signer, &channel, cumulative, 0);
        json!({"cumulative": cumulative, "expiresAt": 0, "signature": v.signature})
    };
    let path = format!("/v1/sessions/{session_id}/vouchers");
    let (status, problem) = agent_api
        .call(
            "POST",
            &path,
            Some(&voucher(&Keypair::new(), REQUESTS * PRICE + PRICE)),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("bad_voucher"))
    );
    let (status, problem) = agent_api
        .call("POST", &path, Some(&voucher(&agent, deposit + 1)), None)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("voucher_over_deposit"))
    );
    let (status, same) = agent_api
        .call("POST", &path, Some(&voucher(&agent, PRICE)), None)
        .await;
    assert_eq!(
        (status, &same["runningTotal"]),
        (200, &json!(REQUESTS * PRICE)),
        "a lower voucher changes nothing"
    );
    let fake_tx = bs58::encode([1u8; 64]).into_string();
    let (status, problem) = agent_api
        .call(
            "POST",
            &format!("/v1/sessions/{session_id}/close"),
            Some(&json!({"tx": fake_tx})),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("session_open"))
    );
    let (status, problem) = agent_api
        .call(
            "POST",
            "/v1/sessions",
            Some(&json!({"accountId": id, "channel": wallet.to_string(), "providerEndpoint": provider})),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("unknown_channel"))
    );

    // The close: the chain's figures, not the report's.
    client.close_sessions().await.unwrap();
    let delivered = reporter.flush().await;
    assert_eq!(delivered.sessions_closed, 1, "{delivered:?}");
    let (_, settled) = w
        .api
        .call("GET", &format!("/v1/sessions/{session_id}"), None, None)
        .await;
    assert_eq!(settled["status"], "settled");
    assert_eq!(settled["paid"], REQUESTS * PRICE);
    assert!(settled["settlementTxSignature"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT payload->>'type' FROM outbox WHERE kind = 'event' AND subject = $1 ORDER BY outbox_id",
    )
    .bind(&session_id)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(events, ["session.opened", "session.settled"]);
    let held: i64 = sqlx::query_scalar("SELECT cumulative FROM vouchers WHERE session_id = $1")
        .bind(&session_id)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(held as u64, REQUESTS * PRICE);
    // Reporting the close again is harmless.
    let (status, again) = agent_api
        .call(
            "POST",
            &format!("/v1/sessions/{session_id}/close"),
            Some(&json!({"tx": fake_tx})),
            None,
        )
        .await;
    assert_eq!((status, &again["paid"]), (200, &json!(REQUESTS * PRICE)));
    let _: Value = again;
}
