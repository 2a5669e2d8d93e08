//! Reading a paying wallet's state from the chain.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use async_trait::async_trait;
use mpppal_policy_program::Wallet;

use crate::chain::RpcChain;

/// A wallet account and its vault balance, as of one read.
#[derive(Clone, Debug)]
pub struct WalletSnapshot {
    pub wallet: Wallet,
    pub vault_balance: u64,
}

#[async_trait]
pub trait WalletReader: Send + Sync {
    /// The wallet at `address`, or why it cannot be used.
    async fn read(&self, address: &Pubkey) -> Result<WalletSnapshot, String>;
}

#[async_trait]
impl WalletReader for RpcChain {
    async fn read(&self, address: &Pubkey) -> Result<WalletSnapshot, String> {
        let account = self
            .rpc
            .get_account(address)
            .await
            .map_err(|_| format!("wallet {address} not found"))?;
        if account.owner != mpppal_solana::POLICY_PROGRAM_ID {
            return Err(format!("{address} is not an MPPPal wallet"));
        }
        let wallet = Wallet::try_deserialize(&mut account.data.as_slice())
            .map_err(|_| format!("{address} is not an MPPPal wallet"))?;
        let balance = self
            .rpc
            .get_token_account_balance(&wallet.vault)
            .await
            .map_err(|e| format!("cannot read the wallet's balance: {e}"))?;
        let vault_balance = balance
            .amount
            .parse()
            .map_err(|_| "the RPC returned a malformed balance".to_string())?;
        Ok(WalletSnapshot {
            wallet,
            vault_balance,
        })
    }
}
