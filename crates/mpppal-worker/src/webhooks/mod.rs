//! Webhooks (ADR 0015): an `event` job queues one message per subscribed endpoint
//! ([`fan_out`]); dispatchers deliver them, signed per Standard Webhooks ([`sign`]), retrying on
//! a schedule and disabling endpoints that keep failing ([`dispatch`]).

pub mod dispatch;
pub mod sign;

use crate::{Ctx, Retry};

/// The `event` job: queue the event for the operator's endpoints that take its type. Queuing
/// twice adds nothing, so the job is idempotent.
pub async fn fan_out(ctx: &Ctx, event_id: i64, payload: &serde_json::Value) -> Result<(), Retry> {
    let (Some(kind), Some(subject)) = (payload["type"].as_str(), payload["subject"].as_str())
    else {
        tracing::warn!(event_id, "an event without type or subject; dropped");
        return Ok(());
    };
    let mut conn = ctx.db.acquire().await?;
    let Some(operator) = mpppal_db::deliveries::operator_of(&mut conn, subject).await? else {
        tracing::warn!(event_id, subject, "an event about nothing known; dropped");
        return Ok(());
    };
    let queued = mpppal_db::deliveries::fan_out(&mut conn, operator, kind, event_id).await?;
    tracing::debug!(
        event_id,
        kind,
        subject,
        queued,
        "event queued for webhook endpoints"
    );
    Ok(())
}
