//! A paying client for a custodial MPPPal account: the agent holds no key. On a `402` it picks
//! an MPPPal receipt offer, lets the application vet it, and asks the operator API to sign the
//! receipt; the API decides with the wallet's policy, holds the budget and keeps the receipt for
//! settlement, so nothing needs reporting afterwards. Servers that take only transactions cannot
//! be paid this way (the error says so).

use anchor_lang::prelude::Pubkey;
use mpppal_solana::method::{ChargePayload, ReceiptPayload};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::api::ApiCredentials;
use super::choose::{choose, ChargeOffer, PayBy, Vet};
use super::paying::PaidResponse;
use super::PayError;

pub struct CustodialClient {
    http: reqwest::Client,
    api: ApiCredentials,
    account_id: String,
    mint: Pubkey,
    settlement_program: Pubkey,
    vet: Arc<Vet>,
    receipt_ttl: Duration,
    category: Option<String>,
    /// How long to wait for an operator to approve a payment above the escalation threshold;
    /// `None` fails at once with `PayError::EscalationRequired`.
    approval_wait: Option<Duration>,
}

impl CustodialClient {
    /// Pays for `account_id` (a custodial account) in `mint`, signing through the API with `api`'s
    /// key (agent scope).
    pub fn new(api: ApiCredentials, account_id: impl Into<String>, mint: Pubkey) -> Self {
        Self {
            http: super::timeouts::http_client(),
            api,
            account_id: account_id.into(),
            mint,
            settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
            vet: Arc::new(|_: &ChargeOffer| Ok(())),
            receipt_ttl: Duration::from_secs(300),
            category: None,
            approval_wait: None,
        }
    }

    /// Waits up to `wait` (and no longer than the challenge lives) for an operator to approve a
    /// payment above the escalation threshold, instead of failing at once.
    pub fn with_approval_wait(mut self, wait: Duration) -> Self {
        self.approval_wait = Some(wait);
        self
    }

    /// Declines any charge above `max` base units before anything is signed.
    pub fn with_max_price(self, max: u64) -> Self {
        self.with_vet(super::choose::max_price(max))
    }

    pub fn with_vet(
        mut self,
        vet: impl Fn(&ChargeOffer) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.vet = Arc::new(vet);
        self
    }

    /// The spending category receipts claim (checked against the wallet's policy).
    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    pub async fn get(&self, url: &str) -> Result<PaidResponse, PayError> {
        let request = self.http.get(url).build()?;
        self.send(request).await
    }

    /// Sends `request`; pays and retries once if it meets a `402`.
    pub async fn send(&self, request: reqwest::Request) -> Result<PaidResponse, PayError> {
        let retry = request.try_clone().ok_or(PayError::NotReplayable)?;
        let first = self.http.execute(request).await?;
        if first.status() != StatusCode::PAYMENT_REQUIRED {
            return Ok(PaidResponse {
                response: first,
                receipt: None,
                paid: 0,
            });
        }
        let offer = choose(
            super::choose::challenges_of(&first),
            &self.mint,
            &self.settlement_program,
            false,
        )
        .map_err(PayError::NoPayableChallenge)?;
        (self.vet)(&offer).map_err(PayError::Vetoed)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let payload =
            match offer.pay_by {
                PayBy::Receipt { ttl } => {
                    let expires_at = now + self.receipt_ttl.as_secs().min(u64::from(ttl)) as i64;
                    ChargePayload::Receipt(self.signed(&offer, expires_at).await?)
                }
                PayBy::SponsoredTransaction { fee_payer } => ChargePayload::Transaction {
                    transaction: self.transaction(&offer, &fee_payer, now).await?,
                },
                PayBy::Push => return Err(PayError::NoPayableChallenge(
                    "a custodial wallet pays by receipt or by a transaction the server sponsors"
                        .into(),
                )),
            };
        let retry = super::paying::with_credential(retry, &offer.challenge, payload)?;
        let response =
            super::push::answer(self.http.execute(retry).await.map_err(PayError::from), None)
                .await?;
        let receipt = super::choose::receipt_of(&response);
        Ok(PaidResponse {
            response,
            receipt,
            paid: offer.charge.amount,
        })
    }

