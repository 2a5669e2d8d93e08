//! Credential payloads of the `solana` charge intent.

use anchor_lang::prelude::Pubkey;
use serde::{Deserialize, Serialize};
use solana_signature::ParseSignatureError;
use std::str::FromStr;

use super::MethodError;

/// Largest serialized transaction Solana accepts, in bytes.
pub const MAX_TRANSACTION_BYTES: usize = 1232;

/// What a client pays a charge with; `type` selects the variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ChargePayload {
    /// Pull mode: a signed transaction the server co-signs (if fee payer), sends and confirms.
    Transaction {
        /// Standard base64 of the serialized transaction.
        transaction: String,
    },
    /// Push mode: the client already sent the transaction; this is its signature.
    Signature { signature: String },
    /// MPPPal deferred receipt, accepted only where the challenge offered it.
    Receipt(ReceiptPayload),
}

/// An agent-signed promise to pay, settled later by the Settlement Program's `settle_batch`.
/// The amount, recipient, mint and challenge come from the challenge, never from here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptPayload {
    /// The paying wallet PDA (base58).
    pub wallet: String,
    /// Unix seconds after which the receipt can no longer settle.
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Base58 Ed25519 signature by the wallet's agent key over the receipt message.
    pub signature: String,
}

/// A base58 Ed25519 signature.
pub fn signature_bytes(field: &'static str, text: &str) -> Result<[u8; 64], MethodError> {
    match solana_signature::Signature::from_str(text) {
        Ok(signature) => Ok(signature.into()),
        Err(ParseSignatureError::WrongSize) => Err(MethodError::invalid(field, "not 64 bytes")),
        Err(ParseSignatureError::Invalid) => Err(MethodError::invalid(field, "not base58")),
    }
}

impl ReceiptPayload {
    pub fn wallet(&self) -> Result<Pubkey, MethodError> {
        Pubkey::from_str(&self.wallet)
            .map_err(|_| MethodError::invalid("wallet", "not a base58 public key"))
    }

    pub fn signature(&self) -> Result<[u8; 64], MethodError> {
        signature_bytes("signature", &self.signature)
    }
}

impl ChargePayload {
    /// The decoded transaction bytes of a pull-mode payload, checked for size.
    pub fn transaction_bytes(&self) -> Result<Option<Vec<u8>>, MethodError> {
        use base64::Engine;
        let Self::Transaction { transaction } = self else {
            return Ok(None);
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(transaction)
            .map_err(|_| MethodError::invalid("transaction", "not standard base64"))?;
        if bytes.len() > MAX_TRANSACTION_BYTES {
            return Err(MethodError::invalid(
                "transaction",
                "larger than 1232 bytes",
            ));
        }
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_64_bytes_of_base58() {
        let bytes: [u8; 64] = std::array::from_fn(|i| 255 - i as u8);
        let text = solana_signature::Signature::from(bytes).to_string();
        assert_eq!(signature_bytes("signature", &text).unwrap(), bytes);
        // Leading zero bytes are leading '1's, and round-trip too.
        let zeros = [0u8; 64];
        let ones = solana_signature::Signature::from(zeros).to_string();
        assert_eq!(ones, "1".repeat(64));
        assert_eq!(signature_bytes("signature", &ones).unwrap(), zeros);

        let refused = |text: &str| signature_bytes("signature", text).unwrap_err().to_string();
        assert!(refused(&text[..40]).contains("not 64 bytes"));
        assert!(refused(&format!("{text}1")).contains("not 64 bytes"));
        assert!(refused(&"z".repeat(120)).contains("not 64 bytes"));
        let mut bad = text.clone();
        bad.replace_range(0..1, "0");
        assert!(refused(&bad).contains("not base58"));
        assert!(refused("").contains("not 64 bytes"));
    }
}
