//! Delivering queued webhook messages: one try per message at a time (the message is leased to
//! its dispatcher while the request runs, with no database transaction open, so dispatchers side
//! by side never send the same try twice and a slow endpoint holds no connection), operators
//! served fairly, one attempt row per try, the retry schedule, and disabling an endpoint that
//! keeps failing.

use mpppal_db::deliveries::{self, Claim, Due, Outcome};
use serde_json::json;

use super::sign;
use crate::{Ctx, Retry};

/// Tries the next due message, if any; whether there was one (or may be one at once).
pub async fn dispatch_once(ctx: &Ctx) -> Result<bool, Retry> {
    // Longer than a try can take, so a lease runs out only when its dispatcher died.
    let lease = ctx.config.webhook_timeout.as_secs_f64() + 30.0;
    let due = match deliveries::claim(&ctx.db, lease).await? {
        Claim::Nothing => return Ok(false),
        Claim::Raced => return Ok(true),
        Claim::Message(due) => due,
    };
    let attempt = due.attempts + 1;
    // No transaction is open while the endpoint takes its time.
    let sent = send(ctx, &due).await;
    let mut tx = ctx.db.begin().await?;
    let (delivered, response_status, error) = match sent {
        Ok(status) if (200..300).contains(&status) => (true, Some(status as i16), None),
        Ok(status) => (
            false,
            Some(status as i16),
            Some(format!("the endpoint answered HTTP {status}")),
        ),
        Err(error) => (false, None, Some(error)),
    };
    let retry_in = if delivered {
        None
    } else {
        ctx.config
            .webhook_schedule
            .get(attempt as usize - 1)
            .map(|d| d.as_secs_f64())
    };
    let disabled = deliveries::record(
        &mut tx,
        &Outcome {
            endpoint_id: &due.endpoint_id,
            event_id: due.event_id,
            attempt,
            delivered,
            response_status,
            error: error.as_deref(),
        },
        retry_in,
        ctx.config.webhook_disable_after,
    )
    .await?;
    if let Some(reason) = &disabled {
        // The operator's other endpoints hear of it.
        mpppal_db::outbox::push(
            &mut tx,
            "event",
            &due.endpoint_id,
            &json!({ "type": "webhook.disabled", "subject": due.endpoint_id, "reason": reason }),
        )
        .await?;
    }
    tx.commit().await?;
    crate::metrics::get()
        .webhook_attempts
        .with_label_values(&[if delivered { "delivered" } else { "failed" }])
        .inc();
    let (endpoint_id, event_id) = (&due.endpoint_id, due.event_id);
    match (&error, retry_in) {
        (None, _) => tracing::debug!(endpoint_id, event_id, attempt, "webhook delivered"),
        (Some(error), Some(retry_in_secs)) => tracing::info!(
            endpoint_id,
            event_id,
            attempt,
            error,
            retry_in_secs,
            "webhook failed; will retry"
        ),
        (Some(error), None) => tracing::warn!(
            endpoint_id,
            event_id,
            attempt,
            error,
            "webhook failed; retry schedule spent"
        ),
    }
    if let Some(reason) = disabled {
        tracing::warn!(endpoint_id = %due.endpoint_id, reason, "webhook endpoint disabled");
    }
    Ok(true)
}

/// The message body: the event's type, when it happened, and its details.
pub fn body(due: &Due) -> Vec<u8> {
    let mut data: serde_json::Value = serde_json::from_str(&due.payload).unwrap_or(json!({}));
    let kind = data
        .as_object_mut()
        .and_then(|o| o.remove("type"))
        .unwrap_or(json!("unknown"));
    serde_json::to_vec(&json!({ "type": kind, "timestamp": due.event_at, "data": data }))
        .expect("JSON serialises")
}

/// One try: the HTTP status, or why there was none.
async fn send(ctx: &Ctx, due: &Due) -> Result<u16, String> {
    // An IP literal skips DNS, so it is checked here; names are checked as they resolve.
    ctx.config
        .egress
        .check_literal(&due.url)
        .map_err(|e| format!("refused: {e}"))?;
    let label = mpppal_vault::webhook_label(&due.endpoint_id);
    let secret = mpppal_vault::seal::open(&ctx.master_key, &label, &due.sealed_secret)
        .ok_or_else(|| "the endpoint's secret does not open under the master key".to_string())?;
    let id = sign::message_id(due.event_id);
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64;
    let body = body(due);
    let mut signature = sign::signature(&secret, &id, timestamp, &body);
    // During a rotation's overlap both signatures go out, space-separated (Standard Webhooks).
    if let Some(previous) = due
        .sealed_previous_secret
        .as_deref()
        .and_then(|sealed| mpppal_vault::seal::open(&ctx.master_key, &label, sealed))
    {
        signature = format!(
            "{signature} {}",
            sign::signature(&previous, &id, timestamp, &body)
        );
    }
    let response = ctx
        .http
        .post(&due.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| format!("no answer: {}", with_causes(&e)))?;
    Ok(response.status().as_u16())
}

/// An error and what caused it, as one line: reqwest's own message ("error sending request")
/// says nothing of why (refused, timed out, no public address).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        line.push_str(": ");
        line.push_str(&e.to_string());
        cause = e.source();
    }
    line
}
