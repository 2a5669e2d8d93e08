//! `Idempotency-Key` on mutating routes: the first request with a key does its work and saves its
//! response in the same transaction; a retry with the same key and the same request gets the
//! saved response (`Idempotent-Replayed: true`); the same key with another request is refused.
//!
//! Concurrent requests with one key queue on the key's row: the second waits until the first
//! commits, then replays it.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::types::Uuid;
use sqlx::{PgPool, Postgres, Transaction};

use crate::problem::Problem;

pub const HEADER: &str = "idempotency-key";

/// The request's `Idempotency-Key`, if it sent one; 400 if it is not 1 to 128 visible ASCII
/// characters.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_string()))
        }
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 128 visible ASCII characters",
        )),
    }
}

/// What a request is, for telling a retry from another request under the same key.
pub fn fingerprint(method: &str, path: &str, body: &serde_json::Value) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [method, path, &body.to_string()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// Where a request stands with its key.
pub enum Begun {
    /// First use: do the work in this transaction, then [`finish`].
    Fresh(Transaction<'static, Postgres>),
    /// Already done: this is the saved response.
    Replay(Response),
}

/// Claims `key` for this request inside a new transaction, or finds its earlier response.
pub async fn begin(
    db: &PgPool,
    operator: Uuid,
    key: &str,
    fingerprint: &[u8; 32],
) -> Result<Begun, Problem> {
    let mut tx = db.begin().await.map_err(Problem::database)?;
    // Waits for a concurrent holder of the same key to commit or roll back.
    let claimed = sqlx::query!(
        "INSERT INTO idempotency_keys (operator_id, idempotency_key, request_hash, response_status, response_body)
         VALUES ($1, $2, $3, 0, '') ON CONFLICT DO NOTHING",
        operator,
        key,
        fingerprint.as_slice()
    )
    .execute(&mut *tx)
    .await
    .map_err(Problem::database)?
    .rows_affected()
        == 1;
    if claimed {
        return Ok(Begun::Fresh(tx));
    }
    drop(tx);
    let saved = sqlx::query!(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys
         WHERE operator_id = $1 AND idempotency_key = $2",
        operator,
        key
    )
    .fetch_one(db)
    .await
    .map_err(Problem::database)?;
    let (hash, status, body) = (
        saved.request_hash,
        saved.response_status,
        saved.response_body,
    );
    if hash != fingerprint {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
        ));
    }
    let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if status.is_client_error() || status.is_server_error() {
        // A saved refusal (a payment the policy denied, say) is a problem, as it was first time.
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/problem+json"),
        );
    } else if status != StatusCode::NO_CONTENT {
        headers.insert("content-type", HeaderValue::from_static("application/json"));
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Begun::Replay(response))
}

/// Saves the response a retry will get (`saved`, which may leave out what must not be stored)
/// and commits it together with the work done in `tx`.
pub async fn finish(
    mut tx: Transaction<'static, Postgres>,
    operator: Uuid,
    key: &str,
    status: StatusCode,
    saved: &str,
) -> Result<(), Problem> {
    sqlx::query!(
        "UPDATE idempotency_keys SET response_status = $3, response_body = $4
         WHERE operator_id = $1 AND idempotency_key = $2",
        operator,
        key,
        status.as_u16() as i16,
        saved
    )
    .execute(&mut *tx)
    .await
    .map_err(Problem::database)?;
    tx.commit().await.map_err(Problem::database)
}
