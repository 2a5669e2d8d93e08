//! The paying client as a `reqwest-middleware` layer, for applications that already build their
//! HTTP client as a middleware chain (retries, tracing, auth).
//!
//! Requests through the chain are paid as [`PayingClient::execute`] pays them: the unpaid
//! request, its paid retry and the session vouchers all go through the rest of the chain, so
//! middleware placed after this one sees every attempt. Top-ups and closes of sessions are the
//! client's own requests and go straight out. A response that was paid for carries a
//! [`Payment`] in its extensions; a payment that could not be made is a
//! `reqwest_middleware::Error::Middleware` wrapping the [`PayError`].

use futures_util::future::BoxFuture;
use http::Extensions;
use mpppal_protocol::Receipt;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use std::sync::Arc;

use super::{PayError, PayingClient};

/// Pays 402 challenges of the requests passing through it, from the wrapped client's wallet.
pub struct PaymentMiddleware {
    client: Arc<PayingClient>,
}

impl PaymentMiddleware {
    /// The client's sessions are shared with every other user of `client`.
    pub fn new(client: Arc<PayingClient>) -> Self {
        Self { client }
    }
}

/// What a response cost, in its extensions (`response.extensions().get::<Payment>()`).
#[derive(Clone, Debug)]
pub struct Payment {
    /// Base units paid for this response (0 for the request that opened a session).
    pub amount: u64,
    /// The server's `Payment-Receipt`.
    pub receipt: Option<Receipt>,
}

#[async_trait::async_trait]
impl Middleware for PaymentMiddleware {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let shared = extensions.clone();
        let via = |request: Request| -> BoxFuture<'_, Result<Response, PayError>> {
            let (next, mut extensions) = (next.clone(), shared.clone());
            Box::pin(async move {
                next.run(request, &mut extensions)
                    .await
                    .map_err(|e| match e {
                        reqwest_middleware::Error::Reqwest(e) => PayError::Http(e),
                        other => PayError::Middleware(other.to_string()),
                    })
            })
        };
        let paid = self
            .client
            .execute_via(request, &via)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        let mut response = paid.response;
        if paid.paid > 0 || paid.receipt.is_some() {
            response.extensions_mut().insert(Payment {
                amount: paid.paid,
                receipt: paid.receipt,
            });
        }
        Ok(response)
    }
}
