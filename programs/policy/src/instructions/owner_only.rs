//! Accounts of the owner's administrative instructions (policy, pause, agent rotation).

use anchor_lang::prelude::*;

use crate::constants::WALLET_SEED;
use crate::errors::PolicyProgramError;
use crate::state::Wallet;

#[derive(Accounts)]
pub struct OwnerOnly<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        seeds = [WALLET_SEED, wallet.wallet_key.as_ref()],
        bump = wallet.bump,
        has_one = owner @ PolicyProgramError::Unauthorized,
    )]
    pub wallet: Box<Account<'info, Wallet>>,
}
