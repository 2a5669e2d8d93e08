//! Verifying a credential: the challenge it echoes, then its payment (receipt, pull or push).

use anchor_lang::prelude::Pubkey;
use mpppal_protocol::{base64url, ChallengeEcho, PaymentChallenge};
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::legs::{check_legs, expected_legs};
use mpppal_solana::method::receipt::{check_receipt, AcceptedReceipt, ReceiptContext};
use mpppal_solana::method::{ChargePayload, ChargeRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use solana_message::compiled_instruction::CompiledInstruction;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;

use super::gate::{now, Shared};
use super::problem::Problem;
use super::store::ReserveError;
use crate::chain::{parse_signature, uses_lookup_tables};
use crate::wallets::WalletReader;

/// How the request was paid.
pub(super) enum Paid {
    /// A deferred receipt, pending settlement.
    Receipt(Box<AcceptedReceipt>),
    /// A confirmed transaction.
    Transaction(Signature),
}

impl Paid {
    /// The `reference` of the Payment-Receipt: the transaction or receipt signature.
    pub(super) fn reference(&self) -> String {
        match self {
            Self::Receipt(r) => bs58::encode(r.signature).into_string(),
            Self::Transaction(s) => s.to_string(),
        }
    }
}

pub(super) struct Accepted {
    pub challenge_id: String,
    pub payment: Paid,
}

/// The longest credential read (base64url characters), as the `mpp` crate's parser allows.
const MAX_CREDENTIAL_LEN: usize = 64 * 1024;

/// A credential as the paywall reads it: the echoed challenge, and the payload, whose type
/// depends on the intent, left unparsed until the challenge is known to be ours.
#[derive(Deserialize)]
struct Credential {
    challenge: ChallengeEcho,
    payload: Box<RawValue>,
}

/// Seconds of clock skew tolerated when checking that a pushed payment is newer than its challenge.
const SKEW: i64 = 60;

impl Shared {
    /// Simulates `tx`; a transaction the chain would refuse is a verification failure that
    /// names the chain's reason.
    pub(super) async fn simulate_ok(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<crate::chain::Execution, Problem> {
        let simulated = self
            .chain
            .simulate(tx)
            .await
            .map_err(Problem::VerificationFailed)?;
        match &simulated.error {
            Some(error) => Err(Problem::VerificationFailed(explain(error, &simulated.logs))),
            None => Ok(simulated),
        }
    }

    /// The challenge a credential echoes, checked: issued here (HMAC), for this realm, method
    /// and intent, unexpired; with the credential's payload, read as `P` once the challenge is
    /// known to be ours.
    ///
    /// The credential is decoded once, strictly, and the echoed fields are not checked for form
    /// beyond that: the HMAC binds each of them to a challenge this paywall issued. (Decoding it
    /// strictly and then again through the `mpp` crate's `parse_authorization`, which also
    /// re-validates the echoed request, cost a fifth of a paid session request; ADR 0020.)
    pub(super) fn bound_challenge<P: DeserializeOwned>(
        &self,
        header_value: &str,
        intent: &str,
    ) -> Result<(PaymentChallenge, P), Problem> {
        // The gate passes only values starting with the ASCII "Payment ", but a caller of this
        // function may not: no slice that can panic on outside bytes.
        let token = header_value
            .get(8..)
            .ok_or_else(|| Problem::MalformedCredential("no Payment credential".into()))?
            .trim();
        if token.len() > MAX_CREDENTIAL_LEN {
            return Err(Problem::MalformedCredential(format!(
                "the credential is longer than {MAX_CREDENTIAL_LEN} bytes"
            )));
        }
        let bytes =
            base64url::decode(token).map_err(|e| Problem::MalformedCredential(e.to_string()))?;
        let Credential { challenge, payload } = serde_json::from_slice(&bytes)
            .map_err(|e| Problem::MalformedCredential(format!("credential: {e}")))?;
        let challenge = PaymentChallenge {
            id: challenge.id,
            realm: challenge.realm,
            method: challenge.method,
            intent: challenge.intent,
            request: challenge.request,
            expires: challenge.expires,
            description: challenge.description,
            digest: challenge.digest,
            opaque: challenge.opaque,
            header: None,
        };
        if !challenge.verify(&self.config.secret) {
            return Err(Problem::InvalidChallenge(
                "the challenge was not issued by this server or was altered".into(),
            ));
        }
        if challenge.realm != self.config.realm
            || challenge.method.as_str() != "solana"
            || challenge.intent.as_str() != intent
        {
            return Err(Problem::InvalidChallenge(
                "the challenge is for another realm, method or intent".into(),
            ));
        }
        if challenge.expires.is_none() || challenge.is_expired() {
            return Err(Problem::PaymentExpired);
        }
        let payload = serde_json::from_str(payload.get())
            .map_err(|e| Problem::MalformedCredential(format!("payload: {e}")))?;
        Ok((challenge, payload))
    }

    /// Checks a credential against the challenge it echoes, then verifies and records its payment.
    pub(super) async fn verify(&self, price: u64, header_value: &str) -> Result<Accepted, Problem> {
        let (challenge, payload): (_, ChargePayload) =
            self.bound_challenge(header_value, "charge")?;
        let request: ChargeRequest = challenge
            .request
            .decode()
            .map_err(|e| Problem::InvalidChallenge(e.to_string()))?;
        // A challenge issued at an older price is authentic but no longer buys this route.
        if request != self.request(price) {
            return Err(Problem::InvalidChallenge(
                "the price or terms of this route changed".into(),
            ));
        }
        let charge = request
            .validate()
            .map_err(|e| Problem::InvalidChallenge(e.to_string()))?;
        let payment = match &payload {
            ChargePayload::Receipt(receipt) => self.receipt(&challenge, &charge, receipt).await?,
            ChargePayload::Transaction { .. } => self.pull(&challenge, &charge, &payload).await?,
            ChargePayload::Signature { signature } => {
                self.push(&challenge, &charge, signature).await?
            }
        };
        Ok(Accepted {
            challenge_id: challenge.id,
            payment,
        })
    }

    async fn receipt(
        &self,
        challenge: &PaymentChallenge,
        charge: &ValidCharge,
        receipt: &mpppal_solana::method::ReceiptPayload,
    ) -> Result<Paid, Problem> {
        let terms = self.config.receipts.as_ref().ok_or_else(|| {
            Problem::MethodUnsupported("this paywall does not take receipts".into())
        })?;
        let wallet: Pubkey = receipt
            .wallet()
            .map_err(|e| Problem::MalformedCredential(e.to_string()))?;
        let snapshot = self
            .chain
            .read(&wallet)
            .await
            .map_err(Problem::VerificationFailed)?;
        let now = now();
        let latest_expiry = now + terms.max_ttl.as_secs() as i64;
        let accepted = std::sync::Mutex::new(None);
        let check = |pending: u64| -> Result<(), String> {
            let ctx = ReceiptContext {
                charge,
                challenge_id: &challenge.id,
                wallet: &snapshot.wallet,
                vault_balance: snapshot.vault_balance,
                pending,
                now,
                latest_expiry,
            };
            let ok = check_receipt(receipt, &wallet, &ctx).map_err(|e| e.to_string())?;
            *accepted.lock().expect("accepted lock") = Some(ok);
            Ok(())
        };
        match self
            .store
            .reserve(&challenge.id, &wallet, charge.amount, &check)
            .await
        {
            Ok(()) => {}
            Err(ReserveError::AlreadyUsed) => {
                return Err(Problem::InvalidChallenge(
                    "this credential was already used".into(),
                ))
            }
            Err(ReserveError::Refused(reason)) => return Err(classify(reason)),
        }
        let accepted = accepted
            .into_inner()
            .expect("accepted lock")
            .ok_or_else(|| Problem::VerificationFailed("receipt not checked".into()))?;
        Ok(Paid::Receipt(Box::new(accepted)))
    }

    /// Pull mode: co-sign as fee payer if offered, simulate, send, confirm, read back, verify.
    async fn pull(
        &self,
        challenge: &PaymentChallenge,
        charge: &ValidCharge,
        payload: &ChargePayload,
    ) -> Result<Paid, Problem> {
        if !self.config.transactions {
            return Err(Problem::MethodUnsupported(
                "this paywall does not take transactions".into(),
            ));
        }
        let bytes = payload
            .transaction_bytes()
            .map_err(|e| Problem::MalformedCredential(e.to_string()))?
            .ok_or_else(|| Problem::MalformedCredential("no transaction".into()))?;
        let mut tx: VersionedTransaction = bincode::deserialize(&bytes).map_err(|_| {
            Problem::MalformedCredential("transaction: not a serialized transaction".into())
        })?;
        if tx.sanitize().is_err() || uses_lookup_tables(&tx) {
            return Err(Problem::MalformedCredential(
                "transaction: malformed, or uses address lookup tables".into(),
            ));
        }
        if let Some(fee_payer) = &self.config.fee_payer {
            cosign(&mut tx, fee_payer, fees_only)?;
        }
        let legs = expected_legs(charge).map_err(|e| Problem::VerificationFailed(e.to_string()))?;
        let mint = charge.mint.expect("expected_legs checked the mint");
        let simulated = self.simulate_ok(&tx).await?;
        check_legs(&simulated.instructions, &legs, &mint, self.config.decimals)
            .map_err(|e| Problem::VerificationFailed(e.to_string()))?;
        // Single use: the challenge, and the transaction, each pay for one request.
        if !self.store.consume(&challenge.id).await {
            return Err(Problem::InvalidChallenge(
                "this credential was already used".into(),
            ));
        }
        if !self.store.consume(&tx.signatures[0].to_string()).await {
            return Err(Problem::InvalidChallenge(
                "this transaction already paid".into(),
            ));
        }
        let signature = self
            .chain
            .send_and_confirm(&tx)
            .await
            .map_err(Problem::VerificationFailed)?;
        self.confirmed_pays(&signature, &legs, &mint).await?;
        Ok(Paid::Transaction(signature))
    }

    /// Push mode: the client sent the transaction; check what it did, once.
    async fn push(
        &self,
        challenge: &PaymentChallenge,
        charge: &ValidCharge,
        signature: &str,
    ) -> Result<Paid, Problem> {
        if !self.config.transactions {
            return Err(Problem::MethodUnsupported(
                "this paywall does not take transactions".into(),
            ));
        }
        if self.config.fee_payer.is_some() {
            return Err(Problem::MethodUnsupported(
                "this challenge offers to pay fees: send the transaction, not its signature".into(),
            ));
        }
        let signature = parse_signature(signature).map_err(Problem::MalformedCredential)?;
        let legs = expected_legs(charge).map_err(|e| Problem::VerificationFailed(e.to_string()))?;
        let mint = charge.mint.expect("expected_legs checked the mint");
        let block_time = self.confirmed_pays(&signature, &legs, &mint).await?;
        // The payment must be newer than the challenge it pays, or an old transfer could be
        // presented again under a new challenge.
        let issued = now_minus_ttl(challenge, self.config.challenge_ttl.as_secs() as i64);
        if block_time.is_some_and(|t| t + SKEW < issued) {
            return Err(Problem::VerificationFailed(
                "the transaction is older than the challenge".into(),
            ));
        }
        if !self.store.consume(&signature.to_string()).await {
            return Err(Problem::InvalidChallenge(
                "this transaction already paid".into(),
            ));
        }
        if !self.store.consume(&challenge.id).await {
            return Err(Problem::InvalidChallenge(
                "this credential was already used".into(),
            ));
        }
        Ok(Paid::Transaction(signature))
    }

    /// Reads a confirmed transaction back and checks it paid every leg; returns its block time.
    async fn confirmed_pays(
        &self,
        signature: &Signature,
        legs: &[mpppal_solana::method::legs::Leg],
        mint: &Pubkey,
    ) -> Result<Option<i64>, Problem> {
        let (_, execution, block_time) = self
            .chain
            .confirmed(signature)
            .await
            .map_err(Problem::VerificationFailed)?;
        if let Some(error) = execution.error {
            return Err(Problem::VerificationFailed(explain(
                &error,
                &execution.logs,
            )));
        }
        check_legs(&execution.instructions, legs, mint, self.config.decimals)
            .map_err(|e| Problem::VerificationFailed(e.to_string()))?;
        Ok(block_time)
    }
}

/// Signs `tx` as fee payer, refusing any transaction in which the fee payer does more than pay
/// fees: if it appeared in an instruction, a program could spend its funds with our signature.
/// `allowed(instruction, position)` names the one exception a caller accepts (a session's rent).
pub(super) fn cosign(
    tx: &mut VersionedTransaction,
    fee_payer: &solana_keypair::Keypair,
    allowed: impl Fn(&CompiledInstruction, usize) -> bool,
) -> Result<(), Problem> {
    let keys = tx.message.static_account_keys();
    if keys.first() != Some(&fee_payer.pubkey()) {
        return Err(Problem::VerificationFailed(
            "the fee payer is not the one the challenge named".into(),
        ));
    }
    let misused = tx.message.instructions().iter().any(|ix| {
        ix.program_id_index == 0
            || ix
                .accounts
                .iter()
                .enumerate()
                .any(|(position, account)| *account == 0 && !allowed(ix, position))
    });
    if misused {
        return Err(Problem::VerificationFailed(
            "the fee payer may only pay fees (and a session's rent), not appear in instructions"
                .into(),
        ));
    }
    let signature = fee_payer.sign_message(&tx.message.serialize());
    match tx.signatures.first_mut() {
        Some(slot) => *slot = signature,
        None => {
            return Err(Problem::MalformedCredential(
                "transaction has no signatures".into(),
            ))
        }
    }
    Ok(())
}

/// Only fees: the fee payer appears in no instruction.
pub(super) fn fees_only(_: &CompiledInstruction, _: usize) -> bool {
    false
}

/// The policy's own words when the chain refused, otherwise the runtime error.
fn explain(error: &str, logs: &[String]) -> String {
    logs.iter()
        .find_map(|l| {
            l.split_once("Program log: payment ")
                .map(|(_, r)| format!("payment {r}"))
        })
        .unwrap_or_else(|| error.to_string())
}

fn now_minus_ttl(challenge: &PaymentChallenge, ttl: i64) -> i64 {
    challenge
        .expires_at()
        .map_or(0, |t| t.unix_timestamp() - ttl)
}

/// Maps a receipt refusal to the problem type a client can act on.
fn classify(reason: String) -> Problem {
    if reason.starts_with("policy:") {
        Problem::PolicyDenied(reason)
    } else if reason.contains("insufficient balance") {
        Problem::PaymentInsufficient(reason)
    } else {
        Problem::VerificationFailed(reason)
    }
}
