//! Paying out and closing a session's escrow: shared by `close_session` and `expire_session`.

use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Mint, Token, TokenAccount, TransferChecked};

use crate::constants::SESSION_SEED;
use crate::errors::SettlementError;
use crate::policy_cpi;
use crate::state::{Session, SessionStatus};

/// The accounts that settling an escrow touches.
pub struct EscrowAccounts<'a, 'info> {
    pub session: &'a mut Account<'info, Session>,
    pub escrow: &'a Account<'info, TokenAccount>,
    pub mint: &'a Account<'info, Mint>,
    pub payee_token_account: &'a AccountInfo<'info>,
    pub vault: &'a AccountInfo<'info>,
    pub wallet: &'a AccountInfo<'info>,
    pub rent_payer: &'a AccountInfo<'info>,
    pub settlement_authority: &'a AccountInfo<'info>,
    pub policy_program: &'a AccountInfo<'info>,
    pub token_program: &'a Program<'info, Token>,
}

/// Pays `paid` to the payee, returns the rest to the wallet, closes the escrow account and
/// marks the session finished. Returns the refunded amount.
pub fn settle(
    accounts: EscrowAccounts<'_, '_>,
    paid: u64,
    now: i64,
    status: SessionStatus,
) -> Result<u64> {
    let balance = accounts.escrow.amount;
    let refund = balance
        .checked_sub(paid)
        .ok_or(SettlementError::AmountExceedsDeposit)?;
    let session = &accounts.session;
    let id = session.session_id.to_le_bytes();
    let bump = [session.bump];
    let seeds: &[&[u8]] = &[SESSION_SEED, session.wallet.as_ref(), &id, &bump];
    let signer = &[seeds];
    send(&accounts, accounts.payee_token_account, paid, signer)?;
    send(&accounts, accounts.vault, refund, signer)?;
    token::close_account(CpiContext::new_with_signer(
        accounts.token_program.key(),
        CloseAccount {
            account: accounts.escrow.to_account_info(),
            destination: accounts.rent_payer.clone(),
            authority: accounts.session.to_account_info(),
        },
        signer,
    ))?;
    if refund > 0 {
        policy_cpi::record_refund(
            accounts.policy_program.clone(),
            accounts.settlement_authority.clone(),
            accounts.wallet.clone(),
            refund,
            accounts.session.opened_at,
        )?;
    }
    let session = accounts.session;
    session.paid = paid;
    session.closed_at = now;
    session.status = status;
    Ok(refund)
}

/// Moves `amount` out of the escrow, signed by the session PDA.
fn send<'info>(
    accounts: &EscrowAccounts<'_, 'info>,
    to: &AccountInfo<'info>,
    amount: u64,
    signer: &[&[&[u8]]],
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    token::transfer_checked(
        CpiContext::new_with_signer(
            accounts.token_program.key(),
            TransferChecked {
                from: accounts.escrow.to_account_info(),
                mint: accounts.mint.to_account_info(),
                to: to.clone(),
                authority: accounts.session.to_account_info(),
            },
            signer,
        ),
        amount,
        accounts.mint.decimals,
    )
}
