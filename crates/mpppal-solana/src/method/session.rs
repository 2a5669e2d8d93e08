//! The `solana` session intent as MPPPal's Settlement Program implements it: the challenge
//! request, the credential actions, and the checks on a client's open transaction.
//!
//! Vouchers use the draft's 50-byte layout ([`super::voucher`]). The channel is MPPPal's
//! session PDA (`[b"session", wallet, session_id]`), opened from an agent wallet through the
//! Policy Program, so the `open` action names the wallet and session id instead of the draft's
//! payer/salt/openSlot seeds.

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AnchorDeserialize, Discriminator};
use serde::{Deserialize, Serialize};

use super::charge::base_units;
use super::{MethodError, Network, SignedVoucher};
use crate::address;
use crate::method::legs::ExecutedInstruction;

/// The `request` of a session challenge. `amount` is the price of one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRequest {
    pub amount: String,
    pub currency: String,
    pub recipient: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_deposit: Option<String>,
    pub method_details: SessionDetails,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionDetails {
    pub network: Network,
    /// The program holding the escrow: MPPPal's Settlement Program.
    pub channel_program: String,
    pub decimals: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_payer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_payer_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_voucher_delta: Option<String>,
}

/// A session credential payload; `action` selects the variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum SessionAction {
    #[serde(rename_all = "camelCase")]
    Open {
        channel_id: String,
        wallet: String,
        /// Decimal u64.
        session_id: String,
        deposit_amount: String,
        /// Standard base64 of the open transaction, signed by the agent.
        transaction: String,
    },
    #[serde(rename_all = "camelCase")]
    Voucher {
        channel_id: String,
        voucher: SignedVoucher,
    },
    #[serde(rename_all = "camelCase")]
    TopUp {
        channel_id: String,
        additional_amount: String,
        transaction: String,
    },
    #[serde(rename_all = "camelCase")]
    Close {
        channel_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voucher: Option<SignedVoucher>,
    },
}

impl SessionAction {
    pub fn channel_id(&self) -> &str {
        match self {
            Self::Open { channel_id, .. }
            | Self::Voucher { channel_id, .. }
            | Self::TopUp { channel_id, .. }
            | Self::Close { channel_id, .. } => channel_id,
        }
    }
}

/// What an open transaction does, as read from its instructions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenSummary {
    pub session: Pubkey,
    pub wallet: Pubkey,
    pub session_id: u64,
    pub deposit: u64,
    pub expires_at: i64,
    pub payer: Pubkey,
    pub payee: Pubkey,
    pub mint: Pubkey,
}

/// Finds the single `open_session` instruction and checks it opens `channel` for `payee` in
/// `mint` with `deposit`, funded by `rent_payer`.
pub fn inspect_open(
    instructions: &[ExecutedInstruction],
    expected: &OpenSummary,
) -> Result<OpenSummary, MethodError> {
    let opens: Vec<&ExecutedInstruction> = instructions
        .iter()
        .filter(|ix| {
            ix.program_id == crate::SETTLEMENT_PROGRAM_ID
                && ix
                    .data
                    .starts_with(mpppal_settlement_program::instruction::OpenSession::DISCRIMINATOR)
        })
        .collect();
    let [open] = opens.as_slice() else {
        return Err(MethodError::invalid(
            "transaction",
            "must hold exactly one open_session",
        ));
    };
    let d = mpppal_settlement_program::instruction::OpenSession::DISCRIMINATOR.len();
    let args = mpppal_settlement_program::instruction::OpenSession::try_from_slice(&open.data[d..])
        .map_err(|_| MethodError::invalid("transaction", "open_session arguments do not decode"))?
        .args;
    // Account order of `OpenSession`: payer, agent, owner_cosigner, wallet, vault, mint, payee,
    // payee_token_account, session, escrow, …
    let account = |i: usize| open.accounts.get(i).copied().unwrap_or_default();
    let summary = OpenSummary {
        session: account(8),
        wallet: account(3),
        session_id: args.session_id,
        deposit: args.deposit,
        expires_at: args.expires_at,
        payer: account(0),
        payee: account(6),
        mint: account(5),
    };
    let derived = address::session(&summary.wallet, summary.session_id);
    let checks = [
        (
            summary.session == expected.session && derived == summary.session,
            "channelId",
        ),
        (summary.wallet == expected.wallet, "wallet"),
        (summary.session_id == expected.session_id, "sessionId"),
        (summary.deposit == expected.deposit, "depositAmount"),
        (summary.payer == expected.payer, "the rent payer"),
        (summary.payee == expected.payee, "the payee"),
        (summary.mint == expected.mint, "the mint"),
        (
            account(7) == address::token_account(&expected.payee, &expected.mint),
            "the payee token account",
        ),
    ];
    if let Some((_, field)) = checks.iter().find(|(ok, _)| !ok) {
        return Err(MethodError::invalid(
            "transaction",
            format!("{field} does not match the open request"),
        ));
    }
    Ok(summary)
}

/// Parses a decimal u64 field of an action.
pub fn amount(field: &'static str, text: &str) -> Result<u64, MethodError> {
    base_units(field, text)
}

/// The 50-byte voucher message for `channel` (what vouchers sign).
pub fn voucher_bytes(channel: &Pubkey, cumulative: u64, expires_at: i64) -> Vec<u8> {
    mpppal_settlement_program::messages::voucher_message(channel, cumulative, expires_at).to_vec()
}
