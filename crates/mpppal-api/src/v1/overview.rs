//! `GET /v1/overview`: the operator's day at a glance, for the dashboard's first page.

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use std::sync::Arc;

use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::ready::{check, Dependencies};

/// Most accounts the overview lists (newest first).
const ACCOUNTS: i64 = 200;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountToday {
    account_id: String,
    name: String,
    handle: Option<String>,
    /// `active` or `paused`.
    status: String,
    /// `custodial` or `non_custodial`.
    custody: String,
    /// Base units the day's budget holds: settled, pending and waiting-for-approval payments.
    spent_today: u64,
    /// The cap of the policy in force; `null` before the account has a policy.
    max_daily_spend: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema, Default)]
pub struct Tally {
    count: u64,
    /// Base units.
    amount: u64,
}

#[derive(Serialize, utoipa::ToSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct TransferTallies {
    pending_approval: Tally,
    pending: Tally,
    settled: Tally,
    rejected: Tally,
    failed: Tally,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RpcHealth {
    up: bool,
    slot: Option<u64>,
    latency_ms: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerHealth {
    /// Jobs waiting for the settlement worker or in its hands (every operator's).
    queue_depth: u64,
    /// This operator's jobs that failed for good (`GET /v1/jobs/dead`).
    dead_jobs: u64,
    rpc: RpcHealth,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// The UTC day the spend counts against, `YYYY-MM-DD`.
    day: String,
    accounts: Vec<AccountToday>,
    transfers: TransferTallies,
    escalations_pending: u64,
    worker: WorkerHealth,
}

/// Today's spend of each account against its daily cap, transfers by status, open escalations
/// and the health of settlement.
#[utoipa::path(get, path = "/v1/overview", responses((status = 200, body = Overview)))]
pub(crate) async fn overview(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Overview>, Problem> {
    caller.require(Scope::Read)?;
    let now = time::OffsetDateTime::now_utc();
    let day = mpppal_policy::utc_day(now.unix_timestamp());
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let db = &mut *conn;
    let operator = caller.operator_id;
    let accounts = mpppal_db::overview::accounts(db, operator, day, ACCOUNTS)
        .await
        .map_err(Problem::database)?;
    let totals = mpppal_db::overview::transfers_by_status(db, operator)
        .await
        .map_err(Problem::database)?;
    let escalations_pending = mpppal_db::overview::pending_escalations(db, operator)
        .await
        .map_err(Problem::database)?;
    let depth = mpppal_db::outbox::depth(db)
        .await
        .map_err(Problem::database)?;
    let dead_jobs = mpppal_db::outbox::dead_count(db, operator)
        .await
        .map_err(Problem::database)?;
    drop(conn);
    let checks = check(&deps).await;
    let mut transfers = TransferTallies::default();
    for t in totals {
        let tally = match t.status.as_str() {
            "pending_approval" => &mut transfers.pending_approval,
            "pending" => &mut transfers.pending,
            "settled" => &mut transfers.settled,
            "rejected" => &mut transfers.rejected,
            _ => &mut transfers.failed,
        };
        tally.count += t.count as u64;
        tally.amount += t.amount as u64;
    }
    Ok(Json(Overview {
        day: format!(
            "{:04}-{:02}-{:02}",
            now.year(),
            u8::from(now.month()),
            now.day()
        ),
        accounts: accounts
            .into_iter()
            .map(|a| AccountToday {
                account_id: a.account_id,
                name: a.name,
                handle: a.handle,
                status: a.status,
                custody: a.custody,
                spent_today: a.spent_today as u64,
                max_daily_spend: a.max_daily_spend.map(|m| m as u64),
            })
            .collect(),
        transfers,
        escalations_pending: escalations_pending as u64,
        worker: WorkerHealth {
            queue_depth: (depth.waiting + depth.in_flight) as u64,
            dead_jobs: dead_jobs as u64,
            rpc: RpcHealth {
                up: checks.solana == "ok",
                slot: checks.solana_slot,
                latency_ms: checks.solana_latency_ms,
            },
        },
    }))
}
