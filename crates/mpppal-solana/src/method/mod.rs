//! Wire types of the MPP `solana` payment method (charge and session intents), with the checks
//! a server or client must make before trusting them. Built against the `solana` charge and
//! session drafts; MPPPal's deferred receipt is an extension a paywall advertises explicitly.

pub mod charge;
pub mod error;
pub mod legs;
pub mod network;
pub mod payload;
pub mod receipt;
pub mod session;
pub mod voucher;

pub use charge::{ChargeRequest, MethodDetails, ReceiptOffer, Split};
pub use error::MethodError;
pub use network::Network;
pub use payload::{ChargePayload, ReceiptPayload};
pub use voucher::{SignedVoucher, VerifiedVoucher, VoucherClaim, VoucherData};
