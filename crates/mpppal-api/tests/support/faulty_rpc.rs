//! A JSON-RPC proxy in front of the test chain that can lose answers: the transaction a
//! `sendTransaction` carries still lands, but the API never hears that it did (a reply lost on
//! the network), which is what a retry must survive without doing the work twice.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Default)]
struct Faults {
    /// `sendTransaction` answers still to lose.
    lose_sends: AtomicUsize,
    /// `sendTransaction` requests passed on to the chain.
    sends: AtomicUsize,
}

pub struct FaultyRpc {
    pub url: String,
    faults: Arc<Faults>,
}

impl FaultyRpc {
    /// A proxy to `upstream` on a loopback port.
    pub async fn start(upstream: String) -> Self {
        let faults = Arc::new(Faults::default());
        let state = (upstream, reqwest::Client::new(), faults.clone());
        let app = Router::new()
            .route("/", post(forward))
            .with_state(Arc::new(state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, faults }
    }

    /// The next `n` transactions sent land, but their senders get a 503 instead of the answer.
    pub fn lose_next_send_answers(&self, n: usize) {
        self.faults.lose_sends.store(n, Ordering::SeqCst);
    }

    /// How many `sendTransaction` requests reached the chain.
    pub fn sends(&self) -> usize {
        self.faults.sends.load(Ordering::SeqCst)
    }
}

type Upstream = (String, reqwest::Client, Arc<Faults>);

async fn forward(State(up): State<Arc<Upstream>>, body: Bytes) -> Response {
    let (url, http, faults) = &*up;
    let is_send = body
        .windows(b"\"sendTransaction\"".len())
        .any(|w| w == b"\"sendTransaction\"");
    let answer = http
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    let Ok(answer) = answer else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let text = answer.bytes().await.unwrap_or_default();
    if is_send {
        faults.sends.fetch_add(1, Ordering::SeqCst);
        let lose = faults
            .lose_sends
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if lose {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    ([("content-type", "application/json")], text).into_response()
}
