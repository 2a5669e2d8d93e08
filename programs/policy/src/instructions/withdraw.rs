//! `withdraw`: the owner takes funds out, outside the agent's policy.

use crate::log::emit_event;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::WALLET_SEED;
use crate::errors::PolicyProgramError;
use crate::events::Withdrawn;
use crate::state::{PayoutAccounts, Wallet};

#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub owner: Signer<'info>,
    #[account(
        seeds = [WALLET_SEED, wallet.wallet_key.as_ref()],
        bump = wallet.bump,
        has_one = owner @ PolicyProgramError::Unauthorized,
        has_one = vault,
        has_one = mint,
    )]
    pub wallet: Box<Account<'info, Wallet>>,
    #[account(mut)]
    pub vault: Box<Account<'info, TokenAccount>>,
    pub mint: Account<'info, Mint>,
    #[account(mut, token::mint = mint)]
    pub destination: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub(crate) fn handle(ctx: Context<Withdraw>, amount: u64) -> Result<()> {
    let accounts = ctx.accounts;
    require!(amount > 0, PolicyProgramError::ZeroAmount);
    accounts.wallet.pay_out(
        PayoutAccounts {
            wallet: &accounts.wallet.to_account_info(),
            vault: &accounts.vault,
            mint: &accounts.mint,
            destination: &accounts.destination.to_account_info(),
            token_program: &accounts.token_program,
        },
        amount,
    )?;
    emit_event(&Withdrawn {
        wallet: accounts.wallet.key(),
        destination: accounts.destination.key(),
        amount,
    });
    Ok(())
}
