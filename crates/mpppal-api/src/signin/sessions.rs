//! Browser sessions, however the person signed in (OpenID Connect or a one-time link): opening
//! one (recorded in the audit log), finding the live one behind a cookie, who is signed in, and
//! signing out. The database keeps only the SHA-256 of a session token.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::types::Uuid;
use sqlx::PgConnection;
use std::sync::Arc;

use super::cookies::SESSION_SECONDS;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// The issuer recorded for sessions opened with `mpppal operator login-link`.
pub const LINK_ISSUER: &str = "mpppal:login-link";

/// Who signed in: the identity a session is opened for.
pub struct Person<'a> {
    pub operator: Uuid,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub email: Option<&'a str>,
}

/// Opens a session for `person` in the caller's transaction, with its audit row; returns the
/// `Set-Cookie` value that hands its token to the browser.
pub async fn open(
    deps: &Dependencies,
    tx: &mut PgConnection,
    person: &Person<'_>,
) -> Result<String, Problem> {
    let mut token = [0u8; 32];
    getrandom::fill(&mut token).expect("the OS random source");
    let token = hex::encode(token);
    mpppal_db::members::open_session(
        tx,
        &Sha256::digest(token.as_bytes()).into(),
        person.operator,
        person.issuer,
        person.subject,
        person.email,
        SESSION_SECONDS,
    )
    .await
    .map_err(Problem::database)?;
    mpppal_db::audit::append(
        tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(person.operator),
            actor: &actor(person.issuer, person.subject),
            action: "operator.signed_in",
            subject: person.subject,
            details: json!({ "issuer": person.issuer, "email": person.email }),
        },
    )
    .await
    .map_err(Problem::database)?;
    Ok(deps.cookies.open_session(&token))
}

/// How a signed-in person appears as an actor (audit rows, `changedBy`): `oidc:<subject>`, or
/// `link:<subject>` for a session opened with a one-time link.
pub fn actor(issuer: &str, subject: &str) -> String {
    let prefix = if issuer == LINK_ISSUER {
        "link:"
    } else {
        "oidc:"
    };
    // The audit and policy tables keep actors to 64 characters; cut on a character boundary.
    let mut actor = String::from(prefix);
    for c in subject.chars() {
        if actor.len() + c.len_utf8() > 64 {
            break;
        }
        actor.push(c);
    }
    actor
}

/// The live session behind a token.
pub async fn lookup(
    deps: &Dependencies,
    token: &str,
) -> Result<Option<mpppal_db::members::Session>, Problem> {
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    mpppal_db::members::session(&mut conn, &Sha256::digest(token.as_bytes()).into())
        .await
        .map_err(Problem::database)
}

/// Who is signed in (named apart from the payment sessions of `/v1/sessions`).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignedInSession {
    operator_id: String,
    issuer: String,
    subject: String,
    email: Option<String>,
    expires_at: String,
}

/// Who is signed in (by the session cookie).
#[utoipa::path(get, path = "/auth/session", responses(
    (status = 200, body = SignedInSession),
    (status = 401, description = "unauthenticated: no live session", content_type = "application/problem+json")
))]
pub(crate) async fn session(
    State(deps): State<Arc<Dependencies>>,
    headers: HeaderMap,
) -> Result<Json<SignedInSession>, Problem> {
    let no_session = || {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "no live session; sign in at /auth/login",
        )
    };
    let token = deps
        .cookies
        .session_token(&headers)
        .ok_or_else(no_session)?;
    let s = lookup(&deps, &token).await?.ok_or_else(no_session)?;
    Ok(Json(SignedInSession {
        operator_id: s.operator_id.to_string(),
        issuer: s.issuer,
        subject: s.subject,
        email: s.email,
        expires_at: s.expires_at,
    }))
}

/// Ends the session and clears the cookie (`204` whether or not there was one).
#[utoipa::path(post, path = "/auth/logout", responses((status = 204)))]
pub(crate) async fn logout(
    State(deps): State<Arc<Dependencies>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(token) = deps.cookies.session_token(&headers) {
        let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
        mpppal_db::members::close_session(&mut conn, &Sha256::digest(token.as_bytes()).into())
            .await
            .map_err(Problem::database)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&deps.cookies.clear_session()).expect("a cookie is header text"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_multibyte_subject_is_cut_on_a_character_boundary() {
        let actor = super::actor("https://id.example", &"é".repeat(40));
        assert!(actor.len() <= 64, "{}", actor.len());
        assert!(actor.starts_with("oidc:é"));
        assert_eq!(super::actor(super::LINK_ISSUER, "root"), "link:root");
    }
}
