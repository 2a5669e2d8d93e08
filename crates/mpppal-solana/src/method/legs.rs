//! Finding the token transfers a charge asks for in a transaction, outer or inner.
//!
//! A charge is paid by `transferChecked` instructions into the recipients' associated token
//! accounts. Plain wallets make them directly; an MPPPal wallet makes them inside a Policy
//! Program CPI, so inner instructions count the same as outer ones. Each expected leg must be
//! matched by its own instruction.

use anchor_lang::prelude::Pubkey;
use anchor_spl::token::spl_token;

use super::charge::ValidCharge;
use super::MethodError;
use crate::address;

/// SPL Token's `TransferChecked` instruction tag.
const TRANSFER_CHECKED: u8 = 12;

/// One instruction with its accounts resolved to addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutedInstruction {
    pub program_id: Pubkey,
    pub accounts: Vec<Pubkey>,
    pub data: Vec<u8>,
}

/// A transfer the charge requires: `amount` of `mint` into `destination`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub destination: Pubkey,
    pub amount: u64,
}

/// The legs a charge requires: the splits, and the primary recipient's remainder.
pub fn expected_legs(charge: &ValidCharge) -> Result<Vec<Leg>, MethodError> {
    let mint = charge.mint.ok_or_else(|| {
        MethodError::invalid("currency", "native SOL charges are not supported yet")
    })?;
    let split_total: u64 = charge.splits.iter().map(|(_, a)| a).sum();
    let mut legs = vec![Leg {
        destination: address::token_account(&charge.recipient, &mint),
        amount: charge.amount - split_total,
    }];
    legs.extend(charge.splits.iter().map(|(recipient, amount)| Leg {
        destination: address::token_account(recipient, &mint),
        amount: *amount,
    }));
    Ok(legs)
}

/// Checks that every leg is paid by a distinct `transferChecked` of `mint` with `decimals`.
pub fn check_legs(
    instructions: &[ExecutedInstruction],
    legs: &[Leg],
    mint: &Pubkey,
    decimals: u8,
) -> Result<(), MethodError> {
    let mut used = vec![false; instructions.len()];
    for leg in legs {
        let found = instructions.iter().enumerate().position(|(i, ix)| {
            !used[i] && is_transfer_checked(ix, mint, decimals, &leg.destination, leg.amount)
        });
        match found {
            Some(i) => used[i] = true,
            None => {
                return Err(MethodError::invalid(
                    "transaction",
                    format!(
                        "no transferChecked of {} base units into {}",
                        leg.amount, leg.destination
                    ),
                ))
            }
        }
    }
    Ok(())
}

fn is_transfer_checked(
    ix: &ExecutedInstruction,
    mint: &Pubkey,
    decimals: u8,
    destination: &Pubkey,
    amount: u64,
) -> bool {
    if ix.program_id != spl_token::ID || ix.data.len() != 10 || ix.data[0] != TRANSFER_CHECKED {
        return false;
    }
    let paid = u64::from_le_bytes(ix.data[1..9].try_into().expect("8 bytes"));
    // Accounts: source, mint, destination, authority.
    ix.accounts.get(1) == Some(mint)
        && ix.accounts.get(2) == Some(destination)
        && ix.data[9] == decimals
        && paid == amount
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::Network;

    fn transfer(
        mint: Pubkey,
        destination: Pubkey,
        amount: u64,
        decimals: u8,
    ) -> ExecutedInstruction {
        let mut data = vec![TRANSFER_CHECKED];
        data.extend_from_slice(&amount.to_le_bytes());
        data.push(decimals);
        ExecutedInstruction {
            program_id: spl_token::ID,
            accounts: vec![
                Pubkey::new_unique(),
                mint,
                destination,
                Pubkey::new_unique(),
            ],
            data,
        }
    }

    fn charge(mint: Pubkey, recipient: Pubkey, splits: Vec<(Pubkey, u64)>) -> ValidCharge {
        ValidCharge {
            amount: 1_050_000,
            mint: Some(mint),
            recipient,
            fee_payer: None,
            splits,
            network: Network::Localnet,
        }
    }

    #[test]
    fn matches_each_leg_to_its_own_transfer() {
        let (mint, seller, platform) = (
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            Pubkey::new_unique(),
        );
        let c = charge(mint, seller, vec![(platform, 50_000)]);
        let legs = expected_legs(&c).unwrap();
        assert_eq!(legs[0].amount, 1_000_000);
        let seller_ata = address::token_account(&seller, &mint);
        let platform_ata = address::token_account(&platform, &mint);
        let good = [
            transfer(mint, platform_ata, 50_000, 6),
            transfer(mint, seller_ata, 1_000_000, 6),
        ];
        assert!(check_legs(&good, &legs, &mint, 6).is_ok());
        // Wrong amount, mint, decimals or destination: refused.
        for bad in [
            transfer(mint, seller_ata, 999_999, 6),
            transfer(Pubkey::new_unique(), seller_ata, 1_000_000, 6),
            transfer(mint, seller_ata, 1_000_000, 9),
            transfer(mint, Pubkey::new_unique(), 1_000_000, 6),
        ] {
            assert!(check_legs(&[good[0].clone(), bad], &legs, &mint, 6).is_err());
        }
        // One transfer cannot pay two equal legs.
        let twin = charge(mint, seller, vec![(seller, 525_000)]);
        let twin_legs = expected_legs(&ValidCharge {
            amount: 1_050_000,
            ..twin
        })
        .unwrap();
        assert!(check_legs(
            &[transfer(mint, seller_ata, 525_000, 6)],
            &twin_legs,
            &mint,
            6
        )
        .is_err());
    }
}
