//! Agent accounts: each one a wallet on chain, created by the operator's owner key (ADR 0012),
//! with a custodial agent key sealed here or a non-custodial one the agent registered.

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use mpppal_db::accounts::{self, Account, After, NewAccount};
use mpppal_solana::{address, policy_ix};
use serde::{Deserialize, Serialize};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::str::FromStr;
use std::sync::Arc;

use super::policy_body::{version_row, PolicyBody, PolicyView};
use super::{audit, change_tx, commit, pages};
use crate::auth::keys::{random_base62, Scope};
use crate::auth::Caller;
use crate::custody;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// The wallet's `policy_version` right after `create_wallet`.
const FIRST_POLICY_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Custody {
    /// MPPPal generates the agent key and keeps it sealed; agents sign through the API.
    Custodial,
    /// The agent holds its key and registers the public half.
    NonCustodial,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAccountBody {
    name: String,
    /// A unique handle such as `@research-agent.mpppal`.
    handle: Option<String>,
    custody: Custody,
    /// The agent's base58 public key; required for `non_custodial`, refused for `custodial`.
    agent_public_key: Option<String>,
    policy: PolicyBody,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    account_id: String,
    name: String,
    handle: Option<String>,
    custody: String,
    /// `active` or `paused`.
    status: String,
    /// The wallet PDA: where the policy lives.
    solana_address: String,
    /// The wallet's USDC vault: where deposits go.
    usdc_token_account: String,
    /// The key the wallet PDA derives from.
    wallet_key: String,
    /// The key that signs the wallet's payments.
    agent_address: String,
    created_at: String,
    /// The policy in force (on single-account answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PolicyView>,
}

impl AccountView {
    pub(crate) fn policy_view(self) -> Option<PolicyView> {
        self.policy
    }

    fn new(a: Account, policy: Option<PolicyView>) -> Self {
        Self {
            account_id: a.account_id,
            name: a.name,
            handle: a.handle,
            custody: a.custody_mode,
            status: a.status,
            solana_address: a.solana_address,
            usdc_token_account: a.usdc_token_account,
            wallet_key: a.wallet_key,
            agent_address: a.agent_address,
            created_at: a.created_at,
            policy,
        }
    }
}

/// A handle is `@`, 1 to 63 of `a-z 0-9 -` (not starting with `-`), then `.mpppal`.
pub(crate) fn check_handle(handle: &str) -> Result<(), Problem> {
    let name = handle
        .strip_prefix('@')
        .and_then(|h| h.strip_suffix(".mpppal"));
    let ok = name.is_some_and(|n| {
        (1..=63).contains(&n.len())
            && !n.starts_with('-')
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_handle",
            format!(
                "handle {handle:?} must look like @name.mpppal (1 to 63 of a-z, 0-9 and -, not starting with -)"
            ),
        ))
    }
}

/// Creates an account and its wallet on chain, signed and paid by the operator's owner key.
/// The rows commit only once the wallet exists (confirmed); a chain failure writes nothing.
#[utoipa::path(post, path = "/v1/accounts", request_body = NewAccountBody,
    responses((status = 201, body = AccountView), (status = 409, description = "handle_taken or owner_unfunded")))]
