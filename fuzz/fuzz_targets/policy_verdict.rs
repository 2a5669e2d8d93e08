//! The policy decision every layer shares, on any policy, spend and payment: it never panics,
//! and what it allows always fits the policy's hard limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpppal_policy::{evaluate, Payment, Policy, SpendState, Verdict};

/// Reads fixed-size fields off the front of the input, zeros once it runs out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.take())
    }
    fn byte(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn text(&mut self) -> Option<String> {
        let len = usize::from(self.byte());
        if len == 0 {
            return None;
        }
        let n = len.min(self.0.len());
        let text = String::from_utf8_lossy(&self.0[..n]).into_owned();
        self.0 = &self.0[n..];
        Some(text)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let flags = input.byte();
    let counterparties = (0..input.byte() % 4).map(|_| input.take::<32>()).collect();
    let categories = (0..input.byte() % 3).filter_map(|_| input.text()).collect();
    let policy = Policy {
        max_single_transfer: input.u64(),
        max_daily_spend: input.u64(),
        allowed_counterparties: counterparties,
        categories,
        require_memo: flags & 1 != 0,
        escalation_threshold: (flags & 2 != 0).then(|| input.u64()),
        paused: flags & 4 != 0,
    };
    let spend = SpendState {
        day: input.i64(),
        spent: input.u64(),
    };
    let now = input.i64();
    let counterparty = input.take::<32>();
    let (category, memo) = (input.text(), input.text());
    let payment = Payment {
        amount: input.u64(),
        counterparty,
        category: category.as_deref(),
        memo: memo.as_deref(),
        owner_cosigned: flags & 8 != 0,
    };
    let _ = policy.validate();
    if let Verdict::Allow = evaluate(&policy, &spend, &payment, now) {
        assert!(!policy.paused);
        assert!(payment.amount > 0);
        assert!(payment.amount <= policy.max_single_transfer);
        assert!(payment.amount <= spend.remaining(policy.max_daily_spend, now));
        assert!(policy.allows_counterparty(&payment.counterparty));
        assert!(policy.allows_category(payment.category));
    }
    let mut after = spend;
    let _ = after.record(payment.amount, now);
});
