//! Policy verdicts (`mpppal_policy::evaluate`) and validation for a table of policies and payments.

use mpppal_policy::{DenyReason, EscalationReason, Payment, Policy, SpendState, Verdict};
use serde_json::{json, Value};

use super::address;

/// 2027-01-15T08:00:00Z: a day index well inside the u64 range of every SDK.
const NOW: i64 = 1_799_995_200;
const DAY: i64 = NOW.div_euclid(86_400);

fn base() -> Policy {
    Policy {
        max_single_transfer: 5_000_000,
        max_daily_spend: 20_000_000,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: None,
        paused: false,
    }
}

fn pay(amount: u64) -> Payment<'static> {
    Payment {
        amount,
        counterparty: address(7).to_bytes(),
        category: None,
        memo: None,
        owner_cosigned: false,
    }
}

struct Case {
    name: &'static str,
    policy: Policy,
    spend: SpendState,
    now: i64,
    payment: Payment<'static>,
}

fn case(name: &'static str, policy: Policy, payment: Payment<'static>) -> Case {
    Case {
        name,
        policy,
        spend: SpendState { day: DAY, spent: 0 },
        now: NOW,
        payment,
    }
}

fn cases() -> Vec<Case> {
    let long_memo: &'static str = Box::leak("m".repeat(201).into_boxed_str());
    let memo_200: &'static str = Box::leak("m".repeat(200).into_boxed_str());
    // 67 three-byte characters: 67 characters but 201 bytes; the limit counts bytes.
    let wide_memo: &'static str = Box::leak("€".repeat(67).into_boxed_str());
    let listed = Policy {
        allowed_counterparties: vec![address(9).to_bytes(), address(7).to_bytes()],
        ..base()
    };
    let categorised = Policy {
        categories: vec!["search".into(), "llm-inference".into()],
        ..base()
    };
    let memo_rule = Policy {
        require_memo: true,
        ..base()
    };
    let escalating = Policy {
        escalation_threshold: Some(1_000_000),
        ..base()
    };
    let paused = Policy {
        paused: true,
        ..base()
    };
    let huge = Policy {
        max_single_transfer: u64::MAX,
        max_daily_spend: u64::MAX,
        ..base()
    };
    let mut v = vec![
        case("an ordinary payment", base(), pay(250_000)),
        case("exactly the single-transfer cap", base(), pay(5_000_000)),
        case("one above the single-transfer cap", base(), pay(5_000_001)),
        case("zero", base(), pay(0)),
        case("a paused wallet", paused.clone(), pay(1)),
        case("paused comes before zero", paused, pay(0)),
        case("an allowed counterparty", listed.clone(), pay(1)),
        case(
            "a counterparty not on the list",
            listed,
            Payment {
                counterparty: address(8).to_bytes(),
                ..pay(1)
            },
        ),
        case(
            "no category where the policy lists some",
            categorised.clone(),
            pay(1),
        ),
        case(
            "a listed category",
            categorised.clone(),
            Payment {
                category: Some("llm-inference"),
                ..pay(1)
            },
        ),
        case(
            "a category not on the list",
            categorised.clone(),
            Payment {
                category: Some("gambling"),
                ..pay(1)
            },
        ),
        case(
            "a category compared exactly (case)",
            categorised,
            Payment {
                category: Some("Search"),
                ..pay(1)
            },
        ),
        case(
            "a category where the policy lists none",
            base(),
            Payment {
                category: Some("anything"),
                ..pay(1)
            },
        ),
        case("a memo required and missing", memo_rule.clone(), pay(1)),
        case(
            "a memo required and blank",
            memo_rule.clone(),
            Payment {
                memo: Some(" \t "),
                ..pay(1)
            },
        ),
        case(
            "a memo required and given",
            memo_rule.clone(),
            Payment {
                memo: Some("invoice 42"),
                ..pay(1)
            },
        ),
        case(
            "a memo of 200 bytes",
            memo_rule,
            Payment {
                memo: Some(memo_200),
                ..pay(1)
            },
        ),
        case(
            "a memo of 201 bytes",
            base(),
            Payment {
                memo: Some(long_memo),
                ..pay(1)
            },
        ),
        case(
            "a memo of 67 characters and 201 bytes",
            base(),
            Payment {
                memo: Some(wide_memo),
                ..pay(1)
            },
        ),
        case(
            "at the escalation threshold",
            escalating.clone(),
            pay(1_000_000),
        ),
        case(
            "above the escalation threshold",
            escalating.clone(),
            pay(1_000_001),
        ),
        case(
            "above the threshold, co-signed by the owner",
            escalating.clone(),
            Payment {
                owner_cosigned: true,
                ..pay(1_000_001)
            },
        ),
        case(
            "above the threshold and the single cap: the hard limit wins",
            escalating,
            pay(6_000_000),
        ),
        case("u64 caps and amount", huge.clone(), pay(u64::MAX)),
    ];
    v.push(Case {
        spend: SpendState {
            day: DAY,
            spent: 16_000_000,
        },
        ..case("over what is left today", base(), pay(4_000_001))
    });
    v.push(Case {
        spend: SpendState {
            day: DAY,
            spent: 16_000_000,
        },
        ..case("exactly what is left today", base(), pay(4_000_000))
    });
    v.push(Case {
        spend: SpendState {
            day: DAY,
            spent: 20_000_000,
        },
        ..case("nothing left today", base(), pay(1))
    });
    v.push(Case {
        spend: SpendState {
            day: DAY - 1,
            spent: 20_000_000,
        },
        ..case(
            "yesterday's spend does not count today",
            base(),
            pay(5_000_000),
        )
    });
    v.push(Case {
        spend: SpendState {
            day: DAY,
            spent: 20_000_000,
        },
        now: (DAY + 1) * 86_400,
        ..case("midnight UTC starts a new day", base(), pay(1))
    });
    v.push(Case {
        spend: SpendState {
            day: DAY,
            spent: 20_000_000,
        },
        now: (DAY + 1) * 86_400 - 1,
        ..case("one second before midnight is still today", base(), pay(1))
    });
    v.push(Case {
        spend: SpendState {
            day: -1,
            spent: 19_000_000,
        },
        now: -1,
        ..case(
            "a clock before 1970 falls in day -1",
            base(),
            pay(2_000_000),
        )
    });
    v.push(Case {
        spend: SpendState {
            day: DAY,
            spent: u64::MAX - 1,
        },
        ..case("a u64 spend total near its end", huge, pay(2))
    });
    v
}

