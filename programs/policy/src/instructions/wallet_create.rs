//! `create_wallet`: the wallet PDA, its USDC token account and its first policy.

use crate::log::emit_event;
use anchor_lang::prelude::*;
use anchor_spl::associated_token::AssociatedToken;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::WALLET_SEED;
use crate::events::WalletCreated;
use crate::state::{PolicyArgs, Wallet};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateWalletArgs {
    /// Identity the wallet PDA is derived from.
    pub wallet_key: Pubkey,
    /// Key that will sign payments.
    pub agent: Pubkey,
    pub policy: PolicyArgs,
}

#[derive(Accounts)]
#[instruction(args: CreateWalletArgs)]
pub struct CreateWallet<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        init,
        payer = owner,
        space = 8 + Wallet::INIT_SPACE,
        seeds = [WALLET_SEED, args.wallet_key.as_ref()],
        bump,
    )]
    pub wallet: Box<Account<'info, Wallet>>,
    pub mint: Account<'info, Mint>,
    #[account(
        init,
        payer = owner,
        associated_token::mint = mint,
        associated_token::authority = wallet,
        associated_token::token_program = token_program,
    )]
    pub vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

pub(crate) fn handle(ctx: Context<CreateWallet>, args: CreateWalletArgs) -> Result<()> {
    args.policy.validate()?;
    let wallet = &mut ctx.accounts.wallet;
    wallet.set_inner(Wallet {
        wallet_key: args.wallet_key,
        owner: ctx.accounts.owner.key(),
        agent: args.agent,
        mint: ctx.accounts.mint.key(),
        vault: ctx.accounts.vault.key(),
        policy: args.policy,
        policy_version: 1,
        spend_day: 0,
        spent_today: 0,
        nonce: 0,
        bump: ctx.bumps.wallet,
    });
    emit_event(&WalletCreated {
        wallet: wallet.key(),
        wallet_key: args.wallet_key,
        owner: wallet.owner,
        agent: wallet.agent,
        vault: wallet.vault,
        mint: wallet.mint,
    });
    Ok(())
}
