//! The charge gate: a tower layer in front of one route.

use anchor_lang::prelude::Pubkey;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response};
use futures_util::future::BoxFuture;
use mpppal_protocol::{base64url, Base64UrlJson, PaymentChallenge, Receipt};
use mpppal_solana::method::charge::ValidCharge;
use mpppal_solana::method::receipt::{check_receipt, AcceptedReceipt, ReceiptContext};
use mpppal_solana::method::{ChargePayload, ChargeRequest, MethodDetails, ReceiptOffer};
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tower::{Layer, Service};

use super::problem::Problem;
use super::store::{PaymentStore, ReserveError};
use super::PaywallConfig;
use crate::wallets::WalletReader;

/// A paywall: configuration plus where it reads wallets and keeps payments.
#[derive(Clone)]
pub struct Paywall {
    inner: Arc<Shared>,
}

struct Shared {
    config: PaywallConfig,
    wallets: Arc<dyn WalletReader>,
    store: Arc<dyn PaymentStore>,
}

impl Paywall {
    pub fn new(
        config: PaywallConfig,
        wallets: Arc<dyn WalletReader>,
        store: Arc<dyn PaymentStore>,
    ) -> Result<Self, String> {
        config.validate()?;
        Ok(Self {
            inner: Arc::new(Shared {
                config,
                wallets,
                store,
            }),
        })
    }

    /// A layer charging `price` base units per request to the route it wraps.
    pub fn charge(&self, price: u64) -> ChargeLayer {
        ChargeLayer {
            paywall: self.clone(),
            price,
        }
    }
}

#[derive(Clone)]
pub struct ChargeLayer {
    paywall: Paywall,
    price: u64,
}

impl<S> Layer<S> for ChargeLayer {
    type Service = ChargeService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ChargeService {
            paywall: self.paywall.clone(),
            price: self.price,
            inner,
        }
    }
}

#[derive(Clone)]
pub struct ChargeService<S> {
    paywall: Paywall,
    price: u64,
    inner: S,
}

impl<S> Service<Request<Body>> for ChargeService<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Readiness is checked on the clone that serves the request.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let paywall = self.paywall.clone();
        let price = self.price;
        Box::pin(async move { Ok(paywall.inner.serve(price, request, inner).await) })
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

impl Shared {
    /// The charge request this route asks for now.
    fn request(&self, price: u64) -> ChargeRequest {
        let c = &self.config;
        ChargeRequest {
            amount: price.to_string(),
            currency: c.mint.to_string(),
            recipient: c.recipient.to_string(),
            description: None,
            external_id: None,
            method_details: MethodDetails {
                network: Some(c.network),
                decimals: Some(c.decimals),
                token_program: Some(anchor_spl_token_program()),
                mpppal_receipt: c.receipts.as_ref().map(|r| ReceiptOffer {
                    settlement_program: r.settlement_program.to_string(),
                    max_ttl_seconds: r.max_ttl.as_secs() as u32,
                }),
                ..MethodDetails::default()
            },
        }
    }

