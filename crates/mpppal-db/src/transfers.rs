//! Transfers: one row per payment an account was asked to make, scoped to its operator through
//! the account.

use sqlx::types::Uuid;
use sqlx::PgConnection;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Transfer {
    pub transfer_id: String,
    pub account_id: String,
    pub to_address: String,
    pub amount: i64,
    pub memo: Option<String>,
    pub category: Option<String>,
    pub idempotency_key: String,
    pub tx_signature: Option<String>,
    pub status: String,
    pub rejection_reason: Option<String>,
    /// Why settlement failed for good (status `failed`).
    pub failure_reason: Option<String>,
    pub spend_day: i64,
    pub owner_cosigned: bool,
    pub created_at: String,
    pub settled_at: Option<String>,
    pub created_micros: i64,
}

#[derive(Clone, Debug)]
pub struct NewTransfer<'a> {
    pub transfer_id: &'a str,
    pub account_id: &'a str,
    pub to_address: &'a str,
    pub amount: i64,
    pub memo: Option<&'a str>,
    pub category: Option<&'a str>,
    pub idempotency_key: &'a str,
    /// `pending`, `pending_approval` or `rejected` (then with `rejection_reason`).
    pub status: &'a str,
    pub rejection_reason: Option<&'a str>,
    pub spend_day: i64,
    /// The API key id or person (`oidc:…`, `link:…`) that asked for it.
    pub created_by: &'a str,
}

pub async fn insert(
    conn: &mut PgConnection,
    new: &NewTransfer<'_>,
) -> Result<Transfer, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO transfers (transfer_id, account_id, to_address, amount, memo, category,
                                idempotency_key, status, rejection_reason, spend_day, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::transfer_status, $9, $10, $11)",
        new.transfer_id,
        new.account_id,
        new.to_address,
        new.amount,
        new.memo,
        new.category,
        new.idempotency_key,
        new.status,
        new.rejection_reason,
        new.spend_day,
        new.created_by
    )
    .execute(&mut *conn)
    .await?;
    let found = get(conn, new.transfer_id).await?;
    Ok(found.expect("just inserted"))
}

