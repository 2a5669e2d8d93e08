//! `transfer.confirm`: the outcome of a custodial payment a provider submitted (MPP charge, pull
//! mode; ADR 0018). MPPPal signed the transaction for the agent and handed it out; the provider
//! adds its fee-payer signature and sends it, so the transaction's id (the fee payer's
//! signature) is unknown here. The agent's signature is known, and is in the landed transaction
//! exactly when it is the message MPPPal signed: the job looks for it among all the wallet's
//! transactions since the slot in which the transaction was handed out.
//!
//! Landed and succeeded: settled. Landed and failed: failed (a processed signature never lands
//! again). Not found once the transaction can no longer land (its expiry read before the
//! search, so a landing cannot slip in between): failed, and the day's budget is given back.

use anchor_lang::prelude::Pubkey;
use mpppal_db::settlement::{self, HandedOut};
use solana_signature::Signature;
use solana_transaction::Transaction;
use std::collections::HashSet;
use std::str::FromStr;
use std::time::Instant;

use crate::settle::{blockhash_valid, wait};
use crate::{outcome, Ctx, Retry};

/// The job kind; its subject is the transfer id.
pub const JOB: &str = "transfer.confirm";

/// What the search found.
enum Found {
    Landed { signature: Signature, ok: bool },
    Nothing,
}

pub async fn run(ctx: &Ctx, transfer_id: &str) -> Result<(), Retry> {
    let deadline = Instant::now() + ctx.config.confirm_wait;
    // Transactions already looked at in this run: each is fetched once.
    let mut examined = HashSet::new();
    loop {
        let mut conn = ctx.db.acquire().await?;
        let Some(s) = settlement::load(&mut conn, transfer_id).await? else {
            tracing::warn!(transfer_id, "a confirmation job names no transfer; dropped");
            return Ok(());
        };
        let handed = settlement::handed_out(&mut conn, transfer_id).await?;
        drop(conn);
        let Some(handed) = handed.filter(|_| s.status == "pending") else {
            return Ok(());
        };
        let wallet = Pubkey::from_str(&s.wallet)
            .map_err(|_| Retry(format!("the wallet {} is malformed", s.wallet)))?;
        let agent_signature = agent_signature(&handed)?;
        let expired = ctx.chain.block_height().await? > handed.last_valid_height as u64
            || !blockhash_valid(ctx, &handed.raw).await?;
        match search(ctx, &wallet, &handed, &agent_signature, &mut examined).await? {
            Found::Landed {
                signature,
                ok: true,
            } => {
                return outcome::settled(ctx, &s, &signature.to_string()).await;
            }
            Found::Landed {
                signature,
                ok: false,
            } => {
                let reason = format!("the provider's submission {signature} failed on chain");
                return outcome::failed(ctx, &s, &reason).await;
            }
            Found::Nothing if expired => {
                let reason = "the transaction handed out for this payment expired without \
                              being submitted";
                return outcome::failed(ctx, &s, reason).await;
            }
            Found::Nothing => wait(deadline, &agent_signature.to_string()).await?,
        }
    }
}

/// The first signature MPPPal put on the handed-out transaction (the agent's; the fee payer's
/// slot is still empty).
fn agent_signature(handed: &HandedOut) -> Result<Signature, Retry> {
    let tx: Transaction = bincode::deserialize(&handed.raw)
        .map_err(|_| Retry("a handed-out transaction does not decode".into()))?;
    tx.signatures
        .iter()
        .find(|s| **s != Signature::default())
        .copied()
        .ok_or_else(|| Retry("a handed-out transaction carries no signature".into()))
}

/// Looks for a transaction of `wallet` since the hand-out carrying `agent_signature`.
async fn search(
    ctx: &Ctx,
    wallet: &Pubkey,
    handed: &HandedOut,
    agent_signature: &Signature,
    examined: &mut HashSet<Signature>,
) -> Result<Found, Retry> {
    let since = ctx
        .chain
        .history_since(wallet, handed.slot.max(0) as u64)
        .await?;
    for (signature, ok) in since {
        if !examined.insert(signature) {
            continue;
        }
        let Some(signatures) = ctx.chain.signatures_of(&signature).await? else {
            continue;
        };
        if signatures.contains(agent_signature) {
            return Ok(Found::Landed { signature, ok });
        }
    }
    Ok(Found::Nothing)
}
