//! Master-key rotation: every sealed secret (API verification keys, operator owner keys,
//! custodial agent keys, webhook signing secrets and the previous ones a rotation keeps) moves from the old master key to the new one in one transaction; if
//! any opens under neither, nothing changes. Secrets already under the new key are skipped, so
//! an interrupted or repeated run is safe.

use sqlx::{PgConnection, PgPool};

use crate::auth::seal;
use crate::custody;

/// What a rotation did.
#[derive(Debug, PartialEq, Eq)]
pub struct Resealed {
    /// Secrets moved from the old master key to the new one.
    pub resealed: usize,
    /// Secrets already under the new master key.
    pub already: usize,
}

/// One sealed secret: what names it (the associated data), what it is for messages, the blob.
struct Sealed {
    label: String,
    what: String,
    blob: Vec<u8>,
    /// A webhook endpoint's previous secret (same label, its own column).
    previous: bool,
}

async fn locked(conn: &mut PgConnection) -> Result<Vec<Sealed>, sqlx::Error> {
    let mut all = Vec::new();
    let keys = sqlx::query!("SELECT key_id, sealed_key FROM api_keys ORDER BY key_id FOR UPDATE")
        .fetch_all(&mut *conn)
        .await?;
    all.extend(keys.into_iter().map(|k| Sealed {
        what: format!("API key {}", k.key_id),
        label: k.key_id,
        blob: k.sealed_key,
        previous: false,
    }));
    let owners = mpppal_db::owners::all_for_update(conn).await?;
    all.extend(owners.into_iter().map(|(operator, blob)| Sealed {
        label: custody::owner_label(operator),
        what: format!("the owner key of operator {operator}"),
        blob,
        previous: false,
    }));
    let hooks = mpppal_db::webhooks::sealed_secrets(conn).await?;
    all.extend(hooks.into_iter().map(|(endpoint, blob)| Sealed {
        label: format!("webhook:{endpoint}"),
        what: format!("the secret of webhook endpoint {endpoint}"),
        blob,
        previous: false,
    }));
    let previous = mpppal_db::webhooks::sealed_previous_secrets(conn).await?;
    all.extend(previous.into_iter().map(|(endpoint, blob)| Sealed {
        label: mpppal_vault::webhook_label(&endpoint),
        what: format!("the previous secret of webhook endpoint {endpoint}"),
        blob,
        previous: true,
    }));
    let agents = mpppal_db::accounts::sealed_agent_seeds(conn).await?;
    all.extend(agents.into_iter().map(|(account, blob)| Sealed {
        label: custody::agent_label(&account),
        what: format!("the agent key of account {account}"),
        blob,
        previous: false,
    }));
    Ok(all)
}

async fn store(conn: &mut PgConnection, sealed: &Sealed, blob: &[u8]) -> Result<(), sqlx::Error> {
    let label = sealed.label.as_str();
    if let Some(endpoint) = label.strip_prefix("webhook:").filter(|_| sealed.previous) {
        mpppal_db::webhooks::reseal_previous(conn, endpoint, blob).await
    } else if let Some(endpoint) = label.strip_prefix("webhook:") {
        mpppal_db::webhooks::reseal(conn, endpoint, blob).await
    } else if let Some(account) = label.strip_prefix("agent:") {
        mpppal_db::accounts::reseal_agent_seed(conn, account, blob).await
    } else if let Some(operator) = label.strip_prefix("owner:") {
        let operator = operator.parse().expect("labels are made from UUIDs");
        mpppal_db::owners::reseal(conn, operator, blob).await
    } else {
        sqlx::query!(
            "UPDATE api_keys SET sealed_key = $2 WHERE key_id = $1",
            label,
            blob
        )
        .execute(conn)
        .await
        .map(|_| ())
    }
}

/// Re-seals everything from `old` to `new`; `Err` (and no change) if a secret opens under neither.
pub async fn reseal_all(
    pool: &PgPool,
    old: &[u8; 32],
    new: &[u8; 32],
) -> Result<Result<Resealed, String>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut done = Resealed {
        resealed: 0,
        already: 0,
    };
    for sealed in locked(&mut tx).await? {
        if seal::open(new, &sealed.label, &sealed.blob).is_some() {
            done.already += 1;
            continue;
        }
        let Some(secret) = seal::open(old, &sealed.label, &sealed.blob) else {
            // Dropping the transaction rolls back everything re-sealed so far.
            return Ok(Err(format!(
                "{} opens under neither master key; nothing was changed",
                sealed.what
            )));
        };
        store(&mut tx, &sealed, &seal::seal(new, &sealed.label, &secret)).await?;
        done.resealed += 1;
    }
    if done.resealed > 0 {
        mpppal_db::audit::append(
            &mut tx,
            &mpppal_db::audit::Entry {
                operator_id: None,
                actor: "cli",
                action: "master_key.rotated",
                subject: "sealed keys",
                details: serde_json::json!({ "resealed": done.resealed, "already": done.already }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(done))
}
