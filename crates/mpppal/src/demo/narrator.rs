//! Prints the demo's steps and keeps count of transactions.

use anyhow::{bail, Result};
use std::io::Write;

pub struct Narrator {
    out: Box<dyn Write + Send>,
    step: u32,
    transactions: u32,
}

/// Formats base units as a USDC amount, e.g. `1.500000 USDC`.
pub fn usdc(base_units: u64) -> String {
    format!(
        "{}.{:06} USDC",
        base_units / 1_000_000,
        base_units % 1_000_000
    )
}

// A demo whose terminal went away has nobody to tell; writes to `out` ignore errors.
macro_rules! say {
    ($n:expr, $($arg:tt)*) => {
        let _ = writeln!($n.out, $($arg)*);
    };
}

impl Narrator {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out,
            step: 0,
            transactions: 0,
        }
    }

    pub fn step(&mut self, text: &str) {
        self.step += 1;
        say!(self, "\n{:>2}. {text}", self.step);
    }

    pub fn detail(&mut self, text: &str) {
        say!(self, "      {text}");
    }

    pub fn count_tx(&mut self) {
        self.transactions += 1;
    }

    /// Counts transactions others sent for the story (the paid API's).
    pub fn count_txs(&mut self, n: u64) {
        self.transactions += n as u32;
    }

    /// A transaction that must succeed.
    pub fn tx(&mut self, result: Result<(), String>) -> Result<()> {
        match result {
            Ok(()) => {
                self.count_tx();
                say!(
                    self,
                    "      ok (on-chain transaction #{})",
                    self.transactions
                );
                Ok(())
            }
            Err(reason) => bail!("step {} failed: {reason}", self.step),
        }
    }

    /// A transaction the policy must refuse.
    pub fn refused(&mut self, result: Result<(), String>) -> Result<()> {
        match result {
            Ok(()) => bail!("step {} should have been refused", self.step),
            Err(reason) => {
                say!(self, "      refused on chain: {reason}");
                Ok(())
            }
        }
    }

    pub fn summary(&mut self, balances: &[(&str, String)]) {
        say!(self, "\nBalances");
        for (who, amount) in balances {
            say!(self, "  {who:<14} {amount}");
        }
        say!(
            self,
            "  transactions   {} on chain in total",
            self.transactions
        );
    }

    /// One more line of the summary.
    pub fn total(&mut self, label: &str, text: &str) {
        say!(self, "  {label:<14} {text}");
    }

    pub fn payments(&mut self, payments: u64, payment_transactions: u64) {
        say!(
            self,
            "  payments       {payments} paid requests settled in {payment_transactions} payment transactions"
        );
    }
}
