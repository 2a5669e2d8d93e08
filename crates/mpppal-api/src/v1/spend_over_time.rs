//! `GET /v1/spend`: spend over time in hour or day buckets, by account, provider or category,
//! for the dashboard's charts.

use axum::extract::{Query, State};
use axum::{Extension, Json};
use mpppal_db::spend::By;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::pages;
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// Widest range one answer covers, by bucket: 31 days of hours, 400 days of days.
const HOURS_MAX: i64 = 31 * 86_400;
const DAYS_MAX: i64 = 400 * 86_400;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpendQuery {
    /// Start (RFC 3339, included); default: `to` less 7 days.
    from: Option<String>,
    /// End (RFC 3339, excluded); default: now.
    to: Option<String>,
    /// `hour` or `day` (default).
    bucket: Option<String>,
    /// `account` (default), `provider` (the recipient: an address, or a session's provider
    /// URL) or `category`.
    by: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpendPoint {
    /// The bucket's start, RFC 3339 UTC.
    start: String,
    /// Base units.
    amount: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpendSeries {
    /// The account id, provider or category (`uncategorised` when a payment names none).
    key: String,
    /// Buckets with spend, oldest first (empty buckets are left out).
    points: Vec<SpendPoint>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Spend {
    bucket: String,
    by: String,
    from: String,
    to: String,
    series: Vec<SpendSeries>,
}

/// Spend between `from` and `to`: transfers waiting for approval, pending or settled, deferred
/// receipts not rejected or expired, and what sessions paid, each counted when it was made.
#[utoipa::path(get, path = "/v1/spend", params(SpendQuery), responses(
    (status = 200, body = Spend),
    (status = 400, description = "invalid_query", content_type = "application/problem+json")))]
pub(crate) async fn spend(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<SpendQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Spend>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let bucket = query.bucket.unwrap_or_else(|| "day".into());
    let widest = match bucket.as_str() {
        "hour" => HOURS_MAX,
        "day" => DAYS_MAX,
        _ => return Err(Problem::invalid_query("bucket must be hour or day")),
    };
    let by_name = query.by.unwrap_or_else(|| "account".into());
    let by = match by_name.as_str() {
        "account" => By::Account,
        "provider" => By::Provider,
        "category" => By::Category,
        _ => {
            return Err(Problem::invalid_query(
                "by must be account, provider or category",
            ))
        }
    };
    // Default: up to the end of the current second, so what was paid just now is counted.
    let to = pages::moment("to", query.to.as_deref())?
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().unix_timestamp() + 1);
    let from = pages::moment("from", query.from.as_deref())?.unwrap_or(to - 7 * 86_400);
    if from >= to {
        return Err(Problem::invalid_query("from must be before to"));
    }
    if to - from > widest {
        return Err(Problem::invalid_query(format!(
            "one answer covers at most {} days in {bucket} buckets",
            widest / 86_400
        )));
    }
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let points = mpppal_db::spend::buckets(&mut conn, caller.operator_id, from, to, &bucket, by)
        .await
        .map_err(Problem::database)?;
    let mut series: Vec<SpendSeries> = Vec::new();
    for p in points {
        let point = SpendPoint {
            start: p.start,
            amount: p.amount as u64,
        };
        match series.last_mut() {
            Some(last) if last.key == p.key => last.points.push(point),
            _ => series.push(SpendSeries {
                key: p.key,
                points: vec![point],
            }),
        }
    }
    Ok(Json(Spend {
        bucket,
        by: by_name,
        from: rfc3339(from),
        to: rfc3339(to),
        series,
    }))
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
