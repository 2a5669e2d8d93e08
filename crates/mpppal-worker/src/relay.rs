//! The outbox relay: committed outbox rows into the job stream, oldest first (a row backing off
//! after a failed try waits for its `not_before`; finished and dead rows stay put). A row is marked
//! enqueued in the same transaction that read it, after the stream took it, so a crash between
//! the two sends it again (at least once); jobs carry their outbox id, and every job is
//! idempotent by it, so a second copy does no harm. `FOR UPDATE SKIP LOCKED` lets several relays
//! run at once without sending a row twice in the normal case.

use sqlx::PgPool;

use crate::queue::Queue;
use crate::WorkerError;

/// Relays up to `limit` waiting rows; how many it relayed.
pub async fn relay_once(db: &PgPool, queue: &mut Queue, limit: i64) -> Result<usize, WorkerError> {
    let mut tx = db.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT outbox_id, kind, subject, payload::text AS "payload!"
           FROM outbox
           WHERE enqueued_at IS NULL AND done_at IS NULL AND dead_at IS NULL
             AND not_before <= now()
           ORDER BY outbox_id LIMIT $1
           FOR UPDATE SKIP LOCKED"#,
        limit
    )
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    for row in &rows {
        queue
            .push(row.outbox_id, &row.kind, &row.subject, &row.payload)
            .await?;
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.outbox_id).collect();
    sqlx::query!(
        "UPDATE outbox SET enqueued_at = now() WHERE outbox_id = ANY($1)",
        &ids
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::debug!(relayed = ids.len(), "outbox rows relayed to the job stream");
    Ok(ids.len())
}
