//! The paying client.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use futures_util::future::BoxFuture;
use mpppal_protocol::{format_authorization, PaymentCredential, Receipt};
use mpppal_solana::method::receipt::sign_receipt;
use mpppal_solana::method::ChargePayload;
use reqwest::{header, Method, StatusCode};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::choose::{choose, ChargeOffer, PayBy, Vet};
use super::report::{DeferredReceipt, PaidReceipt, ReceiptReporter};
use super::PayError;
use crate::chain::RpcChain;
use crate::wallets::WalletReader;
use crate::wallets::WalletSnapshot;
use mpppal_policy_program::TransferArgs;
use mpppal_solana::method::legs::expected_legs;
use mpppal_solana::policy_ix::{self, PaymentAccounts};

/// How a request reaches the server: this client's own `reqwest` client, or the rest of a
/// `reqwest-middleware` chain.
pub(super) type Transport<'a> = dyn Fn(reqwest::Request) -> BoxFuture<'a, Result<reqwest::Response, PayError>>
    + Send
    + Sync
    + 'a;

/// The `Accept-Payment` hint: sessions, then charges.
pub const ACCEPT_PAYMENT: &str = "solana/session, solana/charge;q=0.9";

/// The agent's signing key and the wallet it signs for.
pub struct AgentWallet {
    pub agent: Keypair,
    pub wallet: Pubkey,
}

/// The client's own hold on an [`AgentWallet`]: the key is shared with the tasks that sign a
/// session's next voucher between requests.
pub(super) struct Agent {
    pub(super) agent: Arc<Keypair>,
    pub(super) wallet: Pubkey,
}

/// A response, with what was paid for it.
#[derive(Debug)]
pub struct PaidResponse {
    pub response: reqwest::Response,
    /// The server's receipt when a payment was made.
    pub receipt: Option<Receipt>,
    /// Base units paid, 0 when the resource was free.
    pub paid: u64,
}

/// An HTTP client that pays 402 challenges from an MPPPal wallet.
pub struct PayingClient {
    pub(super) http: reqwest::Client,
    pub(super) wallet: Agent,
    pub(super) chain: Arc<RpcChain>,
    settlement_program: Pubkey,
    vet: Arc<Vet>,
    pub(super) reporter: Arc<dyn ReceiptReporter>,
    /// Longest a receipt this client signs may live.
    receipt_ttl: Duration,
    pub(super) category: Option<String>,
    /// Pays the fees of transactions this client sends itself (push mode), if set.
    fee_payer: Option<Arc<Keypair>>,
    /// Session slots by provider origin.
    pub(super) sessions: std::sync::Mutex<std::collections::HashMap<String, super::sessions::Slot>>,
}

impl PayingClient {
    pub fn new(
        wallet: AgentWallet,
        chain: Arc<RpcChain>,
        reporter: Arc<dyn ReceiptReporter>,
    ) -> Self {
        Self {
            http: super::timeouts::http_client(),
            wallet: Agent {
                agent: Arc::new(wallet.agent),
                wallet: wallet.wallet,
            },
            chain,
            settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
            vet: Arc::new(|_| Ok(())),
            reporter,
            receipt_ttl: Duration::from_secs(600),
            category: None,
            fee_payer: None,
            sessions: Default::default(),
        }
    }

    /// The application's hook to accept or decline each charge (price caps, allowed recipients).
    pub fn with_vet(
        mut self,
        vet: impl Fn(&ChargeOffer) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.vet = Arc::new(vet);
        self
    }

    /// Declines any single charge above `max` base units.
    pub fn with_max_price(self, max: u64) -> Self {
        self.with_vet(super::choose::max_price(max))
    }

    /// A key holding SOL that pays the fees of payments this client sends itself, so the wallet
    /// can pay servers that take neither receipts nor sponsor fees (push mode). It can be the
    /// agent key itself, or an operator's sponsor key; it never moves the wallet's tokens.
    pub fn with_fee_payer(mut self, fee_payer: Arc<Keypair>) -> Self {
        self.fee_payer = Some(fee_payer);
        self
    }

    /// The spending category receipts claim (when the wallet's policy lists categories).
    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    pub async fn get(&self, url: &str) -> Result<PaidResponse, PayError> {
        self.execute(self.http.request(Method::GET, url).build()?)
            .await
    }

    /// Sends `request`; on a 402, pays one of its challenges and sends it again.
    pub async fn execute(&self, request: reqwest::Request) -> Result<PaidResponse, PayError> {
        self.execute_via(request, &self.direct()).await
    }

