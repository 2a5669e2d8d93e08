//! Deferred receipts as a paywall checks them: everything that must make it refuse.

use mpppal_policy_program::{PolicyArgs, Wallet};
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::receipt::{check_receipt, sign_receipt, ReceiptContext};
use mpppal_solana::method::{MethodError, Network, ReceiptPayload};
use mpppal_solana::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;

const NOW: i64 = 1_800_000_000;
const USDC: u64 = 1_000_000;

struct Setup {
    agent: Keypair,
    wallet_address: Pubkey,
    wallet: Wallet,
    charge: ValidCharge,
}

fn setup() -> Setup {
    let agent = Keypair::new();
    let mint = Pubkey::new_unique();
    let wallet = Wallet {
        wallet_key: Pubkey::new_unique(),
        owner: Pubkey::new_unique(),
        agent: agent.pubkey(),
        mint,
        vault: Pubkey::new_unique(),
        policy: PolicyArgs {
            max_single_transfer: 5 * USDC,
            max_daily_spend: 10 * USDC,
            allowed_counterparties: vec![],
            categories: vec![],
            require_memo: false,
            escalation_threshold: Some(2 * USDC),
            paused: false,
        },
        policy_version: 1,
        spend_day: 0,
        spent_today: 0,
        nonce: 0,
        bump: 255,
    };
    let charge = ValidCharge {
        amount: 250_000,
        mint: Some(mint),
        recipient: Pubkey::new_unique(),
        fee_payer: None,
        splits: vec![],
        network: Network::Localnet,
    };
    Setup {
        agent,
        wallet_address: Pubkey::new_unique(),
        wallet,
        charge,
    }
}

fn context<'a>(s: &'a Setup, balance: u64, pending: u64) -> ReceiptContext<'a> {
    ReceiptContext {
        charge: &s.charge,
        challenge_id: "ch_1",
        wallet: &s.wallet,
        vault_balance: balance,
        pending,
        now: NOW,
        latest_expiry: NOW + 600,
    }
}

fn signed(s: &Setup, expires_at: i64) -> ReceiptPayload {
    sign_receipt(
        &s.agent,
        &s.wallet_address,
        &s.charge,
        "ch_1",
        expires_at,
        None,
    )
    .unwrap()
}

fn refusal(s: &Setup, payload: &ReceiptPayload, ctx: &ReceiptContext<'_>) -> String {
    check_receipt(payload, &s.wallet_address, ctx)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_receipt_by_the_agent_within_policy_and_balance_is_accepted() {
    let s = setup();
    let accepted = check_receipt(
        &signed(&s, NOW + 300),
        &s.wallet_address,
        &context(&s, USDC, 0),
    )
    .unwrap();
    assert_eq!(accepted.receipt.amount, 250_000);
    assert_eq!(accepted.receipt.recipient, s.charge.recipient);
}

#[test]
fn refuses_a_receipt_signed_by_any_other_key() {
    let s = setup();
    let mallory = Keypair::new();
    let forged = sign_receipt(
        &mallory,
        &s.wallet_address,
        &s.charge,
        "ch_1",
        NOW + 300,
        None,
    )
    .unwrap();
    assert_eq!(
        check_receipt(&forged, &s.wallet_address, &context(&s, USDC, 0)).unwrap_err(),
        MethodError::BadSignature
    );
}

#[test]
fn refuses_a_receipt_for_another_challenge_amount_or_recipient() {
    let s = setup();
    let for_other_challenge = sign_receipt(
        &s.agent,
        &s.wallet_address,
        &s.charge,
        "ch_2",
        NOW + 300,
        None,
    )
    .unwrap();
    assert_eq!(
        check_receipt(
            &for_other_challenge,
            &s.wallet_address,
            &context(&s, USDC, 0)
        )
        .unwrap_err(),
        MethodError::BadSignature
    );
    let mut cheaper = s.charge.clone();
    cheaper.amount = 1;
    let underpaid = sign_receipt(
        &s.agent,
        &s.wallet_address,
        &cheaper,
        "ch_1",
        NOW + 300,
        None,
    )
    .unwrap();
    assert_eq!(
        check_receipt(&underpaid, &s.wallet_address, &context(&s, USDC, 0)).unwrap_err(),
        MethodError::BadSignature
    );
}

#[test]
fn refuses_expired_and_too_long_lived_receipts() {
    let s = setup();
    let ctx = context(&s, USDC, 0);
    assert!(refusal(&s, &signed(&s, NOW), &ctx).contains("already passed"));
    assert!(refusal(&s, &signed(&s, NOW + 601), &ctx).contains("later than the paywall accepts"));
}

#[test]
fn refuses_beyond_balance_counting_pending_receipts() {
    let s = setup();
    assert!(
        refusal(&s, &signed(&s, NOW + 300), &context(&s, 200_000, 0))
            .contains("insufficient balance")
    );
    assert!(
        refusal(&s, &signed(&s, NOW + 300), &context(&s, USDC, 800_000))
            .contains("insufficient balance")
    );
}

#[test]
fn refuses_what_the_policy_refuses() {
    let mut s = setup();
    s.wallet.policy.paused = true;
    assert!(refusal(&s, &signed(&s, NOW + 300), &context(&s, USDC, 0)).contains("wallet_paused"));
    s.wallet.policy.paused = false;
    // Pending receipts count against today's cap too.
    assert!(refusal(
        &s,
        &signed(&s, NOW + 300),
        &context(&s, 100 * USDC, 9_900_000)
    )
    .contains("over_daily_limit"));
    s.charge.amount = 3 * USDC;
    assert!(
        refusal(&s, &signed(&s, NOW + 300), &context(&s, 100 * USDC, 0))
            .contains("escalation_required")
    );
}

#[test]
fn refuses_a_receipt_naming_another_wallet_or_mint() {
    let s = setup();
    let payload = signed(&s, NOW + 300);
    let other = Pubkey::new_unique();
    assert!(check_receipt(&payload, &other, &context(&s, USDC, 0)).is_err());
    let mut other_mint = setup();
    other_mint.wallet.mint = Pubkey::new_unique();
    let payload = signed(&other_mint, NOW + 300);
    assert!(
        refusal(&other_mint, &payload, &context(&other_mint, USDC, 0)).contains("another mint")
    );
}
