//! Errors as RFC 9457 problem details, each with a stable `code` clients can branch on.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

pub mod codes;

/// A problem answer: status, stable code, human detail, and extra members.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub extra: Value,
}

impl Problem {
    /// The problem document, as sent.
    pub fn body(&self) -> Value {
        let mut body = json!({
            // No problem-type documentation to point at: RFC 9457's generic type, titled by the
            // status; `code` tells problems apart.
            "type": "about:blank",
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "code": self.code,
            "detail": self.detail,
        });
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), &self.extra) {
            body.extend(extra.clone());
        }
        body
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body().to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        debug_assert!(
            codes::statuses(code).is_some_and(|s| s.contains(&status.as_u16())),
            "problem code {code} with status {status} is not in problem/codes.rs"
        );
        Self {
            status,
            code,
            detail: detail.into(),
            extra: json!({}),
        }
    }

    /// 400: the request is well-formed JSON but its values are not acceptable.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", detail)
    }

    /// 400 `invalid_query`: a query parameter is not acceptable.
    pub fn invalid_query(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_query", detail)
    }

    /// 503: the database failed the request; the cause goes to the log, not to the caller.
    /// A value the database cannot store (SQLSTATE class 22: too long for its column, out of
    /// range, a NUL character) is the caller's mistake that a check before it missed: 400, and
    /// still nothing of the database's text.
    pub fn database(e: sqlx::Error) -> Self {
        let data_exception = e
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|code| code.starts_with("22"));
        if data_exception {
            tracing::warn!(error = %e, "the database refused a value of the request");
            return Self::invalid(
                "a value does not fit what it is stored in: too long, out of range, or holding a NUL character",
            );
        }
        tracing::error!(error = %e, "database error");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "database: the request could not be completed",
        )
    }

    /// 503: Redis failed the request; the cause goes to the log, not to the caller.
    pub fn redis(e: redis::RedisError) -> Self {
        tracing::error!(error = %e, "redis error");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "redis: the request could not be completed",
        )
    }

    /// 404: no such thing for this operator (another operator's things do not exist here).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }
}
