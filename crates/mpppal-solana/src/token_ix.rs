//! SPL Token instructions the local chain, demo and tests need (mint setup and funding).

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent;
use anchor_spl::token::spl_token;

/// Creates `owner`'s associated token account for `mint` if it does not exist yet.
pub fn create_token_account(payer: &Pubkey, owner: &Pubkey, mint: &Pubkey) -> Instruction {
    create_associated_token_account_idempotent(payer, owner, mint, &spl_token::ID)
}

/// Space of an SPL mint account.
pub const MINT_LEN: u64 = 82;

/// Creates and initialises a mint at `mint` (which must sign) with `decimals`.
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    rent: u64,
) -> [Instruction; 2] {
    [
        anchor_lang::solana_program::system_instruction::create_account(
            payer,
            mint,
            rent,
            MINT_LEN,
            &spl_token::ID,
        ),
        spl_token::instruction::initialize_mint2(&spl_token::ID, mint, authority, None, decimals)
            .expect("valid mint instruction"),
    ]
}

/// Mints `amount` base units to `destination`.
pub fn mint_to(
    mint: &Pubkey,
    destination: &Pubkey,
    authority: &Pubkey,
    amount: u64,
) -> Instruction {
    spl_token::instruction::mint_to(&spl_token::ID, mint, destination, authority, &[], amount)
        .expect("valid mint_to instruction")
}
