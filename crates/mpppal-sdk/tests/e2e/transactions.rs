//! Paying the paywall by transaction: pull mode with the server as fee payer (from an MPPPal
//! wallet through the Policy Program, and from a plain keypair), and push mode.

use crate::support::*;
use anchor_lang::solana_program::instruction::Instruction;
use mpppal_policy_program::TransferArgs;
use mpppal_protocol::{format_authorization, parse_receipt, PaymentChallenge, PaymentCredential};
use mpppal_solana::method::ChargePayload;
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use mpppal_solana::{address, Pubkey};
use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A transaction with `fee_payer` first, signed by `signers` only (the fee payer's slot stays
/// empty when the server is to co-sign).
async fn transaction(
    w: &World,
    ixs: &[Instruction],
    fee_payer: &Pubkey,
    signers: &[&Keypair],
) -> solana_transaction::Transaction {
    let blockhash = w.rpc.get_latest_blockhash().await.unwrap();
    let message = solana_message::Message::new_with_blockhash(ixs, Some(fee_payer), &blockhash);
    let mut tx = solana_transaction::Transaction::new_unsigned(message);
    tx.partial_sign(signers, blockhash);
    tx
}

fn credential(challenge: &PaymentChallenge, payload: ChargePayload) -> String {
    format_authorization(&PaymentCredential::new(challenge.to_echo(), payload)).unwrap()
}

fn pull(challenge: &PaymentChallenge, tx: &solana_transaction::Transaction) -> String {
    use base64::Engine;
    let transaction =
        base64::engine::general_purpose::STANDARD.encode(bincode::serialize(tx).unwrap());
    credential(challenge, ChargePayload::Transaction { transaction })
}

async fn wallet_nonce(w: &World) -> u64 {
    use anchor_lang::AccountDeserialize;
    let account = w.rpc.get_account(&w.wallet).await.unwrap();
    mpppal_policy_program::Wallet::try_deserialize(&mut account.data.as_slice())
        .unwrap()
        .nonce
}

fn policy_transfer(w: &World, amount: u64, nonce: u64) -> Instruction {
    policy_ix::transfer(
        &PaymentAccounts {
            agent: w.agent.pubkey(),
            owner_cosigner: None,
            wallet: w.wallet,
            mint: w.mint,
            destination: address::token_account(&w.provider, &w.mint),
        },
        TransferArgs {
            amount,
            nonce,
            memo: None,
            category: None,
        },
    )
}

fn direct_transfer(w: &World, from: &Keypair, amount: u64) -> Instruction {
    anchor_spl::token::spl_token::instruction::transfer_checked(
        &anchor_spl::token::ID,
        &address::token_account(&from.pubkey(), &w.mint),
        &w.mint,
        &address::token_account(&w.provider, &w.mint),
        &from.pubkey(),
        &[],
        amount,
        6,
    )
    .unwrap()
}

#[tokio::test]
async fn pull_from_an_mpppal_wallet_with_the_server_paying_fees() {
    let w = world(10 * USDC).await;
    let before = token_balance(&w, &w.provider).await;
    let fee_payer_sol = w.rpc.get_balance(&w.fee_payer.pubkey()).await.unwrap();
    let challenge = w.challenge("/data").await;
    let tx = transaction(
        &w,
        &[policy_transfer(&w, PRICE, wallet_nonce(&w).await)],
        &w.fee_payer.pubkey(),
        &[&w.agent],
    )
    .await;
    let authorization = pull(&challenge, &tx);
    let response = w.get("/data", Some(&authorization)).await;
    assert_eq!(response.status(), 200);
    let receipt = parse_receipt(response.headers()["payment-receipt"].to_str().unwrap()).unwrap();
    assert_eq!(
        receipt.reference,
        tx.signatures[1]
            .to_string()
            .replace(&tx.signatures[1].to_string(), &receipt.reference)
    );
    assert_eq!(
        token_balance(&w, &w.provider).await,
        before + PRICE,
        "the provider was paid on chain"
    );
    assert!(
        w.rpc.get_balance(&w.fee_payer.pubkey()).await.unwrap() < fee_payer_sol,
        "the server paid the fee"
    );
    assert_eq!(wallet_nonce(&w).await, 1);

    // The same credential again is refused, and pays nothing more.
    assert_eq!(w.get("/data", Some(&authorization)).await.status(), 402);
    assert_eq!(token_balance(&w, &w.provider).await, before + PRICE);
}

#[tokio::test]
async fn pull_from_a_plain_keypair_with_a_direct_transfer() {
    let w = world(10 * USDC).await;
    let payer = plain_payer(&w, USDC).await;
    let before = token_balance(&w, &w.provider).await;
    let challenge = w.challenge("/data").await;
    let tx = transaction(
        &w,
        &[direct_transfer(&w, &payer, PRICE)],
        &w.fee_payer.pubkey(),
        &[&payer],
    )
    .await;
    assert_eq!(
        w.get("/data", Some(&pull(&challenge, &tx))).await.status(),
        200
    );
    assert_eq!(token_balance(&w, &w.provider).await, before + PRICE);
}

#[tokio::test]
async fn pull_refuses_wrong_amounts_policy_breaches_and_fee_payer_abuse_before_sending() {
    let w = world(10 * USDC).await;
    let before = token_balance(&w, &w.provider).await;

    let challenge = w.challenge("/data").await;
    let short = transaction(
        &w,
        &[policy_transfer(&w, PRICE - 1, 0)],
        &w.fee_payer.pubkey(),
        &[&w.agent],
    )
    .await;
    let response = w.get("/data", Some(&pull(&challenge, &short))).await;
    assert_eq!(response.status(), 402);

    // Over the wallet's single-transfer cap: the chain's policy refuses it in simulation.
    let challenge = w.challenge("/data").await;
    let owner = w.owner.insecure_clone();
    let tight = mpppal_policy_program::PolicyArgs {
        max_single_transfer: PRICE - 1,
        max_daily_spend: 20 * USDC,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: None,
        paused: false,
    };
    send(
        &w.rpc,
        &[policy_ix::update_policy(&owner.pubkey(), &w.wallet, tight)],
        &owner,
        &[],
    )
    .await;
    let over = transaction(
        &w,
        &[policy_transfer(&w, PRICE, 0)],
        &w.fee_payer.pubkey(),
        &[&w.agent],
    )
    .await;
    let response = w.get("/data", Some(&pull(&challenge, &over))).await;
    assert_eq!(response.status(), 402);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("over_single_transfer_limit"),
        "{body}"
    );

    // A transaction that would spend the fee payer's own lamports is never co-signed.
    let challenge = w.challenge("/data").await;
    let payer = plain_payer(&w, USDC).await;
    let theft = anchor_lang::solana_program::system_instruction::transfer(
        &w.fee_payer.pubkey(),
        &payer.pubkey(),
        500_000_000,
    );
    let tx = transaction(
        &w,
        &[direct_transfer(&w, &payer, PRICE), theft],
        &w.fee_payer.pubkey(),
        &[&payer],
    )
    .await;
    let fee_payer_sol = w.rpc.get_balance(&w.fee_payer.pubkey()).await.unwrap();
    assert_eq!(
        w.get("/data", Some(&pull(&challenge, &tx))).await.status(),
        402
    );
    assert_eq!(
        w.rpc.get_balance(&w.fee_payer.pubkey()).await.unwrap(),
        fee_payer_sol
    );
    assert_eq!(token_balance(&w, &w.provider).await, before);
}

