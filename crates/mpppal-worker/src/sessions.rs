//! `session.close`: ends a payment session in the ledger as the chain ended it (ADR 0018).
//!
//! Only the payee can close a session with a voucher (ADR 0004): that close is the net
//! settlement, paying the provider the last voucher and returning the rest to the wallet. The
//! agent reports it; when it does not (it crashed, or the provider closed on its own), this job
//! finds the close on chain and records it. A session nobody closed by its expiry plus the
//! payee's hour of grace is ended here with `expire_session`: with the highest voucher the agent
//! reported, the provider is paid that and the rest returns to the wallet (the net settlement
//! the provider did not claim); without one, the whole deposit returns. Sending it twice cannot
//! move money twice: the program refuses a session that is no longer open.

use anchor_lang::prelude::Pubkey;
use mpppal_db::sessions::{self, Watched};
use mpppal_db::{audit, outbox};
use mpppal_settlement_program::constants::CLOSE_GRACE_SECONDS;
use mpppal_settlement_program::events::SessionClosed;
use mpppal_settlement_program::messages::voucher_message;
use mpppal_settlement_program::state::{Session, SessionStatus};
use mpppal_settlement_program::ExpireSessionArgs;
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use mpppal_solana::signed::{ed25519_instruction, SignedMessage};
use serde_json::json;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::str::FromStr;
use std::time::Instant;

use crate::chain::ChainError;
use crate::settle::{owner_key, wait};
use crate::{outcome, Ctx, Retry};

/// The job kind; its subject is the session id.
pub const JOB: &str = "session.close";

/// Transactions searched (newest first) for a session's close.
const HISTORY: usize = 20;

/// Whether the payee's window to close `session` has passed at chain time `now`.
pub fn past_grace(session: &Session, now: i64) -> bool {
    now > session.expires_at.saturating_add(CLOSE_GRACE_SECONDS)
}

