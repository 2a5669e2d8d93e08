//! JSON request bodies whose every rejection is problem+json with a stable code.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// `Json<T>`, answering malformed JSON, wrong types and unknown fields with a 400 `invalid_body`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(request.headers()) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_body",
                "Expected request with `Content-Type: application/json`",
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text()))?;
        refuse_nul(&bytes)?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_problem(rejection)),
        }
    }
}

fn rejection_problem(rejection: JsonRejection) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid_body",
        rejection.body_text(),
    )
}

/// `application/json` or any `+json` type, as axum's own extractor accepts.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// PostgreSQL text cannot hold NUL, and no field of this API means one: a string escaping it
/// (`\u0000`) is refused here, before anything is read or written, rather than by the database.
fn refuse_nul(body: &[u8]) -> Result<(), Problem> {
    if has_nul_escape(body) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "strings must not contain NUL (\\u0000) characters",
        ));
    }
    Ok(())
}

/// Whether the JSON text escapes a NUL character: `\u0000` whose backslash is not itself
/// escaped (an odd run of backslashes before the `u`).
fn has_nul_escape(body: &[u8]) -> bool {
    const ESCAPE: &[u8] = b"u0000";
    body.windows(ESCAPE.len())
        .enumerate()
        .filter(|(_, w)| w.eq_ignore_ascii_case(ESCAPE))
        .any(|(at, _)| {
            let backslashes = body[..at].iter().rev().take_while(|b| **b == b'\\').count();
            backslashes % 2 == 1
        })
}

/// A JSON body that may be left out (no body at all means `T::default()`), with the same
/// problem answers as [`ApiJson`] when one is sent.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text()))?;
        if bytes.is_empty() {
            return Ok(Self(T::default()));
        }
        refuse_nul(&bytes)?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::has_nul_escape;

    #[test]
    fn a_nul_escape_is_found_and_an_escaped_backslash_is_not_one() {
        assert!(has_nul_escape(br#"{"memo":"a\u0000b"}"#));
        assert!(has_nul_escape(br#"{"memo":"\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"memo":"\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"memo":"u0000"}"#));
    }
}
