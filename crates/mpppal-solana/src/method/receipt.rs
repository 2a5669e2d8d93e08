//! Server-side checks of an MPPPal deferred receipt before serving on its strength.
//!
//! The provider serves before any money moves, so the receipt must be as good as money: signed
//! by the wallet's current agent key (read from chain, never from the payload), bound to this
//! challenge, recipient, mint and amount, unexpired but not too long-lived, allowed by the
//! wallet's policy now, and covered by the wallet's balance net of the receipts this provider
//! has already accepted and not yet settled. What can still go wrong between here and
//! settlement — the owner withdrawing or pausing, other spending using up the daily cap — is
//! the provider's risk, bounded by the receipt's lifetime (see docs/receipts.md).

use anchor_lang::prelude::Pubkey;
use ed25519_dalek::{Signature, VerifyingKey};
use mpppal_policy::{evaluate, Payment, Verdict};
use mpppal_policy_program::Wallet;

use super::charge::ValidCharge;
use super::payload::ReceiptPayload;
use super::MethodError;
use crate::signed::{category_field, challenge_hash, Receipt, SignReceipt};

/// What the paywall knows when a receipt arrives.
pub struct ReceiptContext<'a> {
    pub charge: &'a ValidCharge,
    pub challenge_id: &'a str,
    /// The wallet account as read from chain.
    pub wallet: &'a Wallet,
    /// The wallet vault's token balance as read from chain.
    pub vault_balance: u64,
    /// Receipts from this wallet the paywall accepted and that have not settled yet.
    pub pending: u64,
    /// Unix seconds now.
    pub now: i64,
    /// Latest expiry the paywall accepts (`now + maxTtlSeconds`).
    pub latest_expiry: i64,
}

/// A receipt that passed every check, ready to report and settle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptedReceipt {
    pub receipt: Receipt,
    pub signature: [u8; 64],
}

/// Checks `payload` as payment of the challenge in `ctx`.
pub fn check_receipt(
    payload: &ReceiptPayload,
    wallet_address: &Pubkey,
    ctx: &ReceiptContext<'_>,
) -> Result<AcceptedReceipt, MethodError> {
    let claimed = payload.wallet()?;
    if &claimed != wallet_address {
        return Err(MethodError::invalid(
            "wallet",
            "is not the wallet that was read",
        ));
    }
    let mint = ctx
        .charge
        .mint
        .ok_or_else(|| MethodError::invalid("currency", "receipts pay SPL tokens only"))?;
    if ctx.wallet.mint != mint {
        return Err(MethodError::invalid(
            "wallet",
            "holds another mint than the challenge asks",
        ));
    }
    if payload.expires_at <= ctx.now {
        return Err(MethodError::invalid("expiresAt", "already passed"));
    }
    if payload.expires_at > ctx.latest_expiry {
        return Err(MethodError::invalid(
            "expiresAt",
            "later than the paywall accepts",
        ));
    }
    let category = category_field(payload.category.as_deref())
        .ok_or_else(|| MethodError::invalid("category", "longer than 32 bytes"))?;
    let receipt = Receipt {
        wallet: claimed,
        recipient: ctx.charge.recipient,
        mint,
        amount: ctx.charge.amount,
        expires_at: payload.expires_at,
        challenge_hash: challenge_hash(ctx.challenge_id),
        category,
    };
    let signature = payload.signature()?;
    let key = VerifyingKey::from_bytes(&ctx.wallet.agent.to_bytes())
        .map_err(|_| MethodError::invalid("wallet", "agent key is not an Ed25519 point"))?;
    key.verify_strict(&receipt.message(), &Signature::from_bytes(&signature))
        .map_err(|_| MethodError::BadSignature)?;

    let payment = Payment {
        amount: receipt.amount,
        counterparty: receipt.recipient.to_bytes(),
        category: payload.category.as_deref(),
        memo: None,
        owner_cosigned: false,
    };
    let mut spend = ctx.wallet.spend();
    // Receipts accepted but not settled will count against the same day when they settle.
    spend
        .record(ctx.pending, ctx.now)
        .map_err(|_| MethodError::invalid("wallet", "pending amount overflows"))?;
    match evaluate(&ctx.wallet.policy.to_policy(), &spend, &payment, ctx.now) {
        Verdict::Allow => {}
        Verdict::Escalate(reason) => {
            return Err(MethodError::invalid(
                "policy",
                format!("escalation_required: {reason}"),
            ))
        }
        Verdict::Deny(reason) => {
            return Err(MethodError::invalid(
                "policy",
                format!("{}: {reason}", reason.code()),
            ))
        }
    }
    let needed = ctx
        .pending
        .checked_add(receipt.amount)
        .ok_or_else(|| MethodError::invalid("wallet", "pending amount overflows"))?;
    if ctx.vault_balance < needed {
        return Err(MethodError::invalid(
            "wallet",
            format!(
                "insufficient balance: {} base units held, {needed} needed with receipts pending",
                ctx.vault_balance
            ),
        ));
    }
    Ok(AcceptedReceipt { receipt, signature })
}

/// Signs the receipt a client pays `charge` with (the SDK's side of [`check_receipt`]).
pub fn sign_receipt(
    agent: &solana_keypair::Keypair,
    wallet: &Pubkey,
    charge: &ValidCharge,
    challenge_id: &str,
    expires_at: i64,
    category: Option<&str>,
) -> Result<ReceiptPayload, MethodError> {
    let mint = charge
        .mint
        .ok_or_else(|| MethodError::invalid("currency", "receipts pay SPL tokens only"))?;
    let receipt = Receipt {
        wallet: *wallet,
        recipient: charge.recipient,
        mint,
        amount: charge.amount,
        expires_at,
        challenge_hash: challenge_hash(challenge_id),
        category: category_field(category)
            .ok_or_else(|| MethodError::invalid("category", "longer than 32 bytes"))?,
    };
    let signed = receipt.sign(agent);
    Ok(ReceiptPayload {
        wallet: wallet.to_string(),
        expires_at,
        category: category.map(str::to_string),
        signature: solana_signature::Signature::from(signed.signature).to_string(),
    })
}
