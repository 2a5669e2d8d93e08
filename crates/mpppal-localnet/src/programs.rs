//! Registers the MPPPal programs with the runtime.

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use solana_program_test::{processor, ProgramTest};

type AnchorEntry =
    for<'info> fn(&'info Pubkey, &'info [AccountInfo<'info>], &'info [u8]) -> ProgramResult;

/// Calls an Anchor `entry`, which wants one lifetime for all three arguments, from the runtime's
/// native entry, which gives each its own.
#[allow(unsafe_code)]
fn call_anchor<'a, 'b, 'c, 'd>(
    entry: AnchorEntry,
    program_id: &'a Pubkey,
    accounts: &'b [AccountInfo<'c>],
    data: &'d [u8],
) -> ProgramResult {
    // SAFETY: the runtime keeps all three borrows alive for the whole call, and the entry
    // returns nothing borrowed from them, so shortening or lengthening the lifetimes to a common
    // one never lets a reference outlive its data.
    unsafe {
        entry(
            std::mem::transmute::<&'a Pubkey, &'c Pubkey>(program_id),
            std::mem::transmute::<&'b [AccountInfo<'c>], &'c [AccountInfo<'c>]>(accounts),
            std::mem::transmute::<&'d [u8], &'c [u8]>(data),
        )
    }
}

fn policy_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    call_anchor(mpppal_policy_program::entry, program_id, accounts, data)
}

fn settlement_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    call_anchor(mpppal_settlement_program::entry, program_id, accounts, data)
}

/// A runtime with both MPPPal programs (SPL Token and Associated Token come with it).
pub fn program_test() -> ProgramTest {
    let mut test = ProgramTest::default();
    test.add_program(
        "mpppal_policy_program",
        mpppal_policy_program::ID,
        processor!(policy_entry),
    );
    test.add_program(
        "mpppal_settlement_program",
        mpppal_settlement_program::ID,
        processor!(settlement_entry),
    );
    test
}
