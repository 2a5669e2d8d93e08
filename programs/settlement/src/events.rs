//! One event per state change, emitted after the change succeeded.

use anchor_lang::prelude::*;

#[event]
pub struct TransferSettled {
    pub wallet: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
    pub nonce: u64,
}

#[event]
pub struct SessionOpened {
    pub session: Pubkey,
    pub wallet: Pubkey,
    pub payee: Pubkey,
    pub signer: Pubkey,
    pub deposit: u64,
    pub expires_at: i64,
}

#[event]
pub struct SessionToppedUp {
    pub session: Pubkey,
    pub amount: u64,
    pub deposit: u64,
}

#[event]
pub struct SessionClosed {
    pub session: Pubkey,
    pub wallet: Pubkey,
    pub payee: Pubkey,
    /// Paid to the payee: the voucher's cumulative amount.
    pub paid: u64,
    /// Returned to the wallet.
    pub refunded: u64,
    /// True when closed by `expire_session` rather than by the payee.
    pub expired: bool,
}

#[event]
pub struct ReceiptSettled {
    pub wallet: Pubkey,
    pub recipient: Pubkey,
    pub challenge_hash: [u8; 32],
    pub amount: u64,
}

#[event]
pub struct ReceiptSkipped {
    pub wallet: Pubkey,
    pub challenge_hash: [u8; 32],
    /// `already_settled`, `expired`, or the policy's deny code (`over_daily_limit` …).
    pub reason: String,
}

#[event]
pub struct BatchSettled {
    pub wallet: Pubkey,
    pub recipient: Pubkey,
    pub settled: u32,
    pub skipped: u32,
    pub total: u64,
}

#[event]
pub struct ReceiptReclaimed {
    pub record: Pubkey,
    pub rent_payer: Pubkey,
}
