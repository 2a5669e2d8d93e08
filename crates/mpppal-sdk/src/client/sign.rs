//! Building the transactions a client signs: the latest blockhash, and a transaction whose fee
//! payer (the server) signs later, encoded for a credential.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_keypair::Keypair;

use super::PayError;
use crate::chain::RpcChain;

pub(super) async fn latest_blockhash(chain: &RpcChain) -> Result<solana_message::Hash, PayError> {
    chain
        .rpc
        .get_latest_blockhash()
        .await
        .map_err(|e| PayError::Wallet(format!("no blockhash: {e}")))
}

/// `instructions` with `fee_payer` first, signed by `signer` only (the fee payer's slot stays
/// empty for the server), as the base64 wire transaction a credential carries.
pub(super) async fn partially_signed(
    chain: &RpcChain,
    instructions: &[Instruction],
    fee_payer: &Pubkey,
    signer: &Keypair,
) -> Result<String, PayError> {
    use base64::Engine;
    let blockhash = latest_blockhash(chain).await?;
    let message =
        solana_message::Message::new_with_blockhash(instructions, Some(fee_payer), &blockhash);
    let mut tx = solana_transaction::Transaction::new_unsigned(message);
    tx.try_partial_sign(&[signer], blockhash)
        .map_err(|e| PayError::Build(e.to_string()))?;
    let bytes = bincode::serialize(&tx).map_err(|e| PayError::Build(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}
