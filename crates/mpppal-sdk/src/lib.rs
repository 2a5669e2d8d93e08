//! MPPPal for Rust applications.
//!
//! [`paywall`]: a tower layer that puts an axum route behind MPP `solana` charges. The agent's
//! paying HTTP client joins it here as it lands.

pub mod paywall;
