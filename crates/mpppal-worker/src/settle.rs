//! `transfer.settle`: a direct transfer from a custodial wallet, through the Settlement
//! Program's `transfer`, signed by the account's agent key and paid for (and, when an operator
//! approved it above the threshold, co-signed) by the operator's owner key.
//!
//! Exactly once (ADR 0017): the signed transaction is recorded before it is sent, and a new one
//! is built only when the chain proves the recorded one can never land: not found although the
//! wallet's nonce has moved past it or its blockhash has expired. Until then the worker sends
//! the same bytes again, which cannot pay twice.

use anchor_lang::prelude::Pubkey;
use mpppal_db::settlement::{self, Attempt, Settling};
use mpppal_policy_program::errors::PolicyProgramError;
use mpppal_settlement_program::TransferArgs;
use mpppal_solana::policy_ix::PaymentAccounts;
use mpppal_solana::{address, settlement_ix, token_ix};
use solana_keypair::Keypair;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::str::FromStr;
use std::time::{Duration, Instant};

use crate::chain::{ChainError, Landed};
use crate::{outcome, Ctx, Retry};

/// How often a sent transaction's status is read while waiting for it.
pub(crate) const POLL: Duration = Duration::from_millis(400);

fn nonce_mismatch() -> u32 {
    PolicyProgramError::NonceMismatch.into()
}

pub async fn run(ctx: &Ctx, transfer_id: &str) -> Result<(), Retry> {
    let mut conn = ctx.db.acquire().await?;
    let Some(first) = settlement::load(&mut conn, transfer_id).await? else {
        tracing::warn!(transfer_id, "a settlement job names no transfer; dropped");
        return Ok(());
    };
    drop(conn);
    let _turn = ctx.wallet_turn(&first.wallet).await;
    let deadline = Instant::now() + ctx.config.confirm_wait;
    // The attempt this run built and sent itself: no need to send it again.
    let mut sent: Option<String> = None;
    loop {
        let mut conn = ctx.db.acquire().await?;
        let Some(s) = settlement::load(&mut conn, transfer_id).await? else {
            tracing::warn!(transfer_id, "a settlement job names no transfer; dropped");
            return Ok(());
        };
        drop(conn);
        if s.status != "pending" || s.provider_submitted {
            return Ok(());
        }
        let wallet_address = Pubkey::from_str(&s.wallet).map_err(|_| {
            Retry(format!(
                "the account's wallet address {} is malformed",
                s.wallet
            ))
        })?;
        // The wallet first, the signature's status second: if our transaction moved the nonce,
        // its status is visible by the time we look.
        let wallet = ctx
            .chain
            .wallet(&wallet_address)
            .await?
            .ok_or_else(|| Retry(format!("the chain has no wallet at {wallet_address}")))?;

        if let Some(attempt) = &s.attempt {
            let signature = Signature::from_str(&attempt.signature)
                .map_err(|_| Retry("a recorded signature is malformed".into()))?;
            // Whether it could still land, read before its status: if it could not before we
            // looked, a status of "not found" is final.
            let expired = ctx.chain.block_height().await? > attempt.last_valid_height as u64
                || !blockhash_valid(ctx, &attempt.raw).await?;
            match ctx.chain.landed(&signature).await? {
                Some(Landed::Confirmed) => {
                    outcome::settled(ctx, &s, &attempt.signature).await?;
                    return Ok(());
                }
                Some(Landed::Processing) => {
                    wait(deadline, &attempt.signature).await?;
                    continue;
                }
                Some(Landed::Failed { code, .. }) if code == Some(nonce_mismatch()) => {
                    tracing::info!(
                        transfer_id,
                        "another payment took the wallet nonce; rebuilding"
                    );
                }
                Some(Landed::Failed { detail, .. }) => {
                    outcome::failed(
                        ctx,
                        &s,
                        &format!("the chain refused the transfer: {detail}"),
                    )
                    .await?;
                    return Ok(());
                }
                None => {
                    let dead = wallet.nonce > attempt.nonce as u64 || expired;
                    if !dead {
                        if sent.as_deref() != Some(attempt.signature.as_str()) {
                            resend(ctx, &attempt.signature, &attempt.raw).await?;
                            sent = Some(attempt.signature.clone());
                        }
                        wait(deadline, &attempt.signature).await?;
                        continue;
                    }
                    tracing::info!(
                        transfer_id,
                        signature = %attempt.signature,
                        "the recorded attempt can no longer land; rebuilding"
                    );
                }
            }
        }

        let (blockhash, last_valid_height) = ctx.chain.blockhash().await?;
        let tx = match build(ctx, &s, &wallet_address, &wallet, blockhash).await? {
            Ok(tx) => tx,
            Err(reason) => {
                outcome::failed(ctx, &s, &reason).await?;
                return Ok(());
            }
        };
        let attempt = Attempt {
            signature: tx.signatures[0].to_string(),
            raw: bincode::serialize(&tx).expect("a transaction serialises"),
            nonce: wallet.nonce as i64,
            last_valid_height: last_valid_height as i64,
        };
        let mut conn = ctx.db.acquire().await?;
        if !settlement::record_attempt(&mut conn, transfer_id, s.tx_attempts, &attempt).await? {
            // Another worker recorded one first: follow it.
            continue;
        }
        drop(conn);
        tracing::info!(
            transfer_id,
            signature = %attempt.signature,
            nonce = attempt.nonce,
            "settlement attempt recorded; sending"
        );
        match ctx.chain.send(&tx).await {
            Ok(()) => sent = Some(attempt.signature),
            Err(ChainError::Rejected { code, .. }) if code == Some(nonce_mismatch()) => {
                // The nonce moved between our read and the send: the next turn rebuilds.
            }
            Err(ChainError::Rejected { detail, .. }) => {
                // A refused preflight was never forwarded: this attempt cannot land.
                outcome::failed(
                    ctx,
                    &s,
                    &format!("the chain refused the transfer: {detail}"),
                )
                .await?;
                return Ok(());
            }
            Err(e @ ChainError::Unavailable(_)) => return Err(e.into()),
        }
    }
}

