//! A payment channel between one agent wallet and one payee.

use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum SessionStatus {
    Open,
    /// The payee closed it with a voucher.
    Closed,
    /// Nobody closed it in time and the escrow went back to the wallet.
    Expired,
}

/// Seeds: `[SESSION_SEED, wallet, session_id (u64 LE)]`. The account stays after close so its
/// address (the voucher's channel id) can never be reopened and old vouchers replayed.
#[account]
#[derive(Debug, InitSpace)]
pub struct Session {
    pub wallet: Pubkey,
    pub session_id: u64,
    /// Key whose vouchers count, fixed at open (the wallet's agent then); never from a payload.
    pub signer: Pubkey,
    /// The provider: signs the close and owns `payee_token_account`.
    pub payee: Pubkey,
    pub payee_token_account: Pubkey,
    pub mint: Pubkey,
    /// Token account holding the deposit, owned by this session PDA.
    pub escrow: Pubkey,
    /// Who paid the escrow account's rent, and gets it back at close.
    pub rent_payer: Pubkey,
    /// Base units locked so far (open plus top-ups).
    pub deposit: u64,
    /// Base units paid to the payee at close.
    pub paid: u64,
    pub opened_at: i64,
    pub expires_at: i64,
    pub closed_at: i64,
    pub status: SessionStatus,
    pub bump: u8,
    pub escrow_bump: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ReceiptRecord;

    // Account sizes are part of the program's interface (clients budget rent for them).
    #[test]
    fn account_sizes_are_stable() {
        assert_eq!(8 + Session::INIT_SPACE, 283);
        assert_eq!(8 + ReceiptRecord::INIT_SPACE, 128);
    }
}
