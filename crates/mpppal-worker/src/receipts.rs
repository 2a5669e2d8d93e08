//! Deferred receipts to the chain (ADR 0018). The batcher ([`form`]) groups accepted receipts of
//! one account to one recipient into batches, as many per transaction as fit in 1,232 bytes;
//! each batch is a `receipts.settle` job ([`run`]): one `settle_batch` transaction carrying the
//! agent's signatures, paid for by the operator's owner key.
//!
//! The Settlement Program records every settled receipt in its own account and skips a receipt
//! already recorded, so a batch sent twice, or rebuilt after its blockhash expired, pays nothing
//! twice. As for transfers, the signed transaction is recorded before it is sent and rebuilt only
//! once it can no longer land, which keeps the receipts' `settlementTxSignature` true.

use anchor_lang::prelude::Pubkey;
use mpppal_db::batches::{self, Batch, BatchAttempt, Verdict};
use mpppal_db::{audit, budget, outbox};
use mpppal_policy_program::errors::PolicyProgramError;
use mpppal_settlement_program::events::ReceiptSkipped;
use mpppal_settlement_program::instructions::batch_settle::MAX_BATCH;
use mpppal_solana::settlement_ix;
use mpppal_solana::signed::{ed25519_instruction, Receipt, SignReceipt, SignedMessage};
use mpppal_solana::{address, token_ix};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::{Hash, Transaction};
use std::str::FromStr;
use std::sync::OnceLock;

use crate::attempts::{self, Payment, Recorded, Step};
use crate::settle::owner_key;
use crate::{outcome, Ctx, Retry};
use tracing::Instrument;

/// The most a Solana transaction may weigh on the wire.
const MAX_TRANSACTION_BYTES: u64 = mpppal_solana::method::payload::MAX_TRANSACTION_BYTES as u64;

/// Most accepted receipts one pass of the batcher takes.
const FORM_LIMIT: i64 = 2000;

/// The receipts of one agent to one recipient that fit in one `settle_batch` transaction, with
/// the recipient's token account created in it: measured on a transaction of the real shape.
pub fn per_transaction() -> usize {
    static FIT: OnceLock<usize> = OnceLock::new();
    *FIT.get_or_init(|| {
        let fits = |n: usize| {
            let keys = Keypair::new();
            let receipts = (0..n)
                .map(|i| {
                    let r = sample_receipt(i as u8);
                    (r.sign(&keys), r)
                })
                .collect::<Vec<_>>();
            let tx = transaction(&keys, &keys.pubkey(), &receipts, Hash::default());
            bincode::serialized_size(&tx).expect("a transaction serialises")
                <= MAX_TRANSACTION_BYTES
        };
        let n = (1..=MAX_BATCH).take_while(|&n| fits(n)).last();
        n.expect("one receipt fits in a transaction")
    })
}

/// A receipt as large as any: every field at full width.
fn sample_receipt(i: u8) -> Receipt {
    Receipt {
        wallet: Pubkey::new_from_array([1; 32]),
        recipient: Pubkey::new_from_array([2; 32]),
        mint: Pubkey::new_from_array([3; 32]),
        amount: u64::MAX,
        expires_at: i64::MAX,
        challenge_hash: [i; 32],
        category: [0xff; 32],
    }
}

/// One pass of the batcher: expired receipts marked, the rest grouped into batches and their
/// jobs queued, in one transaction. How many batches it formed.
pub async fn form(ctx: &Ctx) -> Result<usize, Retry> {
    let mut tx = ctx.db.begin().await?;
    let expired = batches::expire_accepted(&mut tx).await?;
    let formed = batches::form(&mut tx, per_transaction(), FORM_LIMIT).await?;
    tx.commit().await?;
    if expired > 0 {
        tracing::info!(expired, "receipts expired before they could settle");
    }
    if !formed.is_empty() {
        tracing::info!(batches = formed.len(), "receipt batches formed");
    }
    Ok(formed.len())
}

/// The `receipts.settle` job for batch `subject`.
pub async fn run(ctx: &Ctx, subject: &str) -> Result<(), Retry> {
    let Ok(batch_id) = subject.parse::<i64>() else {
        tracing::warn!(subject, "a receipt batch job names no batch; dropped");
        return Ok(());
    };
    let mut conn = ctx.db.acquire().await?;
    let Some(wallet) = batches::load(&mut conn, batch_id).await?.map(|b| b.wallet) else {
        tracing::warn!(batch_id, "a receipt batch job names no batch; dropped");
        return Ok(());
    };
    drop(conn);
    // A batch moves the wallet's nonce too: within this worker it waits for the wallet's
    // transfers in flight, whose recorded attempts it would otherwise make stale.
    let _turn = ctx.wallet_turn(&wallet).await;
    attempts::drive(ctx, &BatchPayment { batch_id })
        .instrument(tracing::info_span!("receipts.settle", batch_id))
        .await
}

