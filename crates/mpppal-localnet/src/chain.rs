//! A running local chain with a USDC-like mint and a faucet.

use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_option::COption;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::token::spl_token;
use mpppal_solana::{address, token_ix, USDC_DECIMALS};
use solana_keypair::Keypair;
use solana_program_test::ProgramTestBanksClientExt;
use solana_program_test::{
    BanksClientError, BanksTransactionResultWithMetadata, ProgramTestContext,
};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::collections::HashSet;

use crate::programs::program_test;

/// Seed of the local USDC mint's keypair, so the mint has the same address every run.
pub const LOCAL_MINT_SEED: [u8; 32] = *b"mpppal-localnet-usdc-mint-seed!!";
const FAUCET_SEED: [u8; 32] = *b"mpppal-localnet-faucet-seed!!!!!";

/// The embedded chain: a bank, its fee payer, and the mint with its faucet authority.
pub struct LocalChain {
    pub context: ProgramTestContext,
    pub mint: Pubkey,
    pub faucet: Keypair,
    sent: HashSet<Signature>,
}

impl LocalChain {
    /// Starts a fresh chain with the programs loaded and the mint created.
    pub async fn start() -> Self {
        Self::start_with_accounts(Vec::new()).await
    }

    /// Starts a chain whose genesis also holds `accounts` (a saved ledger's state); they
    /// replace the defaults, the mint included.
    pub async fn start_with_accounts(accounts: Vec<(Pubkey, solana_account::Account)>) -> Self {
        let mut test = program_test();
        let faucet = Keypair::new_from_array(FAUCET_SEED);
        let mint = Keypair::new_from_array(LOCAL_MINT_SEED).pubkey();
        let mut data = vec![0u8; spl_token::state::Mint::LEN];
        spl_token::state::Mint {
            mint_authority: COption::Some(faucet.pubkey()),
            supply: 0,
            decimals: USDC_DECIMALS,
            is_initialized: true,
            freeze_authority: COption::None,
        }
        .pack_into_slice(&mut data);
        test.add_account(
            mint,
            solana_account::Account {
                lamports: 1_461_600,
                data,
                owner: spl_token::ID,
                executable: false,
                rent_epoch: 0,
            },
        );
        for (address, account) in accounts {
            test.add_account(address, account);
        }
        let context = test.start_with_context().await;
        Self {
            context,
            mint,
            faucet,
            sent: HashSet::new(),
        }
    }

    /// Hash of the genesis config, as `getGenesisHash` reports it.
    pub fn genesis_hash(&self) -> String {
        self.context.genesis_config().hash().to_string()
    }

    /// The chain's rich fee payer.
    pub fn payer(&self) -> &Keypair {
        &self.context.payer
    }

    /// Signs with the payer plus `signers` and processes the transaction.
    pub async fn send(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), BanksClientError> {
        let tx = self.transaction(instructions, signers).await?;
        self.context.banks_client.process_transaction(tx).await
    }

