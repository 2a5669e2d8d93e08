//! Webhook endpoints, scoped to their operator. Deliveries are the worker's.

use sqlx::types::Uuid;
use sqlx::PgConnection;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Endpoint {
    pub endpoint_id: String,
    pub operator_id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub status: String,
    pub disabled_reason: Option<String>,
    pub created_at: String,
}

pub async fn insert(
    conn: &mut PgConnection,
    endpoint_id: &str,
    operator_id: Uuid,
    url: &str,
    events: &[String],
    sealed_secret: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO webhook_endpoints (endpoint_id, operator_id, url, events, sealed_secret)
         VALUES ($1, $2, $3, $4::text[], $5)",
        endpoint_id,
        operator_id,
        url,
        events,
        sealed_secret
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The operator's endpoints, newest first.
pub async fn list(
    conn: &mut PgConnection,
    operator_id: Uuid,
) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as!(
        Endpoint,
        r#"SELECT endpoint_id, operator_id, url, events::text[] AS "events!", status::text AS "status!",
                  disabled_reason,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!"
           FROM webhook_endpoints WHERE operator_id = $1
           ORDER BY created_at DESC, endpoint_id DESC"#,
        operator_id
    )
    .fetch_all(conn)
    .await
}

/// One of the operator's endpoints.
pub async fn find(
    conn: &mut PgConnection,
    operator_id: Uuid,
    endpoint_id: &str,
) -> Result<Option<Endpoint>, sqlx::Error> {
    sqlx::query_as!(
        Endpoint,
        r#"SELECT endpoint_id, operator_id, url, events::text[] AS "events!", status::text AS "status!",
                  disabled_reason,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!"
           FROM webhook_endpoints WHERE operator_id = $1 AND endpoint_id = $2"#,
        operator_id,
        endpoint_id
    )
    .fetch_optional(conn)
    .await
}

/// Disables the operator's endpoint with `reason`; false if the operator has no such endpoint.
pub async fn disable(
    conn: &mut PgConnection,
    operator_id: Uuid,
    endpoint_id: &str,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE webhook_endpoints
         SET status = 'disabled', disabled_reason = COALESCE(disabled_reason, $3)
         WHERE endpoint_id = $1 AND operator_id = $2",
        endpoint_id,
        operator_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every endpoint's sealed secret, locked for re-sealing.
pub async fn sealed_secrets(
    conn: &mut PgConnection,
) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT endpoint_id, sealed_secret FROM webhook_endpoints ORDER BY endpoint_id FOR UPDATE"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.endpoint_id, r.sealed_secret))
        .collect())
}

pub async fn reseal(
    conn: &mut PgConnection,
    endpoint_id: &str,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_endpoints SET sealed_secret = $2 WHERE endpoint_id = $1",
        endpoint_id,
        sealed
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Every endpoint's previous secret still kept after a rotation, locked for re-sealing.
pub async fn sealed_previous_secrets(
    conn: &mut PgConnection,
) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT endpoint_id, sealed_previous_secret AS "sealed!" FROM webhook_endpoints
           WHERE sealed_previous_secret IS NOT NULL ORDER BY endpoint_id FOR UPDATE"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.endpoint_id, r.sealed))
        .collect())
}

pub async fn reseal_previous(
    conn: &mut PgConnection,
    endpoint_id: &str,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_endpoints SET sealed_previous_secret = $2 WHERE endpoint_id = $1",
        endpoint_id,
        sealed
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// How many enabled endpoints the operator has, with the operator's row locked for the rest of
/// the caller's transaction, so two requests adding endpoints side by side count one after the
/// other.
pub async fn enabled_count(conn: &mut PgConnection, operator_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "SELECT operator_id FROM operators WHERE operator_id = $1 FOR UPDATE",
        operator_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM webhook_endpoints
           WHERE operator_id = $1 AND status = 'enabled'"#,
        operator_id
    )
    .fetch_one(conn)
    .await
}
