//! Accounts owned by the Policy Program.

pub mod policy;
pub mod wallet;

pub use policy::*;
pub use wallet::*;
