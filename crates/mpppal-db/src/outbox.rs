//! The transactional outbox: jobs for the settlement worker, written with the change that needs
//! them (ADR 0013).

use sqlx::types::Uuid;
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

/// A job as operators see it: its outbox row and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub outbox_id: i64,
    pub kind: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub dead_at: Option<String>,
}

/// How a failed try left the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Relayed again once its backoff has passed.
    Scheduled { attempts: i32 },
    /// The retry cap is reached: dead until an operator replays it.
    Dead { attempts: i32 },
    /// It was already done or dead (another copy of it finished first).
    Settled,
}

/// Marks a job done; false if it already was.
pub async fn finish(conn: &mut PgConnection, outbox_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE outbox SET done_at = now(), last_error = NULL
         WHERE outbox_id = $1 AND done_at IS NULL",
        outbox_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a job is finished (done or dead), so a second copy of it can be dropped.
pub async fn is_finished(conn: &mut PgConnection, outbox_id: i64) -> Result<bool, sqlx::Error> {
    let finished = sqlx::query_scalar!(
        r#"SELECT (done_at IS NOT NULL OR dead_at IS NOT NULL) AS "finished!"
           FROM outbox WHERE outbox_id = $1"#,
        outbox_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(finished.unwrap_or(true))
}

/// Records a failed try: relayed again after `backoff_secs`, or dead once `cap` tries failed.
pub async fn retry_later(
    conn: &mut PgConnection,
    outbox_id: i64,
    error: &str,
    backoff_secs: f64,
    cap: i32,
) -> Result<Retry, sqlx::Error> {
    let error: String = error.chars().take(1000).collect();
    let row = sqlx::query!(
        r#"UPDATE outbox
           SET attempts = attempts + 1, last_error = $2, enqueued_at = NULL,
               not_before = now() + make_interval(secs => $3),
               dead_at = CASE WHEN attempts + 1 >= $4 THEN now() END
           WHERE outbox_id = $1 AND done_at IS NULL AND dead_at IS NULL
           RETURNING attempts, (dead_at IS NOT NULL) AS "dead!""#,
        outbox_id,
        error,
        backoff_secs,
        cap
    )
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => Retry::Settled,
        Some(r) if r.dead => Retry::Dead {
            attempts: r.attempts,
        },
        Some(r) => Retry::Scheduled {
            attempts: r.attempts,
        },
    })
}

/// Gives one of the operator's dead jobs a fresh set of tries; false if it has no such dead
/// job.
pub async fn replay(
    conn: &mut PgConnection,
    operator_id: Uuid,
    outbox_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE outbox SET dead_at = NULL, attempts = 0, enqueued_at = NULL, not_before = now()
         WHERE outbox_id = $2 AND dead_at IS NOT NULL
           AND (EXISTS (SELECT 1 FROM accounts a
                        WHERE a.account_id = outbox.subject AND a.operator_id = $1)
                OR EXISTS (SELECT 1 FROM transfers t JOIN accounts a USING (account_id)
                           WHERE t.transfer_id = outbox.subject AND a.operator_id = $1)
                OR EXISTS (SELECT 1 FROM mpp_sessions s JOIN accounts a USING (account_id)
                           WHERE s.session_id = outbox.subject AND a.operator_id = $1))",
        operator_id,
        outbox_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sends again jobs relayed more than `lease_secs` ago and not finished: their stream entry was
/// lost (Redis flushed) or their worker died. Jobs are idempotent, so a live one sent twice does
/// no harm. How many it sent back.
pub async fn requeue_stale(conn: &mut PgConnection, lease_secs: f64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE outbox SET enqueued_at = NULL
         WHERE enqueued_at IS NOT NULL AND done_at IS NULL AND dead_at IS NULL
           AND enqueued_at < now() - make_interval(secs => $1)",
        lease_secs
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The operator's dead jobs (by what they are about), newest first, up to `limit`, optionally
/// only those before `before`.
pub async fn dead(
    conn: &mut PgConnection,
    operator_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Job>, sqlx::Error> {
    sqlx::query_as!(
        Job,
        r#"SELECT outbox_id, kind, subject, attempts, last_error,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  to_char(dead_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS dead_at
           FROM outbox
           WHERE dead_at IS NOT NULL AND ($2::bigint IS NULL OR outbox_id < $2)
             AND (EXISTS (SELECT 1 FROM accounts a
                          WHERE a.account_id = outbox.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM transfers t JOIN accounts a USING (account_id)
                             WHERE t.transfer_id = outbox.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM mpp_sessions s JOIN accounts a USING (account_id)
                             WHERE s.session_id = outbox.subject AND a.operator_id = $1))
           ORDER BY outbox_id DESC LIMIT $3"#,
        operator_id,
        before,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Jobs by state: waiting to be relayed (incl. backing off), in flight, dead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    pub waiting: i64,
    pub in_flight: i64,
    pub dead: i64,
}

pub async fn depth(conn: &mut PgConnection) -> Result<Depth, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT
             count(*) FILTER (WHERE enqueued_at IS NULL AND done_at IS NULL AND dead_at IS NULL) AS "waiting!",
             count(*) FILTER (WHERE enqueued_at IS NOT NULL AND done_at IS NULL AND dead_at IS NULL) AS "in_flight!",
             count(*) FILTER (WHERE dead_at IS NOT NULL) AS "dead!"
           FROM outbox WHERE done_at IS NULL"#
    )
    .fetch_one(conn)
    .await?;
    Ok(Depth {
        waiting: row.waiting,
        in_flight: row.in_flight,
        dead: row.dead,
    })
}

/// How many of the operator's jobs are dead (those [`dead`] lists).
pub async fn dead_count(conn: &mut PgConnection, operator_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM outbox
           WHERE dead_at IS NOT NULL
             AND (EXISTS (SELECT 1 FROM accounts a
                          WHERE a.account_id = outbox.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM transfers t JOIN accounts a USING (account_id)
                             WHERE t.transfer_id = outbox.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM mpp_sessions s JOIN accounts a USING (account_id)
                             WHERE s.session_id = outbox.subject AND a.operator_id = $1))"#,
        operator_id
    )
    .fetch_one(conn)
    .await
}
