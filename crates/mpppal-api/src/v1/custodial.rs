//! Custodial signing: an agent whose key MPPPal holds asks the API to sign a deferred receipt
//! for a challenge. The API decides with the wallet's policy (the rules the chain applies), holds
//! the amount against the day's budget atomically, signs with the sealed agent key and stores the
//! receipt for batch settlement; the agent presents the signature to the paywall.

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use mpppal_db::accounts::Lock;
use mpppal_db::receipts::{self, NewReceipt, Outcome};
use mpppal_policy::{Payment, Verdict};
use mpppal_solana::signed::{category_field, challenge_hash, Receipt, SignReceipt as _};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::types::time::OffsetDateTime;
use std::str::FromStr;
use std::sync::Arc;

use super::custodial_tx::custodial;
use super::{audit, change_tx, commit, spend};
use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::custody;
use crate::idempotency;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// Longest a receipt signed here may live: the worker settles well within it.
const MAX_TTL: i64 = 3600;

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignReceipt {
    /// The MPP challenge id the receipt pays.
    challenge_id: String,
    /// The provider's owner key (base58), from the challenge.
    recipient: String,
    /// The mint, from the challenge; must be the wallet's.
    mint: String,
    /// Base units, from the challenge.
    amount: u64,
    /// Unix seconds; at most an hour ahead (and within the paywall's `maxTtlSeconds`).
    expires_at: i64,
    category: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignedReceipt {
    challenge_id: String,
    /// The wallet PDA, for the credential's payload.
    wallet: String,
    expires_at: i64,
    category: Option<String>,
    /// Base58 Ed25519 signature by the account's agent key.
    signature: String,
}

fn bad(detail: impl Into<String>) -> Problem {
    Problem::invalid(detail)
}

fn denied(reason: &str, detail: String) -> Problem {
    let mut problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "payment_denied",
        format!("the policy refused the payment: {detail}"),
    );
    problem.extra = json!({ "reason": reason });
    problem
}

/// Signs a deferred receipt with a custodial account's agent key (agent scope). Signing the same
/// receipt again returns the same signature; a different receipt for the same challenge is 409.
#[utoipa::path(post, path = "/v1/accounts/{account_id}/receipts", request_body = SignReceipt,
    responses((status = 201, body = SignedReceipt), (status = 200, body = SignedReceipt, description = "already signed"),
              (status = 409, description = "not_custodial or receipt_conflict"), (status = 422, description = "payment_denied")))]
pub(crate) async fn sign_receipt(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(account_id): Path<String>,
    ApiJson(body): ApiJson<SignReceipt>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    if body.challenge_id.is_empty() || body.challenge_id.len() > 256 {
        return Err(bad("challengeId must be 1 to 256 bytes"));
    }
    if body.amount == 0 || body.amount > i64::MAX as u64 {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_amount",
            format!("amount must be 1 to {} base units", i64::MAX),
        ));
    }
    let recipient =
        Pubkey::from_str(&body.recipient).map_err(|_| bad("recipient is not a base58 address"))?;
    let mint = Pubkey::from_str(&body.mint).map_err(|_| bad("mint is not a base58 address"))?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if body.expires_at <= now || body.expires_at > now + MAX_TTL {
        return Err(bad(format!(
            "expiresAt must be in the next {MAX_TTL} seconds"
        )));
    }
    let category = category_field(body.category.as_deref())
        .ok_or_else(|| bad("category is longer than 32 bytes"))?;
    let key = idempotency::key_of(&headers)?;
    let request = serde_json::to_value(&body).expect("serialises");
    let path = format!("/v1/accounts/{account_id}/receipts");
    let fingerprint = idempotency::fingerprint("POST", &path, &request);
    let mut tx = match change_tx(&deps, &caller, key.as_deref(), fingerprint).await? {
        Ok(tx) => tx,
        Err(replay) => return Ok(replay),
    };
    // Shared, like transfers: signing goes on side by side, a policy change waits for it.
    let account = custodial(&mut tx, &caller, &account_id, Lock::Share).await?;
    if mint != deps.chain.mint().await? {
        return Err(bad("mint is not the USDC mint wallets hold"));
    }
    let wallet = Pubkey::from_str(&account.solana_address)
        .map_err(|_| bad("the stored wallet address is malformed"))?;
    let sealed = mpppal_db::accounts::sealed_agent_seed(&mut tx, &account_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such account"))?;
    let agent = custody::open(master, &custody::agent_label(&account_id), &sealed)?;
    let receipt = Receipt {
        wallet,
        recipient,
        mint,
        amount: body.amount,
        expires_at: body.expires_at,
        challenge_hash: challenge_hash(&body.challenge_id),
        category,
    };
    // Ed25519 signatures are deterministic: the same receipt signs to the same bytes, so a retry
    // finds its own receipt stored as a duplicate rather than paying twice.
    let signature = receipt.sign(&agent).signature;
    let answer = SignedReceipt {
        challenge_id: body.challenge_id.clone(),
        wallet: wallet.to_string(),
        expires_at: body.expires_at,
        category: body.category.clone(),
        signature: bs58::encode(signature).into_string(),
    };
    let stored = NewReceipt {
        account_id: account_id.clone(),
        challenge_id: body.challenge_id.clone(),
        challenge_hash: challenge_hash(&body.challenge_id),
        wallet: account.solana_address.clone(),
        recipient: body.recipient.clone(),
        mint: body.mint.clone(),
        amount: body.amount as i64,
        category,
        expires_at: OffsetDateTime::from_unix_timestamp(body.expires_at)
            .map_err(|_| bad("expiresAt is out of range"))?,
        signature,
        // `spend::decide` below holds it against this day's budget.
        spend_day: Some(mpppal_policy::utc_day(now)),
    };
    match receipts::ingest(&mut tx, std::slice::from_ref(&stored))
        .await
        .map_err(Problem::database)?[0]
    {
        Outcome::Stored => {}
        Outcome::Duplicate => return Ok((StatusCode::OK, Json(answer)).into_response()),
        Outcome::Conflict => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "receipt_conflict",
                "another receipt was already signed for this challenge",
            ))
        }
    }

    let payment = Payment {
        amount: body.amount,
        counterparty: recipient.to_bytes(),
        category: body.category.as_deref(),
        memo: None,
        owner_cosigned: false,
    };
    // An escalated receipt is refused, so it holds no budget.
    match spend::decide(&mut tx, &account_id, &payment, now, false)
        .await?
        .verdict
    {
        Verdict::Allow => {}
        Verdict::Deny(reason) => return Err(denied(reason.code(), reason.to_string())),
        Verdict::Escalate(reason) => {
            return Err(denied(
                "escalation_required",
                format!("{reason}; a receipt cannot carry it, so pay this by a transfer the operator approves"),
            ))
        }
    }
    audit(
        &mut tx,
        &caller,
        "receipt.signed",
        &account_id,
        json!({ "challengeId": body.challenge_id, "amount": body.amount, "recipient": body.recipient }),
    )
    .await?;
    let saved = serde_json::to_string(&answer).expect("serialises");
    commit(tx, &caller, key.as_deref(), StatusCode::CREATED, &saved).await?;
    tracing::info!(%account_id, amount = body.amount, "custodial receipt signed");
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}
