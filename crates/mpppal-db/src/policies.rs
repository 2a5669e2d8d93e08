//! The versioned mirror of each wallet's on-chain policy.

use sqlx::PgConnection;

/// One version of a wallet's policy, as written on chain by `tx_signature`. Amounts are base
/// units (at most `i64::MAX`; the API refuses larger ones).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyVersion {
    pub account_id: String,
    pub version: i32,
    pub max_single_transfer: i64,
    pub max_daily_spend: i64,
    pub allowed_counterparties: Vec<String>,
    pub categories: Vec<String>,
    pub require_memo: bool,
    pub escalation_threshold: Option<i64>,
    pub paused: bool,
    pub tx_signature: String,
    pub changed_by: String,
    /// RFC 3339, UTC; empty on a version not yet stored.
    pub created_at: String,
}

pub async fn insert(conn: &mut PgConnection, p: &PolicyVersion) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO policies (account_id, version, max_single_transfer, max_daily_spend,
                               allowed_counterparties, categories, require_memo,
                               escalation_threshold, paused, tx_signature, changed_by)
         VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8, $9, $10, $11)",
        p.account_id,
        p.version,
        p.max_single_transfer,
        p.max_daily_spend,
        &p.allowed_counterparties,
        &p.categories,
        p.require_memo,
        p.escalation_threshold,
        p.paused,
        p.tx_signature,
        p.changed_by
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The policy in force: the newest version.
pub async fn current(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Option<PolicyVersion>, sqlx::Error> {
    sqlx::query_as!(
        PolicyVersion,
        r#"SELECT account_id, version, max_single_transfer, max_daily_spend,
                  allowed_counterparties::text[] AS "allowed_counterparties!",
                  categories::text[] AS "categories!",
                  require_memo, escalation_threshold, paused, tx_signature, changed_by,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!"
           FROM policies WHERE account_id = $1 ORDER BY version DESC LIMIT 1"#,
        account_id
    )
    .fetch_optional(conn)
    .await
}

/// Every version, newest first.
pub async fn history(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Vec<PolicyVersion>, sqlx::Error> {
    sqlx::query_as!(
        PolicyVersion,
        r#"SELECT account_id, version, max_single_transfer, max_daily_spend,
                  allowed_counterparties::text[] AS "allowed_counterparties!",
                  categories::text[] AS "categories!",
                  require_memo, escalation_threshold, paused, tx_signature, changed_by,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!"
           FROM policies WHERE account_id = $1 ORDER BY version DESC"#,
        account_id
    )
    .fetch_all(conn)
    .await
}
