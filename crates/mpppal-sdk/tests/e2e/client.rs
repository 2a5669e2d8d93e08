//! The agent's paying client against the paywall: pays within policy, refuses before signing.

use crate::support::*;
use mpppal_policy_program::PolicyArgs;
use mpppal_sdk::client::{AgentWallet, MemoryReporter, PayError, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::policy_ix;
use solana_signer::Signer;
use std::sync::Arc;

fn client(w: &World, reporter: Arc<MemoryReporter>) -> PayingClient {
    PayingClient::new(
        AgentWallet {
            agent: w.agent.insecure_clone(),
            wallet: w.wallet,
        },
        Arc::new(RpcChain::new(w.rpc_url.clone())),
        reporter,
    )
}

#[tokio::test]
async fn pays_a_402_and_hands_the_receipt_to_the_reporter() {
    let w = world(10 * USDC).await;
    let reporter = Arc::new(MemoryReporter::default());
    let paid = client(&w, reporter.clone())
        .get(&format!("{}/data", w.api))
        .await
        .unwrap();
    assert_eq!(paid.paid, PRICE);
    assert!(paid.receipt.is_some());
    assert_eq!(paid.response.text().await.unwrap(), "the data");
    let reported = reporter.receipts();
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].amount, PRICE);

    // A free resource costs nothing and reports nothing.
    let free = client(&w, reporter.clone())
        .get(&format!("{}/free", w.api))
        .await
        .unwrap();
    assert_eq!((free.paid, free.receipt.is_none()), (0, true));
    assert_eq!(reporter.receipts().len(), 1);
}

#[tokio::test]
async fn refuses_before_signing_when_the_app_or_the_policy_says_no() {
    let w = world(10 * USDC).await;
    let reporter = Arc::new(MemoryReporter::default());
    let url = format!("{}/data", w.api);

    let err = client(&w, reporter.clone())
        .with_max_price(PRICE - 1)
        .get(&url)
        .await
        .unwrap_err();
    assert!(matches!(err, PayError::Vetoed(_)), "{err}");

    let tight = PolicyArgs {
        max_single_transfer: 100_000,
        max_daily_spend: 20 * USDC,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: None,
        paused: false,
    };
    send(
        &w.rpc,
        &[policy_ix::update_policy(
            &w.owner.pubkey(),
            &w.wallet,
            tight,
        )],
        &w.owner,
        &[],
    )
    .await;
    let err = client(&w, reporter.clone()).get(&url).await.unwrap_err();
    match err {
        PayError::PolicyDenied { code, .. } => assert_eq!(code, "over_single_transfer_limit"),
        other => panic!("expected a policy denial, got {other}"),
    }
    assert!(reporter.receipts().is_empty(), "nothing was paid");
}

#[tokio::test]
async fn pays_a_standard_server_by_sponsored_transaction_through_the_policy_program() {
    let w = world(10 * USDC).await;
    let reporter = Arc::new(MemoryReporter::default());
    let paid = client(&w, reporter.clone())
        .get(&format!("{}/sponsored", w.api))
        .await
        .unwrap();
    assert_eq!(paid.paid, PRICE);
    assert_eq!(paid.response.text().await.unwrap(), "sponsored");
    assert_eq!(
        w.provider_usdc().await,
        1 + PRICE,
        "paid on chain, from the wallet's vault"
    );
    // A second request uses the wallet's next nonce.
    client(&w, reporter.clone())
        .get(&format!("{}/sponsored", w.api))
        .await
        .unwrap();
    assert_eq!(reporter.receipts().len(), 2);
}

#[tokio::test]
async fn cannot_pay_a_server_that_neither_takes_receipts_nor_sponsors_fees() {
    let w = world(10 * USDC).await;
    let err = client(&w, Arc::new(MemoryReporter::default()))
        .get(&format!("{}/push", w.api))
        .await
        .unwrap_err();
    assert!(matches!(err, PayError::NoPayableChallenge(_)), "{err}");
}

#[tokio::test]
async fn with_a_fee_payer_it_pushes_a_policy_transfer_and_presents_the_signature() {
    let w = world(10 * USDC).await;
    // The agent key pays its own fees here; the tokens still come from the wallet's vault.
    let agent_sol = w
        .rpc
        .request_airdrop(&w.agent.pubkey(), 100_000_000)
        .await
        .unwrap();
    w.rpc.confirm_transaction(&agent_sol).await.unwrap();
    let reporter = Arc::new(MemoryReporter::default());
    let before = token_balance(&w, &w.provider).await;
    let paid = client(&w, reporter.clone())
        .with_fee_payer(Arc::new(w.agent.insecure_clone()))
        .get(&format!("{}/push", w.api))
        .await
        .unwrap();
    assert_eq!((paid.response.status().as_u16(), paid.paid), (200, PRICE));
    assert_eq!(paid.response.text().await.unwrap(), "pushed");
    assert_eq!(token_balance(&w, &w.provider).await, before + PRICE);
    let vault: u64 = w
        .rpc
        .get_token_account_balance(&mpppal_solana::address::vault(&w.wallet, &w.mint))
        .await
        .unwrap()
        .amount
        .parse()
        .unwrap();
    assert_eq!(vault, 10 * USDC - PRICE);
    assert!(
        w.rpc.get_balance(&w.agent.pubkey()).await.unwrap() < 100_000_000,
        "fee paid"
    );
    assert_eq!(reporter.receipts().len(), 1);
    assert_eq!(w.paywall_chain.transactions_sent(), 0, "the client sent it");
}

#[tokio::test]
async fn refuses_when_the_wallet_cannot_afford_it() {
    let w = world(100_000).await;
    let err = client(&w, Arc::new(MemoryReporter::default()))
        .get(&format!("{}/data", w.api))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            PayError::InsufficientBalance {
                balance: 100_000,
                needed: PRICE
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn tells_servers_what_it_pays_with() {
    let w = world(USDC).await;
    let answer = client(&w, Arc::new(MemoryReporter::default()))
        .get(&format!("{}/echo-accept-payment", w.api))
        .await
        .unwrap();
    assert_eq!(
        answer.response.text().await.unwrap(),
        mpppal_sdk::client::ACCEPT_PAYMENT
    );
}
