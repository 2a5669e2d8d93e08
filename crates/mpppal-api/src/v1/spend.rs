//! The one spending decision transfers and custodial signing share (ADR 0013): the policy in
//! force judges the payment with `mpppal-policy` (the rules the chain applies) against what the
//! day has reserved, and a payment allowed to proceed holds its amount with one conditional
//! upsert, so racing payments can never pass `max_daily_spend` together.

use mpppal_db::budget;
use mpppal_policy::{evaluate, utc_day, DenyReason, Payment, Policy, SpendState, Verdict};
use sqlx::PgConnection;

use super::policy_body::args_of;
use crate::problem::Problem;

/// What was decided, under which policy, and the UTC day whose budget it counts against.
pub(super) struct Decision {
    pub verdict: Verdict,
    pub policy: Policy,
    pub day: i64,
}

/// Judges `payment` from `account_id` at `now`. The amount is held when the verdict is `Allow`,
/// and also when it is `Escalate` if `hold_escalated` (a payment waiting for approval keeps its
/// place under the cap). The caller's transaction must hold the account row (`FOR SHARE`).
pub(super) async fn decide(
    tx: &mut PgConnection,
    account_id: &str,
    payment: &Payment<'_>,
    now: i64,
    hold_escalated: bool,
) -> Result<Decision, Problem> {
    let current = mpppal_db::policies::current(tx, account_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("the account has no policy yet"))?;
    let policy = args_of(&current, current.paused)?.to_policy();
    let day = utc_day(now);
    let reserved = budget::reserved(tx, account_id, day)
        .await
        .map_err(Problem::database)?;
    let spend = SpendState {
        day,
        spent: reserved as u64,
    };
    let mut verdict = evaluate(&policy, &spend, payment, now);
    let holds = match verdict {
        Verdict::Allow => true,
        Verdict::Escalate(_) => hold_escalated,
        Verdict::Deny(_) => false,
    };
    if holds {
        // The verdict read the budget; this holds it. Losing a race to another payment turns
        // into the refusal the policy would have given.
        let fits = budget::reserve(
            tx,
            account_id,
            day,
            payment.amount as i64,
            policy.max_daily_spend as i64,
        )
        .await
        .map_err(Problem::database)?;
        if fits.is_none() {
            let now_reserved = budget::reserved(tx, account_id, day)
                .await
                .map_err(Problem::database)?;
            verdict = Verdict::Deny(DenyReason::OverDailyLimit {
                limit: policy.max_daily_spend,
                remaining: policy.max_daily_spend.saturating_sub(now_reserved as u64),
            });
        }
    }
    Ok(Decision {
        verdict,
        policy,
        day,
    })
}

/// Moves the hold of a transfer waiting since an earlier UTC day to `today`, the day the chain
/// will count it on once approved; `Err` with the policy's refusal when today's budget cannot
/// take it (nothing changed then).
pub(super) async fn hold_on(
    tx: &mut PgConnection,
    transfer: &mpppal_db::transfers::Transfer,
    today: i64,
) -> Result<Result<(), DenyReason>, Problem> {
    if transfer.spend_day == today {
        return Ok(Ok(()));
    }
    let current = mpppal_db::policies::current(tx, &transfer.account_id)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| Problem::not_found("the account has no policy yet"))?;
    let policy = args_of(&current, current.paused)?.to_policy();
    let moved = budget::move_hold(
        tx,
        &transfer.account_id,
        transfer.spend_day,
        today,
        transfer.amount,
        Some(policy.max_daily_spend as i64),
    )
    .await
    .map_err(Problem::database)?;
    if !moved {
        let reserved = budget::reserved(tx, &transfer.account_id, today)
            .await
            .map_err(Problem::database)?;
        return Ok(Err(DenyReason::OverDailyLimit {
            limit: policy.max_daily_spend,
            remaining: policy.max_daily_spend.saturating_sub(reserved as u64),
        }));
    }
    mpppal_db::transfers::set_spend_day(tx, &transfer.transfer_id, today)
        .await
        .map_err(Problem::database)?;
    Ok(Ok(()))
}
