//! Operators and their API keys in PostgreSQL. Every lookup but `find` (which the signature
//! check uses before it knows the operator) is scoped to one operator.

use serde::{Deserialize, Serialize};
use sqlx::types::Uuid;
use sqlx::PgPool;

use super::{seal, signing};

/// What a key may do: `read` (GET), `write` (changes), `agent` (what agents call: receipts,
/// custodial signing), `approve` (approving escalations, apart from `write` so that the key that
/// asks for a payment need not be able to wave it through).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    sqlx::Type,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sqlx(type_name = "api_key_scope", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
    Agent,
    Approve,
}

impl Scope {
    /// As the database and JSON spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Agent => "agent",
            Self::Approve => "approve",
        }
    }
}

/// A key as created: the secret exists only in this value.
#[derive(Debug)]
pub struct NewKey {
    pub key_id: String,
    pub secret: String,
}

/// A key as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredKey {
    pub key_id: String,
    pub operator_id: Uuid,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub sealed_key: Vec<u8>,
    pub created_at: sqlx::types::time::OffsetDateTime,
    pub revoked_at: Option<sqlx::types::time::OffsetDateTime>,
}

pub(crate) fn random_base62(n: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the OS random source");
        // Rejection sampling keeps every character equally likely.
        for b in bytes {
            if b < 248 && out.len() < n {
                out.push(ALPHABET[usize::from(b % 62)] as char);
            }
        }
    }
    out
}

pub async fn create_operator(
    db: impl sqlx::PgExecutor<'_>,
    name: &str,
) -> Result<Uuid, sqlx::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source");
    let id = Uuid::from_bytes(bytes);
    sqlx::query!(
        "INSERT INTO operators (operator_id, name) VALUES ($1, $2)",
        id,
        name
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// Creates a key for `operator`; its secret is in the result and nowhere else.
pub async fn create(
    db: impl sqlx::PgExecutor<'_>,
    master: &[u8; 32],
    operator: Uuid,
    name: &str,
    scopes: &[Scope],
) -> Result<NewKey, sqlx::Error> {
    let key_id = format!("mpk_{}", random_base62(20));
    let secret = format!("mps_{}", random_base62(43));
    let sealed = seal::seal(master, &key_id, &signing::verification_key(&secret));
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    let scope_names: Vec<String> = scopes.iter().map(|s| s.name().to_string()).collect();
    sqlx::query!(
        "INSERT INTO api_keys (key_id, operator_id, name, scopes, sealed_key)
         VALUES ($1, $2, $3, $4::text[]::api_key_scope[], $5)",
        key_id,
        operator,
        name,
        &scope_names,
        sealed
    )
    .execute(db)
    .await?;
    Ok(NewKey { key_id, secret })
}

/// The key with this id, whoever owns it (the signature check decides what it may do).
pub async fn find(pool: &PgPool, key_id: &str) -> Result<Option<StoredKey>, sqlx::Error> {
    sqlx::query_as!(
        StoredKey,
        r#"SELECT key_id, operator_id, name, scopes AS "scopes: Vec<Scope>", sealed_key,
                  created_at, revoked_at
           FROM api_keys WHERE key_id = $1"#,
        key_id
    )
    .fetch_optional(pool)
    .await
}

pub async fn list(pool: &PgPool, operator: Uuid) -> Result<Vec<StoredKey>, sqlx::Error> {
    sqlx::query_as!(
        StoredKey,
        r#"SELECT key_id, operator_id, name, scopes AS "scopes: Vec<Scope>", sealed_key,
                  created_at, revoked_at
           FROM api_keys WHERE operator_id = $1 ORDER BY created_at, key_id"#,
        operator
    )
    .fetch_all(pool)
    .await
}

/// Revokes `operator`'s key; false if the operator has no such key. Revoking twice is a no-op.
pub async fn revoke(
    db: impl sqlx::PgExecutor<'_>,
    operator: Uuid,
    key_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE key_id = $1 AND operator_id = $2",
        key_id,
        operator
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
