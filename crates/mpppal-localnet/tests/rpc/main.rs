//! The embedded chain over JSON-RPC, driven by the official `solana-rpc-client`: a
//! policy-checked transfer and a full session, plus the endpoint's answers to bad requests.

mod client;

use anchor_lang::solana_program::instruction::Instruction;
use client::{Localnet, USDC};
use mpppal_policy_program::{PolicyArgs, TransferArgs};
use mpppal_settlement_program::{CloseSessionArgs, OpenSessionArgs};
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use mpppal_solana::signed::{ed25519_instruction, sign_voucher};
use mpppal_solana::{address, Pubkey};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client_api::client_error::ErrorKind;
use solana_rpc_client_api::config::RpcTransactionConfig;
use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
use solana_signer::Signer;
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::UiTransactionEncoding;

fn policy() -> PolicyArgs {
    PolicyArgs {
        max_single_transfer: 5 * USDC,
        max_daily_spend: 20 * USDC,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: None,
        paused: false,
    }
}

struct Wallet {
    owner: Keypair,
    agent: Keypair,
    wallet: Pubkey,
}

async fn wallet(net: &Localnet, funding: u64) -> Wallet {
    let owner = Keypair::new();
    let agent = Keypair::new();
    net.airdrop(&owner.pubkey(), 2_000_000_000).await;
    let wallet_key = Keypair::new().pubkey();
    let create = policy_ix::create_wallet(
        &owner.pubkey(),
        &wallet_key,
        &agent.pubkey(),
        &net.mint,
        policy(),
    );
    net.send(&[create], &owner, &[]).await.unwrap();
    let wallet = address::wallet(&wallet_key);
    net.request_usdc(&wallet, funding).await;
    Wallet {
        owner,
        agent,
        wallet,
    }
}

fn transfer(
    w: &Wallet,
    mint: Pubkey,
    destination: Pubkey,
    amount: u64,
    nonce: u64,
) -> anchor_lang::solana_program::instruction::Instruction {
    policy_ix::transfer(
        &PaymentAccounts {
            agent: w.agent.pubkey(),
            owner_cosigner: None,
            wallet: w.wallet,
            mint,
            destination,
        },
        TransferArgs {
            amount,
            nonce,
            memo: Some("over json-rpc".into()),
            category: None,
        },
    )
}

