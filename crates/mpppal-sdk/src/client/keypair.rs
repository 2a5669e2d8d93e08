//! Paying from a plain keypair: a direct `transferChecked` from the keypair's own token account.
//!
//! For agents without an MPPPal wallet (no on-chain policy, no receipts, no sessions). Where the
//! server offers to pay fees the transaction goes in the credential for the server to send (pull);
//! otherwise the keypair pays the fee, sends and confirms it, and presents the signature (push).

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use anchor_spl::token::spl_token::instruction::transfer_checked;
use mpppal_protocol::PaymentChallenge;
use mpppal_solana::address;
use mpppal_solana::method::legs::expected_legs;
use mpppal_solana::method::ChargePayload;
use reqwest::{header, Method, StatusCode};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::sync::Arc;

use super::choose::{challenges_of, first_payable, max_price, ChargeOffer, PayBy, Vet};
use super::paying::PaidResponse;
use super::sign::{latest_blockhash, partially_signed};
use super::PayError;
use crate::chain::RpcChain;

/// An HTTP client that pays `solana` charges from a plain keypair's token account.
pub struct KeypairClient {
    http: reqwest::Client,
    payer: Keypair,
    chain: Arc<RpcChain>,
    vet: Arc<Vet>,
}

impl KeypairClient {
    pub fn new(payer: Keypair, chain: Arc<RpcChain>) -> Self {
        Self {
            http: super::timeouts::http_client(),
            payer,
            chain,
            vet: Arc::new(|_| Ok(())),
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
        self.with_vet(max_price(max))
    }

    pub async fn get(&self, url: &str) -> Result<PaidResponse, PayError> {
        self.execute(self.http.request(Method::GET, url).build()?)
            .await
    }

    /// Sends `request`; on a 402, pays its first payable `solana` charge and sends it again.
    pub async fn execute(&self, request: reqwest::Request) -> Result<PaidResponse, PayError> {
        let mut request = request;
        request
            .headers_mut()
            .entry("accept-payment")
            .or_insert(header::HeaderValue::from_static("solana/charge"));
        let retry = request.try_clone().ok_or(PayError::NotReplayable)?;
        let first = self.http.execute(request).await?;
        if first.status() != StatusCode::PAYMENT_REQUIRED {
            return Ok(PaidResponse {
                response: first,
                receipt: None,
                paid: 0,
            });
        }
        let challenges = challenges_of(&first);
        let offer = choose_transfer(challenges).map_err(PayError::NoPayableChallenge)?;
        (self.vet)(&offer).map_err(PayError::Vetoed)?;

        let Some(mint) = offer.charge.mint else {
            return Err(PayError::NoPayableChallenge(
                "native SOL charges are not supported".into(),
            ));
        };
        let source = address::token_account(&self.payer.pubkey(), &mint);
        let balance = self.token_balance(&source).await?;
        if balance < offer.charge.amount {
            return Err(PayError::InsufficientBalance {
                balance,
                needed: offer.charge.amount,
            });
        }
        let decimals = self.decimals(&mint).await?;
        let legs = expected_legs(&offer.charge).map_err(|e| PayError::Build(e.to_string()))?;
        let instructions = legs
            .iter()
            .map(|leg| {
                transfer_checked(
                    &anchor_spl::token::ID,
                    &source,
                    &mint,
                    &leg.destination,
                    &self.payer.pubkey(),
                    &[],
                    leg.amount,
                    decimals,
                )
                .map_err(|e| PayError::Build(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (payload, pushed) = match offer.pay_by {
            PayBy::SponsoredTransaction { fee_payer } => (
                ChargePayload::Transaction {
                    transaction: partially_signed(
                        &self.chain,
                        &instructions,
                        &fee_payer,
                        &self.payer,
                    )
                    .await?,
                },
                None,
            ),
            PayBy::Receipt { .. } => {
                return Err(PayError::NoPayableChallenge(
                    "a plain keypair cannot sign MPPPal receipts".into(),
                ))
            }
            PayBy::Push => {
                let tx = solana_transaction::Transaction::new_signed_with_payer(
                    &instructions,
                    Some(&self.payer.pubkey()),
                    &[&self.payer],
                    latest_blockhash(&self.chain).await?,
                );
                let signature = super::push::send(&self.chain, &tx).await?;
                (
                    ChargePayload::Signature {
                        signature: signature.clone(),
                    },
                    Some(signature),
                )
            }
        };
        let retry = super::paying::with_credential(retry, &offer.challenge, payload)?;
        let sent = self.http.execute(retry).await.map_err(PayError::from);
        let response = super::push::answer(sent, pushed.as_deref()).await?;
        let receipt = super::choose::receipt_of(&response);
        Ok(PaidResponse {
            response,
            receipt,
            paid: offer.charge.amount,
        })
    }

    async fn token_balance(&self, account: &Pubkey) -> Result<u64, PayError> {
        let balance = self
            .chain
            .rpc
            .get_token_account_balance(account)
            .await
            .map_err(|_| PayError::Wallet(format!("token account {account} not found")))?;
        balance
            .amount
            .parse()
            .map_err(|_| PayError::Wallet("the RPC returned a malformed balance".into()))
    }

    /// The mint's decimals, which `transferChecked` must state.
    async fn decimals(&self, mint: &Pubkey) -> Result<u8, PayError> {
        let account = self
            .chain
            .rpc
            .get_account(mint)
            .await
            .map_err(|_| PayError::Wallet(format!("mint {mint} not found")))?;
        anchor_spl::token::Mint::try_deserialize(&mut account.data.as_slice())
            .map(|m| m.decimals)
            .map_err(|_| PayError::Wallet(format!("{mint} is not a token mint")))
    }
}

/// The first `solana` charge in a token a keypair can pay by transaction: pull where the server
/// pays fees, push otherwise; or why none.
fn choose_transfer(challenges: Vec<PaymentChallenge>) -> Result<ChargeOffer, String> {
    first_payable(challenges, |_, charge| {
        match (charge.mint, charge.fee_payer) {
            (None, _) => Err("native SOL charges are not supported".into()),
            (Some(_), Some(fee_payer)) => Ok(PayBy::SponsoredTransaction { fee_payer }),
            (Some(_), None) => Ok(PayBy::Push),
        }
    })
}
