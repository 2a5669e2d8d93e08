//! Seeds and the addresses this program trusts.

use anchor_lang::prelude::*;

/// Seed prefix of a wallet PDA: `[WALLET_SEED, wallet_key]`.
pub const WALLET_SEED: &[u8] = b"wallet";

/// The Settlement Program, the only program allowed to call `debit` and `record_refund`.
pub const SETTLEMENT_PROGRAM_ID: Pubkey = pubkey!("ECpwR9Daksw8p2YWj3jEsqbZ7HB59Rv9cnJEjZg89Tqh");

/// Seed of the Settlement Program's signing PDA.
pub const SETTLEMENT_AUTHORITY_SEED: &[u8] = b"settlement-authority";

/// `find_program_address([SETTLEMENT_AUTHORITY_SEED], SETTLEMENT_PROGRAM_ID)`, fixed here so the
/// check costs a comparison instead of a PDA search; a unit test keeps it in step.
pub const SETTLEMENT_AUTHORITY: Pubkey = pubkey!("BnEJoBRGWXSbngjz9KmJJcTfsLSLgGsUBc4xcskroPpY");
/// The bump that derives [`SETTLEMENT_AUTHORITY`].
pub const SETTLEMENT_AUTHORITY_BUMP: u8 = 251;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settlement_authority_matches_its_seeds() {
        let (derived, bump) =
            Pubkey::find_program_address(&[SETTLEMENT_AUTHORITY_SEED], &SETTLEMENT_PROGRAM_ID);
        assert_eq!(
            derived, SETTLEMENT_AUTHORITY,
            "update SETTLEMENT_AUTHORITY to {derived}"
        );
        assert_eq!(bump, SETTLEMENT_AUTHORITY_BUMP);
    }
}
