//! The Payment HTTP authentication scheme (MPP) as MPPPal speaks it.
//!
//! Challenges, credentials, receipts, HMAC-bound challenge ids and `Accept-Payment` come from
//! the ecosystem's `mpp` crate; this crate re-exports what MPPPal uses, adds the strict base64url
//! decoding the conformance vectors require (ADR 0005), and implements the conformance adapter
//! (`mpppal conformance-adapter`). Payment methods (`solana`) live elsewhere.

pub mod base64url;
pub mod conformance;
pub mod panic_guard;

pub use mpp::protocol::core::{
    compute_challenge_id, format_authorization, format_receipt, format_www_authenticate,
    parse_authorization, parse_receipt, parse_www_authenticate, parse_www_authenticate_all,
    Base64UrlJson, ChallengeEcho, PaymentChallenge, PaymentCredential, Receipt,
};
