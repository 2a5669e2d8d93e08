//! Accounts owned by the Settlement Program.

pub mod receipt_record;
pub mod session;

pub use receipt_record::*;
pub use session::*;
