//! Payment sessions: a thousand paid requests in two transactions, and the server's refusals.

use crate::support::*;
use mpppal_protocol::{format_authorization, parse_receipt, PaymentChallenge, PaymentCredential};
use mpppal_sdk::client::{AgentWallet, MemoryReporter, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::method::session::SessionAction;
use mpppal_solana::method::SignedVoucher;
use mpppal_solana::Pubkey;
use serde_json::Value;
use solana_keypair::Keypair;
use std::str::FromStr;
use std::sync::Arc;

pub fn client(w: &World) -> PayingClient {
    PayingClient::new(
        AgentWallet {
            agent: w.agent.insecure_clone(),
            wallet: w.wallet,
        },
        Arc::new(RpcChain::new(w.rpc_url.clone())),
        Arc::new(MemoryReporter::default()),
    )
}

// On worker threads, so the client signs each next voucher beside the request (ADR 0021); the
// other session tests run on one thread, where it signs between requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_paid_requests_settle_in_two_transactions() {
    let w = world(10 * USDC).await;
    let agent = client(&w);
    let url = format!("{}/metered", w.api);
    let before = w.provider_usdc().await;

    // The first request opens the session (served, not metered); then 1,000 metered requests.
    let opened = agent.get(&url).await.unwrap();
    assert_eq!((opened.response.status().as_u16(), opened.paid), (200, 0));
    for _ in 0..1_000 {
        let paid = agent.get(&url).await.unwrap();
        assert_eq!(paid.paid, SESSION_PRICE);
        assert_eq!(paid.response.text().await.unwrap(), "metered");
    }
    assert_eq!(
        w.paywall_chain.transactions_sent(),
        1,
        "only the open went on chain so far"
    );

    let closed = agent.close_sessions().await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["paid"], "1000000");
    assert_eq!(w.paywall_chain.transactions_sent(), 2, "open + close");
    assert_eq!(w.provider_usdc().await, before + 1_000 * SESSION_PRICE);
    assert_eq!(w.vault_usdc().await, 10 * USDC - 1_000 * SESSION_PRICE);
}

/// A client with a session opened on `base`'s /metered, and the session's channel.
pub async fn opened_session(w: &World, base: &str) -> (PayingClient, Pubkey) {
    let agent = client(w);
    let opened = agent.get(&format!("{base}/metered")).await.unwrap();
    let channel = Pubkey::from_str(&opened.receipt.unwrap().reference).unwrap();
    (agent, channel)
}

/// An Authorization value closing `channel` with the paywall's best voucher.
pub fn close_credential(challenge: &PaymentChallenge, channel: &Pubkey) -> String {
    let close = SessionAction::Close {
        channel_id: channel.to_string(),
        voucher: None,
    };
    format_authorization(&PaymentCredential::new(challenge.to_echo(), close)).unwrap()
}

/// A fresh session challenge for /metered.
pub async fn session_challenge(w: &World) -> PaymentChallenge {
    w.challenge("/metered").await
}

pub fn voucher_credential(
    challenge: &PaymentChallenge,
    channel: &Pubkey,
    signer: &Keypair,
    cumulative: u64,
) -> String {
    let action = SessionAction::Voucher {
        channel_id: channel.to_string(),
        voucher: SignedVoucher::sign(signer, channel, cumulative, 0),
    };
    format_authorization(&PaymentCredential::new(challenge.to_echo(), action)).unwrap()
}

pub async fn problem(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["type"]
            .as_str()
            .unwrap()
            .split("/problems/")
            .nth(1)
            .unwrap()
            .to_string(),
    )
}

#[tokio::test]
async fn refuses_lowered_forged_oversized_and_unknown_vouchers() {
    let w = world(10 * USDC).await;
    let (agent, channel) = opened_session(&w, &w.api).await;
    let url = format!("{}/metered", w.api);
    agent.get(&url).await.unwrap();
    agent.get(&url).await.unwrap(); // vouchers up to 2,000 accepted
    let challenge = session_challenge(&w).await;

    // The last voucher again is an idempotent retry: served, nothing more charged.
    let last = voucher_credential(&challenge, &channel, &w.agent, 2 * SESSION_PRICE);
    let replay = w.get("/metered", Some(&last)).await;
    assert_eq!(replay.status(), 200);
    let receipt = parse_receipt(replay.headers()["payment-receipt"].to_str().unwrap()).unwrap();
    assert_eq!(receipt.extensions["acceptedCumulative"], "2000");
    // But only once: a voucher resent again buys nothing more.
    let again = w.get("/metered", Some(&last)).await;
    assert_eq!(
        problem(again).await,
        (402, "session/delta-too-small".into())
    );
    // Lower than what was accepted.
    let lowered = w
        .get(
            "/metered",
            Some(&voucher_credential(
                &challenge,
                &channel,
                &w.agent,
                SESSION_PRICE,
            )),
        )
        .await;
    assert_eq!(
        problem(lowered).await,
        (402, "session/delta-too-small".into())
    );
    // Signed by someone other than the channel's signer on chain.
    let mallory = Keypair::new();
    let forged = w
        .get(
            "/metered",
            Some(&voucher_credential(
                &challenge,
                &channel,
                &mallory,
                3 * SESSION_PRICE,
            )),
        )
        .await;
    assert_eq!(
        problem(forged).await,
        (402, "session/invalid-signature".into())
    );
    // More than the 2 USDC deposit.
    let greedy = w
        .get(
            "/metered",
            Some(&voucher_credential(
                &challenge,
                &channel,
                &w.agent,
                3 * USDC,
            )),
        )
        .await;
    assert_eq!(
        problem(greedy).await,
        (402, "session/amount-exceeds-deposit".into())
    );
    // A channel this server never opened.
    let unknown = Pubkey::new_unique();
    let gone = w
        .get(
            "/metered",
            Some(&voucher_credential(
                &challenge,
                &unknown,
                &w.agent,
                SESSION_PRICE,
            )),
        )
        .await;
    assert_eq!(
        problem(gone).await,
        (410, "session/channel-not-found".into())
    );

    // After close the channel is final, and the client opens a new one when it needs to.
    agent.close_sessions().await.unwrap();
    let finished = w
        .get(
            "/metered",
            Some(&voucher_credential(
                &challenge,
                &channel,
                &w.agent,
                2 * SESSION_PRICE,
            )),
        )
        .await;
    assert_eq!(
        problem(finished).await,
        (410, "session/channel-finalized".into())
    );
    let reopened = agent.get(&url).await.unwrap();
    assert_ne!(
        Pubkey::from_str(&reopened.receipt.unwrap().reference).unwrap(),
        channel
    );
}

