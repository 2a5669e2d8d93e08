//! Session vouchers as they travel in credentials, and their off-chain verification.

use anchor_lang::prelude::Pubkey;
use ed25519_dalek::{Signature, VerifyingKey};
use mpppal_settlement_program::messages::voucher_message;
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::str::FromStr;

use super::charge::base_units;
use super::payload::signature_bytes;
use super::MethodError;

/// The voucher fields; the signed bytes are built from these by [`voucher_message`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoucherData {
    pub channel_id: String,
    /// Cumulative base units authorised so far, as a decimal string.
    pub cumulative_amount: String,
    /// Unix seconds; absent or 0 means no expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedVoucher {
    pub voucher: VoucherData,
    pub signer: String,
    pub signature: String,
    pub signature_type: String,
}

/// A voucher's fields as its payload claims them, read and checked for form; its signature is
/// not checked yet ([`VoucherClaim::check_signature`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoucherClaim {
    pub channel: Pubkey,
    pub cumulative: u64,
    /// 0 = no expiry.
    pub expires_at: i64,
    pub signature: [u8; 64],
}

/// A voucher whose signature verified against the channel's signer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedVoucher(VoucherClaim);

impl std::ops::Deref for VerifiedVoucher {
    type Target = VoucherClaim;

    fn deref(&self) -> &VoucherClaim {
        &self.0
    }
}

impl SignedVoucher {
    /// Signs a cumulative voucher for `channel`.
    pub fn sign(signer: &Keypair, channel: &Pubkey, cumulative: u64, expires_at: i64) -> Self {
        let message = voucher_message(channel, cumulative, expires_at);
        let signature = signer.sign_message(&message);
        Self {
            voucher: VoucherData {
                channel_id: channel.to_string(),
                cumulative_amount: cumulative.to_string(),
                expires_at: (expires_at != 0).then_some(expires_at),
            },
            signer: signer.pubkey().to_string(),
            // `Signature`'s base58 is a fixed-size encoder, several times faster than `bs58`
            // on 64 bytes; a voucher is signed per paid request.
            signature: signature.to_string(),
            signature_type: "ed25519".into(),
        }
    }

    /// Verifies the voucher against `channel_signer`, which the caller read from the channel's
    /// on-chain state: the payload's own `signer` field is only compared, never trusted.
    pub fn verify(&self, channel_signer: &Pubkey) -> Result<VerifiedVoucher, MethodError> {
        self.claims(channel_signer)?.check_signature(channel_signer)
    }

    /// The voucher's fields, checked for form and for naming `channel_signer`, with its
    /// signature not yet checked: what a paywall that serves before verifying (ADR 0019) decides
    /// on. [`VoucherClaim::check_signature`] completes [`SignedVoucher::verify`].
    pub fn claims(&self, channel_signer: &Pubkey) -> Result<VoucherClaim, MethodError> {
        if self.signature_type != "ed25519" {
            return Err(MethodError::invalid("signatureType", "must be \"ed25519\""));
        }
        let signer = Pubkey::from_str(&self.signer)
            .map_err(|_| MethodError::invalid("signer", "not a base58 public key"))?;
        if &signer != channel_signer {
            return Err(MethodError::invalid(
                "signer",
                "is not the channel's signer",
            ));
        }
        let channel = Pubkey::from_str(&self.voucher.channel_id)
            .map_err(|_| MethodError::invalid("voucher.channelId", "not a base58 public key"))?;
        let cumulative = base_units("voucher.cumulativeAmount", &self.voucher.cumulative_amount)?;
        Ok(VoucherClaim {
            channel,
            cumulative,
            expires_at: self.voucher.expires_at.unwrap_or(0),
            signature: signature_bytes("signature", &self.signature)?,
        })
    }
}

/// `signer` as an Ed25519 verification key. Decompressing the point costs about as much as a
/// field inversion, so a verifier that checks many vouchers of one signer keeps the key.
pub fn verifying_key(signer: &Pubkey) -> Result<VerifyingKey, MethodError> {
    VerifyingKey::from_bytes(&signer.to_bytes())
        .map_err(|_| MethodError::invalid("signer", "not an Ed25519 point"))
}

impl VoucherClaim {
    /// Checks the signature over these fields against `signer`.
    pub fn check_signature(self, signer: &Pubkey) -> Result<VerifiedVoucher, MethodError> {
        self.check_signature_with(&verifying_key(signer)?)
    }

    /// As [`VoucherClaim::check_signature`], with the signer's key already decoded
    /// ([`verifying_key`]).
    pub fn check_signature_with(self, key: &VerifyingKey) -> Result<VerifiedVoucher, MethodError> {
        // Strict verification refuses malleable signatures and small-order keys, so one voucher
        // has exactly one accepted encoding.
        key.verify_strict(
            &voucher_message(&self.channel, self.cumulative, self.expires_at),
            &Signature::from_bytes(&self.signature),
        )
        .map_err(|_| MethodError::BadSignature)?;
        Ok(VerifiedVoucher(self))
    }
}