    /// This client's own way to the server.
    pub(super) fn direct<'a>(
        &'a self,
    ) -> impl Fn(reqwest::Request) -> BoxFuture<'a, Result<reqwest::Response, PayError>> + Send + Sync + 'a
    {
        move |request| Box::pin(async move { Ok(self.http.execute(request).await?) })
    }

    /// As [`PayingClient::execute`], sending the request and its paid retries through `via`.
    pub(super) async fn execute_via(
        &self,
        request: reqwest::Request,
        via: &Transport<'_>,
    ) -> Result<PaidResponse, PayError> {
        let origin = request.url().origin().ascii_serialization();
        if let Some(paid) = self.with_session(&origin, &request, via).await? {
            return Ok(paid);
        }
        let mut request = request;
        // Tell servers what this client pays with, best first (a hint; the choice stays ours).
        request
            .headers_mut()
            .entry("accept-payment")
            .or_insert(header::HeaderValue::from_static(ACCEPT_PAYMENT));
        let retry = request.try_clone().ok_or(PayError::NotReplayable)?;
        let url = request.url().to_string();
        let first = via(request).await?;
        if first.status() != StatusCode::PAYMENT_REQUIRED {
            return Ok(PaidResponse {
                response: first,
                receipt: None,
                paid: 0,
            });
        }
        let challenges = super::choose::challenges_of(&first);
        let snapshot = self
            .chain
            .read(&self.wallet.wallet)
            .await
            .map_err(PayError::Wallet)?;
        let session = challenges
            .iter()
            .find_map(|c: &mpppal_protocol::PaymentChallenge| {
                super::sessions::session_offer(c, &snapshot.wallet.mint, &self.settlement_program)
                    .map(|offer| (c.clone(), offer))
            });
        if let Some((challenge, offer)) = session {
            return self
                .open_session(origin, challenge, offer, retry, via)
                .await;
        }
        let offer = choose(
            challenges,
            &snapshot.wallet.mint,
            &self.settlement_program,
            self.fee_payer.is_some(),
        )
        .map_err(PayError::NoPayableChallenge)?;
        (self.vet)(&offer).map_err(PayError::Vetoed)?;

        // The chain's own rules, before anything is signed.
        let now = unix_now();
        self.check_policy(&snapshot, offer.charge.amount, &offer.charge.recipient)?;
        if snapshot.vault_balance < offer.charge.amount {
            return Err(PayError::InsufficientBalance {
                balance: snapshot.vault_balance,
                needed: offer.charge.amount,
            });
        }

        let mut pushed = None;
        let mut deferred = None;
        let payload = match offer.pay_by {
            PayBy::Receipt { ttl } => {
                let ttl = self.receipt_ttl.as_secs().min(u64::from(ttl)) as i64;
                let signed = sign_receipt(
                    &self.wallet.agent,
                    &self.wallet.wallet,
                    &offer.charge,
                    &offer.challenge.id,
                    now + ttl,
                    self.category.as_deref(),
                )
                .map_err(|e| PayError::Build(e.to_string()))?;
                deferred = Some(DeferredReceipt {
                    mint: offer.charge.mint.map(|m| m.to_string()).unwrap_or_default(),
                    payload: signed.clone(),
                });
                ChargePayload::Receipt(signed)
            }
            PayBy::SponsoredTransaction { fee_payer } => {
                let instructions = self.policy_transfers(&offer, &snapshot)?;
                ChargePayload::Transaction {
                    transaction: super::sign::partially_signed(
                        &self.chain,
                        &instructions,
                        &fee_payer,
                        &self.wallet.agent,
                    )
                    .await?,
                }
            }
            PayBy::Push => {
                // `choose` offers push only to a client with a fee payer.
                let fee_payer = self.fee_payer.as_ref().ok_or_else(|| {
                    PayError::NoPayableChallenge("no fee payer for a pushed payment".into())
                })?;
                let instructions = self.policy_transfers(&offer, &snapshot)?;
                let tx = solana_transaction::Transaction::new_signed_with_payer(
                    &instructions,
                    Some(&fee_payer.pubkey()),
                    &[fee_payer.as_ref(), &self.wallet.agent],
                    super::sign::latest_blockhash(&self.chain).await?,
                );
                let signature = super::push::send(&self.chain, &tx).await?;
                pushed = Some(signature.clone());
                ChargePayload::Signature { signature }
            }
        };
        let retry = with_credential(retry, &offer.challenge, payload)?;
        let response = super::push::answer(via(retry).await, pushed.as_deref()).await?;
        let receipt = super::choose::receipt_of(&response);
        if let Some(receipt) = &receipt {
            self.reporter
                .report(PaidReceipt {
                    url,
                    challenge_id: offer.challenge.id.clone(),
                    amount: offer.charge.amount,
                    recipient: offer.charge.recipient.to_string(),
                    receipt: receipt.clone(),
                    deferred,
                })
                .await;
        }
        Ok(PaidResponse {
            response,
            receipt,
            paid: offer.charge.amount,
        })
    }
}

impl PayingClient {
    /// One Policy Program transfer per leg of `offer`, with consecutive wallet nonces.
    fn policy_transfers(
        &self,
        offer: &ChargeOffer,
        snapshot: &WalletSnapshot,
    ) -> Result<Vec<Instruction>, PayError> {
        let legs = expected_legs(&offer.charge).map_err(|e| PayError::Build(e.to_string()))?;
        Ok(legs
            .iter()
            .enumerate()
            .map(|(i, leg)| {
                policy_ix::transfer(
                    &PaymentAccounts {
                        agent: self.wallet.agent.pubkey(),
                        owner_cosigner: None,
                        wallet: self.wallet.wallet,
                        mint: snapshot.wallet.mint,
                        destination: leg.destination,
                    },
                    TransferArgs {
                        amount: leg.amount,
                        nonce: snapshot.wallet.nonce + i as u64,
                        memo: None,
                        category: self.category.clone(),
                    },
                )
            })
            .collect())
    }
}

/// `request` carrying `payload` for `challenge` as its `Authorization: Payment` credential.
pub(super) fn with_credential(
    mut request: reqwest::Request,
    challenge: &mpppal_protocol::PaymentChallenge,
    payload: ChargePayload,
) -> Result<reqwest::Request, PayError> {
    let credential = PaymentCredential::new(challenge.to_echo(), payload);
    let authorization =
        format_authorization(&credential).map_err(|e| PayError::Build(e.to_string()))?;
    request.headers_mut().insert(
        header::AUTHORIZATION,
        authorization
            .parse()
            .map_err(|_| PayError::Build("header value".into()))?,
    );
    Ok(request)
}

pub(super) async fn refused(response: reqwest::Response) -> PayError {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    PayError::Refused {
        status,
        kind: body["type"]
            .as_str()
            .unwrap_or("")
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string(),
        detail: body["detail"].as_str().unwrap_or("").to_string(),
    }
}

pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
