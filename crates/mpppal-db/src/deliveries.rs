//! Webhook delivery state (ADR 0015, ADR 0017): the queue of messages still to deliver, one
//! attempt row per try, and the failure count that disables an endpoint.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// The operator an event's subject (an account, transfer, session or webhook endpoint id)
/// belongs to.
pub async fn operator_of(
    conn: &mut PgConnection,
    subject: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT operator_id AS "operator_id!" FROM accounts WHERE account_id = $1
           UNION ALL
           SELECT a.operator_id FROM transfers t JOIN accounts a USING (account_id)
           WHERE t.transfer_id = $1
           UNION ALL
           SELECT a.operator_id FROM mpp_sessions s JOIN accounts a USING (account_id)
           WHERE s.session_id = $1
           UNION ALL
           SELECT operator_id FROM webhook_endpoints WHERE endpoint_id = $1
           LIMIT 1"#,
        subject
    )
    .fetch_optional(conn)
    .await
}

/// Queues `event_id` for every enabled endpoint of the operator that takes `event_type`; a
/// second call for the same event adds nothing. How many messages it queued.
pub async fn fan_out(
    conn: &mut PgConnection,
    operator_id: Uuid,
    event_type: &str,
    event_id: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO webhook_queue (endpoint_id, event_id)
         SELECT endpoint_id, $3 FROM webhook_endpoints
         WHERE operator_id = $1 AND status = 'enabled'
           AND (cardinality(events) = 0 OR $2 = ANY(events))
           -- Only what happened once the endpoint existed.
           AND created_at <= (SELECT created_at FROM outbox WHERE outbox_id = $3)
         ON CONFLICT DO NOTHING",
        operator_id,
        event_type,
        event_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A message claimed for a try.
#[derive(Clone, Debug)]
pub struct Due {
    pub endpoint_id: String,
    pub url: String,
    pub sealed_secret: Vec<u8>,
    /// The secret before the last rotation, while it is still honoured.
    pub sealed_previous_secret: Option<Vec<u8>>,
    pub event_id: i64,
    /// The event as the outbox holds it (`type`, `subject` and details).
    pub payload: String,
    /// When the event happened, RFC 3339, UTC.
    pub event_at: String,
    pub attempts: i32,
}

/// What [`claim`] found.
#[derive(Debug)]
pub enum Claim {
    /// Nothing is due.
    Nothing,
    /// Another dispatcher took the message this one chose: look again at once.
    Raced,
    /// This dispatcher holds the message until the lease runs out.
    Message(Due),
}

/// Claims one due message on an enabled endpoint for `lease_secs`, committed at once (the try
/// runs with no transaction open). Fair between operators: the operator is chosen at random
/// among those with something due, then its oldest due message; and an endpoint with a try in
/// flight gets no second one, so a slow endpoint holds one dispatcher at most.
pub async fn claim(pool: &sqlx::PgPool, lease_secs: f64) -> Result<Claim, sqlx::Error> {
    let claimed = sqlx::query!(
        r#"WITH candidates AS (
               SELECT DISTINCT ON (e.operator_id) q.endpoint_id, q.event_id
               FROM webhook_queue q
               JOIN webhook_endpoints e USING (endpoint_id)
               WHERE q.next_attempt_at <= now() AND e.status = 'enabled'
                 AND NOT EXISTS (SELECT 1 FROM webhook_queue busy
                                 WHERE busy.endpoint_id = q.endpoint_id
                                   AND busy.leased_until > now())
               ORDER BY e.operator_id, q.next_attempt_at, q.event_id
           ), chosen AS (
               SELECT endpoint_id, event_id FROM candidates ORDER BY random() LIMIT 1
           )
           UPDATE webhook_queue q SET leased_until = now() + make_interval(secs => $1)
           FROM chosen
           WHERE q.endpoint_id = chosen.endpoint_id AND q.event_id = chosen.event_id
             AND (q.leased_until IS NULL OR q.leased_until <= now())
           RETURNING q.endpoint_id, q.event_id"#,
        lease_secs
    )
    .fetch_optional(pool)
    .await?;
    let Some(claimed) = claimed else {
        // Either nothing was due, or the chosen row was leased by another in the meantime.
        let due = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM webhook_queue q JOIN webhook_endpoints e USING (endpoint_id)
                              WHERE q.next_attempt_at <= now() AND e.status = 'enabled'
                                AND (q.leased_until IS NULL OR q.leased_until <= now())) AS "due!""#
        )
        .fetch_one(pool)
        .await?;
        return Ok(if due { Claim::Raced } else { Claim::Nothing });
    };
    let due = sqlx::query_as!(
        Due,
        r#"SELECT q.endpoint_id, e.url, e.sealed_secret,
                  CASE WHEN e.previous_secret_until > now() THEN e.sealed_previous_secret END
                      AS sealed_previous_secret,
                  q.event_id, o.payload::text AS "payload!",
                  to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "event_at!",
                  q.attempts
           FROM webhook_queue q
           JOIN webhook_endpoints e USING (endpoint_id)
           JOIN outbox o ON o.outbox_id = q.event_id
           WHERE q.endpoint_id = $1 AND q.event_id = $2"#,
        claimed.endpoint_id,
        claimed.event_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(due.map_or(Claim::Raced, Claim::Message))
}

