//! The agent's HTTP client: requests that meet a 402 are paid from an MPPPal wallet and retried.
//!
//! Before anything is signed the client picks a challenge it can pay, lets the application vet
//! it (price, recipient), checks the wallet's policy with the same rules the chain enforces and
//! the wallet's balance, and only then signs. A payment the policy refuses is never signed and
//! nothing reaches the chain. Receipts of paid responses go to a pluggable [`ReceiptReporter`].
//!
//! This first cut pays with MPPPal deferred receipts (offered by MPPPal paywalls); paying
//! standard MPP servers by transaction lands next.

mod choose;
mod error;
mod paying;
mod report;

pub use choose::{ChargeOffer, Vet};
pub use error::PayError;
pub use paying::{AgentWallet, PaidResponse, PayingClient};
pub use report::{MemoryReporter, PaidReceipt, ReceiptReporter};
