//! `settle_batch`: settle agent-signed payment receipts from one wallet to one recipient.
//!
//! The receipts are the messages the wallet's agent signed in this transaction's Ed25519
//! instruction(s) that are receipts from this wallet to this recipient in this mint: their fields
//! are read from the verified bytes, not passed again as arguments (which would cost 80 bytes a
//! receipt of the transaction's 1,232).

use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};
use mpppal_policy::{evaluate, Payment, Verdict};
use mpppal_policy_program::log::emit_event;
use mpppal_policy_program::program::PolicyProgram;
use mpppal_policy_program::{DebitArgs, DebitAuthorization, DebitItem, Wallet};

use crate::constants::{RECEIPT_SEED, SETTLEMENT_AUTHORITY};
use crate::ed25519::verified_messages;
use crate::errors::SettlementError;
use crate::events::{BatchSettled, ReceiptSettled, ReceiptSkipped};
use crate::messages::{decode_category, parse_receipt, Receipt};
use crate::pda_account;
use crate::policy_cpi::{self, DebitAccounts};
use crate::state::ReceiptRecord;

/// Most receipts in one batch; more would not fit one transaction's accounts and signatures.
pub const MAX_BATCH: usize = 16;

/// Remaining accounts: one writable receipt record PDA per receipt, in the order the receipts
/// appear in the Ed25519 instruction(s).
#[derive(Accounts)]
pub struct SettleBatch<'info> {
    /// Submits the batch and pays the receipt records' rent (returned by `reclaim_receipt`).
    #[account(mut)]
    pub settler: Signer<'info>,
    /// The owner's co-signature lets receipts above the escalation threshold settle.
    pub owner_cosigner: Option<Signer<'info>>,
    #[account(mut, has_one = mint)]
    pub wallet: Box<Account<'info, Wallet>>,
    /// CHECK: the Policy Program checks it is the wallet's vault.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    pub mint: Account<'info, Mint>,
    /// CHECK: the recipient named in the receipts; the destination must belong to it.
    pub recipient: UncheckedAccount<'info>,
    #[account(mut, token::mint = mint, token::authority = recipient)]
    pub destination: Box<Account<'info, TokenAccount>>,
    /// CHECK: the instructions sysvar, by address.
    #[account(address = solana_instructions_sysvar::ID)]
    pub instructions: UncheckedAccount<'info>,
    /// CHECK: this program's signing PDA, only passed on to the Policy Program.
    #[account(address = SETTLEMENT_AUTHORITY)]
    pub settlement_authority: UncheckedAccount<'info>,
    pub policy_program: Program<'info, PolicyProgram>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub(crate) fn handle<'info>(ctx: Context<'info, SettleBatch<'info>>) -> Result<()> {
    let a = &ctx.accounts;
    let wallet_key = a.wallet.key();
    let recipient = a.recipient.key();
    let mint = a.mint.key();
    // Verified by the runtime's Ed25519 program: only the agent's receipts for this batch count.
    let receipts: Vec<Receipt> = verified_messages(&a.instructions.to_account_info())?
        .into_iter()
        .filter(|v| v.signer == a.wallet.agent)
        .filter_map(|v| parse_receipt(&v.message))
        .filter(|r| r.wallet == wallet_key && r.recipient == recipient && r.mint == mint)
        .collect();
    require!(
        (1..=MAX_BATCH).contains(&receipts.len()),
        SettlementError::BatchSize
    );
    require!(
        ctx.remaining_accounts.len() == receipts.len(),
        SettlementError::ReceiptRecordMismatch
    );
    let now = Clock::get()?.unix_timestamp;
    let owner_cosigned = a
        .owner_cosigner
        .as_ref()
        .is_some_and(|s| s.key() == a.wallet.owner);
    let policy = a.wallet.policy.to_policy();
    // A shadow of the wallet's spend lets us skip the receipts the policy would refuse: a
    // refusal inside the Policy Program's CPI would fail the whole batch.
    let mut spend = a.wallet.spend();
    let mut items = Vec::with_capacity(receipts.len());
    let mut skipped = 0u32;

    for (receipt, record) in receipts.iter().zip(ctx.remaining_accounts) {
        // Only the canonical bump: with a caller-chosen bump, one receipt would have several
        // valid record addresses and could be settled once per address.
        let (derived, canonical_bump) = Pubkey::find_program_address(
            &[RECEIPT_SEED, wallet_key.as_ref(), &receipt.challenge_hash],
            &crate::ID,
        );
        let bump = [canonical_bump];
        let seeds: &[&[u8]] = &[
            RECEIPT_SEED,
            wallet_key.as_ref(),
            &receipt.challenge_hash,
            &bump,
        ];
        require_keys_eq!(
            derived,
            record.key(),
            SettlementError::ReceiptRecordMismatch
        );

        let skip = if record.owner == &crate::ID {
            Some("already_settled")
        } else if receipt.expires_at < now {
            Some("expired")
        } else {
            match decode_category(&receipt.category) {
                Err(_) => Some("category_not_allowed"),
                Ok(category) => {
                    let payment = Payment {
                        amount: receipt.amount,
                        counterparty: recipient.to_bytes(),
                        category,
                        memo: None,
                        owner_cosigned,
                    };
                    match evaluate(&policy, &spend, &payment, now) {
                        Verdict::Allow => None,
                        Verdict::Escalate(_) => Some("escalation_required"),
                        Verdict::Deny(reason) => Some(reason.code()),
                    }
                }
            }
        };
        if let Some(reason) = skip {
            skipped += 1;
            emit_event(&ReceiptSkipped {
                wallet: wallet_key,
                challenge_hash: receipt.challenge_hash,
                reason: reason.to_string(),
            });
            continue;
        }
        spend
            .record(receipt.amount, now)
            .map_err(|_| SettlementError::Overflow)?;
        let category = decode_category(&receipt.category)
            .ok()
            .flatten()
            .map(str::to_string);
        items.push(DebitItem {
            amount: receipt.amount,
            category,
        });

        let space = 8 + ReceiptRecord::INIT_SPACE;
        pda_account::create(
            &a.settler.to_account_info(),
            record,
            &a.system_program.to_account_info(),
            space,
            seeds,
        )?;
        let data = ReceiptRecord {
            wallet: wallet_key,
            recipient,
            amount: receipt.amount,
            expires_at: receipt.expires_at,
            settled_at: now,
            rent_payer: a.settler.key(),
        };
        data.try_serialize(&mut &mut record.try_borrow_mut_data()?[..])?;
        emit_event(&ReceiptSettled {
            wallet: wallet_key,
            recipient,
            challenge_hash: receipt.challenge_hash,
            amount: receipt.amount,
        });
    }

    let settled = items.len() as u32;
    let total = items
        .iter()
        .try_fold(0u64, |sum, item| sum.checked_add(item.amount))
        .ok_or(SettlementError::Overflow)?;
    if !items.is_empty() {
        policy_cpi::debit(
            DebitAccounts {
                policy_program: a.policy_program.to_account_info(),
                settlement_authority: a.settlement_authority.to_account_info(),
                agent: None,
                owner_cosigner: a.owner_cosigner.as_ref().map(|s| s.to_account_info()),
                wallet: a.wallet.to_account_info(),
                vault: a.vault.to_account_info(),
                mint: a.mint.to_account_info(),
                destination: a.destination.to_account_info(),
                token_program: a.token_program.to_account_info(),
            },
            DebitArgs {
                items,
                counterparty: recipient,
                expected_nonce: None,
                memo: None,
                authorization: DebitAuthorization::VerifiedReceipt,
                to_escrow: false,
            },
        )?;
    }
    emit_event(&BatchSettled {
        wallet: wallet_key,
        recipient,
        settled,
        skipped,
        total,
    });
    Ok(())
}
