//! Picking, among a 402's challenges, the one this wallet pays.

use anchor_lang::prelude::Pubkey;
use mpppal_protocol::PaymentChallenge;
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::ChargeRequest;

/// How a chosen charge will be paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayBy {
    /// An MPPPal deferred receipt that may live this many seconds.
    Receipt { ttl: u32 },
    /// A Policy Program transfer whose fees the server pays.
    SponsoredTransaction { fee_payer: Pubkey },
}

/// A charge the client could pay, shown to the application's vetting hook.
#[derive(Clone, Debug)]
pub struct ChargeOffer {
    pub challenge: PaymentChallenge,
    pub charge: ValidCharge,
    pub pay_by: PayBy,
}

/// The application's say on a charge before anything is signed: `Err(reason)` declines.
pub type Vet = dyn Fn(&ChargeOffer) -> Result<(), String> + Send + Sync;

/// The first challenge this wallet can pay in `mint`, preferring receipts through
/// `settlement_program` (no transaction, served at once) to sponsored transactions; or why none.
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
        if charge.mint.as_ref() != Some(mint) {
            reasons.push("asks for another currency than the wallet holds".into());
            continue;
        }
        let pay_by = match (&request.method_details.mpppal_receipt, charge.fee_payer) {
            (Some(offer), _) if offer.settlement_program == settlement_program.to_string() => {
                PayBy::Receipt {
                    ttl: offer.max_ttl_seconds,
                }
            }
            // MPPPal wallets hold no SOL: a transaction needs the server to pay its fees.
            (_, Some(fee_payer)) => PayBy::SponsoredTransaction { fee_payer },
            (Some(_), None) => {
                reasons.push("receipts would settle through an unknown program".into());
                continue;
            }
            (None, None) => {
                reasons.push("neither receipts nor fee sponsorship offered".into());
                continue;
            }
        };
        return Ok(ChargeOffer {
            challenge,
            charge,
            pay_by,
        });
    }
    Err(if reasons.is_empty() {
        "the 402 carried no Payment challenge".into()
    } else {
        reasons.join("; ")
    })
}
