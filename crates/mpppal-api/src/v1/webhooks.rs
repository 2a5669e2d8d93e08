//! Webhook endpoints (ADR 0015): where MPPPal sends an operator's events, signed per Standard
//! Webhooks with a secret shown once at creation and kept sealed under the master key. Sending,
//! retries and disabling after sustained failure are the worker's.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use super::{audit, change_tx, commit};
use crate::auth::keys::{random_base62, Scope};
use crate::auth::{seal, Caller};
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// The event types an endpoint can ask for.
pub const EVENT_TYPES: [&str; 14] = [
    "transfer.created",
    "transfer.settled",
    "transfer.failed",
    "transfer.rejected",
    "receipts.settled",
    "receipts.failed",
    "escalation.required",
    "session.opened",
    "session.settled",
    "policy.updated",
    "account.paused",
    "account.unpaused",
    "reconciliation.difference",
    "webhook.disabled",
];

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhook {
    /// Where events are POSTed (http or https).
    url: String,
    /// Event types to send; empty or absent means all.
    #[serde(default)]
    events: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    endpoint_id: String,
    url: String,
    events: Vec<String>,
    /// `enabled` or `disabled`.
    status: String,
    disabled_reason: Option<String>,
    created_at: String,
    /// `whsec_…`: shown at creation only (`null` on a replay and in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl From<mpppal_db::webhooks::Endpoint> for Webhook {
    fn from(e: mpppal_db::webhooks::Endpoint) -> Self {
        Self {
            endpoint_id: e.endpoint_id,
            url: e.url,
            events: e.events,
            status: e.status,
            disabled_reason: e.disabled_reason,
            created_at: e.created_at,
            secret: None,
        }
    }
}

/// Registers an endpoint; the answer carries its signing secret, once.
#[utoipa::path(post, path = "/v1/webhooks", request_body = NewWebhook, responses((status = 201, body = Webhook)))]
pub(crate) async fn create_webhook(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(mut body): ApiJson<NewWebhook>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let url = body.url.trim().to_string();
    if url.len() > 2048 || !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Problem::invalid(
            "url must be an http(s) URL of at most 2048 bytes",
        ));
    }
    for event in &body.events {
        if !EVENT_TYPES.contains(&event.as_str()) {
            return Err(Problem::invalid(format!(
                "unknown event type {event:?}; known: {}",
                EVENT_TYPES.join(", ")
            )));
        }
    }
    // Last of the checks: it may ask DNS.
    deps.egress.check_url(&url).await.map_err(|why| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_webhook_url",
            format!("url {url:?} is refused: {why}"),
        )
    })?;
    body.events.sort();
    body.events.dedup();
    body.url = url;
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    let key = idempotency::key_of(&headers)?;
    let request = serde_json::to_value(&body).expect("serialises");
    let fingerprint = idempotency::fingerprint("POST", "/v1/webhooks", &request);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    room_for_an_endpoint(&mut tx, caller.operator_id).await?;
    let endpoint_id = format!("whk_{}", random_base62(24));
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random source");
    mpppal_db::webhooks::insert(
        &mut tx,
        &endpoint_id,
        caller.operator_id,
        &body.url,
        &body.events,
        &seal::seal(master, &mpppal_vault::webhook_label(&endpoint_id), &secret),
    )
    .await
    .map_err(Problem::database)?;
    audit(&mut tx, &caller, "webhook.created", &endpoint_id, request).await?;
    let stored = mpppal_db::webhooks::find(&mut tx, caller.operator_id, &endpoint_id)
        .await
        .map_err(Problem::database)?
        .expect("just inserted");
    let mut view = Webhook::from(stored);
    let saved = serde_json::to_string(&view).expect("serialises");
    commit(tx, &caller, key.as_deref(), StatusCode::CREATED, &saved).await?;
    view.secret = Some(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(secret)
    ));
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// The operator's endpoints (never their secrets).
#[utoipa::path(get, path = "/v1/webhooks", responses((status = 200, body = [Webhook])))]
pub(crate) async fn list_webhooks(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<Webhook>>, Problem> {
    caller.require(Scope::Read)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let endpoints = mpppal_db::webhooks::list(&mut conn, caller.operator_id)
        .await
        .map_err(Problem::database)?;
    Ok(Json(endpoints.into_iter().map(Webhook::from).collect()))
}

/// Stops deliveries to an endpoint (it stays listed, disabled, with the reason).
#[utoipa::path(delete, path = "/v1/webhooks/{endpoint_id}", responses((status = 204), (status = 404)))]
pub(crate) async fn disable_webhook(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(endpoint_id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?;
    let path = format!("/v1/webhooks/{endpoint_id}");
    let fingerprint = idempotency::fingerprint("DELETE", &path, &serde_json::Value::Null);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    if !mpppal_db::webhooks::disable(
        &mut tx,
        caller.operator_id,
        &endpoint_id,
        "disabled by the operator",
    )
    .await
    .map_err(Problem::database)?
    {
        return Err(Problem::not_found("no such webhook endpoint"));
    }
    audit(
        &mut tx,
        &caller,
        "webhook.disabled",
        &endpoint_id,
        json!({}),
    )
    .await?;
    commit(tx, &caller, key.as_deref(), StatusCode::NO_CONTENT, "").await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Most enabled endpoints one operator may have: every event is sent to each, so the cap bounds
/// what one operator's events cost the dispatchers every other operator shares.
pub(crate) const MAX_ENDPOINTS: i64 = 16;

/// 409 `too_many_endpoints` when the operator already has [`MAX_ENDPOINTS`] enabled endpoints.
pub(crate) async fn room_for_an_endpoint(
    tx: &mut sqlx::PgConnection,
    operator_id: sqlx::types::Uuid,
) -> Result<(), Problem> {
    let enabled = mpppal_db::webhooks::enabled_count(tx, operator_id)
        .await
        .map_err(Problem::database)?;
    if enabled >= MAX_ENDPOINTS {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "too_many_endpoints",
            format!("an operator has at most {MAX_ENDPOINTS} enabled webhook endpoints; disable one first"),
        ));
    }
    Ok(())
}