#[tokio::test]
async fn policy_checked_transfer_over_json_rpc() {
    let net = Localnet::start().await;
    let w = wallet(&net, 10 * USDC).await;
    let bob = Keypair::new();
    let bob_usdc = net.request_usdc(&bob.pubkey(), 1).await;

    let ix = transfer(&w, net.mint, bob_usdc, 2_500_000, 0);
    let signature = net.send(&[ix], &w.owner, &[&w.agent]).await.unwrap();
    assert_eq!(net.token_balance(&bob_usdc).await, 2_500_001);
    assert_eq!(
        net.token_balance(&address::vault(&w.wallet, &net.mint))
            .await,
        7_500_000
    );

    let tx = net
        .rpc
        .get_transaction_with_config(
            &signature,
            RpcTransactionConfig {
                encoding: Some(UiTransactionEncoding::Json),
                ..RpcTransactionConfig::default()
            },
        )
        .await
        .unwrap();
    let meta = tx.transaction.meta.expect("meta");
    assert!(meta.err.is_none());
    let OptionSerializer::Some(logs) = meta.log_messages else {
        panic!("no logs")
    };
    assert!(
        logs.iter().any(|l| l.starts_with("Program data: ")),
        "the PaymentExecuted event is logged: {logs:?}"
    );
    let OptionSerializer::Some(inner) = meta.inner_instructions else {
        panic!("no inner instructions")
    };
    assert_eq!(
        inner.len(),
        1,
        "the token transfer CPI shows as an inner instruction"
    );
    let OptionSerializer::Some(post) = meta.post_token_balances else {
        panic!("no token balances")
    };
    assert!(post.iter().any(|b| b.ui_token_amount.amount == "2500001"));

    // The wallet's history, newest first: the transfer, then the wallet's creation.
    let second = net
        .send(
            &[transfer(&w, net.mint, bob_usdc, 1_000, 1)],
            &w.owner,
            &[&w.agent],
        )
        .await
        .unwrap();
    let history = net.rpc.get_signatures_for_address(&w.wallet).await.unwrap();
    let listed: Vec<&str> = history.iter().map(|s| s.signature.as_str()).collect();
    assert!(listed.len() >= 3, "creation and two transfers: {listed:?}");
    assert_eq!(listed[0], second.to_string());
    assert_eq!(listed[1], signature.to_string());
    assert!(history.iter().all(|s| s.err.is_none()));
    let older = net
        .rpc
        .get_signatures_for_address_with_config(
            &w.wallet,
            solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config {
                before: Some(second),
                until: None,
                limit: Some(1),
                commitment: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(older[0].signature, signature.to_string());

    // Over the single-transfer cap: refused in preflight, with the policy's reason in the logs.
    let ix = transfer(&w, net.mint, bob_usdc, 6 * USDC, 2);
    let err = net.send(&[ix], &w.owner, &[&w.agent]).await.unwrap_err();
    let ErrorKind::RpcError(RpcError::RpcResponseError {
        code,
        data: RpcResponseErrorData::SendTransactionPreflightFailure(sim),
        ..
    }) = err.kind()
    else {
        panic!("expected a preflight failure, got {err}");
    };
    assert_eq!(*code, -32002);
    let logs = sim.logs.clone().unwrap_or_default();
    assert!(
        logs.iter()
            .any(|l| l.contains("payment denied") && l.contains("over_single_transfer_limit")),
        "{logs:?}"
    );
    assert_eq!(net.token_balance(&bob_usdc).await, 2_501_001);
}

#[tokio::test]
async fn full_session_over_json_rpc() {
    let net = Localnet::start().await;
    let w = wallet(&net, 10 * USDC).await;
    let provider = Keypair::new();
    net.airdrop(&provider.pubkey(), 100_000_000).await;
    let provider_usdc = net.request_usdc(&provider.pubkey(), 1).await;
    let session = SessionAccounts {
        wallet: w.wallet,
        mint: net.mint,
        session_id: 9,
        payee: provider.pubkey(),
        rent_payer: w.owner.pubkey(),
    };
    let now = net.clock_time().await;
    let open = settlement_ix::open_session(
        &session,
        &w.agent.pubkey(),
        None,
        OpenSessionArgs {
            session_id: 9,
            deposit: 3 * USDC,
            expires_at: now + 600,
            memo: None,
            category: None,
        },
    );
    net.send(&[open], &w.owner, &[&w.agent]).await.unwrap();
    assert_eq!(net.token_balance(&session.escrow()).await, 3 * USDC);

    // 500 requests at 0.002 USDC: only the last cumulative voucher goes on chain.
    // Every request is paid by a new cumulative voucher, signed as the agent would.
    let mut last = None;
    for i in 1..=500u64 {
        last = Some(sign_voucher(&w.agent, &session.session(), i * 2_000, 0));
    }
    let last = last.unwrap();
    let close = settlement_ix::close_session(
        &session,
        CloseSessionArgs {
            cumulative: 1_000_000,
            voucher_expires_at: 0,
        },
    );
    net.send(&[ed25519_instruction(&[last]), close], &provider, &[])
        .await
        .unwrap();
    assert_eq!(net.token_balance(&provider_usdc).await, 1_000_001);
    assert_eq!(
        net.token_balance(&address::vault(&w.wallet, &net.mint))
            .await,
        9 * USDC
    );
}

#[tokio::test]
async fn bad_requests_get_json_rpc_errors_and_the_server_stays_up() {
    let net = Localnet::start().await;
    let cases: Vec<(&str, i64)> = vec![
        ("not json", -32700),
        ("[]", -32600),
        (r#"{"jsonrpc":"1.0","id":1,"method":"getHealth"}"#, -32600),
        (r#"{"jsonrpc":"2.0","id":1,"method":"getNothing"}"#, -32601),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"getBalance","params":["not-a-key"]}"#,
            -32602,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"getBalance","params":{}}"#,
            -32602,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":["%%%"]}"#,
            -32602,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":["AQID","base64"]}"#,
            -32602,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"requestAirdrop","params":["11111111111111111111111111111111", 0]}"#,
            -32602,
        ),
    ];
    for (body, code) in cases {
        let response = net.raw(body).await;
        assert_eq!(
            response["error"]["code"],
            json!(code),
            "{body} -> {response}"
        );
    }
    // A batch up to the cap is answered item by item; one over it is refused whole.
    let item = r#"{"jsonrpc":"2.0","id":1,"method":"getHealth"}"#;
    let batch = |n: usize| format!("[{}]", vec![item; n].join(","));
    let answered = net.raw(&batch(mpppal_localnet::rpc::MAX_BATCH)).await;
    assert_eq!(
        answered.as_array().map(Vec::len),
        Some(mpppal_localnet::rpc::MAX_BATCH)
    );
    let refused = net.raw(&batch(mpppal_localnet::rpc::MAX_BATCH + 1)).await;
    assert_eq!(refused["error"]["code"], json!(-32600), "{refused}");
    let null_params = net
        .raw(r#"{"jsonrpc":"2.0","id":8,"method":"getVersion","params":null}"#)
        .await;
    assert_eq!(
        null_params["result"]["solana-core"],
        json!("4.0.0"),
        "{null_params}"
    );
    let health: Value = net
        .raw(r#"{"jsonrpc":"2.0","id":7,"method":"getHealth"}"#)
        .await;
    assert_eq!(health, json!({"jsonrpc": "2.0", "id": 7, "result": "ok"}));
}

#[tokio::test]
async fn unsigned_or_tampered_transactions_are_refused() {
    let net = Localnet::start().await;
    let w = wallet(&net, USDC).await;
    let bob_usdc = net.request_usdc(&Keypair::new().pubkey(), 1).await;
    let ix = transfer(&w, net.mint, bob_usdc, 10, 0);
    let mut tx = net.transaction(&[ix], &w.owner, &[&w.agent]).await;
    tx.signatures[1] = solana_signature::Signature::default();
    let encoded = base64_tx(&tx);
    let response = net
        .raw(&json!({"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":[encoded, {"encoding":"base64"}]}).to_string())
        .await;
    assert_eq!(response["error"]["code"], json!(-32003), "{response}");
    assert_eq!(net.token_balance(&bob_usdc).await, 1);
}

fn base64_tx(tx: &solana_transaction::Transaction) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bincode::serialize(tx).unwrap())
}

#[tokio::test]
async fn ledger_dir_keeps_accounts_and_history_across_restarts() {
    use mpppal_localnet::ledger::LedgerDir;
    use mpppal_localnet::rpc::Node;
    let dir = tempfile::tempdir().unwrap();

    let net = Localnet::serve(
        Node::persistent(LedgerDir::open(dir.path()).unwrap())
            .await
            .unwrap(),
    )
    .await;
    let w = wallet(&net, 10 * USDC).await;
    let bob_usdc = net.request_usdc(&Keypair::new().pubkey(), 1).await;
    let signature = net
        .send(
            &[transfer(&w, net.mint, bob_usdc, 700_000, 0)],
            &w.owner,
            &[&w.agent],
        )
        .await
        .unwrap();
    net.stop();

    let net = Localnet::serve(
        Node::persistent(LedgerDir::open(dir.path()).unwrap())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(net.token_balance(&bob_usdc).await, 700_001);
    assert_eq!(
        net.token_balance(&address::vault(&w.wallet, &net.mint))
            .await,
        9_300_000
    );
    let status = net
        .rpc
        .get_signature_statuses(&[signature])
        .await
        .unwrap()
        .value;
    assert!(
        status[0].as_ref().is_some_and(|s| s.err.is_none()),
        "history survives: {status:?}"
    );
    // The wallet's nonce survived too: the next payment uses nonce 1, and nonce 0 is spent.
    assert!(net
        .send(
            &[transfer(&w, net.mint, bob_usdc, 1, 0)],
            &w.owner,
            &[&w.agent]
        )
        .await
        .is_err());
    net.send(
        &[transfer(&w, net.mint, bob_usdc, 1, 1)],
        &w.owner,
        &[&w.agent],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_corrupt_ledger_is_refused_with_a_clear_error() {
    use mpppal_localnet::ledger::LedgerDir;
    use mpppal_localnet::rpc::Node;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("accounts.jsonl"),
        "{oops\n{\"address\":\"x\"}\n",
    )
    .unwrap();
    let err = Node::persistent(LedgerDir::open(dir.path()).unwrap())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("corrupt ledger line"), "{err}");
}

#[tokio::test]
async fn json_parsed_transactions_decode_token_transfers_and_memos() {
    let net = Localnet::start().await;
    let (payer, recipient) = (Keypair::new(), Keypair::new());
    net.airdrop(&payer.pubkey(), 1_000_000_000).await;
    let source = net.request_usdc(&payer.pubkey(), USDC).await;
    let destination = net.request_usdc(&recipient.pubkey(), 1).await;
    let transfer = anchor_spl::token::spl_token::instruction::transfer_checked(
        &anchor_spl::token::ID,
        &source,
        &net.mint,
        &destination,
        &payer.pubkey(),
        &[],
        2_500,
        6,
    )
    .unwrap();
    let memo = Instruction::new_with_bytes(
        anchor_lang::prelude::pubkey!("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"),
        b"order-7",
        vec![],
    );
    // SetComputeUnitLimit(200_000): a program this endpoint does not parse.
    let mut limit = vec![2];
    limit.extend_from_slice(&200_000u32.to_le_bytes());
    let compute_budget = Instruction::new_with_bytes(
        anchor_lang::prelude::pubkey!("ComputeBudget111111111111111111111111111111"),
        &limit,
        vec![],
    );
    let tx = net
        .transaction(&[compute_budget, transfer, memo], &payer, &[])
        .await;
    let signature = net.rpc.send_and_confirm_transaction(&tx).await.unwrap();
    let got = net
        .raw(
            &json!({"jsonrpc":"2.0","id":1,"method":"getTransaction",
            "params":[signature.to_string(), {"encoding":"jsonParsed","commitment":"confirmed"}]})
            .to_string(),
        )
        .await;
    let message = &got["result"]["transaction"]["message"];
    let keys = message["accountKeys"].as_array().unwrap();
    assert_eq!(keys[0]["pubkey"], payer.pubkey().to_string());
    assert_eq!(
        (keys[0]["signer"].clone(), keys[0]["writable"].clone()),
        (json!(true), json!(true))
    );
    // An instruction of a program it does not parse is partially decoded, as validators do.
    let budget = &message["instructions"][0];
    assert_eq!(
        budget["programId"],
        "ComputeBudget111111111111111111111111111111"
    );
    assert_eq!(budget["data"], bs58::encode(&limit).into_string());
    assert!(budget.get("parsed").is_none());
    let ix = &message["instructions"][1];
    assert_eq!(ix["program"], "spl-token");
    assert_eq!(ix["programId"], anchor_spl::token::ID.to_string());
    assert_eq!(ix["parsed"]["type"], "transferChecked");
    let info = &ix["parsed"]["info"];
    assert_eq!(info["destination"], destination.to_string());
    assert_eq!(info["mint"], net.mint.to_string());
    assert_eq!(info["authority"], payer.pubkey().to_string());
    assert_eq!(info["tokenAmount"]["amount"], "2500");
    assert_eq!(info["tokenAmount"]["decimals"], 6);
    assert_eq!(info["tokenAmount"]["uiAmountString"], "0.0025");
    assert_eq!(message["instructions"][2]["parsed"], "order-7");
    net.stop();
}
