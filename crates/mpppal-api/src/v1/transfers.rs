//! Direct transfers (ADR 0013): the policy decides (the same `mpppal-policy` rules the program
//! applies on chain), the day's budget is reserved atomically, and the transfer, its outbox job
//! and its audit row commit together. Settlement on chain is the worker's.

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use mpppal_db::accounts::{self, Lock};
use mpppal_db::transfers::{self, NewTransfer, Transfer};
use mpppal_db::{escalations, outbox};
use mpppal_policy::{Payment, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::str::FromStr;
use std::sync::Arc;

use super::accounts::check_handle;
use super::spend::{self, Decision};
use super::{audit, change_tx, commit, pages};
use crate::auth::keys::{random_base62, Scope};
use crate::auth::Caller;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// How long an escalated transfer waits for a decision unless the request says otherwise.
const DEFAULT_APPROVAL_TTL: u32 = 3600;
const APPROVAL_TTL_RANGE: std::ops::RangeInclusive<u32> = 60..=7 * 86_400;

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTransferBody {
    account_id: String,
    /// The recipient: a base58 address (USDC goes to its associated token account) or a handle
    /// such as `@weather-api.mpppal`.
    to: String,
    /// USDC base units (1 USDC = 1000000), 1 to 2^63−1.
    amount: u64,
    memo: Option<String>,
    category: Option<String>,
    /// Above the escalation threshold: seconds an operator has to approve (60 to 604800;
    /// default 3600) before the transfer is denied.
    approval_ttl_seconds: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    transfer_id: String,
    account_id: String,
    to: String,
    amount: u64,
    memo: Option<String>,
    category: Option<String>,
    /// `pending_approval`, `pending`, `settled`, `rejected` or `failed`.
    status: String,
    rejection_reason: Option<String>,
    /// Why settlement failed (status `failed`); the day's budget was given back.
    failure_reason: Option<String>,
    /// The settlement transaction: while `pending`, the one sent and awaited; once `settled`,
    /// the one that paid.
    tx_signature: Option<String>,
    /// The operator approved it above the escalation threshold.
    owner_cosigned: bool,
    /// The escalation deciding it, when it crossed the threshold.
    escalation_id: Option<String>,
    created_at: String,
    settled_at: Option<String>,
}

impl TransferView {
    pub(crate) fn new(t: Transfer, escalation_id: Option<String>) -> Self {
        Self {
            transfer_id: t.transfer_id,
            account_id: t.account_id,
            to: t.to_address,
            amount: t.amount as u64,
            memo: t.memo,
            category: t.category,
            status: t.status,
            rejection_reason: t.rejection_reason,
            failure_reason: t.failure_reason,
            tx_signature: t.tx_signature,
            owner_cosigned: t.owner_cosigned,
            escalation_id,
            created_at: t.created_at,
            settled_at: t.settled_at,
        }
    }
}

fn bad(code: &'static str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, code, detail)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

/// The recipient's address: as given, or the wallet a handle names.
async fn recipient(deps: &Dependencies, to: &str) -> Result<Pubkey, Problem> {
    if to.starts_with('@') {
        check_handle(to)?;
        let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
        let account = accounts::by_handle(&mut conn, to)
            .await
            .map_err(Problem::database)?
            .ok_or_else(|| {
                bad(
                    "unknown_recipient",
                    format!("no account has the handle {to}"),
                )
            })?;
        return Pubkey::from_str(&account.solana_address).map_err(|_| {
            bad(
                "unknown_recipient",
                "the handle's wallet address is malformed",
            )
        });
    }
    Pubkey::from_str(to).map_err(|_| {
        bad(
            "invalid_recipient",
            format!("to {to:?} is neither a base58 address nor a handle"),
        )
    })
}

/// Pays `to` from one of the operator's accounts, within its policy. Needs an
/// `Idempotency-Key`: a retry with it returns the same transfer, however the first one ended.
#[utoipa::path(post, path = "/v1/transfers", request_body = NewTransferBody,
    responses((status = 201, body = TransferView, description = "pending settlement"),
              (status = 202, body = TransferView, description = "above the escalation threshold: pending_approval"),
              (status = 422, description = "payment_denied: the policy refused it (recorded as rejected)")))]
