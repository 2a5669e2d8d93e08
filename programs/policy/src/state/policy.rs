//! The policy as stored on chain and passed in instructions.

use crate::log::message;
use anchor_lang::prelude::*;
use mpppal_policy::{Policy, MAX_CATEGORIES, MAX_CATEGORY_LEN, MAX_COUNTERPARTIES};

use crate::errors::PolicyProgramError;

/// On-chain form of `mpppal_policy::Policy`; the bounds are the policy crate's, so a policy that
/// validates always fits the account.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq, InitSpace)]
pub struct PolicyArgs {
    pub max_single_transfer: u64,
    pub max_daily_spend: u64,
    #[max_len(16)]
    pub allowed_counterparties: Vec<Pubkey>,
    #[max_len(8, 32)]
    pub categories: Vec<String>,
    pub require_memo: bool,
    pub escalation_threshold: Option<u64>,
    pub paused: bool,
}

// The #[max_len] attributes above cannot name constants; these keep them honest.
const _: () = assert!(MAX_COUNTERPARTIES == 16 && MAX_CATEGORIES == 8 && MAX_CATEGORY_LEN == 32);

impl PolicyArgs {
    /// The shared rule set this stored policy stands for.
    pub fn to_policy(&self) -> Policy {
        Policy {
            max_single_transfer: self.max_single_transfer,
            max_daily_spend: self.max_daily_spend,
            allowed_counterparties: self
                .allowed_counterparties
                .iter()
                .map(|k| k.to_bytes())
                .collect(),
            categories: self.categories.clone(),
            require_memo: self.require_memo,
            escalation_threshold: self.escalation_threshold,
            paused: self.paused,
        }
    }

    /// Refuses a policy the shared rules call invalid, logging why.
    pub fn validate(&self) -> Result<()> {
        self.to_policy().validate().map_err(|e| {
            message(&format!("invalid policy: {} ({})", e, e.code()));
            error!(PolicyProgramError::InvalidPolicy)
        })
    }
}

impl From<Policy> for PolicyArgs {
    fn from(p: Policy) -> Self {
        Self {
            max_single_transfer: p.max_single_transfer,
            max_daily_spend: p.max_daily_spend,
            allowed_counterparties: p
                .allowed_counterparties
                .into_iter()
                .map(Pubkey::new_from_array)
                .collect(),
            categories: p.categories,
            require_memo: p.require_memo,
            escalation_threshold: p.escalation_threshold,
            paused: p.paused,
        }
    }
}
