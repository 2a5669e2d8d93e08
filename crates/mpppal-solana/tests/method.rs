//! The `solana` method's wire types: what is accepted, what is refused and why.

use mpppal_solana::method::{ChargePayload, ChargeRequest, MethodError, Network, SignedVoucher};
use mpppal_solana::Pubkey;
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

const USDC_MINT: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const RECIPIENT: &str = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";

fn usdc_charge() -> serde_json::Value {
    json!({
        "amount": "1000000",
        "currency": USDC_MINT,
        "recipient": RECIPIENT,
        "description": "Premium API call",
        "methodDetails": {
            "network": "mainnet-beta",
            "decimals": 6,
            "tokenProgram": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
    })
}

fn parse(value: serde_json::Value) -> ChargeRequest {
    serde_json::from_value(value).expect("well-formed JSON")
}

fn field_of(err: MethodError) -> &'static str {
    match err {
        MethodError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    }
}

#[test]
fn the_drafts_usdc_example_validates_and_round_trips() {
    let request = parse(usdc_charge());
    let valid = request.validate().unwrap();
    assert_eq!(valid.amount, 1_000_000);
    assert_eq!(valid.mint.unwrap().to_string(), USDC_MINT);
    assert_eq!(valid.network, Network::MainnetBeta);
    assert_eq!(serde_json::to_value(&request).unwrap(), usdc_charge());
}

#[test]
fn amounts_must_be_positive_canonical_u64_strings() {
    for bad in [
        "0",
        "01",
        "-1",
        "1.5",
        "1e6",
        "",
        " 1",
        "18446744073709551616",
    ] {
        let mut v = usdc_charge();
        v["amount"] = json!(bad);
        assert_eq!(
            field_of(parse(v).validate().unwrap_err()),
            "amount",
            "{bad:?}"
        );
    }
    let mut v = usdc_charge();
    v["amount"] = json!("18446744073709551615");
    assert_eq!(parse(v).validate().unwrap().amount, u64::MAX);
}

#[test]
fn method_details_rules_are_enforced() {
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (json!({"network": "devnet"}), "methodDetails.decimals"),
        (json!({"decimals": 12}), "methodDetails.decimals"),
        (
            json!({"decimals": 6, "tokenProgram": RECIPIENT}),
            "methodDetails.tokenProgram",
        ),
        (
            json!({"decimals": 6, "feePayer": true}),
            "methodDetails.feePayerKey",
        ),
        (
            json!({"decimals": 6, "feePayerKey": RECIPIENT}),
            "methodDetails.feePayerKey",
        ),
        (
            json!({"decimals": 6, "splits": [{"recipient": RECIPIENT, "amount": "1000000"}]}),
            "methodDetails.splits",
        ),
        (
            json!({"decimals": 6, "splits": vec![json!({"recipient": RECIPIENT, "amount": "1"}); 9]}),
            "methodDetails.splits",
        ),
        (
            json!({"decimals": 6, "mpppalReceipt": {"settlementProgram": RECIPIENT, "maxTtlSeconds": 0}}),
            "methodDetails.mpppalReceipt.maxTtlSeconds",
        ),
    ];
    for (details, field) in cases {
        let mut v = usdc_charge();
        v["methodDetails"] = details.clone();
        assert_eq!(
            field_of(parse(v).validate().unwrap_err()),
            field,
            "{details}"
        );
    }
}

#[test]
fn native_sol_takes_no_token_details_and_no_receipts() {
    let sol = json!({"amount": "10000000", "currency": "sol", "recipient": RECIPIENT});
    assert!(parse(sol.clone()).validate().unwrap().mint.is_none());
    let mut with_decimals = sol.clone();
    with_decimals["methodDetails"] = json!({"decimals": 9});
    assert_eq!(
        field_of(parse(with_decimals).validate().unwrap_err()),
        "methodDetails"
    );
    let mut with_receipts = sol;
    with_receipts["methodDetails"] =
        json!({"mpppalReceipt": {"settlementProgram": RECIPIENT, "maxTtlSeconds": 600}});
    assert_eq!(
        field_of(parse(with_receipts).validate().unwrap_err()),
        "methodDetails.mpppalReceipt"
    );
}

#[test]
fn splits_leave_the_primary_recipient_the_rest() {
    let mut v = usdc_charge();
    v["amount"] = json!("1050000");
    v["methodDetails"]["splits"] =
        json!([{"recipient": RECIPIENT, "amount": "50000", "memo": "platform fee"}]);
    let valid = parse(v).validate().unwrap();
    assert_eq!(
        valid.splits,
        vec![(RECIPIENT.parse::<Pubkey>().unwrap(), 50_000)]
    );
}

#[test]
fn payloads_are_tagged_by_type() {
    let pull: ChargePayload =
        serde_json::from_value(json!({"type": "transaction", "transaction": "AQID"})).unwrap();
    assert_eq!(pull.transaction_bytes().unwrap(), Some(vec![1, 2, 3]));
    let push: ChargePayload =
        serde_json::from_value(json!({"type": "signature", "signature": "5Uf"})).unwrap();
    assert!(matches!(push, ChargePayload::Signature { .. }));
    let receipt: ChargePayload = serde_json::from_value(json!({
        "type": "receipt", "wallet": RECIPIENT, "expiresAt": 1_800_000_000, "signature": "x"
    }))
    .unwrap();
    let ChargePayload::Receipt(r) = receipt else {
        panic!("receipt")
    };
    assert_eq!(r.wallet().unwrap().to_string(), RECIPIENT);
    assert!(r.signature().is_err(), "a 1-byte signature is refused");
    assert!(serde_json::from_value::<ChargePayload>(json!({"type": "iou"})).is_err());
    let huge = ChargePayload::Transaction {
        transaction: base64_of(&vec![0u8; 1233]),
    };
    assert_eq!(
        field_of(huge.transaction_bytes().unwrap_err()),
        "transaction"
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn vouchers_verify_only_against_the_channel_signer() {
    let agent = Keypair::new();
    let channel = Pubkey::new_unique();
    let voucher = SignedVoucher::sign(&agent, &channel, 250_000, 0);
    let verified = voucher.verify(&agent.pubkey()).unwrap();
    assert_eq!(
        (verified.channel, verified.cumulative, verified.expires_at),
        (channel, 250_000, 0)
    );

    // The payload names its signer, but only the channel's signer from chain state counts.
    let mallory = Keypair::new();
    let forged = SignedVoucher::sign(&mallory, &channel, 250_000, 0);
    assert!(forged.verify(&agent.pubkey()).is_err());
    // Its claims can be read without the signature (a paywall serving before verifying decides
    // on them); naming the channel's signer passes them, the signature check then fails.
    let mut claiming = forged.clone();
    claiming.signer = agent.pubkey().to_string();
    let claim = claiming.claims(&agent.pubkey()).unwrap();
    assert_eq!((claim.channel, claim.cumulative), (channel, 250_000));
    assert_eq!(
        claim.check_signature(&agent.pubkey()).unwrap_err(),
        MethodError::BadSignature
    );

    let mut raised = voucher.clone();
    raised.voucher.cumulative_amount = "260000".into();
    assert_eq!(
        raised.verify(&agent.pubkey()).unwrap_err(),
        MethodError::BadSignature
    );

    let mut other_type = voucher;
    other_type.signature_type = "secp256r1".into();
    assert_eq!(
        field_of(other_type.verify(&agent.pubkey()).unwrap_err()),
        "signatureType"
    );
}