pub(crate) async fn create_transfer(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewTransferBody>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let key = idempotency::key_of(&headers)?.ok_or_else(|| {
        bad(
            "idempotency_key_required",
            "POST /v1/transfers needs an Idempotency-Key header: it is what makes a retry safe",
        )
    })?;
    if body.amount == 0 || body.amount > i64::MAX as u64 {
        return Err(bad(
            "invalid_amount",
            format!("amount must be 1 to {} base units", i64::MAX),
        ));
    }
    if body
        .memo
        .as_ref()
        .is_some_and(|m| m.len() > mpppal_policy::MAX_MEMO_LEN)
    {
        return Err(bad("invalid_request", "memo must be at most 200 bytes"));
    }
    if body
        .category
        .as_ref()
        .is_some_and(|c| c.is_empty() || c.len() > mpppal_policy::MAX_CATEGORY_LEN)
    {
        return Err(bad("invalid_request", "category must be 1 to 32 bytes"));
    }
    let ttl = body.approval_ttl_seconds.unwrap_or(DEFAULT_APPROVAL_TTL);
    if !APPROVAL_TTL_RANGE.contains(&ttl) {
        return Err(bad(
            "invalid_request",
            "approvalTtlSeconds must be 60 to 604800",
        ));
    }
    let to = recipient(&deps, &body.to).await?;
    let request = serde_json::to_value(&body).expect("a transfer request serialises");
    let fingerprint = idempotency::fingerprint("POST", "/v1/transfers", &request);
    let mut tx = match change_tx(&deps, &caller, Some(&key), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };

    // Shared: payments go ahead side by side, but a policy change waits for them (and they for it).
    // Only a custodial account's transfer can be settled by MPPPal: the agent key signs it.
    super::custodial_tx::custodial(&mut tx, &caller, &body.account_id, Lock::Share).await?;
    // A retry of this request was answered above from its saved response; a transfer of the
    // account already under this key is a custodial payment whose challenge id is the key, or
    // one whose saved response was purged: either way not this request's to repeat.
    if transfers::by_key(&mut tx, &body.account_id, &key)
        .await
        .map_err(Problem::database)?
        .is_some()
    {
        return Err(bad(
            "invalid_idempotency_key",
            "this account already has a transfer under this Idempotency-Key (a custodial payment for the challenge with this id, or a transfer older than the 7 days saved answers are kept): use another key",
        ));
    }
    let payment = Payment {
        amount: body.amount,
        counterparty: to.to_bytes(),
        category: body.category.as_deref(),
        memo: body.memo.as_deref(),
        owner_cosigned: false,
    };
    let Decision {
        verdict,
        policy,
        day,
    } = spend::decide(&mut tx, &body.account_id, &payment, unix_now(), true).await?;

    let transfer_id = format!("txn_{}", random_base62(24));
    let to_address = to.to_string();
    let new = |status, rejection_reason| NewTransfer {
        transfer_id: &transfer_id,
        account_id: &body.account_id,
        to_address: &to_address,
        amount: body.amount as i64,
        memo: body.memo.as_deref(),
        category: body.category.as_deref(),
        idempotency_key: &key,
        status,
        rejection_reason,
        spend_day: day,
        created_by: &caller.key_id,
    };
    let (status, response) = match verdict {
        Verdict::Deny(reason) => {
            let detail = reason.to_string();
            let transfer = transfers::insert(&mut tx, &new("rejected", Some(&detail)))
                .await
                .map_err(Problem::database)?;
            event(&mut tx, "transfer.rejected", &transfer_id).await?;
            audit(
                &mut tx,
                &caller,
                "transfer.rejected",
                &transfer_id,
                json!({ "request": request, "reason": reason.code() }),
            )
            .await?;
            let mut problem = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "payment_denied",
                format!("the policy refused the payment: {detail}"),
            );
            problem.extra = json!({ "reason": reason.code(), "transferId": transfer.transfer_id });
            (problem.status, problem.body())
        }
        Verdict::Allow => {
            let transfer = transfers::insert(&mut tx, &new("pending", None))
                .await
                .map_err(Problem::database)?;
            outbox::push(
                &mut tx,
                "transfer.settle",
                &transfer_id,
                &json!({ "transferId": transfer_id }),
            )
            .await
            .map_err(Problem::database)?;
            event(&mut tx, "transfer.created", &transfer_id).await?;
            audit(
                &mut tx,
                &caller,
                "transfer.created",
                &transfer_id,
                json!({ "request": request }),
            )
            .await?;
            (
                StatusCode::CREATED,
                serde_json::to_value(TransferView::new(transfer, None)).expect("serialises"),
            )
        }
        Verdict::Escalate(reason) => {
            let transfer = transfers::insert(&mut tx, &new("pending_approval", None))
                .await
                .map_err(Problem::database)?;
            let threshold = match reason {
                mpppal_policy::EscalationReason::AboveThreshold { threshold } => threshold,
                _ => policy.escalation_threshold.unwrap_or_default(),
            };
            let escalation = escalations::insert(
                &mut tx,
                &format!("esc_{}", random_base62(24)),
                &transfer_id,
                &body.account_id,
                body.amount as i64,
                threshold as i64,
                i64::from(ttl),
            )
            .await
            .map_err(Problem::database)?;
            event(&mut tx, "escalation.required", &transfer_id).await?;
            audit(
                &mut tx,
                &caller,
                "escalation.required",
                &escalation.escalation_id,
                json!({ "request": request, "transferId": transfer_id, "threshold": threshold }),
            )
            .await?;
            (
                StatusCode::ACCEPTED,
                serde_json::to_value(TransferView::new(transfer, Some(escalation.escalation_id)))
                    .expect("serialises"),
            )
        }
    };
    commit(tx, &caller, Some(&key), status, &response.to_string()).await?;
    tracing::info!(%transfer_id, status = status.as_u16(), "transfer recorded");
    let mut answer = (status, Json(response)).into_response();
    if status.is_client_error() {
        answer.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
    }
    Ok(answer)
}

