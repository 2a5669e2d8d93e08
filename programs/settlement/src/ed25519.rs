//! Reads the Ed25519 signatures the runtime verified in this transaction.
//!
//! Solana's Ed25519 program fails the whole transaction if any signature it carries is invalid,
//! so a signature found in one of its instructions is a verified one. We only accept entries
//! whose key, signature and message all sit inside that same instruction: offsets that point into
//! other instructions could be made to describe bytes the runtime never checked together.

use anchor_lang::prelude::*;
use solana_instructions_sysvar::load_instruction_at_checked;

use crate::errors::SettlementError;

/// The Ed25519 signature-verification program.
pub const ED25519_PROGRAM_ID: Pubkey = pubkey!("Ed25519SigVerify111111111111111111111111111");

const HEADER_LEN: usize = 2;
const OFFSETS_LEN: usize = 14;
const PUBKEY_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;
/// An instruction index of u16::MAX means "this instruction".
const THIS_INSTRUCTION: u16 = u16::MAX;

/// One verified (signer, message) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedMessage {
    pub signer: Pubkey,
    pub message: Vec<u8>,
}

/// Every (signer, message) pair verified by Ed25519 instructions of the current transaction.
pub fn verified_messages(instructions_sysvar: &AccountInfo<'_>) -> Result<Vec<VerifiedMessage>> {
    let mut found = Vec::new();
    let mut index = 0usize;
    while let Ok(ix) = load_instruction_at_checked(index, instructions_sysvar) {
        if ix.program_id == ED25519_PROGRAM_ID {
            parse_instruction(&ix.data, index as u16, &mut found)?;
        }
        index += 1;
    }
    Ok(found)
}

/// True when `signer` signed exactly `message` in this transaction.
pub fn is_signed(verified: &[VerifiedMessage], signer: &Pubkey, message: &[u8]) -> bool {
    verified
        .iter()
        .any(|v| v.signer == *signer && v.message == message)
}

fn parse_instruction(data: &[u8], own_index: u16, out: &mut Vec<VerifiedMessage>) -> Result<()> {
    let count = *data
        .first()
        .ok_or(SettlementError::MalformedEd25519Instruction)? as usize;
    for i in 0..count {
        let at = HEADER_LEN + i * OFFSETS_LEN;
        let offsets = data
            .get(at..at + OFFSETS_LEN)
            .ok_or(SettlementError::MalformedEd25519Instruction)?;
        let field = |n: usize| u16::from_le_bytes([offsets[2 * n], offsets[2 * n + 1]]);
        let (sig_off, sig_ix, key_off, key_ix, msg_off, msg_len, msg_ix) = (
            field(0) as usize,
            field(1),
            field(2) as usize,
            field(3),
            field(4) as usize,
            field(5) as usize,
            field(6),
        );
        let local = |ix: u16| ix == THIS_INSTRUCTION || ix == own_index;
        if !(local(sig_ix) && local(key_ix) && local(msg_ix)) {
            continue;
        }
        let in_bounds = data.get(sig_off..sig_off + SIGNATURE_LEN).is_some();
        let key = data.get(key_off..key_off + PUBKEY_LEN);
        let message = data.get(msg_off..msg_off + msg_len);
        if let (true, Some(key), Some(message)) = (in_bounds, key, message) {
            out.push(VerifiedMessage {
                signer: Pubkey::try_from(key)
                    .map_err(|_| SettlementError::MalformedEd25519Instruction)?,
                message: message.to_vec(),
            });
        }
    }
    Ok(())
}
