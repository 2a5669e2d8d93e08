//! The operator's own identity and its API keys.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use super::{audit, change_tx, commit};
use crate::auth::keys::{self, Scope};
use crate::auth::Caller;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Operator {
    operator_id: String,
    key_id: String,
    scopes: Vec<Scope>,
    /// The key that owns this operator's wallets on chain and pays their rent and fees: fund it
    /// with SOL before creating accounts. `null` until the operator has one (ADR 0012).
    owner_address: Option<String>,
    /// The Solana cluster this server pays on, for links to an explorer.
    cluster: crate::cluster::Cluster,
}

/// Who is calling: the operator and key behind this request's signature.
#[utoipa::path(get, path = "/v1/operator", responses((status = 200, body = Operator)))]
pub(crate) async fn operator(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Operator>, Problem> {
    caller.require(Scope::Read)?;
    let owner_address = crate::custody::owner_address(&deps.db, caller.operator_id).await?;
    Ok(Json(Operator {
        operator_id: caller.operator_id.to_string(),
        key_id: caller.key_id,
        scopes: caller.scopes,
        owner_address,
        cluster: crate::cluster::Cluster::of(&deps.solana.url()),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    key_id: String,
    name: String,
    scopes: Vec<Scope>,
    revoked: bool,
}

/// The operator's API keys (never their secrets).
#[utoipa::path(get, path = "/v1/api-keys", responses((status = 200, body = [ApiKey])))]
pub(crate) async fn list_keys(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<ApiKey>>, Problem> {
    caller.require(Scope::Read)?;
    let stored = keys::list(&deps.db, caller.operator_id)
        .await
        .map_err(Problem::database)?;
    Ok(Json(
        stored
            .into_iter()
            .map(|k| ApiKey {
                key_id: k.key_id,
                name: k.name,
                scopes: k.scopes,
                revoked: k.revoked_at.is_some(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewApiKey {
    name: String,
    scopes: Vec<Scope>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    key_id: String,
    /// Shown once; the server keeps only a sealed key derived from it (`null` when an
    /// `Idempotency-Key` retry replays the creation).
    secret: Option<String>,
    scopes: Vec<Scope>,
}

/// A new key for the caller's operator, with at most the caller's own scopes. With an
/// `Idempotency-Key`, a retry returns the same key id with `secret: null`: the secret is never
/// stored, so a client that lost the first response revokes that key and makes another.
#[utoipa::path(post, path = "/v1/api-keys", request_body = NewApiKey, responses((status = 201, body = CreatedApiKey)))]
pub(crate) async fn create_key(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(new): ApiJson<NewApiKey>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Problem::invalid("name must be 1 to 200 characters"));
    }
    if new.scopes.is_empty() {
        return Err(Problem::invalid("scopes must name at least one scope"));
    }
    for scope in &new.scopes {
        // A key cannot mint a key stronger than itself.
        caller.require(*scope)?;
    }
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    let mut scopes = new.scopes;
    scopes.sort();
    scopes.dedup();
    let key = idempotency::key_of(&headers)?;
    let request = json!({ "name": name, "scopes": scopes });
    let fingerprint = idempotency::fingerprint("POST", "/v1/api-keys", &request);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    // The key, its audit entry and the saved response commit together.
    let created = keys::create(&mut *tx, master, caller.operator_id, name, &scopes)
        .await
        .map_err(Problem::database)?;
    audit(
        &mut tx,
        &caller,
        "api_key.created",
        &created.key_id,
        request,
    )
    .await?;
    let saved = json!({ "keyId": created.key_id, "secret": null, "scopes": scopes });
    commit(
        tx,
        &caller,
        key.as_deref(),
        StatusCode::CREATED,
        &saved.to_string(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key_id: created.key_id,
            secret: Some(created.secret),
            scopes,
        }),
    )
        .into_response())
}

/// Revokes one of the operator's keys; requests signed with it are refused from now on.
#[utoipa::path(delete, path = "/v1/api-keys/{key_id}", responses((status = 204), (status = 404)))]
pub(crate) async fn revoke_key(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(key_id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?;
    let path = format!("/v1/api-keys/{key_id}");
    let fingerprint = idempotency::fingerprint("DELETE", &path, &serde_json::Value::Null);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    if !keys::revoke(&mut *tx, caller.operator_id, &key_id)
        .await
        .map_err(Problem::database)?
    {
        return Err(Problem::not_found("no such API key"));
    }
    audit(&mut tx, &caller, "api_key.revoked", &key_id, json!({})).await?;
    commit(tx, &caller, key.as_deref(), StatusCode::NO_CONTENT, "").await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
