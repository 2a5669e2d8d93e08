//! Escalations: transfers above the escalation threshold, waiting for an operator's decision
//! until they expire.

use sqlx::types::Uuid;
use sqlx::PgConnection;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Escalation {
    pub escalation_id: String,
    pub transfer_id: String,
    pub account_id: String,
    pub amount: i64,
    pub threshold: i64,
    pub status: String,
    pub expires_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
    /// `created_at` in microseconds since the epoch: the list cursor's first half.
    pub created_micros: i64,
}

pub async fn insert(
    conn: &mut PgConnection,
    escalation_id: &str,
    transfer_id: &str,
    account_id: &str,
    amount: i64,
    threshold: i64,
    ttl_seconds: i64,
) -> Result<Escalation, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO escalations (escalation_id, transfer_id, account_id, amount, threshold, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + $6::bigint * INTERVAL '1 second')",
        escalation_id,
        transfer_id,
        account_id,
        amount,
        threshold,
        ttl_seconds
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_as!(
        Escalation,
        r#"SELECT e.escalation_id, e.transfer_id, e.account_id, e.amount, e.threshold,
                  e.status::text AS "status!",
                  to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "expires_at!",
                  e.decided_by,
                  to_char(e.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS decided_at,
                  e.note,
                  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM e.created_at) * 1000000)::bigint AS "created_micros!" FROM escalations e WHERE e.escalation_id = $1"#,
        escalation_id
    )
    .fetch_one(conn)
    .await
}

/// The operator's escalation; `lock` takes it for a decision.
pub async fn find(
    conn: &mut PgConnection,
    operator_id: Uuid,
    escalation_id: &str,
    lock: bool,
) -> Result<Option<Escalation>, sqlx::Error> {
    if lock {
        let held = sqlx::query_scalar!(
            r#"SELECT 1 AS "one!" FROM escalations e JOIN accounts a USING (account_id)
               WHERE a.operator_id = $1 AND e.escalation_id = $2 FOR UPDATE OF e"#,
            operator_id,
            escalation_id
        )
        .fetch_optional(&mut *conn)
        .await?;
        if held.is_none() {
            return Ok(None);
        }
    }
    sqlx::query_as!(
        Escalation,
        r#"SELECT e.escalation_id, e.transfer_id, e.account_id, e.amount, e.threshold,
                  e.status::text AS "status!",
                  to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "expires_at!",
                  e.decided_by,
                  to_char(e.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS decided_at,
                  e.note,
                  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM e.created_at) * 1000000)::bigint AS "created_micros!" FROM escalations e JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1 AND e.escalation_id = $2"#,
        operator_id,
        escalation_id
    )
    .fetch_optional(conn)
    .await
}

/// The escalation of a transfer, if it has one.
pub async fn of_transfer(
    conn: &mut PgConnection,
    transfer_id: &str,
) -> Result<Option<Escalation>, sqlx::Error> {
    sqlx::query_as!(
        Escalation,
        r#"SELECT e.escalation_id, e.transfer_id, e.account_id, e.amount, e.threshold,
                  e.status::text AS "status!",
                  to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "expires_at!",
                  e.decided_by,
                  to_char(e.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS decided_at,
                  e.note,
                  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM e.created_at) * 1000000)::bigint AS "created_micros!" FROM escalations e WHERE e.transfer_id = $1"#,
        transfer_id
    )
    .fetch_optional(conn)
    .await
}

/// The operator's escalations, newest first, optionally only with `status`.
pub async fn list(
    conn: &mut PgConnection,
    operator_id: Uuid,
    status: Option<&str>,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<Escalation>, sqlx::Error> {
    sqlx::query_as!(
        Escalation,
        r#"SELECT e.escalation_id, e.transfer_id, e.account_id, e.amount, e.threshold,
                  e.status::text AS "status!",
                  to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "expires_at!",
                  e.decided_by,
                  to_char(e.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS decided_at,
                  e.note,
                  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM e.created_at) * 1000000)::bigint AS "created_micros!" FROM escalations e JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1
             AND ($2::text IS NULL OR e.status = $2::text::escalation_status)
             AND ($3::bigint IS NULL
                  OR (e.created_at, e.escalation_id)
                     < (TIMESTAMPTZ 'epoch' + $3::bigint * INTERVAL '1 microsecond', $4::varchar))
           ORDER BY e.created_at DESC, e.escalation_id DESC
           LIMIT $5"#,
        operator_id,
        status,
        after.map(|a| a.0),
        after.map(|a| a.1),
        limit
    )
    .fetch_all(conn)
    .await
}

/// Whether a pending escalation's time is up (by the database's clock).
pub async fn is_expired(conn: &mut PgConnection, escalation_id: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT expires_at <= now() AS "expired!" FROM escalations WHERE escalation_id = $1"#,
        escalation_id
    )
    .fetch_one(conn)
    .await
}

/// Records a decision on a pending escalation: `approved`, `denied` or `expired`.
pub async fn decide(
    conn: &mut PgConnection,
    escalation_id: &str,
    status: &str,
    decided_by: &str,
    note: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE escalations
         SET status = $2::text::escalation_status, decided_by = $3, decided_at = now(), note = $4
         WHERE escalation_id = $1 AND status = 'pending'",
        escalation_id,
        status,
        decided_by,
        note
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pending escalations whose time is up, locked (skipping any another sweeper holds), at most
/// `limit` of them: (escalation id, transfer id, operator id).
pub async fn due(
    conn: &mut PgConnection,
    limit: i64,
) -> Result<Vec<(String, String, Uuid)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT e.escalation_id, e.transfer_id, a.operator_id
         FROM escalations e JOIN accounts a USING (account_id)
         WHERE e.status = 'pending' AND e.expires_at <= now()
         ORDER BY e.expires_at
         LIMIT $1
         FOR UPDATE OF e SKIP LOCKED",
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.escalation_id, r.transfer_id, r.operator_id))
        .collect())
}
