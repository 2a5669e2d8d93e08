//! Byte layouts of the messages agents sign off chain and this program verifies on chain.
//! Off-chain signers build them with these same functions.

use anchor_lang::prelude::Pubkey;

/// Length of a session voucher message.
pub const VOUCHER_LEN: usize = 50;
/// Length of a payment receipt message.
pub const RECEIPT_LEN: usize = 178;
/// Bytes of the category field in a receipt (the policy's longest category name).
pub const CATEGORY_LEN: usize = 32;

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

/// An MPPPal deferred payment receipt (an extension of the `solana` charge method): the fields
/// an agent signs, laid out by [`Receipt::message`] and read back by [`parse_receipt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub wallet: Pubkey,
    pub recipient: Pubkey,
    pub mint: Pubkey,
    pub amount: u64,
    pub expires_at: i64,
    pub challenge_hash: [u8; 32],
    pub category: [u8; CATEGORY_LEN],
}

impl Receipt {
    /// `0x52 0x01 ‖ wallet PDA (32) ‖ recipient owner (32) ‖ mint (32) ‖ amount (u64 LE) ‖
    /// expires at (i64 LE) ‖ SHA-256 of the challenge id (32) ‖ category (32, see
    /// [`encode_category`])`. Binding the challenge makes the receipt single-use per challenge
    /// and useless elsewhere; the category lets wallets whose policy lists categories pay by
    /// receipt.
    pub fn message(&self) -> [u8; RECEIPT_LEN] {
        let mut m = [0u8; RECEIPT_LEN];
        m[0] = 0x52;
        m[1] = 0x01;
        m[2..34].copy_from_slice(self.wallet.as_ref());
        m[34..66].copy_from_slice(self.recipient.as_ref());
        m[66..98].copy_from_slice(self.mint.as_ref());
        m[98..106].copy_from_slice(&self.amount.to_le_bytes());
        m[106..114].copy_from_slice(&self.expires_at.to_le_bytes());
        m[114..146].copy_from_slice(&self.challenge_hash);
        m[146..178].copy_from_slice(&self.category);
        m
    }
}

/// Reads a receipt message back; `None` for anything that is not one (a voucher, say).
pub fn parse_receipt(message: &[u8]) -> Option<Receipt> {
    if message.len() != RECEIPT_LEN || message[..2] != [0x52, 0x01] {
        return None;
    }
    let key = |at: usize| Pubkey::try_from(&message[at..at + 32]).ok();
    let bytes32 = |at: usize| <[u8; 32]>::try_from(&message[at..at + 32]).ok();
    let eight = |at: usize| <[u8; 8]>::try_from(&message[at..at + 8]).ok();
    Some(Receipt {
        wallet: key(2)?,
        recipient: key(34)?,
        mint: key(66)?,
        amount: u64::from_le_bytes(eight(98)?),
        expires_at: i64::from_le_bytes(eight(106)?),
        challenge_hash: bytes32(114)?,
        category: bytes32(146)?,
    })
}

/// A category name as a receipt carries it: UTF-8 padded with zero bytes; no category is all
/// zeros. `None` when the name is longer than 32 bytes or contains a zero byte.
pub fn encode_category(category: Option<&str>) -> Option<[u8; CATEGORY_LEN]> {
    let mut out = [0u8; CATEGORY_LEN];
    if let Some(name) = category {
        let bytes = name.as_bytes();
        if bytes.len() > CATEGORY_LEN || bytes.contains(&0) {
            return None;
        }
        out[..bytes.len()].copy_from_slice(bytes);
    }
    Some(out)
}

/// A receipt's category field that is not zero-padded UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidCategory;

/// The category a receipt names.
pub fn decode_category(field: &[u8; CATEGORY_LEN]) -> Result<Option<&str>, InvalidCategory> {
    let end = field.iter().position(|b| *b == 0).unwrap_or(CATEGORY_LEN);
    // Bytes after the padding started would make two encodings of one name.
    if field[end..].iter().any(|b| *b != 0) {
        return Err(InvalidCategory);
    }
    match end {
        0 => Ok(None),
        _ => core::str::from_utf8(&field[..end])
            .map(Some)
            .map_err(|_| InvalidCategory),
    }
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
    fn a_receipt_reads_back_and_nothing_else_does() {
        let fields = Receipt {
            wallet: Pubkey::new_from_array([1; 32]),
            recipient: Pubkey::new_from_array([2; 32]),
            mint: Pubkey::new_from_array([3; 32]),
            amount: 7,
            expires_at: -8,
            challenge_hash: [4; 32],
            category: encode_category(Some("data")).unwrap(),
        };
        let m = fields.message();
        assert_eq!(parse_receipt(&m), Some(fields));
        assert_eq!(parse_receipt(&m[..177]), None);
        let voucher = voucher_message(&fields.wallet, 1, 0);
        assert_eq!(parse_receipt(&voucher), None);
        let mut other = m;
        other[1] = 0x02;
        assert_eq!(parse_receipt(&other), None);
    }

    #[test]
    fn receipt_fields_land_at_fixed_offsets() {
        let m = Receipt {
            wallet: Pubkey::new_from_array([1; 32]),
            recipient: Pubkey::new_from_array([2; 32]),
            mint: Pubkey::new_from_array([3; 32]),
            amount: 5,
            expires_at: 6,
            challenge_hash: [4; 32],
            category: encode_category(Some("data")).unwrap(),
        }
        .message();
        assert_eq!(&m[..2], &[0x52, 0x01]);
        assert_eq!(m[2], 1);
        assert_eq!(m[34], 2);
        assert_eq!(m[66], 3);
        assert_eq!(m[98], 5);
        assert_eq!(m[106], 6);
        assert_eq!(&m[114..146], &[4; 32]);
        assert_eq!(&m[146..150], b"data");
        assert_eq!(&m[150..], &[0; 28]);
    }

    #[test]
    fn categories_round_trip_and_bad_fields_are_refused() {
        let field = encode_category(Some("compute")).unwrap();
        assert_eq!(decode_category(&field), Ok(Some("compute")));
        assert_eq!(decode_category(&[0; 32]), Ok(None));
        assert_eq!(encode_category(Some(&"x".repeat(33))), None);
        let mut gap = [0u8; 32];
        gap[0] = b'a';
        gap[2] = b'b';
        assert!(decode_category(&gap).is_err());
        let mut invalid = [0u8; 32];
        invalid[0] = 0xc3;
        assert!(decode_category(&invalid).is_err());
    }
}
