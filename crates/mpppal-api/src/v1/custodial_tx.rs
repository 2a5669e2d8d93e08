//! Custodial payments by transaction (MPP charge, pull mode): for paywalls that take a
//! transaction the server sponsors, the API builds the Policy Program transfers, signs them with
//! the sealed agent key and hands back the partially signed transaction for the credential.
//!
//! Above the escalation threshold the payment waits (`202`) for an operator; once approved, the
//! agent asks again and gets the transaction co-signed by the operator's owner key, which the
//! chain requires above the threshold. It is denied automatically when the challenge expires.
//!
//! The wallet's on-chain nonce makes every signed transaction single-use; one payment by
//! transaction per custodial account is signed at a time (the account row is locked), and a
//! transaction that lost a race for the nonce fails on chain without paying.

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use mpppal_db::accounts::{self, Account, Lock};
use mpppal_db::transfers::{self, NewTransfer};
use mpppal_db::{escalations, outbox, settlement};
use mpppal_policy::{Payment, Verdict};
use mpppal_policy_program::TransferArgs;
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use serde::{Deserialize, Serialize};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;
use sqlx::types::time::OffsetDateTime;
use std::str::FromStr;
use std::sync::Arc;

use super::audit;
use super::spend::{self, Decision};
use super::transfers::event;
use crate::auth::keys::{random_base62, Scope};
use crate::auth::Caller;
use crate::custody;
use crate::json::ApiJson;
use crate::problem::Problem;
use crate::ready::Dependencies;

#[derive(Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Leg {
    /// The token account paid (base58).
    destination: String,
    /// Base units.
    amount: u64,
}

#[derive(Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransactionRequest {
    /// The MPP challenge id (one payment per challenge).
    challenge_id: String,
    /// The server's fee payer from the challenge (base58).
    fee_payer: String,
    /// The provider's owner key: who the policy sees as paid.
    recipient: String,
    /// Token accounts and amounts, as the challenge's legs ask.
    legs: Vec<Leg>,
    /// The challenge's expiry (unix seconds): an escalation still pending then is denied.
    expires_at: i64,
    category: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignedTransaction {
    transfer_id: String,
    /// Base64 wire transaction, signed by the agent (and the owner when approved); the fee
    /// payer's signature slot is left for the server.
    transaction: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AwaitingApproval {
    transfer_id: String,
    escalation_id: String,
    expires_at: String,
}

/// The longest a requested payment may wait for its challenge (and an escalation for a decision).
const MAX_CHALLENGE_TTL: i64 = 7 * 24 * 3600;

fn bad(detail: impl Into<String>) -> Problem {
    Problem::invalid(detail)
}

fn denied(reason: &str, detail: String, transfer_id: &str) -> Problem {
    let mut problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "payment_denied",
        format!("the payment was refused: {detail}"),
    );
    problem.extra = json!({ "reason": reason, "transferId": transfer_id });
    problem
}

/// A payment whose transaction already landed, or can no longer: nothing more is signed for it.
fn finished(t: &transfers::Transfer) -> Problem {
    let mut problem = if t.status == "settled" {
        Problem::new(
            StatusCode::CONFLICT,
            "already_settled",
            format!(
                "this payment already landed in transaction {}",
                t.tx_signature.as_deref().unwrap_or("?")
            ),
        )
    } else {
        Problem::new(
            StatusCode::CONFLICT,
            "payment_failed",
            format!(
                "this payment failed: {}",
                t.failure_reason.as_deref().unwrap_or("unknown")
            ),
        )
    };
    problem.extra = json!({ "transferId": t.transfer_id });
    problem
}

fn key(field: &str, text: &str) -> Result<Pubkey, Problem> {
    Pubkey::from_str(text).map_err(|_| bad(format!("{field} is not a base58 address")))
}

/// The caller's custodial account, held with `lock`; 404 for none, 409 for a non-custodial one.
pub(super) async fn custodial(
    tx: &mut sqlx::PgConnection,
    caller: &Caller,
    account_id: &str,
    lock: Lock,
) -> Result<Account, Problem> {
    let account = accounts::find(tx, caller.operator_id, account_id, lock)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such account"))?;
    if account.custody_mode != "custodial" {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "not_custodial",
            "this account's agent holds its own key; it signs for itself",
        ));
    }
    Ok(account)
}

