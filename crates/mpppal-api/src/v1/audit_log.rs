//! The operator's own audit rows (ADR 0011), newest first. Each carries its chain hash, so an
//! operator can hold on to hashes and later show a row was not rewritten; verifying the whole
//! chain (`mpppal audit verify`) needs every operator's rows and stays with whoever runs MPPPal.

use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::pages;
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::ready::Dependencies;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// The row's place in the chain (gaps are other operators' rows).
    seq: i64,
    at: String,
    /// An API key id, `oidc:<subject>`, `cli` or `system`.
    actor: String,
    action: String,
    subject: String,
    details: serde_json::Value,
    /// SHA-256 chain hash of the row, hex.
    hash: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    items: Vec<AuditEntry>,
    /// Pass as `before` for older rows; `null` at the start of the log.
    next_before: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditQuery {
    /// Only rows older than this `seq`.
    before: Option<i64>,
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
}

/// The caller's operator's audit rows, newest first.
#[utoipa::path(get, path = "/v1/audit", params(AuditQuery), responses((status = 200, body = AuditPage)))]
pub(crate) async fn audit_log(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let mut rows = mpppal_db::audit::list(&mut conn, caller.operator_id, query.before, limit + 1)
        .await
        .map_err(Problem::database)?;
    let next_before = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    Ok(Json(AuditPage {
        items: rows
            .into_iter()
            .map(|r| AuditEntry {
                seq: r.seq,
                at: r.at,
                actor: r.actor,
                action: r.action,
                subject: r.subject,
                details: serde_json::from_str(&r.details)
                    .unwrap_or(serde_json::Value::String(r.details)),
                hash: hex::encode(r.hash),
            })
            .collect(),
        next_before,
    }))
}
