//! Payment sessions (`mpp_sessions`) and the latest voucher of each, scoped to their operator
//! through the account.

use sqlx::types::Uuid;
use sqlx::PgConnection;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: String,
    pub account_id: String,
    pub provider_endpoint: String,
    pub channel_address: String,
    pub signer: String,
    pub payee: String,
    /// The deposit locked on chain, as last read.
    pub cap: i64,
    /// The highest voucher reported.
    pub running_total: i64,
    pub status: String,
    pub paid: Option<i64>,
    pub settlement_tx_signature: Option<String>,
    pub opened_at: String,
    pub settled_at: Option<String>,
    /// When the agent reported the voucher `running_total` comes from.
    pub last_voucher_at: Option<String>,
    /// `opened_at` in microseconds since the epoch: the list cursor's first half.
    pub opened_micros: i64,
}

pub struct NewSession<'a> {
    pub session_id: &'a str,
    pub account_id: &'a str,
    pub provider_endpoint: &'a str,
    pub channel_address: &'a str,
    pub signer: &'a str,
    pub payee: &'a str,
    pub cap: i64,
}

/// Records an opened session; the one already recorded for this channel if there is one.
pub async fn open(
    conn: &mut PgConnection,
    new: &NewSession<'_>,
) -> Result<(SessionRow, bool), sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO mpp_sessions (session_id, account_id, provider_endpoint, channel_address,
                                   signer, payee, cap)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (channel_address) DO NOTHING",
        new.session_id,
        new.account_id,
        new.provider_endpoint,
        new.channel_address,
        new.signer,
        new.payee,
        new.cap
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let row = sqlx::query_as!(
        SessionRow,
        r#"SELECT s.session_id, s.account_id, s.provider_endpoint, s.channel_address, s.signer, s.payee,
                  s.cap, s.running_total, s.status::text AS "status!", s.paid, s.settlement_tx_signature,
                  to_char(s.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "opened_at!",
                  to_char(s.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (SELECT to_char(v.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                     FROM vouchers v WHERE v.session_id = s.session_id) AS last_voucher_at,
                  (extract(epoch FROM s.opened_at) * 1000000)::bigint AS "opened_micros!" FROM mpp_sessions s WHERE s.channel_address = $1"#,
        new.channel_address
    )
    .fetch_one(conn)
    .await?;
    Ok((row, inserted))
}

/// The operator's session; `lock` takes it for an update.
pub async fn find(
    conn: &mut PgConnection,
    operator_id: Uuid,
    session_id: &str,
    lock: bool,
) -> Result<Option<SessionRow>, sqlx::Error> {
    if lock {
        let held = sqlx::query_scalar!(
            r#"SELECT 1 AS "one!" FROM mpp_sessions s JOIN accounts a USING (account_id)
               WHERE a.operator_id = $1 AND s.session_id = $2 FOR UPDATE OF s"#,
            operator_id,
            session_id
        )
        .fetch_optional(&mut *conn)
        .await?;
        if held.is_none() {
            return Ok(None);
        }
    }
    sqlx::query_as!(
        SessionRow,
        r#"SELECT s.session_id, s.account_id, s.provider_endpoint, s.channel_address, s.signer, s.payee,
                  s.cap, s.running_total, s.status::text AS "status!", s.paid, s.settlement_tx_signature,
                  to_char(s.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "opened_at!",
                  to_char(s.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (SELECT to_char(v.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                     FROM vouchers v WHERE v.session_id = s.session_id) AS last_voucher_at,
                  (extract(epoch FROM s.opened_at) * 1000000)::bigint AS "opened_micros!" FROM mpp_sessions s JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1 AND s.session_id = $2"#,
        operator_id,
        session_id
    )
    .fetch_optional(conn)
    .await
}

/// The operator's sessions, newest first, optionally of one account or status.
pub async fn list(
    conn: &mut PgConnection,
    operator_id: Uuid,
    account_id: Option<&str>,
    status: Option<&str>,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"SELECT s.session_id, s.account_id, s.provider_endpoint, s.channel_address, s.signer, s.payee,
                  s.cap, s.running_total, s.status::text AS "status!", s.paid, s.settlement_tx_signature,
                  to_char(s.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "opened_at!",
                  to_char(s.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at,
                  (SELECT to_char(v.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                     FROM vouchers v WHERE v.session_id = s.session_id) AS last_voucher_at,
                  (extract(epoch FROM s.opened_at) * 1000000)::bigint AS "opened_micros!" FROM mpp_sessions s JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1
             AND ($2::varchar IS NULL OR s.account_id = $2)
             AND ($3::text IS NULL OR s.status = $3::text::session_status)
             AND ($4::bigint IS NULL
                  OR (s.opened_at, s.session_id)
                     < (TIMESTAMPTZ 'epoch' + $4::bigint * INTERVAL '1 microsecond', $5::varchar))
           ORDER BY s.opened_at DESC, s.session_id DESC
           LIMIT $6"#,
        operator_id,
        account_id,
        status,
        after.map(|a| a.0),
        after.map(|a| a.1),
        limit
    )
    .fetch_all(conn)
    .await
}

/// Takes a higher voucher (and the deposit as now read from chain); false, changing nothing,
/// when the voucher is not above the one held.
pub async fn voucher(
    conn: &mut PgConnection,
    session_id: &str,
    cumulative: i64,
    expires_at: i64,
    signature: &[u8; 64],
    deposit: i64,
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query!(
        "INSERT INTO vouchers (session_id, cumulative, expires_at, signature)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id) DO UPDATE
             SET cumulative = EXCLUDED.cumulative, expires_at = EXCLUDED.expires_at,
                 signature = EXCLUDED.signature, received_at = now()
             WHERE vouchers.cumulative < EXCLUDED.cumulative",
        session_id,
        cumulative,
        expires_at,
        signature.as_slice()
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if taken {
        sqlx::query!(
            "UPDATE mpp_sessions SET cap = GREATEST(cap, $3), running_total = $2 WHERE session_id = $1",
            session_id,
            cumulative,
            deposit
        )
        .execute(conn)
        .await?;
    }
    Ok(taken)
}

/// A session as the settlement worker sees it: no operator scope, the operator named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    pub session_id: String,
    pub account_id: String,
    pub operator_id: Uuid,
    pub channel_address: String,
    pub status: String,
}

pub async fn watched(
    conn: &mut PgConnection,
    session_id: &str,
) -> Result<Option<Watched>, sqlx::Error> {
    sqlx::query_as!(
        Watched,
        r#"SELECT s.session_id, s.account_id, a.operator_id, s.channel_address,
                  s.status::text AS "status!"
           FROM mpp_sessions s JOIN accounts a USING (account_id)
           WHERE s.session_id = $1"#,
        session_id
    )
    .fetch_optional(conn)
    .await
}

/// The highest voucher reported for a session: cumulative, `expiresAt` and signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BestVoucher {
    pub cumulative: i64,
    pub expires_at: i64,
    pub signature: Vec<u8>,
}

pub async fn best_voucher(
    conn: &mut PgConnection,
    session_id: &str,
) -> Result<Option<BestVoucher>, sqlx::Error> {
    sqlx::query_as!(
        BestVoucher,
        "SELECT cumulative, expires_at, signature FROM vouchers WHERE session_id = $1",
        session_id
    )
    .fetch_optional(conn)
    .await
}

/// Marks the session settled with what the chain says was paid; false if it already was.
pub async fn settle(
    conn: &mut PgConnection,
    session_id: &str,
    paid: i64,
    deposit: i64,
    tx_signature: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "UPDATE mpp_sessions
         SET status = 'settled', paid = $2, cap = GREATEST(cap, $3),
             running_total = GREATEST(running_total, LEAST($2, GREATEST(cap, $3))),
             settlement_tx_signature = $4, settled_at = now()
         WHERE session_id = $1 AND status <> 'settled'",
        session_id,
        paid,
        deposit,
        tx_signature
    )
    .execute(conn)
    .await
    .map(|done| done.rows_affected() == 1)
}
