//! The agent's side of sessions: one session per provider even when first requests race, a
//! close the provider no longer knows, and sessions closed when the client is dropped.

use crate::sessions::{client, session_challenge};
use crate::support::*;
use mpppal_protocol::{format_authorization, PaymentCredential};
use mpppal_solana::method::session::SessionAction;
use mpppal_solana::Pubkey;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn racing_first_requests_open_one_session() {
    let w = world(10 * USDC).await;
    let agent = Arc::new(client(&w));
    let url = format!("{}/metered", w.api);
    let racers = (0..5).map(|_| {
        let (agent, url) = (agent.clone(), url.clone());
        tokio::spawn(async move { agent.get(&url).await.unwrap() })
    });
    let mut paid = 0;
    for racer in racers {
        let response = racer.await.unwrap();
        assert_eq!(response.response.status(), 200);
        paid += response.paid;
    }
    assert_eq!(
        w.paywall_chain.transactions_sent(),
        1,
        "one open, one deposit"
    );
    assert_eq!(paid, 4 * SESSION_PRICE, "the opening request is free");
    let closed = agent.close_sessions().await.unwrap();
    assert_eq!(closed[0]["paid"], (4 * SESSION_PRICE).to_string());
}

#[tokio::test]
async fn a_close_the_provider_no_longer_knows_forgets_the_session() {
    let w = world(10 * USDC).await;
    let agent = client(&w);
    let url = format!("{}/metered", w.api);
    let opened = agent.get(&url).await.unwrap();
    let channel = Pubkey::from_str(&opened.receipt.unwrap().reference).unwrap();
    // Someone else closes the channel (the provider itself, say) behind the client's back.
    let challenge = session_challenge(&w).await;
    let close = SessionAction::Close {
        channel_id: channel.to_string(),
        voucher: None,
    };
    let closing =
        format_authorization(&PaymentCredential::new(challenge.to_echo(), close)).unwrap();
    assert_eq!(w.get("/metered", Some(&closing)).await.status(), 200);

    let closed = agent.close_sessions().await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["gone"], true);
    assert!(
        agent.close_sessions().await.unwrap().is_empty(),
        "forgotten"
    );
    let reopened = agent.get(&url).await.unwrap();
    assert_ne!(
        Pubkey::from_str(&reopened.receipt.unwrap().reference).unwrap(),
        channel,
        "a new session"
    );
}

#[tokio::test]
async fn dropping_the_client_closes_its_sessions() {
    let w = world(10 * USDC).await;
    let agent = client(&w);
    let url = format!("{}/metered", w.api);
    agent.get(&url).await.unwrap();
    agent.get(&url).await.unwrap();
    assert_eq!(w.paywall_chain.transactions_sent(), 1);
    drop(agent);

    // The close runs on a task of this runtime: wait for it, within reason.
    for _ in 0..200 {
        if w.paywall_chain.transactions_sent() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(w.paywall_chain.transactions_sent(), 2, "open + close");
    assert_eq!(
        w.vault_usdc().await,
        10 * USDC - SESSION_PRICE,
        "one metered request paid, the rest of the deposit back"
    );
}
