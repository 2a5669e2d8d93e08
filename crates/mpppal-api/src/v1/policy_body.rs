//! A policy as the API reads and writes it, and its checks: the same rules the Policy Program
//! applies (`mpppal-policy`), plus the database's range for amounts.

use anchor_lang::prelude::Pubkey;
use axum::http::StatusCode;
use mpppal_db::policies::PolicyVersion;
use mpppal_policy::Policy;
use mpppal_policy_program::PolicyArgs;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::str::FromStr;

use crate::problem::Problem;

/// Spending rules for one wallet. Amounts are USDC base units (1 USDC = 1000000).
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyBody {
    /// Largest single payment.
    pub max_single_transfer: u64,
    /// Most the wallet may pay in one UTC day.
    pub max_daily_spend: u64,
    /// Recipients (base58 addresses) the wallet may pay; empty or absent means any.
    #[serde(default)]
    pub allowed_counterparties: Vec<String>,
    /// Categories payments may name; empty or absent means any.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Every payment must carry a memo.
    #[serde(default)]
    pub require_memo: bool,
    /// Payments above this need an operator's approval; absent means never.
    #[serde(default)]
    pub escalation_threshold: Option<u64>,
}

/// 400 `invalid_policy`, with the rule's stable `reason`.
fn invalid(reason: &str, detail: impl Into<String>) -> Problem {
    let mut problem = Problem::new(StatusCode::BAD_REQUEST, "invalid_policy", detail);
    problem.extra = json!({ "reason": reason });
    problem
}

impl PolicyBody {
    /// The policy as the program stores it (with `paused` as given), or why it is not acceptable.
    pub fn to_args(&self, paused: bool) -> Result<PolicyArgs, Problem> {
        for amount in [
            Some(self.max_single_transfer),
            Some(self.max_daily_spend),
            self.escalation_threshold,
        ]
        .into_iter()
        .flatten()
        {
            if amount > i64::MAX as u64 {
                return Err(invalid(
                    "amount_out_of_range",
                    format!("amounts must be at most {} base units", i64::MAX),
                ));
            }
        }
        let mut counterparties = Vec::with_capacity(self.allowed_counterparties.len());
        for address in &self.allowed_counterparties {
            let key = Pubkey::from_str(address).map_err(|_| {
                invalid(
                    "invalid_counterparty",
                    format!("allowedCounterparties: {address:?} is not a base58 address"),
                )
            })?;
            counterparties.push(key.to_bytes());
        }
        let policy = Policy {
            max_single_transfer: self.max_single_transfer,
            max_daily_spend: self.max_daily_spend,
            allowed_counterparties: counterparties,
            categories: self.categories.clone(),
            require_memo: self.require_memo,
            escalation_threshold: self.escalation_threshold,
            paused,
        };
        policy
            .validate()
            .map_err(|e| invalid(e.code(), e.to_string()))?;
        Ok(PolicyArgs::from(policy))
    }

    /// The body in a canonical form (for idempotency fingerprints and audit details).
    pub fn canonical(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a policy serialises")
    }
}

/// One version of a wallet's policy, as written on chain.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    /// The wallet's on-chain `policy_version`.
    pub version: i32,
    #[serde(flatten)]
    pub rules: PolicyBody,
    pub paused: bool,
    /// The transaction that wrote this version.
    pub tx_signature: String,
    /// The API key that made the change.
    pub changed_by: String,
    pub created_at: String,
}

impl From<PolicyVersion> for PolicyView {
    fn from(p: PolicyVersion) -> Self {
        Self {
            version: p.version,
            rules: PolicyBody {
                max_single_transfer: p.max_single_transfer as u64,
                max_daily_spend: p.max_daily_spend as u64,
                allowed_counterparties: p.allowed_counterparties,
                categories: p.categories,
                require_memo: p.require_memo,
                escalation_threshold: p.escalation_threshold.map(|t| t as u64),
            },
            paused: p.paused,
            tx_signature: p.tx_signature,
            changed_by: p.changed_by,
            created_at: p.created_at,
        }
    }
}

/// The mirror row for `args`, written on chain as `version` by `tx_signature`.
pub fn version_row(
    account_id: &str,
    version: u32,
    args: &PolicyArgs,
    tx_signature: String,
    changed_by: &str,
) -> PolicyVersion {
    PolicyVersion {
        account_id: account_id.to_string(),
        version: version as i32,
        // Checked against i64::MAX by `to_args` (or read from a row that was).
        max_single_transfer: args.max_single_transfer as i64,
        max_daily_spend: args.max_daily_spend as i64,
        allowed_counterparties: args
            .allowed_counterparties
            .iter()
            .map(|k| k.to_string())
            .collect(),
        categories: args.categories.clone(),
        require_memo: args.require_memo,
        escalation_threshold: args.escalation_threshold.map(|t| t as i64),
        paused: args.paused,
        tx_signature,
        changed_by: changed_by.to_string(),
        created_at: String::new(),
    }
}

/// The program's arguments for a stored version, with `paused` replaced.
pub fn args_of(p: &PolicyVersion, paused: bool) -> Result<PolicyArgs, Problem> {
    let view = PolicyView::from(p.clone());
    view.rules.to_args(paused)
}
