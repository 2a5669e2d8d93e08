//! Integration tests of the Policy and Settlement programs on Solana's runtime: one module per
//! instruction group, each with its success path and every error path. Every test that moves
//! money asserts the token balances, so a CPI that silently did nothing cannot pass.

mod support;

mod batch_settle;
mod compute_units;
mod policy_admin;
mod policy_transfer;
mod receipt_flow;
mod session;
mod settlement_transfer;
