//! The `request` of a `solana` charge challenge.

use anchor_lang::prelude::Pubkey;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use super::{MethodError, Network};

/// Longest `currency`, `description` and `externalId` the draft allows.
const MAX_CURRENCY: usize = 128;
const MAX_DESCRIPTION: usize = 256;
const MAX_EXTERNAL_ID: usize = 566;
/// Most splits one charge may carry.
pub const MAX_SPLITS: usize = 8;

const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const TOKEN_2022_PROGRAM: &str = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

/// A charge request: amounts are decimal strings of base units on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargeRequest {
    pub amount: String,
    /// `"sol"` or a base58 mint.
    pub currency: String,
    /// The owner of the receiving token account (not the token account).
    pub recipient: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default)]
    pub method_details: MethodDetails,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MethodDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_program: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_payer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_payer_key: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<Split>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_blockhash: Option<String>,
    /// MPPPal extension: present only when the paywall accepts deferred receipts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mpppal_receipt: Option<ReceiptOffer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Split {
    pub recipient: String,
    pub amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// A paywall's offer to take an MPPPal deferred receipt instead of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptOffer {
    /// The Settlement Program that will settle the receipt; clients check it is the one they
    /// trust before signing.
    pub settlement_program: String,
    /// Latest `expiresAt` the paywall accepts, as seconds after the challenge is issued.
    pub max_ttl_seconds: u32,
}

/// A charge request after its checks: amounts as integers, keys parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCharge {
    pub amount: u64,
    /// `None` for native SOL.
    pub mint: Option<Pubkey>,
    pub recipient: Pubkey,
    pub fee_payer: Option<Pubkey>,
    /// Split recipients and amounts; the primary recipient gets `amount - sum(splits)`.
    pub splits: Vec<(Pubkey, u64)>,
    pub network: Network,
}

fn key(field: &'static str, text: &str) -> Result<Pubkey, MethodError> {
    Pubkey::from_str(text).map_err(|_| MethodError::invalid(field, "not a base58 public key"))
}

/// A positive integer amount in base units, as the drafts require.
pub fn base_units(field: &'static str, text: &str) -> Result<u64, MethodError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && !(text.len() > 1 && text.starts_with('0'));
    if !canonical {
        return Err(MethodError::invalid(
            field,
            "must be a decimal integer of base units without sign, fraction or leading zeros",
        ));
    }
    match text.parse::<u64>() {
        Ok(0) => Err(MethodError::invalid(field, "must be above zero")),
        Ok(v) => Ok(v),
        Err(_) => Err(MethodError::invalid(field, "does not fit in 64 bits")),
    }
}

impl ChargeRequest {
    /// Checks every rule of the charge draft and returns the typed values.
    pub fn validate(&self) -> Result<ValidCharge, MethodError> {
        let amount = base_units("amount", &self.amount)?;
        if self.currency.len() > MAX_CURRENCY {
            return Err(MethodError::invalid(
                "currency",
                "longer than 128 characters",
            ));
        }
        let d = &self.method_details;
        let mint = if self.currency == "sol" {
            if d.decimals.is_some() || d.token_program.is_some() {
                return Err(MethodError::invalid(
                    "methodDetails",
                    "decimals and tokenProgram are not allowed for native SOL",
                ));
            }
            None
        } else {
            let mint = key("currency", &self.currency)?;
            match d.decimals {
                Some(0..=9) => {}
                Some(_) => {
                    return Err(MethodError::invalid(
                        "methodDetails.decimals",
                        "must be 0 to 9",
                    ))
                }
                None => {
                    return Err(MethodError::invalid(
                        "methodDetails.decimals",
                        "required when currency is a mint",
                    ))
                }
            }
            if let Some(program) = &d.token_program {
                if program != TOKEN_PROGRAM && program != TOKEN_2022_PROGRAM {
                    return Err(MethodError::invalid(
                        "methodDetails.tokenProgram",
                        "must be the Token or Token-2022 program",
                    ));
                }
            }
            Some(mint)
        };
        let recipient = key("recipient", &self.recipient)?;
        if self
            .description
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_DESCRIPTION)
        {
            return Err(MethodError::invalid(
                "description",
                "longer than 256 characters",
            ));
        }
        if self
            .external_id
            .as_ref()
            .is_some_and(|s| s.len() > MAX_EXTERNAL_ID)
        {
            return Err(MethodError::invalid("externalId", "longer than 566 bytes"));
        }
        let fee_payer = match (d.fee_payer.unwrap_or(false), &d.fee_payer_key) {
            (true, Some(k)) => Some(key("methodDetails.feePayerKey", k)?),
            (true, None) => {
                return Err(MethodError::invalid(
                    "methodDetails.feePayerKey",
                    "required when feePayer is true",
                ))
            }
            (false, Some(_)) => {
                return Err(MethodError::invalid(
                    "methodDetails.feePayerKey",
                    "only allowed when feePayer is true",
                ))
            }
            (false, None) => None,
        };
        if d.splits.len() > MAX_SPLITS {
            return Err(MethodError::invalid(
                "methodDetails.splits",
                "at most 8 splits",
            ));
        }
        let mut splits = Vec::with_capacity(d.splits.len());
        let mut split_total: u64 = 0;
        for split in &d.splits {
            let value = base_units("methodDetails.splits.amount", &split.amount)?;
            split_total = split_total
                .checked_add(value)
                .ok_or_else(|| MethodError::invalid("methodDetails.splits", "amounts overflow"))?;
            splits.push((
                key("methodDetails.splits.recipient", &split.recipient)?,
                value,
            ));
        }
        if split_total >= amount {
            return Err(MethodError::invalid(
                "methodDetails.splits",
                "must leave the primary recipient more than zero",
            ));
        }
        if let Some(offer) = &d.mpppal_receipt {
            key(
                "methodDetails.mpppalReceipt.settlementProgram",
                &offer.settlement_program,
            )?;
            if offer.max_ttl_seconds == 0 {
                return Err(MethodError::invalid(
                    "methodDetails.mpppalReceipt.maxTtlSeconds",
                    "must be above zero",
                ));
            }
            if mint.is_none() {
                return Err(MethodError::invalid(
                    "methodDetails.mpppalReceipt",
                    "deferred receipts pay SPL tokens, not native SOL",
                ));
            }
        }
        Ok(ValidCharge {
            amount,
            mint,
            recipient,
            fee_payer,
            splits,
            network: d.network.unwrap_or_default(),
        })
    }
}