    /// A fresh challenge for `price`, as a `WWW-Authenticate` value.
    fn challenge(&self, price: u64) -> Option<String> {
        let request = serde_json::to_value(self.request(price)).ok()?;
        let request = Base64UrlJson::from_value(&request).ok()?;
        let expires = rfc3339(now() + self.config.challenge_ttl.as_secs() as i64);
        // A random nonce in the HMAC-bound opaque data makes every challenge unique, so one
        // payment can never be presented as the payment of another request's challenge.
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).ok()?;
        let opaque =
            Base64UrlJson::from_value(&serde_json::json!({ "nonce": base64url::encode(&nonce) }))
                .ok()?;
        let challenge = PaymentChallenge::with_secret_key_full(
            &self.config.secret,
            self.config.realm.clone(),
            "solana",
            "charge",
            request,
            Some(&expires),
            None,
            None,
            Some(opaque),
            None,
        );
        mpppal_protocol::format_www_authenticate(&challenge).ok()
    }

    fn refuse(&self, price: u64, problem: Problem) -> Response<Body> {
        tracing::info!(?problem, "payment refused");
        let retry = !matches!(
            problem,
            Problem::MethodUnsupported(_) | Problem::AmbiguousCredential
        );
        problem.response(if retry { self.challenge(price) } else { None }.as_deref())
    }

    async fn serve<S>(&self, price: u64, request: Request<Body>, mut inner: S) -> Response<Body>
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        let credentials: Vec<&HeaderValue> = request
            .headers()
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter(|v| {
                v.as_bytes().len() > 8 && v.as_bytes()[..8].eq_ignore_ascii_case(b"payment ")
            })
            .collect();
        let header_value = match credentials.as_slice() {
            [] => return self.refuse(price, Problem::PaymentRequired),
            [one] => one.to_str().unwrap_or_default().to_string(),
            _ => return self.refuse(price, Problem::AmbiguousCredential),
        };
        let accepted = match self.verify(price, &header_value).await {
            Ok(accepted) => accepted,
            Err(problem) => return self.refuse(price, problem),
        };
        let challenge_id = accepted.0.clone();
        let Ok(mut response) = inner.call(request).await;
        if !response.status().is_success() {
            // Nobody pays for an error: the receipt is dropped, the credential stays spent.
            self.store.release(&challenge_id).await;
            return response;
        }
        let mut receipt =
            Receipt::success("solana", bs58::encode(accepted.1.signature).into_string());
        receipt.timestamp = rfc3339(now());
        receipt
            .extensions
            .insert("challengeId".into(), serde_json::json!(challenge_id));
        if let Ok(value) = mpppal_protocol::format_receipt(&receipt) {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert("payment-receipt", value);
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
            }
        }
        response
    }

    /// Checks a credential against the challenge it echoes and reserves its payment.
    async fn verify(
        &self,
        price: u64,
        header_value: &str,
    ) -> Result<(String, AcceptedReceipt), Problem> {
        let token = header_value[8..].trim();
        base64url::decode(token).map_err(|e| Problem::MalformedCredential(e.to_string()))?;
        let credential = mpppal_protocol::parse_authorization(header_value)
            .map_err(|e| Problem::MalformedCredential(e.to_string()))?;
        let echo = credential.challenge;
        let challenge = PaymentChallenge {
            id: echo.id.clone(),
            realm: echo.realm.clone(),
            method: echo.method.clone(),
            intent: echo.intent.clone(),
            request: echo.request.clone(),
            expires: echo.expires.clone(),
            description: echo.description.clone(),
            digest: echo.digest.clone(),
            opaque: echo.opaque.clone(),
            header: None,
        };
        if !challenge.verify(&self.config.secret) {
            return Err(Problem::InvalidChallenge(
                "the challenge was not issued by this server or was altered".into(),
            ));
        }
        if challenge.realm != self.config.realm
            || challenge.method.as_str() != "solana"
            || challenge.intent.as_str() != "charge"
        {
            return Err(Problem::InvalidChallenge(
                "the challenge is for another realm, method or intent".into(),
            ));
        }
        if challenge.expires.is_none() || challenge.is_expired() {
            return Err(Problem::PaymentExpired);
        }
        let request: ChargeRequest = challenge
            .request
            .decode()
            .map_err(|e| Problem::InvalidChallenge(e.to_string()))?;
        // A challenge issued at an older price is still authentic; it no longer buys this route.
        if request != self.request(price) {
            return Err(Problem::InvalidChallenge(
                "the price or terms of this route changed".into(),
            ));
        }
        let charge: ValidCharge = request
            .validate()
            .map_err(|e| Problem::InvalidChallenge(e.to_string()))?;
        let payload: ChargePayload = serde_json::from_value(credential.payload)
            .map_err(|e| Problem::MalformedCredential(format!("payload: {e}")))?;
        let ChargePayload::Receipt(receipt) = payload else {
            return Err(Problem::MethodUnsupported(
                "this paywall accepts MPPPal receipts only; transaction and signature payments are not supported yet".into(),
            ));
        };
        let terms = self
            .config
            .receipts
            .as_ref()
            .ok_or_else(|| Problem::MethodUnsupported("receipts are not offered".into()))?;
        let wallet: Pubkey = receipt
            .wallet()
            .map_err(|e| Problem::MalformedCredential(e.to_string()))?;
        let snapshot = self
            .wallets
            .read(&wallet)
            .await
            .map_err(Problem::VerificationFailed)?;
        let now = now();
        let latest_expiry = now + terms.max_ttl.as_secs() as i64;
        let accepted = std::sync::Mutex::new(None);
        let check = |pending: u64| -> Result<(), String> {
            let ctx = ReceiptContext {
                charge: &charge,
                challenge_id: &challenge.id,
                wallet: &snapshot.wallet,
                vault_balance: snapshot.vault_balance,
                pending,
                now,
                latest_expiry,
            };
            let ok = check_receipt(&receipt, &wallet, &ctx).map_err(|e| e.to_string())?;
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
        Ok((challenge.id, accepted))
    }
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

fn anchor_spl_token_program() -> String {
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA".to_string()
}