/// A receipt batch as [`attempts::drive`] takes it to the chain.
struct BatchPayment {
    batch_id: i64,
}

impl Payment for BatchPayment {
    type State = Batch;

    async fn load(&self, ctx: &Ctx) -> Result<Option<Batch>, Retry> {
        let mut conn = ctx.db.acquire().await?;
        let Some(b) = batches::load(&mut conn, self.batch_id).await? else {
            tracing::warn!("a receipt batch job names no batch; dropped");
            return Ok(None);
        };
        Ok((b.status == "settling").then_some(b))
    }

    fn recorded<'a>(&self, b: &'a Batch) -> Option<Recorded<'a>> {
        b.attempt.as_ref().map(|a| Recorded {
            signature: &a.signature,
            raw: &a.raw,
            last_valid_height: a.last_valid_height,
        })
    }

    /// Only its blockhash keeps a batch from landing: the receipt records make a second
    /// transaction pay nothing, so a batch has no nonce of its own.
    fn stale(&self, _: &Batch) -> bool {
        false
    }

    async fn landed(&self, ctx: &Ctx, b: &Batch, signature: &str) -> Result<(), Retry> {
        conclude(ctx, b, signature).await
    }

    async fn refused(
        &self,
        ctx: &Ctx,
        b: &Batch,
        code: Option<u32>,
        detail: &str,
    ) -> Result<Step, Retry> {
        refused(ctx, b, code, detail).await?;
        Ok(Step::Done)
    }

    async fn build(
        &self,
        ctx: &Ctx,
        b: &Batch,
        blockhash: Hash,
    ) -> Result<Option<Transaction>, Retry> {
        match build(ctx, b, blockhash).await? {
            Ok(tx) => Ok(Some(tx)),
            Err(reason) => {
                fail(ctx, b, &reason).await?;
                Ok(None)
            }
        }
    }

    async fn record(
        &self,
        ctx: &Ctx,
        b: &Batch,
        tx: &Transaction,
        last_valid_height: u64,
    ) -> Result<bool, Retry> {
        let attempt = BatchAttempt {
            signature: tx.signatures[0].to_string(),
            raw: bincode::serialize(tx).expect("a transaction serialises"),
            last_valid_height: last_valid_height as i64,
        };
        let mut conn = ctx.db.acquire().await?;
        let recorded =
            batches::record_attempt(&mut conn, b.batch_id, b.tx_attempts, &attempt).await?;
        if recorded {
            tracing::info!(receipts = b.receipts.len(), "receipt batch recorded");
        }
        Ok(recorded)
    }
}

/// The signed `settle_batch` transaction for `b`, or why it can never be built.
async fn build(
    ctx: &Ctx,
    b: &Batch,
    blockhash: Hash,
) -> Result<Result<Transaction, String>, Retry> {
    let key = |what: &str, text: &str| {
        Pubkey::from_str(text).map_err(|_| format!("the {what} {text} is malformed"))
    };
    let parties = (|| {
        Ok::<_, String>((
            key("wallet", &b.wallet)?,
            key("agent key", &b.agent)?,
            key("recipient", &b.recipient)?,
        ))
    })();
    let (wallet, agent, recipient) = match parties {
        Ok(p) => p,
        Err(reason) => return Ok(Err(reason)),
    };
    let mut receipts = Vec::with_capacity(b.receipts.len());
    for r in &b.receipts {
        let fields = (|| {
            let fixed = |bytes: &[u8]| <[u8; 32]>::try_from(bytes).ok();
            let receipt = Receipt {
                wallet,
                recipient,
                mint: key("mint", &r.mint)?,
                amount: r.amount as u64,
                expires_at: r.expires_at,
                challenge_hash: fixed(&r.challenge_hash).ok_or("a challenge hash is malformed")?,
                category: fixed(&r.category).ok_or("a category field is malformed")?,
            };
            let signature = <[u8; 64]>::try_from(r.signature.as_slice())
                .map_err(|_| "a receipt signature is malformed".to_string())?;
            Ok::<_, String>((
                SignedMessage {
                    signer: agent,
                    message: receipt.message().to_vec(),
                    signature,
                },
                receipt,
            ))
        })();
        match fields {
            Ok(f) => receipts.push(f),
            Err(reason) => return Ok(Err(reason)),
        }
    }
    let owner = owner_key(ctx, b.operator_id).await?;
    Ok(Ok(transaction(&owner, &agent, &receipts, blockhash)))
}

