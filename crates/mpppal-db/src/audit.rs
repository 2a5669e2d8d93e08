//! The append-only, hash-chained audit log: appending inside the caller's transaction (so the
//! entry commits with the change it records, or not at all) and verifying the whole chain.

use sha2::{Digest, Sha256};
use sqlx::types::time::OffsetDateTime;
use sqlx::types::Uuid;
use sqlx::{PgConnection, PgPool};

/// Serializes appends: each needs the previous row's hash.
const CHAIN_LOCK: i64 = 0x6d70_7070_616c_0a0d;

/// What happened, by whom, to what.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub operator_id: Option<Uuid>,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub details: serde_json::Value,
}

/// One stored row.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    seq: i64,
    at: OffsetDateTime,
    operator_id: Option<Uuid>,
    actor: String,
    action: String,
    subject: String,
    details: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

/// The hash of a row: every field but the hash itself, length-prefixed so no two rows share an
/// encoding.
fn hash_of(row: &Row) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(row.seq.to_be_bytes());
    h.update((row.at.unix_timestamp_nanos() / 1_000).to_be_bytes());
    h.update(row.operator_id.map_or([0u8; 16], |id| id.into_bytes()));
    for text in [&row.actor, &row.action, &row.subject, &row.details] {
        h.update((text.len() as u64).to_be_bytes());
        h.update(text.as_bytes());
    }
    h.update(&row.prev_hash);
    h.finalize().into()
}

/// Appends `entry` inside the caller's transaction; returns its sequence number.
pub async fn append(tx: &mut PgConnection, entry: &Entry<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", CHAIN_LOCK)
        .execute(&mut *tx)
        .await?;
    let last = sqlx::query!("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, prev_hash) = match last {
        Some(last) => (last.seq + 1, last.hash),
        None => (1, vec![0u8; 32]),
    };
    // PostgreSQL keeps microseconds: hash exactly what will be read back.
    let now = OffsetDateTime::now_utc();
    let at = now
        .replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .expect("a valid nanosecond");
    let mut row = Row {
        seq,
        at,
        operator_id: entry.operator_id,
        actor: entry.actor.to_string(),
        action: entry.action.to_string(),
        subject: entry.subject.to_string(),
        details: entry.details.to_string(),
        prev_hash,
        hash: Vec::new(),
    };
    row.hash = hash_of(&row).to_vec();
    sqlx::query!(
        "INSERT INTO audit_log (seq, at, operator_id, actor, action, subject, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        row.seq,
        row.at,
        row.operator_id,
        row.actor,
        row.action,
        row.subject,
        row.details,
        row.prev_hash,
        row.hash
    )
    .execute(&mut *tx)
    .await?;
    Ok(seq)
}

/// The result of checking the whole chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        rows: u64,
    },
    /// The first row that breaks the chain, and how.
    Broken {
        seq: i64,
        reason: String,
    },
}

/// Recomputes every row's hash from the first; stops at the first break.
pub async fn verify(pool: &PgPool) -> Result<Verdict, sqlx::Error> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query_as!(
        Row,
        "SELECT seq, at, operator_id, actor, action, subject, details, prev_hash, hash
         FROM audit_log ORDER BY seq"
    )
    .fetch(pool);
    let mut expected_seq = 1i64;
    let mut prev = vec![0u8; 32];
    while let Some(row) = rows.try_next().await? {
        if row.seq != expected_seq {
            return Ok(Verdict::Broken {
                seq: expected_seq,
                reason: format!("row {expected_seq} is missing (next is {})", row.seq),
            });
        }
        if row.prev_hash != prev {
            return Ok(Verdict::Broken {
                seq: row.seq,
                reason: "its link to the previous row does not match that row's hash".into(),
            });
        }
        if row.hash != hash_of(&row) {
            return Ok(Verdict::Broken {
                seq: row.seq,
                reason: "its contents do not match its hash (changed after it was written)".into(),
            });
        }
        prev = row.hash;
        expected_seq += 1;
    }
    Ok(Verdict::Intact {
        rows: (expected_seq - 1) as u64,
    })
}

/// One row as an operator reads it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Logged {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// The JSON text exactly as hashed.
    pub details: String,
    pub hash: Vec<u8>,
}

/// The operator's rows, newest first, before `seq` (exclusive) when given.
pub async fn list(
    conn: &mut PgConnection,
    operator_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Logged>, sqlx::Error> {
    sqlx::query_as!(
        Logged,
        r#"SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "at!",
                  actor, action, subject, details, hash
           FROM audit_log
           WHERE operator_id = $1 AND ($2::bigint IS NULL OR seq < $2)
           ORDER BY seq DESC
           LIMIT $3"#,
        operator_id,
        before,
        limit
    )
    .fetch_all(conn)
    .await
}
