//! Instructions of the Policy Program.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use mpppal_policy_program::{accounts, instruction, CreateWalletArgs, PolicyArgs, TransferArgs};

use crate::address;

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: crate::POLICY_PROGRAM_ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// Creates the wallet for `wallet_key`, owned by `owner` (who pays), spending `mint`.
pub fn create_wallet(
    owner: &Pubkey,
    wallet_key: &Pubkey,
    agent: &Pubkey,
    mint: &Pubkey,
    policy: PolicyArgs,
) -> Instruction {
    let wallet = address::wallet(wallet_key);
    ix(
        accounts::CreateWallet {
            owner: *owner,
            wallet,
            mint: *mint,
            vault: address::vault(&wallet, mint),
            token_program: anchor_spl::token::ID,
            associated_token_program: anchor_spl::associated_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        instruction::CreateWallet {
            args: CreateWalletArgs {
                wallet_key: *wallet_key,
                agent: *agent,
                policy,
            },
        },
    )
}

fn owner_only(owner: &Pubkey, wallet: &Pubkey) -> accounts::OwnerOnly {
    accounts::OwnerOnly {
        owner: *owner,
        wallet: *wallet,
    }
}

pub fn update_policy(owner: &Pubkey, wallet: &Pubkey, policy: PolicyArgs) -> Instruction {
    ix(
        owner_only(owner, wallet),
        instruction::UpdatePolicy { policy },
    )
}

pub fn set_paused(owner: &Pubkey, wallet: &Pubkey, paused: bool) -> Instruction {
    ix(owner_only(owner, wallet), instruction::SetPaused { paused })
}

pub fn rotate_agent(owner: &Pubkey, wallet: &Pubkey, new_agent: &Pubkey) -> Instruction {
    ix(
        owner_only(owner, wallet),
        instruction::RotateAgent {
            new_agent: *new_agent,
        },
    )
}

/// What a policy-checked payment needs besides its arguments.
#[derive(Clone, Copy, Debug)]
pub struct PaymentAccounts {
    pub agent: Pubkey,
    /// The owner, when co-signing above the escalation threshold.
    pub owner_cosigner: Option<Pubkey>,
    pub wallet: Pubkey,
    pub mint: Pubkey,
    /// The recipient's token account.
    pub destination: Pubkey,
}

/// The agent pays `destination` directly through the Policy Program.
pub fn transfer(payment: &PaymentAccounts, args: TransferArgs) -> Instruction {
    ix(
        accounts::Transfer {
            agent: payment.agent,
            owner_cosigner: payment.owner_cosigner,
            wallet: payment.wallet,
            vault: address::vault(&payment.wallet, &payment.mint),
            mint: payment.mint,
            destination: payment.destination,
            token_program: anchor_spl::token::ID,
        },
        instruction::Transfer { args },
    )
}

/// The owner moves `amount` from the wallet to `destination`, outside the policy.
pub fn withdraw(
    owner: &Pubkey,
    wallet: &Pubkey,
    mint: &Pubkey,
    destination: &Pubkey,
    amount: u64,
) -> Instruction {
    ix(
        accounts::Withdraw {
            owner: *owner,
            wallet: *wallet,
            vault: address::vault(wallet, mint),
            mint: *mint,
            destination: *destination,
            token_program: anchor_spl::token::ID,
        },
        instruction::Withdraw { amount },
    )
}