#[tokio::test]
async fn the_deposit_is_topped_up_within_policy_when_used_up() {
    // A 2 USDC suggested deposit but the policy's single cap is 5 USDC: 2,500 requests at
    // 0.001 need one top-up.
    let w = world(10 * USDC).await;
    let agent = client(&w);
    let url = format!("{}/metered", w.api);
    agent.get(&url).await.unwrap();
    for _ in 0..2_100 {
        agent.get(&url).await.unwrap();
    }
    assert_eq!(w.paywall_chain.transactions_sent(), 2, "open + one top-up");
    let closed = agent.close_sessions().await.unwrap();
    assert_eq!(closed[0]["paid"], "2100000");
    assert_eq!(
        w.vault_usdc().await,
        10 * USDC - 2_100 * SESSION_PRICE,
        "the unspent deposit came back"
    );
}

#[tokio::test]
async fn a_failed_request_in_a_session_costs_nothing() {
    let w = world(10 * USDC).await;
    let agent = client(&w);
    agent.get(&format!("{}/metered", w.api)).await.unwrap();
    agent.get(&format!("{}/metered", w.api)).await.unwrap();
    let failed = agent
        .get(&format!("{}/metered-broken", w.api))
        .await
        .unwrap();
    assert_eq!((failed.response.status().as_u16(), failed.paid), (500, 0));
    let ok = agent.get(&format!("{}/metered", w.api)).await.unwrap();
    assert_eq!(ok.paid, SESSION_PRICE);
    let closed = agent.close_sessions().await.unwrap();
    assert_eq!(
        closed[0]["paid"], "2000",
        "two served requests, the failed one not charged"
    );
}

#[tokio::test]
async fn concurrent_vouchers_on_one_channel_are_serialized() {
    let w = world(10 * USDC).await;
    let (_agent, channel) = opened_session(&w, &w.api).await;
    let challenge = session_challenge(&w).await;
    // Ten copies of one voucher race: one pays for a request, one more is served as the retry
    // of a lost response, and the other eight are refused.
    let credential = voucher_credential(&challenge, &channel, &w.agent, SESSION_PRICE);
    let racers = (0..10).map(|_| w.get("/metered", Some(&credential)));
    let responses = futures_util::future::join_all(racers).await;
    let mut accepted = Vec::new();
    let mut refused = 0;
    for r in responses {
        if r.status() == 200 {
            let receipt = parse_receipt(r.headers()["payment-receipt"].to_str().unwrap()).unwrap();
            accepted.push(receipt.extensions["acceptedCumulative"].clone());
        } else {
            assert_eq!(problem(r).await, (402, "session/delta-too-small".into()));
            refused += 1;
        }
    }
    assert_eq!(accepted, ["1000", "1000"], "one payment and one retry");
    assert_eq!(refused, 8);
}

#[tokio::test]
async fn idle_sessions_are_closed_and_busy_ones_kept() {
    let w = world(10 * USDC).await;
    let agent = client(&w);
    let url = format!("{}/metered", w.api);
    agent.get(&url).await.unwrap();
    agent.get(&url).await.unwrap();

    // Used a moment ago: not idle for an hour, so nothing closes.
    let none = agent
        .close_idle_sessions(std::time::Duration::from_secs(3600))
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    assert_eq!(w.paywall_chain.transactions_sent(), 1, "only the open");

    // Idle for at least zero seconds: closed, paying the one metered request.
    let closed = agent
        .close_idle_sessions(std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["paid"], SESSION_PRICE.to_string());
    assert_eq!(w.paywall_chain.transactions_sent(), 2, "open + close");
    assert!(
        agent.close_sessions().await.unwrap().is_empty(),
        "nothing left open"
    );

    // The next request opens a new session.
    let reopened = agent.get(&url).await.unwrap();
    assert_eq!(
        (reopened.response.status().as_u16(), reopened.paid),
        (200, 0)
    );
    assert_eq!(w.paywall_chain.transactions_sent(), 3);
}
