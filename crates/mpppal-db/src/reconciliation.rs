//! What the reconciler reads from the ledger and records of the differences it finds.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// A pending transfer past its deadline and the state of its settlement job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overdue {
    pub transfer_id: String,
    pub operator_id: Uuid,
    /// `in_flight` (a job is waiting or running), `dead`, or `none` (no unfinished job).
    pub job: String,
    /// A provider submits it (its job is `transfer.confirm`, not `transfer.settle`).
    pub provider_submitted: bool,
}

/// Pending transfers older than `older_than_secs`: those the worker sends, and those handed out
/// for a provider to submit.
pub async fn overdue_transfers(
    conn: &mut PgConnection,
    older_than_secs: f64,
    limit: i64,
) -> Result<Vec<Overdue>, sqlx::Error> {
    sqlx::query_as!(
        Overdue,
        r#"SELECT t.transfer_id, a.operator_id,
                  CASE WHEN bool_or(o.outbox_id IS NOT NULL AND o.done_at IS NULL
                                    AND o.dead_at IS NULL) THEN 'in_flight'
                       WHEN bool_or(o.dead_at IS NOT NULL) THEN 'dead'
                       ELSE 'none' END AS "job!",
                  bool_or(t.payment_request IS NOT NULL) AS "provider_submitted!"
           FROM transfers t
           JOIN accounts a USING (account_id)
           LEFT JOIN outbox o ON o.kind IN ('transfer.settle', 'transfer.confirm')
                             AND o.subject = t.transfer_id
           WHERE t.status = 'pending' AND (t.payment_request IS NULL OR t.tx_raw IS NOT NULL)
             AND t.created_at < now() - make_interval(secs => $1)
           GROUP BY t.transfer_id, a.operator_id, t.created_at
           ORDER BY t.created_at LIMIT $2"#,
        older_than_secs,
        limit
    )
    .fetch_all(conn)
    .await
}

/// A settled transfer to check against the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    pub transfer_id: String,
    pub operator_id: Uuid,
    pub signature: String,
}

/// Transfers settled in the last `within_secs`, newest first.
pub async fn recently_settled(
    conn: &mut PgConnection,
    within_secs: f64,
    limit: i64,
) -> Result<Vec<Settled>, sqlx::Error> {
    sqlx::query_as!(
        Settled,
        r#"SELECT t.transfer_id, a.operator_id, t.tx_signature AS "signature!"
           FROM transfers t JOIN accounts a USING (account_id)
           WHERE t.status = 'settled' AND t.settled_at > now() - make_interval(secs => $1)
           ORDER BY t.settled_at DESC LIMIT $2"#,
        within_secs,
        limit
    )
    .fetch_all(conn)
    .await
}

/// An account's mirrored policy, to compare with its wallet on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mirror {
    pub account_id: String,
    pub operator_id: Uuid,
    pub wallet: String,
    pub policy_version: Option<i32>,
    pub paused: Option<bool>,
    /// Base units the wallet still owes: pending transfers plus receipts not yet settled.
    pub obligations: i64,
}

/// Accounts after `after` (by id), with their latest mirrored policy.
pub async fn mirrors(
    conn: &mut PgConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<Mirror>, sqlx::Error> {
    sqlx::query_as!(
        Mirror,
        r#"SELECT a.account_id, a.operator_id, a.solana_address AS wallet,
                  p.version AS "policy_version?", p.paused AS "paused?",
                  (COALESCE((SELECT sum(amount) FROM transfers
                             WHERE account_id = a.account_id AND status = 'pending'), 0)
                   + COALESCE((SELECT sum(amount) FROM receipts
                               WHERE account_id = a.account_id
                                 AND status IN ('accepted', 'settling')), 0))::bigint
                      AS "obligations!"
           FROM accounts a
           LEFT JOIN LATERAL (
               SELECT version, paused FROM policies
               WHERE account_id = a.account_id ORDER BY version DESC LIMIT 1
           ) p ON true
           WHERE a.account_id > $1
           ORDER BY a.account_id LIMIT $2"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await
}

/// An open session in the ledger and the state of its `session.close` job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenSession {
    pub session_id: String,
    pub operator_id: Uuid,
    pub channel_address: String,
    /// `in_flight`, `dead` or `none`, as for [`Overdue`].
    pub job: String,
}

/// Sessions open in the ledger after `after` (by id).
pub async fn open_sessions(
    conn: &mut PgConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<OpenSession>, sqlx::Error> {
    sqlx::query_as!(
        OpenSession,
        r#"SELECT s.session_id, a.operator_id, s.channel_address,
                  CASE WHEN bool_or(o.outbox_id IS NOT NULL AND o.done_at IS NULL
                                    AND o.dead_at IS NULL) THEN 'in_flight'
                       WHEN bool_or(o.dead_at IS NOT NULL) THEN 'dead'
                       ELSE 'none' END AS "job!"
           FROM mpp_sessions s
           JOIN accounts a USING (account_id)
           LEFT JOIN outbox o ON o.kind = 'session.close' AND o.subject = s.session_id
           WHERE s.status <> 'settled' AND s.session_id > $1
           GROUP BY s.session_id, a.operator_id, s.channel_address
           ORDER BY s.session_id LIMIT $2"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Records a difference seen now; true when it is new (not already open).
pub async fn seen(
    conn: &mut PgConnection,
    operator_id: Option<Uuid>,
    kind: &str,
    subject: &str,
    detail: &str,
) -> Result<bool, sqlx::Error> {
    let detail: String = detail.chars().take(1000).collect();
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO reconciliation_differences (operator_id, kind, subject, detail)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (kind, subject) WHERE resolved_at IS NULL
           DO UPDATE SET last_seen = now(), detail = EXCLUDED.detail
           RETURNING (xmax = 0) AS "inserted!""#,
        operator_id,
        kind,
        subject,
        detail
    )
    .fetch_one(conn)
    .await?;
    Ok(inserted)
}

/// Marks open differences of `kinds` not seen since `run_started` as resolved; how many.
pub async fn resolve_unseen(
    conn: &mut PgConnection,
    kinds: &[String],
    run_started: sqlx::types::time::OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE reconciliation_differences SET resolved_at = now()
         WHERE resolved_at IS NULL AND kind = ANY($1) AND last_seen < $2",
        kinds,
        run_started
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The database's clock, so a run's start and its rows' times compare without skew.
pub async fn now(
    conn: &mut PgConnection,
) -> Result<sqlx::types::time::OffsetDateTime, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT now() AS "now!""#)
        .fetch_one(conn)
        .await
}

/// A difference as operators see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub first_seen: String,
    pub last_seen: String,
}

/// The operator's open differences, most recently seen first.
pub async fn open(
    conn: &mut PgConnection,
    operator_id: Uuid,
    limit: i64,
) -> Result<Vec<Open>, sqlx::Error> {
    sqlx::query_as!(
        Open,
        r#"SELECT kind, subject, detail,
                  to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "first_seen!",
                  to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "last_seen!"
           FROM reconciliation_differences
           WHERE operator_id = $1 AND resolved_at IS NULL
           ORDER BY last_seen DESC, difference_id DESC LIMIT $2"#,
        operator_id,
        limit
    )
    .fetch_all(conn)
    .await
}
