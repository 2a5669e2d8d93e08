//! An embedded Solana chain for development and tests.
//!
//! It runs Solana's own runtime (the bank behind `solana-program-test`) with the MPPPal Policy
//! and Settlement programs built natively, the real SPL Token and Associated Token programs, a
//! 6-decimal USDC-like mint and a faucet. Set `SBF_OUT_DIR` to run the programs' SBF builds
//! instead (a deploy job does; no SBF toolchain exists on our build machines).
//!
//! Not for production: one process, state kept in memory, time moved at will.

pub mod chain;
pub mod ledger;
pub mod programs;
pub mod rpc;

pub use chain::{explain_failure, LocalChain, LOCAL_MINT_SEED};