/// The transaction for payment `transfer_id`, signed by the agent key (and the owner key if
/// `owner`). Asked again while the transaction handed out before can still land, it hands out
/// the same one: two live transactions for one payment could both be submitted. Once that one
/// has expired, the settlement worker decides whether it landed; until then nothing new is
/// signed. Every transaction handed out is recorded, with a `transfer.confirm` job that
/// watches for it on chain.
async fn sign(
    deps: &Dependencies,
    tx: &mut sqlx::PgConnection,
    account: &Account,
    transfer_id: &str,
    request: &TransactionRequest,
    owner: Option<&Keypair>,
) -> Result<String, Problem> {
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    if let Some(earlier) = settlement::handed_out(tx, transfer_id)
        .await
        .map_err(Problem::database)?
    {
        if deps.chain.block_height().await? <= earlier.last_valid_height as u64 {
            return Ok(encode(&earlier.raw));
        }
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "transaction_expired",
            "the transaction handed out for this payment has expired; whether it was submitted \
             in time is being confirmed (the transfer's status will tell)",
        ));
    }
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    let sealed = accounts::sealed_agent_seed(tx, &account.account_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("no such account"))?;
    let agent = custody::open(master, &custody::agent_label(&account.account_id), &sealed)?;
    let wallet = key("the account's wallet", &account.solana_address)?;
    let fee_payer = key("feePayer", &request.fee_payer)?;
    let on_chain = deps.chain.existing_wallet(&wallet).await?;
    let mut instructions = Vec::with_capacity(request.legs.len());
    for (i, leg) in request.legs.iter().enumerate() {
        instructions.push(policy_ix::transfer(
            &PaymentAccounts {
                agent: agent.pubkey(),
                owner_cosigner: owner.map(|o| o.pubkey()),
                wallet,
                mint: on_chain.mint,
                destination: key("destination", &leg.destination)?,
            },
            TransferArgs {
                amount: leg.amount,
                nonce: on_chain.nonce + i as u64,
                memo: None,
                category: request.category.clone(),
            },
        ));
    }
    // Read before the blockhash: the transaction cannot land in an earlier slot.
    let slot = deps.chain.slot().await?;
    let (blockhash, last_valid_height) = deps.chain.blockhash_until().await?;
    let mut transaction =
        solana_transaction::Transaction::new_with_payer(&instructions, Some(&fee_payer));
    let mut signers: Vec<&Keypair> = vec![&agent];
    signers.extend(owner);
    transaction
        .try_partial_sign(&signers, blockhash)
        .map_err(|e| bad(format!("cannot sign: {e}")))?;
    let bytes = bincode::serialize(&transaction).expect("a transaction serialises");
    settlement::hand_out(
        tx,
        transfer_id,
        &settlement::HandedOut {
            raw: bytes.clone(),
            nonce: on_chain.nonce as i64,
            last_valid_height: last_valid_height as i64,
            slot: slot as i64,
        },
    )
    .await
    .map_err(Problem::database)?;
    outbox::push(
        tx,
        "transfer.confirm",
        transfer_id,
        &json!({ "transferId": transfer_id }),
    )
    .await
    .map_err(Problem::database)?;
    Ok(encode(&bytes))
}

/// Asks for a payment by transaction (agent scope): `201` with the transaction, `202` when it
/// waits for an operator, `422` when the policy refuses it.
#[utoipa::path(post, path = "/v1/accounts/{account_id}/transactions", request_body = TransactionRequest,
    responses((status = 201, body = SignedTransaction), (status = 202, body = AwaitingApproval), (status = 422)))]
