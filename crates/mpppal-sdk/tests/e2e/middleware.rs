//! The paying client as a `reqwest-middleware` layer: requests through the chain are paid, every
//! attempt passes the layers after it, and a payment that cannot be made is a clear error.

use crate::sessions::client;
use crate::support::*;
use mpppal_sdk::client::{Payment, PaymentMiddleware};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts the requests that reach it: the layer after the payment layer.
#[derive(Clone, Default)]
struct Attempts(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl Middleware for Attempts {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        self.0.fetch_add(1, Ordering::SeqCst);
        next.run(request, extensions).await
    }
}

fn chain(w: &World, client: mpppal_sdk::client::PayingClient) -> (ClientWithMiddleware, Attempts) {
    let attempts = Attempts::default();
    let http = ClientBuilder::new(w.http.clone())
        .with(PaymentMiddleware::new(Arc::new(client)))
        .with(attempts.clone())
        .build();
    (http, attempts)
}

fn paid(response: &reqwest::Response) -> Option<u64> {
    response.extensions().get::<Payment>().map(|p| p.amount)
}

#[tokio::test]
async fn requests_through_the_chain_are_paid_and_every_attempt_passes_it() {
    let w = world(10 * USDC).await;
    let (http, attempts) = chain(&w, client(&w));

    let free = http.get(format!("{}/free", w.api)).send().await.unwrap();
    assert_eq!((free.status().as_u16(), paid(&free)), (200, None));
    assert_eq!(attempts.0.load(Ordering::SeqCst), 1);

    let charged = http.get(format!("{}/data", w.api)).send().await.unwrap();
    assert_eq!(
        (charged.status().as_u16(), paid(&charged)),
        (200, Some(PRICE))
    );
    assert!(charged
        .extensions()
        .get::<Payment>()
        .unwrap()
        .receipt
        .is_some());
    assert_eq!(charged.text().await.unwrap(), "the data");
    assert_eq!(attempts.0.load(Ordering::SeqCst), 3, "unpaid, then paid");

    // A session: the 402, the opening request, then one voucher request.
    let metered = format!("{}/metered", w.api);
    let opened = http.get(&metered).send().await.unwrap();
    assert_eq!((opened.status().as_u16(), paid(&opened)), (200, Some(0)));
    let next = http.get(&metered).send().await.unwrap();
    assert_eq!(paid(&next), Some(SESSION_PRICE));
    assert_eq!(attempts.0.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn a_payment_the_client_declines_is_an_error_and_nothing_is_paid() {
    let w = world(10 * USDC).await;
    let (http, _) = chain(&w, client(&w).with_max_price(PRICE - 1));
    let vault = w.vault_usdc().await;
    let err = http
        .get(format!("{}/data", w.api))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, reqwest_middleware::Error::Middleware(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("declined"), "{err}");
    assert_eq!(w.vault_usdc().await, vault);
}