/// `settle_batch` for `receipts` (all of one wallet, recipient and mint), with the recipient's
/// token account created if it has none, paid for and signed by `settler`.
fn transaction(
    settler: &Keypair,
    agent: &Pubkey,
    receipts: &[(SignedMessage, Receipt)],
    blockhash: Hash,
) -> Transaction {
    let first = &receipts[0].1;
    let signed: Vec<SignedMessage> = receipts
        .iter()
        .map(|(s, _)| SignedMessage {
            signer: *agent,
            ..s.clone()
        })
        .collect();
    let hashes: Vec<[u8; 32]> = receipts.iter().map(|(_, r)| r.challenge_hash).collect();
    let instructions = [
        token_ix::create_token_account(&settler.pubkey(), &first.recipient, &first.mint),
        ed25519_instruction(&signed),
        // No owner co-signature: a receipt above the escalation threshold needs an operator's
        // approval, which a receipt cannot carry, so the program skips it.
        settlement_ix::settle_batch(
            &settler.pubkey(),
            None,
            &first.wallet,
            &first.mint,
            &first.recipient,
            &hashes,
        ),
    ];
    Transaction::new_signed_with_payer(
        &instructions,
        Some(&settler.pubkey()),
        &[settler],
        blockhash,
    )
}

/// A landed batch: each receipt settled if its on-chain record exists, otherwise expired or
/// rejected for the reason the program logged; then the books, in one database transaction.
async fn conclude(ctx: &Ctx, b: &Batch, signature: &str) -> Result<(), Retry> {
    let wallet = Pubkey::from_str(&b.wallet)
        .map_err(|_| Retry(format!("the wallet {} is malformed", b.wallet)))?;
    let records: Vec<Pubkey> = b
        .receipts
        .iter()
        .map(|r| {
            let hash = <[u8; 32]>::try_from(r.challenge_hash.as_slice()).unwrap_or_default();
            address::receipt_record(&wallet, &hash).0
        })
        .collect();
    let recorded = ctx
        .chain
        .owned_by(&mpppal_solana::SETTLEMENT_PROGRAM_ID, &records)
        .await?;
    let skipped = if recorded.iter().all(|r| *r) {
        Vec::new()
    } else {
        let signature = Signature::from_str(signature)
            .map_err(|_| Retry("a recorded signature is malformed".into()))?;
        crate::chain::events::<ReceiptSkipped>(&ctx.chain.logs(&signature).await?)
    };
    let verdicts: Vec<(i64, Verdict)> = b
        .receipts
        .iter()
        .zip(&recorded)
        .map(|(r, recorded)| {
            let verdict = if *recorded {
                Verdict::Settled
            } else {
                match skipped
                    .iter()
                    .find(|s| s.challenge_hash[..] == r.challenge_hash[..])
                {
                    Some(s) if s.reason == "expired" => Verdict::Expired,
                    Some(s) => Verdict::Rejected(s.reason.clone()),
                    None => Verdict::Rejected("the batch transaction did not settle it".into()),
                }
            };
            (r.receipt_id, verdict)
        })
        .collect();
    let settled: Vec<_> = b
        .receipts
        .iter()
        .zip(&verdicts)
        .filter(|(_, (_, v))| *v == Verdict::Settled)
        .map(|(r, _)| r)
        .collect();
    let total: i64 = settled.iter().map(|r| r.amount).sum();
    let mut tx = ctx.db.begin().await?;
    if !batches::settle(&mut tx, b.batch_id, signature, &verdicts).await? {
        return Ok(());
    }
    // The day's budget follows the chain: a receipt the API signed was held against its day
    // when signed (given back if it did not settle); one an agent signed counts from today,
    // when the chain counted it.
    let unheld: i64 = settled
        .iter()
        .filter(|r| r.spend_day.is_none())
        .map(|r| r.amount)
        .sum();
    if unheld > 0 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        budget::add(&mut tx, &b.account_id, now.div_euclid(86_400), unheld).await?;
    }
    for (r, (_, verdict)) in b.receipts.iter().zip(&verdicts) {
        if let (false, Some(day)) = (*verdict == Verdict::Settled, r.spend_day) {
            budget::release(&mut tx, &b.account_id, day, r.amount).await?;
        }
    }
    let not_settled: Vec<_> = b
        .receipts
        .iter()
        .zip(&verdicts)
        .filter(|(_, (_, v))| *v != Verdict::Settled)
        .map(|(r, (_, v))| {
            let reason = match v {
                Verdict::Expired => "expired".to_string(),
                Verdict::Rejected(reason) => reason.clone(),
                Verdict::Settled => unreachable!("filtered out"),
            };
            json!({ "challengeId": r.challenge_id, "amount": r.amount, "reason": reason })
        })
        .collect();
    let details = json!({
        "batchId": b.batch_id,
        "accountId": b.account_id,
        "recipient": b.recipient,
        "signature": signature,
        "settled": settled.iter().map(|r| json!({"challengeId": r.challenge_id, "amount": r.amount})).collect::<Vec<_>>(),
        "total": total,
        "notSettled": not_settled,
    });
    record(&mut tx, b, "receipts.settled", details).await?;
    tx.commit().await?;
    crate::metrics::get()
        .settlement_seconds
        .with_label_values(&["receipts"])
        .observe(b.age_secs);
    tracing::info!(
        batch_id = b.batch_id,
        %signature,
        settled = settled.len(),
        not_settled = b.receipts.len() - settled.len(),
        total,
        "receipt batch settled"
    );
    Ok(())
}

