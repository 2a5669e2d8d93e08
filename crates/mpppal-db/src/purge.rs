//! Rows that outlive their use: saved idempotent responses past their retention, ended sign-in
//! sessions and spent or expired sign-in links. `mpppal serve` deletes them in small batches,
//! so a backlog never holds long locks.

use sqlx::PgPool;

/// How long a saved response answers a retry; an older key's retry is refused, not replayed,
/// where the change it made can be found (a transfer under that key), and treated as new
/// elsewhere.
pub const IDEMPOTENCY_RETENTION_DAYS: i32 = 7;

/// Rows deleted by one batch.
const BATCH: i64 = 5_000;

/// What one purge deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub idempotency_keys: u64,
    pub sessions: u64,
    pub login_links: u64,
}

/// One batch of each; call again while it deletes anything.
pub async fn expired(pool: &PgPool) -> Result<Purged, sqlx::Error> {
    let idempotency_keys = sqlx::query!(
        "DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
             SELECT ctid FROM idempotency_keys
              WHERE created_at < now() - make_interval(days => $1) LIMIT $2))",
        IDEMPOTENCY_RETENTION_DAYS,
        BATCH
    )
    .execute(pool)
    .await?
    .rows_affected();
    let sessions = sqlx::query!(
        "DELETE FROM operator_sessions WHERE ctid = ANY (ARRAY(
             SELECT ctid FROM operator_sessions WHERE expires_at < now() LIMIT $1))",
        BATCH
    )
    .execute(pool)
    .await?
    .rows_affected();
    // Kept a day past expiry, so an attempt to reuse one is still told it was used.
    let login_links = sqlx::query!(
        "DELETE FROM login_links WHERE ctid = ANY (ARRAY(
             SELECT ctid FROM login_links WHERE expires_at < now() - interval '1 day' LIMIT $1))",
        BATCH
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(Purged {
        idempotency_keys,
        sessions,
        login_links,
    })
}
