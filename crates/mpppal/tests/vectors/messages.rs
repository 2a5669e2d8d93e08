//! Signed messages and credentials: session vouchers, deferred receipts, and the `Payment`
//! credential headers that carry them, for a challenge as `mpppal provider` issues one.

use mpppal_protocol::{
    base64url, format_authorization, format_www_authenticate, Base64UrlJson, PaymentChallenge,
    PaymentCredential,
};
use mpppal_solana::method::session::{SessionAction, SessionDetails, SessionRequest};
use mpppal_solana::method::{
    ChargePayload, ChargeRequest, MethodDetails, Network, ReceiptOffer, ReceiptPayload,
    SignedVoucher,
};
use mpppal_solana::signed::{category_field, challenge_hash, Receipt, SignedMessage};
use mpppal_solana::{address, SETTLEMENT_PROGRAM_ID};
use serde_json::{json, Value};

use super::{address as fill, key, pubkey_of};

/// The local USDC mint of the vectors (any key serves: the bytes are what is compared).
fn mint() -> anchor_lang::prelude::Pubkey {
    fill(0x55)
}

pub fn vouchers() -> Value {
    let (agent, seed) = key(11);
    let wallet = address::wallet(&fill(0x21));
    let rows = [
        ("the first voucher of a session", 0u64, 1_000u64, 0i64),
        ("a later cumulative amount", 0, 250_000, 0),
        ("with an expiry", 1, 42, 1_800_000_000),
        ("the largest amount", 2, u64::MAX, i64::MAX),
    ];
    rows.iter()
        .map(|(name, session_id, cumulative, expires_at)| {
            let channel = address::session(&wallet, *session_id);
            let voucher = SignedVoucher::sign(&agent, &channel, *cumulative, *expires_at);
            let message = mpppal_settlement_program::messages::voucher_message(
                &channel,
                *cumulative,
                *expires_at,
            );
            json!({
                "name": name,
                "signerSecretKey": seed,
                "signer": pubkey_of(&agent).to_string(),
                "channel": channel.to_string(),
                "cumulative": cumulative.to_string(),
                "expiresAt": expires_at,
                "message": hex::encode(message),
                "signature": voucher.signature,
                "payload": serde_json::to_value(&voucher).expect("serialises"),
            })
        })
        .collect()
}

fn receipt_rows() -> Vec<(&'static str, Receipt, &'static str, Option<&'static str>)> {
    let wallet = address::wallet(&fill(0x22));
    let recipient = fill(0x33);
    let row = |name, amount, expires_at, challenge_id, category| {
        (
            name,
            Receipt {
                wallet,
                recipient,
                mint: mint(),
                amount,
                expires_at,
                challenge_hash: challenge_hash(challenge_id),
                category: category_field(category).expect("fits"),
            },
            challenge_id,
            category,
        )
    };
    vec![
        row(
            "a receipt without category",
            2_500,
            1_800_000_600,
            "Zm9vYmFy-challenge",
            None,
        ),
        row(
            "a receipt with a category",
            1_000_000,
            1_800_000_000,
            "abc123",
            Some("search"),
        ),
        row(
            "a category of exactly 32 bytes",
            1,
            1,
            "x",
            Some("cccccccccccccccccccccccccccccccc"),
        ),
        row(
            "a multibyte challenge id",
            u64::MAX,
            i64::MAX,
            "défi-✓",
            Some("llm-inference"),
        ),
    ]
}

pub fn receipts() -> Value {
    let (agent, seed) = key(12);
    receipt_rows()
        .into_iter()
        .map(|(name, receipt, challenge_id, category)| {
            let signed = SignedMessage::sign(&agent, receipt.message().to_vec());
            json!({
                "name": name,
                "signerSecretKey": seed,
                "signer": pubkey_of(&agent).to_string(),
                "wallet": receipt.wallet.to_string(),
                "recipient": receipt.recipient.to_string(),
                "mint": receipt.mint.to_string(),
                "amount": receipt.amount.to_string(),
                "expiresAt": receipt.expires_at,
                "challengeId": challenge_id,
                "challengeHash": hex::encode(receipt.challenge_hash),
                "category": category,
                "message": hex::encode(signed.message),
                "signature": solana_signature::Signature::from(signed.signature).to_string(),
            })
        })
        .collect()
}

const CHALLENGE_SECRET: &str = "vectors-challenge-secret-of-at-least-32-bytes";

