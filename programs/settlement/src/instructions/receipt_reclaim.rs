//! `reclaim_receipt`: close an expired receipt's record and return its rent.

use anchor_lang::prelude::*;
use mpppal_policy_program::log::emit_event;

use crate::errors::SettlementError;
use crate::events::ReceiptReclaimed;
use crate::state::ReceiptRecord;

#[derive(Accounts)]
pub struct ReclaimReceipt<'info> {
    #[account(mut, close = rent_payer, has_one = rent_payer)]
    pub record: Account<'info, ReceiptRecord>,
    /// CHECK: receives the rent; bound by `has_one` on the record.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
}

pub(crate) fn handle(ctx: Context<ReclaimReceipt>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    require!(
        now > ctx.accounts.record.expires_at,
        SettlementError::ReceiptNotExpired
    );
    emit_event(&ReceiptReclaimed {
        record: ctx.accounts.record.key(),
        rent_payer: ctx.accounts.rent_payer.key(),
    });
    Ok(())
}
