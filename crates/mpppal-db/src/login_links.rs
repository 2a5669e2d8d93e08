//! One-time sign-in links: made by an administrator, used once by a browser before they expire.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// Records a link for `subject` of `operator_id`, good for `seconds`.
pub async fn create(
    conn: &mut PgConnection,
    link_id: &str,
    operator_id: Uuid,
    subject: &str,
    seconds: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO login_links (link_id, operator_id, subject, expires_at)
         VALUES ($1, $2, $3, now() + $4::bigint * INTERVAL '1 second')",
        link_id,
        operator_id,
        subject,
        seconds
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks the link used and returns whom it signs in, if it is unused and unexpired; a second
/// use (or a racing one) gets `None`.
pub async fn consume(
    conn: &mut PgConnection,
    link_id: &str,
) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE login_links SET used_at = now()
         WHERE link_id = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING operator_id, subject",
        link_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.operator_id, r.subject)))
}
