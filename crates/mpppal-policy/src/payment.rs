//! What a payment looks like to the policy.

/// Longest memo accepted, in bytes (the ledger stores memos as `varchar(200)`).
pub const MAX_MEMO_LEN: usize = 200;

/// One outgoing payment as the policy sees it. Amounts are USDC base units (6 decimals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payment<'a> {
    /// Base units leaving the wallet.
    pub amount: u64,
    /// The party that ends up with the money: the recipient wallet's owner key, or for a
    /// session escrow the provider the escrow pays.
    pub counterparty: [u8; 32],
    /// Spending category the payment claims, checked against the policy's list.
    pub category: Option<&'a str>,
    /// Free-text memo, required when the policy says so.
    pub memo: Option<&'a str>,
    /// True when the wallet owner co-signed, which satisfies the escalation threshold.
    pub owner_cosigned: bool,
}
