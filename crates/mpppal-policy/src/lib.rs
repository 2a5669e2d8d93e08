//! Spending-policy rules for MPPPal agent wallets.
//!
//! One [`evaluate`] decides whether a payment may leave a wallet. The Policy Program runs it on
//! chain, the SDK runs it before signing, and the operator API runs it before reserving budget,
//! so every layer reaches the same verdict from the same code.
//!
//! This crate is `no_std` + `alloc` so the on-chain programs can link it. It holds no I/O, no
//! clock and no storage: callers pass the spend state and the current time in.
#![no_std]

extern crate alloc;

mod day;
mod payment;
mod policy;
mod spend;
mod verdict;

pub use day::{utc_day, SECONDS_PER_DAY};
pub use payment::{Payment, MAX_MEMO_LEN};
pub use policy::{Policy, PolicyError, MAX_CATEGORIES, MAX_CATEGORY_LEN, MAX_COUNTERPARTIES};
pub use spend::{SpendError, SpendState};
pub use verdict::{evaluate, DenyReason, EscalationReason, Verdict};
