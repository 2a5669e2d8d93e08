//! The provider paywall: routes behind MPP `solana` charges.
//!
//! Every unpaid request gets a 402 with a fresh, HMAC-bound challenge (`Cache-Control:
//! no-store`). A paid retry is checked against the challenge it echoes (binding, expiry, the
//! route's current price), the payment is verified, the credential is consumed once, and the
//! handler runs; only a successful response carries a `Payment-Receipt`. A handler failure
//! releases the payment, so nobody pays for an error.
//!
//! Payments accepted, as configured: MPPPal deferred receipts (`docs/receipts.md`), and the
//! standard `solana` charge payloads: a signed transaction the paywall co-signs as fee payer,
//! simulates, sends and confirms (pull), or the signature of one the client sent (push). Every
//! transfer leg is checked in simulation and again on the confirmed transaction, inner CPIs
//! included, so payments from MPPPal wallets (through the Policy Program) count like direct ones.

mod channels;
mod config;
mod gate;
mod problem;
mod session;
mod store;
mod verify;

pub use crate::chain::RpcChain;
pub use channels::{ChannelRecord, ChannelStore, MemoryChannels, Versioned};
pub use config::{PaywallConfig, ReceiptTerms, SessionTerms, VoucherCheck};
pub use gate::{PaymentLayer, PaymentService, Paywall};
pub use store::{MemoryStore, PaymentStore, ReserveError};