    /// The transaction for `offer`, signed through the API; above the escalation threshold,
    /// after an operator approved it (waiting as configured).
    async fn transaction(
        &self,
        offer: &ChargeOffer,
        fee_payer: &Pubkey,
        now: i64,
    ) -> Result<String, PayError> {
        let legs = mpppal_solana::method::legs::expected_legs(&offer.charge)
            .map_err(|e| PayError::Build(e.to_string()))?;
        let expires_at = offer
            .challenge
            .expires
            .as_deref()
            .and_then(|e| {
                time::OffsetDateTime::parse(e, &time::format_description::well_known::Rfc3339).ok()
            })
            .map_or(now + 300, |t| t.unix_timestamp());
        let legs: Vec<serde_json::Value> = legs
            .iter()
            .map(|l| json!({"destination": l.destination.to_string(), "amount": l.amount}))
            .collect();
        let body = json!({
            "challengeId": offer.challenge.id,
            "feePayer": fee_payer.to_string(),
            "recipient": offer.charge.recipient.to_string(),
            "legs": legs,
            "expiresAt": expires_at,
            "category": self.category,
        })
        .to_string();
        let path = format!("/v1/accounts/{}/transactions", self.account_id);
        let (status, answer) = self.api.post(&self.http, &path, &body).await?;
        let text =
            |v: &serde_json::Value, field: &str| v[field].as_str().unwrap_or_default().to_string();
        let (transfer, escalation) = match status.as_u16() {
            201 => return Ok(text(&answer, "transaction")),
            202 => (text(&answer, "transferId"), text(&answer, "escalationId")),
            status => return Err(custody_error(status, &answer)),
        };
        let Some(wait) = self.approval_wait else {
            return Err(PayError::EscalationRequired(format!(
                "awaiting an operator's approval (escalation {escalation})"
            )));
        };
        let deadline = std::time::Instant::now()
            + wait.min(Duration::from_secs((expires_at - now).max(0) as u64));
        let again = format!("{path}/{transfer}");
        loop {
            let (status, answer) = self.api.post(&self.http, &again, "").await?;
            match status.as_u16() {
                200 => return Ok(text(&answer, "transaction")),
                409 if answer["code"] == "awaiting_approval" => {}
                status => return Err(custody_error(status, &answer)),
            }
            if std::time::Instant::now() >= deadline {
                return Err(PayError::EscalationRequired(format!(
                    "no operator approved escalation {escalation} in time"
                )));
            }
            // Over a second apart: each poll must carry a new signature, not replay the last.
            tokio::time::sleep(Duration::from_millis(1_100)).await;
        }
    }

    /// The receipt for `offer`, signed by the API with the account's key.
    async fn signed(
        &self,
        offer: &ChargeOffer,
        expires_at: i64,
    ) -> Result<ReceiptPayload, PayError> {
        let body = json!({
            "challengeId": offer.challenge.id,
            "recipient": offer.charge.recipient.to_string(),
            "mint": self.mint.to_string(),
            "amount": offer.charge.amount,
            "expiresAt": expires_at,
            "category": self.category,
        })
        .to_string();
        let path = format!("/v1/accounts/{}/receipts", self.account_id);
        let (status, answer) = self.api.post(&self.http, &path, &body).await?;
        let text = |field: &str| answer[field].as_str().unwrap_or_default().to_string();
        match status.as_u16() {
            200 | 201 => Ok(ReceiptPayload {
                wallet: text("wallet"),
                expires_at: answer["expiresAt"].as_i64().unwrap_or(expires_at),
                category: answer["category"].as_str().map(str::to_string),
                signature: text("signature"),
            }),
            status => Err(custody_error(status, &answer)),
        }
    }
}

/// What a refusal from the API means for the payer.
fn custody_error(status: u16, answer: &serde_json::Value) -> PayError {
    let text = |field: &str| answer[field].as_str().unwrap_or_default().to_string();
    match (status, answer["reason"].as_str()) {
        (422, Some("escalation_required")) => PayError::EscalationRequired(text("detail")),
        (422, Some(reason)) => PayError::PolicyDenied {
            code: reason.to_string(),
            reason: text("detail"),
        },
        _ => PayError::Custody {
            status,
            code: text("code"),
            detail: text("detail"),
        },
    }
}
