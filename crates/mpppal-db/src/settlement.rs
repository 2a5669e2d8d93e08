//! What the settlement worker reads and writes about a transfer (ADR 0017): its live on-chain
//! attempt, recorded before it is sent, and the final outcome.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// A transfer with everything needed to settle it.
#[derive(Clone, Debug, PartialEq)]
pub struct Settling {
    pub transfer_id: String,
    pub account_id: String,
    pub operator_id: Uuid,
    /// The wallet PDA paying.
    pub wallet: String,
    pub to_address: String,
    pub amount: i64,
    pub memo: Option<String>,
    pub category: Option<String>,
    pub owner_cosigned: bool,
    pub status: String,
    pub spend_day: i64,
    /// Set for custodial accounts: the agent key signs the transfer.
    pub sealed_agent_seed: Option<Vec<u8>>,
    /// A provider submits this payment itself (custodial MPP charge): not the worker's to send.
    pub provider_submitted: bool,
    pub attempt: Option<Attempt>,
    pub tx_attempts: i32,
    /// Seconds since the transfer was created.
    pub age_secs: f64,
}

/// The signed transaction the worker last recorded for a transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub signature: String,
    pub raw: Vec<u8>,
    pub nonce: i64,
    pub last_valid_height: i64,
}

pub async fn load(
    conn: &mut PgConnection,
    transfer_id: &str,
) -> Result<Option<Settling>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT t.transfer_id, t.account_id, a.operator_id, a.solana_address, t.to_address,
                  t.amount, t.memo, t.category, t.owner_cosigned, t.status::text AS "status!",
                  t.spend_day, a.sealed_agent_seed,
                  (t.payment_request IS NOT NULL) AS "provider_submitted!",
                  t.tx_signature, t.tx_raw, t.tx_nonce, t.tx_last_valid_height, t.tx_attempts,
                  extract(epoch FROM now() - t.created_at)::float8 AS "age_secs!"
           FROM transfers t JOIN accounts a USING (account_id)
           WHERE t.transfer_id = $1"#,
        transfer_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Settling {
        attempt: match (r.tx_signature, r.tx_raw, r.tx_nonce, r.tx_last_valid_height) {
            (Some(signature), Some(raw), Some(nonce), Some(last_valid_height)) => Some(Attempt {
                signature,
                raw,
                nonce,
                last_valid_height,
            }),
            _ => None,
        },
        transfer_id: r.transfer_id,
        account_id: r.account_id,
        operator_id: r.operator_id,
        wallet: r.solana_address,
        to_address: r.to_address,
        amount: r.amount,
        memo: r.memo,
        category: r.category,
        owner_cosigned: r.owner_cosigned,
        status: r.status,
        spend_day: r.spend_day,
        sealed_agent_seed: r.sealed_agent_seed,
        provider_submitted: r.provider_submitted,
        tx_attempts: r.tx_attempts,
        age_secs: r.age_secs,
    }))
}

/// Records a new attempt if the transfer is still pending and nobody recorded one since the
/// caller read `seen_attempts`; false when another worker got there first.
pub async fn record_attempt(
    conn: &mut PgConnection,
    transfer_id: &str,
    seen_attempts: i32,
    attempt: &Attempt,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE transfers
         SET tx_signature = $3, tx_raw = $4, tx_nonce = $5, tx_last_valid_height = $6,
             tx_attempts = tx_attempts + 1
         WHERE transfer_id = $1 AND status = 'pending' AND tx_attempts = $2",
        transfer_id,
        seen_attempts,
        attempt.signature,
        attempt.raw,
        attempt.nonce,
        attempt.last_valid_height
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Settled by `signature`; false if it was no longer pending.
pub async fn mark_settled(
    conn: &mut PgConnection,
    transfer_id: &str,
    signature: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE transfers
         SET status = 'settled', settled_at = now(), tx_signature = $2, tx_raw = NULL
         WHERE transfer_id = $1 AND status = 'pending'",
        transfer_id,
        signature
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Failed for good with `reason`; false if it was no longer pending.
pub async fn mark_failed(
    conn: &mut PgConnection,
    transfer_id: &str,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let reason: String = reason.chars().take(500).collect();
    let done = sqlx::query!(
        "UPDATE transfers SET status = 'failed', failure_reason = $2, tx_raw = NULL
         WHERE transfer_id = $1 AND status = 'pending'",
        transfer_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pending transfers the worker sends, created more than `older_than_secs` ago, oldest first:
/// the reconciler's list of what should have settled by now.
pub async fn overdue(
    conn: &mut PgConnection,
    older_than_secs: f64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT transfer_id FROM transfers
         WHERE status = 'pending' AND payment_request IS NULL
           AND created_at < now() - make_interval(secs => $1)
         ORDER BY created_at LIMIT $2",
        older_than_secs,
        limit
    )
    .fetch_all(conn)
    .await
}

/// A transaction the API handed to an agent for a provider to submit (custodial MPP charge,
/// pull mode): signed by MPPPal but for the fee payer, so its id is not known until it lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandedOut {
    pub raw: Vec<u8>,
    /// The wallet nonce of its first payment.
    pub nonce: i64,
    pub last_valid_height: i64,
    /// A slot no later than the one it was signed in: it cannot have landed before.
    pub slot: i64,
}

/// The transaction handed out for `transfer_id`, if any.
pub async fn handed_out(
    conn: &mut PgConnection,
    transfer_id: &str,
) -> Result<Option<HandedOut>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT tx_raw, tx_nonce, tx_last_valid_height, tx_slot FROM transfers
         WHERE transfer_id = $1 AND payment_request IS NOT NULL",
        transfer_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|r| {
        Some(HandedOut {
            raw: r.tx_raw?,
            nonce: r.tx_nonce?,
            last_valid_height: r.tx_last_valid_height?,
            // Rows from before the slot was kept: search the whole history.
            slot: r.tx_slot.unwrap_or(0),
        })
    }))
}

/// Records the transaction handed out for a pending provider-submitted transfer.
pub async fn hand_out(
    conn: &mut PgConnection,
    transfer_id: &str,
    handed: &HandedOut,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE transfers
         SET tx_raw = $2, tx_nonce = $3, tx_last_valid_height = $4, tx_slot = $5,
             tx_attempts = tx_attempts + 1
         WHERE transfer_id = $1 AND status = 'pending'",
        transfer_id,
        handed.raw,
        handed.nonce,
        handed.last_valid_height,
        handed.slot
    )
    .execute(conn)
    .await
    .map(|_| ())
}
