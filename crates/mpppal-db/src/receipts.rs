//! Receipt ingestion: many receipts in one statement, idempotent per (account, challenge id). A
//! receipt sent again is a duplicate; a different receipt under a challenge id already taken is
//! a conflict, never a silent overwrite.

use sqlx::types::time::OffsetDateTime;
use sqlx::PgConnection;

/// One receipt as reported (already checked: signature, amounts, account ownership).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReceipt {
    pub account_id: String,
    pub challenge_id: String,
    pub challenge_hash: [u8; 32],
    pub wallet: String,
    pub recipient: String,
    pub mint: String,
    /// Base units; at most `i64::MAX` (the caller refuses larger amounts).
    pub amount: i64,
    pub category: [u8; 32],
    pub expires_at: OffsetDateTime,
    pub signature: [u8; 64],
    /// The day whose budget the API reserved it against (receipts it signed); `None` for
    /// receipts agents signed themselves.
    pub spend_day: Option<i64>,
}

/// What happened to each receipt of a batch, in the batch's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    /// The same receipt (same signature) was already stored.
    Duplicate,
    /// Another receipt is stored under this account and challenge id.
    Conflict,
}

/// Stores `batch` in one round trip (plus one to classify any it did not store).
pub async fn ingest(
    conn: &mut PgConnection,
    batch: &[NewReceipt],
) -> Result<Vec<Outcome>, sqlx::Error> {
    let column = |f: fn(&NewReceipt) -> String| batch.iter().map(f).collect::<Vec<_>>();
    let accounts = column(|r| r.account_id.clone());
    let challenges = column(|r| r.challenge_id.clone());
    let stored = sqlx::query!(
        "INSERT INTO receipts (account_id, challenge_id, challenge_hash, wallet, recipient, mint,
                               amount, category, expires_at, signature, spend_day)
         SELECT * FROM UNNEST($1::varchar[], $2::varchar[], $3::bytea[], $4::varchar[], $5::varchar[],
                              $6::varchar[], $7::bigint[], $8::bytea[], $9::timestamptz[], $10::bytea[],
                              $11::bigint[])
         ON CONFLICT (account_id, challenge_id) DO NOTHING
         RETURNING account_id, challenge_id",
        &accounts,
        &challenges,
        &batch.iter().map(|r| r.challenge_hash.to_vec()).collect::<Vec<_>>(),
        &column(|r| r.wallet.clone()),
        &column(|r| r.recipient.clone()),
        &column(|r| r.mint.clone()),
        &batch.iter().map(|r| r.amount).collect::<Vec<_>>(),
        &batch.iter().map(|r| r.category.to_vec()).collect::<Vec<_>>(),
        &batch.iter().map(|r| r.expires_at).collect::<Vec<_>>(),
        &batch.iter().map(|r| r.signature.to_vec()).collect::<Vec<_>>(),
        &batch.iter().map(|r| r.spend_day).collect::<Vec<_>>() as &[Option<i64>]
    )
    .fetch_all(&mut *conn)
    .await?;
    let stored: std::collections::HashSet<(String, String)> = stored
        .into_iter()
        .map(|r| (r.account_id, r.challenge_id))
        .collect();
    let mut outcomes = vec![Outcome::Stored; batch.len()];
    // A key stored by this statement was stored from its first occurrence in the batch; any
    // later occurrence is classified against it like a receipt stored earlier.
    let mut claimed = std::collections::HashSet::new();
    let others: Vec<usize> = (0..batch.len())
        .filter(|&i| {
            let key = (accounts[i].clone(), challenges[i].clone());
            !(stored.contains(&key) && claimed.insert(key))
        })
        .collect();
    if others.is_empty() {
        return Ok(outcomes);
    }
    let existing = sqlx::query!(
        "SELECT r.account_id, r.challenge_id, r.signature FROM receipts r
         JOIN UNNEST($1::varchar[], $2::varchar[]) AS k(account_id, challenge_id)
           ON r.account_id = k.account_id AND r.challenge_id = k.challenge_id",
        &others
            .iter()
            .map(|&i| accounts[i].clone())
            .collect::<Vec<_>>(),
        &others
            .iter()
            .map(|&i| challenges[i].clone())
            .collect::<Vec<_>>()
    )
    .fetch_all(&mut *conn)
    .await?;
    let existing: std::collections::HashMap<(String, String), Vec<u8>> = existing
        .into_iter()
        .map(|r| ((r.account_id, r.challenge_id), r.signature))
        .collect();
    for i in others {
        let key = (accounts[i].clone(), challenges[i].clone());
        let same = existing
            .get(&key)
            .is_some_and(|signature| signature.as_slice() == batch[i].signature);
        outcomes[i] = if same {
            Outcome::Duplicate
        } else {
            Outcome::Conflict
        };
    }
    Ok(outcomes)
}

/// A stored receipt, as an operator lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredReceipt {
    pub receipt_id: i64,
    pub account_id: String,
    pub challenge_id: String,
    pub recipient: String,
    pub amount: i64,
    pub status: String,
    pub expires_at: String,
    pub settlement_tx_signature: Option<String>,
    pub rejection_reason: Option<String>,
    /// The `settle_batch` the receipt went into, once it did.
    pub batch_id: Option<i64>,
    pub received_at: String,
    pub settled_at: Option<String>,
}

/// The operator's receipts, newest first, before `before` (a receipt id) when given.
pub async fn list(
    conn: &mut PgConnection,
    operator_id: sqlx::types::Uuid,
    account_id: Option<&str>,
    status: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<StoredReceipt>, sqlx::Error> {
    sqlx::query_as!(
        StoredReceipt,
        r#"SELECT r.receipt_id, r.account_id, r.challenge_id, r.recipient, r.amount,
                  r.status::text AS "status!",
                  to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "expires_at!",
                  r.settlement_tx_signature, r.rejection_reason, r.batch_id,
                  to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "received_at!",
                  to_char(r.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS settled_at
           FROM receipts r JOIN accounts a USING (account_id)
           WHERE a.operator_id = $1
             AND ($2::varchar IS NULL OR r.account_id = $2)
             AND ($3::text IS NULL OR r.status = $3::text::receipt_status)
             AND ($4::bigint IS NULL OR r.receipt_id < $4)
           ORDER BY r.receipt_id DESC
           LIMIT $5"#,
        operator_id,
        account_id,
        status,
        before,
        limit
    )
    .fetch_all(conn)
    .await
}
