//! The provider paywall: routes behind MPP `solana` charges.
//!
//! Every unpaid request gets a 402 with a fresh, HMAC-bound challenge (`Cache-Control:
//! no-store`). A paid retry is checked against the challenge it echoes (binding, expiry, the
//! route's current price), the payment is verified, the credential is consumed once, and the
//! handler runs; only a successful response carries a `Payment-Receipt`. A handler failure
//! releases the payment, so nobody pays for an error.
//!
//! This first cut accepts MPPPal deferred receipts (`docs/receipts.md`); transaction (pull) and
//! signature (push) payments are refused with `method-unsupported` until they land.

mod config;
mod gate;
mod problem;
mod store;
mod verify;

pub use crate::chain::RpcChain;
pub use config::{PaywallConfig, ReceiptTerms};
pub use gate::{ChargeLayer, ChargeService, Paywall};
pub use store::{MemoryStore, PaymentStore, ReserveError};
