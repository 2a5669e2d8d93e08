//! Picking, among a 402's challenges, the one this wallet pays.

use anchor_lang::prelude::Pubkey;
use mpppal_protocol::PaymentChallenge;
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::ChargeRequest;

/// A charge the client could pay, shown to the application's vetting hook.
#[derive(Clone, Debug)]
pub struct ChargeOffer {
    pub challenge: PaymentChallenge,
    pub charge: ValidCharge,
    /// Seconds a receipt may live, as the paywall offers.
    pub receipt_ttl: u32,
}

/// The application's say on a charge before anything is signed: `Err(reason)` declines.
pub type Vet = dyn Fn(&ChargeOffer) -> Result<(), String> + Send + Sync;

/// The first challenge payable by receipt in `mint` through `settlement_program`, or why none is.
pub fn choose(
    challenges: Vec<PaymentChallenge>,
    mint: &Pubkey,
    settlement_program: &Pubkey,
) -> Result<ChargeOffer, String> {
    let mut reasons = Vec::new();
    for challenge in challenges {
        if challenge.method.as_str() != "solana" || challenge.intent.as_str() != "charge" {
            reasons.push(format!(
                "{}/{} not supported",
                challenge.method, challenge.intent
            ));
            continue;
        }
        if challenge.is_expired() {
            reasons.push("challenge expired".into());
            continue;
        }
        let request: ChargeRequest = match challenge.request.decode() {
            Ok(r) => r,
            Err(e) => {
                reasons.push(format!("unreadable request: {e}"));
                continue;
            }
        };
        let charge = match request.validate() {
            Ok(c) => c,
            Err(e) => {
                reasons.push(format!("invalid request: {e}"));
                continue;
            }
        };
        let Some(offer) = request.method_details.mpppal_receipt else {
            reasons.push("no MPPPal receipt offer".into());
            continue;
        };
        if offer.settlement_program != settlement_program.to_string() {
            reasons.push("receipts would settle through an unknown program".into());
            continue;
        }
        if charge.mint.as_ref() != Some(mint) {
            reasons.push("asks for another currency than the wallet holds".into());
            continue;
        }
        return Ok(ChargeOffer {
            challenge,
            charge,
            receipt_ttl: offer.max_ttl_seconds,
        });
    }
    Err(if reasons.is_empty() {
        "the 402 carried no Payment challenge".into()
    } else {
        reasons.join("; ")
    })
}