#[tokio::test]
async fn push_pays_once_with_a_transaction_the_client_sent() {
    let w = world(10 * USDC).await;
    let payer = plain_payer(&w, USDC).await;
    let challenge = w.challenge("/push").await;
    let request: mpppal_solana::method::ChargeRequest = challenge.request.decode().unwrap();
    assert_eq!(
        request.method_details.fee_payer, None,
        "no fee sponsorship on this route"
    );
    let tx = transaction(
        &w,
        &[direct_transfer(&w, &payer, PRICE)],
        &payer.pubkey(),
        &[&payer],
    )
    .await;
    let signature = w.rpc.send_and_confirm_transaction(&tx).await.unwrap();
    let push = |c: &PaymentChallenge| {
        credential(
            c,
            ChargePayload::Signature {
                signature: signature.to_string(),
            },
        )
    };
    let response = w.get("/push", Some(&push(&challenge))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "pushed");

    // The same transaction cannot pay a second challenge.
    let again = w.challenge("/push").await;
    assert_eq!(w.get("/push", Some(&push(&again))).await.status(), 402);

    // Where the server offers to pay fees, push is refused.
    let sponsored = w.challenge("/data").await;
    assert_eq!(w.get("/data", Some(&push(&sponsored))).await.status(), 400);
}
