//! A wallet on a fresh local chain, and helpers to read what happened.

use anchor_lang::AccountDeserialize;
use mpppal_localnet::LocalChain;
use mpppal_policy_program::{PolicyArgs, Wallet};
use mpppal_solana::{address, policy_ix, Pubkey};
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_program_test::BanksClientError;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

pub const USDC: u64 = 1_000_000;
/// Noon UTC on some day, so tests have half a day either side before the window rolls.
pub const NOON: i64 = 20_400 * 86_400 + 43_200;

pub struct Fixture {
    pub chain: LocalChain,
    pub owner: Keypair,
    pub agent: Keypair,
    pub wallet: Pubkey,
    pub vault: Pubkey,
    /// A recipient with a token account.
    pub bob: Keypair,
    pub bob_usdc: Pubkey,
}

/// A policy with round numbers: 5 USDC per payment, 20 a day, escalation above 1.
pub fn policy() -> PolicyArgs {
    PolicyArgs {
        max_single_transfer: 5 * USDC,
        max_daily_spend: 20 * USDC,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: Some(USDC),
        paused: false,
    }
}

/// A wallet holding `funding` base units under `policy`, with the clock at [`NOON`].
pub async fn fixture_with(policy: PolicyArgs, funding: u64) -> Fixture {
    let mut chain = LocalChain::start().await;
    chain.set_time(NOON).await;
    let owner = Keypair::new();
    let agent = Keypair::new();
    let wallet_key = Keypair::new().pubkey();
    chain.airdrop(&owner.pubkey(), 1_000_000_000).await.unwrap();
    let mint = chain.mint;
    chain
        .send(
            &[policy_ix::create_wallet(
                &owner.pubkey(),
                &wallet_key,
                &agent.pubkey(),
                &mint,
                policy,
            )],
            &[&owner],
        )
        .await
        .unwrap();
    let wallet = address::wallet(&wallet_key);
    let vault = chain.fund_usdc(&wallet, funding).await.unwrap();
    let bob = Keypair::new();
    let bob_usdc = chain.fund_usdc(&bob.pubkey(), 0).await.unwrap();
    Fixture {
        chain,
        owner,
        agent,
        wallet,
        vault,
        bob,
        bob_usdc,
    }
}

pub async fn fixture() -> Fixture {
    fixture_with(policy(), 100 * USDC).await
}

impl Fixture {
    pub async fn wallet_state(&mut self) -> Wallet {
        let account = self
            .chain
            .context
            .banks_client
            .get_account(self.wallet)
            .await
            .unwrap()
            .expect("wallet exists");
        Wallet::try_deserialize(&mut account.data.as_slice()).unwrap()
    }

    pub async fn balance(&mut self, token_account: &Pubkey) -> u64 {
        self.chain.token_balance(token_account).await.unwrap_or(0)
    }

    pub fn mint(&self) -> Pubkey {
        self.chain.mint
    }
}

/// The custom error code a failed transaction ended with.
pub fn error_code(result: Result<(), BanksClientError>) -> u32 {
    match result.expect_err("the transaction should fail").unwrap() {
        TransactionError::InstructionError(_, InstructionError::Custom(code)) => code,
        other => panic!("expected a program error, got {other:?}"),
    }
}

/// Anchor's code for a violated `token::authority` constraint.
pub const TOKEN_OWNER: u32 = 2015;

/// Policy Program codes (errors.rs).
pub mod policy_err {
    pub const PAUSED: u32 = 6000;
    pub const ZERO_AMOUNT: u32 = 6001;
    pub const OVER_SINGLE: u32 = 6002;
    pub const OVER_DAILY: u32 = 6003;
    pub const COUNTERPARTY: u32 = 6004;
    pub const CATEGORY: u32 = 6005;
    pub const MEMO_REQUIRED: u32 = 6006;
    pub const ESCALATION: u32 = 6008;
    pub const INVALID_POLICY: u32 = 6009;
    pub const NONCE: u32 = 6010;
    pub const UNAUTHORIZED: u32 = 6011;
    pub const INSUFFICIENT: u32 = 6013;
}

/// Settlement Program codes (errors.rs).
pub mod settle_err {
    pub const INVALID_EXPIRY: u32 = 7000;
    pub const SESSION_NOT_OPEN: u32 = 7002;
    pub const SESSION_EXPIRED: u32 = 7003;
    pub const VOUCHER_NOT_SIGNED: u32 = 7004;
    pub const EXCEEDS_DEPOSIT: u32 = 7005;
    pub const VOUCHER_EXPIRED: u32 = 7006;
    pub const CLOSE_WINDOW_PASSED: u32 = 7007;
    pub const STILL_CLAIMABLE: u32 = 7008;
    pub const RECORD_MISMATCH: u32 = 7010;
    pub const RECEIPT_NOT_EXPIRED: u32 = 7011;
    pub const BATCH_SIZE: u32 = 7012;
}
