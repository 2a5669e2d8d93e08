//! The request signature lives in `mpppal-signing`, shared with the SDK's API client.

pub use mpppal_signing::*;
