//! A paying client for a custodial MPPPal account: the agent holds no key. On a `402` it picks
//! an MPPPal receipt offer, lets the application vet it, and asks the operator API to sign the
//! receipt; the API decides with the wallet's policy, holds the budget and keeps the receipt for
//! settlement, so nothing needs reporting afterwards. Servers that take only transactions cannot
//! be paid this way (the error says so).

use anchor_lang::prelude::Pubkey;
use mpppal_protocol::{format_authorization, PaymentCredential};
use mpppal_solana::method::{ChargePayload, ReceiptPayload};
use reqwest::{header, StatusCode};
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
}

impl CustodialClient {
    /// Pays for `account_id` (a custodial account) in `mint`, signing through the API with `api`'s
    /// key (agent scope).
    pub fn new(api: ApiCredentials, account_id: impl Into<String>, mint: Pubkey) -> Self {
        Self {
            http: reqwest::Client::new(),
            api,
            account_id: account_id.into(),
            mint,
            settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
            vet: Arc::new(|_: &ChargeOffer| Ok(())),
            receipt_ttl: Duration::from_secs(300),
            category: None,
        }
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
        let mut retry = request.try_clone().ok_or(PayError::NotReplayable)?;
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
        let PayBy::Receipt { ttl } = offer.pay_by else {
            return Err(PayError::NoPayableChallenge(
                "a custodial wallet pays by MPPPal receipt, and this server offers none".into(),
            ));
        };
        (self.vet)(&offer).map_err(PayError::Vetoed)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let expires_at = now + self.receipt_ttl.as_secs().min(u64::from(ttl)) as i64;
        let payload = self.signed(&offer, expires_at).await?;
        let credential =
            PaymentCredential::new(offer.challenge.to_echo(), ChargePayload::Receipt(payload));
        let authorization =
            format_authorization(&credential).map_err(|e| PayError::Build(e.to_string()))?;
        retry.headers_mut().insert(
            header::AUTHORIZATION,
            authorization
                .parse()
                .map_err(|_| PayError::Build("header value".into()))?,
        );
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
            422 if answer["reason"] == "escalation_required" => {
                Err(PayError::EscalationRequired(text("detail")))
            }
            422 => Err(PayError::PolicyDenied {
                code: text("reason"),
                reason: text("detail"),
            }),
            status => Err(PayError::Custody {
                status,
                code: text("code"),
                detail: text("detail"),
            }),
        }
    }
}
