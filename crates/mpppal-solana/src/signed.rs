//! Messages agents sign off chain: session vouchers and payment receipts, and the Ed25519
//! program instruction that lets the Settlement Program verify them.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
/// The fields of a deferred payment receipt, as the Settlement Program reads them.
pub use mpppal_settlement_program::messages::Receipt;
use mpppal_settlement_program::messages::{encode_category, voucher_message};
use sha2::{Digest, Sha256};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A message with its Ed25519 signature and signer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedMessage {
    pub signer: Pubkey,
    pub message: Vec<u8>,
    pub signature: [u8; 64],
}

impl SignedMessage {
    pub fn sign(keypair: &Keypair, message: Vec<u8>) -> Self {
        let signature = keypair.sign_message(&message);
        Self {
            signer: keypair.pubkey(),
            message,
            signature: signature.into(),
        }
    }
}

/// A cumulative voucher for the session at `channel`.
pub fn sign_voucher(
    agent: &Keypair,
    channel: &Pubkey,
    cumulative: u64,
    expires_at: i64,
) -> SignedMessage {
    SignedMessage::sign(
        agent,
        voucher_message(channel, cumulative, expires_at).to_vec(),
    )
}

/// Encodes a receipt's category (UTF-8, zero-padded, at most 32 bytes); `None` when it does not
/// fit. No category is all zeros.
pub fn category_field(category: Option<&str>) -> Option<[u8; 32]> {
    encode_category(category)
}

/// Signing a receipt with the agent's key.
pub trait SignReceipt {
    fn sign(&self, agent: &Keypair) -> SignedMessage;
}

impl SignReceipt for Receipt {
    fn sign(&self, agent: &Keypair) -> SignedMessage {
        SignedMessage::sign(agent, self.message().to_vec())
    }
}

/// SHA-256 of an MPP challenge id, as receipts and receipt records carry it.
pub fn challenge_hash(challenge_id: &str) -> [u8; 32] {
    Sha256::digest(challenge_id.as_bytes()).into()
}

/// One Ed25519 program instruction carrying every signature, each with its key and message
/// inside the instruction (the Settlement Program accepts no offsets into other instructions).
/// A key that signed several messages is written once: a batch of one agent's receipts saves
/// 32 bytes per receipt of a transaction's 1,232.
pub fn ed25519_instruction(signed: &[SignedMessage]) -> Instruction {
    const HEADER: usize = 2;
    const OFFSETS: usize = 14;
    let count = signed.len();
    let mut data = vec![0u8; HEADER + OFFSETS * count];
    data[0] = u8::try_from(count).expect("at most 255 signatures per instruction");
    let mut keys: Vec<(Pubkey, usize)> = Vec::new();
    for (i, s) in signed.iter().enumerate() {
        let key_offset = match keys.iter().find(|(k, _)| *k == s.signer) {
            Some((_, at)) => *at,
            None => {
                let at = data.len();
                data.extend_from_slice(s.signer.as_ref());
                keys.push((s.signer, at));
                at
            }
        };
        let sig_offset = data.len();
        data.extend_from_slice(&s.signature);
        let msg_offset = data.len();
        data.extend_from_slice(&s.message);
        let fields = [
            sig_offset,
            u16::MAX as usize,
            key_offset,
            u16::MAX as usize,
            msg_offset,
            s.message.len(),
            u16::MAX as usize,
        ];
        let at = HEADER + i * OFFSETS;
        for (n, value) in fields.iter().enumerate() {
            let value = u16::try_from(*value).expect("Ed25519 instruction under 64 KiB");
            data[at + 2 * n..at + 2 * n + 2].copy_from_slice(&value.to_le_bytes());
        }
    }
    Instruction {
        program_id: mpppal_settlement_program::ed25519::ED25519_PROGRAM_ID,
        accounts: vec![],
        data,
    }
}
