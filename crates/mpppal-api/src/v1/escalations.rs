//! Escalations: a transfer above the escalation threshold waits for an operator. Approval sends
//! it to settlement with the owner's co-signature; denial, or no decision before it expires,
//! rejects it and gives its reserved budget back.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use mpppal_db::escalations::{self, Escalation};
use mpppal_db::{budget, outbox, transfers};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::types::Uuid;
use std::sync::Arc;

use super::transfers::event;
use super::{audit, change_tx, commit, pages};
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::idempotency;
use crate::json::OptionalJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EscalationView {
    escalation_id: String,
    transfer_id: String,
    account_id: String,
    amount: u64,
    threshold: u64,
    /// `pending`, `approved`, `denied` or `expired`.
    status: String,
    expires_at: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    note: Option<String>,
    created_at: String,
}

impl From<Escalation> for EscalationView {
    fn from(e: Escalation) -> Self {
        Self {
            escalation_id: e.escalation_id,
            transfer_id: e.transfer_id,
            account_id: e.account_id,
            amount: e.amount as u64,
            threshold: e.threshold as u64,
            status: e.status,
            expires_at: e.expires_at,
            decided_by: e.decided_by,
            decided_at: e.decided_at,
            note: e.note,
            created_at: e.created_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EscalationQuery {
    /// `pending`, `approved`, `denied` or `expired`.
    status: Option<String>,
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EscalationPage {
    items: Vec<EscalationView>,
    next_cursor: Option<String>,
}

/// The operator's escalations, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/escalations", params(EscalationQuery), responses((status = 200, body = EscalationPage)))]
pub(crate) async fn list_escalations(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<EscalationQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<EscalationPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    pages::status(
        query.status.as_deref(),
        &["pending", "approved", "denied", "expired"],
    )?;
    let after = query
        .cursor
        .as_deref()
        .map(|c| pages::parse_cursor(c, "esc_"))
        .transpose()?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let rows = escalations::list(
        &mut conn,
        caller.operator_id,
        query.status.as_deref(),
        after,
        limit + 1,
    )
    .await
    .map_err(Problem::database)?;
    let (rows, next_cursor) = pages::page(rows, limit, |e| (e.created_micros, &e.escalation_id));
    Ok(Json(EscalationPage {
        items: rows.into_iter().map(EscalationView::from).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/v1/escalations/{escalation_id}", responses((status = 200, body = EscalationView), (status = 404)))]
pub(crate) async fn get_escalation(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(escalation_id): Path<String>,
) -> Result<Json<EscalationView>, Problem> {
    caller.require(Scope::Read)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    escalations::find(&mut conn, caller.operator_id, &escalation_id, false)
        .await
        .map_err(Problem::database)?
        .map(|e| Json(e.into()))
        .ok_or_else(|| Problem::not_found("no such escalation"))
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    /// Why, for the audit log (at most 500 characters).
    note: Option<String>,
}

/// Approves: the transfer goes to settlement, co-signed by the operator's owner key.
#[utoipa::path(post, path = "/v1/escalations/{escalation_id}/approve", request_body = Decision,
    responses((status = 200, body = EscalationView),
              (status = 403, description = "insufficient_scope (approving takes the approve scope) or own_transfer (the caller asked for this transfer)", content_type = "application/problem+json"),
              (status = 404), (status = 409, description = "escalation_decided or escalation_expired")))]
pub(crate) async fn approve_escalation(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(escalation_id): Path<String>,
    OptionalJson(decision): OptionalJson<Decision>,
) -> Result<Response, Problem> {
    decide(deps, caller, headers, escalation_id, decision, true).await
}

/// Denies: the transfer is rejected and its reserved budget given back.
#[utoipa::path(post, path = "/v1/escalations/{escalation_id}/deny", request_body = Decision,
    responses((status = 200, body = EscalationView), (status = 404), (status = 409, description = "escalation_decided or escalation_expired")))]
pub(crate) async fn deny_escalation(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(escalation_id): Path<String>,
    OptionalJson(decision): OptionalJson<Decision>,
) -> Result<Response, Problem> {
    decide(deps, caller, headers, escalation_id, decision, false).await
}

async fn decide(
    deps: Arc<Dependencies>,
    caller: Caller,
    headers: HeaderMap,
    escalation_id: String,
    decision: Decision,
    approve: bool,
) -> Result<Response, Problem> {
    // Denying moves no money: any writer may. Approving takes the `approve` scope (people signed
    // in have it), and is refused below to whoever asked for the transfer.
    caller.require(if approve {
        Scope::Approve
    } else {
        Scope::Write
    })?;
    if decision
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > 500)
    {
        return Err(Problem::invalid("note must be at most 500 characters"));
    }
    let verb = if approve { "approve" } else { "deny" };
    let path = format!("/v1/escalations/{escalation_id}/{verb}");
    let request = serde_json::to_value(&decision).expect("serialises");
    let key = idempotency::key_of(&headers)?;
    let fingerprint = idempotency::fingerprint("POST", &path, &request);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let escalation = match pending(&mut tx, caller.operator_id, &escalation_id).await {
        Ok(escalation) => escalation,
        Err(problem) => {
            // Let go of the row before answering: a dropped transaction rolls back only when
            // its connection is next used, and until then a sweep would skip the locked row.
            let _ = tx.rollback().await;
            return Err(problem);
        }
    };
    if approve {
        let creator = transfers::created_by(&mut tx, &escalation.transfer_id)
            .await
            .map_err(Problem::database)?;
        if creator.as_deref() == Some(caller.key_id.as_str()) {
            let _ = tx.rollback().await;
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "own_transfer",
                "the key or person that asked for a transfer cannot approve it; another must",
            ));
        }
    }
    if approve {
        // Waiting since an earlier UTC day: the chain will count the payment today, so its
        // hold moves to today's budget, which must have room for it.
        let transfer = transfers::get(&mut tx, &escalation.transfer_id)
            .await
            .map_err(Problem::database)?
            .ok_or_else(|| Problem::not_found("the escalation's transfer is missing"))?;
        let today = mpppal_policy::utc_day(time::OffsetDateTime::now_utc().unix_timestamp());
        if let Err(reason) = super::spend::hold_on(&mut tx, &transfer, today).await? {
            let _ = tx.rollback().await;
            let mut problem = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "payment_denied",
                format!(
                    "this payment waited since an earlier day and today's budget cannot take it: {reason}; it stays waiting"
                ),
            );
            problem.extra = json!({ "reason": reason.code() });
            return Err(problem);
        }
    }
    let note = decision.note.as_deref();
    if approve {
        escalations::decide(&mut tx, &escalation_id, "approved", &caller.key_id, note)
            .await
            .map_err(Problem::database)?;
        transfers::decide(&mut tx, &escalation.transfer_id, true, None)
            .await
            .map_err(Problem::database)?;
        outbox::push(
            &mut tx,
            "transfer.settle",
            &escalation.transfer_id,
            &json!({ "transferId": escalation.transfer_id, "ownerCosigned": true }),
        )
        .await
        .map_err(Problem::database)?;
        event(&mut tx, "transfer.created", &escalation.transfer_id).await?;
    } else {
        refuse(
            &mut tx,
            &escalation_id,
            &escalation.transfer_id,
            "denied",
            &caller.key_id,
            note,
        )
        .await?;
    }
    audit(
        &mut tx,
        &caller,
        if approve {
            "escalation.approved"
        } else {
            "escalation.denied"
        },
        &escalation_id,
        json!({ "transferId": escalation.transfer_id, "note": note }),
    )
    .await?;
    let decided = escalations::find(&mut tx, caller.operator_id, &escalation_id, false)
        .await
        .map_err(Problem::database)?
        .expect("locked above");
    let view = EscalationView::from(decided);
    let saved = serde_json::to_string(&view).expect("serialises");
    commit(tx, &caller, key.as_deref(), StatusCode::OK, &saved).await?;
    tracing::info!(%escalation_id, approve, "escalation decided");
    Ok((StatusCode::OK, Json(view)).into_response())
}

