//! create_wallet, update_policy, set_paused, rotate_agent, withdraw, and the settlement-only
//! instructions refusing anyone but the Settlement Program.

use crate::support::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use mpppal_policy_program::{
    accounts, instruction, DebitArgs, DebitAuthorization, DebitItem, TransferArgs,
};
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use mpppal_solana::{address, Pubkey};
use solana_keypair::Keypair;
use solana_signer::Signer;

fn pay(f: &Fixture, agent: &Keypair, amount: u64, nonce: u64) -> Instruction {
    policy_ix::transfer(
        &PaymentAccounts {
            agent: agent.pubkey(),
            owner_cosigner: None,
            wallet: f.wallet,
            mint: f.mint(),
            destination: f.bob_usdc,
        },
        TransferArgs {
            amount,
            nonce,
            memo: None,
            category: None,
        },
    )
}

#[tokio::test]
async fn create_wallet_stores_policy_and_owns_its_token_account() {
    let mut f = fixture().await;
    let w = f.wallet_state().await;
    assert_eq!(w.owner, f.owner.pubkey());
    assert_eq!(w.agent, f.agent.pubkey());
    assert_eq!(w.policy, policy());
    assert_eq!(w.vault, f.vault);
    assert_eq!(w.nonce, 0);
    assert_eq!(w.policy_version, 1);
    assert_eq!(f.balance(&f.vault.clone()).await, 100 * USDC);
}

#[tokio::test]
async fn create_wallet_rejects_invalid_policy_and_duplicates() {
    let mut f = fixture().await;
    let mint = f.mint();
    let bad = mpppal_policy_program::PolicyArgs {
        max_single_transfer: 50 * USDC,
        ..policy()
    };
    let key = Keypair::new().pubkey();
    let ix = policy_ix::create_wallet(&f.owner.pubkey(), &key, &f.agent.pubkey(), &mint, bad);
    let owner = f.owner.insecure_clone();
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&owner]).await),
        policy_err::INVALID_POLICY
    );
    assert!(f
        .chain
        .context
        .banks_client
        .get_account(address::wallet(&key))
        .await
        .unwrap()
        .is_none());

    // The same wallet key again: the PDA exists, so creation fails.
    let w = f.wallet_state().await;
    let again = policy_ix::create_wallet(
        &f.owner.pubkey(),
        &w.wallet_key,
        &f.agent.pubkey(),
        &mint,
        policy(),
    );
    assert!(f.chain.send(&[again], &[&owner]).await.is_err());
}

#[tokio::test]
async fn update_policy_applies_new_limits_and_bumps_the_version() {
    let mut f = fixture().await;
    let owner = f.owner.insecure_clone();
    let agent = f.agent.insecure_clone();
    let tight = mpppal_policy_program::PolicyArgs {
        max_single_transfer: 100_000,
        max_daily_spend: 1_000_000,
        ..policy()
    };
    f.chain
        .send(
            &[policy_ix::update_policy(
                &owner.pubkey(),
                &f.wallet,
                tight.clone(),
            )],
            &[&owner],
        )
        .await
        .unwrap();
    let w = f.wallet_state().await;
    assert_eq!(w.policy, tight);
    assert_eq!(w.policy_version, 2);
    let ix = pay(&f, &agent, 200_000, 0);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&agent]).await),
        policy_err::OVER_SINGLE
    );
}

#[tokio::test]
async fn update_policy_refuses_strangers_and_invalid_policies() {
    let mut f = fixture().await;
    let stranger = Keypair::new();
    let ix = policy_ix::update_policy(&stranger.pubkey(), &f.wallet, policy());
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&stranger]).await),
        policy_err::UNAUTHORIZED
    );
    let owner = f.owner.insecure_clone();
    let invalid = mpppal_policy_program::PolicyArgs {
        max_daily_spend: 0,
        ..policy()
    };
    let ix = policy_ix::update_policy(&owner.pubkey(), &f.wallet, invalid);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&owner]).await),
        policy_err::INVALID_POLICY
    );
    assert_eq!(f.wallet_state().await.policy_version, 1);
}

#[tokio::test]
async fn paused_wallet_pays_nothing_until_unpaused() {
    let mut f = fixture().await;
    let owner = f.owner.insecure_clone();
    let agent = f.agent.insecure_clone();
    f.chain
        .send(
            &[policy_ix::set_paused(&owner.pubkey(), &f.wallet, true)],
            &[&owner],
        )
        .await
        .unwrap();
    let ix = pay(&f, &agent, 10, 0);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&agent]).await),
        policy_err::PAUSED
    );
    f.chain
        .send(
            &[policy_ix::set_paused(&owner.pubkey(), &f.wallet, false)],
            &[&owner],
        )
        .await
        .unwrap();
    f.chain
        .send(&[pay(&f, &agent, 10, 0)], &[&agent])
        .await
        .unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 10);
}

