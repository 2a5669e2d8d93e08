//! Agent accounts: one row per wallet the API created, scoped to its operator.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// An account as the API shows it (never its sealed agent seed).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub account_id: String,
    pub operator_id: Uuid,
    pub name: String,
    pub handle: Option<String>,
    /// The wallet PDA.
    pub solana_address: String,
    /// The wallet's USDC vault (its associated token account).
    pub usdc_token_account: String,
    pub custody_mode: String,
    pub status: String,
    pub wallet_key: String,
    pub agent_address: String,
    /// RFC 3339, UTC, microseconds.
    pub created_at: String,
    /// `created_at` in microseconds since the epoch: the list cursor's first half.
    pub created_micros: i64,
}

/// An account to insert; `sealed_agent_seed` is set exactly for custodial accounts.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    pub account_id: &'a str,
    pub operator_id: Uuid,
    pub name: &'a str,
    pub handle: Option<&'a str>,
    pub solana_address: &'a str,
    pub usdc_token_account: &'a str,
    pub custodial: bool,
    pub wallet_key: &'a str,
    pub agent_address: &'a str,
    pub sealed_agent_seed: Option<&'a [u8]>,
}

/// The handle is already someone's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandleTaken;

/// Inserts `new`; a handle held by any account (of any operator) is refused.
pub async fn insert(
    conn: &mut PgConnection,
    new: &NewAccount<'_>,
) -> Result<Result<Account, HandleTaken>, sqlx::Error> {
    let custody = if new.custodial {
        "custodial"
    } else {
        "non_custodial"
    };
    let inserted = sqlx::query!(
        "INSERT INTO accounts (account_id, operator_id, name, handle, solana_address,
                               usdc_token_account, custody_mode, wallet_key, agent_address,
                               sealed_agent_seed)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::custody_mode, $8, $9, $10)
         ON CONFLICT (handle) DO NOTHING",
        new.account_id,
        new.operator_id,
        new.name,
        new.handle,
        new.solana_address,
        new.usdc_token_account,
        custody,
        new.wallet_key,
        new.agent_address,
        new.sealed_agent_seed,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !inserted {
        return Ok(Err(HandleTaken));
    }
    let account = find(conn, new.operator_id, new.account_id, Lock::None).await?;
    Ok(Ok(account.expect("just inserted")))
}

/// How a read holds the account row until its transaction ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    None,
    /// Payments: many at once, but never while the policy changes.
    Share,
    /// Policy changes and pauses: one at a time, after the payments already under way.
    Update,
}

/// The operator's account `account_id`; another operator's is `None`, like a missing one.
pub async fn find(
    conn: &mut PgConnection,
    operator_id: Uuid,
    account_id: &str,
    lock: Lock,
) -> Result<Option<Account>, sqlx::Error> {
    // The lock is taken first, by its own statement, so one checked query reads the row.
    let locked = match lock {
        Lock::None => Some(1),
        Lock::Share => {
            sqlx::query_scalar!(
                r#"SELECT 1 AS "one!" FROM accounts WHERE operator_id = $1 AND account_id = $2 FOR SHARE"#,
                operator_id,
                account_id
            )
            .fetch_optional(&mut *conn)
            .await?
        }
        Lock::Update => {
            sqlx::query_scalar!(
                r#"SELECT 1 AS "one!" FROM accounts WHERE operator_id = $1 AND account_id = $2 FOR UPDATE"#,
                operator_id,
                account_id
            )
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    if locked.is_none() {
        return Ok(None);
    }
    sqlx::query_as!(
        Account,
        r#"SELECT account_id, operator_id, name, handle, solana_address, usdc_token_account,
                  custody_mode::text AS "custody_mode!", status::text AS "status!", wallet_key,
                  agent_address,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM created_at) * 1000000)::bigint AS "created_micros!"
           FROM accounts WHERE operator_id = $1 AND account_id = $2"#,
        operator_id,
        account_id
    )
    .fetch_optional(conn)
    .await
}

/// Whoever holds `handle`, across operators: handles are a public directory.
pub async fn by_handle(
    conn: &mut PgConnection,
    handle: &str,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"SELECT account_id, operator_id, name, handle, solana_address, usdc_token_account,
                  custody_mode::text AS "custody_mode!", status::text AS "status!", wallet_key,
                  agent_address,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM created_at) * 1000000)::bigint AS "created_micros!"
           FROM accounts WHERE handle = $1"#,
        handle
    )
    .fetch_optional(conn)
    .await
}

/// Where a page of a list starts: after this (created_micros, account_id), newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct After {
    pub created_micros: i64,
    pub account_id: String,
}

/// Up to `limit` of the operator's accounts, newest first, optionally only with `status`.
pub async fn list(
    conn: &mut PgConnection,
    operator_id: Uuid,
    status: Option<&str>,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"SELECT account_id, operator_id, name, handle, solana_address, usdc_token_account,
                  custody_mode::text AS "custody_mode!", status::text AS "status!", wallet_key,
                  agent_address,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "created_at!",
                  (extract(epoch FROM created_at) * 1000000)::bigint AS "created_micros!"
           FROM accounts
           WHERE operator_id = $1
             AND ($2::text IS NULL OR status = $2::text::account_status)
             AND ($3::bigint IS NULL
                  OR (created_at, account_id)
                     < (TIMESTAMPTZ 'epoch' + $3::bigint * INTERVAL '1 microsecond', $4::varchar))
           ORDER BY created_at DESC, account_id DESC
           LIMIT $5"#,
        operator_id,
        status,
        after.map(|a| a.created_micros),
        after.map(|a| a.account_id.as_str()),
        limit
    )
    .fetch_all(conn)
    .await
}

/// Marks the account `active` or `paused`.
pub async fn set_status(
    conn: &mut PgConnection,
    account_id: &str,
    paused: bool,
) -> Result<(), sqlx::Error> {
    let status = if paused { "paused" } else { "active" };
    sqlx::query!(
        "UPDATE accounts SET status = $2::text::account_status WHERE account_id = $1",
        account_id,
        status
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Every custodial account's sealed agent seed, locked for re-sealing.
pub async fn sealed_agent_seeds(
    conn: &mut PgConnection,
) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT account_id, sealed_agent_seed AS "sealed!" FROM accounts
           WHERE sealed_agent_seed IS NOT NULL ORDER BY account_id FOR UPDATE"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.account_id, r.sealed)).collect())
}

/// A custodial account's sealed agent seed.
pub async fn sealed_agent_seed(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT sealed_agent_seed FROM accounts WHERE account_id = $1",
        account_id
    )
    .fetch_optional(conn)
    .await
    .map(Option::flatten)
}

pub async fn reseal_agent_seed(
    conn: &mut PgConnection,
    account_id: &str,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accounts SET sealed_agent_seed = $2 WHERE account_id = $1",
        account_id,
        sealed
    )
    .execute(conn)
    .await
    .map(|_| ())
}
