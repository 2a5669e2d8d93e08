//! Verdicts for each rule, one test per way a payment can be refused or escalated.

use mpppal_policy::{evaluate, DenyReason, EscalationReason, Payment, Policy, SpendState, Verdict};

const NOON: i64 = 20_000 * 86_400 + 43_200;
const BOB: [u8; 32] = [7; 32];
const EVE: [u8; 32] = [9; 32];

fn policy() -> Policy {
    Policy {
        max_single_transfer: 5_000_000,
        max_daily_spend: 20_000_000,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: Some(1_000_000),
        paused: false,
    }
}

fn pay(amount: u64) -> Payment<'static> {
    Payment {
        amount,
        counterparty: BOB,
        category: None,
        memo: None,
        owner_cosigned: false,
    }
}

fn verdict(policy: &Policy, payment: &Payment<'_>) -> Verdict {
    evaluate(policy, &SpendState::default(), payment, NOON)
}

#[test]
fn allows_a_small_payment() {
    assert_eq!(verdict(&policy(), &pay(250_000)), Verdict::Allow);
}

#[test]
fn refuses_everything_when_paused() {
    let p = Policy {
        paused: true,
        ..policy()
    };
    assert_eq!(verdict(&p, &pay(1)), Verdict::Deny(DenyReason::Paused));
}

#[test]
fn refuses_zero_amount() {
    assert_eq!(
        verdict(&policy(), &pay(0)),
        Verdict::Deny(DenyReason::ZeroAmount)
    );
}

#[test]
fn refuses_over_single_transfer_cap_even_when_cosigned() {
    let payment = Payment {
        owner_cosigned: true,
        ..pay(5_000_001)
    };
    assert_eq!(
        verdict(&policy(), &payment),
        Verdict::Deny(DenyReason::OverSingleTransferLimit { limit: 5_000_000 })
    );
}

#[test]
fn refuses_over_daily_cap_and_says_what_is_left() {
    let spend = SpendState {
        day: NOON / 86_400,
        spent: 18_000_000,
    };
    let payment = Payment {
        owner_cosigned: true,
        ..pay(3_000_000)
    };
    assert_eq!(
        evaluate(&policy(), &spend, &payment, NOON),
        Verdict::Deny(DenyReason::OverDailyLimit {
            limit: 20_000_000,
            remaining: 2_000_000
        })
    );
}

#[test]
fn yesterdays_spend_does_not_count_today() {
    let spend = SpendState {
        day: NOON / 86_400 - 1,
        spent: 20_000_000,
    };
    assert_eq!(
        evaluate(&policy(), &spend, &pay(500_000), NOON),
        Verdict::Allow
    );
}

#[test]
fn escalates_above_threshold_and_cosignature_allows() {
    assert_eq!(
        verdict(&policy(), &pay(1_000_001)),
        Verdict::Escalate(EscalationReason::AboveThreshold {
            threshold: 1_000_000
        })
    );
    let cosigned = Payment {
        owner_cosigned: true,
        ..pay(1_000_001)
    };
    assert_eq!(verdict(&policy(), &cosigned), Verdict::Allow);
    // Exactly the threshold is not above it.
    assert_eq!(verdict(&policy(), &pay(1_000_000)), Verdict::Allow);
}

#[test]
fn refuses_counterparty_off_the_allow_list() {
    let p = Policy {
        allowed_counterparties: vec![BOB],
        ..policy()
    };
    assert_eq!(verdict(&p, &pay(10)), Verdict::Allow);
    let to_eve = Payment {
        counterparty: EVE,
        ..pay(10)
    };
    assert_eq!(
        verdict(&p, &to_eve),
        Verdict::Deny(DenyReason::CounterpartyNotAllowed)
    );
}

#[test]
fn refuses_missing_or_unlisted_category() {
    let p = Policy {
        categories: vec!["data".into(), "compute".into()],
        ..policy()
    };
    let with = |category| Payment {
        category,
        ..pay(10)
    };
    assert_eq!(verdict(&p, &with(Some("data"))), Verdict::Allow);
    assert_eq!(
        verdict(&p, &with(Some("travel"))),
        Verdict::Deny(DenyReason::CategoryNotAllowed)
    );
    assert_eq!(
        verdict(&p, &with(None)),
        Verdict::Deny(DenyReason::CategoryNotAllowed)
    );
}

#[test]
fn refuses_missing_blank_or_long_memo() {
    let p = Policy {
        require_memo: true,
        ..policy()
    };
    let with = |memo| Payment { memo, ..pay(10) };
    assert_eq!(verdict(&p, &with(Some("invoice 42"))), Verdict::Allow);
    assert_eq!(
        verdict(&p, &with(None)),
        Verdict::Deny(DenyReason::MemoRequired)
    );
    assert_eq!(
        verdict(&p, &with(Some("  "))),
        Verdict::Deny(DenyReason::MemoRequired)
    );
    let long = "x".repeat(201);
    assert_eq!(
        verdict(&policy(), &with(Some(&long))),
        Verdict::Deny(DenyReason::MemoTooLong)
    );
}

#[test]
fn deny_reasons_have_stable_codes_and_readable_text() {
    let reason = DenyReason::OverSingleTransferLimit { limit: 5_000_000 };
    assert_eq!(reason.code(), "over_single_transfer_limit");
    assert_eq!(
        reason.to_string(),
        "the amount is above max_single_transfer (5000000 base units)"
    );
}