#[tokio::test]
async fn only_the_owner_pauses() {
    let mut f = fixture().await;
    let agent = f.agent.insecure_clone();
    let ix = policy_ix::set_paused(&agent.pubkey(), &f.wallet, true);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&agent]).await),
        policy_err::UNAUTHORIZED
    );
    assert!(!f.wallet_state().await.policy.paused);
}

#[tokio::test]
async fn rotated_agent_pays_and_old_agent_cannot() {
    let mut f = fixture().await;
    let owner = f.owner.insecure_clone();
    let old = f.agent.insecure_clone();
    let new = Keypair::new();
    let stranger = Keypair::new();
    let ix = policy_ix::rotate_agent(&stranger.pubkey(), &f.wallet, &stranger.pubkey());
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&stranger]).await),
        policy_err::UNAUTHORIZED
    );
    f.chain
        .send(
            &[policy_ix::rotate_agent(
                &owner.pubkey(),
                &f.wallet,
                &new.pubkey(),
            )],
            &[&owner],
        )
        .await
        .unwrap();
    let ix = pay(&f, &old, 10, 0);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&old]).await),
        policy_err::UNAUTHORIZED
    );
    f.chain
        .send(&[pay(&f, &new, 10, 0)], &[&new])
        .await
        .unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 10);
}

#[tokio::test]
async fn owner_withdraws_even_when_paused() {
    let mut f = fixture().await;
    let owner = f.owner.insecure_clone();
    let mint = f.mint();
    let owner_usdc = f.chain.fund_usdc(&owner.pubkey(), 0).await.unwrap();
    f.chain
        .send(
            &[policy_ix::set_paused(&owner.pubkey(), &f.wallet, true)],
            &[&owner],
        )
        .await
        .unwrap();
    let ix = policy_ix::withdraw(&owner.pubkey(), &f.wallet, &mint, &owner_usdc, 30 * USDC);
    f.chain.send(&[ix], &[&owner]).await.unwrap();
    assert_eq!(f.balance(&owner_usdc).await, 30 * USDC);
    assert_eq!(f.balance(&f.vault.clone()).await, 70 * USDC);
}

#[tokio::test]
async fn withdraw_refuses_strangers_and_overdrafts() {
    let mut f = fixture().await;
    let mint = f.mint();
    let agent = f.agent.insecure_clone();
    let ix = policy_ix::withdraw(&agent.pubkey(), &f.wallet, &mint, &f.bob_usdc, USDC);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&agent]).await),
        policy_err::UNAUTHORIZED
    );
    let owner = f.owner.insecure_clone();
    let ix = policy_ix::withdraw(&owner.pubkey(), &f.wallet, &mint, &f.bob_usdc, 101 * USDC);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&owner]).await),
        policy_err::INSUFFICIENT
    );
    let ix = policy_ix::withdraw(&owner.pubkey(), &f.wallet, &mint, &f.bob_usdc, 0);
    assert_eq!(
        error_code(f.chain.send(&[ix], &[&owner]).await),
        policy_err::ZERO_AMOUNT
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 0);
}

#[tokio::test]
async fn debit_and_record_refund_refuse_any_caller_but_the_settlement_program() {
    let mut f = fixture().await;
    let agent = f.agent.insecure_clone();
    let impostor = Keypair::new();
    let mint = f.mint();
    let debit = Instruction {
        program_id: mpppal_policy_program::ID,
        accounts: accounts::Debit {
            settlement_authority: impostor.pubkey(),
            agent: Some(agent.pubkey()),
            owner_cosigner: None,
            wallet: f.wallet,
            vault: f.vault,
            mint,
            destination: f.bob_usdc,
            token_program: anchor_spl::token::ID,
        }
        .to_account_metas(None),
        data: instruction::Debit {
            args: DebitArgs {
                items: vec![DebitItem {
                    amount: USDC,
                    category: None,
                }],
                counterparty: f.bob.pubkey(),
                expected_nonce: None,
                memo: None,
                authorization: DebitAuthorization::VerifiedReceipt,
                to_escrow: false,
            },
        }
        .data(),
    };
    assert_eq!(
        error_code(f.chain.send(&[debit], &[&impostor, &agent]).await),
        policy_err::UNAUTHORIZED
    );
    let refund = Instruction {
        program_id: mpppal_policy_program::ID,
        accounts: accounts::RecordRefund {
            settlement_authority: impostor.pubkey(),
            wallet: f.wallet,
        }
        .to_account_metas(None),
        data: instruction::RecordRefund {
            amount: 1,
            locked_at: NOON,
        }
        .data(),
    };
    assert_eq!(
        error_code(f.chain.send(&[refund], &[&impostor]).await),
        policy_err::UNAUTHORIZED
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 0);
    let _: Pubkey = f.wallet;
}
