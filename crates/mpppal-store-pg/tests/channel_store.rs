//! The channel store's contract, checked on the in-memory store and on PostgreSQL alike: a
//! record comes back as written, and an update names the version it read, so of two replicas
//! writing after the same read exactly one wins.

use mpppal_sdk::paywall::{ChannelRecord, ChannelStore, MemoryChannels};
use mpppal_solana::method::SignedVoucher;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::sync::Arc;
use support::store;

mod support;

fn record(signer: &Keypair) -> ChannelRecord {
    ChannelRecord {
        wallet: Keypair::new().pubkey(),
        mint: Keypair::new().pubkey(),
        // Beyond 2^53: must not pass through a JSON number.
        session_id: u64::MAX - 1,
        payee: Keypair::new().pubkey(),
        rent_payer: Keypair::new().pubkey(),
        signer: signer.pubkey(),
        verify_first: false,
        deposit: 2_000_000,
        accepted: 0,
        best: None,
        retried: false,
        closed: false,
    }
}

/// `a` and `b` are two replicas' handles on one store.
async fn contract(a: &dyn ChannelStore, b: &dyn ChannelStore) {
    let signer = Keypair::new();
    let channel = Keypair::new().pubkey();
    let opened = record(&signer);
    assert_eq!(a.load(&channel).await.unwrap(), None, "unknown channel");
    assert!(a.insert(&channel, &opened).await.unwrap());
    assert!(!b.insert(&channel, &opened).await.unwrap(), "opened once");

    let read = b.load(&channel).await.unwrap().unwrap();
    assert_eq!((read.version, &read.record), (0, &opened));

    let mut paid = opened.clone();
    paid.accepted = 1_000;
    paid.best = Some(SignedVoucher::sign(&signer, &channel, 1_000, 0));
    let mut other = opened.clone();
    other.accepted = 5_000;
    // Both replicas read version 0; only the first write lands.
    assert!(a.update(&channel, 0, &paid).await.unwrap());
    assert!(
        !b.update(&channel, 0, &other).await.unwrap(),
        "stale version"
    );
    let now = b.load(&channel).await.unwrap().unwrap();
    assert_eq!((now.version, &now.record), (1, &paid));

    let mut closed = paid.clone();
    closed.closed = true;
    assert!(b.update(&channel, 1, &closed).await.unwrap());
    assert_eq!(a.load(&channel).await.unwrap().unwrap().record, closed);
    assert!(
        !a.update(&Keypair::new().pubkey(), 0, &closed)
            .await
            .unwrap(),
        "an unknown channel is not created by an update"
    );
}

#[tokio::test]
async fn the_memory_store_keeps_the_contract() {
    let store = Arc::new(MemoryChannels::default());
    contract(store.as_ref(), store.as_ref()).await;
}

#[tokio::test]
async fn postgresql_keeps_the_contract_across_replicas() {
    let (a, b) = (store().await, store().await);
    contract(&a, &b).await;
}

#[tokio::test]
async fn racing_updates_of_one_version_let_exactly_one_through() {
    let replicas = [Arc::new(store().await), Arc::new(store().await)];
    let channel = Keypair::new().pubkey();
    let signer = Keypair::new();
    replicas[0]
        .insert(&channel, &record(&signer))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..10u64)
        .map(|i| {
            let store = replicas[(i % 2) as usize].clone();
            let mut mine = record(&signer);
            mine.accepted = 1_000 * (i + 1);
            tokio::spawn(async move { store.update(&channel, 0, &mine).await.unwrap() })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        won += u32::from(task.await.unwrap());
    }
    assert_eq!(won, 1);
    assert_eq!(
        replicas[1].load(&channel).await.unwrap().unwrap().version,
        1
    );
}
