//! One event per state change, emitted after the change succeeded.

use anchor_lang::prelude::*;

#[event]
pub struct WalletCreated {
    pub wallet: Pubkey,
    pub wallet_key: Pubkey,
    pub owner: Pubkey,
    pub agent: Pubkey,
    pub vault: Pubkey,
    pub mint: Pubkey,
}

#[event]
pub struct PolicyUpdated {
    pub wallet: Pubkey,
    pub version: u32,
}

#[event]
pub struct WalletPauseChanged {
    pub wallet: Pubkey,
    pub paused: bool,
}

#[event]
pub struct AgentRotated {
    pub wallet: Pubkey,
    pub old_agent: Pubkey,
    pub new_agent: Pubkey,
}

#[event]
pub struct PaymentExecuted {
    pub wallet: Pubkey,
    pub destination: Pubkey,
    pub counterparty: Pubkey,
    /// Total moved.
    pub amount: u64,
    /// How many policy-checked payments the total is made of.
    pub items: u32,
    pub nonce: u64,
    pub spent_today: u64,
    pub owner_cosigned: bool,
    pub via_settlement: bool,
    pub memo: Option<String>,
    pub category: Option<String>,
}

#[event]
pub struct RefundRecorded {
    pub wallet: Pubkey,
    pub amount: u64,
    pub spent_today: u64,
}

#[event]
pub struct Withdrawn {
    pub wallet: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
}
