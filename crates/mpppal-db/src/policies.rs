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

const COLUMNS: &str = "account_id, version, max_single_transfer, max_daily_spend,
    allowed_counterparties::text[] AS allowed_counterparties, categories::text[] AS categories,
    require_memo, escalation_threshold, paused, tx_signature, changed_by,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at";

pub async fn insert(conn: &mut PgConnection, p: &PolicyVersion) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO policies (account_id, version, max_single_transfer, max_daily_spend,
                               allowed_counterparties, categories, require_memo,
                               escalation_threshold, paused, tx_signature, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&p.account_id)
    .bind(p.version)
    .bind(p.max_single_transfer)
    .bind(p.max_daily_spend)
    .bind(&p.allowed_counterparties)
    .bind(&p.categories)
    .bind(p.require_memo)
    .bind(p.escalation_threshold)
    .bind(p.paused)
    .bind(&p.tx_signature)
    .bind(&p.changed_by)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The policy in force: the newest version.
pub async fn current(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Option<PolicyVersion>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM policies WHERE account_id = $1 ORDER BY version DESC LIMIT 1"
    );
    sqlx::query_as(&sql)
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

/// Every version, newest first.
pub async fn history(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Vec<PolicyVersion>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM policies WHERE account_id = $1 ORDER BY version DESC");
    sqlx::query_as(&sql).bind(account_id).fetch_all(conn).await
}
