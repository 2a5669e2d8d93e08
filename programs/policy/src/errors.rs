//! Errors of the Policy Program. Append only: clients match on the codes.

use anchor_lang::prelude::*;
use mpppal_policy::{DenyReason, PolicyError};

#[error_code]
pub enum PolicyProgramError {
    /// 6000
    #[msg("The wallet is paused")]
    WalletPaused,
    /// 6001
    #[msg("The amount is zero")]
    ZeroAmount,
    /// 6002
    #[msg("The amount is above max_single_transfer")]
    OverSingleTransferLimit,
    /// 6003
    #[msg("The payment would exceed max_daily_spend")]
    OverDailyLimit,
    /// 6004
    #[msg("The recipient is not an allowed counterparty")]
    CounterpartyNotAllowed,
    /// 6005
    #[msg("The category is missing or not allowed")]
    CategoryNotAllowed,
    /// 6006
    #[msg("The policy requires a memo")]
    MemoRequired,
    /// 6007
    #[msg("The memo is longer than 200 bytes")]
    MemoTooLong,
    /// 6008
    #[msg("The amount is above escalation_threshold; the owner must co-sign")]
    EscalationRequired,
    /// 6009
    #[msg("The policy is not valid")]
    InvalidPolicy,
    /// 6010
    #[msg("The nonce does not match the wallet's next nonce")]
    NonceMismatch,
    /// 6011
    #[msg("The signer is not allowed to do this")]
    Unauthorized,
    /// 6012
    #[msg("The destination is not owned by the counterparty")]
    CounterpartyMismatch,
    /// 6013
    #[msg("The wallet holds less than the amount")]
    InsufficientFunds,
    /// 6014
    #[msg("Arithmetic overflow")]
    Overflow,
}

impl From<DenyReason> for PolicyProgramError {
    fn from(reason: DenyReason) -> Self {
        match reason {
            DenyReason::Paused => Self::WalletPaused,
            DenyReason::ZeroAmount => Self::ZeroAmount,
            DenyReason::OverSingleTransferLimit { .. } => Self::OverSingleTransferLimit,
            DenyReason::OverDailyLimit { .. } => Self::OverDailyLimit,
            DenyReason::CounterpartyNotAllowed => Self::CounterpartyNotAllowed,
            DenyReason::CategoryNotAllowed => Self::CategoryNotAllowed,
            DenyReason::MemoRequired => Self::MemoRequired,
            DenyReason::MemoTooLong => Self::MemoTooLong,
            // The enum is non-exhaustive; a reason added later still refuses the payment.
            _ => Self::InvalidPolicy,
        }
    }
}

impl From<PolicyError> for PolicyProgramError {
    fn from(_: PolicyError) -> Self {
        Self::InvalidPolicy
    }
}
