//! `set_paused`: the owner stops or resumes every outgoing payment.

use crate::log::emit_event;
use anchor_lang::prelude::*;

use crate::errors::PolicyProgramError;
use crate::events::WalletPauseChanged;
use crate::instructions::OwnerOnly;

pub(crate) fn handle(ctx: Context<OwnerOnly>, paused: bool) -> Result<()> {
    let wallet = &mut ctx.accounts.wallet;
    // Pausing is part of the policy, so it moves the version the API mirrors.
    wallet.policy.paused = paused;
    wallet.policy_version = wallet
        .policy_version
        .checked_add(1)
        .ok_or(PolicyProgramError::Overflow)?;
    emit_event(&WalletPauseChanged {
        wallet: wallet.key(),
        paused,
    });
    Ok(())
}
