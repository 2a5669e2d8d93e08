//! What the worker's reconciler found between the ledger and the chain and has not yet seen
//! resolved (ADR 0017).

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use std::sync::Arc;

use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// Most differences one answer lists.
const LIMIT: i64 = 500;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DifferenceView {
    /// `overdue_transfer`, `dead_settlement`, `settled_not_on_chain`, `wallet_missing`,
    /// `policy_behind_chain` or `policy_ahead_of_chain`.
    kind: String,
    /// The transfer or account it is about.
    subject: String,
    detail: String,
    first_seen: String,
    last_seen: String,
}

/// Open differences, most recently seen first (at most 500).
#[utoipa::path(get, path = "/v1/reconciliation", responses((status = 200, body = [DifferenceView])))]
pub(crate) async fn open_differences(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<DifferenceView>>, Problem> {
    caller.require(Scope::Read)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let rows = mpppal_db::reconciliation::open(&mut conn, caller.operator_id, LIMIT)
        .await
        .map_err(Problem::database)?;
    Ok(Json(
        rows.into_iter()
            .map(|d| DifferenceView {
                kind: d.kind,
                subject: d.subject,
                detail: d.detail,
                first_seen: d.first_seen,
                last_seen: d.last_seen,
            })
            .collect(),
    ))
}
