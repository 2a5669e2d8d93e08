//! The operator's events as they happen (what webhooks deliver), for live views: the outbox's
//! `event` rows whose subject is one of the operator's accounts, transfers, sessions or webhook
//! endpoints.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// One event: its outbox id (increasing), type and subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub event_type: String,
    pub subject: String,
}

/// The operator's events after `after_id`, oldest first, at most `limit`.
pub async fn since(
    conn: &mut PgConnection,
    operator_id: Uuid,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Event>, sqlx::Error> {
    sqlx::query_as!(
        Event,
        r#"SELECT o.outbox_id AS id, COALESCE(o.payload->>'type', 'event') AS "event_type!", o.subject
           FROM outbox o
           WHERE o.kind = 'event' AND o.outbox_id > $2
             AND (EXISTS (SELECT 1 FROM accounts a
                          WHERE a.account_id = o.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM transfers t JOIN accounts a USING (account_id)
                             WHERE t.transfer_id = o.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM mpp_sessions s JOIN accounts a USING (account_id)
                             WHERE s.session_id = o.subject AND a.operator_id = $1)
                  OR EXISTS (SELECT 1 FROM webhook_endpoints w
                             WHERE w.endpoint_id = o.subject AND w.operator_id = $1))
           ORDER BY o.outbox_id
           LIMIT $3"#,
        operator_id,
        after_id,
        limit
    )
    .fetch_all(conn)
    .await
}

/// The newest outbox id: a live view starts after it.
pub async fn latest(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COALESCE(max(outbox_id), 0) AS "id!" FROM outbox"#)
        .fetch_one(conn)
        .await
}
