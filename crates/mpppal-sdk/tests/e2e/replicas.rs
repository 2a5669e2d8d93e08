//! Two replicas of a provider sharing their stores serve one payment session: whichever replica
//! a request reaches, every voucher is accepted once, and the close pays what was served.

use crate::sessions::{
    close_credential, opened_session, problem, session_challenge, voucher_credential,
};
use crate::support::*;
use mpppal_protocol::parse_receipt;
use serde_json::Value;
use solana_signer::Signer;

async fn get(w: &World, base: &str, authorization: &str) -> reqwest::Response {
    w.http
        .get(format!("{base}/metered"))
        .header("authorization", authorization)
        .send()
        .await
        .unwrap()
}

fn accepted(response: &reqwest::Response) -> String {
    let receipt = parse_receipt(response.headers()["payment-receipt"].to_str().unwrap()).unwrap();
    receipt.extensions["acceptedCumulative"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn replicas_sharing_stores_serve_one_session_and_accept_each_voucher_once() {
    let w = world(10 * USDC).await;
    let before = w.provider_usdc().await;
    let (a, b) = (w.replica_apis[0].as_str(), w.replica_apis[1].as_str());
    // Opened through the first replica.
    let (_agent, channel) = opened_session(&w, a).await;
    let challenge = session_challenge(&w).await;
    let voucher = |cumulative| voucher_credential(&challenge, &channel, &w.agent, cumulative);

    // Vouchers alternate between replicas; each sees what the other accepted.
    let first = get(&w, b, &voucher(SESSION_PRICE)).await;
    assert_eq!(
        (first.status().as_u16(), accepted(&first)),
        (200, "1000".into())
    );
    let second = get(&w, a, &voucher(2 * SESSION_PRICE)).await;
    assert_eq!(accepted(&second), "2000");
    // The retry of a lost response is served once, on either replica, and not again.
    let retry = get(&w, b, &voucher(2 * SESSION_PRICE)).await;
    assert_eq!(
        (retry.status().as_u16(), accepted(&retry)),
        (200, "2000".into())
    );
    let again = get(&w, a, &voucher(2 * SESSION_PRICE)).await;
    assert_eq!(
        problem(again).await,
        (402, "session/delta-too-small".into())
    );
    let lowered = get(&w, b, &voucher(SESSION_PRICE)).await;
    assert_eq!(
        problem(lowered).await,
        (402, "session/delta-too-small".into())
    );

    // Copies of the next voucher race on both replicas at once: one payment, one retry.
    let next = voucher(3 * SESSION_PRICE);
    let racers = (0..10).map(|i| get(&w, if i % 2 == 0 { a } else { b }, &next));
    let mut served = 0;
    for response in futures_util::future::join_all(racers).await {
        if response.status() == 200 {
            assert_eq!(accepted(&response), "3000");
            served += 1;
        } else {
            assert_eq!(
                problem(response).await,
                (402, "session/delta-too-small".into())
            );
        }
    }
    assert_eq!(served, 2, "one payment and one retry across both replicas");

    // Closed through the second replica; the first then knows the channel is final.
    let closed = get(&w, b, &close_credential(&challenge, &channel)).await;
    assert_eq!(closed.status(), 200);
    let body: Value = closed.json().await.unwrap();
    assert_eq!(body["paid"], "3000");
    let late = get(&w, a, &voucher(4 * SESSION_PRICE)).await;
    assert_eq!(
        problem(late).await,
        (410, "session/channel-finalized".into())
    );
    assert_eq!(w.paywall_chain.transactions_sent(), 2, "open + close");
    assert_eq!(w.provider_usdc().await, before + 3 * SESSION_PRICE);
}

#[tokio::test]
async fn a_channel_store_that_is_down_accepts_nothing_and_says_so() {
    use std::sync::atomic::Ordering;
    let w = world(10 * USDC).await;
    let a = w.replica_apis[0].as_str();
    let (_agent, channel) = opened_session(&w, a).await;
    let challenge = session_challenge(&w).await;
    let voucher = voucher_credential(&challenge, &channel, &w.agent, SESSION_PRICE);

    w.replica_channels.down.store(true, Ordering::SeqCst);
    let refused = get(&w, a, &voucher).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["type"], "about:blank");
    assert!(
        body["detail"].as_str().unwrap().contains("channel store"),
        "{body}"
    );
    let closing = get(&w, a, &close_credential(&challenge, &channel)).await;
    assert_eq!(closing.status(), 503, "no close while the store is down");
    assert_eq!(w.paywall_chain.transactions_sent(), 1, "only the open");

    // Back up: the same voucher is a new payment (nothing was recorded), not a replay.
    w.replica_channels.down.store(false, Ordering::SeqCst);
    let served = get(&w, a, &voucher).await;
    assert_eq!(
        (served.status().as_u16(), accepted(&served)),
        (200, "1000".into())
    );
    let closed = get(&w, a, &close_credential(&challenge, &channel)).await;
    let body: Value = closed.json().await.unwrap();
    assert_eq!(body["paid"], "1000");
}

#[tokio::test]
async fn a_close_whose_transaction_fails_leaves_the_channel_open_for_vouchers() {
    let w = world(10 * USDC).await;
    let a = w.replica_apis[0].as_str();
    let (_agent, channel) = opened_session(&w, a).await;
    let challenge = session_challenge(&w).await;
    let first = get(
        &w,
        a,
        &voucher_credential(&challenge, &channel, &w.agent, SESSION_PRICE),
    )
    .await;
    assert_eq!(first.status(), 200);

    // The paywall's fee payer cannot pay for the closing transaction.
    let lamports = w.rpc.get_balance(&w.fee_payer.pubkey()).await.unwrap();
    let sink = solana_keypair::Keypair::new().pubkey();
    let drain = anchor_lang::solana_program::system_instruction::transfer(
        &w.fee_payer.pubkey(),
        &sink,
        lamports - 5_000,
    );
    send(&w.rpc, &[drain], &w.fee_payer, &[]).await;
    let before = w.provider_usdc().await;
    let failed = get(&w, a, &close_credential(&challenge, &channel)).await;
    assert_eq!(failed.status(), 402, "the close did not happen");
    assert_eq!(w.provider_usdc().await, before, "nothing was paid");

    // The chain still has the channel open, so the paywall takes vouchers again…
    let second = get(
        &w,
        a,
        &voucher_credential(&challenge, &channel, &w.agent, 2 * SESSION_PRICE),
    )
    .await;
    assert_eq!(
        (second.status().as_u16(), accepted(&second)),
        (200, "2000".into())
    );
    // …and once the fee payer is funded, the close pays both requests.
    let sig = w
        .rpc
        .request_airdrop(&w.fee_payer.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    w.rpc.confirm_transaction(&sig).await.unwrap();
    let closed = get(&w, a, &close_credential(&challenge, &channel)).await;
    let body: Value = closed.json().await.unwrap();
    assert_eq!(body["paid"], "2000", "{body}");
    assert_eq!(w.provider_usdc().await, before + 2 * SESSION_PRICE);
}
