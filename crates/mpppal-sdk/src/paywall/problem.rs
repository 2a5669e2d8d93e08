//! 402 and 4xx answers: RFC 9457 problem details plus a fresh challenge where payment can retry.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use serde_json::json;

const PROBLEM_BASE: &str = "https://paymentauth.org/problems/";

/// Why a request is not served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    PaymentRequired,
    MalformedCredential(String),
    InvalidChallenge(String),
    PaymentExpired,
    VerificationFailed(String),
    PaymentInsufficient(String),
    MethodUnsupported(String),
    /// Paid in principle, refused by the payer's spending policy.
    PolicyDenied(String),
    /// Several Payment credentials in one request.
    AmbiguousCredential,
    /// Session problems (`…/problems/session/<kind>`).
    ChannelNotFound,
    ChannelFinalized,
    AmountExceedsDeposit(String),
    DeltaTooSmall(String),
    InvalidSignature(String),
    /// The paywall could not read or record what the payment needs (its store is down, or a
    /// channel kept changing under it); nothing was accepted.
    Unavailable(String),
}

impl Problem {
    fn parts(&self) -> (StatusCode, &'static str, &'static str, Option<&str>) {
        match self {
            Self::PaymentRequired => (
                StatusCode::PAYMENT_REQUIRED,
                "payment-required",
                "Payment required",
                None,
            ),
            Self::MalformedCredential(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "malformed-credential",
                "Malformed credential",
                Some(d),
            ),
            Self::InvalidChallenge(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "invalid-challenge",
                "Invalid challenge",
                Some(d),
            ),
            Self::PaymentExpired => (
                StatusCode::PAYMENT_REQUIRED,
                "payment-expired",
                "Payment expired",
                None,
            ),
            Self::VerificationFailed(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "verification-failed",
                "Verification failed",
                Some(d),
            ),
            Self::PaymentInsufficient(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "payment-insufficient",
                "Payment insufficient",
                Some(d),
            ),
            Self::MethodUnsupported(d) => (
                StatusCode::BAD_REQUEST,
                "method-unsupported",
                "Method unsupported",
                Some(d),
            ),
            Self::PolicyDenied(d) => (
                StatusCode::FORBIDDEN,
                "verification-failed",
                "Denied by the payer's spending policy",
                Some(d),
            ),
            Self::AmbiguousCredential => (
                StatusCode::BAD_REQUEST,
                "malformed-credential",
                "Several Payment credentials",
                None,
            ),
            Self::ChannelNotFound => (
                StatusCode::GONE,
                "session/channel-not-found",
                "Channel not found",
                None,
            ),
            Self::ChannelFinalized => (
                StatusCode::GONE,
                "session/channel-finalized",
                "Channel finalized",
                None,
            ),
            Self::AmountExceedsDeposit(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "session/amount-exceeds-deposit",
                "Amount exceeds deposit",
                Some(d),
            ),
            Self::DeltaTooSmall(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "session/delta-too-small",
                "Voucher increase too small",
                Some(d),
            ),
            Self::InvalidSignature(d) => (
                StatusCode::PAYMENT_REQUIRED,
                "session/invalid-signature",
                "Invalid voucher signature",
                Some(d),
            ),
            Self::Unavailable(d) => (
                StatusCode::SERVICE_UNAVAILABLE,
                // No payment problem type fits; RFC 9457's generic type, titled by the status.
                "about:blank",
                "Service Unavailable",
                Some(d),
            ),
        }
    }

    /// The response, with `challenge` (a `WWW-Authenticate` value) when the client may pay again.
    pub fn response(&self, challenge: Option<&str>) -> Response<Body> {
        let (status, kind, title, detail) = self.parts();
        let kind = if kind.contains(':') {
            kind.to_string()
        } else {
            format!("{PROBLEM_BASE}{kind}")
        };
        let mut body = json!({ "type": kind, "title": title, "status": status.as_u16() });
        if let Some(detail) = detail {
            body["detail"] = json!(detail);
        }
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}
