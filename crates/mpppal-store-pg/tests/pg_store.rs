//! `PgStore` against a real PostgreSQL (`MPPPAL_TEST_DATABASE_URL`, by default the local `test`
//! database): the store's contract, and two replicas racing for one wallet's balance.

use mpppal_sdk::paywall::{PaymentStore, ReserveError};
use mpppal_store_pg::PgStore;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::sync::Arc;
use support::store;

mod support;

/// Ids unique across test runs sharing the database.
fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

fn fits(balance: u64, amount: u64) -> impl Fn(u64) -> Result<(), String> + Send + Sync {
    move |pending| {
        if pending + amount <= balance {
            Ok(())
        } else {
            Err(format!(
                "{pending} pending, {amount} more exceeds {balance}"
            ))
        }
    }
}

#[tokio::test]
async fn reserves_once_refuses_reuse_and_releases() {
    let store = store().await;
    let wallet = Keypair::new().pubkey();
    let (first, second) = (unique("challenge"), unique("challenge"));

    store
        .reserve(&first, &wallet, 400, &fits(1_000, 400))
        .await
        .unwrap();
    assert_eq!(store.pending(&wallet).await, 400);
    assert_eq!(
        store.reserve(&first, &wallet, 400, &fits(1_000, 400)).await,
        Err(ReserveError::AlreadyUsed)
    );

    // A refused check records nothing: the credential can still be used, nothing is pending.
    let refused = store
        .reserve(&second, &wallet, 700, &fits(1_000, 700))
        .await;
    assert!(
        matches!(refused, Err(ReserveError::Refused(ref r)) if r.contains("exceeds")),
        "{refused:?}"
    );
    assert_eq!(store.pending(&wallet).await, 400);
    store
        .reserve(&second, &wallet, 600, &fits(1_000, 600))
        .await
        .unwrap();
    assert_eq!(store.pending(&wallet).await, 1_000);

    // A failed request releases its amount; its credential stays used.
    store.release(&first).await;
    assert_eq!(store.pending(&wallet).await, 600);
    assert_eq!(
        store.reserve(&first, &wallet, 400, &fits(1_000, 400)).await,
        Err(ReserveError::AlreadyUsed)
    );

    // Amounts PostgreSQL's BIGINT cannot hold are refused, not wrapped.
    let huge = store
        .reserve(&unique("challenge"), &wallet, u64::MAX, &|_| Ok(()))
        .await;
    assert!(matches!(huge, Err(ReserveError::Refused(_))), "{huge:?}");
}

#[tokio::test]
async fn consumes_a_key_once_across_replicas() {
    let (a, b) = (store().await, store().await);
    let signature = unique("signature");
    assert!(a.consume(&signature).await);
    assert!(!b.consume(&signature).await, "another replica sees it used");
    assert!(!a.consume(&signature).await);
}

#[tokio::test]
async fn replicas_racing_for_one_wallet_never_exceed_its_balance() {
    let replicas = [Arc::new(store().await), Arc::new(store().await)];
    let wallet = Keypair::new().pubkey();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = replicas[i % 2].clone();
            tokio::spawn(async move {
                store
                    .reserve(&unique("race"), &wallet, 300, &fits(1_000, 300))
                    .await
                    .is_ok()
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        accepted += u32::from(task.await.unwrap());
    }
    assert_eq!(accepted, 3, "three payments of 300 fit in 1,000");
    assert_eq!(replicas[0].pending(&wallet).await, 900);
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error() {
    let err = PgStore::connect("postgres://postgres@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("connect") || err.to_string().contains("refused"),
        "{err}"
    );
}
