//! A wallet's policy and its pause switch: every change is written on chain by the operator's
//! owner key, then mirrored as a new version (the wallet's own `policy_version`). A change holds
//! the account's row lock, so changes to one account are applied one at a time.

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use mpppal_db::accounts;
use mpppal_policy_program::PolicyArgs;
use mpppal_solana::policy_ix;
use serde_json::json;
use solana_signer::Signer;
use std::str::FromStr;
use std::sync::Arc;

use super::accounts::{load, owner_unfunded};
use super::policy_body::{args_of, version_row, PolicyBody, PolicyView};
use super::{audit, change_tx, commit};
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::custody;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// The policy in force.
#[utoipa::path(get, path = "/v1/accounts/{account_id}/policy", responses((status = 200, body = PolicyView), (status = 404)))]
pub(crate) async fn get_policy(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> Result<Json<PolicyView>, Problem> {
    caller.require(Scope::Read)?;
    let account = load(&deps, &caller, &account_id).await?;
    account
        .policy_view()
        .map(Json)
        .ok_or_else(|| Problem::not_found("the account has no policy yet"))
}

/// Every version of the policy, newest first.
#[utoipa::path(get, path = "/v1/accounts/{account_id}/policy/versions", responses((status = 200, body = [PolicyView]), (status = 404)))]
pub(crate) async fn policy_versions(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> Result<Json<Vec<PolicyView>>, Problem> {
    caller.require(Scope::Read)?;
    load(&deps, &caller, &account_id).await?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let versions = mpppal_db::policies::history(&mut conn, &account_id)
        .await
        .map_err(Problem::database)?;
    Ok(Json(versions.into_iter().map(PolicyView::from).collect()))
}

/// What a change does to the policy in force.
enum Change {
    Replace(PolicyArgs),
    Pause(bool),
}

/// Replaces the policy (the pause state is kept): written on chain, then mirrored.
#[utoipa::path(put, path = "/v1/accounts/{account_id}/policy", request_body = PolicyBody,
    responses((status = 200, body = PolicyView), (status = 404)))]
pub(crate) async fn replace_policy(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(account_id): Path<String>,
    ApiJson(body): ApiJson<PolicyBody>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    // Checked before anything else; `paused` is taken from the version in force below.
    let args = body.to_args(false)?;
    let path = format!("/v1/accounts/{account_id}/policy");
    let request = body.canonical();
    change(
        &deps,
        &caller,
        &headers,
        ("PUT", &path),
        &account_id,
        request,
        Change::Replace(args),
    )
    .await
}

/// Stops every payment from the wallet, on chain and here.
#[utoipa::path(post, path = "/v1/accounts/{account_id}/pause", responses((status = 200, body = PolicyView), (status = 404)))]
pub(crate) async fn pause_account(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(account_id): Path<String>,
) -> Result<Response, Problem> {
    set_paused(deps, caller, headers, account_id, true).await
}

/// Lets the wallet pay again within its policy.
#[utoipa::path(post, path = "/v1/accounts/{account_id}/unpause", responses((status = 200, body = PolicyView), (status = 404)))]
pub(crate) async fn unpause_account(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(account_id): Path<String>,
) -> Result<Response, Problem> {
    set_paused(deps, caller, headers, account_id, false).await
}

async fn set_paused(
    deps: Arc<Dependencies>,
    caller: Caller,
    headers: HeaderMap,
    account_id: String,
    paused: bool,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let verb = if paused { "pause" } else { "unpause" };
    let path = format!("/v1/accounts/{account_id}/{verb}");
    change(
        &deps,
        &caller,
        &headers,
        ("POST", &path),
        &account_id,
        serde_json::Value::Null,
        Change::Pause(paused),
    )
    .await
}

