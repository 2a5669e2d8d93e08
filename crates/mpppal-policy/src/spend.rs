//! How much a wallet has paid out in the current daily window.

use crate::day::utc_day;
use core::fmt;

/// Spend recorded against the daily cap. `day` is the UTC day index the `spent` total belongs
/// to; a payment on a later day starts a fresh total (see ADR 0002).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SpendState {
    /// UTC day index of `spent`.
    pub day: i64,
    /// Base units paid out (or locked in session escrow) during `day`.
    pub spent: u64,
}

/// Recording spend failed; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpendError {
    /// The total would not fit in a u64.
    Overflow,
}

impl fmt::Display for SpendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("daily spend total overflowed")
    }
}

impl SpendState {
    /// What has been spent in the window that contains `now`.
    pub fn spent_at(&self, now: i64) -> u64 {
        if utc_day(now) == self.day {
            self.spent
        } else {
            0
        }
    }

    /// Budget left under `max_daily_spend` in the window that contains `now`.
    pub fn remaining(&self, max_daily_spend: u64, now: i64) -> u64 {
        max_daily_spend.saturating_sub(self.spent_at(now))
    }

    /// Adds `amount` to the window that contains `now`, rolling the window over if needed.
    pub fn record(&mut self, amount: u64, now: i64) -> Result<(), SpendError> {
        let spent = self
            .spent_at(now)
            .checked_add(amount)
            .ok_or(SpendError::Overflow)?;
        *self = SpendState {
            day: utc_day(now),
            spent,
        };
        Ok(())
    }

    /// Gives back escrow that a session returned unspent. Only a refund in the same window as the
    /// lock frees budget: a later window never counted the lock, so it has nothing to give back.
    pub fn refund(&mut self, amount: u64, locked_at: i64, now: i64) {
        let day = utc_day(now);
        if utc_day(locked_at) == day && self.day == day {
            self.spent = self.spent.saturating_sub(amount);
        }
    }
}
