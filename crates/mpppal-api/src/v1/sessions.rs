//! Payment sessions as agents report them (the SDK's `ApiReporter` does): the open, the highest
//! voucher, the close. Every report is checked against the chain: the channel must be a
//! Settlement Program session of the account's wallet, vouchers must carry the session's signer's
//! signature (the signer is read from chain, never from a report), and a session is settled only
//! when the chain says it closed, with what the chain says was paid.

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ed25519_dalek::{Signature, VerifyingKey};
use mpppal_db::accounts::{self, Lock};
use mpppal_db::sessions::{self, NewSession, SessionRow};
use mpppal_settlement_program::messages::voucher_message;
use mpppal_settlement_program::state::SessionStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::str::FromStr;
use std::sync::Arc;

use super::transfers::event;
use super::{audit, change_tx, commit, pages};
use crate::auth::keys::{random_base62, Scope};
use crate::auth::Caller;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;
use axum::http::HeaderMap;
use sqlx::{Postgres, Transaction};

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    session_id: String,
    account_id: String,
    provider_endpoint: String,
    /// The Settlement Program session account.
    channel: String,
    /// The key whose vouchers count (from chain).
    signer: String,
    /// The provider paid at close (from chain).
    payee: String,
    /// The deposit locked on chain, as last read.
    cap: u64,
    /// The highest voucher reported.
    running_total: u64,
    /// `open` or `settled`.
    status: String,
    /// What the chain paid the provider at close.
    paid: Option<u64>,
    settlement_tx_signature: Option<String>,
    opened_at: String,
    settled_at: Option<String>,
    /// When the agent reported the voucher `runningTotal` comes from (`null` before any).
    last_voucher_at: Option<String>,
}

impl From<SessionRow> for SessionView {
    fn from(s: SessionRow) -> Self {
        Self {
            session_id: s.session_id,
            account_id: s.account_id,
            provider_endpoint: s.provider_endpoint,
            channel: s.channel_address,
            signer: s.signer,
            payee: s.payee,
            cap: s.cap as u64,
            running_total: s.running_total as u64,
            status: s.status,
            paid: s.paid.map(|p| p as u64),
            settlement_tx_signature: s.settlement_tx_signature,
            opened_at: s.opened_at,
            settled_at: s.settled_at,
            last_voucher_at: s.last_voucher_at,
        }
    }
}

fn bad(code: &'static str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, code, detail)
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionOpened {
    account_id: String,
    /// The session account (base58) the agent opened on chain.
    channel: String,
    /// The paid API's URL the session is for.
    provider_endpoint: String,
}

/// Reports a session the agent opened (agent scope); reporting it again returns it (`200`).
#[utoipa::path(post, path = "/v1/sessions", request_body = SessionOpened,
    responses((status = 201, body = SessionView), (status = 200, body = SessionView)))]
