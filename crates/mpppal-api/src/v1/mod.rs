//! `/v1`: everything behind the signature check. Each file holds one resource; this one holds
//! the router and what every change shares (its transaction, its saved response, its audit row).

mod accounts;
mod audit_log;
mod custodial;
mod custodial_tx;
mod escalations;
mod events;
mod jobs;
mod keys;
mod overview;
mod pages;
mod policies;
mod policy_body;
mod receipts;
mod reconciliation;
mod sessions;
mod spend;
mod spend_over_time;
mod transfers;
mod webhook_deliveries;
mod webhooks;

pub(crate) use accounts::*;
pub(crate) use audit_log::*;
pub(crate) use custodial::*;
pub(crate) use custodial_tx::*;
pub use escalations::expire_due;
pub(crate) use escalations::*;
pub(crate) use events::*;
pub(crate) use jobs::*;
pub(crate) use keys::*;
pub(crate) use overview::*;
pub(crate) use policies::*;
pub(crate) use receipts::*;
pub(crate) use reconciliation::*;
pub(crate) use sessions::*;
pub(crate) use spend_over_time::*;
pub(crate) use transfers::*;
pub(crate) use webhook_deliveries::*;
pub(crate) use webhooks::*;

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use sqlx::{Postgres, Transaction};
use std::sync::Arc;

use crate::auth::{verify, Caller};
use crate::idempotency::{self, Begun};
use crate::problem::Problem;
use crate::ready::Dependencies;

pub fn router(deps: Arc<Dependencies>) -> Router<Arc<Dependencies>> {
    Router::new()
        .route("/v1/operator", get(operator))
        .route("/v1/api-keys", get(list_keys).post(create_key))
        .route("/v1/api-keys/{key_id}", delete(revoke_key))
        .route("/v1/accounts", get(list_accounts).post(create_account))
        .route("/v1/accounts/{account_id}", get(get_account))
        .route("/v1/accounts/{account_id}/balance", get(account_balance))
        .route("/v1/accounts/{account_id}/pause", post(pause_account))
        .route("/v1/accounts/{account_id}/unpause", post(unpause_account))
        .route(
            "/v1/accounts/{account_id}/policy",
            get(get_policy).put(replace_policy),
        )
        .route(
            "/v1/accounts/{account_id}/policy/versions",
            get(policy_versions),
        )
        .route("/v1/handles/{handle}", get(resolve_handle))
        .route("/v1/transfers", get(list_transfers).post(create_transfer))
        .route("/v1/transfers/{transfer_id}", get(get_transfer))
        .route("/v1/escalations", get(list_escalations))
        .route("/v1/escalations/{escalation_id}", get(get_escalation))
        .route(
            "/v1/escalations/{escalation_id}/approve",
            post(approve_escalation),
        )
        .route(
            "/v1/escalations/{escalation_id}/deny",
            post(deny_escalation),
        )
        .route("/v1/receipts", get(list_receipts).post(report_receipts))
        .route("/v1/accounts/{account_id}/receipts", post(sign_receipt))
        .route(
            "/v1/accounts/{account_id}/transactions",
            post(request_transaction),
        )
        .route(
            "/v1/accounts/{account_id}/transactions/{transfer_id}",
            post(approved_transaction),
        )
        .route("/v1/sessions", get(list_sessions).post(open_session))
        .route("/v1/audit", get(audit_log))
        .route("/v1/audit/verify", post(verify_audit))
        .route("/v1/overview", get(overview))
        .route("/v1/spend", get(spend))
        .route("/v1/events", get(events))
        .route("/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route("/v1/webhooks/{endpoint_id}", delete(disable_webhook))
        .route(
            "/v1/webhooks/{endpoint_id}/deliveries",
            get(list_deliveries),
        )
        .route("/v1/webhooks/{endpoint_id}/resend", post(resend_event))
        .route("/v1/webhooks/{endpoint_id}/enable", post(enable_webhook))
        .route(
            "/v1/webhooks/{endpoint_id}/rotate-secret",
            post(rotate_secret),
        )
        .route("/v1/jobs/dead", get(dead_jobs))
        .route("/v1/jobs/{job_id}/replay", post(replay_job))
        .route("/v1/reconciliation", get(open_differences))
        .route("/v1/sessions/{session_id}", get(get_session))
        .route("/v1/sessions/{session_id}/vouchers", post(report_voucher))
        .route("/v1/sessions/{session_id}/close", post(close_session))
        .layer(axum::middleware::from_fn_with_state(
            deps,
            verify::authenticate,
        ))
}

/// The transaction a change runs in: claimed under the request's `Idempotency-Key` when it has
/// one (or the saved response of the first request with that key), a plain one otherwise.
pub(super) async fn change_tx(
    deps: &Dependencies,
    caller: &Caller,
    key: Option<&str>,
    fingerprint: [u8; 32],
) -> Result<Result<Transaction<'static, Postgres>, Response>, Problem> {
    match key {
        Some(key) => Ok(
            match idempotency::begin(&deps.db, caller.operator_id, key, &fingerprint).await? {
                Begun::Fresh(tx) => Ok(tx),
                Begun::Replay(response) => Err(response),
            },
        ),
        None => Ok(Ok(deps.db.begin().await.map_err(Problem::database)?)),
    }
}

/// Commits `tx`, saving `saved` as the response a retry with the same key gets.
pub(super) async fn commit(
    tx: Transaction<'static, Postgres>,
    caller: &Caller,
    key: Option<&str>,
    status: StatusCode,
    saved: &str,
) -> Result<(), Problem> {
    match key {
        Some(key) => idempotency::finish(tx, caller.operator_id, key, status, saved).await,
        None => tx.commit().await.map_err(Problem::database),
    }
}

/// Records what `caller` did, in the transaction of the change itself.
pub(super) async fn audit(
    tx: &mut sqlx::PgConnection,
    caller: &Caller,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<(), Problem> {
    mpppal_db::audit::append(
        tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(caller.operator_id),
            actor: &caller.key_id,
            action,
            subject,
            details,
        },
    )
    .await
    .map(|_| ())
    .map_err(Problem::database)
}
