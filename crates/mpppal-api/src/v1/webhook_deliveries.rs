//! What happened to an endpoint's messages (one row per try), and the operator's levers: send
//! an event again, turn a disabled endpoint back on, rotate its signing secret.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use super::{audit, change_tx, commit, pages};
use crate::auth::keys::Scope;
use crate::auth::{seal, Caller};
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// How long the previous secret still signs after a rotation.
const ROTATION_OVERLAP_SECS: f64 = 24.0 * 3600.0;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    delivery_id: i64,
    /// The event; its `webhook-id` is `evt_<eventId>` on every try.
    event_id: i64,
    event_type: String,
    /// 1 for the first try.
    attempt: i32,
    /// `delivered`; `pending` (failed, another try at `nextAttemptAt`); `failed` (no more tries).
    status: String,
    response_status: Option<i16>,
    error: Option<String>,
    attempted_at: String,
    next_attempt_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryPage {
    items: Vec<DeliveryView>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryQuery {
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The caller's endpoint, or 404.
async fn owned(
    conn: &mut sqlx::PgConnection,
    caller: &Caller,
    endpoint_id: &str,
) -> Result<mpppal_db::webhooks::Endpoint, Problem> {
    mpppal_db::webhooks::find(conn, caller.operator_id, endpoint_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such webhook endpoint"))
}

/// The endpoint's delivery tries, newest first.
#[utoipa::path(get, path = "/v1/webhooks/{endpoint_id}/deliveries", params(DeliveryQuery),
    responses((status = 200, body = DeliveryPage), (status = 404)))]
pub(crate) async fn list_deliveries(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(endpoint_id): Path<String>,
    query: Result<Query<DeliveryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeliveryPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    let before = pages::id_cursor(query.cursor.as_deref())?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    owned(&mut conn, &caller, &endpoint_id).await?;
    let rows = mpppal_db::deliveries::list(&mut conn, &endpoint_id, before, limit + 1)
        .await
        .map_err(Problem::database)?;
    let (rows, next_cursor) = pages::id_page(rows, limit, |d| d.delivery_id);
    Ok(Json(DeliveryPage {
        items: rows
            .into_iter()
            .map(|d| DeliveryView {
                delivery_id: d.delivery_id,
                event_id: d.event_id,
                event_type: d.event_type,
                attempt: d.attempt,
                status: d.status,
                response_status: d.response_status,
                error: d.error,
                attempted_at: d.attempted_at,
                next_attempt_at: d.next_attempt_at,
            })
            .collect(),
        next_cursor,
    }))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResendBody {
    /// The event to send again (`eventId` of a delivery).
    event_id: i64,
}

/// Sends an event to the endpoint again now, under the same `webhook-id`.
#[utoipa::path(post, path = "/v1/webhooks/{endpoint_id}/resend", request_body = ResendBody,
    responses((status = 202), (status = 404), (status = 409, description = "endpoint_disabled")))]
pub(crate) async fn resend_event(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(endpoint_id): Path<String>,
    ApiJson(body): ApiJson<ResendBody>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?;
    let path = format!("/v1/webhooks/{endpoint_id}/resend");
    let request = serde_json::to_value(&body).expect("serialises");
    let fingerprint = idempotency::fingerprint("POST", &path, &request);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let endpoint = owned(&mut tx, &caller, &endpoint_id).await?;
    if endpoint.status != "enabled" {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "endpoint_disabled",
            "the endpoint is disabled; enable it first (POST …/enable)",
        ));
    }
    if !mpppal_db::deliveries::resend(&mut tx, &endpoint_id, body.event_id)
        .await
        .map_err(Problem::database)?
    {
        return Err(Problem::not_found(
            "this endpoint never had that event; see its deliveries for event ids",
        ));
    }
    audit(&mut tx, &caller, "webhook.resent", &endpoint_id, request).await?;
    let answer = json!({ "endpointId": endpoint_id, "eventId": body.event_id, "status": "queued" });
    commit(
        tx,
        &caller,
        key.as_deref(),
        StatusCode::ACCEPTED,
        &answer.to_string(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// Turns a disabled endpoint back on (its failure count starts again from zero).
#[utoipa::path(post, path = "/v1/webhooks/{endpoint_id}/enable", responses((status = 204), (status = 404)))]
pub(crate) async fn enable_webhook(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(endpoint_id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?;
    let path = format!("/v1/webhooks/{endpoint_id}/enable");
    let fingerprint = idempotency::fingerprint("POST", &path, &serde_json::Value::Null);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    super::webhooks::room_for_an_endpoint(&mut tx, caller.operator_id).await?;
    if !mpppal_db::deliveries::enable(&mut tx, caller.operator_id, &endpoint_id)
        .await
        .map_err(Problem::database)?
    {
        return Err(Problem::not_found("no such webhook endpoint"));
    }
    audit(&mut tx, &caller, "webhook.enabled", &endpoint_id, json!({})).await?;
    commit(tx, &caller, key.as_deref(), StatusCode::NO_CONTENT, "").await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RotatedSecret {
    endpoint_id: String,
    /// `whsec_…`: shown this once.
    secret: String,
    /// How long messages still carry a signature under the previous secret too.
    previous_secret_valid_for_seconds: u64,
}

/// A new signing secret, shown once. For 24 hours messages carry signatures under both the new
/// and the previous secret, so the receiver can switch without dropping any.
#[utoipa::path(post, path = "/v1/webhooks/{endpoint_id}/rotate-secret",
    responses((status = 200, body = RotatedSecret), (status = 404, description = "not_found", content_type = "application/problem+json")))]
pub(crate) async fn rotate_secret(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(endpoint_id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random source");
    let mut tx = deps.db.begin().await.map_err(Problem::database)?;
    let sealed = seal::seal(master, &mpppal_vault::webhook_label(&endpoint_id), &secret);
    if !mpppal_db::deliveries::rotate_secret(
        &mut tx,
        caller.operator_id,
        &endpoint_id,
        &sealed,
        ROTATION_OVERLAP_SECS,
    )
    .await
    .map_err(Problem::database)?
    {
        return Err(Problem::not_found("no such webhook endpoint"));
    }
    audit(
        &mut tx,
        &caller,
        "webhook.secret_rotated",
        &endpoint_id,
        json!({}),
    )
    .await?;
    tx.commit().await.map_err(Problem::database)?;
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(secret)
    );
    // Not saved for idempotent replay: a secret is shown once.
    Ok(Json(RotatedSecret {
        endpoint_id,
        secret,
        previous_secret_valid_for_seconds: ROTATION_OVERLAP_SECS as u64,
    })
    .into_response())
}
