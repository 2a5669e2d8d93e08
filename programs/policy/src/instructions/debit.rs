//! `debit`: the Settlement Program pays out of a wallet under the policy.
//!
//! The Settlement Program proves it is the caller by signing with its authority PDA. It says how
//! the agent authorised the payment: by signing this transaction (checked here) or by an
//! Ed25519-signed receipt or session lock that the Settlement Program verified against
//! `wallet.agent` (see ADR 0003).

use crate::log::emit_event;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{SETTLEMENT_AUTHORITY, WALLET_SEED};
use crate::errors::PolicyProgramError;
use crate::events::PaymentExecuted;
use crate::state::{PaymentRequest, PayoutAccounts, Wallet};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebitAuthorization {
    /// The agent signed this transaction; its account must be a signer here.
    AgentSigner,
    /// The Settlement Program verified the agent's Ed25519 signature over a receipt.
    VerifiedReceipt,
}

/// One payment inside a debit.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct DebitItem {
    pub amount: u64,
    pub category: Option<String>,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DebitArgs {
    /// The payments this debit makes, each judged by the policy on its own (single-transfer cap,
    /// escalation) and in order against the daily cap; one token transfer moves their sum.
    pub items: Vec<DebitItem>,
    /// Who ends up with the money. For a direct payment it must own `destination`; for a
    /// session escrow it is the provider the escrow is bound to.
    pub counterparty: Pubkey,
    /// When set, must equal the wallet's next nonce.
    pub expected_nonce: Option<u64>,
    pub memo: Option<String>,
    pub authorization: DebitAuthorization,
    /// True when the destination is an escrow the Settlement Program holds for `counterparty`.
    pub to_escrow: bool,
}

#[derive(Accounts)]
pub struct Debit<'info> {
    #[account(address = SETTLEMENT_AUTHORITY @ PolicyProgramError::Unauthorized)]
    pub settlement_authority: Signer<'info>,
    /// The agent, when it signed the transaction.
    pub agent: Option<Signer<'info>>,
    /// The owner's co-signature, needed above the escalation threshold.
    pub owner_cosigner: Option<Signer<'info>>,
    #[account(
        mut,
        seeds = [WALLET_SEED, wallet.wallet_key.as_ref()],
        bump = wallet.bump,
        has_one = vault,
        has_one = mint,
    )]
    pub wallet: Box<Account<'info, Wallet>>,
    #[account(mut)]
    pub vault: Box<Account<'info, TokenAccount>>,
    pub mint: Account<'info, Mint>,
    #[account(mut, token::mint = mint)]
    pub destination: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub(crate) fn handle(ctx: Context<Debit>, args: DebitArgs) -> Result<()> {
    let accounts = ctx.accounts;
    let wallet = &mut accounts.wallet;
    if args.authorization == DebitAuthorization::AgentSigner {
        let agent = accounts
            .agent
            .as_ref()
            .ok_or(PolicyProgramError::Unauthorized)?;
        require_keys_eq!(agent.key(), wallet.agent, PolicyProgramError::Unauthorized);
    }
    if !args.to_escrow {
        require_keys_eq!(
            accounts.destination.owner,
            args.counterparty,
            PolicyProgramError::CounterpartyMismatch
        );
    }
    if let Some(expected) = args.expected_nonce {
        require_eq!(expected, wallet.nonce, PolicyProgramError::NonceMismatch);
    }
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
    require!(!args.items.is_empty(), PolicyProgramError::ZeroAmount);
    let now = Clock::get()?.unix_timestamp;
    let mut total: u64 = 0;
    for item in &args.items {
        wallet.admit(
            &PaymentRequest {
                amount: item.amount,
                counterparty: args.counterparty,
                category: item.category.as_deref(),
                memo: args.memo.as_deref(),
                owner_cosigned,
            },
            now,
        )?;
        total = total
            .checked_add(item.amount)
            .ok_or(PolicyProgramError::Overflow)?;
    }
    let nonce = wallet.take_nonce()?;
    wallet.pay_out(
        PayoutAccounts {
            wallet: &wallet.to_account_info(),
            vault: &accounts.vault,
            mint: &accounts.mint,
            destination: &accounts.destination.to_account_info(),
            token_program: &accounts.token_program,
        },
        total,
    )?;
    emit_event(&PaymentExecuted {
        wallet: wallet.key(),
        destination: accounts.destination.key(),
        counterparty: args.counterparty,
        amount: total,
        items: args.items.len() as u32,
        nonce,
        spent_today: wallet.spent_today,
        owner_cosigned,
        via_settlement: true,
        memo: args.memo,
        // One category describes the payout only when it is a single payment.
        category: match args.items.as_slice() {
            [single] => single.category.clone(),
            _ => None,
        },
    });
    Ok(())
}