/// Denies (or expires) a pending escalation: the transfer is rejected, its budget released.
async fn refuse(
    tx: &mut sqlx::PgConnection,
    escalation_id: &str,
    transfer_id: &str,
    status: &str,
    decided_by: &str,
    note: Option<&str>,
) -> Result<(), Problem> {
    escalations::decide(tx, escalation_id, status, decided_by, note)
        .await
        .map_err(Problem::database)?;
    let reason = if status == "expired" {
        "no operator approved the payment before its escalation expired"
    } else {
        "an operator denied the payment"
    };
    transfers::decide(tx, transfer_id, false, Some(reason))
        .await
        .map_err(Problem::database)?;
    let transfer = transfers::get(tx, transfer_id)
        .await
        .map_err(Problem::database)?
        .expect("an escalation's transfer exists");
    budget::release(
        tx,
        &transfer.account_id,
        transfer.spend_day,
        transfer.amount,
    )
    .await
    .map_err(Problem::database)?;
    event(tx, "transfer.rejected", transfer_id).await
}

/// The escalation, locked, if it can still be decided: pending and not expired.
async fn pending(
    tx: &mut sqlx::PgConnection,
    operator_id: Uuid,
    escalation_id: &str,
) -> Result<Escalation, Problem> {
    let escalation = escalations::find(tx, operator_id, escalation_id, true)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such escalation"))?;
    if escalation.status != "pending" {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "escalation_decided",
            format!("the escalation is already {}", escalation.status),
        ));
    }
    if escalations::is_expired(tx, escalation_id)
        .await
        .map_err(Problem::database)?
    {
        // Too late to approve; the sweeper will record the expiry (denying is moot too).
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "escalation_expired",
            format!("the escalation expired at {}", escalation.expires_at),
        ));
    }
    Ok(escalation)
}

/// Expires every escalation whose time is up: each transfer is rejected and its budget given
/// back, with an audit row by `system`. Returns how many expired. `mpppal serve` runs this every
/// few seconds; any number of replicas may, since each takes only rows no other holds.
pub async fn expire_due(db: &sqlx::PgPool) -> Result<usize, Problem> {
    let mut tx = db.begin().await.map_err(Problem::database)?;
    let due = escalations::due(&mut tx, 100)
        .await
        .map_err(Problem::database)?;
    for (escalation_id, transfer_id, operator_id) in &due {
        refuse(
            &mut tx,
            escalation_id,
            transfer_id,
            "expired",
            "system",
            None,
        )
        .await?;
        expired_audit(&mut tx, *operator_id, escalation_id, transfer_id).await?;
        tracing::info!(%escalation_id, %transfer_id, "escalation expired; transfer rejected");
    }
    tx.commit().await.map_err(Problem::database)?;
    Ok(due.len())
}

async fn expired_audit(
    tx: &mut sqlx::PgConnection,
    operator_id: Uuid,
    escalation_id: &str,
    transfer_id: &str,
) -> Result<(), Problem> {
    mpppal_db::audit::append(
        tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(operator_id),
            actor: "system",
            action: "escalation.expired",
            subject: escalation_id,
            details: json!({ "transferId": transfer_id }),
        },
    )
    .await
    .map(|_| ())
    .map_err(Problem::database)
}
