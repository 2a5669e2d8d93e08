//! `top_up_session`: add to an open session's deposit.

use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token};
use mpppal_policy_program::log::emit_event;
use mpppal_policy_program::program::PolicyProgram;
use mpppal_policy_program::{DebitArgs, DebitAuthorization, DebitItem, Wallet};

use crate::constants::SETTLEMENT_AUTHORITY;
use crate::errors::SettlementError;
use crate::events::SessionToppedUp;
use crate::policy_cpi::{self, DebitAccounts};
use crate::state::{Session, SessionStatus};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct TopUpArgs {
    pub amount: u64,
    pub memo: Option<String>,
    pub category: Option<String>,
}

#[derive(Accounts)]
pub struct TopUpSession<'info> {
    pub agent: Signer<'info>,
    pub owner_cosigner: Option<Signer<'info>>,
    #[account(mut)]
    pub wallet: Box<Account<'info, Wallet>>,
    /// CHECK: the Policy Program checks it is the wallet's vault.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    pub mint: Account<'info, Mint>,
    #[account(mut, has_one = wallet, has_one = escrow, has_one = mint)]
    pub session: Box<Account<'info, Session>>,
    /// CHECK: the session's escrow (`has_one`); the token program checks the transfer.
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,
    /// CHECK: this program's signing PDA, only passed on to the Policy Program.
    #[account(address = SETTLEMENT_AUTHORITY)]
    pub settlement_authority: UncheckedAccount<'info>,
    pub policy_program: Program<'info, PolicyProgram>,
    pub token_program: Program<'info, Token>,
}

pub(crate) fn handle(ctx: Context<TopUpSession>, args: TopUpArgs) -> Result<()> {
    let amount = args.amount;
    let a = ctx.accounts;
    require!(
        a.session.status == SessionStatus::Open,
        SettlementError::SessionNotOpen
    );
    let now = Clock::get()?.unix_timestamp;
    require!(now < a.session.expires_at, SettlementError::SessionExpired);
    require!(amount > 0, SettlementError::ZeroAmount);
    policy_cpi::debit(
        DebitAccounts {
            policy_program: a.policy_program.to_account_info(),
            settlement_authority: a.settlement_authority.to_account_info(),
            agent: Some(a.agent.to_account_info()),
            owner_cosigner: a.owner_cosigner.as_ref().map(|s| s.to_account_info()),
            wallet: a.wallet.to_account_info(),
            vault: a.vault.to_account_info(),
            mint: a.mint.to_account_info(),
            destination: a.escrow.to_account_info(),
            token_program: a.token_program.to_account_info(),
        },
        DebitArgs {
            items: vec![DebitItem {
                amount,
                category: args.category,
            }],
            counterparty: a.session.payee,
            expected_nonce: None,
            memo: args.memo,
            authorization: DebitAuthorization::AgentSigner,
            to_escrow: true,
        },
    )?;
    let session = &mut a.session;
    session.deposit = session
        .deposit
        .checked_add(amount)
        .ok_or(SettlementError::Overflow)?;
    emit_event(&SessionToppedUp {
        session: session.key(),
        amount,
        deposit: session.deposit,
    });
    Ok(())
}
