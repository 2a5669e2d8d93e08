//! Reconciliation: the ledger against the chain and the queue, every `reconcile_every`. It
//! sends again the jobs Redis lost, re-enqueues overdue transfers that have no live job, checks
//! recently settled transfers and every account's mirrored policy against the chain, and reports
//! each difference: a log line and a metric every time, a row and a webhook event when new.

use anchor_lang::prelude::Pubkey;
use mpppal_db::{outbox, reconciliation};
use serde::Serialize;
use serde_json::json;
use solana_signature::Signature;
use sqlx::types::Uuid;
use std::str::FromStr;

use crate::chain::Landed;
use crate::{Ctx, Retry};
use mpppal_settlement_program::state::SessionStatus;

/// Kinds of difference, as metrics, rows and events name them.
pub const KINDS: [&str; 10] = [
    "overdue_transfer",
    "dead_settlement",
    "settled_not_on_chain",
    "wallet_missing",
    "policy_behind_chain",
    "policy_ahead_of_chain",
    "balance_short",
    "session_missing",
    "session_closed_unrecorded",
    "session_past_expiry",
];

/// How far back settled transfers are checked against the chain each run.
const SETTLED_WINDOW_SECS: f64 = 3600.0;
const BATCH: i64 = 200;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    pub kind: &'static str,
    pub subject: String,
    pub detail: String,
}

/// What one run found and did.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Jobs in flight past their lease, sent again (their stream entry was lost).
    pub jobs_resent: u64,
    /// Overdue transfers given a new settlement job.
    pub transfers_requeued: u64,
    pub settled_checked: u64,
    pub accounts_checked: u64,
    pub sessions_checked: u64,
    /// Open sessions given a `session.close` job (closed on chain, or past their window).
    pub sessions_queued: u64,
    pub differences: Vec<Difference>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty() && self.jobs_resent == 0
    }
}

pub async fn reconcile(ctx: &Ctx) -> Result<Report, Retry> {
    let mut report = Report::default();
    let mut conn = ctx.db.acquire().await?;
    let started = reconciliation::now(&mut conn).await?;
    report.jobs_resent = outbox::requeue_stale(&mut conn, ctx.config.lease.as_secs_f64()).await?;
    if report.jobs_resent > 0 {
        tracing::warn!(
            jobs = report.jobs_resent,
            "jobs in flight past their lease sent again"
        );
    }

    let overdue =
        reconciliation::overdue_transfers(&mut conn, ctx.config.overdue_after.as_secs_f64(), BATCH)
            .await?;
    for t in overdue {
        let (kind, detail) = match t.job.as_str() {
            "dead" => (
                "dead_settlement",
                "pending past its deadline; its settlement job is dead (replay it)".to_string(),
            ),
            "none" => {
                let kind = if t.provider_submitted {
                    crate::confirm::JOB
                } else {
                    "transfer.settle"
                };
                outbox::push(
                    &mut conn,
                    kind,
                    &t.transfer_id,
                    &json!({ "transferId": t.transfer_id, "reconciled": true }),
                )
                .await?;
                report.transfers_requeued += 1;
                (
                    "overdue_transfer",
                    "pending past its deadline with no settlement job; re-enqueued".to_string(),
                )
            }
            _ => (
                "overdue_transfer",
                "pending past its deadline; its settlement job is still retrying".to_string(),
            ),
        };
        note(
            &mut conn,
            &mut report,
            Some(t.operator_id),
            kind,
            &t.transfer_id,
            detail,
        )
        .await?;
    }
    drop(conn);

    check_settled(ctx, &mut report).await?;
    check_mirrors(ctx, &mut report).await?;
    check_sessions(ctx, &mut report).await?;

    let mut conn = ctx.db.acquire().await?;
    let kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    reconciliation::resolve_unseen(&mut conn, &kinds, started).await?;
    Ok(report)
}

/// Settled in the ledger must mean succeeded on chain.
async fn check_settled(ctx: &Ctx, report: &mut Report) -> Result<(), Retry> {
    let mut conn = ctx.db.acquire().await?;
    let settled = reconciliation::recently_settled(&mut conn, SETTLED_WINDOW_SECS, BATCH).await?;
    drop(conn);
    for t in settled {
        report.settled_checked += 1;
        let Ok(signature) = Signature::from_str(&t.signature) else {
            continue;
        };
        let landed = ctx.chain.landed(&signature).await?;
        if !matches!(landed, Some(Landed::Confirmed) | Some(Landed::Processing)) {
            let mut conn = ctx.db.acquire().await?;
            let detail = format!(
                "settled in the ledger by {} but the chain has {}",
                t.signature,
                match landed {
                    Some(Landed::Failed { detail, .. }) => format!("it failed: {detail}"),
                    _ => "no such transaction".to_string(),
                }
            );
            note(
                &mut conn,
                report,
                Some(t.operator_id),
                "settled_not_on_chain",
                &t.transfer_id,
                detail,
            )
            .await?;
        }
    }
    Ok(())
}

