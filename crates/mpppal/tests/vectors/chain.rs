//! Program-derived addresses and the Policy and Settlement Program instructions a paying client
//! builds, as `mpppal-solana` builds them.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use mpppal_solana::{address, signed::challenge_hash};
use serde_json::{json, Value};

use super::address as fill;

pub fn addresses() -> Value {
    let mint = fill(0x55);
    let wallet_key = fill(0x21);
    let wallet = address::wallet(&wallet_key);
    let owner = fill(0x33);
    let session = address::session(&wallet, 7);
    let hash = challenge_hash("abc123");
    let mut rows = vec![
        json!({ "kind": "wallet", "inputs": { "walletKey": wallet_key.to_string() }, "address": wallet.to_string() }),
        json!({ "kind": "vault", "inputs": { "wallet": wallet.to_string(), "mint": mint.to_string() }, "address": address::vault(&wallet, &mint).to_string() }),
        json!({ "kind": "tokenAccount", "inputs": { "owner": owner.to_string(), "mint": mint.to_string() }, "address": address::token_account(&owner, &mint).to_string() }),
        json!({ "kind": "escrow", "inputs": { "session": session.to_string() }, "address": address::escrow(&session).to_string() }),
        json!({ "kind": "receiptRecord", "inputs": { "wallet": wallet.to_string(), "challengeHash": hex::encode(hash) }, "address": address::receipt_record(&wallet, &hash).0.to_string() }),
    ];
    for id in [0u64, 7, u64::MAX] {
        rows.push(json!({
            "kind": "session",
            "inputs": { "wallet": wallet.to_string(), "sessionId": id.to_string() },
            "address": address::session(&wallet, id).to_string(),
        }));
    }
    rows.into()
}

fn instruction(name: &str, builder: &str, inputs: Value, ix: Instruction) -> Value {
    json!({
        "name": name,
        "builder": builder,
        "inputs": inputs,
        "programId": ix.program_id.to_string(),
        "accounts": ix.accounts.iter().map(|a| json!({
            "pubkey": a.pubkey.to_string(),
            "isSigner": a.is_signer,
            "isWritable": a.is_writable,
        })).collect::<Vec<_>>(),
        "data": hex::encode(&ix.data),
    })
}

fn text(key: Option<Pubkey>) -> Value {
    json!(key.map(|k| k.to_string()))
}

struct Transfer {
    name: &'static str,
    cosigner: Option<Pubkey>,
    amount: u64,
    nonce: u64,
    memo: Option<&'static str>,
    category: Option<&'static str>,
}

pub fn instructions() -> Value {
    let mint = fill(0x55);
    let agent = fill(0x11);
    let owner = fill(0x12);
    let wallet = address::wallet(&fill(0x21));
    let payee = fill(0x33);
    let destination = address::token_account(&payee, &mint);
    let mut rows = Vec::new();
    for t in [
        Transfer {
            name: "a plain transfer",
            cosigner: None,
            amount: 2_500,
            nonce: 0,
            memo: None,
            category: None,
        },
        Transfer {
            name: "with memo and category",
            cosigner: None,
            amount: 1_000_000,
            nonce: 41,
            memo: Some("invoice 42"),
            category: Some("search"),
        },
        Transfer {
            name: "co-signed by the owner",
            cosigner: Some(owner),
            amount: u64::MAX,
            nonce: u64::MAX,
            memo: Some("café ✓"),
            category: None,
        },
    ] {
        let accounts = PaymentAccounts {
            agent,
            owner_cosigner: t.cosigner,
            wallet,
            mint,
            destination,
        };
        let ix = policy_ix::transfer(
            &accounts,
            mpppal_policy_program::TransferArgs {
                amount: t.amount,
                nonce: t.nonce,
                memo: t.memo.map(str::to_string),
                category: t.category.map(str::to_string),
            },
        );
        let inputs = json!({
            "agent": agent.to_string(), "ownerCosigner": text(t.cosigner), "wallet": wallet.to_string(),
            "mint": mint.to_string(), "destination": destination.to_string(),
            "amount": t.amount.to_string(), "nonce": t.nonce.to_string(), "memo": t.memo, "category": t.category,
        });
        rows.push(instruction(t.name, "policy.transfer", inputs, ix));
    }
    let rent_payer = fill(0x44);
    for (name, cosigner, session_id, deposit, expires_at, memo, category) in [
        (
            "an open paid by a sponsor",
            None,
            7u64,
            2_000_000u64,
            1_800_003_600i64,
            None,
            None,
        ),
        (
            "an open co-signed, with memo and category",
            Some(owner),
            u64::MAX,
            u64::MAX,
            i64::MAX,
            Some("session"),
            Some("llm-inference"),
        ),
    ] {
        let s = SessionAccounts {
            wallet,
            mint,
            session_id,
            payee,
            rent_payer,
        };
        let ix = settlement_ix::open_session(
            &s,
            &agent,
            cosigner,
            mpppal_settlement_program::OpenSessionArgs {
                session_id,
                deposit,
                expires_at,
                memo: memo.map(str::to_string),
                category: category.map(str::to_string),
            },
        );
        let inputs = json!({
            "rentPayer": rent_payer.to_string(), "agent": agent.to_string(), "ownerCosigner": text(cosigner),
            "wallet": wallet.to_string(), "mint": mint.to_string(), "payee": payee.to_string(),
            "sessionId": session_id.to_string(), "deposit": deposit.to_string(), "expiresAt": expires_at,
            "memo": memo, "category": category,
        });
        rows.push(instruction(name, "settlement.openSession", inputs, ix));
    }
    for (name, cosigner, amount, memo, category) in [
        ("a top-up", None, 1_000_000u64, None, None),
        (
            "a co-signed top-up with memo and category",
            Some(owner),
            5u64,
            Some("more"),
            Some("search"),
        ),
    ] {
        let s = SessionAccounts {
            wallet,
            mint,
            session_id: 7,
            payee,
            rent_payer,
        };
        let ix = settlement_ix::top_up_session(
            &s,
            &agent,
            cosigner,
            mpppal_settlement_program::TopUpArgs {
                amount,
                memo: memo.map(str::to_string),
                category: category.map(str::to_string),
            },
        );
        let inputs = json!({
            "agent": agent.to_string(), "ownerCosigner": text(cosigner), "wallet": wallet.to_string(),
            "mint": mint.to_string(), "payee": payee.to_string(), "rentPayer": rent_payer.to_string(),
            "sessionId": "7", "amount": amount.to_string(), "memo": memo, "category": category,
        });
        rows.push(instruction(name, "settlement.topUpSession", inputs, ix));
    }
    rows.into()
}
