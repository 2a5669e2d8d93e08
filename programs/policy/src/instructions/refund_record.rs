//! `record_refund`: the Settlement Program reports escrow that came back unspent.

use crate::log::emit_event;
use anchor_lang::prelude::*;

use crate::constants::{SETTLEMENT_AUTHORITY, WALLET_SEED};
use crate::errors::PolicyProgramError;
use crate::events::RefundRecorded;
use crate::state::Wallet;

#[derive(Accounts)]
pub struct RecordRefund<'info> {
    #[account(address = SETTLEMENT_AUTHORITY @ PolicyProgramError::Unauthorized)]
    pub settlement_authority: Signer<'info>,
    #[account(
        mut,
        seeds = [WALLET_SEED, wallet.wallet_key.as_ref()],
        bump = wallet.bump,
    )]
    pub wallet: Box<Account<'info, Wallet>>,
}

pub(crate) fn handle(ctx: Context<RecordRefund>, amount: u64, locked_at: i64) -> Result<()> {
    let wallet = &mut ctx.accounts.wallet;
    let now = Clock::get()?.unix_timestamp;
    wallet.refund(amount, locked_at, now);
    emit_event(&RefundRecorded {
        wallet: wallet.key(),
        amount,
        spent_today: wallet.spent_today,
    });
    Ok(())
}