/// Every account's wallet exists and its policy version matches the mirror (ADR 0012: a crash
/// between the chain and the commit leaves the chain ahead).
async fn check_mirrors(ctx: &Ctx, report: &mut Report) -> Result<(), Retry> {
    let mut after = String::new();
    loop {
        let mut conn = ctx.db.acquire().await?;
        let batch = reconciliation::mirrors(&mut conn, &after, BATCH).await?;
        drop(conn);
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.account_id.clone();
        for m in batch {
            report.accounts_checked += 1;
            let Ok(address) = Pubkey::from_str(&m.wallet) else {
                continue;
            };
            let wallet = ctx.chain.wallet(&address).await?;
            if let Some(w) = &wallet {
                check_balance(ctx, report, &m, &address, &w.mint).await?;
            }
            let mirrored = m.policy_version.unwrap_or(0) as u32;
            let found = match &wallet {
                None => Some((
                    "wallet_missing",
                    format!("the chain has no wallet at {address}"),
                )),
                Some(w) if w.policy_version > mirrored => Some((
                    "policy_behind_chain",
                    format!(
                        "the chain has policy version {} but the ledger mirrors {mirrored}",
                        w.policy_version
                    ),
                )),
                Some(w) if w.policy_version < mirrored => Some((
                    "policy_ahead_of_chain",
                    format!(
                        "the ledger mirrors policy version {mirrored} but the chain has {}",
                        w.policy_version
                    ),
                )),
                Some(_) => None,
            };
            if let Some((kind, detail)) = found {
                let mut conn = ctx.db.acquire().await?;
                note(
                    &mut conn,
                    report,
                    Some(m.operator_id),
                    kind,
                    &m.account_id,
                    detail,
                )
                .await?;
            }
        }
    }
}

/// The vault must hold what the ledger says the wallet still owes (pending transfers and
/// receipts not yet settled): otherwise some of them will fail on chain.
async fn check_balance(
    ctx: &Ctx,
    report: &mut Report,
    m: &reconciliation::Mirror,
    wallet: &Pubkey,
    mint: &Pubkey,
) -> Result<(), Retry> {
    if m.obligations == 0 {
        return Ok(());
    }
    let held = ctx
        .chain
        .token_balance(&mpppal_solana::address::vault(wallet, mint))
        .await?;
    if held < m.obligations as u64 {
        let mut conn = ctx.db.acquire().await?;
        note(
            &mut conn,
            report,
            Some(m.operator_id),
            "balance_short",
            &m.account_id,
            format!(
                "the vault holds {held} base units but the ledger has {} owed (pending \
                 transfers and unsettled receipts)",
                m.obligations
            ),
        )
        .await?;
    }
    Ok(())
}

/// Sessions open in the ledger against the chain: closed there (the close was never reported)
/// or past the payee's window get a `session.close` job; a missing one is reported.
async fn check_sessions(ctx: &Ctx, report: &mut Report) -> Result<(), Retry> {
    let mut after = String::new();
    let now = ctx.chain.clock().await?;
    loop {
        let mut conn = ctx.db.acquire().await?;
        let batch = reconciliation::open_sessions(&mut conn, &after, BATCH).await?;
        drop(conn);
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.session_id.clone();
        for s in batch {
            report.sessions_checked += 1;
            let Ok(channel) = Pubkey::from_str(&s.channel_address) else {
                continue;
            };
            let found = match ctx.chain.session(&channel).await? {
                None => Some((
                    "session_missing",
                    format!("the chain has no session at {channel}"),
                )),
                Some(on_chain) if on_chain.status != SessionStatus::Open => Some((
                    "session_closed_unrecorded",
                    "closed on chain but open in the ledger".to_string(),
                )),
                Some(on_chain) if crate::sessions::past_grace(&on_chain, now) => Some((
                    "session_past_expiry",
                    format!(
                        "open past its expiry ({}) and the payee's window to close",
                        on_chain.expires_at
                    ),
                )),
                Some(_) => None,
            };
            let Some((kind, detail)) = found else {
                continue;
            };
            let mut conn = ctx.db.acquire().await?;
            let detail = match (kind, s.job.as_str()) {
                ("session_missing", _) => detail,
                (_, "none") => {
                    outbox::push(
                        &mut conn,
                        crate::sessions::JOB,
                        &s.session_id,
                        &json!({ "sessionId": s.session_id, "reconciled": true }),
                    )
                    .await?;
                    report.sessions_queued += 1;
                    format!("{detail}; queued to be closed in the ledger")
                }
                (_, "dead") => format!("{detail}; its close job is dead (replay it)"),
                _ => format!("{detail}; its close job is running"),
            };
            note(
                &mut conn,
                report,
                Some(s.operator_id),
                kind,
                &s.session_id,
                detail,
            )
            .await?;
        }
    }
}

/// Reports one difference: log and metric always; a row, and an event for webhooks, when new.
async fn note(
    conn: &mut sqlx::PgConnection,
    report: &mut Report,
    operator_id: Option<Uuid>,
    kind: &'static str,
    subject: &str,
    detail: String,
) -> Result<(), sqlx::Error> {
    debug_assert!(
        crate::metrics::DIFFERENCE_KINDS.contains(&kind),
        "{kind} is missing from metrics::DIFFERENCE_KINDS"
    );
    tracing::warn!(kind, subject, detail, "reconciliation difference");
    crate::metrics::get()
        .reconciliation_differences
        .with_label_values(&[kind])
        .inc();
    if reconciliation::seen(conn, operator_id, kind, subject, &detail).await? {
        outbox::push(
            conn,
            "event",
            subject,
            &json!({
                "type": "reconciliation.difference",
                "subject": subject,
                "kind": kind,
                "detail": detail,
            }),
        )
        .await?;
    }
    report.differences.push(Difference {
        kind,
        subject: subject.to_string(),
        detail,
    });
    Ok(())
}
