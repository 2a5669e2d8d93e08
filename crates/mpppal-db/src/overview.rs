//! What an operator's overview shows at a glance: each account's spend today against its cap,
//! and transfers counted by status.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// One account's day: what its budget has reserved on `day` and the cap in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDay {
    pub account_id: String,
    pub name: String,
    pub handle: Option<String>,
    pub status: String,
    pub custody: String,
    pub spent_today: i64,
    pub max_daily_spend: Option<i64>,
}

/// The operator's accounts (newest first, at most `limit`) with their spend on UTC `day`.
pub async fn accounts(
    conn: &mut PgConnection,
    operator_id: Uuid,
    day: i64,
    limit: i64,
) -> Result<Vec<AccountDay>, sqlx::Error> {
    sqlx::query_as!(
        AccountDay,
        r#"SELECT a.account_id, a.name, a.handle, a.status::text AS "status!",
                  a.custody_mode::text AS "custody!",
                  COALESCE(d.reserved, 0) AS "spent_today!",
                  p.max_daily_spend AS "max_daily_spend?"
           FROM accounts a
           LEFT JOIN daily_spend d ON d.account_id = a.account_id AND d.day = $2
           LEFT JOIN LATERAL (SELECT max_daily_spend FROM policies
                              WHERE account_id = a.account_id
                              ORDER BY version DESC LIMIT 1) p ON true
           WHERE a.operator_id = $1
           ORDER BY a.created_at DESC, a.account_id DESC
           LIMIT $3"#,
        operator_id,
        day,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Transfers of one status: how many, and their amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusTotal {
    pub status: String,
    pub count: i64,
    pub amount: i64,
}

/// The operator's transfers totalled by status (statuses with none are absent).
pub async fn transfers_by_status(
    conn: &mut PgConnection,
    operator_id: Uuid,
) -> Result<Vec<StatusTotal>, sqlx::Error> {
    sqlx::query_as!(
        StatusTotal,
        r#"SELECT t.status::text AS "status!", count(*) AS "count!",
                  COALESCE(sum(t.amount), 0)::bigint AS "amount!"
           FROM transfers t JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1
           GROUP BY t.status"#,
        operator_id
    )
    .fetch_all(conn)
    .await
}

/// Escalations of the operator still waiting for a decision.
pub async fn pending_escalations(
    conn: &mut PgConnection,
    operator_id: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM escalations e JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1 AND e.status = 'pending'"#,
        operator_id
    )
    .fetch_one(conn)
    .await
}
