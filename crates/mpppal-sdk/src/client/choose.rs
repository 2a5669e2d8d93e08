//! Picking, among a 402's challenges, the one this wallet pays.

use anchor_lang::prelude::Pubkey;
use mpppal_protocol::{parse_receipt, parse_www_authenticate_all, PaymentChallenge};
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::ChargeRequest;

/// How a chosen charge will be paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayBy {
    /// An MPPPal deferred receipt that may live this many seconds.
    Receipt { ttl: u32 },
    /// A Policy Program transfer whose fees the server pays.
    SponsoredTransaction { fee_payer: Pubkey },
    /// A transaction the payer sends and pays fees for itself; the server gets its signature.
    /// MPPPal wallets pay this way only with a fee payer (they hold no SOL themselves).
    Push,
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

/// A vet hook declining any single charge above `max` base units.
pub(super) fn max_price(max: u64) -> impl Fn(&ChargeOffer) -> Result<(), String> {
    move |offer| {
        if offer.charge.amount > max {
            Err(format!(
                "price {} is above the maximum {max}",
                offer.charge.amount
            ))
        } else {
            Ok(())
        }
    }
}

/// The Payment challenges of a 402, skipping any that do not parse.
pub(super) fn challenges_of(response: &reqwest::Response) -> Vec<PaymentChallenge> {
    let headers: Vec<&str> = response
        .headers()
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    parse_www_authenticate_all(headers)
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

/// The server's `Payment-Receipt`, when it sent a readable one.
pub(super) fn receipt_of(response: &reqwest::Response) -> Option<mpppal_protocol::Receipt> {
    response
        .headers()
        .get("payment-receipt")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_receipt(v).ok())
}

/// A current `solana` charge challenge's request, validated; or why it cannot be paid.
pub(super) fn solana_charge(
    challenge: &PaymentChallenge,
) -> Result<(ChargeRequest, ValidCharge), String> {
    if challenge.method.as_str() != "solana" || challenge.intent.as_str() != "charge" {
        return Err(format!(
            "{}/{} not supported",
            challenge.method, challenge.intent
        ));
    }
    if challenge.is_expired() {
        return Err("challenge expired".into());
    }
    let request: ChargeRequest = challenge
        .request
        .decode()
        .map_err(|e| format!("unreadable request: {e}"))?;
    let charge = request
        .validate()
        .map_err(|e| format!("invalid request: {e}"))?;
    Ok((request, charge))
}

/// The first challenge this wallet can pay in `mint`, preferring receipts through
/// `settlement_program` (no transaction, served at once) to sponsored transactions, and those
/// to pushing a transaction itself (only `can_push`: it has a key to pay the fee); or why none.
pub fn choose(
    challenges: Vec<PaymentChallenge>,
    mint: &Pubkey,
    settlement_program: &Pubkey,
    can_push: bool,
) -> Result<ChargeOffer, String> {
    first_payable(challenges, |request, charge| {
        if charge.mint.as_ref() != Some(mint) {
            return Err("asks for another currency than the wallet holds".into());
        }
        match (&request.method_details.mpppal_receipt, charge.fee_payer) {
            (Some(offer), _) if offer.settlement_program == settlement_program.to_string() => {
                Ok(PayBy::Receipt {
                    ttl: offer.max_ttl_seconds,
                })
            }
            // MPPPal wallets hold no SOL: a transaction needs someone else to pay its fees.
            (_, Some(fee_payer)) => Ok(PayBy::SponsoredTransaction { fee_payer }),
            (_, None) if can_push => Ok(PayBy::Push),
            (Some(_), None) => Err("receipts would settle through an unknown program".into()),
            (None, None) => Err(
                "neither receipts nor fee sponsorship offered, and the client has no fee payer"
                    .into(),
            ),
        }
    })
}

/// The first valid `solana` charge that `pay_by` says how to pay; or every reason why none.
pub(super) fn first_payable(
    challenges: Vec<PaymentChallenge>,
    pay_by: impl Fn(&ChargeRequest, &ValidCharge) -> Result<PayBy, String>,
) -> Result<ChargeOffer, String> {
    let mut reasons = Vec::new();
    for challenge in challenges {
        match solana_charge(&challenge)
            .and_then(|(request, charge)| pay_by(&request, &charge).map(|how| (charge, how)))
        {
            Ok((charge, pay_by)) => {
                return Ok(ChargeOffer {
                    challenge,
                    charge,
                    pay_by,
                })
            }
            Err(reason) => reasons.push(reason),
        }
    }
    Err(if reasons.is_empty() {
        "the 402 carried no Payment challenge".into()
    } else {
        reasons.join("; ")
    })
}