fn challenge(intent: &str, request: Value, nonce: u8) -> PaymentChallenge {
    let opaque = Base64UrlJson::from_value(&json!({ "nonce": base64url::encode(&[nonce; 16]) }))
        .expect("encodes");
    PaymentChallenge::with_secret_key_full(
        CHALLENGE_SECRET,
        "127.0.0.1:8080".to_string(),
        "solana",
        intent,
        Base64UrlJson::from_value(&request).expect("encodes"),
        Some("2027-01-15T08:05:00Z"),
        None,
        None,
        Some(opaque),
        None,
    )
}

fn charge_request(fee_payer: &anchor_lang::prelude::Pubkey) -> Value {
    serde_json::to_value(ChargeRequest {
        amount: "2500".into(),
        currency: mint().to_string(),
        recipient: fill(0x33).to_string(),
        description: None,
        external_id: None,
        method_details: MethodDetails {
            network: Some(Network::Localnet),
            decimals: Some(6),
            token_program: Some("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA".into()),
            mpppal_receipt: Some(ReceiptOffer {
                settlement_program: SETTLEMENT_PROGRAM_ID.to_string(),
                max_ttl_seconds: 600,
            }),
            fee_payer: Some(true),
            fee_payer_key: Some(fee_payer.to_string()),
            ..MethodDetails::default()
        },
    })
    .expect("serialises")
}

fn session_request(fee_payer: &anchor_lang::prelude::Pubkey) -> Value {
    serde_json::to_value(SessionRequest {
        amount: "1000".into(),
        currency: mint().to_string(),
        recipient: fill(0x33).to_string(),
        unit_type: Some("request".into()),
        suggested_deposit: Some("2000000".into()),
        method_details: SessionDetails {
            network: Network::Localnet,
            channel_program: SETTLEMENT_PROGRAM_ID.to_string(),
            decimals: 6,
            fee_payer: Some(true),
            fee_payer_key: Some(fee_payer.to_string()),
            min_voucher_delta: Some("1000".into()),
        },
    })
    .expect("serialises")
}

pub fn credentials() -> Value {
    let (agent, _) = key(12);
    let fee_payer = fill(0x44);
    let charge = challenge("charge", charge_request(&fee_payer), 1);
    let session = challenge("session", session_request(&fee_payer), 2);
    let wallet = address::wallet(&fill(0x22));
    let channel = address::session(&wallet, 7);
    let (_, receipt, _, _) = receipt_rows().remove(0);
    let receipt_signature = SignedMessage::sign(&agent, receipt.message().to_vec()).signature;
    let voucher = SignedVoucher::sign(&agent, &channel, 3_000, 0);
    let rows: Vec<(&str, &PaymentChallenge, Value)> = vec![
        (
            "a deferred receipt",
            &charge,
            serde_json::to_value(ChargePayload::Receipt(ReceiptPayload {
                wallet: wallet.to_string(),
                expires_at: 1_800_000_600,
                category: None,
                signature: solana_signature::Signature::from(receipt_signature).to_string(),
            }))
            .expect("serialises"),
        ),
        (
            "a pull payment (the transaction bytes are illustrative)",
            &charge,
            serde_json::to_value(ChargePayload::Transaction {
                transaction: "AQIDBA==".into(),
            })
            .expect("serialises"),
        ),
        (
            "a push payment",
            &charge,
            serde_json::to_value(ChargePayload::Signature {
                signature: solana_signature::Signature::from([9u8; 64]).to_string(),
            })
            .expect("serialises"),
        ),
        (
            "a session voucher",
            &session,
            serde_json::to_value(SessionAction::Voucher {
                channel_id: channel.to_string(),
                voucher: voucher.clone(),
            })
            .expect("serialises"),
        ),
        (
            "a session close",
            &session,
            serde_json::to_value(SessionAction::Close {
                channel_id: channel.to_string(),
                voucher: Some(voucher),
            })
            .expect("serialises"),
        ),
    ];
    rows.into_iter()
        .map(|(name, challenge, payload)| {
            let credential = PaymentCredential::new(challenge.to_echo(), payload.clone());
            json!({
                "name": name,
                "wwwAuthenticate": format_www_authenticate(challenge).expect("formats"),
                "challengeId": challenge.id,
                "payload": payload,
                "authorization": format_authorization(&credential).expect("formats"),
            })
        })
        .collect()
}