pub(crate) async fn open_session(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SessionOpened>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    let endpoint = body.provider_endpoint.trim();
    if endpoint.len() > 2048
        || !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
    {
        return Err(Problem::invalid(
            "providerEndpoint must be an http(s) URL of at most 2048 bytes",
        ));
    }
    let channel = Pubkey::from_str(&body.channel)
        .map_err(|_| Problem::invalid("channel is not a base58 address"))?;
    let mut tx = match begin(&deps, &caller, &headers, "/v1/sessions", &body).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let account = accounts::find(&mut tx, caller.operator_id, &body.account_id, Lock::None)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such account"))?;
    let on_chain = deps.chain.session(&channel).await?.ok_or_else(|| {
        bad(
            "unknown_channel",
            format!("the chain has no MPPPal session at {channel}"),
        )
    })?;
    if on_chain.wallet.to_string() != account.solana_address {
        return Err(bad(
            "channel_mismatch",
            "that session belongs to another wallet than this account's",
        ));
    }
    let (row, inserted) = sessions::open(
        &mut tx,
        &NewSession {
            session_id: &format!("sess_{}", random_base62(24)),
            account_id: &account.account_id,
            provider_endpoint: endpoint,
            channel_address: &body.channel,
            signer: &on_chain.signer.to_string(),
            payee: &on_chain.payee.to_string(),
            cap: on_chain.deposit as i64,
        },
    )
    .await
    .map_err(Problem::database)?;
    if row.account_id != account.account_id {
        return Err(bad(
            "channel_mismatch",
            "that session is recorded for another account",
        ));
    }
    if inserted {
        event(&mut tx, "session.opened", &row.session_id).await?;
        audit(
            &mut tx,
            &caller,
            "session.opened",
            &row.session_id,
            json!({ "channel": body.channel, "deposit": on_chain.deposit, "providerEndpoint": endpoint }),
        )
        .await?;
    }
    let status = if inserted {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    finish(tx, &caller, &headers, status, SessionView::from(row)).await
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoucherReport {
    /// Cumulative base units the voucher authorises.
    cumulative: u64,
    /// As signed; 0 for none.
    expires_at: i64,
    /// Base58 Ed25519 signature of the voucher message by the session's signer.
    signature: String,
}

async fn locked(
    tx: &mut sqlx::PgConnection,
    caller: &Caller,
    session_id: &str,
) -> Result<SessionRow, Problem> {
    sessions::find(tx, caller.operator_id, session_id, true)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such session"))
}

/// Reports the agent's latest voucher (agent scope). A voucher no higher than the one held
/// changes nothing and is not an error (reports may arrive late).
#[utoipa::path(post, path = "/v1/sessions/{session_id}/vouchers", request_body = VoucherReport,
    responses((status = 200, body = SessionView), (status = 404), (status = 409, description = "session_settled")))]
pub(crate) async fn report_voucher(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(session_id): Path<String>,
    ApiJson(body): ApiJson<VoucherReport>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    if body.cumulative == 0 || body.cumulative > i64::MAX as u64 {
        return Err(bad(
            "invalid_amount",
            format!("cumulative must be 1 to {} base units", i64::MAX),
        ));
    }
    let mut signature = [0u8; 64];
    match bs58::decode(&body.signature).into_vec() {
        Ok(bytes) if bytes.len() == 64 => signature.copy_from_slice(&bytes),
        _ => {
            return Err(bad(
                "bad_voucher",
                "signature is not a base58 Ed25519 signature",
            ))
        }
    }
    let path = format!("/v1/sessions/{session_id}/vouchers");
    let mut tx = match begin(&deps, &caller, &headers, &path, &body).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let session = locked(&mut tx, &caller, &session_id).await?;
    if session.status == "settled" {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "session_settled",
            "the session is already settled",
        ));
    }
    let channel = Pubkey::from_str(&session.channel_address)
        .map_err(|_| Problem::invalid("the stored channel is malformed"))?;
    let signer = Pubkey::from_str(&session.signer)
        .map_err(|_| Problem::invalid("the stored signer is malformed"))?;
    VerifyingKey::from_bytes(&signer.to_bytes())
        .and_then(|k| {
            k.verify_strict(
                &voucher_message(&channel, body.cumulative, body.expires_at),
                &Signature::from_bytes(&signature),
            )
        })
        .map_err(|_| {
            bad(
                "bad_voucher",
                "the signature is not the session signer's over this voucher",
            )
        })?;
    let mut deposit = session.cap;
    if body.cumulative as i64 > deposit {
        // Top-ups raise the deposit on chain; the chain says how far a voucher may go.
        deposit = deps
            .chain
            .session(&channel)
            .await?
            .map(|s| s.deposit as i64)
            .unwrap_or(deposit);
        if body.cumulative as i64 > deposit {
            return Err(bad(
                "voucher_over_deposit",
                format!("the voucher exceeds the deposit of {deposit} base units"),
            ));
        }
    }
    sessions::voucher(
        &mut tx,
        &session_id,
        body.cumulative as i64,
        body.expires_at,
        &signature,
        deposit,
    )
    .await
    .map_err(Problem::database)?;
    let row = locked(&mut tx, &caller, &session_id).await?;
    finish(tx, &caller, &headers, StatusCode::OK, row.into()).await
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionClosed {
    /// The close transaction's signature, as the provider returned it.
    tx: String,
}

/// Reports that the provider closed the session (agent scope). The chain decides: the session
/// must be closed or expired there, and `paid` is what the chain paid.
#[utoipa::path(post, path = "/v1/sessions/{session_id}/close", request_body = SessionClosed,
    responses((status = 200, body = SessionView), (status = 404), (status = 409, description = "session_open")))]
