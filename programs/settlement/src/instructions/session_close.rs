//! `close_session`: the payee settles the last voucher; the rest goes back to the wallet.

use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};
use mpppal_policy_program::program::PolicyProgram;
use mpppal_policy_program::Wallet;

use crate::constants::{CLOSE_GRACE_SECONDS, SETTLEMENT_AUTHORITY};
use crate::errors::SettlementError;
use crate::escrow::{self, EscrowAccounts};
use crate::state::{Session, SessionStatus};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CloseSessionArgs {
    /// The voucher's cumulative amount; zero closes without paying (no voucher needed).
    pub cumulative: u64,
    /// The voucher's `expiresAt` (0 = none), part of the signed message.
    pub voucher_expires_at: i64,
}

#[derive(Accounts)]
pub struct CloseSession<'info> {
    pub payee: Signer<'info>,
    #[account(
        mut,
        has_one = payee,
        has_one = wallet,
        has_one = escrow,
        has_one = mint,
        has_one = payee_token_account,
        has_one = rent_payer,
    )]
    pub session: Box<Account<'info, Session>>,
    /// CHECK: the session's escrow (`has_one`); read once the session is known to be open,
    /// because a finished session's escrow no longer exists.
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,
    #[account(mut)]
    pub payee_token_account: Box<Account<'info, TokenAccount>>,
    #[account(mut, has_one = vault)]
    pub wallet: Box<Account<'info, Wallet>>,
    /// CHECK: the wallet's vault (`has_one` above).
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    pub mint: Account<'info, Mint>,
    /// CHECK: receives the escrow account's rent; bound by `has_one` on the session.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// CHECK: the instructions sysvar, by address.
    #[account(address = solana_instructions_sysvar::ID)]
    pub instructions: UncheckedAccount<'info>,
    /// CHECK: this program's signing PDA, only passed on to the Policy Program.
    #[account(address = SETTLEMENT_AUTHORITY)]
    pub settlement_authority: UncheckedAccount<'info>,
    pub policy_program: Program<'info, PolicyProgram>,
    pub token_program: Program<'info, Token>,
}

pub(crate) fn handle<'info>(
    ctx: Context<'info, CloseSession<'info>>,
    args: CloseSessionArgs,
) -> Result<()> {
    let a = ctx.accounts;
    let now = Clock::get()?.unix_timestamp;
    require!(
        a.session.status == SessionStatus::Open,
        SettlementError::SessionNotOpen
    );
    require!(
        now <= a.session.expires_at.saturating_add(CLOSE_GRACE_SECONDS),
        SettlementError::CloseWindowPassed
    );
    let escrow_account = Account::<TokenAccount>::try_from(a.escrow.as_ref())?;
    escrow::end(
        EscrowAccounts {
            session: &mut a.session,
            escrow: &escrow_account,
            mint: &a.mint,
            payee_token_account: &a.payee_token_account.to_account_info(),
            vault: &a.vault.to_account_info(),
            wallet: &a.wallet.to_account_info(),
            rent_payer: &a.rent_payer.to_account_info(),
            settlement_authority: &a.settlement_authority.to_account_info(),
            policy_program: &a.policy_program.to_account_info(),
            token_program: &a.token_program,
        },
        &a.instructions.to_account_info(),
        args.cumulative,
        args.voucher_expires_at,
        now,
        SessionStatus::Closed,
    )
}
