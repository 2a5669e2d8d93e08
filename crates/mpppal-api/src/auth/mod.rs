//! API keys: creation, sealing at rest, request signatures, and the check every `/v1` route
//! sits behind (ADR 0010).

pub mod keys;
pub use mpppal_vault::seal;
pub mod signing;
pub mod verify;

pub use keys::Scope;
pub use verify::Caller;
