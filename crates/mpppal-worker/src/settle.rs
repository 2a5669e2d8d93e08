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
use solana_signer::Signer;
use solana_transaction::{Hash, Transaction};
use std::str::FromStr;
use std::time::{Duration, Instant};

use crate::attempts::{self, Payment, Recorded, Step};
use crate::chain::ChainError;
use crate::{outcome, Ctx, Retry};
use tracing::Instrument;

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
    attempts::drive(ctx, &TransferPayment { transfer_id })
        .instrument(tracing::info_span!("transfer.settle", transfer_id))
        .await
}

/// A transfer as [`attempts::drive`] takes it to the chain.
struct TransferPayment<'a> {
    transfer_id: &'a str,
}

/// A pending transfer with its wallet as the chain has it now.
struct TransferState {
    settling: Settling,
    address: Pubkey,
    wallet: mpppal_policy_program::Wallet,
}

impl Payment for TransferPayment<'_> {
    type State = TransferState;

    async fn load(&self, ctx: &Ctx) -> Result<Option<TransferState>, Retry> {
        let mut conn = ctx.db.acquire().await?;
        let Some(settling) = settlement::load(&mut conn, self.transfer_id).await? else {
            tracing::warn!("a settlement job names no transfer; dropped");
            return Ok(None);
        };
        drop(conn);
        if settling.status != "pending" || settling.provider_submitted {
            return Ok(None);
        }
        let address = Pubkey::from_str(&settling.wallet).map_err(|_| {
            Retry(format!(
                "the account's wallet address {} is malformed",
                settling.wallet
            ))
        })?;
        // The wallet first, the signature's status second: if our transaction moved the nonce,
        // its status is visible by the time we look.
        let wallet = ctx
            .chain
            .wallet(&address)
            .await?
            .ok_or_else(|| Retry(format!("the chain has no wallet at {address}")))?;
        Ok(Some(TransferState {
            settling,
            address,
            wallet,
        }))
    }

    fn recorded<'a>(&self, state: &'a TransferState) -> Option<Recorded<'a>> {
        state.settling.attempt.as_ref().map(|a| Recorded {
            signature: &a.signature,
            raw: &a.raw,
            last_valid_height: a.last_valid_height,
        })
    }

    fn stale(&self, state: &TransferState) -> bool {
        state
            .settling
            .attempt
            .as_ref()
            .is_some_and(|a| state.wallet.nonce > a.nonce as u64)
    }

    async fn landed(&self, ctx: &Ctx, state: &TransferState, signature: &str) -> Result<(), Retry> {
        outcome::settled(ctx, &state.settling, signature).await
    }

    async fn refused(
        &self,
        ctx: &Ctx,
        state: &TransferState,
        code: Option<u32>,
        detail: &str,
    ) -> Result<Step, Retry> {
        if code == Some(nonce_mismatch()) {
            tracing::info!("another payment took the wallet nonce; rebuilding");
            return Ok(Step::Rebuild);
        }
        let reason = format!("the chain refused the transfer: {detail}");
        outcome::failed(ctx, &state.settling, &reason).await?;
        Ok(Step::Done)
    }

    async fn build(
        &self,
        ctx: &Ctx,
        state: &TransferState,
        blockhash: Hash,
    ) -> Result<Option<Transaction>, Retry> {
        match build(
            ctx,
            &state.settling,
            &state.address,
            &state.wallet,
            blockhash,
        )
        .await?
        {
            Ok(tx) => Ok(Some(tx)),
            Err(reason) => {
                outcome::failed(ctx, &state.settling, &reason).await?;
                Ok(None)
            }
        }
    }

    async fn record(
        &self,
        ctx: &Ctx,
        state: &TransferState,
        tx: &Transaction,
        last_valid_height: u64,
    ) -> Result<bool, Retry> {
        let attempt = Attempt {
            signature: tx.signatures[0].to_string(),
            raw: bincode::serialize(tx).expect("a transaction serialises"),
            nonce: state.wallet.nonce as i64,
            last_valid_height: last_valid_height as i64,
        };
        let mut conn = ctx.db.acquire().await?;
        Ok(settlement::record_attempt(
            &mut conn,
            self.transfer_id,
            state.settling.tx_attempts,
            &attempt,
        )
        .await?)
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
