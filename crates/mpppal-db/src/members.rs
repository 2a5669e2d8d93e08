//! Who may sign in for an operator (an OpenID Connect issuer and subject), and their sessions.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// Lets `subject` at `issuer` act for `operator_id`; adding the same identity again changes nothing.
pub async fn add(
    conn: &mut PgConnection,
    operator_id: Uuid,
    issuer: &str,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO operator_members (issuer, subject, operator_id) VALUES ($1, $2, $3)
         ON CONFLICT (issuer, subject) DO NOTHING",
        issuer,
        subject,
        operator_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The operator this identity acts for.
pub async fn operator_of(
    conn: &mut PgConnection,
    issuer: &str,
    subject: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT operator_id FROM operator_members WHERE issuer = $1 AND subject = $2",
        issuer,
        subject
    )
    .fetch_optional(conn)
    .await
}

/// A signed-in person, as their session holds them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub operator_id: Uuid,
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub expires_at: String,
}

/// Opens a session for `seconds`, under the SHA-256 of its token.
pub async fn open_session(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
    operator_id: Uuid,
    issuer: &str,
    subject: &str,
    email: Option<&str>,
    seconds: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO operator_sessions (token_hash, operator_id, issuer, subject, email, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + $6::bigint * INTERVAL '1 second')",
        token_hash.as_slice(),
        operator_id,
        issuer,
        subject,
        email,
        seconds
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The live session under this token hash (an expired one is none).
pub async fn session(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as!(
        Session,
        r#"SELECT operator_id, issuer, subject, email,
                  to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "expires_at!"
           FROM operator_sessions WHERE token_hash = $1 AND expires_at > now()"#,
        token_hash.as_slice()
    )
    .fetch_optional(conn)
    .await
}

/// Ends the session; false if there was none.
pub async fn close_session(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM operator_sessions WHERE token_hash = $1",
        token_hash.as_slice()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
