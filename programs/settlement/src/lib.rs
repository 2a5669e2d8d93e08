//! MPPPal Settlement Program: moves USDC out of agent wallets for direct transfers, session
//! escrow and batches of agent-signed receipts.
//!
//! Every payout goes through the Policy Program's `debit`, signed by this program's authority
//! PDA, so the wallet's policy judges it. Signed messages (session vouchers, payment receipts)
//! are checked against Solana's Ed25519 program instruction in the same transaction; their
//! layouts are in [`messages`].
//!
//! Not here: policy rules or wallet state (the Policy Program) and anything host-only.
// Anchor's macros emit cfg names (custom-heap, anchor-debug, …) that rustc does not know.
#![allow(unexpected_cfgs)]
// Anchor's generated entrypoint and account (de)serialisation use unsafe code.
#![allow(unsafe_code)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod ed25519;
pub mod errors;
pub mod escrow;
pub mod events;
pub mod instructions;
pub mod messages;
pub mod pda_account;
pub mod policy_cpi;
pub mod state;

pub use instructions::*;
pub use state::*;

declare_id!("ECpwR9Daksw8p2YWj3jEsqbZ7HB59Rv9cnJEjZg89Tqh");

#[program]
pub mod settlement_program {
    use super::*;

    /// Pays `args.amount` from a wallet to a recipient's token account under the wallet's policy.
    /// Authority: the agent (the owner co-signs above the escalation threshold).
    /// Errors: every policy refusal, `NonceMismatch`.
    pub fn transfer(ctx: Context<SettleTransfer>, args: TransferArgs) -> Result<()> {
        instructions::transfer::handle(ctx, args)
    }

    /// Opens a payment channel: locks `args.deposit` from the wallet in a session escrow bound to
    /// one payee, under the wallet's policy. Authority: the agent; `payer` funds the accounts.
    /// Errors: `InvalidExpiry`, every policy refusal.
    pub fn open_session(ctx: Context<OpenSession>, args: OpenSessionArgs) -> Result<()> {
        instructions::session_open::handle(ctx, args)
    }

    /// Adds `args.amount` to an open session's escrow under the wallet's policy.
    /// Authority: the agent. Errors: `SessionNotOpen`, `SessionExpired`, policy refusals.
    pub fn top_up_session(ctx: Context<TopUpSession>, args: TopUpArgs) -> Result<()> {
        instructions::session_top_up::handle(ctx, args)
    }

    /// Closes a session: pays the payee the voucher's cumulative amount and returns the rest of
    /// the escrow to the wallet. Authority: the payee, with an Ed25519 voucher by the session's
    /// signer in the same transaction. Errors: `VoucherNotSigned`, `AmountExceedsDeposit`,
    /// `VoucherExpired`, `SessionNotOpen`, `CloseWindowPassed`.
    pub fn close_session<'info>(
        ctx: Context<'info, CloseSession<'info>>,
        args: CloseSessionArgs,
    ) -> Result<()> {
        instructions::session_close::handle(ctx, args)
    }

    /// Ends a session the payee did not close in time: pays the payee a voucher by the session's
    /// signer if one is presented (Ed25519 instruction in the same transaction) and returns the
    /// rest of the escrow, or all of it without one. Authority: anyone, after `expires_at` plus
    /// the close grace period. Errors: `SessionNotOpen`, `SessionStillClaimable`,
    /// `VoucherNotSigned`, `AmountExceedsDeposit`, `VoucherExpired`.
    pub fn expire_session<'info>(
        ctx: Context<'info, ExpireSession<'info>>,
        args: ExpireSessionArgs,
    ) -> Result<()> {
        instructions::session_expire::handle(ctx, args)
    }

    /// Settles agent-signed payment receipts from one wallet to one recipient in one token
    /// transfer: the receipts are read from the Ed25519 instruction(s) of the transaction (the
    /// agent's receipt messages for this wallet, recipient and mint). Each receipt is used once (a
    /// receipt record PDA); a receipt already settled or refused by the policy is skipped and
    /// reported in an event. Authority: anyone (the settler pays the records' rent). Errors:
    /// `BatchSize` (no such receipt, or more than 16), `ReceiptRecordMismatch`.
    pub fn settle_batch<'info>(ctx: Context<'info, SettleBatch<'info>>) -> Result<()> {
        instructions::batch_settle::handle(ctx)
    }

    /// Closes the record of an expired receipt and returns its rent; an expired receipt can no
    /// longer be settled, so the record is no longer needed for replay protection.
    /// Authority: anyone; the rent goes to whoever paid it. Errors: `ReceiptNotExpired`.
    pub fn reclaim_receipt(ctx: Context<ReclaimReceipt>) -> Result<()> {
        instructions::receipt_reclaim::handle(ctx)
    }
}
