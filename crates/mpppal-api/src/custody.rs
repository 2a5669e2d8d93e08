//! Keys the API holds (ADR 0012): each operator's wallet-owner key and custodial agent keys, as
//! 32-byte Ed25519 seeds sealed under the master key. The associated data names what a sealed
//! seed belongs to, so a seed copied to another row does not open.

use solana_keypair::Keypair;
use solana_signer::Signer;
use sqlx::types::Uuid;
use sqlx::PgPool;

use crate::auth::seal;
use crate::problem::Problem;

pub use mpppal_vault::{agent_label, generate, owner_label};

/// The key a sealed seed stands for, or 500 `key_unreadable` when the master key cannot open it.
pub fn open(master: &[u8; 32], label: &str, sealed: &[u8]) -> Result<Keypair, Problem> {
    seal::open(master, label, sealed)
        .map(Keypair::new_from_array)
        .ok_or_else(|| {
            tracing::error!(label, "a sealed key does not open under the master key");
            Problem::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "key_unreadable",
                "a stored key does not open under the configured master key",
            )
        })
}

/// The operator's owner key, created (and committed on its own) on first use, so no wallet can
/// ever name an owner key that a rolled-back request took with it.
pub async fn owner(db: &PgPool, master: &[u8; 32], operator_id: Uuid) -> Result<Keypair, Problem> {
    let label = owner_label(operator_id);
    let mut conn = db.acquire().await.map_err(Problem::database)?;
    let stored = match mpppal_db::owners::find(&mut conn, operator_id)
        .await
        .map_err(Problem::database)?
    {
        Some(stored) => stored,
        None => {
            let (seed, key) = generate();
            let stored = mpppal_db::owners::insert_or_get(
                &mut conn,
                operator_id,
                &key.pubkey().to_string(),
                &seal::seal(master, &label, &seed),
            )
            .await
            .map_err(Problem::database)?;
            tracing::info!(%operator_id, owner = %stored.0, "operator owner key ready");
            stored
        }
    };
    open(master, &label, &stored.1)
}

/// A 32-byte seed for `purpose` of the request an operator sent under `idempotency_key`, derived
/// from the master key: a retry whose first try's answer was lost derives the same keys, and so
/// finds the wallet that try made (nobody without the master key can derive them).
pub fn derived_seed(
    master: &[u8; 32],
    purpose: &str,
    operator_id: Uuid,
    idempotency_key: &str,
) -> [u8; 32] {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(master).expect("any key length");
    for part in [
        purpose.as_bytes(),
        operator_id.as_bytes().as_slice(),
        idempotency_key.as_bytes(),
    ] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The operator's owner address, if it has an owner key yet.
pub async fn owner_address(db: &PgPool, operator_id: Uuid) -> Result<Option<String>, Problem> {
    let mut conn = db.acquire().await.map_err(Problem::database)?;
    Ok(mpppal_db::owners::find(&mut conn, operator_id)
        .await
        .map_err(Problem::database)?
        .map(|(address, _)| address))
}
