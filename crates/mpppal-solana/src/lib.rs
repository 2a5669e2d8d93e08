//! The off-chain side of MPPPal's Solana programs: where their accounts live, how to build
//! their instructions, and how agents sign the vouchers and receipts they verify.
//!
//! Stores nothing and serves nothing: callers (SDK, API, worker, localnet, tests) decide how
//! transactions are signed and sent. The MPP `solana` payment method grows on top of this.

pub mod address;
pub mod method;
pub mod policy_ix;
pub mod settlement_ix;
pub mod signed;
pub mod token_ix;

pub use anchor_lang::prelude::Pubkey;
pub use mpppal_policy_program::ID as POLICY_PROGRAM_ID;
pub use mpppal_settlement_program::ID as SETTLEMENT_PROGRAM_ID;

/// USDC and our test mint both use six decimals.
pub const USDC_DECIMALS: u8 = 6;
