//! One file per instruction: its arguments, its accounts and its handler.

pub mod agent_rotate;
pub mod debit;
pub mod owner_only;
pub mod policy_update;
pub mod refund_record;
pub mod transfer;
pub mod wallet_create;
pub mod wallet_pause;
pub mod withdraw;

pub use debit::*;
pub use owner_only::*;
pub use refund_record::*;
pub use transfer::*;
pub use wallet_create::*;
pub use withdraw::*;