/// Sends a recorded attempt again. A refusal now is not final (the first copy may be on its
/// way), so it only logs; the attempt is judged once it lands or can no longer land.
pub(crate) async fn resend(ctx: &Ctx, signature: &str, raw: &[u8]) -> Result<(), Retry> {
    let tx: Transaction = bincode::deserialize(raw)
        .map_err(|_| Retry("a recorded transaction does not decode".into()))?;
    match ctx.chain.send(&tx).await {
        Ok(()) => Ok(()),
        Err(ChainError::Rejected { detail, .. }) => {
            tracing::debug!(signature, %detail, "resend refused");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the recorded transaction `raw` could still land (its blockhash is still known).
pub(crate) async fn blockhash_valid(ctx: &Ctx, raw: &[u8]) -> Result<bool, Retry> {
    let tx: Transaction = bincode::deserialize(raw)
        .map_err(|_| Retry("a recorded transaction does not decode".into()))?;
    Ok(ctx
        .chain
        .blockhash_valid(&tx.message.recent_blockhash)
        .await?)
}

/// Waits one poll interval, or lets go of the job (to be retried) once `deadline` passed.
pub(crate) async fn wait(deadline: Instant, signature: &str) -> Result<(), Retry> {
    if Instant::now() >= deadline {
        return Err(Retry(format!(
            "transaction {signature} is not yet confirmed; checking again later"
        )));
    }
    tokio::time::sleep(POLL).await;
    Ok(())
}

/// The signed transaction, or why this transfer can never be sent.
async fn build(
    ctx: &Ctx,
    s: &Settling,
    wallet_address: &Pubkey,
    wallet: &mpppal_policy_program::Wallet,
    blockhash: solana_transaction::Hash,
) -> Result<Result<Transaction, String>, Retry> {
    let Ok(to) = Pubkey::from_str(&s.to_address) else {
        return Ok(Err(format!("the recipient {} is malformed", s.to_address)));
    };
    let Some(sealed_agent) = &s.sealed_agent_seed else {
        return Ok(Err(
            "the account is not custodial: MPPPal holds no agent key to sign with".into(),
        ));
    };
    let agent = open(ctx, &mpppal_vault::agent_label(&s.account_id), sealed_agent)?;
    let owner = owner_key(ctx, s.operator_id).await?;
    let mint = wallet.mint;
    let payment = PaymentAccounts {
        agent: agent.pubkey(),
        owner_cosigner: s.owner_cosigned.then(|| owner.pubkey()),
        wallet: *wallet_address,
        mint,
        destination: address::token_account(&to, &mint),
    };
    let instructions = [
        // The recipient may not hold USDC yet; the owner pays for its token account.
        token_ix::create_token_account(&owner.pubkey(), &to, &mint),
        settlement_ix::transfer(
            &payment,
            TransferArgs {
                amount: s.amount as u64,
                nonce: wallet.nonce,
                memo: s.memo.clone(),
                category: s.category.clone(),
            },
        ),
    ];
    Ok(Ok(Transaction::new_signed_with_payer(
        &instructions,
        Some(&owner.pubkey()),
        &[&owner, &agent],
        blockhash,
    )))
}

/// The operator's owner key: it pays the worker's transactions' fees and rent.
pub(crate) async fn owner_key(ctx: &Ctx, operator_id: sqlx::types::Uuid) -> Result<Keypair, Retry> {
    let mut conn = ctx.db.acquire().await?;
    let (_, sealed) = mpppal_db::owners::find(&mut conn, operator_id)
        .await?
        .ok_or_else(|| Retry(format!("operator {operator_id} has no owner key")))?;
    open(ctx, &mpppal_vault::owner_label(operator_id), &sealed)
}

fn open(ctx: &Ctx, label: &str, sealed: &[u8]) -> Result<Keypair, Retry> {
    mpppal_vault::open_key(&ctx.master_key, label, sealed).ok_or_else(|| {
        Retry(format!(
            "the key {label} does not open under the master key"
        ))
    })
}