pub(crate) async fn create_account(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewAccountBody>,
) -> Result<Response, Problem> {
    caller.require(Scope::Write)?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Problem::invalid("name must be 1 to 200 characters"));
    }
    if let Some(handle) = &body.handle {
        check_handle(handle)?;
    }
    let registered = match (body.custody, &body.agent_public_key) {
        (Custody::Custodial, None) => None,
        (Custody::Custodial, Some(_)) => return Err(Problem::invalid(
            "agentPublicKey is for non_custodial accounts; a custodial account's key is made here",
        )),
        (Custody::NonCustodial, None) => {
            return Err(Problem::invalid(
                "a non_custodial account needs agentPublicKey",
            ))
        }
        (Custody::NonCustodial, Some(key)) => Some(Pubkey::from_str(key).map_err(|_| {
            Problem::invalid(format!("agentPublicKey {key:?} is not a base58 public key"))
        })?),
    };
    let policy = body.policy.to_args(false)?;
    let master = deps.master_key.as_ref().expect("checked by authenticate");

    let request = json!({
        "name": name, "handle": body.handle, "custody": body.custody,
        "agentPublicKey": body.agent_public_key, "policy": body.policy.canonical(),
    });
    let key = idempotency::key_of(&headers)?;
    let fingerprint = idempotency::fingerprint("POST", "/v1/accounts", &request);
    let owner = custody::owner(&deps.db, master, caller.operator_id).await?;
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };

    let account_id = format!("acct_{}", random_base62(24));
    // With an Idempotency-Key the wallet's keys come from it: a retry after a lost answer makes
    // no second wallet, it finds the one the first try made (below).
    let seed = |purpose: &str| match key.as_deref() {
        Some(k) => custody::derived_seed(master, purpose, caller.operator_id, k),
        None => custody::generate().0,
    };
    let wallet_key = Keypair::new_from_array(seed("wallet-key")).pubkey();
    let (agent, sealed_agent) = match registered {
        Some(agent) => (agent, None),
        None => {
            let seed = seed("agent-seed");
            let agent = Keypair::new_from_array(seed).pubkey();
            let sealed = crate::auth::seal::seal(master, &custody::agent_label(&account_id), &seed);
            (agent, Some(sealed))
        }
    };
    let mint = deps.chain.mint().await?;
    let wallet = address::wallet(&wallet_key);
    let vault = address::vault(&wallet, &mint);
    // The row goes in first so a concurrent request for the same handle waits on it, and loses.
    let account = accounts::insert(
        &mut tx,
        &NewAccount {
            account_id: &account_id,
            operator_id: caller.operator_id,
            name,
            handle: body.handle.as_deref(),
            solana_address: &wallet.to_string(),
            usdc_token_account: &vault.to_string(),
            custodial: sealed_agent.is_some(),
            wallet_key: &wallet_key.to_string(),
            agent_address: &agent.to_string(),
            sealed_agent_seed: sealed_agent.as_deref(),
        },
    )
    .await
    .map_err(Problem::database)?
    .map_err(|_| {
        Problem::new(
            StatusCode::CONFLICT,
            "handle_taken",
            format!(
                "the handle {} is already taken",
                body.handle.as_deref().unwrap_or_default()
            ),
        )
    })?;

    if deps.chain.lamports(&owner.pubkey()).await? == 0 {
        return Err(owner_unfunded(&owner.pubkey()));
    }
    let signature = match deps.chain.wallet(&wallet).await? {
        None => {
            let create = policy_ix::create_wallet(
                &owner.pubkey(),
                &wallet_key,
                &agent,
                &mint,
                policy.clone(),
            );
            deps.chain.send(&[create], &owner, &[]).await?
        }
        // An earlier try under this Idempotency-Key made the wallet and lost its answer (the
        // database kept nothing of it): this one records it, if it is what was asked for.
        Some(made) => {
            if made.owner != owner.pubkey()
                || made.agent != agent
                || made.mint != mint
                || made.policy != policy
            {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "an earlier request with this Idempotency-Key created a wallet on other terms",
                ));
            }
            tracing::info!(%wallet, "the wallet of an earlier try under this key is on chain");
            deps.chain.first_signature(&wallet).await?
        }
    };
    let version = version_row(
        &account_id,
        FIRST_POLICY_VERSION,
        &policy,
        signature.clone(),
        &caller.key_id,
    );
    mpppal_db::policies::insert(&mut tx, &version)
        .await
        .map_err(Problem::database)?;
    audit(
        &mut tx,
        &caller,
        "account.created",
        &account_id,
        json!({ "request": request, "wallet": wallet.to_string(), "txSignature": signature }),
    )
    .await?;
    let current = mpppal_db::policies::current(&mut tx, &account_id)
        .await
        .map_err(Problem::database)?;
    let view = AccountView::new(account, current.map(PolicyView::from));
    let saved = serde_json::to_string(&view).expect("an account serialises");
    commit(tx, &caller, key.as_deref(), StatusCode::CREATED, &saved).await?;
    tracing::info!(%account_id, %wallet, tx = %signature, "account created");
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