/// One try's outcome.
#[derive(Clone, Debug)]
pub struct Outcome<'a> {
    pub endpoint_id: &'a str,
    pub event_id: i64,
    /// 1 for the first try.
    pub attempt: i32,
    pub delivered: bool,
    pub response_status: Option<i16>,
    pub error: Option<&'a str>,
}

/// Records a try. Delivered: the message leaves the queue and the endpoint's failure count
/// resets. Failed: it comes back after `retry_in_secs`, or leaves the queue when that is `None`
/// (the schedule is spent); the endpoint is disabled once `disable_after` tries in a row failed.
/// Returns the endpoint's disabled reason when this try disabled it.
pub async fn record(
    conn: &mut PgConnection,
    outcome: &Outcome<'_>,
    retry_in_secs: Option<f64>,
    disable_after: i32,
) -> Result<Option<String>, sqlx::Error> {
    // A try whose lease ran out may have been made again, and recorded, by another dispatcher:
    // then this one's outcome is not the queue's to take.
    let current = sqlx::query_scalar!(
        "SELECT attempts FROM webhook_queue WHERE endpoint_id = $1 AND event_id = $2 FOR UPDATE",
        outcome.endpoint_id,
        outcome.event_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if current != Some(outcome.attempt - 1) {
        return Ok(None);
    }
    let error = outcome
        .error
        .map(|e| e.chars().take(500).collect::<String>());
    let final_status = match (outcome.delivered, retry_in_secs) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    sqlx::query!(
        "INSERT INTO webhook_deliveries
             (endpoint_id, event_id, attempt, status, response_status, error, next_attempt_at)
         VALUES ($1, $2, $3, $4::text::delivery_status, $5, $6,
                 now() + make_interval(secs => $7))
         ON CONFLICT (endpoint_id, event_id, attempt) DO NOTHING",
        outcome.endpoint_id,
        outcome.event_id,
        outcome.attempt,
        final_status,
        outcome.response_status,
        error,
        retry_in_secs
    )
    .execute(&mut *conn)
    .await?;
    // The previous try's row is no longer the one waiting.
    sqlx::query!(
        "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL
         WHERE endpoint_id = $1 AND event_id = $2 AND attempt < $3 AND status = 'pending'",
        outcome.endpoint_id,
        outcome.event_id,
        outcome.attempt
    )
    .execute(&mut *conn)
    .await?;
    if outcome.delivered || retry_in_secs.is_none() {
        sqlx::query!(
            "DELETE FROM webhook_queue WHERE endpoint_id = $1 AND event_id = $2",
            outcome.endpoint_id,
            outcome.event_id
        )
        .execute(&mut *conn)
        .await?;
    } else {
        sqlx::query!(
            "UPDATE webhook_queue
             SET attempts = $3, next_attempt_at = now() + make_interval(secs => $4),
                 leased_until = NULL
             WHERE endpoint_id = $1 AND event_id = $2",
            outcome.endpoint_id,
            outcome.event_id,
            outcome.attempt,
            retry_in_secs
        )
        .execute(&mut *conn)
        .await?;
    }
    if outcome.delivered {
        sqlx::query!(
            "UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE endpoint_id = $1",
            outcome.endpoint_id
        )
        .execute(&mut *conn)
        .await?;
        return Ok(None);
    }
    let reason = format!(
        "disabled after {disable_after} failed deliveries in a row; the last: {}",
        error.as_deref().unwrap_or("no answer")
    );
    let disabled = sqlx::query_scalar!(
        "UPDATE webhook_endpoints
         SET consecutive_failures = consecutive_failures + 1,
             status = CASE WHEN consecutive_failures + 1 >= $2 THEN 'disabled'::webhook_status
                           ELSE status END,
             disabled_reason = CASE WHEN consecutive_failures + 1 >= $2 THEN $3
                                    ELSE disabled_reason END
         WHERE endpoint_id = $1
         RETURNING status = 'disabled' AND consecutive_failures = $2",
        outcome.endpoint_id,
        disable_after,
        reason.chars().take(500).collect::<String>()
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(disabled.unwrap_or(false).then_some(reason))
}

/// One try as operators see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub delivery_id: i64,
    pub event_id: i64,
    pub event_type: String,
    pub attempt: i32,
    pub status: String,
    pub response_status: Option<i16>,
    pub error: Option<String>,
    pub attempted_at: String,
    pub next_attempt_at: Option<String>,
}

/// The endpoint's tries, newest first, before `before` (a delivery id) when given.
pub async fn list(
    conn: &mut PgConnection,
    endpoint_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as!(
        Delivery,
        r#"SELECT d.delivery_id, d.event_id, o.payload->>'type' AS "event_type!", d.attempt,
                  d.status::text AS "status!", d.response_status, d.error,
                  to_char(d.attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "attempted_at!",
                  to_char(d.next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS next_attempt_at
           FROM webhook_deliveries d JOIN outbox o ON o.outbox_id = d.event_id
           WHERE d.endpoint_id = $1 AND ($2::bigint IS NULL OR d.delivery_id < $2)
           ORDER BY d.delivery_id DESC LIMIT $3"#,
        endpoint_id,
        before,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Queues `event_id` for the endpoint again now (an operator's resend); false when that event
/// was never meant for the endpoint (no try of it on record).
pub async fn resend(
    conn: &mut PgConnection,
    endpoint_id: &str,
    event_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO webhook_queue (endpoint_id, event_id, attempts)
         SELECT endpoint_id, event_id, max(attempt) FROM webhook_deliveries
         WHERE endpoint_id = $1 AND event_id = $2
         GROUP BY endpoint_id, event_id
         ON CONFLICT (endpoint_id, event_id) DO UPDATE SET next_attempt_at = now()",
        endpoint_id,
        event_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns a disabled endpoint back on with a clean failure count; false if the operator has no
/// such endpoint.
pub async fn enable(
    conn: &mut PgConnection,
    operator_id: Uuid,
    endpoint_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE webhook_endpoints
         SET status = 'enabled', disabled_reason = NULL, consecutive_failures = 0
         WHERE operator_id = $1 AND endpoint_id = $2",
        operator_id,
        endpoint_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the endpoint's secret with `sealed`, keeping the old one honoured for
/// `overlap_secs`; false if the operator has no such endpoint. Rotating again within an overlap
/// keeps the secret the receiver had before the first rotation as the previous one (the secrets
/// in between were perhaps never seen, say a lost response that was retried).
pub async fn rotate_secret(
    conn: &mut PgConnection,
    operator_id: Uuid,
    endpoint_id: &str,
    sealed: &[u8],
    overlap_secs: f64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE webhook_endpoints
         SET sealed_previous_secret = CASE WHEN previous_secret_until > now()
                                           THEN sealed_previous_secret ELSE sealed_secret END,
             previous_secret_until = now() + make_interval(secs => $4),
             sealed_secret = $3
         WHERE operator_id = $1 AND endpoint_id = $2",
        operator_id,
        endpoint_id,
        sealed,
        overlap_secs
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
