//! Program-derived addresses of MPPPal accounts.

use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::get_associated_token_address;
use mpppal_policy_program::constants::WALLET_SEED;
use mpppal_settlement_program::constants::{ESCROW_SEED, RECEIPT_SEED, SESSION_SEED};

/// The wallet PDA for a wallet key.
pub fn wallet(wallet_key: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[WALLET_SEED, wallet_key.as_ref()],
        &crate::POLICY_PROGRAM_ID,
    )
    .0
}

/// The wallet's USDC token account: the wallet PDA's associated token account.
pub fn vault(wallet: &Pubkey, mint: &Pubkey) -> Pubkey {
    get_associated_token_address(wallet, mint)
}

/// Associated token account of any owner.
pub fn token_account(owner: &Pubkey, mint: &Pubkey) -> Pubkey {
    get_associated_token_address(owner, mint)
}

/// The session PDA: also the payment channel id that vouchers sign.
pub fn session(wallet: &Pubkey, session_id: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[SESSION_SEED, wallet.as_ref(), &session_id.to_le_bytes()],
        &crate::SETTLEMENT_PROGRAM_ID,
    )
    .0
}

/// The token account holding a session's deposit.
pub fn escrow(session: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[ESCROW_SEED, session.as_ref()],
        &crate::SETTLEMENT_PROGRAM_ID,
    )
    .0
}

/// The record that marks a receipt settled, and its bump.
pub fn receipt_record(wallet: &Pubkey, challenge_hash: &[u8; 32]) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[RECEIPT_SEED, wallet.as_ref(), challenge_hash],
        &crate::SETTLEMENT_PROGRAM_ID,
    )
}
