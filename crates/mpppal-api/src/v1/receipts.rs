//! Deferred receipts reported by agents' SDKs (docs/receipts.md): each is checked here as the
//! Settlement Program will check it (the account's agent key signed exactly these fields, for this
//! mint, not yet expired), then stored for the worker's `settle_batch`, idempotently per
//! (account, challenge id). One answer per receipt; a bad one does not spoil the batch.

use anchor_lang::prelude::Pubkey;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ed25519_dalek::{Signature, VerifyingKey};
use mpppal_db::accounts::{self, Account, Lock};
use mpppal_db::receipts::{self, NewReceipt, Outcome};
use mpppal_solana::signed::{category_field, challenge_hash, Receipt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::types::time::OffsetDateTime;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use super::{audit, change_tx, commit};
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// Most receipts in one report.
const MAX_BATCH: usize = 1000;

/// A receipt as the agent signed it: the challenge's terms plus the credential's payload.
#[derive(Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptReport {
    account_id: String,
    challenge_id: String,
    /// The provider's owner key (base58), as in the challenge.
    recipient: String,
    /// The mint paid in (base58).
    mint: String,
    /// Base units.
    amount: u64,
    /// Unix seconds after which the receipt can no longer settle.
    expires_at: i64,
    category: Option<String>,
    /// Base58 Ed25519 signature by the account's agent key over the receipt message.
    signature: String,
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptBatch {
    /// 1 to 1000 receipts.
    receipts: Vec<ReceiptReport>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptResult {
    challenge_id: String,
    account_id: String,
    /// `stored`, `duplicate` (this very receipt was stored before), `conflict` (another receipt
    /// holds this challenge id) or `invalid` (not stored; `detail` says why).
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptResults {
    /// One per reported receipt, in order.
    results: Vec<ReceiptResult>,
}

/// An account as the checks need it: its wallet and agent key decoded once per report.
struct Signer {
    account: Account,
    wallet: Pubkey,
    agent: Result<VerifyingKey, String>,
}

impl Signer {
    fn new(account: Account) -> Result<Self, String> {
        let wallet = Pubkey::from_str(&account.solana_address)
            .map_err(|_| "the account's wallet is not a base58 address".to_string())?;
        let agent = Pubkey::from_str(&account.agent_address)
            .ok()
            .and_then(|k| VerifyingKey::from_bytes(&k.to_bytes()).ok())
            .ok_or_else(|| "the account's agent key is not an Ed25519 key".to_string());
        Ok(Self {
            account,
            wallet,
            agent,
        })
    }
}

/// The stored form of `r`, or why it cannot settle.
fn check(
    r: &ReceiptReport,
    signer: Option<&Result<Signer, String>>,
    mint: &Pubkey,
    now: i64,
) -> Result<NewReceipt, String> {
    let signer = signer
        .ok_or("no such account")?
        .as_ref()
        .map_err(Clone::clone)?;
    let account = &signer.account;
    if r.challenge_id.is_empty() || r.challenge_id.len() > 256 {
        return Err("challengeId must be 1 to 256 bytes".into());
    }
    let key = |field: &str, text: &str| {
        Pubkey::from_str(text).map_err(|_| format!("{field} is not a base58 address"))
    };
    let recipient = key("recipient", &r.recipient)?;
    let paid_mint = key("mint", &r.mint)?;
    if paid_mint != *mint {
        return Err(format!(
            "mint {paid_mint} is not the USDC mint wallets hold ({mint})"
        ));
    }
    if r.amount == 0 || r.amount > i64::MAX as u64 {
        return Err(format!("amount must be 1 to {} base units", i64::MAX));
    }
    if r.expires_at <= now {
        return Err("the receipt has expired and can no longer settle".into());
    }
    let category =
        category_field(r.category.as_deref()).ok_or("category is longer than 32 bytes")?;
    let mut signature = [0u8; 64];
    match bs58::decode(&r.signature).into_vec() {
        Ok(bytes) if bytes.len() == 64 => signature.copy_from_slice(&bytes),
        _ => return Err("signature is not a base58 Ed25519 signature".into()),
    }
    let message = Receipt {
        wallet: signer.wallet,
        recipient,
        mint: paid_mint,
        amount: r.amount,
        expires_at: r.expires_at,
        challenge_hash: challenge_hash(&r.challenge_id),
        category,
    }
    .message();
    signer
        .agent
        .as_ref()
        .map_err(Clone::clone)?
        .verify_strict(&message, &Signature::from_bytes(&signature))
        .map_err(|_| {
            "the signature is not the account's agent key over these fields".to_string()
        })?;
    Ok(NewReceipt {
        account_id: account.account_id.clone(),
        challenge_id: r.challenge_id.clone(),
        challenge_hash: challenge_hash(&r.challenge_id),
        wallet: account.solana_address.clone(),
        recipient: r.recipient.clone(),
        mint: r.mint.clone(),
        amount: r.amount as i64,
        category,
        expires_at: OffsetDateTime::from_unix_timestamp(r.expires_at)
            .map_err(|_| "expiresAt is out of range".to_string())?,
        signature,
        // The agent signed it alone: no budget was held for it here.
        spend_day: None,
    })
}

/// Checks every receipt, the signatures (most of the work: one strict Ed25519 verification each)
/// spread over the machine's cores off the async threads; results in the report's order.
async fn check_all(
    receipts: Vec<ReceiptReport>,
    accounts: HashMap<String, Option<Result<Signer, String>>>,
    mint: Pubkey,
    now: i64,
) -> Result<Vec<Result<NewReceipt, String>>, Problem> {
    let accounts = std::sync::Arc::new(accounts);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_task = receipts.len().div_ceil(cores).max(1);
    let tasks: Vec<_> = receipts
        .chunks(per_task)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            let accounts = accounts.clone();
            tokio::task::spawn_blocking(move || {
                chunk
                    .iter()
                    .map(|r| check(r, accounts[&r.account_id].as_ref(), &mint, now))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut checked = Vec::with_capacity(receipts.len());
    for task in tasks {
        checked.extend(task.await.map_err(|e| {
            tracing::error!(error = %e, "a receipt check task failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the receipts could not be checked",
            )
        })?);
    }
    Ok(checked)
}

/// Reports deferred receipts for settlement (agent scope).
#[utoipa::path(post, path = "/v1/receipts", request_body = ReceiptBatch,
    responses((status = 200, body = ReceiptResults)))]
pub(crate) async fn report_receipts(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(batch): ApiJson<ReceiptBatch>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    if batch.receipts.is_empty() || batch.receipts.len() > MAX_BATCH {
        return Err(Problem::invalid(format!(
            "receipts must hold 1 to {MAX_BATCH} receipts"
        )));
    }
    let mint = deps.chain.mint().await?;
    let key = idempotency::key_of(&headers)?;
    // Re-encoding a thousand receipts costs as much as storing them: only a keyed report needs
    // its fingerprint.
    let fingerprint = match &key {
        Some(_) => {
            let request = serde_json::to_value(&batch).expect("serialises");
            idempotency::fingerprint("POST", "/v1/receipts", &request)
        }
        None => [0; 32],
    };
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    let mut owned: HashMap<&str, Option<Account>> = HashMap::new();
    // Accounts are read once per report, not once per receipt.
    for r in &batch.receipts {
        if !owned.contains_key(r.account_id.as_str()) {
            let account = accounts::find(&mut tx, caller.operator_id, &r.account_id, Lock::None)
                .await
                .map_err(Problem::database)?;
            owned.insert(&r.account_id, account);
        }
    }
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let owned: HashMap<String, Option<Result<Signer, String>>> = owned
        .into_iter()
        .map(|(id, account)| (id.to_string(), account.map(Signer::new)))
        .collect();
    let checked = check_all(batch.receipts.clone(), owned, mint, now).await?;
    let valid: Vec<NewReceipt> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok().cloned())
        .collect();
    let mut outcomes = if valid.is_empty() {
        Vec::new()
    } else {
        receipts::ingest(&mut tx, &valid)
            .await
            .map_err(Problem::database)?
    }
    .into_iter();
    let results: Vec<ReceiptResult> = batch
        .receipts
        .iter()
        .zip(checked)
        .map(|(r, c)| {
            let (outcome, detail) = match c {
                Err(why) => ("invalid", Some(why)),
                Ok(_) => match outcomes.next().expect("one outcome per valid receipt") {
                    Outcome::Stored => ("stored", None),
                    Outcome::Duplicate => ("duplicate", None),
                    Outcome::Conflict => (
                        "conflict",
                        Some("another receipt holds this challenge id".to_string()),
                    ),
                },
            };
            ReceiptResult {
                challenge_id: r.challenge_id.clone(),
                account_id: r.account_id.clone(),
                outcome,
                detail,
            }
        })
        .collect();
    let count = |o: &str| results.iter().filter(|r| r.outcome == o).count();
    let stored = count("stored");
    if stored > 0 {
        // One row per report, not per receipt: receipts are their own append-only record.
        audit(
            &mut tx,
            &caller,
            "receipts.reported",
            "receipts",
            json!({ "stored": stored, "duplicate": count("duplicate"),
                    "conflict": count("conflict"), "invalid": count("invalid") }),
        )
        .await?;
    }
    let answer = ReceiptResults { results };
    let saved = serde_json::to_string(&answer).expect("serialises");
    commit(tx, &caller, key.as_deref(), StatusCode::OK, &saved).await?;
    tracing::info!(stored, reported = answer.results.len(), "receipts reported");
    Ok((StatusCode::OK, Json(answer)).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    account_id: String,
    challenge_id: String,
    recipient: String,
    amount: u64,
    /// `accepted`, `settling`, `settled`, `rejected` or `expired`.
    status: String,
    expires_at: String,
    /// The `settle_batch` transaction that paid it.
    settlement_tx_signature: Option<String>,
    /// Why the chain did not settle it (`rejected` only): the policy's refusal code
    /// (`over_daily_limit` …), `escalation_required`, or why its batch failed.
    rejection_reason: Option<String>,
    /// The `settle_batch` it went into (`receipts.settled` and `receipts.failed` events name it).
    batch_id: Option<i64>,
    received_at: String,
    settled_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptPage {
    items: Vec<ReceiptView>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptQuery {
    account_id: Option<String>,
    /// `accepted`, `settling`, `settled`, `rejected` or `expired`.
    status: Option<String>,
    /// 1 to 100; 50 when absent.
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

const RECEIPT_STATUSES: [&str; 5] = ["accepted", "settling", "settled", "rejected", "expired"];

/// The operator's deferred receipts, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/receipts", params(ReceiptQuery), responses((status = 200, body = ReceiptPage)))]
pub(crate) async fn list_receipts(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    query: Result<axum::extract::Query<ReceiptQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ReceiptPage>, Problem> {
    caller.require(Scope::Read)?;
    let axum::extract::Query(query) = query.map_err(super::pages::invalid_query)?;
    let limit = super::pages::limit(query.limit)?;
    super::pages::status(query.status.as_deref(), &RECEIPT_STATUSES)?;
    let before = match &query.cursor {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "cursor is not one this API returned",
            )
        })?),
    };
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    let mut rows = receipts::list(
        &mut conn,
        caller.operator_id,
        query.account_id.as_deref(),
        query.status.as_deref(),
        before,
        limit + 1,
    )
    .await
    .map_err(Problem::database)?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.receipt_id.to_string())
    } else {
        None
    };
    Ok(Json(ReceiptPage {
        items: rows
            .into_iter()
            .map(|r| ReceiptView {
                account_id: r.account_id,
                challenge_id: r.challenge_id,
                recipient: r.recipient,
                amount: r.amount as u64,
                status: r.status,
                expires_at: r.expires_at,
                settlement_tx_signature: r.settlement_tx_signature,
                rejection_reason: r.rejection_reason,
                batch_id: r.batch_id,
                received_at: r.received_at,
                settled_at: r.settled_at,
            })
            .collect(),
        next_cursor,
    }))
}
