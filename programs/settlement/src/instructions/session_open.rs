//! `open_session`: lock a deposit in escrow for one payee.

use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};
use mpppal_policy_program::log::emit_event;
use mpppal_policy_program::program::PolicyProgram;
use mpppal_policy_program::{DebitArgs, DebitAuthorization, DebitItem, Wallet};

use crate::constants::{ESCROW_SEED, MAX_SESSION_SECONDS, SESSION_SEED, SETTLEMENT_AUTHORITY};
use crate::errors::SettlementError;
use crate::events::SessionOpened;
use crate::policy_cpi::{self, DebitAccounts};
use crate::state::{Session, SessionStatus};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OpenSessionArgs {
    /// Chosen by the opener, unique per wallet; part of the session PDA's seeds.
    pub session_id: u64,
    pub deposit: u64,
    pub expires_at: i64,
    pub memo: Option<String>,
    pub category: Option<String>,
}

#[derive(Accounts)]
#[instruction(args: OpenSessionArgs)]
pub struct OpenSession<'info> {
    /// Pays the rent of the session and escrow accounts (the agent, the API or a provider).
    #[account(mut)]
    pub payer: Signer<'info>,
    pub agent: Signer<'info>,
    pub owner_cosigner: Option<Signer<'info>>,
    #[account(mut, has_one = mint)]
    pub wallet: Box<Account<'info, Wallet>>,
    /// CHECK: the Policy Program checks it is the wallet's vault.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    pub mint: Account<'info, Mint>,
    /// CHECK: any key may be paid; the payee token account below must belong to it.
    pub payee: UncheckedAccount<'info>,
    #[account(token::mint = mint, token::authority = payee)]
    pub payee_token_account: Box<Account<'info, TokenAccount>>,
    #[account(
        init,
        payer = payer,
        space = 8 + Session::INIT_SPACE,
        seeds = [SESSION_SEED, wallet.key().as_ref(), &args.session_id.to_le_bytes()],
        bump,
    )]
    pub session: Box<Account<'info, Session>>,
    #[account(
        init,
        payer = payer,
        seeds = [ESCROW_SEED, session.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = session,
    )]
    pub escrow: Box<Account<'info, TokenAccount>>,
    /// CHECK: this program's signing PDA, only passed on to the Policy Program.
    #[account(address = SETTLEMENT_AUTHORITY)]
    pub settlement_authority: UncheckedAccount<'info>,
    pub policy_program: Program<'info, PolicyProgram>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub(crate) fn handle(ctx: Context<OpenSession>, args: OpenSessionArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    require!(
        args.expires_at > now && args.expires_at - now <= MAX_SESSION_SECONDS,
        SettlementError::InvalidExpiry
    );
    require!(args.deposit > 0, SettlementError::ZeroAmount);
    let a = ctx.accounts;
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
                amount: args.deposit,
                category: args.category,
            }],
            counterparty: a.payee.key(),
            expected_nonce: None,
            memo: args.memo,
            authorization: DebitAuthorization::AgentSigner,
            to_escrow: true,
        },
    )?;
    a.session.set_inner(Session {
        wallet: a.wallet.key(),
        session_id: args.session_id,
        signer: a.agent.key(),
        payee: a.payee.key(),
        payee_token_account: a.payee_token_account.key(),
        mint: a.mint.key(),
        escrow: a.escrow.key(),
        rent_payer: a.payer.key(),
        deposit: args.deposit,
        paid: 0,
        opened_at: now,
        expires_at: args.expires_at,
        closed_at: 0,
        status: SessionStatus::Open,
        bump: ctx.bumps.session,
        escrow_bump: ctx.bumps.escrow,
    });
    emit_event(&SessionOpened {
        session: a.session.key(),
        wallet: a.wallet.key(),
        payee: a.payee.key(),
        signer: a.agent.key(),
        deposit: args.deposit,
        expires_at: args.expires_at,
    });
    Ok(())
}
