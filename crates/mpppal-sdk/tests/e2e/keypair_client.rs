//! The plain-keypair client against the paywall: a direct transfer, pulled where the server pays
//! fees and pushed where it does not; refusals before anything is signed.

use crate::support::*;
use mpppal_sdk::client::{KeypairClient, PayError};
use mpppal_sdk::paywall::RpcChain;
use solana_signer::Signer;
use std::sync::Arc;

fn client(w: &World, payer: &solana_keypair::Keypair) -> KeypairClient {
    KeypairClient::new(
        payer.insecure_clone(),
        Arc::new(RpcChain::new(w.rpc_url.clone())),
    )
}

#[tokio::test]
async fn pays_by_pull_where_the_server_sponsors_fees() {
    let w = world(10 * USDC).await;
    let payer = plain_payer(&w, USDC).await;
    let sol_before = w.rpc.get_balance(&payer.pubkey()).await.unwrap();
    let provider_before = token_balance(&w, &w.provider).await;
    let paid = client(&w, &payer)
        .get(&format!("{}/sponsored", w.api))
        .await
        .unwrap();
    assert_eq!(paid.paid, PRICE);
    assert!(paid.receipt.is_some());
    assert_eq!(paid.response.text().await.unwrap(), "sponsored");
    assert_eq!(token_balance(&w, &payer.pubkey()).await, USDC - PRICE);
    assert_eq!(
        token_balance(&w, &w.provider).await,
        provider_before + PRICE
    );
    assert_eq!(
        w.rpc.get_balance(&payer.pubkey()).await.unwrap(),
        sol_before,
        "the server paid the fee"
    );
}

#[tokio::test]
async fn pays_by_push_where_the_server_does_not_sponsor_fees() {
    let w = world(10 * USDC).await;
    let payer = plain_payer(&w, USDC).await;
    let sol_before = w.rpc.get_balance(&payer.pubkey()).await.unwrap();
    let paid = client(&w, &payer)
        .get(&format!("{}/push", w.api))
        .await
        .unwrap();
    assert_eq!(paid.paid, PRICE);
    assert_eq!(paid.response.text().await.unwrap(), "pushed");
    assert_eq!(token_balance(&w, &payer.pubkey()).await, USDC - PRICE);
    assert!(
        w.rpc.get_balance(&payer.pubkey()).await.unwrap() < sol_before,
        "the payer paid its own fee"
    );
}

#[tokio::test]
async fn refuses_before_signing_when_vetoed_or_underfunded() {
    let w = world(10 * USDC).await;
    let payer = plain_payer(&w, PRICE - 1).await;
    let url = format!("{}/push", w.api);

    let err = client(&w, &payer)
        .with_max_price(PRICE - 1)
        .get(&url)
        .await
        .unwrap_err();
    assert!(matches!(err, PayError::Vetoed(_)), "{err}");

    let err = client(&w, &payer).get(&url).await.unwrap_err();
    assert!(
        matches!(
            err,
            PayError::InsufficientBalance { balance, needed } if balance == PRICE - 1 && needed == PRICE
        ),
        "{err}"
    );
    // Nothing moved: the USDC is all still there.
    assert_eq!(token_balance(&w, &payer.pubkey()).await, PRICE - 1);

    // A keypair with no token account at all gets a clear error, not a panic.
    let empty = solana_keypair::Keypair::new();
    let err = client(&w, &empty).get(&url).await.unwrap_err();
    assert!(matches!(err, PayError::Wallet(_)), "{err}");
}
