//! `rotate_agent`: the owner replaces the agent's signing key.

use crate::log::emit_event;
use anchor_lang::prelude::*;

use crate::events::AgentRotated;
use crate::instructions::OwnerOnly;

pub(crate) fn handle(ctx: Context<OwnerOnly>, new_agent: Pubkey) -> Result<()> {
    let wallet = &mut ctx.accounts.wallet;
    let old_agent = wallet.agent;
    wallet.agent = new_agent;
    emit_event(&AgentRotated {
        wallet: wallet.key(),
        old_agent,
        new_agent,
    });
    Ok(())
}