/// A transfer by id, whoever's it is (for the API's own follow-ups, never for answers).
pub async fn get(
    conn: &mut PgConnection,
    transfer_id: &str,
) -> Result<Option<Transfer>, sqlx::Error> {
    sqlx::query_as!(
        Transfer,
        r#"SELECT t.transfer_id, t.account_id, t.to_address, t.amount, t.memo, t.category,
                  t.idempotency_key, t.tx_signature, t.status::text AS "status!", t.rejection_reason,
                  t.failure_reason,
                  t.spend_day, t.owner_cosigned,
                  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  to_char(t.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (extract(epoch FROM t.created_at) * 1000000)::bigint AS "created_micros!"
           FROM transfers t WHERE t.transfer_id = $1"#,
        transfer_id
    )
    .fetch_optional(conn)
    .await
}

/// The operator's transfer `transfer_id`; another operator's is `None`, like a missing one.
pub async fn find(
    conn: &mut PgConnection,
    operator_id: Uuid,
    transfer_id: &str,
) -> Result<Option<Transfer>, sqlx::Error> {
    sqlx::query_as!(
        Transfer,
        r#"SELECT t.transfer_id, t.account_id, t.to_address, t.amount, t.memo, t.category,
                  t.idempotency_key, t.tx_signature, t.status::text AS "status!", t.rejection_reason,
                  t.failure_reason,
                  t.spend_day, t.owner_cosigned,
                  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  to_char(t.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (extract(epoch FROM t.created_at) * 1000000)::bigint AS "created_micros!"
           FROM transfers t JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1 AND t.transfer_id = $2"#,
        operator_id,
        transfer_id
    )
    .fetch_optional(conn)
    .await
}

/// The account's transfer made under `idempotency_key` (for custodial transactions: the
/// challenge id), if any.
pub async fn by_key(
    conn: &mut PgConnection,
    account_id: &str,
    idempotency_key: &str,
) -> Result<Option<Transfer>, sqlx::Error> {
    sqlx::query_as!(
        Transfer,
        r#"SELECT t.transfer_id, t.account_id, t.to_address, t.amount, t.memo, t.category,
                  t.idempotency_key, t.tx_signature, t.status::text AS "status!", t.rejection_reason,
                  t.failure_reason,
                  t.spend_day, t.owner_cosigned,
                  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  to_char(t.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (extract(epoch FROM t.created_at) * 1000000)::bigint AS "created_micros!"
           FROM transfers t WHERE t.account_id = $1 AND t.idempotency_key = $2"#,
        account_id,
        idempotency_key
    )
    .fetch_optional(conn)
    .await
}

/// What a transfer list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct Filter<'a> {
    pub account_id: Option<&'a str>,
    pub status: Option<&'a str>,
    /// Start after this (created_micros, transfer_id), newest first.
    pub after: Option<(i64, &'a str)>,
    /// Made at or after this moment (unix seconds).
    pub from: Option<i64>,
    /// Made before this moment (unix seconds).
    pub to: Option<i64>,
}

pub async fn list(
    conn: &mut PgConnection,
    operator_id: Uuid,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<Vec<Transfer>, sqlx::Error> {
    sqlx::query_as!(
        Transfer,
        r#"SELECT t.transfer_id, t.account_id, t.to_address, t.amount, t.memo, t.category,
                  t.idempotency_key, t.tx_signature, t.status::text AS "status!", t.rejection_reason,
                  t.failure_reason,
                  t.spend_day, t.owner_cosigned,
                  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  to_char(t.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (extract(epoch FROM t.created_at) * 1000000)::bigint AS "created_micros!"
           FROM transfers t JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1
             AND ($2::varchar IS NULL OR t.account_id = $2)
             AND ($3::text IS NULL OR t.status = $3::text::transfer_status)
             AND ($4::bigint IS NULL
                  OR (t.created_at, t.transfer_id)
                     < (TIMESTAMPTZ 'epoch' + $4::bigint * INTERVAL '1 microsecond', $5::varchar))
             AND ($7::bigint IS NULL OR t.created_at >= to_timestamp($7::bigint))
             AND ($8::bigint IS NULL OR t.created_at < to_timestamp($8::bigint))
           ORDER BY t.created_at DESC, t.transfer_id DESC
           LIMIT $6"#,
        operator_id,
        filter.account_id,
        filter.status,
        filter.after.map(|a| a.0),
        filter.after.map(|a| a.1),
        limit,
        filter.from,
        filter.to
    )
    .fetch_all(conn)
    .await
}

/// Keeps the request a custodial transaction is signed from (fee payer, legs).
pub async fn set_payment_request(
    conn: &mut PgConnection,
    transfer_id: &str,
    request: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE transfers SET payment_request = $2::text::jsonb WHERE transfer_id = $1",
        transfer_id,
        request.to_string()
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The request a custodial transaction is signed from, if the transfer has one.
pub async fn payment_request(
    conn: &mut PgConnection,
    transfer_id: &str,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    let text = sqlx::query_scalar!(
        "SELECT payment_request::text FROM transfers WHERE transfer_id = $1",
        transfer_id
    )
    .fetch_optional(conn)
    .await?
    .flatten();
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// Moves a transfer waiting for approval to `pending` (approved: the owner co-signs) or to
/// `rejected` with `reason`. False if it was no longer waiting.
pub async fn decide(
    conn: &mut PgConnection,
    transfer_id: &str,
    approved: bool,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE transfers
         SET status = CASE WHEN $2 THEN 'pending' ELSE 'rejected' END::transfer_status,
             owner_cosigned = $2,
             rejection_reason = CASE WHEN $2 THEN NULL ELSE $3 END
         WHERE transfer_id = $1 AND status = 'pending_approval'",
        transfer_id,
        approved,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts the transfer against `day` from now on (its hold moved with it: see
/// [`crate::budget::move_hold`]).
pub async fn set_spend_day(
    conn: &mut PgConnection,
    transfer_id: &str,
    day: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE transfers SET spend_day = $2 WHERE transfer_id = $1",
        transfer_id,
        day
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Who asked for the transfer (`None` for transfers made before this was recorded).
pub async fn created_by(
    conn: &mut PgConnection,
    transfer_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT created_by FROM transfers WHERE transfer_id = $1",
        transfer_id
    )
    .fetch_one(conn)
    .await
}
