//! The transactional outbox: jobs for the settlement worker, written with the change that needs
//! them (ADR 0013).

use sqlx::PgConnection;

/// Queues a job of `kind` about `subject` (a transfer id, say), in the caller's transaction.
pub async fn push(
    conn: &mut PgConnection,
    kind: &str,
    subject: &str,
    payload: &serde_json::Value,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO outbox (kind, subject, payload) VALUES ($1, $2, $3::text::jsonb)
         RETURNING outbox_id",
        kind,
        subject,
        payload.to_string()
    )
    .fetch_one(conn)
    .await
}