pub(crate) async fn close_session(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(session_id): Path<String>,
    ApiJson(body): ApiJson<SessionClosed>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    if body.tx.is_empty() || body.tx.len() > 88 || bs58::decode(&body.tx).into_vec().is_err() {
        return Err(Problem::invalid("tx is not a base58 transaction signature"));
    }
    let path = format!("/v1/sessions/{session_id}/close");
    let mut tx = match begin(&deps, &caller, &headers, &path, &body).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let session = locked(&mut tx, &caller, &session_id).await?;
    if session.status == "settled" {
        return finish(tx, &caller, &headers, StatusCode::OK, session.into()).await;
    }
    let channel = Pubkey::from_str(&session.channel_address)
        .map_err(|_| Problem::invalid("the stored channel is malformed"))?;
    let on_chain = deps
        .chain
        .session(&channel)
        .await?
        .ok_or_else(|| bad("unknown_channel", "the chain no longer has this session"))?;
    if on_chain.status == SessionStatus::Open {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "session_open",
            "the chain says the session is still open",
        ));
    }
    sessions::settle(
        &mut tx,
        &session_id,
        on_chain.paid as i64,
        on_chain.deposit as i64,
        &body.tx,
    )
    .await
    .map_err(Problem::database)?;
    event(&mut tx, "session.settled", &session_id).await?;
    audit(
        &mut tx,
        &caller,
        "session.settled",
        &session_id,
        json!({ "paid": on_chain.paid, "deposit": on_chain.deposit, "tx": body.tx }),
    )
    .await?;
    let row = locked(&mut tx, &caller, &session_id).await?;
    finish(tx, &caller, &headers, StatusCode::OK, row.into()).await
}

/// The report's transaction, under its `Idempotency-Key` when it has one.
async fn begin(
    deps: &Dependencies,
    caller: &Caller,
    headers: &HeaderMap,
    path: &str,
    body: &impl Serialize,
) -> Result<Result<Transaction<'static, Postgres>, Response>, Problem> {
    let key = idempotency::key_of(headers)?;
    let request = serde_json::to_value(body).expect("serialises");
    let fingerprint = idempotency::fingerprint("POST", path, &request);
    change_tx(deps, caller, key.as_deref(), fingerprint).await
}

/// Commits, saving the answer for retries under the request's key.
async fn finish(
    tx: Transaction<'static, Postgres>,
    caller: &Caller,
    headers: &HeaderMap,
    status: StatusCode,
    view: SessionView,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(headers)?;
    let saved = serde_json::to_string(&view).expect("serialises");
    commit(tx, caller, key.as_deref(), status, &saved).await?;
    Ok((status, Json(view)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionQuery {
    account_id: Option<String>,
    /// `open` or `settled`.
    status: Option<String>,
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionPage {
    items: Vec<SessionView>,
    next_cursor: Option<String>,
}

/// The operator's sessions, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/sessions", params(SessionQuery), responses((status = 200, body = SessionPage)))]
pub(crate) async fn list_sessions(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<SessionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SessionPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    pages::status(query.status.as_deref(), &["open", "settled"])?;
    let after = query
        .cursor
        .as_deref()
        .map(|c| pages::parse_cursor(c, "sess_"))
        .transpose()?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let rows = sessions::list(
        &mut conn,
        caller.operator_id,
        query.account_id.as_deref(),
        query.status.as_deref(),
        after,
        limit + 1,
    )
    .await
    .map_err(Problem::database)?;
    let (rows, next_cursor) = pages::page(rows, limit, |s| (s.opened_micros, &s.session_id));
    Ok(Json(SessionPage {
        items: rows.into_iter().map(SessionView::from).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/v1/sessions/{session_id}", responses((status = 200, body = SessionView), (status = 404)))]
pub(crate) async fn get_session(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(session_id): Path<String>,
) -> Result<Json<SessionView>, Problem> {
    caller.require(Scope::Read)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    sessions::find(&mut conn, caller.operator_id, &session_id, false)
        .await
        .map_err(Problem::database)?
        .map(|s| Json(s.into()))
        .ok_or_else(|| Problem::not_found("no such session"))
}