/// One policy change: lock the account, write on chain with the owner key, mirror the version
/// the chain now holds, audit, commit (with the saved response under an `Idempotency-Key`).
async fn change(
    deps: &Dependencies,
    caller: &Caller,
    headers: &HeaderMap,
    (method, path): (&str, &str),
    account_id: &str,
    request: serde_json::Value,
    change: Change,
) -> Result<Response, Problem> {
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    let key = idempotency::key_of(headers)?;
    let fingerprint = idempotency::fingerprint(method, path, &request);
    let mut tx = match change_tx(deps, caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let account = accounts::find(
        &mut tx,
        caller.operator_id,
        account_id,
        accounts::Lock::Update,
    )
    .await
    .map_err(Problem::database)?
    .ok_or_else(|| Problem::not_found("no such account"))?;
    let current = mpppal_db::policies::current(&mut tx, account_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("the account has no policy yet"))?;
    let wallet = Pubkey::from_str(&account.solana_address)
        .map_err(|_| Problem::invalid("the stored wallet address is malformed"))?;

    let owner = custody::owner(&deps.db, master, caller.operator_id).await?;
    let (instruction_args, action, instruction) = match change {
        Change::Replace(args) => {
            let args = PolicyArgs {
                paused: current.paused,
                ..args
            };
            let ix = policy_ix::update_policy(&owner.pubkey(), &wallet, args.clone());
            (args, "policy.updated", ix)
        }
        Change::Pause(paused) if paused == current.paused => {
            // Already so: nothing to write on chain, and the answer is the version in force.
            let view = PolicyView::from(current);
            let saved = serde_json::to_string(&view).expect("a policy serialises");
            commit(tx, caller, key.as_deref(), StatusCode::OK, &saved).await?;
            return Ok((StatusCode::OK, Json(view)).into_response());
        }
        Change::Pause(paused) => {
            let action = if paused {
                "account.paused"
            } else {
                "account.unpaused"
            };
            let ix = policy_ix::set_paused(&owner.pubkey(), &wallet, paused);
            (args_of(&current, paused)?, action, ix)
        }
    };
    // An earlier try of this change may have landed and lost its answer (the mirror kept
    // nothing of it): when the chain is ahead of the mirror and already holds exactly this
    // policy, that try is recorded instead of sending the change a second time.
    let before = deps.chain.existing_wallet(&wallet).await?;
    let landed_before = i64::from(before.policy_version) > i64::from(current.version)
        && before.policy == instruction_args;
    let signature = if landed_before {
        tracing::info!(
            account_id,
            version = before.policy_version,
            "this change is on chain already (an earlier try's answer was lost)"
        );
        deps.chain.last_signature(&wallet).await?
    } else {
        if deps.chain.lamports(&owner.pubkey()).await? == 0 {
            return Err(owner_unfunded(&owner.pubkey()));
        }
        deps.chain.send(&[instruction], &owner, &[]).await?
    };
    // The version is the one the chain now holds, so the mirror can be compared with it.
    let on_chain = deps.chain.existing_wallet(&wallet).await?;
    let row = version_row(
        account_id,
        on_chain.policy_version,
        &instruction_args,
        signature.clone(),
        &caller.key_id,
    );
    mpppal_db::policies::insert(&mut tx, &row)
        .await
        .map_err(Problem::database)?;
    if instruction_args.paused != current.paused {
        accounts::set_status(&mut tx, account_id, instruction_args.paused)
            .await
            .map_err(Problem::database)?;
    }
    super::transfers::event(&mut tx, action, account_id).await?;
    audit(
        &mut tx,
        caller,
        action,
        account_id,
        json!({ "request": request, "version": on_chain.policy_version, "txSignature": signature }),
    )
    .await?;
    let stored = mpppal_db::policies::current(&mut tx, account_id)
        .await
        .map_err(Problem::database)?
        .expect("just inserted");
    let view = PolicyView::from(stored);
    let saved = serde_json::to_string(&view).expect("a policy serialises");
    commit(tx, caller, key.as_deref(), StatusCode::OK, &saved).await?;
    tracing::info!(account_id, action, version = on_chain.policy_version, tx = %signature, "policy changed on chain");
    Ok((StatusCode::OK, Json(view)).into_response())
}
