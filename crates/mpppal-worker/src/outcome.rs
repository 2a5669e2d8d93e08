//! What follows a transfer's final outcome, in one transaction with it: the audit row, the
//! event for webhooks, and, for a failure, the day's budget given back. A second copy of the
//! job finds the transfer no longer pending and changes nothing.

use mpppal_db::audit::{self, Entry};
use mpppal_db::settlement::{self, Settling};
use mpppal_db::{budget, outbox};
use serde_json::json;

use crate::{Ctx, Retry};

/// Who the audit log names for the worker's changes.
pub const ACTOR: &str = "worker";

pub async fn settled(ctx: &Ctx, s: &Settling, signature: &str) -> Result<(), Retry> {
    // The chain counted the payment on the day it executed, which may be after the day its hold
    // was taken (approved just before midnight, settled just after): the books follow the chain.
    let day = match signature.parse::<solana_signature::Signature>() {
        Ok(parsed) => ctx
            .chain
            .block_time(&parsed)
            .await?
            .map(|t| t.div_euclid(86_400)),
        Err(_) => None,
    };
    let mut tx = ctx.db.begin().await?;
    if !settlement::mark_settled(&mut tx, &s.transfer_id, signature).await? {
        return Ok(());
    }
    if let Some(day) = day.filter(|d| *d != s.spend_day) {
        budget::move_hold(&mut tx, &s.account_id, s.spend_day, day, s.amount, None).await?;
        mpppal_db::transfers::set_spend_day(&mut tx, &s.transfer_id, day).await?;
        tracing::info!(transfer_id = %s.transfer_id, from = s.spend_day, to = day, "the chain counted the transfer on another day; its hold moved there");
    }
    let details = json!({
        "accountId": s.account_id,
        "to": s.to_address,
        "amount": s.amount,
        "signature": signature,
        "ownerCosigned": s.owner_cosigned,
    });
    record(&mut tx, s, "transfer.settled", details).await?;
    tx.commit().await?;
    crate::metrics::get()
        .settlement_seconds
        .with_label_values(&["transfer"])
        .observe(s.age_secs);
    tracing::info!(transfer_id = %s.transfer_id, %signature, amount = s.amount, "transfer settled");
    Ok(())
}

pub async fn failed(ctx: &Ctx, s: &Settling, reason: &str) -> Result<(), Retry> {
    let mut tx = ctx.db.begin().await?;
    if !settlement::mark_failed(&mut tx, &s.transfer_id, reason).await? {
        return Ok(());
    }
    budget::release(&mut tx, &s.account_id, s.spend_day, s.amount).await?;
    let details = json!({
        "accountId": s.account_id,
        "to": s.to_address,
        "amount": s.amount,
        "reason": reason,
    });
    record(&mut tx, s, "transfer.failed", details).await?;
    tx.commit().await?;
    tracing::warn!(transfer_id = %s.transfer_id, reason, "transfer failed; its budget is released");
    Ok(())
}

async fn record(
    tx: &mut sqlx::PgConnection,
    s: &Settling,
    action: &str,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    audit::append(
        tx,
        &Entry {
            operator_id: Some(s.operator_id),
            actor: ACTOR,
            action,
            subject: &s.transfer_id,
            details: details.clone(),
        },
    )
    .await?;
    let mut event = details;
    event["type"] = json!(action);
    event["subject"] = json!(s.transfer_id);
    outbox::push(tx, "event", &s.transfer_id, &event).await?;
    Ok(())
}
