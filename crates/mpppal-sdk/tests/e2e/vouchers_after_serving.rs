//! A paywall that serves session requests before verifying the voucher's signature (ADR 0019):
//! a forged voucher costs the provider that one request and nothing else, the channel then
//! verifies first, the payer's own vouchers still go through, and the close pays exactly what
//! the payer signed.

use crate::sessions::{opened_session, problem, voucher_credential};
use crate::support::*;
use mpppal_protocol::parse_receipt;
use mpppal_sdk::paywall::{ChannelRecord, ChannelStore};
use mpppal_solana::Pubkey;
use solana_keypair::Keypair;
use std::time::Duration;

async fn record(w: &World, channel: &Pubkey) -> ChannelRecord {
    w.after_channels
        .load(channel)
        .await
        .unwrap()
        .expect("the channel is known")
        .record
}

/// Waits until the channel's record satisfies `done` (verification runs after the response).
async fn settled(
    w: &World,
    channel: &Pubkey,
    done: impl Fn(&ChannelRecord) -> bool,
) -> ChannelRecord {
    for _ in 0..200 {
        let current = record(w, channel).await;
        if done(&current) {
            return current;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "the channel record never reached the expected state: {:?}",
        record(w, channel).await
    );
}

#[tokio::test]
async fn a_forged_voucher_costs_one_request_and_the_close_pays_what_the_payer_signed() {
    let w = world(10 * USDC).await;
    let url = format!("{}/metered", w.after_api);
    let (agent, channel) = opened_session(&w, &w.after_api).await;
    for _ in 0..3 {
        let paid = agent.get(&url).await.unwrap();
        assert_eq!(
            (paid.response.status().as_u16(), paid.paid),
            (200, SESSION_PRICE)
        );
    }
    let verified = settled(&w, &channel, |r| r.accepted == 3 * SESSION_PRICE).await;
    assert!(!verified.verify_first);

    // A failed handler is not charged: nothing is recorded for its voucher.
    let challenge = w.challenge_at(&w.after_api, "/metered").await;
    let broken = w
        .get_at(
            &w.after_api,
            "/metered-broken",
            Some(&voucher_credential(
                &challenge,
                &channel,
                &w.agent,
                4 * SESSION_PRICE,
            )),
        )
        .await;
    assert_eq!(broken.status(), 500);

    // A voucher claiming the channel's signer but signed by someone else is served once: its
    // signature is checked after the response.
    let mallory = Keypair::new();
    let mut forged = voucher_credential(&challenge, &channel, &mallory, 4 * SESSION_PRICE);
    forged = claim_signer(&forged, &w.agent);
    let served = w.get_at(&w.after_api, "/metered", Some(&forged)).await;
    assert_eq!(served.status(), 200, "served before verification");
    let receipt = parse_receipt(served.headers()["payment-receipt"].to_str().unwrap()).unwrap();
    assert_eq!(receipt.extensions["acceptedCumulative"], "4000");

    // Found out: nothing of it is recorded, and the channel now verifies before serving.
    let after = settled(&w, &channel, |r| r.verify_first).await;
    assert_eq!(after.accepted, 3 * SESSION_PRICE);
    assert_eq!(
        after
            .best
            .as_ref()
            .map(|v| v.voucher.cumulative_amount.as_str()),
        Some("3000")
    );
    let again = claim_signer(
        &voucher_credential(&challenge, &channel, &mallory, 5 * SESSION_PRICE),
        &w.agent,
    );
    assert_eq!(
        problem(w.get_at(&w.after_api, "/metered", Some(&again)).await).await,
        (402, "session/invalid-signature".into())
    );

    // The payer's own next voucher (4,000) still goes through, now verified first.
    let paid = agent.get(&url).await.unwrap();
    assert_eq!(
        (paid.response.status().as_u16(), paid.paid),
        (200, SESSION_PRICE)
    );
    assert_eq!(record(&w, &channel).await.accepted, 4 * SESSION_PRICE);

    // The close pays the payer's 4,000, not a unit more.
    let before = w.provider_usdc().await;
    let closed = agent.close_sessions().await.unwrap();
    assert_eq!(closed[0]["paid"], "4000");
    assert_eq!(w.provider_usdc().await, before + 4 * SESSION_PRICE);
    assert_eq!(w.vault_usdc().await, 10 * USDC - 4 * SESSION_PRICE);
}

/// The same credential with the voucher's `signer` field set to `signer`, as a forger would.
fn claim_signer(authorization: &str, signer: &Keypair) -> String {
    use solana_signer::Signer;
    let mut credential = mpppal_protocol::parse_authorization(authorization).unwrap();
    credential.payload["voucher"]["signer"] = serde_json::json!(signer.pubkey().to_string());
    mpppal_protocol::format_authorization(&credential).unwrap()
}
