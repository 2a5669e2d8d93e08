//! Why a `solana` method value is refused.

/// A malformed or inconsistent method value; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MethodError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("the voucher signature does not verify")]
    BadSignature,
}

impl MethodError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
