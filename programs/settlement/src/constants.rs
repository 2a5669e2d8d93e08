//! Seeds and time limits.

pub use mpppal_policy_program::constants::{
    SETTLEMENT_AUTHORITY, SETTLEMENT_AUTHORITY_BUMP, SETTLEMENT_AUTHORITY_SEED,
};

/// `[SESSION_SEED, wallet, session_id (u64 LE)]`
pub const SESSION_SEED: &[u8] = b"session";
/// `[ESCROW_SEED, session]`
pub const ESCROW_SEED: &[u8] = b"escrow";
/// `[RECEIPT_SEED, wallet, challenge_hash]`
pub const RECEIPT_SEED: &[u8] = b"receipt";

/// After `expires_at` the payee still has this long to close with its best voucher before the
/// payer may take the whole escrow back.
pub const CLOSE_GRACE_SECONDS: i64 = 3_600;
/// Longest a session may stay open, so escrow is never locked indefinitely.
pub const MAX_SESSION_SECONDS: i64 = 30 * 86_400;