/// The chain refused the batch's transaction. A vault short of the total is not final: the
/// receipts go back to wait for funds (the reconciler reports the wallet as `balance_short`)
/// and are batched again after six batcher passes, until they expire. Anything else is.
async fn refused(ctx: &Ctx, b: &Batch, code: Option<u32>, detail: &str) -> Result<(), Retry> {
    if code != Some(PolicyProgramError::InsufficientFunds.into()) {
        return fail(ctx, b, &format!("the chain refused the batch: {detail}")).await;
    }
    let wait = ctx.config.batch_every.mul_f64(6.0).as_secs_f64();
    let reason =
        format!("the wallet's vault could not cover it ({detail}); its receipts wait for funds");
    let mut conn = ctx.db.acquire().await?;
    if batches::release(&mut conn, b.batch_id, &reason, wait).await? {
        tracing::warn!(
            batch_id = b.batch_id,
            account_id = %b.account_id,
            retry_in_secs = wait,
            "the wallet's vault cannot cover a receipt batch; its receipts wait for funds"
        );
    }
    Ok(())
}

/// A batch that can never land: its receipts are rejected with `reason`.
async fn fail(ctx: &Ctx, b: &Batch, reason: &str) -> Result<(), Retry> {
    let mut tx = ctx.db.begin().await?;
    if !batches::fail(&mut tx, b.batch_id, reason).await? {
        return Ok(());
    }
    for r in &b.receipts {
        if let Some(day) = r.spend_day {
            budget::release(&mut tx, &b.account_id, day, r.amount).await?;
        }
    }
    let details = json!({
        "batchId": b.batch_id,
        "accountId": b.account_id,
        "recipient": b.recipient,
        "receipts": b.receipts.iter().map(|r| json!({"challengeId": r.challenge_id, "amount": r.amount})).collect::<Vec<_>>(),
        "reason": reason,
    });
    record(&mut tx, b, "receipts.failed", details).await?;
    tx.commit().await?;
    tracing::warn!(batch_id = b.batch_id, reason, "receipt batch failed");
    Ok(())
}

/// The audit row and the webhook event (about the account) for a batch's outcome.
async fn record(
    tx: &mut sqlx::PgConnection,
    b: &Batch,
    action: &str,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let subject = format!("rbt_{}", b.batch_id);
    audit::append(
        tx,
        &audit::Entry {
            operator_id: Some(b.operator_id),
            actor: outcome::ACTOR,
            action,
            subject: &subject,
            details: details.clone(),
        },
    )
    .await?;
    let mut event = details;
    event["type"] = json!(action);
    event["subject"] = json!(b.account_id);
    outbox::push(tx, "event", &b.account_id, &event).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::Event;
    use base64::Engine;

    #[test]
    fn a_batch_fills_its_transaction_and_no_more() {
        let n = per_transaction();
        assert!((1..=MAX_BATCH).contains(&n));
        let keys = Keypair::new();
        let size = |n: usize| {
            let receipts: Vec<_> = (0..n)
                .map(|i| {
                    let r = sample_receipt(i as u8);
                    (r.sign(&keys), r)
                })
                .collect();
            bincode::serialized_size(&transaction(
                &keys,
                &keys.pubkey(),
                &receipts,
                Hash::default(),
            ))
            .unwrap()
        };
        assert!(size(n) <= MAX_TRANSACTION_BYTES);
        if n < MAX_BATCH {
            assert!(size(n + 1) > MAX_TRANSACTION_BYTES);
        }
    }

    #[test]
    fn skip_reasons_come_from_the_programs_events() {
        let event = ReceiptSkipped {
            wallet: Pubkey::new_unique(),
            challenge_hash: [9; 32],
            reason: "over_daily_limit".into(),
        };
        let line = format!(
            "Program data: {}",
            base64::engine::general_purpose::STANDARD.encode(event.data())
        );
        let logs = vec!["Program log: Instruction: SettleBatch".to_string(), line];
        let found = crate::chain::events::<ReceiptSkipped>(&logs);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].challenge_hash, found[0].reason.as_str()),
            ([9; 32], "over_daily_limit")
        );
    }
}
