//! The agent's HTTP client: requests that meet a 402 are paid from an MPPPal wallet and retried.
//!
//! Before anything is signed the client picks a challenge it can pay, lets the application vet
//! it (price, recipient), checks the wallet's policy with the same rules the chain enforces and
//! the wallet's balance, and only then signs. A payment the policy refuses is never signed and
//! nothing reaches the chain. Receipts of paid responses go to a pluggable [`ReceiptReporter`]:
//! [`ApiReporter`] sends deferred receipts to the MPPPal operator API for settlement.
//!
//! It pays with an MPPPal deferred receipt where the paywall offers one, and otherwise with a
//! Policy Program transfer whose fees the server sponsors (pull mode), which any MPP `solana`
//! server accepts. Where the server does neither, a client given a fee payer sends the Policy
//! Program transfer itself and presents its signature (push mode).
//!
//! [`PaymentMiddleware`] puts the same client into a `reqwest-middleware` chain.
//!
//! [`CustodialClient`] pays for a custodial account, whose key MPPPal holds: the operator API
//! signs its receipts.
//!
//! [`KeypairClient`] pays from a plain keypair instead: a direct `transferChecked`, pull where
//! the server sponsors fees and push otherwise.

mod api;
mod api_reporter;
mod choose;
mod custodial;
mod error;
mod keypair;
mod middleware;
mod paying;
mod push;
mod report;
mod sessions;
mod sign;
mod timeouts;

pub use api::ApiCredentials;
pub use api_reporter::{ApiReporter, Delivered};
pub use choose::{ChargeOffer, PayBy, Vet};
pub use custodial::CustodialClient;
pub use error::PayError;
pub use keypair::KeypairClient;
pub use middleware::{Payment, PaymentMiddleware};
pub use paying::{AgentWallet, PaidResponse, PayingClient, ACCEPT_PAYMENT};
pub use report::{DeferredReceipt, MemoryReporter, PaidReceipt, ReceiptReporter, SessionEvent};
pub use sessions::OpenSession;
pub use timeouts::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};
