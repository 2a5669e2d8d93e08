//! The one policy decision every layer shares.

use crate::payment::{Payment, MAX_MEMO_LEN};
use crate::policy::Policy;
use crate::spend::SpendState;
use core::fmt;

/// The outcome of evaluating a payment against a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The payment may go ahead.
    Allow,
    /// The payment may go ahead only with the owner's co-signature.
    Escalate(EscalationReason),
    /// The payment must not happen.
    Deny(DenyReason),
}

/// Why a payment needs the owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EscalationReason {
    /// The amount is above `escalation_threshold`.
    AboveThreshold {
        /// The policy's threshold in base units.
        threshold: u64,
    },
}

/// Why a payment is refused. Codes are stable: APIs and logs expose them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DenyReason {
    /// The wallet is paused.
    Paused,
    /// A payment of zero moves nothing and is refused as malformed.
    ZeroAmount,
    /// The amount is above `max_single_transfer`.
    OverSingleTransferLimit {
        /// The policy's cap in base units.
        limit: u64,
    },
    /// The payment would take the day's spend above `max_daily_spend`.
    OverDailyLimit {
        /// The policy's cap in base units.
        limit: u64,
        /// What is left today in base units.
        remaining: u64,
    },
    /// The recipient is not on the allow-list.
    CounterpartyNotAllowed,
    /// The category is missing or not on the policy's list.
    CategoryNotAllowed,
    /// The policy requires a memo and none was given.
    MemoRequired,
    /// The memo is longer than [`MAX_MEMO_LEN`] bytes.
    MemoTooLong,
}

impl DenyReason {
    /// Stable snake_case code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Paused => "wallet_paused",
            Self::ZeroAmount => "zero_amount",
            Self::OverSingleTransferLimit { .. } => "over_single_transfer_limit",
            Self::OverDailyLimit { .. } => "over_daily_limit",
            Self::CounterpartyNotAllowed => "counterparty_not_allowed",
            Self::CategoryNotAllowed => "category_not_allowed",
            Self::MemoRequired => "memo_required",
            Self::MemoTooLong => "memo_too_long",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Paused => f.write_str("the wallet is paused"),
            Self::ZeroAmount => f.write_str("the amount is zero"),
            Self::OverSingleTransferLimit { limit } => {
                write!(f, "the amount is above max_single_transfer ({limit} base units)")
            }
            Self::OverDailyLimit { limit, remaining } => write!(
                f,
                "the payment would exceed max_daily_spend ({limit} base units; {remaining} left today)"
            ),
            Self::CounterpartyNotAllowed => f.write_str("the recipient is not an allowed counterparty"),
            Self::CategoryNotAllowed => f.write_str("the category is missing or not allowed"),
            Self::MemoRequired => f.write_str("the policy requires a memo"),
            Self::MemoTooLong => f.write_str("the memo is longer than 200 bytes"),
        }
    }
}

impl fmt::Display for EscalationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AboveThreshold { threshold } => write!(
                f,
                "the amount is above escalation_threshold ({threshold} base units) and needs the owner's co-signature"
            ),
        }
    }
}

/// Decides whether `payment` may leave a wallet governed by `policy` whose spend so far is
/// `spend`, at Unix time `now` (the cluster clock on chain).
///
/// Hard limits come first and a co-signature does not lift them: the owner who wants more
/// changes the policy. Escalation is decided last, so an escalated payment is one the owner can
/// actually approve.
pub fn evaluate(policy: &Policy, spend: &SpendState, payment: &Payment<'_>, now: i64) -> Verdict {
    match hard_limit(policy, spend, payment, now) {
        Some(reason) => Verdict::Deny(reason),
        None => match policy.escalation_threshold {
            Some(threshold) if payment.amount > threshold && !payment.owner_cosigned => {
                Verdict::Escalate(EscalationReason::AboveThreshold { threshold })
            }
            _ => Verdict::Allow,
        },
    }
}

fn hard_limit(
    policy: &Policy,
    spend: &SpendState,
    payment: &Payment<'_>,
    now: i64,
) -> Option<DenyReason> {
    if policy.paused {
        return Some(DenyReason::Paused);
    }
    if payment.amount == 0 {
        return Some(DenyReason::ZeroAmount);
    }
    match payment.memo {
        Some(memo) if memo.len() > MAX_MEMO_LEN => return Some(DenyReason::MemoTooLong),
        Some(memo) if policy.require_memo && memo.trim().is_empty() => {
            return Some(DenyReason::MemoRequired)
        }
        None if policy.require_memo => return Some(DenyReason::MemoRequired),
        _ => {}
    }
    if !policy.allows_counterparty(&payment.counterparty) {
        return Some(DenyReason::CounterpartyNotAllowed);
    }
    if !policy.allows_category(payment.category) {
        return Some(DenyReason::CategoryNotAllowed);
    }
    if payment.amount > policy.max_single_transfer {
        return Some(DenyReason::OverSingleTransferLimit {
            limit: policy.max_single_transfer,
        });
    }
    let remaining = spend.remaining(policy.max_daily_spend, now);
    if payment.amount > remaining {
        return Some(DenyReason::OverDailyLimit {
            limit: policy.max_daily_spend,
            remaining,
        });
    }
    None
}