    /// Like [`send`](Self::send), returning logs and compute units whether it failed or not.
    pub async fn send_with_metadata(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<BanksTransactionResultWithMetadata, BanksClientError> {
        let tx = self.transaction(instructions, signers).await?;
        self.context
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
    }

    async fn transaction(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<Transaction, BanksClientError> {
        let mut blockhash = self.context.banks_client.get_latest_blockhash().await?;
        loop {
            let mut all: Vec<&Keypair> = vec![&self.context.payer];
            all.extend(
                signers
                    .iter()
                    .copied()
                    .filter(|k| k.pubkey() != self.context.payer.pubkey()),
            );
            let tx = Transaction::new_signed_with_payer(
                instructions,
                Some(&self.context.payer.pubkey()),
                &all,
                blockhash,
            );
            // The same instructions signed twice under one blockhash are one transaction to the
            // runtime; wait for the next blockhash so a deliberate resend is a new transaction,
            // as a client's resubmission after expiry would be.
            if self.sent.insert(tx.signatures[0]) {
                return Ok(tx);
            }
            blockhash = self
                .context
                .banks_client
                .get_new_latest_blockhash(&blockhash)
                .await?;
        }
    }

    /// SOL (lamports) held by `address`.
    pub async fn lamports(&mut self, address: &Pubkey) -> u64 {
        self.context
            .banks_client
            .get_balance(*address)
            .await
            .unwrap_or(0)
    }

    /// Base units held by a token account, or `None` when it does not exist.
    pub async fn token_balance(&mut self, token_account: &Pubkey) -> Option<u64> {
        let account = self
            .context
            .banks_client
            .get_account(*token_account)
            .await
            .ok()??;
        spl_token::state::Account::unpack(&account.data)
            .ok()
            .map(|a| a.amount)
    }

    /// Sends `lamports` from the payer to `to`.
    pub async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), BanksClientError> {
        let ix = anchor_lang::solana_program::system_instruction::transfer(
            &self.context.payer.pubkey(),
            to,
            lamports,
        );
        self.send(&[ix], &[]).await
    }

    /// Mints `amount` base units of the local USDC into the existing token account `account`
    /// (any USDC account: an escrow, say, to see what tokens sent straight to it do).
    pub async fn mint_usdc_to(
        &mut self,
        account: &Pubkey,
        amount: u64,
    ) -> Result<(), BanksClientError> {
        let mint = token_ix::mint_to(&self.mint, account, &self.faucet.pubkey(), amount);
        let faucet = self.faucet.insecure_clone();
        self.send(&[mint], &[&faucet]).await
    }

    /// Mints `amount` base units of the local USDC to `owner`'s associated token account,
    /// creating it if needed. Returns the token account.
    pub async fn fund_usdc(
        &mut self,
        owner: &Pubkey,
        amount: u64,
    ) -> Result<Pubkey, BanksClientError> {
        let account = address::token_account(owner, &self.mint);
        let create =
            token_ix::create_token_account(&self.context.payer.pubkey(), owner, &self.mint);
        let mint = token_ix::mint_to(&self.mint, &account, &self.faucet.pubkey(), amount);
        let faucet = self.faucet.insecure_clone();
        self.send(&[create, mint], &[&faucet]).await?;
        Ok(account)
    }

    /// The cluster clock.
    pub async fn clock(&mut self) -> Clock {
        self.context
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("the clock sysvar always exists")
    }

    /// Produces `blocks` empty blocks, each with a new blockhash (dev chains only): a
    /// transaction signed before then is past its last valid block height once `blocks` passes
    /// 150, as on a real cluster after about a minute.
    pub async fn advance_blocks(&mut self, blocks: u64) {
        for _ in 0..blocks {
            let root = self
                .context
                .banks_client
                .get_root_slot()
                .await
                .expect("the bank answers");
            // The working bank is at most one slot past the root.
            self.context
                .warp_to_slot(root + 2)
                .expect("a later slot is always reachable");
        }
    }

    /// Moves the cluster clock to `unix_timestamp` (dev chains only; expiry tests need it).
    pub async fn set_time(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.context.set_sysvar(&clock);
    }
}

/// Why a transaction failed, in the words the programs logged.
///
/// The policy logs its own reason (`payment denied: …`); Anchor logs `Error Message: …`; both
/// beat the bare custom error number that the runtime returns.
pub fn explain_failure(logs: &[String], fallback: &str) -> String {
    let policy = logs.iter().find_map(|l| {
        l.split_once("Program log: payment ")
            .map(|(_, rest)| format!("payment {rest}"))
    });
    let anchor = logs.iter().find_map(|l| {
        l.split_once("Error Message: ")
            .map(|(_, rest)| rest.trim_end_matches('.').to_string())
    });
    policy.or(anchor).unwrap_or_else(|| fallback.to_string())
}

impl LocalChain {
    /// Sends and, on failure, returns the reason the programs gave.
    pub async fn send_explained(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), String> {
        let outcome = self
            .send_with_metadata(instructions, signers)
            .await
            .map_err(|e| e.to_string())?;
        match outcome.result {
            Ok(()) => Ok(()),
            Err(err) => {
                let logs = outcome.metadata.map(|m| m.log_messages).unwrap_or_default();
                Err(explain_failure(&logs, &err.to_string()))
            }
        }
    }
}
