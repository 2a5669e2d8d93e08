//! Property: whatever sequence of payments, session locks and refunds arrives, what the policy
//! lets out of the wallet in one UTC day never exceeds `max_daily_spend`.

use mpppal_policy::{evaluate, utc_day, Payment, Policy, SpendState, Verdict};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Step {
    /// Wait this many seconds, then try to pay (or lock escrow of) `amount`.
    Pay {
        wait: i64,
        amount: u64,
        cosigned: bool,
    },
    /// Wait, then a session opened earlier returns part of its escrow.
    Refund {
        wait: i64,
        session: usize,
        share_per_mille: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0i64..40_000, 1u64..3_000_000, any::<bool>())
            .prop_map(|(wait, amount, cosigned)| Step::Pay { wait, amount, cosigned }),
        1 => (0i64..40_000, 0usize..16, 0u64..=1000)
            .prop_map(|(wait, session, share_per_mille)| Step::Refund { wait, session, share_per_mille }),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        1u64..5_000_000,
        0u64..5_000_000,
        prop::option::of(1u64..3_000_000),
    )
        .prop_map(|(daily, extra, threshold)| Policy {
            max_single_transfer: (daily / 2).max(1),
            max_daily_spend: daily + extra,
            escalation_threshold: threshold,
            ..Policy::default()
        })
}

proptest! {
    #[test]
    fn allowed_net_outflow_never_exceeds_the_daily_cap(
        policy in policy(),
        start in 1_700_000_000i64..1_800_000_000,
        steps in prop::collection::vec(step(), 1..80),
    ) {
        let mut now = start;
        let mut spend = SpendState::default();
        // Locks that are still open: (locked_at, amount not yet refunded).
        let mut locks: Vec<(i64, u64)> = Vec::new();
        // Net outflow per UTC day, as an independent ledger.
        let mut outflow: BTreeMap<i64, i128> = BTreeMap::new();

        for s in steps {
            match s {
                Step::Pay { wait, amount, cosigned } => {
                    now += wait;
                    let payment = Payment {
                        amount,
                        counterparty: [1; 32],
                        category: None,
                        memo: None,
                        owner_cosigned: cosigned,
                    };
                    match evaluate(&policy, &spend, &payment, now) {
                        Verdict::Allow => {
                            spend.record(amount, now).unwrap();
                            *outflow.entry(utc_day(now)).or_default() += i128::from(amount);
                            locks.push((now, amount));
                        }
                        Verdict::Escalate(_) => prop_assert!(!cosigned),
                        Verdict::Deny(_) => {}
                    }
                }
                Step::Refund { wait, session, share_per_mille } => {
                    now += wait;
                    if let Some(lock) = locks.get_mut(session) {
                        let back = lock.1 * share_per_mille / 1000;
                        lock.1 -= back;
                        spend.refund(back, lock.0, now);
                        if utc_day(lock.0) == utc_day(now) {
                            *outflow.entry(utc_day(now)).or_default() -= i128::from(back);
                        }
                    }
                }
            }
            for (day, total) in &outflow {
                prop_assert!(
                    *total <= i128::from(policy.max_daily_spend),
                    "day {day}: {total} > {}", policy.max_daily_spend
                );
            }
            prop_assert!(spend.spent_at(now) <= policy.max_daily_spend);
        }
    }

    #[test]
    fn every_allowed_payment_respects_the_single_cap(
        policy in policy(),
        amount in 0u64..10_000_000,
        cosigned in any::<bool>(),
    ) {
        let payment = Payment { amount, counterparty: [1; 32], category: None, memo: None, owner_cosigned: cosigned };
        if evaluate(&policy, &SpendState::default(), &payment, 0) == Verdict::Allow {
            prop_assert!(amount > 0 && amount <= policy.max_single_transfer);
            if let Some(t) = policy.escalation_threshold {
                prop_assert!(amount <= t || cosigned);
            }
        }
    }
}
