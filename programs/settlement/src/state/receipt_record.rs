//! Proof that a payment receipt was settled, so it can never be settled again.

use anchor_lang::prelude::*;

/// Seeds: `[RECEIPT_SEED, wallet, challenge_hash]`.
#[account]
#[derive(Debug, InitSpace)]
pub struct ReceiptRecord {
    pub wallet: Pubkey,
    pub recipient: Pubkey,
    pub amount: u64,
    /// After this the receipt cannot be settled, and the record may be closed.
    pub expires_at: i64,
    pub settled_at: i64,
    pub rent_payer: Pubkey,
}
