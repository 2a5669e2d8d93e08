//! Each operator's wallet-owner key (ADR 0012), stored sealed.

use sqlx::types::Uuid;
use sqlx::PgConnection;

/// The operator's owner address and sealed seed, if it has one yet.
pub async fn find(
    conn: &mut PgConnection,
    operator_id: Uuid,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT owner_address, sealed_seed FROM operator_owners WHERE operator_id = $1",
        operator_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.owner_address, r.sealed_seed)))
}

/// Stores an owner for the operator unless one exists; returns the one in force (a concurrent
/// first use may have won).
pub async fn insert_or_get(
    conn: &mut PgConnection,
    operator_id: Uuid,
    owner_address: &str,
    sealed_seed: &[u8],
) -> Result<(String, Vec<u8>), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO operator_owners (operator_id, owner_address, sealed_seed)
         VALUES ($1, $2, $3) ON CONFLICT (operator_id) DO NOTHING",
        operator_id,
        owner_address,
        sealed_seed
    )
    .execute(&mut *conn)
    .await?;
    let found = find(conn, operator_id).await?;
    Ok(found.expect("inserted or already present"))
}

/// Every owner's sealed seed, locked for re-sealing.
pub async fn all_for_update(conn: &mut PgConnection) -> Result<Vec<(Uuid, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT operator_id, sealed_seed FROM operator_owners ORDER BY operator_id FOR UPDATE"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.operator_id, r.sealed_seed))
        .collect())
}

pub async fn reseal(
    conn: &mut PgConnection,
    operator_id: Uuid,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE operator_owners SET sealed_seed = $2 WHERE operator_id = $1",
        operator_id,
        sealed
    )
    .execute(conn)
    .await
    .map(|_| ())
}