pub async fn run(ctx: &Ctx, session_id: &str) -> Result<(), Retry> {
    let mut conn = ctx.db.acquire().await?;
    let Some(s) = sessions::watched(&mut conn, session_id).await? else {
        tracing::warn!(session_id, "a session job names no session; dropped");
        return Ok(());
    };
    drop(conn);
    if s.status == "settled" {
        return Ok(());
    }
    let channel = Pubkey::from_str(&s.channel_address)
        .map_err(|_| Retry(format!("the channel {} is malformed", s.channel_address)))?;
    let deadline = Instant::now() + ctx.config.confirm_wait;
    let mut sent: Option<Signature> = None;
    // Cleared if the chain refuses the voucher: the deposit must come back all the same.
    let mut with_voucher = true;
    loop {
        let on_chain = ctx
            .chain
            .session(&channel)
            .await?
            .ok_or_else(|| Retry(format!("the chain has no session at {channel}")))?;
        if on_chain.status != SessionStatus::Open {
            let signature = close_signature(ctx, &channel).await?;
            return record(ctx, &s, &on_chain, &signature).await;
        }
        if !past_grace(&on_chain, ctx.chain.clock().await?) {
            tracing::debug!(session_id, "session still open within its close window");
            return Ok(());
        }
        if let Some(signature) = &sent {
            wait(deadline, &signature.to_string()).await?;
            continue;
        }
        let owner = owner_key(ctx, s.operator_id).await?;
        let accounts = SessionAccounts {
            wallet: on_chain.wallet,
            mint: on_chain.mint,
            session_id: on_chain.session_id,
            payee: on_chain.payee,
            rent_payer: on_chain.rent_payer,
        };
        let mut conn = ctx.db.acquire().await?;
        let best = sessions::best_voucher(&mut conn, session_id).await?;
        drop(conn);
        let now = ctx.chain.clock().await?;
        let voucher = best.filter(|v| {
            with_voucher
                && v.cumulative as u64 <= on_chain.deposit
                && (v.expires_at == 0 || now <= v.expires_at)
        });
        let mut instructions = Vec::with_capacity(2);
        let mut args = ExpireSessionArgs::default();
        if let Some(v) = &voucher {
            let signature = <[u8; 64]>::try_from(v.signature.as_slice())
                .map_err(|_| Retry("a stored voucher signature is malformed".into()))?;
            instructions.push(ed25519_instruction(&[SignedMessage {
                signer: on_chain.signer,
                message: voucher_message(&channel, v.cumulative as u64, v.expires_at).to_vec(),
                signature,
            }]));
            args = ExpireSessionArgs {
                cumulative: v.cumulative as u64,
                voucher_expires_at: v.expires_at,
            };
        }
        instructions.push(settlement_ix::expire_session(&accounts, args.clone()));
        let (blockhash, _) = ctx.chain.blockhash().await?;
        let tx = Transaction::new_signed_with_payer(
            &instructions,
            Some(&owner.pubkey()),
            &[&owner],
            blockhash,
        );
        tracing::info!(
            session_id,
            signature = %tx.signatures[0],
            paid = args.cumulative,
            "session past its close window; ending it with the best voucher reported"
        );
        match ctx.chain.send(&tx).await {
            Ok(()) => sent = Some(tx.signatures[0]),
            Err(ChainError::Rejected { detail, .. }) if voucher.is_some() => {
                tracing::warn!(
                    session_id,
                    %detail,
                    "the chain refused the session's voucher; returning the whole deposit"
                );
                with_voucher = false;
            }
            // Closed by the payee since we looked, say: the next look tells.
            Err(ChainError::Rejected { detail, .. }) => {
                return Err(Retry(format!("the chain refused expire_session: {detail}")));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The transaction that closed or expired the session at `channel`: the newest successful one
/// naming it whose logs carry the `SessionClosed` event.
async fn close_signature(ctx: &Ctx, channel: &Pubkey) -> Result<String, Retry> {
    for (signature, ok) in ctx.chain.history(channel, HISTORY).await? {
        if !ok {
            continue;
        }
        let logs = ctx.chain.logs(&signature).await?;
        if crate::chain::events::<SessionClosed>(&logs)
            .iter()
            .any(|e| e.session == *channel)
        {
            return Ok(signature.to_string());
        }
    }
    Err(Retry(format!(
        "the session {channel} is closed on chain but its close transaction was not found"
    )))
}

/// The ledger follows the chain: settled with what the chain paid, plus the audit row and the
/// `session.settled` event, once.
async fn record(ctx: &Ctx, s: &Watched, on_chain: &Session, signature: &str) -> Result<(), Retry> {
    let mut tx = ctx.db.begin().await?;
    if !sessions::settle(
        &mut tx,
        &s.session_id,
        on_chain.paid as i64,
        on_chain.deposit as i64,
        signature,
    )
    .await?
    {
        return Ok(());
    }
    let expired = on_chain.status == SessionStatus::Expired;
    let details = json!({
        "accountId": s.account_id,
        "paid": on_chain.paid,
        "deposit": on_chain.deposit,
        "refunded": on_chain.deposit - on_chain.paid,
        "expired": expired,
        "signature": signature,
    });
    audit::append(
        &mut tx,
        &audit::Entry {
            operator_id: Some(s.operator_id),
            actor: outcome::ACTOR,
            action: "session.settled",
            subject: &s.session_id,
            details: details.clone(),
        },
    )
    .await?;
    let mut event = details;
    event["type"] = json!("session.settled");
    event["subject"] = json!(s.session_id);
    outbox::push(&mut tx, "event", &s.session_id, &event).await?;
    tx.commit().await?;
    tracing::info!(
        session_id = %s.session_id,
        %signature,
        paid = on_chain.paid,
        expired,
        "session settled in the ledger as the chain ended it"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::Event;
    use base64::Engine;

    #[test]
    fn close_events_come_from_program_data_lines() {
        let event = SessionClosed {
            session: Pubkey::new_unique(),
            wallet: Pubkey::new_unique(),
            payee: Pubkey::new_unique(),
            paid: 5,
            refunded: 7,
            expired: false,
        };
        let logs = vec![
            "Program data: not base64!".to_string(),
            format!(
                "Program data: {}",
                base64::engine::general_purpose::STANDARD.encode(event.data())
            ),
        ];
        let found = crate::chain::events::<SessionClosed>(&logs);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].session, found[0].paid), (event.session, 5));
    }
}
