//! `transfer`: the agent pays a recipient's token account under the policy.

use crate::log::emit_event;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::WALLET_SEED;
use crate::errors::PolicyProgramError;
use crate::events::PaymentExecuted;
use crate::state::{PaymentRequest, PayoutAccounts, Wallet};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct TransferArgs {
    pub amount: u64,
    /// The wallet's nonce this payment expects; a copy resubmitted after it landed fails.
    pub nonce: u64,
    pub memo: Option<String>,
    pub category: Option<String>,
}

#[derive(Accounts)]
pub struct Transfer<'info> {
    pub agent: Signer<'info>,
    /// The owner's co-signature, needed above the escalation threshold.
    pub owner_cosigner: Option<Signer<'info>>,
    #[account(
        mut,
        seeds = [WALLET_SEED, wallet.wallet_key.as_ref()],
        bump = wallet.bump,
        has_one = agent @ PolicyProgramError::Unauthorized,
        has_one = vault,
        has_one = mint,
    )]
    pub wallet: Box<Account<'info, Wallet>>,
    #[account(mut)]
    pub vault: Box<Account<'info, TokenAccount>>,
    pub mint: Account<'info, Mint>,
    /// The recipient's token account; its owner is the counterparty the policy checks.
    #[account(mut, token::mint = mint)]
    pub destination: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub(crate) fn handle(ctx: Context<Transfer>, args: TransferArgs) -> Result<()> {
    let accounts = ctx.accounts;
    let wallet = &mut accounts.wallet;
    require_eq!(args.nonce, wallet.nonce, PolicyProgramError::NonceMismatch);
    let owner_cosigned = match &accounts.owner_cosigner {
        Some(cosigner) => {
            require_keys_eq!(
                cosigner.key(),
                wallet.owner,
                PolicyProgramError::Unauthorized
            );
            true
        }
        None => false,
    };
    let counterparty = accounts.destination.owner;
    let request = PaymentRequest {
        amount: args.amount,
        counterparty,
        category: args.category.as_deref(),
        memo: args.memo.as_deref(),
        owner_cosigned,
    };
    let now = Clock::get()?.unix_timestamp;
    wallet.admit(&request, now)?;
    let nonce = wallet.take_nonce()?;
    wallet.pay_out(
        PayoutAccounts {
            wallet: &wallet.to_account_info(),
            vault: &accounts.vault,
            mint: &accounts.mint,
            destination: &accounts.destination.to_account_info(),
            token_program: &accounts.token_program,
        },
        args.amount,
    )?;
    emit_event(&PaymentExecuted {
        wallet: wallet.key(),
        destination: accounts.destination.key(),
        counterparty,
        amount: args.amount,
        items: 1,
        nonce,
        spent_today: wallet.spent_today,
        owner_cosigned,
        via_settlement: false,
        memo: args.memo,
        category: args.category,
    });
    Ok(())
}
