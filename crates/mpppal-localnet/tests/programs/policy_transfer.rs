//! transfer: the agent pays under the policy, and every rule can stop it.

use crate::support::*;
use anchor_lang::solana_program::instruction::Instruction;
use mpppal_policy_program::{PolicyArgs, TransferArgs};
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use solana_keypair::Keypair;
use solana_signer::Signer;

struct Pay<'a> {
    amount: u64,
    nonce: u64,
    memo: Option<&'a str>,
    category: Option<&'a str>,
    cosigner: Option<&'a Keypair>,
}

fn pay(amount: u64, nonce: u64) -> Pay<'static> {
    Pay {
        amount,
        nonce,
        memo: None,
        category: None,
        cosigner: None,
    }
}

async fn send(f: &mut Fixture, p: Pay<'_>) -> Result<(), solana_program_test::BanksClientError> {
    let ix: Instruction = policy_ix::transfer(
        &PaymentAccounts {
            agent: f.agent.pubkey(),
            owner_cosigner: p.cosigner.map(|k| k.pubkey()),
            wallet: f.wallet,
            mint: f.mint(),
            destination: f.bob_usdc,
        },
        TransferArgs {
            amount: p.amount,
            nonce: p.nonce,
            memo: p.memo.map(str::to_string),
            category: p.category.map(str::to_string),
        },
    );
    let agent = f.agent.insecure_clone();
    let mut signers = vec![&agent];
    if let Some(c) = p.cosigner {
        signers.push(c);
    }
    f.chain.send(&[ix], &signers).await
}

#[tokio::test]
async fn moves_tokens_records_spend_and_advances_the_nonce() {
    let mut f = fixture().await;
    send(&mut f, pay(750_000, 0)).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 750_000);
    assert_eq!(f.balance(&f.vault.clone()).await, 100 * USDC - 750_000);
    let w = f.wallet_state().await;
    assert_eq!(w.nonce, 1);
    assert_eq!(w.spent_today, 750_000);
    assert_eq!(w.spend_day, NOON / 86_400);
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let mut f = fixture().await;
    send(&mut f, pay(10, 0)).await.unwrap();
    assert_eq!(
        error_code(send(&mut f, pay(10, 0)).await),
        policy_err::NONCE
    );
    assert_eq!(
        error_code(send(&mut f, pay(10, 5)).await),
        policy_err::NONCE
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 10);
}

#[tokio::test]
async fn refuses_over_the_single_transfer_cap_even_cosigned() {
    let mut f = fixture().await;
    let owner = f.owner.insecure_clone();
    let p = Pay {
        cosigner: Some(&owner),
        ..pay(5 * USDC + 1, 0)
    };
    assert_eq!(error_code(send(&mut f, p).await), policy_err::OVER_SINGLE);
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 0);
}

#[tokio::test]
async fn refuses_over_the_daily_cap_until_the_next_utc_day() {
    let mut f = fixture().await;
    let owner = f.owner.insecure_clone();
    for nonce in 0..4 {
        let p = Pay {
            cosigner: Some(&owner),
            ..pay(5 * USDC, nonce)
        };
        send(&mut f, p).await.unwrap();
    }
    assert_eq!(
        error_code(send(&mut f, pay(1, 4)).await),
        policy_err::OVER_DAILY
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 20 * USDC);
    f.chain.set_time(NOON + 43_200).await;
    send(&mut f, pay(1, 4)).await.unwrap();
    assert_eq!(f.wallet_state().await.spent_today, 1);
}

#[tokio::test]
async fn escalates_above_threshold_unless_the_owner_cosigns() {
    let mut f = fixture().await;
    assert_eq!(
        error_code(send(&mut f, pay(USDC + 1, 0)).await),
        policy_err::ESCALATION
    );
    let stranger = Keypair::new();
    let p = Pay {
        cosigner: Some(&stranger),
        ..pay(USDC + 1, 0)
    };
    assert_eq!(error_code(send(&mut f, p).await), policy_err::UNAUTHORIZED);
    let owner = f.owner.insecure_clone();
    let p = Pay {
        cosigner: Some(&owner),
        ..pay(USDC + 1, 0)
    };
    send(&mut f, p).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, USDC + 1);
}

#[tokio::test]
async fn enforces_memo_counterparty_and_category_rules() {
    let mut f = fixture_with(
        PolicyArgs {
            require_memo: true,
            categories: vec!["data".into()],
            ..policy()
        },
        10 * USDC,
    )
    .await;
    let ok = |nonce| Pay {
        memo: Some("invoice 7"),
        category: Some("data"),
        ..pay(10, nonce)
    };
    assert_eq!(
        error_code(
            send(
                &mut f,
                Pay {
                    memo: None,
                    ..ok(0)
                }
            )
            .await
        ),
        policy_err::MEMO_REQUIRED
    );
    assert_eq!(
        error_code(
            send(
                &mut f,
                Pay {
                    category: Some("travel"),
                    ..ok(0)
                }
            )
            .await
        ),
        policy_err::CATEGORY
    );
    send(&mut f, ok(0)).await.unwrap();

    let owner = f.owner.insecure_clone();
    let only_carol = PolicyArgs {
        allowed_counterparties: vec![Keypair::new().pubkey()],
        ..policy()
    };
    f.chain
        .send(
            &[policy_ix::update_policy(
                &owner.pubkey(),
                &f.wallet,
                only_carol,
            )],
            &[&owner],
        )
        .await
        .unwrap();
    assert_eq!(
        error_code(send(&mut f, pay(10, 1)).await),
        policy_err::COUNTERPARTY
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 10);
}

#[tokio::test]
async fn refuses_zero_amounts_overdrafts_and_other_signers() {
    let mut f = fixture_with(policy(), 100).await;
    assert_eq!(
        error_code(send(&mut f, pay(0, 0)).await),
        policy_err::ZERO_AMOUNT
    );
    assert_eq!(
        error_code(send(&mut f, pay(101, 0)).await),
        policy_err::INSUFFICIENT
    );
    // Nothing was recorded for the refused payments.
    assert_eq!(f.wallet_state().await.spent_today, 0);

    let impostor = Keypair::new();
    f.agent = impostor;
    assert_eq!(
        error_code(send(&mut f, pay(10, 0)).await),
        policy_err::UNAUTHORIZED
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 0);
}
