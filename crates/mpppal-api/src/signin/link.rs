//! One-time sign-in links, for a server with no identity provider (a fresh machine, the demo):
//! `mpppal operator login-link` records a link and prints `<public URL>/auth/link?token=…`; the
//! first browser to open it within [`LINK_SECONDS`] gets a session for that operator.
//!
//! The token is the link's id and an HMAC of it under a key derived from the master key, so
//! making a link takes the database *and* the master key (someone who administers the server),
//! and a copy of the `login_links` table signs nobody in.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use sqlx::types::Uuid;
use sqlx::PgConnection;
use std::sync::Arc;

use super::sessions::{self, Person, LINK_ISSUER};
use crate::problem::Problem;
use crate::ready::Dependencies;

/// How long a link may wait to be opened.
pub const LINK_SECONDS: i64 = 600;

fn mac(master: &[u8; 32], link_id: &str) -> Hmac<Sha256> {
    // A key of its own, so a link's MAC can never be mistaken for any other use of the master key.
    let mut derive = Hmac::<Sha256>::new_from_slice(master).expect("any key length");
    derive.update(b"mpppal login-link v1");
    let key = derive.finalize().into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(link_id.as_bytes());
    mac
}

/// Records a new link for `subject` of `operator` and returns its token.
pub async fn create(
    conn: &mut PgConnection,
    master: &[u8; 32],
    operator: Uuid,
    subject: &str,
) -> Result<String, sqlx::Error> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).expect("the OS random source");
    let link_id = hex::encode(id);
    mpppal_db::login_links::create(conn, &link_id, operator, subject, LINK_SECONDS).await?;
    let tag = hex::encode(mac(master, &link_id).finalize().into_bytes());
    Ok(format!("{link_id}.{tag}"))
}

#[derive(Deserialize)]
pub(crate) struct LinkQuery {
    token: Option<String>,
}

fn refused() -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid_link",
        "this sign-in link is unknown, used or expired; ask for a new one (mpppal operator login-link)",
    )
}

/// Opens a session from a one-time link: `303` to `/` with the session cookie.
#[utoipa::path(get, path = "/auth/link", params(("token" = String, Query, description = "the token `mpppal operator login-link` printed")),
    responses((status = 303, description = "signed in: the session cookie is set"),
              (status = 400, description = "invalid_link: unknown, used or expired", content_type = "application/problem+json")))]
pub(crate) async fn sign_in(
    State(deps): State<Arc<Dependencies>>,
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
) -> Response {
    let opened = open(&deps, query).await;
    super::for_browser(&deps, &headers, opened)
}

async fn open(deps: &Arc<Dependencies>, query: LinkQuery) -> Result<Response, Problem> {
    let Some(master) = deps.master_key.as_ref() else {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            "the server has no master key (MPPPAL_MASTER_KEY), so it cannot check sign-in links",
        ));
    };
    let token = query.token.ok_or_else(refused)?;
    let (link_id, tag) = token.split_once('.').ok_or_else(refused)?;
    let tag = hex::decode(tag).map_err(|_| refused())?;
    mac(master, link_id)
        .verify_slice(&tag)
        .map_err(|_| refused())?;
    let mut tx = deps.db.begin().await.map_err(Problem::database)?;
    let (operator, subject) = mpppal_db::login_links::consume(&mut tx, link_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(refused)?;
    let person = Person {
        operator,
        issuer: LINK_ISSUER,
        subject: &subject,
        email: None,
    };
    let cookie = sessions::open(deps, &mut tx, &person).await?;
    tx.commit().await.map_err(Problem::database)?;
    tracing::info!(%operator, %subject, "signed in with a one-time link");
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_string()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response())
}
