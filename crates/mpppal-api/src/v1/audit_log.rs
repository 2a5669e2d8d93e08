//! The operator's own audit rows (ADR 0011), newest first. Each carries its chain hash, so an
//! operator can hold on to hashes and later show a row was not rewritten. `POST
//! /v1/audit/verify` has the server check the whole chain (every operator's rows, as `mpppal
//! audit verify` does) and answers only whether it holds and, if not, the number of the first
//! row that breaks it: no other operator's contents.

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
#[into_params(parameter_in = Query)]
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

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BrokenRow {
    /// The first row (by `seq`) that breaks the chain.
    seq: i64,
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    /// Every row's hash recomputed from the first matches.
    intact: bool,
    /// Rows checked (every operator's), up to the break if there is one.
    rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_altered: Option<BrokenRow>,
}

/// Checks the audit log's hash chain from its first row (read scope; it changes nothing).
#[utoipa::path(post, path = "/v1/audit/verify", responses((status = 200, body = AuditVerification)))]
pub(crate) async fn verify_audit(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<AuditVerification>, Problem> {
    caller.require(Scope::Read)?;
    let verdict = mpppal_db::audit::verify(&deps.db)
        .await
        .map_err(Problem::database)?;
    Ok(Json(match verdict {
        mpppal_db::audit::Verdict::Intact { rows } => AuditVerification {
            intact: true,
            rows,
            first_altered: None,
        },
        mpppal_db::audit::Verdict::Broken { seq, reason } => {
            tracing::error!(seq, %reason, "the audit log's chain is broken");
            AuditVerification {
                intact: false,
                rows: (seq - 1).max(0) as u64,
                first_altered: Some(BrokenRow { seq, reason }),
            }
        }
    }))
}
