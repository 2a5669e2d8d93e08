//! A deferred receipt accepted off chain (the paywall's checks) settles on chain byte for byte.

use crate::support::*;
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::receipt::{check_receipt, sign_receipt, ReceiptContext};
use mpppal_solana::method::Network;
use mpppal_solana::settlement_ix;
use mpppal_solana::signed::{ed25519_instruction, SignedMessage};
use solana_signer::Signer;

#[tokio::test]
async fn a_receipt_the_paywall_accepts_is_one_the_chain_settles() {
    let mut f = fixture().await;
    let charge = ValidCharge {
        amount: 420_000,
        mint: Some(f.mint()),
        recipient: f.bob.pubkey(),
        fee_payer: None,
        splits: vec![],
        network: Network::Localnet,
    };
    let agent = f.agent.insecure_clone();
    let payload = sign_receipt(&agent, &f.wallet, &charge, "ch_flow", NOON + 300, None).unwrap();

    let wallet = f.wallet_state().await;
    let balance = f.balance(&f.vault.clone()).await;
    let accepted = check_receipt(
        &payload,
        &f.wallet,
        &ReceiptContext {
            charge: &charge,
            challenge_id: "ch_flow",
            wallet: &wallet,
            vault_balance: balance,
            pending: 0,
            now: NOON,
            latest_expiry: NOON + 600,
        },
    )
    .expect("the paywall accepts it");

    let r = accepted.receipt;
    let settler = f.chain.payer().pubkey();
    let ix = settlement_ix::settle_batch(
        &settler,
        None,
        &f.wallet,
        &f.mint(),
        &f.bob.pubkey(),
        &[r.challenge_hash],
    );
    let signed = SignedMessage {
        signer: agent.pubkey(),
        message: r.message().to_vec(),
        signature: accepted.signature,
    };
    f.chain
        .send(&[ed25519_instruction(&[signed]), ix], &[])
        .await
        .unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 420_000);
}
