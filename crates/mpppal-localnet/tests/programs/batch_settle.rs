//! settle_batch and reclaim_receipt: agent-signed receipts settle once, in one transfer.

use crate::support::*;
use anchor_lang::AccountDeserialize;
use mpppal_settlement_program::ReceiptRecord;
use mpppal_solana::settlement_ix;
use mpppal_solana::signed::{
    category_field, challenge_hash, ed25519_instruction, Receipt, SignReceipt, SignedMessage,
};
use mpppal_solana::{address, Pubkey};
use solana_keypair::Keypair;
use solana_signer::Signer;

fn receipt(f: &Fixture, amount: u64, challenge: &str) -> Receipt {
    Receipt {
        wallet: f.wallet,
        recipient: f.bob.pubkey(),
        mint: f.mint(),
        amount,
        expires_at: NOON + 600,
        challenge_hash: challenge_hash(challenge),
        category: [0; 32],
    }
}

fn hash_of(r: &Receipt) -> [u8; 32] {
    r.challenge_hash
}

async fn settle(
    f: &mut Fixture,
    receipts: &[Receipt],
    signed: &[SignedMessage],
) -> Result<(), solana_program_test::BanksClientError> {
    let settler = f.chain.payer().pubkey();
    let list: Vec<_> = receipts.iter().map(hash_of).collect();
    let ix =
        settlement_ix::settle_batch(&settler, None, &f.wallet, &f.mint(), &f.bob.pubkey(), &list);
    f.chain.send(&[ed25519_instruction(signed), ix], &[]).await
}

fn signed_by(agent: &Keypair, receipts: &[Receipt]) -> Vec<SignedMessage> {
    receipts.iter().map(|r| r.sign(agent)).collect()
}

#[tokio::test]
async fn settles_a_batch_in_one_transfer_and_records_each_receipt() {
    let mut f = fixture().await;
    let receipts: Vec<_> = (0..8)
        .map(|i| receipt(&f, 1_000 * (i + 1), &format!("ch-{i}")))
        .collect();
    let signed = signed_by(&f.agent, &receipts);
    settle(&mut f, &receipts, &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 36_000);
    assert_eq!(f.balance(&f.vault.clone()).await, 100 * USDC - 36_000);
    let w = f.wallet_state().await;
    assert_eq!((w.spent_today, w.nonce), (36_000, 1));
    let (record, _) = address::receipt_record(&f.wallet, &receipts[3].challenge_hash);
    let account = f
        .chain
        .context
        .banks_client
        .get_account(record)
        .await
        .unwrap()
        .unwrap();
    let record = ReceiptRecord::try_deserialize(&mut account.data.as_slice()).unwrap();
    assert_eq!((record.amount, record.recipient), (4_000, f.bob.pubkey()));
}

#[tokio::test]
async fn a_resubmitted_batch_pays_nothing_twice() {
    let mut f = fixture().await;
    let receipts = vec![receipt(&f, 5_000, "a"), receipt(&f, 7_000, "b")];
    let signed = signed_by(&f.agent, &receipts);
    settle(&mut f, &receipts, &signed).await.unwrap();
    settle(&mut f, &receipts, &signed).await.unwrap();
    // One old receipt and one new one: only the new one pays.
    let mixed = vec![receipts[0], receipt(&f, 1_000, "c")];
    let signed = signed_by(&f.agent, &mixed);
    settle(&mut f, &mixed, &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 13_000);
}

