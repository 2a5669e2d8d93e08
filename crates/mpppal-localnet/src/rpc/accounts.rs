//! Account reads: balances, raw accounts and token balances.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::token::spl_token;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use solana_account_decoder_client_types::{UiAccount, UiAccountData, UiAccountEncoding};

use super::meta::token_amount;
use super::node::Node;
use super::params::{optional, parse_pubkey, pubkey, required, with_context};
use super::RpcError;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AccountConfig {
    encoding: Option<UiAccountEncoding>,
    #[allow(dead_code)]
    commitment: Option<String>,
    #[allow(dead_code)]
    min_context_slot: Option<u64>,
    data_slice: Option<DataSlice>,
}

#[derive(Deserialize, Clone, Copy)]
struct DataSlice {
    offset: usize,
    length: usize,
}

pub async fn get_balance(node: &Node, params: Value) -> Result<Value, RpcError> {
    let address = pubkey(&params, 0, "address")?;
    let _settled = node.settled().await;
    let lamports = node
        .banks()
        .get_balance(address)
        .await
        .map_err(RpcError::internal)?;
    with_context(node.slot().await, lamports)
}

pub async fn get_account_info(node: &Node, params: Value) -> Result<Value, RpcError> {
    let address = pubkey(&params, 0, "address")?;
    let config: AccountConfig = optional(&params, 1, "config")?;
    let _settled = node.settled().await;
    let account = read(node, &address, &config).await?;
    with_context(node.slot().await, account)
}

pub async fn get_multiple_accounts(node: &Node, params: Value) -> Result<Value, RpcError> {
    let addresses: Vec<String> = required(&params, 0, "addresses")?;
    if addresses.len() > 100 {
        return Err(RpcError::invalid_params("at most 100 addresses"));
    }
    let config: AccountConfig = optional(&params, 1, "config")?;
    let mut accounts = Vec::with_capacity(addresses.len());
    let _settled = node.settled().await;
    for text in &addresses {
        let address = parse_pubkey(text, "addresses")?;
        accounts.push(read(node, &address, &config).await?);
    }
    with_context(node.slot().await, accounts)
}

pub async fn get_token_account_balance(node: &Node, params: Value) -> Result<Value, RpcError> {
    let address = pubkey(&params, 0, "address")?;
    let _settled = node.settled().await;
    let banks = node.banks();
    let account = banks
        .get_account(address)
        .await
        .map_err(RpcError::internal)?
        .ok_or_else(|| RpcError::invalid_params("could not find account"))?;
    let token = spl_token::state::Account::unpack(&account.data)
        .map_err(|_| RpcError::invalid_params("not a token account"))?;
    let mint = banks
        .get_account(token.mint)
        .await
        .map_err(RpcError::internal)?
        .and_then(|m| spl_token::state::Mint::unpack(&m.data).ok())
        .ok_or_else(|| RpcError::invalid_params("the token account's mint does not exist"))?;
    with_context(node.slot().await, token_amount(token.amount, mint.decimals))
}

async fn read(
    node: &Node,
    address: &Pubkey,
    config: &AccountConfig,
) -> Result<Option<UiAccount>, RpcError> {
    let Some(account) = node
        .banks()
        .get_account(*address)
        .await
        .map_err(RpcError::internal)?
    else {
        return Ok(None);
    };
    let data = match config.data_slice {
        Some(s) => account
            .data
            .get(s.offset..)
            .map(|d| &d[..s.length.min(d.len())])
            .unwrap_or(&[])
            .to_vec(),
        None => account.data.clone(),
    };
    // jsonParsed falls back to base64 for accounts we do not parse, as validators do; so does
    // base64+zstd, which clients decode by the encoding named in the answer.
    let data = match config.encoding.unwrap_or(UiAccountEncoding::Binary) {
        UiAccountEncoding::Binary | UiAccountEncoding::Base58 => {
            if data.len() > 128 {
                return Err(RpcError::invalid_params(
                    "encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding",
                ));
            }
            let text = bs58::encode(&data).into_string();
            match config.encoding {
                Some(UiAccountEncoding::Base58) => {
                    UiAccountData::Binary(text, UiAccountEncoding::Base58)
                }
                _ => UiAccountData::LegacyBinary(text),
            }
        }
        UiAccountEncoding::Base64
        | UiAccountEncoding::JsonParsed
        | UiAccountEncoding::Base64Zstd => UiAccountData::Binary(
            base64::engine::general_purpose::STANDARD.encode(&data),
            UiAccountEncoding::Base64,
        ),
    };
    Ok(Some(UiAccount {
        lamports: account.lamports,
        data,
        owner: account.owner.to_string(),
        executable: account.executable,
        rent_epoch: account.rent_epoch,
        space: Some(account.data.len() as u64),
    }))
}
