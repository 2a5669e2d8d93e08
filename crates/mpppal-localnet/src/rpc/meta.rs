//! Standard transaction metadata (balances, token balances, logs, inner instructions) built
//! from what the bank reports.
//!
//! The bank's processing result carries logs and compute units but no inner instructions; its
//! simulation carries inner instructions. A send simulates, reads balances, processes and reads
//! them again, all under one lock, so the pieces describe the same execution.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::token::spl_token;
use base64::Engine;
use solana_account_decoder_client_types::token::UiTokenAmount;
use solana_message::inner_instruction::InnerInstructions;
use solana_program_test::BanksClient;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{
    UiCompiledInstruction, UiInnerInstructions, UiInstruction, UiReturnDataEncoding,
    UiTransactionError, UiTransactionReturnData, UiTransactionStatusMeta,
    UiTransactionTokenBalance,
};
use std::collections::HashMap;

/// Lamport and token balances of a transaction's accounts at one moment.
#[derive(Clone, Debug, Default)]
pub struct Balances {
    pub lamports: Vec<u64>,
    pub tokens: Vec<UiTransactionTokenBalance>,
}

/// Reads the balances of `keys` (in transaction order).
pub async fn balances(banks: &mut BanksClient, keys: &[Pubkey]) -> Balances {
    let mut out = Balances::default();
    let mut decimals: HashMap<Pubkey, u8> = HashMap::new();
    for (index, key) in keys.iter().enumerate() {
        let account = banks.get_account(*key).await.ok().flatten();
        out.lamports
            .push(account.as_ref().map_or(0, |a| a.lamports));
        let Some(account) = account else { continue };
        if account.owner != spl_token::ID || account.data.len() != spl_token::state::Account::LEN {
            continue;
        }
        let Ok(token) = spl_token::state::Account::unpack(&account.data) else {
            continue;
        };
        let mint_decimals = match decimals.get(&token.mint) {
            Some(d) => *d,
            None => {
                let d = mint_decimals(banks, &token.mint).await.unwrap_or(0);
                decimals.insert(token.mint, d);
                d
            }
        };
        out.tokens.push(UiTransactionTokenBalance {
            account_index: index as u8,
            mint: token.mint.to_string(),
            ui_token_amount: token_amount(token.amount, mint_decimals),
            owner: OptionSerializer::Some(token.owner.to_string()),
            program_id: OptionSerializer::Some(spl_token::ID.to_string()),
        });
    }
    out
}

async fn mint_decimals(banks: &mut BanksClient, mint: &Pubkey) -> Option<u8> {
    let account = banks.get_account(*mint).await.ok()??;
    spl_token::state::Mint::unpack(&account.data)
        .ok()
        .map(|m| m.decimals)
}

/// A token amount as the RPC reports it: exact base units plus the decimal forms clients show.
pub fn token_amount(amount: u64, decimals: u8) -> UiTokenAmount {
    let ui_amount_string = decimal_string(amount, decimals);
    UiTokenAmount {
        ui_amount: ui_amount_string.parse().ok(),
        decimals,
        amount: amount.to_string(),
        ui_amount_string,
    }
}

/// `amount` base units as a decimal string without trailing zeros ("1.5", "0.000001", "3").
fn decimal_string(amount: u64, decimals: u8) -> String {
    if decimals == 0 {
        return amount.to_string();
    }
    let scale = 10u128.pow(u32::from(decimals));
    let whole = u128::from(amount) / scale;
    let fraction = u128::from(amount) % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0width$}", width = usize::from(decimals));
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Inner instructions in the RPC's shape (only outer instructions that made calls).
pub fn ui_inner_instructions(list: Vec<InnerInstructions>) -> Vec<UiInnerInstructions> {
    list.into_iter()
        .enumerate()
        .filter(|(_, inner)| !inner.is_empty())
        .map(|(index, inner)| UiInnerInstructions {
            index: index as u8,
            instructions: inner
                .iter()
                .map(|i| {
                    UiInstruction::Compiled(UiCompiledInstruction::from(
                        &i.instruction,
                        Some(u32::from(i.stack_height)),
                    ))
                })
                .collect(),
        })
        .collect()
}

pub fn ui_return_data(program_id: &Pubkey, data: &[u8]) -> UiTransactionReturnData {
    UiTransactionReturnData {
        program_id: program_id.to_string(),
        data: (
            base64::engine::general_purpose::STANDARD.encode(data),
            UiReturnDataEncoding::Base64,
        ),
    }
}

/// Turns the native-build event lines back into standard `Program data:` lines (see the Policy
/// Program's `log` module).
pub fn standard_logs(logs: Vec<String>) -> Vec<String> {
    const NATIVE_EVENT: &str = "Program log: Program data: ";
    logs.into_iter()
        .map(|line| match line.strip_prefix(NATIVE_EVENT) {
            Some(data) => format!("Program data: {data}"),
            None => line,
        })
        .collect()
}

/// Everything a transaction's metadata is made of.
pub struct Execution {
    pub err: Option<TransactionError>,
    pub fee: u64,
    pub before: Balances,
    pub after: Balances,
    pub logs: Vec<String>,
    pub inner: Option<Vec<UiInnerInstructions>>,
    pub compute_units: u64,
    pub return_data: Option<UiTransactionReturnData>,
}

pub fn ui_meta(e: Execution) -> UiTransactionStatusMeta {
    let err = e.err.map(UiTransactionError::from);
    UiTransactionStatusMeta {
        status: match &err {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        },
        err,
        fee: e.fee,
        pre_balances: e.before.lamports,
        post_balances: e.after.lamports,
        inner_instructions: e
            .inner
            .map_or(OptionSerializer::None, OptionSerializer::Some),
        log_messages: OptionSerializer::Some(standard_logs(e.logs)),
        pre_token_balances: OptionSerializer::Some(e.before.tokens),
        post_token_balances: OptionSerializer::Some(e.after.tokens),
        rewards: OptionSerializer::Some(vec![]),
        loaded_addresses: OptionSerializer::Skip,
        return_data: e
            .return_data
            .map_or(OptionSerializer::Skip, OptionSerializer::Some),
        compute_units_consumed: OptionSerializer::Some(e.compute_units),
        cost_units: OptionSerializer::Skip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_are_exact() {
        assert_eq!(decimal_string(1_500_000, 6), "1.5");
        assert_eq!(decimal_string(1, 6), "0.000001");
        assert_eq!(decimal_string(3_000_000, 6), "3");
        assert_eq!(decimal_string(u64::MAX, 6), "18446744073709.551615");
        assert_eq!(decimal_string(42, 0), "42");
    }

    #[test]
    fn native_event_lines_become_program_data() {
        let logs = vec![
            "Program log: Program data: AAEC".to_string(),
            "Program log: hi".to_string(),
        ];
        assert_eq!(
            standard_logs(logs),
            vec!["Program data: AAEC", "Program log: hi"]
        );
    }
}
