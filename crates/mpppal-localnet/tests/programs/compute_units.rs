//! Compute units per instruction, measured on the runtime.
//!
//! Natively built programs run as host code: the runtime only counts what they do through it
//! (syscalls, CPIs, and the SPL Token program, which runs as SBF), so native numbers are lower
//! bounds. With `SBF_OUT_DIR` set the programs run as SBF and the budgets below are enforced.
//! `cargo test -p mpppal-localnet --test programs compute_units -- --nocapture` prints the table.

use crate::support::*;
use mpppal_policy_program::TransferArgs;
use mpppal_settlement_program::{CloseSessionArgs, OpenSessionArgs};
use mpppal_solana::policy_ix::PaymentAccounts;
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use mpppal_solana::signed::{
    challenge_hash, ed25519_instruction, sign_voucher, Receipt, SignReceipt,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Budgets the programs must meet when run as SBF (the goals).
const TRANSFER_BUDGET: u64 = 30_000;
const CLOSE_SESSION_BUDGET: u64 = 40_000;
const SETTLE_PER_RECEIPT_BUDGET: u64 = 10_000;
const BATCH: usize = 8;

async fn units(
    f: &mut Fixture,
    ixs: &[anchor_lang::solana_program::instruction::Instruction],
    signers: &[&Keypair],
) -> u64 {
    let outcome = f.chain.send_with_metadata(ixs, signers).await.unwrap();
    outcome.result.expect("the measured transaction succeeds");
    outcome.metadata.expect("metadata").compute_units_consumed
}

#[tokio::test]
async fn compute_units_per_instruction() {
    let no_escalation = mpppal_policy_program::PolicyArgs {
        escalation_threshold: None,
        ..policy()
    };
    let mut f = fixture_with(no_escalation, 100 * USDC).await;
    let agent = f.agent.insecure_clone();
    let payment = PaymentAccounts {
        agent: agent.pubkey(),
        owner_cosigner: None,
        wallet: f.wallet,
        mint: f.mint(),
        destination: f.bob_usdc,
    };
    let args = |nonce| mpppal_settlement_program::TransferArgs {
        amount: 1_000,
        nonce,
        memo: None,
        category: None,
    };
    let transfer = units(
        &mut f,
        &[settlement_ix::transfer(&payment, args(0))],
        &[&agent],
    )
    .await;
    let policy_transfer = units(
        &mut f,
        &[mpppal_solana::policy_ix::transfer(
            &payment,
            TransferArgs {
                amount: 1_000,
                nonce: 1,
                memo: None,
                category: None,
            },
        )],
        &[&agent],
    )
    .await;

    let payer = f.chain.payer().insecure_clone();
    let session = SessionAccounts {
        wallet: f.wallet,
        mint: f.mint(),
        session_id: 1,
        payee: f.bob.pubkey(),
        rent_payer: payer.pubkey(),
    };
    let open_args = OpenSessionArgs {
        session_id: 1,
        deposit: USDC,
        expires_at: NOON + 600,
        memo: None,
        category: None,
    };
    let open = units(
        &mut f,
        &[settlement_ix::open_session(
            &session,
            &agent.pubkey(),
            None,
            open_args,
        )],
        &[&agent],
    )
    .await;
    let voucher = sign_voucher(&agent, &session.session(), 250_000, 0);
    let close_args = CloseSessionArgs {
        cumulative: 250_000,
        voucher_expires_at: 0,
    };
    let bob = f.bob.insecure_clone();
    let close = units(
        &mut f,
        &[
            ed25519_instruction(&[voucher]),
            settlement_ix::close_session(&session, close_args),
        ],
        &[&bob],
    )
    .await;

    let receipts: Vec<Receipt> = (0..BATCH)
        .map(|i| Receipt {
            wallet: f.wallet,
            recipient: f.bob.pubkey(),
            mint: f.mint(),
            amount: 1_000,
            expires_at: NOON + 600,
            challenge_hash: challenge_hash(&format!("cu-{i}")),
            category: [0; 32],
        })
        .collect();
    let signed: Vec<_> = receipts.iter().map(|r| r.sign(&agent)).collect();
    let list: Vec<_> = receipts.iter().map(|r| r.challenge_hash).collect();
    let settle = settlement_ix::settle_batch(
        &payer.pubkey(),
        None,
        &f.wallet,
        &f.mint(),
        &f.bob.pubkey(),
        &list,
    );
    let batch = units(&mut f, &[ed25519_instruction(&signed), settle], &[]).await;
    let per_receipt = batch / BATCH as u64;

    let sbf =
        std::env::var_os("SBF_OUT_DIR").is_some() || std::env::var_os("BPF_OUT_DIR").is_some();
    let mode = if sbf {
        "SBF"
    } else {
        "native build: lower bounds"
    };
    println!("compute units ({mode})");
    println!("  policy transfer              {policy_transfer:>7}");
    println!("  settlement transfer          {transfer:>7}   budget {TRANSFER_BUDGET}");
    println!("  open_session                 {open:>7}");
    println!("  close_session (with voucher) {close:>7}   budget {CLOSE_SESSION_BUDGET}");
    println!("  settle_batch of {BATCH}            {batch:>7}   {per_receipt} per receipt, budget {SETTLE_PER_RECEIPT_BUDGET}");
    // Every measured instruction moved tokens through SPL Token, which always runs as SBF.
    assert!(transfer > 0 && close > 0 && batch > 0);
    if sbf {
        assert!(transfer <= TRANSFER_BUDGET, "transfer uses {transfer} CU");
        assert!(
            close <= CLOSE_SESSION_BUDGET,
            "close_session uses {close} CU"
        );
        assert!(
            per_receipt <= SETTLE_PER_RECEIPT_BUDGET,
            "settle_batch uses {per_receipt} CU per receipt"
        );
    }
}
