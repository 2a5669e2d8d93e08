//! Calls into the Policy Program, signed by this program's authority PDA.

use anchor_lang::prelude::*;
use mpppal_policy_program::cpi::accounts::{Debit, RecordRefund};
use mpppal_policy_program::DebitArgs;

use crate::constants::{SETTLEMENT_AUTHORITY_BUMP, SETTLEMENT_AUTHORITY_SEED};

const AUTHORITY_SEEDS: &[&[u8]] = &[SETTLEMENT_AUTHORITY_SEED, &[SETTLEMENT_AUTHORITY_BUMP]];

/// Accounts the Policy Program's `debit` needs, as this program holds them.
pub struct DebitAccounts<'info> {
    pub policy_program: AccountInfo<'info>,
    pub settlement_authority: AccountInfo<'info>,
    pub agent: Option<AccountInfo<'info>>,
    pub owner_cosigner: Option<AccountInfo<'info>>,
    pub wallet: AccountInfo<'info>,
    pub vault: AccountInfo<'info>,
    pub mint: AccountInfo<'info>,
    pub destination: AccountInfo<'info>,
    pub token_program: AccountInfo<'info>,
}

/// Pays out of the wallet through the policy.
pub fn debit(accounts: DebitAccounts<'_>, args: DebitArgs) -> Result<()> {
    let program = accounts.policy_program.key();
    // An absent optional account is passed as the program's own address, so the program's
    // account must travel with the others.
    let program_info = accounts.policy_program.clone();
    mpppal_policy_program::cpi::debit(
        CpiContext::new_with_signer(
            program,
            Debit {
                settlement_authority: accounts.settlement_authority,
                agent: accounts.agent,
                owner_cosigner: accounts.owner_cosigner,
                wallet: accounts.wallet,
                vault: accounts.vault,
                mint: accounts.mint,
                destination: accounts.destination,
                token_program: accounts.token_program,
            },
            &[AUTHORITY_SEEDS],
        )
        .with_remaining_accounts(vec![program_info]),
        args,
    )
}

/// Tells the policy that `amount` of escrow locked at `locked_at` came back unspent.
pub fn record_refund<'info>(
    policy_program: AccountInfo<'info>,
    settlement_authority: AccountInfo<'info>,
    wallet: AccountInfo<'info>,
    amount: u64,
    locked_at: i64,
) -> Result<()> {
    let program = policy_program.key();
    mpppal_policy_program::cpi::record_refund(
        CpiContext::new_with_signer(
            program,
            RecordRefund {
                settlement_authority,
                wallet,
            },
            &[AUTHORITY_SEEDS],
        ),
        amount,
        locked_at,
    )
}
