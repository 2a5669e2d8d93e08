//! The worker's dead jobs (ADR 0017): jobs that failed every try up to the retry cap, listed
//! with their last error, and replayed on an operator's word once the cause is fixed.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use super::{audit, change_tx, commit, pages};
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::idempotency;
use crate::problem::Problem;
use crate::ready::Dependencies;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadJob {
    job_id: i64,
    /// `transfer.settle` or `event`.
    kind: String,
    /// The transfer, account or session it is about.
    subject: String,
    attempts: i32,
    last_error: Option<String>,
    created_at: String,
    dead_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadJobPage {
    items: Vec<DeadJob>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeadJobQuery {
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The operator's dead jobs, newest first.
#[utoipa::path(get, path = "/v1/jobs/dead", params(DeadJobQuery), responses((status = 200, body = DeadJobPage)))]
pub(crate) async fn dead_jobs(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<DeadJobQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeadJobPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    let before = pages::id_cursor(query.cursor.as_deref())?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let rows = mpppal_db::outbox::dead(&mut conn, caller.operator_id, before, limit + 1)
        .await
        .map_err(Problem::database)?;
    let (rows, next_cursor) = pages::id_page(rows, limit, |j| j.outbox_id);
    Ok(Json(DeadJobPage {
        items: rows
            .into_iter()
            .map(|j| DeadJob {
                job_id: j.outbox_id,
                kind: j.kind,
                subject: j.subject,
                attempts: j.attempts,
                last_error: j.last_error,
                created_at: j.created_at,
                dead_at: j.dead_at,
            })
            .collect(),
        next_cursor,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplayedJob {
    job_id: i64,
    /// `waiting`: the worker takes it up again.
    status: &'static str,
}

/// Gives a dead job a fresh set of tries: the worker takes it up again at once.
#[utoipa::path(post, path = "/v1/jobs/{job_id}/replay",
    params(("job_id" = i64, Path, description = "the dead job's id, as `GET /v1/jobs/dead` lists it")),
    responses((status = 202, body = ReplayedJob), (status = 404, description = "not_found", content_type = "application/problem+json")))]
pub(crate) async fn replay_job(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let not_found = || Problem::not_found("no such dead job");
    let job_id: i64 = job_id.parse().map_err(|_| not_found())?;
    let key = idempotency::key_of(&headers)?;
    let path = format!("/v1/jobs/{job_id}/replay");
    let fingerprint = idempotency::fingerprint("POST", &path, &serde_json::Value::Null);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    if !mpppal_db::outbox::replay(&mut tx, caller.operator_id, job_id)
        .await
        .map_err(Problem::database)?
    {
        return Err(not_found());
    }
    audit(
        &mut tx,
        &caller,
        "job.replayed",
        &job_id.to_string(),
        json!({}),
    )
    .await?;
    let body = serde_json::to_value(ReplayedJob {
        job_id,
        status: "waiting",
    })
    .expect("serialises");
    commit(
        tx,
        &caller,
        key.as_deref(),
        StatusCode::ACCEPTED,
        &body.to_string(),
    )
    .await?;
    tracing::info!(job_id, "dead job replayed");
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}
