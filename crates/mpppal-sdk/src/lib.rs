//! MPPPal for Rust applications.
//!
//! - [`client`]: the agent's HTTP client that pays 402s from an MPPPal wallet, within its policy.
//! - [`paywall`]: a tower layer that puts an axum route behind MPP `solana` charges.
//! - [`wallets`]: reading a wallet's on-chain state, which both sides check payments against.

pub mod chain;
pub mod client;
pub mod paywall;
pub mod wallets;