pub(crate) async fn request_transaction(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    ApiJson(request): ApiJson<TransactionRequest>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    if request.challenge_id.is_empty() || request.challenge_id.len() > 128 {
        return Err(bad("challengeId must be 1 to 128 bytes"));
    }
    if request
        .category
        .as_ref()
        .is_some_and(|c| c.is_empty() || c.len() > mpppal_policy::MAX_CATEGORY_LEN)
    {
        return Err(bad("category must be 1 to 32 bytes"));
    }
    if request.legs.is_empty() || request.legs.len() > 4 {
        return Err(bad("legs must hold 1 to 4 payments"));
    }
    let mut total: u64 = 0;
    for leg in &request.legs {
        key("destination", &leg.destination)?;
        total = total
            .checked_add(leg.amount)
            .filter(|t| *t <= i64::MAX as u64 && leg.amount > 0)
            .ok_or_else(|| bad("every leg pays 1 base unit or more, 2^63-1 in all at most"))?;
    }
    let recipient = key("recipient", &request.recipient)?;
    key("feePayer", &request.fee_payer)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if request.expires_at <= now {
        return Err(bad("the challenge has expired"));
    }
    // The escalation waits until the challenge expires: a week at most, as for transfers.
    if request.expires_at - now > MAX_CHALLENGE_TTL {
        return Err(bad(format!(
            "expiresAt must be within {MAX_CHALLENGE_TTL} seconds from now"
        )));
    }
    let mut tx = deps.db.begin().await.map_err(Problem::database)?;
    // One payment by transaction per account at a time: they share the wallet's nonce.
    let account = custodial(&mut tx, &caller, &account_id, Lock::Update).await?;
    if let Err(problem) = legs_pay_recipient(&deps, &request, &recipient).await {
        // Let go of the account row at once rather than when the connection is next used.
        let _ = tx.rollback().await;
        return Err(problem);
    }
    if let Some(earlier) = transfers::by_key(&mut tx, &account_id, &request.challenge_id)
        .await
        .map_err(Problem::database)?
    {
        // The same payment asked again (its answer was lost): answer as for it now.
        return again(&deps, tx, &caller, &account, earlier, &request).await;
    }
    let payment = Payment {
        amount: total,
        counterparty: recipient.to_bytes(),
        category: request.category.as_deref(),
        memo: None,
        owner_cosigned: false,
    };
    let Decision { verdict, day, .. } =
        spend::decide(&mut tx, &account_id, &payment, now, true).await?;
    let transfer_id = format!("txn_{}", random_base62(24));
    let new = |status, reason| NewTransfer {
        transfer_id: &transfer_id,
        account_id: &account_id,
        to_address: &request.recipient,
        amount: total as i64,
        memo: None,
        category: request.category.as_deref(),
        // One payment per challenge: a second request for it is refused by the unique key.
        idempotency_key: &request.challenge_id,
        status,
        rejection_reason: reason,
        spend_day: day,
        created_by: &caller.key_id,
    };
    let insert = |e: sqlx::Error| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Problem::new(
            StatusCode::CONFLICT,
            "already_requested",
            "a payment was already requested for this challenge; ask for its transaction by id",
        ),
        _ => Problem::database(e),
    };
    let answer = match verdict {
        Verdict::Deny(reason) => {
            let detail = reason.to_string();
            transfers::insert(&mut tx, &new("rejected", Some(&detail)))
                .await
                .map_err(insert)?;
            event(&mut tx, "transfer.rejected", &transfer_id).await?;
            let problem = denied(reason.code(), detail, &transfer_id);
            tx.commit().await.map_err(Problem::database)?;
            return Err(problem);
        }
        Verdict::Allow => {
            transfers::insert(&mut tx, &new("pending", None))
                .await
                .map_err(insert)?;
            let transaction = sign(&deps, &mut tx, &account, &transfer_id, &request, None).await?;
            event(&mut tx, "transfer.created", &transfer_id).await?;
            (
                StatusCode::CREATED,
                serde_json::to_value(SignedTransaction {
                    transfer_id: transfer_id.clone(),
                    transaction,
                })
                .expect("serialises"),
            )
        }
        Verdict::Escalate(reason) => {
            transfers::insert(&mut tx, &new("pending_approval", None))
                .await
                .map_err(insert)?;
            let threshold = match reason {
                mpppal_policy::EscalationReason::AboveThreshold { threshold } => threshold,
                _ => total.saturating_sub(1),
            };
            let escalation = escalations::insert(
                &mut tx,
                &format!("esc_{}", random_base62(24)),
                &transfer_id,
                &account_id,
                total as i64,
                threshold as i64,
                request.expires_at - now,
            )
            .await
            .map_err(Problem::database)?;
            event(&mut tx, "escalation.required", &transfer_id).await?;
            (
                StatusCode::ACCEPTED,
                serde_json::to_value(AwaitingApproval {
                    transfer_id: transfer_id.clone(),
                    escalation_id: escalation.escalation_id,
                    expires_at: escalation.expires_at,
                })
                .expect("serialises"),
            )
        }
    };
    transfers::set_payment_request(
        &mut tx,
        &transfer_id,
        &serde_json::to_value(&request).expect("serialises"),
    )
    .await
    .map_err(Problem::database)?;
    audit(
        &mut tx,
        &caller,
        if answer.0 == StatusCode::CREATED {
            "transaction.signed"
        } else {
            "escalation.required"
        },
        &transfer_id,
        json!({ "challengeId": request.challenge_id, "amount": total, "recipient": request.recipient }),
    )
    .await?;
    tx.commit().await.map_err(Problem::database)?;
    Ok((answer.0, Json(answer.1)).into_response())
}

