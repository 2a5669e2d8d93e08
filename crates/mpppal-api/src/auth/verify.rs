//! The signature check in front of every `/v1` route: who is calling, and that this exact
//! request (method, path, query, body) was signed by them within the last five minutes and has
//! not been seen before.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::Mac;
use sqlx::types::Uuid;
use std::sync::Arc;

use super::keys::{self, Scope};
use super::{seal, signing};
use crate::problem::Problem;
use crate::ready::Dependencies;

/// How far a request's timestamp may be from the server's clock, either way.
pub const WINDOW_SECONDS: i64 = 300;
/// Largest request body the API reads.
pub const MAX_BODY: usize = 1 << 20;

/// The authenticated caller, in the request's extensions.
#[derive(Clone, Debug)]
pub struct Caller {
    pub operator_id: Uuid,
    pub key_id: String,
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// 403 unless this key has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(Problem::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("this key lacks the {scope:?} scope").to_lowercase(),
            ))
        }
    }
}

fn unauthorized(code: &'static str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, code, detail)
}

fn unavailable(code: &'static str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
}

pub async fn authenticate(
    State(deps): State<Arc<Dependencies>>,
    request: Request,
    next: Next,
) -> Response {
    match check(&deps, request).await {
        Ok(request) => {
            // Counted once the caller is known to be who it says, so nobody can spend another
            // key's allowance with requests that do not verify.
            let caller = request
                .extensions()
                .get::<Caller>()
                .map(|c| c.key_id.clone());
            if let Some(caller) = caller {
                if let Err(wait) = deps
                    .rate_limits
                    .per_key
                    .check(&caller, std::time::Instant::now())
                {
                    return crate::rate_limit::too_many("key", wait);
                }
            }
            next.run(request).await
        }
        Err(problem) => problem.into_response(),
    }
}

async fn check(deps: &Dependencies, request: Request) -> Result<Request, Problem> {
    let Some(master) = deps.master_key.as_ref() else {
        return Err(unavailable(
            "not_configured",
            "the server has no master key (MPPPAL_MASTER_KEY), so it cannot check API keys",
        ));
    };
    let (parts, body) = request.into_parts();
    let Some(header) = parts.headers.get(header::AUTHORIZATION) else {
        if let Some(token) = deps.cookies.session_token(&parts.headers) {
            return signed_in(deps, parts, body, &token).await;
        }
        return Err(unauthorized(
            "unauthenticated",
            "a signed Authorization header (or a signed-in session) is required",
        ));
    };
    let header = header
        .to_str()
        .map_err(|_| unauthorized("unauthenticated", "the Authorization header is not text"))?;
    let signed = signing::parse(header).map_err(|why| unauthorized("unauthenticated", why))?;
    let now = time_now();
    // `abs_diff`: a timestamp near i64's ends must not overflow the subtraction.
    if now.abs_diff(signed.timestamp) > WINDOW_SECONDS as u64 {
        return Err(unauthorized(
            "stale_timestamp",
            format!("the signature's timestamp is more than {WINDOW_SECONDS} s from the server's clock ({now})"),
        ));
    }
    let body = to_bytes(body, MAX_BODY).await.map_err(|_| {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("request bodies are limited to {MAX_BODY} bytes"),
        )
    })?;
    let stored = keys::find(&deps.db, &signed.key_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| unauthorized("unknown_key", "no such API key"))?;
    if stored.revoked_at.is_some() {
        return Err(unauthorized("revoked_key", "this API key was revoked"));
    }
    let Some(key) = seal::open(master, &stored.key_id, &stored.sealed_key) else {
        tracing::error!(key_id = %stored.key_id, "an API key does not open under the master key");
        return Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "key_unreadable",
            "this key cannot be checked with the server's master key",
        ));
    };
    let canonical = signing::canonical(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        signed.timestamp,
        &body,
    );
    signing::mac(&key, &canonical)
        .verify_slice(&signed.signature)
        .map_err(|_| {
            unauthorized(
                "bad_signature",
                "the signature does not match this request (method, path, query, timestamp, body)",
            )
        })?;
    // Only now, for a genuine request, is the signature remembered: for the whole window, so a
    // replay is caught for as long as its timestamp would pass.
    if !deps
        .remember_signature(&stored.key_id, &signed.signature, WINDOW_SECONDS * 2)
        .await
        .map_err(Problem::redis)?
    {
        return Err(unauthorized(
            "replayed",
            "this signed request was already received",
        ));
    }
    let mut request = Request::from_parts(parts, Body::from(body));
    request.extensions_mut().insert(Caller {
        operator_id: stored.operator_id,
        key_id: stored.key_id,
        scopes: stored.scopes,
    });
    Ok(request)
}

/// A request from a signed-in person's browser: their session stands in for a key, with the
/// read and write scopes. A change must carry `X-MPPPal-CSRF`, a header no other site's page can
/// make a browser send, so a cookie alone never changes anything.
async fn signed_in(
    deps: &Dependencies,
    parts: axum::http::request::Parts,
    body: Body,
    token: &str,
) -> Result<Request, Problem> {
    let session = crate::signin::lookup(deps, token)
        .await?
        .ok_or_else(|| unauthorized("unauthenticated", "the session has ended; sign in again"))?;
    let safe = matches!(parts.method.as_str(), "GET" | "HEAD");
    if !safe && !parts.headers.contains_key("x-mpppal-csrf") {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "csrf_header_required",
            "a change made with a session cookie must carry an X-MPPPal-CSRF header",
        ));
    }
    let body = to_bytes(body, MAX_BODY).await.map_err(|_| {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("request bodies are limited to {MAX_BODY} bytes"),
        )
    })?;
    let mut request = Request::from_parts(parts, Body::from(body));
    request.extensions_mut().insert(Caller {
        operator_id: session.operator_id,
        key_id: crate::signin::actor(&session.issuer, &session.subject),
        // A person may approve escalations too (never their own transfers: see `decide`).
        scopes: vec![Scope::Read, Scope::Write, Scope::Approve],
    });
    Ok(request)
}

fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
