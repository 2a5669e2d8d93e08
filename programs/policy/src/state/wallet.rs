//! The agent wallet PDA and the one path money takes out of it.

use crate::log::message;
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};
use mpppal_policy::{evaluate, Payment, SpendState, Verdict};

use crate::constants::WALLET_SEED;
use crate::errors::PolicyProgramError;
use crate::state::PolicyArgs;

/// One agent wallet. Seeds: `[WALLET_SEED, wallet_key]`.
#[account]
#[derive(Debug, InitSpace)]
pub struct Wallet {
    /// Stable identity the PDA is derived from; agent keys rotate, this does not.
    pub wallet_key: Pubkey,
    /// Operator key that sets the policy, pauses, rotates the agent, co-signs and withdraws.
    pub owner: Pubkey,
    /// Key that signs payments, receipts and session vouchers for this wallet.
    pub agent: Pubkey,
    /// The USDC mint the wallet holds.
    pub mint: Pubkey,
    /// The wallet PDA's associated token account for `mint`.
    pub vault: Pubkey,
    pub policy: PolicyArgs,
    /// Incremented on every policy change.
    pub policy_version: u32,
    /// UTC day index of `spent_today`.
    pub spend_day: i64,
    /// Base units paid or locked during `spend_day`.
    pub spent_today: u64,
    /// Number of payments made so far; a transfer names the nonce it expects, so a resubmitted
    /// copy of a payment that already landed fails instead of paying twice.
    pub nonce: u64,
    pub bump: u8,
}

/// A payment as the wallet is asked to make it.
pub struct PaymentRequest<'a> {
    pub amount: u64,
    pub counterparty: Pubkey,
    pub category: Option<&'a str>,
    pub memo: Option<&'a str>,
    pub owner_cosigned: bool,
}

/// The token accounts a payment moves money between.
pub struct PayoutAccounts<'a, 'info> {
    pub wallet: &'a AccountInfo<'info>,
    pub vault: &'a Account<'info, TokenAccount>,
    pub mint: &'a Account<'info, Mint>,
    pub destination: &'a AccountInfo<'info>,
    pub token_program: &'a Program<'info, Token>,
}

impl Wallet {
    pub fn spend(&self) -> SpendState {
        SpendState {
            day: self.spend_day,
            spent: self.spent_today,
        }
    }

    fn set_spend(&mut self, spend: SpendState) {
        self.spend_day = spend.day;
        self.spent_today = spend.spent;
    }

    /// Runs the shared policy on one payment and, when it allows, records the spend.
    pub fn admit(&mut self, request: &PaymentRequest<'_>, now: i64) -> Result<()> {
        let payment = Payment {
            amount: request.amount,
            counterparty: request.counterparty.to_bytes(),
            category: request.category,
            memo: request.memo,
            owner_cosigned: request.owner_cosigned,
        };
        match evaluate(&self.policy.to_policy(), &self.spend(), &payment, now) {
            Verdict::Allow => {}
            Verdict::Escalate(reason) => {
                message(&format!("payment escalated: {}", reason));
                return err!(PolicyProgramError::EscalationRequired);
            }
            Verdict::Deny(reason) => {
                message(&format!("payment denied: {} ({})", reason, reason.code()));
                return Err(error!(PolicyProgramError::from(reason)));
            }
        }
        let mut spend = self.spend();
        spend
            .record(request.amount, now)
            .map_err(|_| error!(PolicyProgramError::Overflow))?;
        self.set_spend(spend);
        Ok(())
    }

    /// Takes the next nonce: every payout instruction uses exactly one.
    pub fn take_nonce(&mut self) -> Result<u64> {
        let used = self.nonce;
        self.nonce = self
            .nonce
            .checked_add(1)
            .ok_or(PolicyProgramError::Overflow)?;
        Ok(used)
    }

    /// Gives back budget for escrow that came home the same day it was locked.
    pub fn refund(&mut self, amount: u64, locked_at: i64, now: i64) {
        let mut spend = self.spend();
        spend.refund(amount, locked_at, now);
        self.set_spend(spend);
    }

    /// Moves `amount` out of the vault with the wallet PDA as signer.
    pub fn pay_out(&self, accounts: PayoutAccounts<'_, '_>, amount: u64) -> Result<()> {
        require!(
            accounts.vault.amount >= amount,
            PolicyProgramError::InsufficientFunds
        );
        let bump = [self.bump];
        let seeds: &[&[u8]] = &[WALLET_SEED, self.wallet_key.as_ref(), &bump];
        token::transfer_checked(
            CpiContext::new_with_signer(
                accounts.token_program.key(),
                TransferChecked {
                    from: accounts.vault.to_account_info(),
                    mint: accounts.mint.to_account_info(),
                    to: accounts.destination.clone(),
                    authority: accounts.wallet.clone(),
                },
                &[seeds],
            ),
            amount,
            accounts.mint.decimals,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The account size is part of the program's interface (clients budget rent for it).
    #[test]
    fn wallet_account_size_is_stable() {
        assert_eq!(8 + Wallet::INIT_SPACE, 1032);
    }
}