/// The answer for a payment already requested for this challenge: its transaction (`200`) if it
/// may proceed, `202` while it waits for approval, `422` if refused. A different request under
/// the same challenge id is `409 already_requested`.
async fn again(
    deps: &Dependencies,
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
    caller: &Caller,
    account: &Account,
    earlier: transfers::Transfer,
    request: &TransactionRequest,
) -> Result<Response, Problem> {
    let stored = transfers::payment_request(&mut tx, &earlier.transfer_id)
        .await
        .map_err(Problem::database)?;
    if stored != Some(serde_json::to_value(request).expect("serialises")) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "already_requested",
            "another payment was already requested for this challenge",
        ));
    }
    match earlier.status.as_str() {
        "pending_approval" => {
            let escalation = escalations::of_transfer(&mut tx, &earlier.transfer_id)
                .await
                .map_err(Problem::database)?
                .ok_or_else(|| Problem::not_found("the payment's escalation is missing"))?;
            Ok((
                StatusCode::ACCEPTED,
                Json(AwaitingApproval {
                    transfer_id: earlier.transfer_id,
                    escalation_id: escalation.escalation_id,
                    expires_at: escalation.expires_at,
                }),
            )
                .into_response())
        }
        "rejected" => {
            let escalated = escalations::of_transfer(&mut tx, &earlier.transfer_id)
                .await
                .map_err(Problem::database)?
                .is_some();
            Err(denied(
                if escalated { "not_approved" } else { "refused" },
                earlier.rejection_reason.unwrap_or_default(),
                &earlier.transfer_id,
            ))
        }
        "settled" | "failed" => Err(finished(&earlier)),
        _ => {
            let master = deps.master_key.as_ref().expect("checked by authenticate");
            let owner = if earlier.owner_cosigned {
                Some(custody::owner(&deps.db, master, caller.operator_id).await?)
            } else {
                None
            };
            let transaction = sign(
                deps,
                &mut tx,
                account,
                &earlier.transfer_id,
                request,
                owner.as_ref(),
            )
            .await?;
            tx.commit().await.map_err(Problem::database)?;
            Ok((
                StatusCode::OK,
                Json(SignedTransaction {
                    transfer_id: earlier.transfer_id,
                    transaction,
                }),
            )
                .into_response())
        }
    }
}

/// The transaction of an approved payment, co-signed by the owner key (agent scope): `200`;
/// `409 awaiting_approval` while no operator has decided; `422 payment_denied` once denied or
/// expired.
#[utoipa::path(post, path = "/v1/accounts/{account_id}/transactions/{transfer_id}",
    responses((status = 200, body = SignedTransaction), (status = 404), (status = 409, description = "awaiting_approval"), (status = 422)))]
pub(crate) async fn approved_transaction(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    Path((account_id, transfer_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    caller.require(Scope::Agent)?;
    let master = deps.master_key.as_ref().expect("checked by authenticate");
    let mut tx = deps.db.begin().await.map_err(Problem::database)?;
    let account = custodial(&mut tx, &caller, &account_id, Lock::Update).await?;
    let transfer = transfers::find(&mut tx, caller.operator_id, &transfer_id)
        .await
        .map_err(Problem::database)?
        .filter(|t| t.account_id == account_id)
        .ok_or_else(|| Problem::not_found("no such payment"))?;
    match transfer.status.as_str() {
        "pending_approval" => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "awaiting_approval",
                "no operator has decided on this payment yet",
            ))
        }
        "rejected" => {
            return Err(denied(
                "not_approved",
                transfer.rejection_reason.unwrap_or_default(),
                &transfer_id,
            ))
        }
        "settled" | "failed" => return Err(finished(&transfer)),
        _ => {}
    }
    let request: TransactionRequest = transfers::payment_request(&mut tx, &transfer_id)
        .await
        .map_err(Problem::database)?
        .and_then(|r| serde_json::from_value(r).ok())
        .ok_or_else(|| Problem::not_found("this payment was not requested as a transaction"))?;
    let owner = if transfer.owner_cosigned {
        Some(custody::owner(&deps.db, master, caller.operator_id).await?)
    } else {
        None
    };
    let transaction = sign(
        &deps,
        &mut tx,
        &account,
        &transfer_id,
        &request,
        owner.as_ref(),
    )
    .await?;
    tx.commit().await.map_err(Problem::database)?;
    Ok((
        StatusCode::OK,
        Json(SignedTransaction {
            transfer_id,
            transaction,
        }),
    )
        .into_response())
}

/// The policy and the ledger judge the declared recipient, so that is who every leg must pay:
/// otherwise an approved escalation could show one payee and pay another.
async fn legs_pay_recipient(
    deps: &Dependencies,
    request: &TransactionRequest,
    recipient: &Pubkey,
) -> Result<(), Problem> {
    let paid = mpppal_solana::address::token_account(recipient, &deps.chain.mint().await?);
    for leg in &request.legs {
        if key("destination", &leg.destination)? != paid {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "leg_not_to_recipient",
                format!(
                    "every leg must pay the recipient's token account {paid}, not {}",
                    leg.destination
                ),
            ));
        }
    }
    Ok(())
}