pub(crate) fn owner_unfunded(owner: &Pubkey) -> Problem {
    let mut problem = Problem::new(
        StatusCode::CONFLICT,
        "owner_unfunded",
        format!(
            "the operator's owner key {owner} holds no SOL for rent and fees; fund it and retry"
        ),
    );
    problem.extra = json!({ "ownerAddress": owner.to_string() });
    problem
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListQuery {
    /// Only accounts with this status (`active` or `paused`).
    status: Option<String>,
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountPage {
    items: Vec<AccountView>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    next_cursor: Option<String>,
}

/// The operator's accounts, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/accounts", params(ListQuery), responses((status = 200, body = AccountPage)))]
pub(crate) async fn list_accounts(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AccountPage>, Problem> {
    caller.require(Scope::Read)?;
    let Query(query) = query.map_err(pages::invalid_query)?;
    let limit = pages::limit(query.limit)?;
    pages::status(query.status.as_deref(), &["active", "paused"])?;
    let after = match &query.cursor {
        Some(cursor) => {
            let (created_micros, account_id) = pages::parse_cursor(cursor, "acct_")?;
            Some(After {
                created_micros,
                account_id: account_id.to_string(),
            })
        }
        None => None,
    };
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    // One more than asked tells whether another page exists.
    let rows = accounts::list(
        &mut conn,
        caller.operator_id,
        query.status.as_deref(),
        after.as_ref(),
        limit + 1,
    )
    .await
    .map_err(Problem::database)?;
    let (rows, next_cursor) = pages::page(rows, limit, |a| (a.created_micros, &a.account_id));
    Ok(Json(AccountPage {
        items: rows
            .into_iter()
            .map(|a| AccountView::new(a, None))
            .collect(),
        next_cursor,
    }))
}

/// The operator's account `account_id` (404 for another operator's), with its policy.
pub(crate) async fn load(
    deps: &Dependencies,
    caller: &Caller,
    account_id: &str,
) -> Result<AccountView, Problem> {
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let account = accounts::find(
        &mut conn,
        caller.operator_id,
        account_id,
        accounts::Lock::None,
    )
    .await
    .map_err(Problem::database)?
    .ok_or_else(|| Problem::not_found("no such account"))?;
    let policy = mpppal_db::policies::current(&mut conn, account_id)
        .await
        .map_err(Problem::database)?;
    Ok(AccountView::new(account, policy.map(PolicyView::from)))
}

#[utoipa::path(get, path = "/v1/accounts/{account_id}", responses((status = 200, body = AccountView), (status = 404)))]
pub(crate) async fn get_account(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> Result<Json<AccountView>, Problem> {
    caller.require(Scope::Read)?;
    load(&deps, &caller, &account_id).await.map(Json)
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// USDC in the wallet's vault, in base units, as the chain reports it now.
    usdc: u64,
    /// Base units paid or locked during `spendDay` (a UTC day index), per the wallet.
    spent_today: u64,
    spend_day: i64,
    /// The wallet's policy version and pause flag on chain (compare with the mirror).
    policy_version: u32,
    paused: bool,
    /// Payments the wallet has made so far.
    nonce: u64,
}

/// The wallet's balance and counters, read from the chain.
#[utoipa::path(get, path = "/v1/accounts/{account_id}/balance", responses((status = 200, body = Balance), (status = 404), (status = 503)))]
pub(crate) async fn account_balance(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> Result<Json<Balance>, Problem> {
    caller.require(Scope::Read)?;
    let account = load(&deps, &caller, &account_id).await?;
    let wallet_address = Pubkey::from_str(&account.solana_address)
        .map_err(|_| Problem::invalid("the stored wallet address is malformed"))?;
    let wallet = deps.chain.existing_wallet(&wallet_address).await?;
    let usdc = deps.chain.token_balance(&wallet.vault).await?;
    Ok(Json(Balance {
        usdc,
        spent_today: wallet.spent_today,
        spend_day: wallet.spend_day,
        policy_version: wallet.policy_version,
        paused: wallet.policy.paused,
        nonce: wallet.nonce,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HandleResolution {
    handle: String,
    /// The wallet PDA.
    solana_address: String,
    /// Where to send USDC.
    usdc_token_account: String,
}

/// Resolves a handle to the wallet it names. Handles are a public directory: any key with the
/// `read` scope resolves any operator's handle, and learns only the addresses.
#[utoipa::path(get, path = "/v1/handles/{handle}", responses((status = 200, body = HandleResolution), (status = 404)))]
pub(crate) async fn resolve_handle(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(handle): Path<String>,
) -> Result<Json<HandleResolution>, Problem> {
    caller.require(Scope::Read)?;
    check_handle(&handle)?;
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let account = accounts::by_handle(&mut conn, &handle)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found(format!("no account has the handle {handle}")))?;
    Ok(Json(HandleResolution {
        handle,
        solana_address: account.solana_address,
        usdc_token_account: account.usdc_token_account,
    }))
}
