//! One file per instruction: its arguments, its accounts and its handler.

pub mod batch_settle;
pub mod receipt_reclaim;
pub mod session_close;
pub mod session_expire;
pub mod session_open;
pub mod session_top_up;
pub mod transfer;

pub use batch_settle::*;
pub use receipt_reclaim::*;
pub use session_close::*;
pub use session_expire::*;
pub use session_open::*;
pub use session_top_up::*;
pub use transfer::*;
