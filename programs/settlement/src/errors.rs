//! Errors of the Settlement Program. Append only: clients match on the codes.

use anchor_lang::prelude::*;

// Codes start at 7000 so a failure inside a Policy Program CPI (6000-range) is never
// mistaken for one of ours.
#[error_code(offset = 7000)]
pub enum SettlementError {
    /// 7000
    #[msg("expires_at must be in the future and at most 30 days away")]
    InvalidExpiry,
    /// 7001
    #[msg("The amount must be above zero")]
    ZeroAmount,
    /// 7002
    #[msg("The session is not open")]
    SessionNotOpen,
    /// 7003
    #[msg("The session has expired")]
    SessionExpired,
    /// 7004
    #[msg("No Ed25519 signature by the session signer over this voucher")]
    VoucherNotSigned,
    /// 7005
    #[msg("The voucher's cumulative amount exceeds the session deposit")]
    AmountExceedsDeposit,
    /// 7006
    #[msg("The voucher has expired")]
    VoucherExpired,
    /// 7007
    #[msg("The payee's close window has passed; the session can only be expired")]
    CloseWindowPassed,
    /// 7008
    #[msg("The payee may still close this session")]
    SessionStillClaimable,
    /// 7009. No longer raised: `settle_batch` reads its receipts from the verified signatures
    /// (ADR 0018); kept so that the codes after it stay the same.
    #[msg("No Ed25519 signature by the wallet's agent over this receipt")]
    ReceiptNotSigned,
    /// 7010
    #[msg("A receipt record account is missing or not at its derived address")]
    ReceiptRecordMismatch,
    /// 7011
    #[msg("The receipt has not expired yet")]
    ReceiptNotExpired,
    /// 7012
    #[msg("A batch holds 1 to 16 receipts")]
    BatchSize,
    /// 7013
    #[msg("Malformed Ed25519 program instruction")]
    MalformedEd25519Instruction,
    /// 7014
    #[msg("Arithmetic overflow")]
    Overflow,
}
