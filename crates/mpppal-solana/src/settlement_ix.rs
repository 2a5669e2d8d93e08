//! Instructions of the Settlement Program.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use mpppal_settlement_program::constants::SETTLEMENT_AUTHORITY;
use mpppal_settlement_program::{
    accounts, instruction, CloseSessionArgs, ExpireSessionArgs, OpenSessionArgs, TopUpArgs,
    TransferArgs,
};

use crate::address;
use crate::policy_ix::PaymentAccounts;

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: crate::SETTLEMENT_PROGRAM_ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// A direct wallet-to-wallet payment through the Settlement Program.
pub fn transfer(payment: &PaymentAccounts, args: TransferArgs) -> Instruction {
    ix(
        accounts::SettleTransfer {
            agent: payment.agent,
            owner_cosigner: payment.owner_cosigner,
            wallet: payment.wallet,
            vault: address::vault(&payment.wallet, &payment.mint),
            mint: payment.mint,
            destination: payment.destination,
            settlement_authority: SETTLEMENT_AUTHORITY,
            policy_program: crate::POLICY_PROGRAM_ID,
            token_program: anchor_spl::token::ID,
        },
        instruction::Transfer { args },
    )
}

/// Where a session lives and who is in it.
#[derive(Clone, Copy, Debug)]
pub struct SessionAccounts {
    pub wallet: Pubkey,
    pub mint: Pubkey,
    pub session_id: u64,
    pub payee: Pubkey,
    /// Who paid the accounts' rent and gets it back at close.
    pub rent_payer: Pubkey,
}

impl SessionAccounts {
    pub fn session(&self) -> Pubkey {
        address::session(&self.wallet, self.session_id)
    }

    pub fn escrow(&self) -> Pubkey {
        address::escrow(&self.session())
    }

    pub fn payee_token_account(&self) -> Pubkey {
        address::token_account(&self.payee, &self.mint)
    }
}

/// Opens a session; `s.rent_payer` signs and pays the accounts' rent.
pub fn open_session(
    s: &SessionAccounts,
    agent: &Pubkey,
    owner_cosigner: Option<Pubkey>,
    args: OpenSessionArgs,
) -> Instruction {
    debug_assert_eq!(args.session_id, s.session_id);
    ix(
        accounts::OpenSession {
            payer: s.rent_payer,
            agent: *agent,
            owner_cosigner,
            wallet: s.wallet,
            vault: address::vault(&s.wallet, &s.mint),
            mint: s.mint,
            payee: s.payee,
            payee_token_account: s.payee_token_account(),
            session: s.session(),
            escrow: s.escrow(),
            settlement_authority: SETTLEMENT_AUTHORITY,
            policy_program: crate::POLICY_PROGRAM_ID,
            token_program: anchor_spl::token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        instruction::OpenSession { args },
    )
}

pub fn top_up_session(
    s: &SessionAccounts,
    agent: &Pubkey,
    owner_cosigner: Option<Pubkey>,
    args: TopUpArgs,
) -> Instruction {
    ix(
        accounts::TopUpSession {
            agent: *agent,
            owner_cosigner,
            wallet: s.wallet,
            vault: address::vault(&s.wallet, &s.mint),
            mint: s.mint,
            session: s.session(),
            escrow: s.escrow(),
            settlement_authority: SETTLEMENT_AUTHORITY,
            policy_program: crate::POLICY_PROGRAM_ID,
            token_program: anchor_spl::token::ID,
        },
        instruction::TopUpSession { args },
    )
}

/// The payee closes with its best voucher; put the voucher's Ed25519 instruction
/// ([`crate::signed::ed25519_instruction`]) in the same transaction.
pub fn close_session(s: &SessionAccounts, args: CloseSessionArgs) -> Instruction {
    ix(
        accounts::CloseSession {
            payee: s.payee,
            session: s.session(),
            escrow: s.escrow(),
            payee_token_account: s.payee_token_account(),
            wallet: s.wallet,
            vault: address::vault(&s.wallet, &s.mint),
            mint: s.mint,
            rent_payer: s.rent_payer,
            instructions: solana_instructions_sysvar_id(),
            settlement_authority: SETTLEMENT_AUTHORITY,
            policy_program: crate::POLICY_PROGRAM_ID,
            token_program: anchor_spl::token::ID,
        },
        instruction::CloseSession { args },
    )
}

/// Anyone ends a session the payee did not close in time: with a voucher (`args.cumulative` >
/// 0; put its Ed25519 instruction in the same transaction) the payee gets it and the wallet the
/// rest, without one the wallet gets the whole escrow.
pub fn expire_session(s: &SessionAccounts, args: ExpireSessionArgs) -> Instruction {
    ix(
        accounts::ExpireSession {
            session: s.session(),
            escrow: s.escrow(),
            payee_token_account: s.payee_token_account(),
            wallet: s.wallet,
            vault: address::vault(&s.wallet, &s.mint),
            mint: s.mint,
            rent_payer: s.rent_payer,
            instructions: solana_instructions_sysvar_id(),
            settlement_authority: SETTLEMENT_AUTHORITY,
            policy_program: crate::POLICY_PROGRAM_ID,
            token_program: anchor_spl::token::ID,
        },
        instruction::ExpireSession { args },
    )
}

/// Settles the receipts whose challenge hashes are `challenge_hashes` from `wallet` to
/// `recipient`: the program reads them from the Ed25519 instruction
/// ([`crate::signed::ed25519_instruction`]) that must carry their signed messages, in the same
/// order, in the same transaction.
pub fn settle_batch(
    settler: &Pubkey,
    owner_cosigner: Option<Pubkey>,
    wallet: &Pubkey,
    mint: &Pubkey,
    recipient: &Pubkey,
    challenge_hashes: &[[u8; 32]],
) -> Instruction {
    let mut instruction = ix(
        accounts::SettleBatch {
            settler: *settler,
            owner_cosigner,
            wallet: *wallet,
            vault: address::vault(wallet, mint),
            mint: *mint,
            recipient: *recipient,
            destination: address::token_account(recipient, mint),
            instructions: solana_instructions_sysvar_id(),
            settlement_authority: SETTLEMENT_AUTHORITY,
            policy_program: crate::POLICY_PROGRAM_ID,
            token_program: anchor_spl::token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        instruction::SettleBatch {},
    );
    instruction
        .accounts
        .extend(challenge_hashes.iter().map(|hash| {
            let (record, _) = address::receipt_record(wallet, hash);
            AccountMeta::new(record, false)
        }));
    instruction
}

/// Closes an expired receipt's record, returning the rent to whoever paid it.
pub fn reclaim_receipt(record: &Pubkey, rent_payer: &Pubkey) -> Instruction {
    ix(
        accounts::ReclaimReceipt {
            record: *record,
            rent_payer: *rent_payer,
        },
        instruction::ReclaimReceipt {},
    )
}

fn solana_instructions_sysvar_id() -> Pubkey {
    anchor_lang::prelude::pubkey!("Sysvar1nstructions1111111111111111111111111")
}
