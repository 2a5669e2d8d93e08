//! Policy validation: what an operator can and cannot write.

use mpppal_policy::{Policy, PolicyError};

fn valid() -> Policy {
    Policy {
        max_single_transfer: 1_000_000,
        max_daily_spend: 10_000_000,
        ..Policy::default()
    }
}

#[test]
fn accepts_a_plain_policy() {
    assert_eq!(valid().validate(), Ok(()));
}

#[test]
fn rejects_each_inconsistent_policy() {
    let cases: Vec<(Policy, PolicyError)> = vec![
        (
            Policy {
                max_daily_spend: 0,
                ..valid()
            },
            PolicyError::ZeroDailyLimit,
        ),
        (
            Policy {
                max_single_transfer: 0,
                ..valid()
            },
            PolicyError::ZeroSingleLimit,
        ),
        (
            Policy {
                max_single_transfer: 10_000_001,
                ..valid()
            },
            PolicyError::SingleAboveDaily,
        ),
        (
            Policy {
                allowed_counterparties: (0..17u8).map(|i| [i; 32]).collect(),
                ..valid()
            },
            PolicyError::TooManyCounterparties,
        ),
        (
            Policy {
                allowed_counterparties: vec![[1; 32], [1; 32]],
                ..valid()
            },
            PolicyError::DuplicateCounterparty,
        ),
        (
            Policy {
                categories: (0..9).map(|i| format!("c{i}")).collect(),
                ..valid()
            },
            PolicyError::TooManyCategories,
        ),
        (
            Policy {
                categories: vec!["Data".into()],
                ..valid()
            },
            PolicyError::InvalidCategory,
        ),
        (
            Policy {
                categories: vec!["".into()],
                ..valid()
            },
            PolicyError::InvalidCategory,
        ),
        (
            Policy {
                categories: vec!["x".repeat(33)],
                ..valid()
            },
            PolicyError::InvalidCategory,
        ),
        (
            Policy {
                categories: vec!["data".into(), "data".into()],
                ..valid()
            },
            PolicyError::DuplicateCategory,
        ),
        (
            Policy {
                escalation_threshold: Some(0),
                ..valid()
            },
            PolicyError::ZeroEscalationThreshold,
        ),
    ];
    for (policy, expected) in cases {
        assert_eq!(
            policy.validate(),
            Err(expected.clone()),
            "{}",
            expected.code()
        );
    }
}
