//! Prints the demo's steps and keeps count of transactions.

use anyhow::{bail, Result};

#[derive(Default)]
pub struct Narrator {
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

impl Narrator {
    pub fn step(&mut self, text: &str) {
        self.step += 1;
        println!("\n{:>2}. {text}", self.step);
    }

    pub fn detail(&self, text: &str) {
        println!("      {text}");
    }

    pub fn count_tx(&mut self) {
        self.transactions += 1;
    }

    /// A transaction that must succeed.
    pub fn tx(&mut self, result: Result<(), String>) -> Result<()> {
        match result {
            Ok(()) => {
                self.count_tx();
                println!("      ok (on-chain transaction #{})", self.transactions);
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
                println!("      refused on chain: {reason}");
                Ok(())
            }
        }
    }

    pub fn summary(&self, balances: &[(&str, String)]) {
        println!("\nBalances");
        for (who, amount) in balances {
            println!("  {who:<14} {amount}");
        }
        println!("  transactions   {} on chain in total", self.transactions);
    }

    pub fn payments(&self, payments: u64, payment_transactions: u64) {
        println!(
            "  payments       {payments} paid requests settled in {payment_transactions} payment transactions"
        );
    }
}
