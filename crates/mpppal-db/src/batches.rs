//! Deferred receipts on their way to the chain (ADR 0018): accepted receipts grouped into
//! batches of one account and one recipient, each batch one `settle_batch` transaction whose
//! signed bytes are recorded before they are sent, and every receipt's outcome once it lands.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// The job kind that settles one batch; its subject is the batch id.
pub const JOB: &str = "receipts.settle";

/// Marks accepted receipts whose expiry has passed as expired (the chain would skip them) and
/// gives back the budget the API held for those it signed. How many expired.
pub async fn expire_accepted(conn: &mut PgConnection) -> Result<u64, sqlx::Error> {
    let expired = sqlx::query!(
        "UPDATE receipts SET status = 'expired'
         WHERE status = 'accepted' AND expires_at <= now()
         RETURNING account_id, spend_day, amount"
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &expired {
        if let Some(day) = r.spend_day {
            crate::budget::release(conn, &r.account_id, day, r.amount).await?;
        }
    }
    Ok(expired.len() as u64)
}

/// Groups the `limit` oldest accepted receipts into batches of at most `per_batch`
/// receipts from one account to one recipient, and queues one settlement job per batch, all in
/// the caller's transaction. Receipts another worker is batching are skipped, not waited for. The new
/// batches' ids.
pub async fn form(
    conn: &mut PgConnection,
    per_batch: usize,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    // The oldest first, so no account waits behind another's stream of receipts; grouped after.
    let mut waiting = sqlx::query!(
        "SELECT receipt_id, account_id, recipient FROM receipts
         WHERE status = 'accepted' AND expires_at > now()
           AND (not_before IS NULL OR not_before <= now())
         ORDER BY receipt_id
         LIMIT $1
         FOR UPDATE SKIP LOCKED",
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    waiting.sort_by(|a, b| {
        (&a.account_id, &a.recipient, a.receipt_id).cmp(&(
            &b.account_id,
            &b.recipient,
            b.receipt_id,
        ))
    });
    let mut batches = Vec::new();
    let mut at = 0;
    while at < waiting.len() {
        let (account, recipient) = (&waiting[at].account_id, &waiting[at].recipient);
        let group = waiting[at..]
            .iter()
            .take(per_batch.max(1))
            .take_while(|r| &r.account_id == account && &r.recipient == recipient)
            .map(|r| r.receipt_id)
            .collect::<Vec<_>>();
        at += group.len();
        let batch_id = sqlx::query_scalar!(
            "INSERT INTO receipt_batches (account_id, recipient) VALUES ($1, $2)
             RETURNING batch_id",
            account,
            recipient
        )
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query!(
            "UPDATE receipts SET status = 'settling', batch_id = $1 WHERE receipt_id = ANY($2)",
            batch_id,
            &group
        )
        .execute(&mut *conn)
        .await?;
        crate::outbox::push(
            conn,
            JOB,
            &batch_id.to_string(),
            &serde_json::json!({ "receipts": group.len() }),
        )
        .await?;
        batches.push(batch_id);
    }
    Ok(batches)
}

/// A batch with everything needed to settle it.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub batch_id: i64,
    pub account_id: String,
    pub operator_id: Uuid,
    /// The wallet PDA paying, and the agent key whose signatures the receipts carry.
    pub wallet: String,
    pub agent: String,
    pub recipient: String,
    pub status: String,
    pub attempt: Option<BatchAttempt>,
    pub tx_attempts: i32,
    pub receipts: Vec<BatchReceipt>,
    /// Seconds since the oldest receipt of the batch was accepted.
    pub age_secs: f64,
}

/// One receipt of a batch, with the fields its signature covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchReceipt {
    pub receipt_id: i64,
    pub challenge_id: String,
    pub challenge_hash: Vec<u8>,
    pub mint: String,
    pub amount: i64,
    pub category: Vec<u8>,
    /// Unix seconds.
    pub expires_at: i64,
    pub signature: Vec<u8>,
    /// The day whose budget the API held it against, for receipts it signed.
    pub spend_day: Option<i64>,
}

/// The signed transaction last recorded for a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchAttempt {
    pub signature: String,
    pub raw: Vec<u8>,
    pub last_valid_height: i64,
}

