//! Byte layouts of the messages agents sign off chain and this program verifies on chain.
//! Off-chain signers build them with these same functions.

use anchor_lang::prelude::Pubkey;

/// Length of a session voucher message.
pub const VOUCHER_LEN: usize = 50;
/// Length of a payment receipt message.
pub const RECEIPT_LEN: usize = 146;

/// Session voucher in the MPP `solana` session draft layout, so standard clients can sign it:
/// `0x56 0x01 ‖ channel id (32) ‖ cumulative amount (u64 LE) ‖ expires at (i64 LE, 0 = none)`.
/// The channel id is the session PDA.
pub fn voucher_message(channel: &Pubkey, cumulative: u64, expires_at: i64) -> [u8; VOUCHER_LEN] {
    let mut m = [0u8; VOUCHER_LEN];
    m[0] = 0x56;
    m[1] = 0x01;
    m[2..34].copy_from_slice(channel.as_ref());
    m[34..42].copy_from_slice(&cumulative.to_le_bytes());
    m[42..50].copy_from_slice(&expires_at.to_le_bytes());
    m
}

/// MPPPal deferred payment receipt (an extension of the `solana` charge method):
/// `0x52 0x01 ‖ wallet PDA (32) ‖ recipient owner (32) ‖ mint (32) ‖ amount (u64 LE) ‖
/// expires at (i64 LE) ‖ SHA-256 of the challenge id (32)`.
/// Binding the challenge makes the receipt single-use per challenge and useless elsewhere.
pub fn receipt_message(
    wallet: &Pubkey,
    recipient: &Pubkey,
    mint: &Pubkey,
    amount: u64,
    expires_at: i64,
    challenge_hash: &[u8; 32],
) -> [u8; RECEIPT_LEN] {
    let mut m = [0u8; RECEIPT_LEN];
    m[0] = 0x52;
    m[1] = 0x01;
    m[2..34].copy_from_slice(wallet.as_ref());
    m[34..66].copy_from_slice(recipient.as_ref());
    m[66..98].copy_from_slice(mint.as_ref());
    m[98..106].copy_from_slice(&amount.to_le_bytes());
    m[106..114].copy_from_slice(&expires_at.to_le_bytes());
    m[114..146].copy_from_slice(challenge_hash);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voucher_layout_matches_the_session_draft() {
        let channel = Pubkey::new_from_array([9; 32]);
        let m = voucher_message(&channel, 0x0102, -1);
        assert_eq!(&m[..2], &[0x56, 0x01]);
        assert_eq!(&m[2..34], &[9; 32]);
        assert_eq!(&m[34..42], &[0x02, 0x01, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&m[42..50], &[0xff; 8]);
    }

    #[test]
    fn receipt_fields_land_at_fixed_offsets() {
        let m = receipt_message(
            &Pubkey::new_from_array([1; 32]),
            &Pubkey::new_from_array([2; 32]),
            &Pubkey::new_from_array([3; 32]),
            5,
            6,
            &[4; 32],
        );
        assert_eq!(&m[..2], &[0x52, 0x01]);
        assert_eq!(m[2], 1);
        assert_eq!(m[34], 2);
        assert_eq!(m[66], 3);
        assert_eq!(m[98], 5);
        assert_eq!(m[106], 6);
        assert_eq!(&m[114..], &[4; 32]);
    }
}