pub fn evaluate() -> Value {
    cases()
        .into_iter()
        .map(|c| {
            let verdict = verdict(evaluate_one(&c));
            json!({
                "name": c.name,
                "policy": policy_json(&c.policy),
                "spend": { "day": c.spend.day, "spent": c.spend.spent.to_string() },
                "now": c.now,
                "payment": {
                    "amount": c.payment.amount.to_string(),
                    "counterparty": anchor_lang::prelude::Pubkey::new_from_array(c.payment.counterparty).to_string(),
                    "category": c.payment.category,
                    "memo": c.payment.memo,
                    "ownerCosigned": c.payment.owner_cosigned,
                },
                "verdict": verdict,
            })
        })
        .collect()
}

fn evaluate_one(c: &Case) -> Verdict {
    mpppal_policy::evaluate(&c.policy, &c.spend, &c.payment, c.now)
}

fn verdict(v: Verdict) -> Value {
    match v {
        Verdict::Allow => json!({ "decision": "allow" }),
        Verdict::Escalate(EscalationReason::AboveThreshold { threshold }) => {
            json!({ "decision": "escalate", "reason": "above_threshold", "threshold": threshold.to_string() })
        }
        Verdict::Deny(reason) => {
            let mut out = json!({ "decision": "deny", "code": reason.code() });
            match reason {
                DenyReason::OverSingleTransferLimit { limit } => {
                    out["limit"] = json!(limit.to_string());
                }
                DenyReason::OverDailyLimit { limit, remaining } => {
                    out["limit"] = json!(limit.to_string());
                    out["remaining"] = json!(remaining.to_string());
                }
                _ => {}
            }
            out
        }
        other => panic!("a verdict the vectors do not describe yet: {other:?}"),
    }
}

