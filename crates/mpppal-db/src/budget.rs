//! Daily budgets: what the API has reserved against an account's `max_daily_spend`, per UTC day.
//! A reservation is one conditional upsert, so concurrent payments queue on the day's row and
//! the total can never pass the cap, however many race.

use sqlx::PgConnection;

/// Adds `amount` to the account's reservations for `day` if the total stays within `cap`; the
/// new total, or `None` (and no change) if it would not fit.
pub async fn reserve(
    conn: &mut PgConnection,
    account_id: &str,
    day: i64,
    amount: i64,
    cap: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO daily_spend (account_id, day, reserved)
         SELECT $1::varchar, $2::bigint, $3::bigint WHERE $3::bigint <= $4::bigint
         ON CONFLICT (account_id, day) DO UPDATE
             SET reserved = daily_spend.reserved + EXCLUDED.reserved
             WHERE daily_spend.reserved + EXCLUDED.reserved <= $4::bigint
         RETURNING reserved",
        account_id,
        day,
        amount,
        cap
    )
    .fetch_optional(conn)
    .await
}

/// Adds `amount` already spent on chain (settled receipts: the program checked the limit) to
/// `day`, whatever the cap: the books follow the chain.
pub async fn add(
    conn: &mut PgConnection,
    account_id: &str,
    day: i64,
    amount: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO daily_spend (account_id, day, reserved) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, day) DO UPDATE SET reserved = daily_spend.reserved + $3",
        account_id,
        day,
        amount
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Moves a payment's hold of `amount` from day `from` to day `to`; with `cap`, only if `to`
/// stays within it (`false`, and no change, otherwise). Without one the move is made whatever
/// `to` holds: the chain already counted the payment on that day.
pub async fn move_hold(
    conn: &mut PgConnection,
    account_id: &str,
    from: i64,
    to: i64,
    amount: i64,
    cap: Option<i64>,
) -> Result<bool, sqlx::Error> {
    if from == to {
        return Ok(true);
    }
    match cap {
        Some(cap) => {
            if reserve(conn, account_id, to, amount, cap).await?.is_none() {
                return Ok(false);
            }
        }
        None => add(conn, account_id, to, amount).await?,
    }
    release(conn, account_id, from, amount).await?;
    Ok(true)
}

/// Gives back `amount` reserved on `day` by a payment that will not happen.
pub async fn release(
    conn: &mut PgConnection,
    account_id: &str,
    day: i64,
    amount: i64,
) -> Result<(), sqlx::Error> {
    // The CHECK (reserved >= 0) turns a double release into an error rather than free budget.
    sqlx::query!(
        "UPDATE daily_spend SET reserved = reserved - $3 WHERE account_id = $1 AND day = $2",
        account_id,
        day,
        amount
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// What is reserved on `day` (0 when nothing is).
pub async fn reserved(
    conn: &mut PgConnection,
    account_id: &str,
    day: i64,
) -> Result<i64, sqlx::Error> {
    let found = sqlx::query_scalar!(
        "SELECT reserved FROM daily_spend WHERE account_id = $1 AND day = $2",
        account_id,
        day
    )
    .fetch_optional(conn)
    .await?;
    Ok(found.unwrap_or(0))
}
