//! `update_policy`: the owner replaces the rules.

use crate::log::emit_event;
use anchor_lang::prelude::*;

use crate::errors::PolicyProgramError;
use crate::events::PolicyUpdated;
use crate::instructions::OwnerOnly;
use crate::state::PolicyArgs;

pub(crate) fn handle(ctx: Context<OwnerOnly>, policy: PolicyArgs) -> Result<()> {
    policy.validate()?;
    let wallet = &mut ctx.accounts.wallet;
    wallet.policy = policy;
    wallet.policy_version = wallet
        .policy_version
        .checked_add(1)
        .ok_or(PolicyProgramError::Overflow)?;
    emit_event(&PolicyUpdated {
        wallet: wallet.key(),
        version: wallet.policy_version,
    });
    Ok(())
}
