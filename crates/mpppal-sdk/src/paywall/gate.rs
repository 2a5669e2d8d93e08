//! The charge gate: a tower layer in front of one route.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response};
use futures_util::future::BoxFuture;
use mpppal_protocol::{base64url, Base64UrlJson, PaymentChallenge, Receipt};
use mpppal_solana::method::{ChargeRequest, MethodDetails, ReceiptOffer};
use solana_signer::Signer;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tower::{Layer, Service};

use super::channels::{ChannelStore, MemoryChannels};
use super::problem::Problem;
use super::store::PaymentStore;
use super::verify::Paid;
use super::PaywallConfig;
use crate::chain::RpcChain;

/// A paywall: configuration plus where it reads wallets and keeps payments.
#[derive(Clone)]
pub struct Paywall {
    inner: Arc<Shared>,
}

pub(super) struct Shared {
    pub(super) config: PaywallConfig,
    pub(super) chain: Arc<RpcChain>,
    pub(super) store: Arc<dyn PaymentStore>,
    pub(super) channels: super::session::Channels,
    /// Encoded session requests by price (see [`Shared::encoded_request`]).
    session_requests: std::sync::Mutex<std::collections::HashMap<u64, String>>,
}

impl Paywall {
    /// A paywall reading wallets and sending payments through `chain`, keeping used credentials
    /// and pending receipts in `store`.
    /// Open payment channels are kept in this process's memory (see [`Paywall::with_stores`]).
    pub fn new(
        config: PaywallConfig,
        chain: Arc<RpcChain>,
        store: Arc<dyn PaymentStore>,
    ) -> Result<Self, String> {
        Self::with_stores(config, chain, store, Arc::new(MemoryChannels::default()))
    }

    /// As [`Paywall::new`], with open payment channels kept in `channels`: a store shared by
    /// every replica lets any of them serve any session.
    pub fn with_stores(
        config: PaywallConfig,
        chain: Arc<RpcChain>,
        store: Arc<dyn PaymentStore>,
        channels: Arc<dyn ChannelStore>,
    ) -> Result<Self, String> {
        config.validate()?;
        Ok(Self {
            inner: Arc::new(Shared {
                config,
                chain,
                store,
                channels: super::session::Channels::new(channels),
                session_requests: Default::default(),
            }),
        })
    }

    /// A layer charging `price` base units per request to the route it wraps (intent `charge`).
    pub fn charge(&self, price: u64) -> PaymentLayer {
        PaymentLayer {
            paywall: self.clone(),
            price: Price::Fixed(price),
            intent: Intent::Charge,
        }
    }

    /// A layer charging what `price` computes from each request (method, path, query, headers),
    /// in base units. The same request must price the same when retried with its payment, or
    /// the payment is refused as made for other terms.
    pub fn charge_by(
        &self,
        price: impl Fn(&http::request::Parts) -> u64 + Send + Sync + 'static,
    ) -> PaymentLayer {
        PaymentLayer {
            paywall: self.clone(),
            price: Price::Computed(Arc::new(price)),
            intent: Intent::Charge,
        }
    }

    /// A layer metering the route it wraps at `price` base units per request through a payment
    /// session (intent `session`): one escrow, then off-chain vouchers.
    pub fn session(&self, price: u64) -> PaymentLayer {
        PaymentLayer {
            paywall: self.clone(),
            price: Price::Fixed(price),
            intent: Intent::Session,
        }
    }

    /// Transactions this paywall has submitted to the chain, counting any the chain refused.
    pub fn transactions_sent(&self) -> u64 {
        self.inner.chain.transactions_sent()
    }
}

/// What a route costs.
#[derive(Clone)]
enum Price {
    Fixed(u64),
    Computed(Arc<dyn Fn(&http::request::Parts) -> u64 + Send + Sync>),
}

/// Which MPP intent a route is paid with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Intent {
    Charge,
    Session,
}

impl Intent {
    fn name(self) -> &'static str {
        match self {
            Self::Charge => "charge",
            Self::Session => "session",
        }
    }
}

#[derive(Clone)]
pub struct PaymentLayer {
    paywall: Paywall,
    price: Price,
    intent: Intent,
}

impl<S> Layer<S> for PaymentLayer {
    type Service = PaymentService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PaymentService {
            paywall: self.paywall.clone(),
            price: self.price.clone(),
            intent: self.intent,
            inner,
        }
    }
}

