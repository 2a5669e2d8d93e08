//! `jsonParsed` transactions: the instructions payment verifiers read (SPL Token transfers, System
//! transfers, memos) decoded as validators decode them; every other instruction partially decoded
//! (program id, accounts, base58 data), which is also what validators do for programs they do not
//! know. Inner instructions keep their compiled form.

use serde_json::{json, Value};
use solana_message::VersionedMessage;
use solana_transaction_status_client_types::{
    ParsedAccount, ParsedAccountSource, ParsedInstruction, UiAddressTableLookup, UiInstruction,
    UiMessage, UiParsedInstruction, UiParsedMessage, UiPartiallyDecodedInstruction,
};

const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const SYSTEM_PROGRAM: &str = "11111111111111111111111111111111";
const MEMO_PROGRAM: &str = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";

pub(super) fn parsed_message(message: &VersionedMessage) -> UiMessage {
    let keys: Vec<String> = message
        .static_account_keys()
        .iter()
        .map(ToString::to_string)
        .collect();
    let header = message.header();
    let signers = usize::from(header.num_required_signatures);
    let readonly_signed = usize::from(header.num_readonly_signed_accounts);
    let readonly_unsigned = usize::from(header.num_readonly_unsigned_accounts);
    let account_keys = keys
        .iter()
        .enumerate()
        .map(|(i, key)| ParsedAccount {
            pubkey: key.clone(),
            signer: i < signers,
            writable: if i < signers {
                i < signers - readonly_signed
            } else {
                i < keys.len().saturating_sub(readonly_unsigned)
            },
            source: Some(ParsedAccountSource::Transaction),
        })
        .collect();
    let instructions = message
        .instructions()
        .iter()
        .map(|ix| {
            let program = keys
                .get(usize::from(ix.program_id_index))
                .cloned()
                .unwrap_or_default();
            let accounts: Vec<String> = ix
                .accounts
                .iter()
                .map(|&a| keys.get(usize::from(a)).cloned().unwrap_or_default())
                .collect();
            let parsed = match program.as_str() {
                TOKEN_PROGRAM => token(&ix.data, &accounts).map(|p| ("spl-token", p)),
                SYSTEM_PROGRAM => system(&ix.data, &accounts).map(|p| ("system", p)),
                MEMO_PROGRAM => std::str::from_utf8(&ix.data)
                    .ok()
                    .map(|memo| ("spl-memo", json!(memo))),
                _ => None,
            };
            UiInstruction::Parsed(match parsed {
                Some((name, parsed)) => UiParsedInstruction::Parsed(ParsedInstruction {
                    program: name.into(),
                    program_id: program,
                    parsed,
                    stack_height: Some(1),
                }),
                None => UiParsedInstruction::PartiallyDecoded(UiPartiallyDecodedInstruction {
                    program_id: program,
                    accounts,
                    data: bs58::encode(&ix.data).into_string(),
                    stack_height: Some(1),
                }),
            })
        })
        .collect();
    UiMessage::Parsed(UiParsedMessage {
        account_keys,
        recent_blockhash: message.recent_blockhash().to_string(),
        instructions,
        address_table_lookups: message
            .address_table_lookups()
            .map(|lookups| lookups.iter().map(UiAddressTableLookup::from).collect()),
    })
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// SPL Token `transfer` (3) and `transferChecked` (12), single-signer authority.
fn token(data: &[u8], accounts: &[String]) -> Option<Value> {
    match (data.first()?, accounts) {
        (3, [source, destination, authority, ..]) if data.len() == 9 => Some(json!({
            "type": "transfer",
            "info": {
                "source": source, "destination": destination, "authority": authority,
                "amount": u64_at(data, 1)?.to_string(),
            },
        })),
        (12, [source, mint, destination, authority, ..]) if data.len() == 10 => {
            let amount = u64_at(data, 1)?;
            let decimals = data[9];
            Some(json!({
                "type": "transferChecked",
                "info": {
                    "source": source, "mint": mint, "destination": destination,
                    "authority": authority,
                    "tokenAmount": {
                        "amount": amount.to_string(),
                        "decimals": decimals,
                        "uiAmount": amount as f64 / 10f64.powi(i32::from(decimals)),
                        "uiAmountString": ui_amount(amount, decimals),
                    },
                },
            }))
        }
        _ => None,
    }
}

/// System `transfer` (2): lamports from the first account to the second.
fn system(data: &[u8], accounts: &[String]) -> Option<Value> {
    let tag = u32::from_le_bytes(data.get(..4)?.try_into().ok()?);
    match (tag, accounts) {
        (2, [source, destination, ..]) if data.len() == 12 => Some(json!({
            "type": "transfer",
            "info": { "source": source, "destination": destination, "lamports": u64_at(data, 4)? },
        })),
        _ => None,
    }
}

/// `amount` base units as a decimal string without trailing zeros, as validators print it.
fn ui_amount(amount: u64, decimals: u8) -> String {
    let scale = 10u128.pow(u32::from(decimals));
    let (whole, fraction) = (u128::from(amount) / scale, u128::from(amount) % scale);
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0width$}", width = usize::from(decimals));
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_amounts_print_like_validators() {
        assert_eq!(ui_amount(2_500, 6), "0.0025");
        assert_eq!(ui_amount(1_000_000, 6), "1");
        assert_eq!(ui_amount(1_234_500_000, 6), "1234.5");
        assert_eq!(ui_amount(7, 0), "7");
    }

    #[test]
    fn decodes_transfer_checked_and_refuses_malformed_data() {
        let accounts: Vec<String> = ["s", "m", "d", "a"].map(String::from).to_vec();
        let mut data = vec![12];
        data.extend_from_slice(&2_500u64.to_le_bytes());
        data.push(6);
        let parsed = token(&data, &accounts).unwrap();
        assert_eq!(parsed["type"], "transferChecked");
        assert_eq!(parsed["info"]["tokenAmount"]["amount"], "2500");
        assert_eq!(parsed["info"]["tokenAmount"]["decimals"], 6);
        assert_eq!(parsed["info"]["destination"], "d");
        assert_eq!(token(&data[..9], &accounts), None, "truncated");
        assert_eq!(token(&data, &accounts[..3]), None, "missing authority");
    }
}
