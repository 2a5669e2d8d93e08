//! `transfer`: a direct wallet-to-wallet payment, signed by the agent.

use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};
use mpppal_policy_program::log::emit_event;
use mpppal_policy_program::program::PolicyProgram;
use mpppal_policy_program::{DebitArgs, DebitAuthorization, DebitItem, Wallet};

use crate::constants::SETTLEMENT_AUTHORITY;
use crate::events::TransferSettled;
use crate::policy_cpi::{self, DebitAccounts};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct TransferArgs {
    pub amount: u64,
    /// The wallet nonce this payment expects, so a resubmitted copy cannot pay twice.
    pub nonce: u64,
    pub memo: Option<String>,
    pub category: Option<String>,
}

#[derive(Accounts)]
pub struct SettleTransfer<'info> {
    pub agent: Signer<'info>,
    pub owner_cosigner: Option<Signer<'info>>,
    #[account(mut)]
    pub wallet: Box<Account<'info, Wallet>>,
    /// CHECK: the Policy Program checks it is the wallet's vault.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    pub mint: Account<'info, Mint>,
    #[account(mut, token::mint = mint)]
    pub destination: Box<Account<'info, TokenAccount>>,
    /// CHECK: this program's signing PDA, only passed on to the Policy Program.
    #[account(address = SETTLEMENT_AUTHORITY)]
    pub settlement_authority: UncheckedAccount<'info>,
    pub policy_program: Program<'info, PolicyProgram>,
    pub token_program: Program<'info, Token>,
}

pub(crate) fn handle(ctx: Context<SettleTransfer>, args: TransferArgs) -> Result<()> {
    let a = ctx.accounts;
    let nonce = a.wallet.nonce;
    policy_cpi::debit(
        DebitAccounts {
            policy_program: a.policy_program.to_account_info(),
            settlement_authority: a.settlement_authority.to_account_info(),
            agent: Some(a.agent.to_account_info()),
            owner_cosigner: a.owner_cosigner.as_ref().map(|s| s.to_account_info()),
            wallet: a.wallet.to_account_info(),
            vault: a.vault.to_account_info(),
            mint: a.mint.to_account_info(),
            destination: a.destination.to_account_info(),
            token_program: a.token_program.to_account_info(),
        },
        DebitArgs {
            items: vec![DebitItem {
                amount: args.amount,
                category: args.category,
            }],
            counterparty: a.destination.owner,
            expected_nonce: Some(args.nonce),
            memo: args.memo,
            authorization: DebitAuthorization::AgentSigner,
            to_escrow: false,
        },
    )?;
    emit_event(&TransferSettled {
        wallet: a.wallet.key(),
        destination: a.destination.key(),
        amount: args.amount,
        nonce,
    });
    Ok(())
}
