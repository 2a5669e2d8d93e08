//! Why a paid request did not go through.

/// Every way paying for a request can fail; nothing was paid unless the variant says so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayError {
    #[error("HTTP error: {0}")]
    Http(#[from] reqwest::Error),
    /// Another layer of a `reqwest-middleware` chain failed the request.
    #[error("middleware error: {0}")]
    Middleware(String),
    #[error("the request body cannot be replayed, so the request cannot be retried after paying")]
    NotReplayable,
    #[error("no payable challenge: {0}")]
    NoPayableChallenge(String),
    #[error("the application declined the charge: {0}")]
    Vetoed(String),
    #[error("the wallet's policy refuses this payment ({code}): {reason}")]
    PolicyDenied { code: String, reason: String },
    #[error("the payment needs the wallet owner's co-signature: {0}")]
    EscalationRequired(String),
    #[error("the wallet holds {balance} base units, {needed} needed")]
    InsufficientBalance { balance: u64, needed: u64 },
    #[error("cannot read the wallet: {0}")]
    Wallet(String),
    #[error("the server refused the payment ({status} {kind}): {detail}")]
    Refused {
        status: u16,
        kind: String,
        detail: String,
    },
    /// The payer's transaction was confirmed on chain (money moved) but the server refused it,
    /// or never answered (`status` 0, `kind` "no-answer").
    #[error(
        "paid by transaction {signature}, but the server refused it ({status} {kind}): {detail}"
    )]
    RefusedAfterPaying {
        signature: String,
        status: u16,
        kind: String,
        detail: String,
    },
    #[error("cannot build the payment: {0}")]
    Build(String),
    /// The MPPPal API did not sign for a custodial account (nothing was paid).
    #[error("MPPPal did not sign the payment ({status} {code}): {detail}")]
    Custody {
        status: u16,
        code: String,
        detail: String,
    },
}
