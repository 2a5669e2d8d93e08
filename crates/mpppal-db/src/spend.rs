//! Spend over time, for charts: every payment an operator's accounts made or committed to, in
//! hour or day buckets, grouped by account, provider (the recipient) or category.
//!
//! A payment counts from when it was made: transfers waiting for approval, pending or settled
//! (not rejected or failed), deferred receipts not rejected or expired, and what sessions have
//! paid so far (at their opening).

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// How points are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Account,
    Provider,
    Category,
}

impl By {
    fn as_str(self) -> &'static str {
        match self {
            By::Account => "account",
            By::Provider => "provider",
            By::Category => "category",
        }
    }
}

/// One bucket of one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub key: String,
    /// The bucket's start, RFC 3339 UTC.
    pub start: String,
    pub amount: i64,
}

/// Spend between `from` and `to` (unix seconds, `to` excluded) in buckets of `bucket` (`hour`
/// or `day`), by group then time. Receipts and sessions have no category: "uncategorised".
pub async fn buckets(
    conn: &mut PgConnection,
    operator_id: Uuid,
    from: i64,
    to: i64,
    bucket: &str,
    by: By,
) -> Result<Vec<Point>, sqlx::Error> {
    sqlx::query_as!(
        Point,
        r#"WITH spend AS (
             SELECT t.account_id, t.to_address AS provider, t.category, t.amount, t.created_at AS at
             FROM transfers t JOIN accounts a USING (account_id)
             WHERE a.operator_id = $1
               AND t.status IN ('pending_approval', 'pending', 'settled')
             UNION ALL
             SELECT r.account_id, r.recipient, NULL, r.amount, r.received_at
             FROM receipts r JOIN accounts a USING (account_id)
             WHERE a.operator_id = $1 AND r.status NOT IN ('rejected', 'expired')
             UNION ALL
             SELECT s.account_id, s.provider_endpoint, NULL, s.running_total, s.opened_at
             FROM mpp_sessions s JOIN accounts a USING (account_id)
             WHERE a.operator_id = $1 AND s.running_total > 0
           )
           SELECT (CASE $5::text WHEN 'account' THEN account_id
                                 WHEN 'provider' THEN provider
                                 ELSE COALESCE(category, 'uncategorised') END) AS "key!",
                  to_char(date_trunc($4::text, at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "start!",
                  sum(amount)::bigint AS "amount!"
           FROM spend
           WHERE at >= to_timestamp($2::bigint) AND at < to_timestamp($3::bigint)
           GROUP BY 1, 2
           ORDER BY 1, 2"#,
        operator_id,
        from,
        to,
        bucket,
        by.as_str()
    )
    .fetch_all(conn)
    .await
}