/// An event for webhooks about `subject` (a transfer or session id), through the outbox like
/// every job.
pub(crate) async fn event(
    tx: &mut sqlx::PgConnection,
    kind: &str,
    subject: &str,
) -> Result<(), Problem> {
    outbox::push(
        tx,
        "event",
        subject,
        &json!({ "type": kind, "subject": subject }),
    )
    .await
    .map(|_| ())
    .map_err(Problem::database)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferQuery {
    account_id: Option<String>,
    /// `pending_approval`, `pending`, `settled`, `rejected` or `failed`.
    status: Option<String>,
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
    /// Made at or after this moment (RFC 3339).
    from: Option<String>,
    /// Made before this moment (RFC 3339).
    to: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferPage {
    items: Vec<TransferView>,
    next_cursor: Option<String>,
}

const STATUSES: [&str; 5] = [
    "pending_approval",
    "pending",
    "settled",
    "rejected",
    "failed",
];

/// The operator's transfers, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/transfers", params(TransferQuery), responses((status = 200, body = TransferPage)))]
pub(crate) async fn list_transfers(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<TransferQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<TransferPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    pages::status(query.status.as_deref(), &STATUSES)?;
    let from = pages::moment("from", query.from.as_deref())?;
    let to = pages::moment("to", query.to.as_deref())?;
    let after = query
        .cursor
        .as_deref()
        .map(|c| pages::parse_cursor(c, "txn_"))
        .transpose()?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let rows = transfers::list(
        &mut conn,
        caller.operator_id,
        &transfers::Filter {
            account_id: query.account_id.as_deref(),
            status: query.status.as_deref(),
            after,
            from,
            to,
        },
        limit + 1,
    )
    .await
    .map_err(Problem::database)?;
    let (rows, next_cursor) = pages::page(rows, limit, |t| (t.created_micros, &t.transfer_id));
    Ok(Json(TransferPage {
        items: rows
            .into_iter()
            .map(|t| TransferView::new(t, None))
            .collect(),
        next_cursor,
    }))
}

/// One of the operator's transfers.
#[utoipa::path(get, path = "/v1/transfers/{transfer_id}", responses((status = 200, body = TransferView), (status = 404)))]
pub(crate) async fn get_transfer(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(transfer_id): Path<String>,
) -> Result<Json<TransferView>, Problem> {
    caller.require(Scope::Read)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let transfer = transfers::find(&mut conn, caller.operator_id, &transfer_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such transfer"))?;
    let escalation = escalations::of_transfer(&mut conn, &transfer_id)
        .await
        .map_err(Problem::database)?;
    Ok(Json(TransferView::new(
        transfer,
        escalation.map(|e| e.escalation_id),
    )))
}
