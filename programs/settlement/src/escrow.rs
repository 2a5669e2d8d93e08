//! Ending a session: checking the voucher, paying out and closing the escrow, and the
//! `SessionClosed` event; shared by `close_session` and `expire_session`, which differ only in
//! when they may run and the status they leave.

use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Mint, Token, TokenAccount, TransferChecked};
use mpppal_policy_program::log::emit_event;

use crate::constants::SESSION_SEED;
use crate::ed25519::{is_signed, verified_messages};
use crate::errors::SettlementError;
use crate::events::SessionClosed;
use crate::messages::voucher_message;
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

/// Ends the session with the voucher for `cumulative` (0: none, nothing paid): checks it, pays it
/// to the payee, returns the rest to the wallet, leaves the session in `status` and emits
/// `SessionClosed`.
pub fn end(
    accounts: EscrowAccounts<'_, '_>,
    instructions: &AccountInfo<'_>,
    cumulative: u64,
    voucher_expires_at: i64,
    now: i64,
    status: SessionStatus,
) -> Result<()> {
    check_voucher(
        accounts.session,
        instructions,
        cumulative,
        voucher_expires_at,
        now,
    )?;
    let (session, wallet, payee) = (
        accounts.session.key(),
        accounts.session.wallet,
        accounts.session.payee,
    );
    let refunded = settle(accounts, cumulative, now, status)?;
    emit_event(&SessionClosed {
        session,
        wallet,
        payee,
        paid: cumulative,
        refunded,
        expired: status == SessionStatus::Expired,
    });
    Ok(())
}

/// Checks the voucher a close or an expiry presents for `cumulative`: within the deposit,
/// unexpired, and signed by the session's signer (never a key from the payload) in this
/// transaction's Ed25519 instruction. Zero pays nothing and needs no voucher.
fn check_voucher(
    session: &Account<'_, Session>,
    instructions: &AccountInfo<'_>,
    cumulative: u64,
    voucher_expires_at: i64,
    now: i64,
) -> Result<()> {
    require!(
        cumulative <= session.deposit,
        SettlementError::AmountExceedsDeposit
    );
    if cumulative > 0 {
        require!(
            voucher_expires_at == 0 || now <= voucher_expires_at,
            SettlementError::VoucherExpired
        );
        let message = voucher_message(&session.key(), cumulative, voucher_expires_at);
        require!(
            is_signed(&verified_messages(instructions)?, &session.signer, &message),
            SettlementError::VoucherNotSigned
        );
    }
    Ok(())
}

/// Pays `paid` to the payee, returns the rest to the wallet, closes the escrow account and
/// marks the session finished. Returns the refunded amount.
fn settle(
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
    // The day's budget counted the deposit, so what it gets back is the deposit not paid out.
    // Tokens sent straight to the escrow go back to the wallet with the rest, but were never
    // counted: crediting them would let a donation lift the daily cap.
    let unspent = accounts
        .session
        .deposit
        .checked_sub(paid)
        .ok_or(SettlementError::AmountExceedsDeposit)?;
    if unspent > 0 {
        policy_cpi::record_refund(
            accounts.policy_program.clone(),
            accounts.settlement_authority.clone(),
            accounts.wallet.clone(),
            unspent,
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
