//! MPPPal Policy Program: the agent wallet and the spending policy that guards it.
//!
//! Each agent wallet is a PDA derived from the wallet's key; it owns the wallet's USDC token
//! account, stores its policy and daily spend, and counts a nonce that makes every outgoing
//! payment single-use. Money leaves a wallet only through [`policy_program::transfer`] (signed by
//! the agent) or [`policy_program::debit`] (called by the Settlement Program), and both run the
//! same `mpppal_policy::evaluate` that the SDK and the API run off chain.
//!
//! Not here: sessions, receipts and batch settlement (the Settlement Program), and anything that
//! needs the host (the crate builds for SBF with the `no-entrypoint` feature off).
// Anchor's macros emit cfg names (custom-heap, anchor-debug, …) that rustc does not know.
#![allow(unexpected_cfgs)]
// Anchor's generated entrypoint and account (de)serialisation use unsafe code.
#![allow(unsafe_code)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod log;
pub mod state;

pub use instructions::*;
pub use state::*;

declare_id!("DRY1D4akCQHJ8dTu4mWM4Nu5j8Ve566y4CkgwpZiAKWz");

#[program]
pub mod policy_program {
    use super::*;

    /// Creates the wallet PDA for `args.wallet_key`, its USDC token account and its policy.
    /// Authority: the owner (signs and pays rent). Errors: `InvalidPolicy`.
    pub fn create_wallet(ctx: Context<CreateWallet>, args: CreateWalletArgs) -> Result<()> {
        instructions::wallet_create::handle(ctx, args)
    }

    /// Replaces the wallet's policy; the spend already recorded today still counts.
    /// Authority: the owner. Errors: `InvalidPolicy`, `Unauthorized`.
    pub fn update_policy(ctx: Context<OwnerOnly>, policy: PolicyArgs) -> Result<()> {
        instructions::policy_update::handle(ctx, policy)
    }

    /// Pauses (`true`) or resumes (`false`) every outgoing payment.
    /// Authority: the owner. Errors: `Unauthorized`.
    pub fn set_paused(ctx: Context<OwnerOnly>, paused: bool) -> Result<()> {
        instructions::wallet_pause::handle(ctx, paused)
    }

    /// Replaces the agent key that may sign payments and receipts.
    /// Authority: the owner. Errors: `Unauthorized`.
    pub fn rotate_agent(ctx: Context<OwnerOnly>, new_agent: Pubkey) -> Result<()> {
        instructions::agent_rotate::handle(ctx, new_agent)
    }

    /// Pays `args.amount` from the wallet to `destination` under the policy.
    /// Authority: the agent; the owner co-signs above the escalation threshold.
    /// Errors: every policy refusal, `NonceMismatch`, `Unauthorized`.
    pub fn transfer(ctx: Context<Transfer>, args: TransferArgs) -> Result<()> {
        instructions::transfer::handle(ctx, args)
    }

    /// Pays out under the policy on behalf of the Settlement Program (session escrow, receipts,
    /// direct transfers). Authority: the Settlement Program's authority PDA, plus the agent's
    /// signature unless the settlement program verified an agent-signed receipt.
    pub fn debit(ctx: Context<Debit>, args: DebitArgs) -> Result<()> {
        instructions::debit::handle(ctx, args)
    }

    /// Gives back daily budget for session escrow that came back unspent the same UTC day.
    /// Authority: the Settlement Program's authority PDA.
    pub fn record_refund(ctx: Context<RecordRefund>, amount: u64, locked_at: i64) -> Result<()> {
        instructions::refund_record::handle(ctx, amount, locked_at)
    }

    /// Moves funds out of the wallet to any token account, paused or not, without policy.
    /// Authority: the owner. Errors: `Unauthorized`, `InsufficientFunds`.
    pub fn withdraw(ctx: Context<Withdraw>, amount: u64) -> Result<()> {
        instructions::withdraw::handle(ctx, amount)
    }
}