#[tokio::test]
async fn skips_receipts_the_policy_refuses_and_settles_the_rest() {
    let mut f = fixture().await;
    // 5 USDC receipts escalate (threshold 1 USDC) and are skipped without the owner.
    let receipts = vec![
        receipt(&f, 900_000, "ok"),
        receipt(&f, 5 * USDC, "big"),
        receipt(&f, 6 * USDC, "huge"),
    ];
    let signed = signed_by(&f.agent, &receipts);
    settle(&mut f, &receipts, &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 900_000);
    // The skipped receipts left no record, so they can settle later (e.g. with the owner).
    let (record, _) = address::receipt_record(&f.wallet, &receipts[1].challenge_hash);
    assert!(f
        .chain
        .context
        .banks_client
        .get_account(record)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn receipts_carry_the_category_a_policy_asks_for() {
    let mut f = fixture_with(
        mpppal_policy_program::PolicyArgs {
            categories: vec!["data".into()],
            ..policy()
        },
        100 * USDC,
    )
    .await;
    let with = |category: Option<&str>, challenge| Receipt {
        category: category_field(category).unwrap(),
        ..receipt(&f, 1_000, challenge)
    };
    let receipts = [
        with(Some("data"), "d"),
        with(Some("travel"), "t"),
        with(None, "n"),
    ];
    let signed = signed_by(&f.agent, &receipts);
    settle(&mut f, &receipts, &signed).await.unwrap();
    assert_eq!(
        f.balance(&f.bob_usdc.clone()).await,
        1_000,
        "only the data receipt settles"
    );
    // A category field that is not zero-padded UTF-8 is refused by the policy, not by a panic.
    let mut odd = receipt(&f, 1_000, "odd");
    odd.category = [0xff; 32];
    let signed = signed_by(&f.agent, &[odd]);
    settle(&mut f, &[odd], &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 1_000);
}

#[tokio::test]
async fn a_receipt_twice_in_one_batch_pays_once() {
    let mut f = fixture().await;
    let r = receipt(&f, 3_000, "dup");
    let signed = signed_by(&f.agent, &[r, r]);
    settle(&mut f, &[r, r], &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 3_000);
}

#[tokio::test]
async fn a_receipt_record_at_a_non_canonical_address_is_refused() {
    let mut f = fixture().await;
    let r = receipt(&f, 1_000, "bump");
    let signed = signed_by(&f.agent, &[r]);
    // The same seeds with another bump give another valid PDA; it must not count as a record.
    let (canonical, bump) = mpppal_solana::address::receipt_record(&f.wallet, &r.challenge_hash);
    let other = (0..bump)
        .rev()
        .find_map(|b| {
            Pubkey::create_program_address(
                &[b"receipt", f.wallet.as_ref(), &r.challenge_hash, &[b]],
                &mpppal_solana::SETTLEMENT_PROGRAM_ID,
            )
            .ok()
        })
        .expect("another bump yields a PDA");
    assert_ne!(other, canonical);
    let settler = f.chain.payer().pubkey();
    let mut ix = settlement_ix::settle_batch(
        &settler,
        None,
        &f.wallet,
        &f.mint(),
        &f.bob.pubkey(),
        &[hash_of(&r)],
    );
    let last = ix.accounts.len() - 1;
    ix.accounts[last].pubkey = other;
    assert_eq!(
        error_code(f.chain.send(&[ed25519_instruction(&signed), ix], &[]).await),
        settle_err::RECORD_MISMATCH
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 0);
}

#[tokio::test]
async fn skips_expired_receipts() {
    let mut f = fixture().await;
    let mut old = receipt(&f, 1_000, "old");
    old.expires_at = NOON - 1;
    let fresh = receipt(&f, 2_000, "fresh");
    let signed = signed_by(&f.agent, &[old, fresh]);
    settle(&mut f, &[old, fresh], &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 2_000);
}

#[tokio::test]
async fn only_the_agents_receipts_for_this_recipient_settle() {
    let mut f = fixture().await;
    let r = receipt(&f, 1_000, "x");
    // Signed by someone else: not a receipt of this wallet's, so there is nothing to settle.
    let mallory = Keypair::new();
    assert_eq!(
        error_code(settle(&mut f, &[r], &signed_by(&mallory, &[r])).await),
        settle_err::BATCH_SIZE
    );
    // Altered after signing: the runtime's Ed25519 check fails the whole transaction.
    let signed = signed_by(&f.agent, &[r]);
    let inflated = SignedMessage {
        message: Receipt { amount: 2_000, ..r }.message().to_vec(),
        ..signed[0].clone()
    };
    assert!(settle(&mut f, &[r], &[inflated]).await.is_err());
    // Signed for another recipient, settled to Bob: not a receipt of this batch.
    let for_carol = Receipt {
        recipient: Pubkey::new_unique(),
        ..r
    };
    let signed_for_carol = signed_by(&f.agent, &[for_carol]);
    assert_eq!(
        error_code(settle(&mut f, &[r], &signed_for_carol).await),
        settle_err::BATCH_SIZE
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 0);
}

#[tokio::test]
async fn refuses_empty_batches_and_wrong_record_accounts() {
    let mut f = fixture().await;
    assert_eq!(
        error_code(settle(&mut f, &[], &[]).await),
        settle_err::BATCH_SIZE
    );
    let r = receipt(&f, 1_000, "y");
    let signed = signed_by(&f.agent, &[r]);
    let settler = f.chain.payer().pubkey();
    let mut ix = settlement_ix::settle_batch(
        &settler,
        None,
        &f.wallet,
        &f.mint(),
        &f.bob.pubkey(),
        &[hash_of(&r)],
    );
    let last = ix.accounts.len() - 1;
    ix.accounts[last].pubkey = Pubkey::new_unique();
    assert_eq!(
        error_code(f.chain.send(&[ed25519_instruction(&signed), ix], &[]).await),
        settle_err::RECORD_MISMATCH
    );
}

#[tokio::test]
async fn reclaim_returns_rent_only_after_expiry_and_the_receipt_stays_dead() {
    let mut f = fixture().await;
    let r = receipt(&f, 1_000, "z");
    let signed = signed_by(&f.agent, &[r]);
    settle(&mut f, &[r], &signed).await.unwrap();
    let (record, _) = address::receipt_record(&f.wallet, &r.challenge_hash);
    let settler = f.chain.payer().pubkey();
    let reclaim = settlement_ix::reclaim_receipt(&record, &settler);
    assert_eq!(
        error_code(f.chain.send(std::slice::from_ref(&reclaim), &[]).await),
        settle_err::RECEIPT_NOT_EXPIRED
    );
    f.chain.set_time(r.expires_at + 1).await;
    f.chain.send(&[reclaim], &[]).await.unwrap();
    assert!(f
        .chain
        .context
        .banks_client
        .get_account(record)
        .await
        .unwrap()
        .is_none());
    // With the record gone the receipt is still refused: it has expired.
    settle(&mut f, &[r], &signed).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 1_000);
}