#[derive(Clone)]
pub struct PaymentService<S> {
    paywall: Paywall,
    price: Price,
    intent: Intent,
    inner: S,
}

impl<S> Service<Request<Body>> for PaymentService<S>
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
        let intent = self.intent;
        let (request, price) = match &self.price {
            Price::Fixed(price) => (request, *price),
            Price::Computed(f) => {
                let (parts, body) = request.into_parts();
                let price = f(&parts);
                (Request::from_parts(parts, body), price)
            }
        };
        Box::pin(async move { Ok(paywall.inner.serve(intent, price, request, inner).await) })
    }
}

pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(super) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

impl Shared {
    /// The charge request this route asks for now.
    pub(super) fn request(&self, price: u64) -> ChargeRequest {
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
                fee_payer: c.fee_payer.as_ref().map(|_| true),
                fee_payer_key: c.fee_payer.as_ref().map(|k| k.pubkey().to_string()),
                ..MethodDetails::default()
            },
        }
    }

    /// The `request` parameter of this route's challenges, encoded as they carry it. Session
    /// encodings are kept (a session route has one fixed price), so a voucher's echoed request
    /// is checked by comparing strings rather than decoding and rebuilding it every time.
    pub(super) fn encoded_request(&self, intent: Intent, price: u64) -> Option<Base64UrlJson> {
        let encode = |value: serde_json::Result<serde_json::Value>| {
            Base64UrlJson::from_value(&value.ok()?).ok()
        };
        match intent {
            Intent::Charge => encode(serde_json::to_value(self.request(price))),
            Intent::Session => {
                let mut known = self.session_requests.lock().expect("request cache lock");
                if let Some(raw) = known.get(&price) {
                    return Some(Base64UrlJson::from_raw(raw.as_str()));
                }
                let encoded = encode(serde_json::to_value(self.session_request(price)))?;
                known.insert(price, encoded.raw().to_string());
                Some(encoded)
            }
        }
    }

    /// A fresh challenge for `price`, as a `WWW-Authenticate` value.
    pub(super) fn challenge(&self, intent: Intent, price: u64) -> Option<String> {
        let request = self.encoded_request(intent, price)?;
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
            intent.name(),
            request,
            Some(&expires),
            None,
            None,
            Some(opaque),
            None,
        );
        mpppal_protocol::format_www_authenticate(&challenge).ok()
    }

    pub(super) fn refuse(&self, intent: Intent, price: u64, problem: Problem) -> Response<Body> {
        tracing::info!(?problem, "payment refused");
        let retry = !matches!(
            problem,
            Problem::MethodUnsupported(_) | Problem::AmbiguousCredential
        );
        problem.response(
            if retry {
                self.challenge(intent, price)
            } else {
                None
            }
            .as_deref(),
        )
    }

    async fn serve<S>(
        self: &Arc<Self>,
        intent: Intent,
        price: u64,
        request: Request<Body>,
        mut inner: S,
    ) -> Response<Body>
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
            [] => return self.refuse(intent, price, Problem::PaymentRequired),
            // Header bytes need not be text; a credential is base64url, so anything else is a
            // malformed one (and must never reach the slicing in `bound_challenge` as "").
            [one] => match one.to_str() {
                Ok(value) => value.to_string(),
                Err(_) => {
                    let problem = Problem::MalformedCredential(
                        "the Payment credential is not ASCII text".into(),
                    );
                    return self.refuse(intent, price, problem);
                }
            },
            _ => return self.refuse(intent, price, Problem::AmbiguousCredential),
        };
        if intent == Intent::Session {
            return self
                .serve_session(price, &header_value, request, inner)
                .await;
        }
        let accepted = match self.verify(price, &header_value).await {
            Ok(accepted) => accepted,
            Err(problem) => return self.refuse(intent, price, problem),
        };
        let Ok(mut response) = inner.call(request).await;
        if !response.status().is_success() {
            if let Paid::Receipt(_) = accepted.payment {
                // Nobody pays for an error: the receipt is dropped, the credential stays spent.
                // (A transaction has already moved the money; it cannot be taken back here.)
                self.store.release(&accepted.challenge_id).await;
            }
            return response;
        }
        let challenge_id = accepted.challenge_id.clone();
        let mut receipt = Receipt::success("solana", accepted.payment.reference());
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
}

pub(super) fn anchor_spl_token_program() -> String {
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA".to_string()
}