pub async fn load(conn: &mut PgConnection, batch_id: i64) -> Result<Option<Batch>, sqlx::Error> {
    let Some(b) = sqlx::query!(
        "SELECT b.batch_id, b.account_id, a.operator_id, a.solana_address, a.agent_address,
                b.recipient, b.status, b.tx_signature, b.tx_raw, b.tx_last_valid_height,
                b.tx_attempts
         FROM receipt_batches b JOIN accounts a USING (account_id)
         WHERE b.batch_id = $1",
        batch_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let receipts = sqlx::query!(
        r#"SELECT receipt_id, challenge_id, challenge_hash, mint, amount, category,
                  extract(epoch FROM expires_at)::bigint AS "expires_at!", signature, spend_day,
                  extract(epoch FROM now() - received_at)::float8 AS "age_secs!"
           FROM receipts WHERE batch_id = $1 ORDER BY receipt_id"#,
        batch_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let age_secs = receipts.iter().map(|r| r.age_secs).fold(0.0, f64::max);
    Ok(Some(Batch {
        attempt: match (b.tx_signature, b.tx_raw, b.tx_last_valid_height) {
            (Some(signature), Some(raw), Some(last_valid_height)) => Some(BatchAttempt {
                signature,
                raw,
                last_valid_height,
            }),
            _ => None,
        },
        batch_id: b.batch_id,
        account_id: b.account_id,
        operator_id: b.operator_id,
        wallet: b.solana_address,
        agent: b.agent_address,
        recipient: b.recipient,
        status: b.status,
        tx_attempts: b.tx_attempts,
        receipts: receipts
            .into_iter()
            .map(|r| BatchReceipt {
                receipt_id: r.receipt_id,
                challenge_id: r.challenge_id,
                challenge_hash: r.challenge_hash,
                mint: r.mint,
                amount: r.amount,
                category: r.category,
                expires_at: r.expires_at,
                signature: r.signature,
                spend_day: r.spend_day,
            })
            .collect(),
        age_secs,
    }))
}

/// Records a new attempt if the batch is still settling and nobody recorded one since the
/// caller read `seen_attempts`; false when another worker got there first.
pub async fn record_attempt(
    conn: &mut PgConnection,
    batch_id: i64,
    seen_attempts: i32,
    attempt: &BatchAttempt,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE receipt_batches
         SET tx_signature = $3, tx_raw = $4, tx_last_valid_height = $5,
             tx_attempts = tx_attempts + 1
         WHERE batch_id = $1 AND status = 'settling' AND tx_attempts = $2",
        batch_id,
        seen_attempts,
        attempt.signature,
        attempt.raw,
        attempt.last_valid_height
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the chain did with one receipt of a landed batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Its on-chain record exists: it is paid (by this batch or an earlier transaction).
    Settled,
    Expired,
    /// Skipped by the program for this reason (a policy refusal, say).
    Rejected(String),
}

/// Closes a batch whose transaction `signature` landed, with each receipt's verdict (by receipt
/// id); false if the batch was no longer settling.
pub async fn settle(
    conn: &mut PgConnection,
    batch_id: i64,
    signature: &str,
    verdicts: &[(i64, Verdict)],
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE receipt_batches
         SET status = 'settled', tx_signature = $2, tx_raw = NULL, finished_at = now()
         WHERE batch_id = $1 AND status = 'settling'",
        batch_id,
        signature
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let ids: Vec<i64> = verdicts.iter().map(|(id, _)| *id).collect();
    let statuses: Vec<String> = verdicts
        .iter()
        .map(|(_, v)| match v {
            Verdict::Settled => "settled",
            Verdict::Expired => "expired",
            Verdict::Rejected(_) => "rejected",
        })
        .map(str::to_string)
        .collect();
    let reasons: Vec<Option<String>> = verdicts
        .iter()
        .map(|(_, v)| match v {
            Verdict::Rejected(reason) => Some(reason.chars().take(1000).collect()),
            _ => None,
        })
        .collect();
    sqlx::query!(
        "UPDATE receipts r
         SET status = v.status::receipt_status, rejection_reason = v.reason,
             settlement_tx_signature = CASE WHEN v.status = 'settled' THEN $2 END,
             settled_at = CASE WHEN v.status = 'settled' THEN now() END
         FROM UNNEST($3::bigint[], $4::text[], $5::text[]) AS v(receipt_id, status, reason)
         WHERE r.receipt_id = v.receipt_id AND r.batch_id = $1",
        batch_id,
        signature,
        &ids,
        &statuses,
        &reasons as &[Option<String>]
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Closes a batch the wallet's vault could not cover and puts its receipts back among the
/// accepted ones, to be batched again after `wait_secs` (they still expire at their own time).
/// False if the batch was no longer settling.
pub async fn release(
    conn: &mut PgConnection,
    batch_id: i64,
    reason: &str,
    wait_secs: f64,
) -> Result<bool, sqlx::Error> {
    let reason: String = reason.chars().take(1000).collect();
    if !close_failed(conn, batch_id, &reason).await? {
        return Ok(false);
    }
    sqlx::query!(
        "UPDATE receipts
         SET status = 'accepted', batch_id = NULL, not_before = now() + make_interval(secs => $2)
         WHERE batch_id = $1 AND status = 'settling'",
        batch_id,
        wait_secs
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Closes a batch that can never settle (the chain refused its transaction): its receipts are
/// rejected with `reason`. False if the batch was no longer settling.
pub async fn fail(
    conn: &mut PgConnection,
    batch_id: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let reason: String = reason.chars().take(1000).collect();
    if !close_failed(conn, batch_id, &reason).await? {
        return Ok(false);
    }
    sqlx::query!(
        "UPDATE receipts SET status = 'rejected', rejection_reason = $2
         WHERE batch_id = $1 AND status = 'settling'",
        batch_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Marks a settling batch failed with `reason`; false if it was no longer settling.
async fn close_failed(
    conn: &mut PgConnection,
    batch_id: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE receipt_batches
         SET status = 'failed', failure_reason = $2, tx_raw = NULL, finished_at = now()
         WHERE batch_id = $1 AND status = 'settling'",
        batch_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