fn policy_json(p: &Policy) -> Value {
    json!({
        "maxSingleTransfer": p.max_single_transfer.to_string(),
        "maxDailySpend": p.max_daily_spend.to_string(),
        "allowedCounterparties": p
            .allowed_counterparties
            .iter()
            .map(|k| anchor_lang::prelude::Pubkey::new_from_array(*k).to_string())
            .collect::<Vec<_>>(),
        "categories": p.categories,
        "requireMemo": p.require_memo,
        "escalationThreshold": p.escalation_threshold.map(|t| t.to_string()),
        "paused": p.paused,
    })
}

pub fn validate() -> Value {
    let named = |name: &str, policy: Policy| {
        json!({
            "name": name,
            "error": policy.validate().err().map(|e| e.code()),
            "policy": policy_json(&policy),
        })
    };
    let many = |n: u8| {
        (0..n)
            .map(|i| address(100 + i).to_bytes())
            .collect::<Vec<_>>()
    };
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        named("a valid policy", base()),
        named(
            "zero daily cap",
            Policy {
                max_daily_spend: 0,
                ..base()
            },
        ),
        named(
            "zero single cap",
            Policy {
                max_single_transfer: 0,
                ..base()
            },
        ),
        named(
            "zero daily cap before zero single cap",
            Policy {
                max_daily_spend: 0,
                max_single_transfer: 0,
                ..base()
            },
        ),
        named(
            "single above daily",
            Policy {
                max_single_transfer: 20_000_001,
                ..base()
            },
        ),
        named(
            "single equal to daily",
            Policy {
                max_single_transfer: 20_000_000,
                ..base()
            },
        ),
        named(
            "16 counterparties",
            Policy {
                allowed_counterparties: many(16),
                ..base()
            },
        ),
        named(
            "17 counterparties",
            Policy {
                allowed_counterparties: many(17),
                ..base()
            },
        ),
        named(
            "a counterparty twice",
            Policy {
                allowed_counterparties: vec![
                    address(3).to_bytes(),
                    address(4).to_bytes(),
                    address(3).to_bytes(),
                ],
                ..base()
            },
        ),
        named(
            "8 categories",
            Policy {
                categories: names(&["a", "b", "c", "d", "e", "f", "g", "h"]),
                ..base()
            },
        ),
        named(
            "9 categories",
            Policy {
                categories: names(&["a", "b", "c", "d", "e", "f", "g", "h", "i"]),
                ..base()
            },
        ),
        named(
            "an empty category",
            Policy {
                categories: names(&[""]),
                ..base()
            },
        ),
        named(
            "an upper-case category",
            Policy {
                categories: names(&["Search"]),
                ..base()
            },
        ),
        named(
            "a category with a space",
            Policy {
                categories: names(&["web search"]),
                ..base()
            },
        ),
        named(
            "a 32-byte category",
            Policy {
                categories: vec!["c".repeat(32)],
                ..base()
            },
        ),
        named(
            "a 33-byte category",
            Policy {
                categories: vec!["c".repeat(33)],
                ..base()
            },
        ),
        named(
            "a non-ASCII category",
            Policy {
                categories: names(&["café"]),
                ..base()
            },
        ),
        named(
            "digits, dash and underscore",
            Policy {
                categories: names(&["gpu_2-hours"]),
                ..base()
            },
        ),
        named(
            "a category twice",
            Policy {
                categories: names(&["search", "search"]),
                ..base()
            },
        ),
        named(
            "zero escalation threshold",
            Policy {
                escalation_threshold: Some(0),
                ..base()
            },
        ),
        named(
            "an escalation threshold above the single cap",
            Policy {
                escalation_threshold: Some(9_000_000),
                ..base()
            },
        ),
    ]
    .into()
}
