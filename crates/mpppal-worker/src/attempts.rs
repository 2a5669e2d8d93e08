//! The record-then-send loop that makes a worker's transactions land exactly once (ADR 0017),
//! shared by transfers (`transfer.settle`) and receipt batches (`receipts.settle`).
//!
//! Each turn reads the payment again. A recorded transaction is judged first: landed → the
//! payment's outcome; still in flight or still able to land → sent again once and waited for;
//! unable to land → a new one is built. A new transaction is recorded (compare-and-set on the
//! attempt count) before it is sent, so a crash never leaves a sent transaction unrecorded and
//! two workers never send two. What differs between payments — how a refusal is judged, what
//! else makes a recorded transaction stale, how a transaction is built and recorded — is the
//! [`Payment`] they implement.

use solana_signature::Signature;
use solana_transaction::{Hash, Transaction};
use std::future::Future;
use std::str::FromStr;
use std::time::Instant;

use crate::chain::{ChainError, Landed};
use crate::settle::{blockhash_valid, resend, wait};
use crate::{Ctx, Retry};

/// A signed transaction as recorded before it was sent.
pub(crate) struct Recorded<'a> {
    pub signature: &'a str,
    pub raw: &'a [u8],
    pub last_valid_height: i64,
}

/// What to do after the chain refused a transaction.
pub(crate) enum Step {
    /// The payment's outcome is recorded: the job is done.
    Done,
    /// The refusal is not final for the payment: build a new transaction.
    Rebuild,
}

/// A payment the worker takes to the chain.
pub(crate) trait Payment {
    /// The payment's state as read at the start of a turn.
    type State: Send + Sync;

    /// Its state now; `None` when there is nothing more to do (gone, or already decided).
    fn load(&self, ctx: &Ctx) -> impl Future<Output = Result<Option<Self::State>, Retry>> + Send;

    /// The transaction last recorded for it.
    fn recorded<'a>(&self, state: &'a Self::State) -> Option<Recorded<'a>>;

    /// Whether, besides its blockhash, something else keeps the recorded transaction from
    /// landing (a transfer's wallet nonce has moved past it).
    fn stale(&self, state: &Self::State) -> bool;

    /// The recorded transaction `signature` is confirmed: record the outcome.
    fn landed(
        &self,
        ctx: &Ctx,
        state: &Self::State,
        signature: &str,
    ) -> impl Future<Output = Result<(), Retry>> + Send;

    /// The chain refused a transaction (failed on chain, or in preflight).
    fn refused(
        &self,
        ctx: &Ctx,
        state: &Self::State,
        code: Option<u32>,
        detail: &str,
    ) -> impl Future<Output = Result<Step, Retry>> + Send;

    /// A new signed transaction; `None` when it can never be built (the outcome is recorded).
    fn build(
        &self,
        ctx: &Ctx,
        state: &Self::State,
        blockhash: Hash,
    ) -> impl Future<Output = Result<Option<Transaction>, Retry>> + Send;

    /// Records `tx` as the payment's transaction unless another worker recorded one since
    /// `state` was read; false then.
    fn record(
        &self,
        ctx: &Ctx,
        state: &Self::State,
        tx: &Transaction,
        last_valid_height: u64,
    ) -> impl Future<Output = Result<bool, Retry>> + Send;
}

/// Takes `payment` to the chain until its outcome is recorded, or lets the job go (to be tried
/// again) once the worker's confirmation wait has passed.
pub(crate) async fn drive<P: Payment + Sync>(ctx: &Ctx, payment: &P) -> Result<(), Retry> {
    let deadline = Instant::now() + ctx.config.confirm_wait;
    // The transaction this run built and sent itself: no need to send it again.
    let mut sent: Option<String> = None;
    loop {
        let Some(state) = payment.load(ctx).await? else {
            return Ok(());
        };
        if let Some(recorded) = payment.recorded(&state) {
            let signature = Signature::from_str(recorded.signature)
                .map_err(|_| Retry("a recorded signature is malformed".into()))?;
            // Whether it could still land, read before its status: if it could not before we
            // looked, a status of "not found" is final.
            let expired = ctx.chain.block_height().await? > recorded.last_valid_height as u64
                || !blockhash_valid(ctx, recorded.raw).await?;
            match ctx.chain.landed(&signature).await? {
                Some(Landed::Confirmed) => {
                    return payment.landed(ctx, &state, recorded.signature).await;
                }
                Some(Landed::Processing) => {
                    wait(deadline, recorded.signature).await?;
                    continue;
                }
                Some(Landed::Failed { code, detail }) => {
                    if let Step::Done = payment.refused(ctx, &state, code, &detail).await? {
                        return Ok(());
                    }
                }
                None if !expired && !payment.stale(&state) => {
                    if sent.as_deref() != Some(recorded.signature) {
                        resend(ctx, recorded.signature, recorded.raw).await?;
                        sent = Some(recorded.signature.to_string());
                    }
                    wait(deadline, recorded.signature).await?;
                    continue;
                }
                None => tracing::info!(
                    signature = %recorded.signature,
                    "the recorded transaction can no longer land; rebuilding"
                ),
            }
        }
        let (blockhash, last_valid_height) = ctx.chain.blockhash().await?;
        let Some(tx) = payment.build(ctx, &state, blockhash).await? else {
            return Ok(());
        };
        if !payment.record(ctx, &state, &tx, last_valid_height).await? {
            // Another worker recorded one first: follow it.
            continue;
        }
        let signature = tx.signatures[0].to_string();
        tracing::info!(%signature, "transaction recorded; sending");
        match ctx.chain.send(&tx).await {
            Ok(()) => sent = Some(signature),
            // A refused preflight was never forwarded: this transaction cannot land.
            Err(ChainError::Rejected { code, detail }) => {
                if let Step::Done = payment.refused(ctx, &state, code, &detail).await? {
                    return Ok(());
                }
            }
            Err(e @ ChainError::Unavailable(_)) => return Err(e.into()),
        }
    }
}
