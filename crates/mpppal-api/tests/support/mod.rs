//! What the API tests share: the local Redis, the clock, and serving the router on a port.
#![allow(dead_code)] // each test file uses its own part of this

pub mod faulty_rpc;
pub mod worker;
pub mod world;

use mpppal_api::{router, Dependencies};
use std::sync::Arc;

pub fn redis_url() -> String {
    std::env::var("MPPPAL_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Serves the API over `deps` on a loopback port; its base URL.
pub async fn serve(deps: Dependencies) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router(Arc::new(deps))).await });
    base
}

/// A signing client for one API key: every call gets its own timestamp, strictly increasing and
/// within the ±5 minute window, so repeating a request is never refused as a replay.
pub struct Signed {
    pub base: String,
    pub key_id: String,
    pub secret: String,
    http: reqwest::Client,
    calls: std::sync::atomic::AtomicI64,
}

impl Signed {
    pub fn new(base: &str, key_id: &str, secret: &str) -> Self {
        Self {
            base: base.into(),
            key_id: key_id.into(),
            secret: secret.into(),
            http: reqwest::Client::new(),
            calls: std::sync::atomic::AtomicI64::new(0),
        }
    }

    /// `method path_and_query` with an optional JSON body and `Idempotency-Key`; status and body.
    pub async fn call(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
        idempotency_key: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let (status, value, _) = self
            .send(method, path_and_query, body, idempotency_key)
            .await;
        (status, value)
    }

    /// Like `call`, with the body as raw text and the response headers.
    pub async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        body: String,
        idempotency_key: Option<&str>,
    ) -> (u16, serde_json::Value, reqwest::header::HeaderMap) {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let timestamp = unique_timestamp(&self.calls);
        let auth = mpppal_api::auth::signing::authorization(
            &self.key_id,
            &self.secret,
            method,
            path,
            query,
            timestamp,
            body.as_bytes(),
        );
        let mut request = self
            .http
            .request(
                method.parse().unwrap(),
                format!("{}{path_and_query}", self.base),
            )
            .header("authorization", auth);
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value, headers)
    }
}

/// Serves the API over `deps` on a listener the test bound already (when the configuration must
/// name the port, as a sign-in redirect URL does).
pub fn serve_on(listener: tokio::net::TcpListener, deps: Dependencies) {
    tokio::spawn(async move { axum::serve(listener, router(Arc::new(deps))).await });
}

/// The next of a strictly increasing run of timestamps kept in `last`: now minus four minutes at
/// the start, one second on per call after that. Two calls never share one, however fast they
/// come or the clock moves, and each stays inside the API's ±5 minute window.
pub fn unique_timestamp(last: &std::sync::atomic::AtomicI64) -> i64 {
    let floor = now() - 240;
    let mut seen = last.load(std::sync::atomic::Ordering::Relaxed);
    loop {
        let next = (seen + 1).max(floor);
        match last.compare_exchange(
            seen,
            next,
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
        ) {
            Ok(_) => return next,
            Err(actual) => seen = actual,
        }
    }
}
