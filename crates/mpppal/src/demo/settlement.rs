//! The demo's back office: the settlement worker running in-process on the demo's PostgreSQL,
//! Redis and chain, and a local webhook receiver that keeps what the operator is told.

use anyhow::{Context, Result};
use mpppal_worker::{runner, Ctx, WorkerConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver got: one event type per `webhook-id`.
#[derive(Clone, Default)]
pub struct Received(Arc<Mutex<Vec<(String, String)>>>);

impl Received {
    /// The event types in the order the events happened (`evt_<n>` ids grow), whatever order
    /// the tries arrived in.
    pub fn types(&self) -> Vec<String> {
        let mut got = self.0.lock().expect("not poisoned").clone();
        got.sort_by_key(|(id, _)| {
            id.trim_start_matches("evt_")
                .parse::<i64>()
                .unwrap_or(i64::MAX)
        });
        got.into_iter().map(|(_, t)| t).collect()
    }
}

/// A webhook receiver on a free loopback port; its URL and what it got.
pub async fn receiver() -> Result<(String, Received)> {
    let received = Received::default();
    let keep = received.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let keep = keep.clone();
                async move {
                    let id = headers
                        .get("webhook-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    let kind = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|e| e["type"].as_str().map(str::to_string))
                        .unwrap_or_default();
                    let mut got = keep.0.lock().expect("not poisoned");
                    if !got.iter().any(|(seen, _)| *seen == id) {
                        got.push((id, kind));
                    }
                    axum::http::StatusCode::NO_CONTENT
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hooks", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, received))
}

/// The worker, started; its context (for a reconciliation run on demand).
pub async fn worker(
    database_url: &str,
    redis_url: &str,
    rpc_url: &str,
    master_key: [u8; 32],
) -> Result<Arc<Ctx>> {
    let mut config = WorkerConfig::new(rpc_url);
    // A demo shows webhooks and retries in seconds, not hours.
    config.webhook_schedule = vec![Duration::from_millis(200); 5];
    config.consumer = "demo".into();
    // Receipts settle within a second of being reported.
    config.batch_every = Duration::from_secs(1);
    // The demo's webhook receiver listens on loopback.
    config.egress.allow_private = true;
    let db = mpppal_db::connect(database_url).await?;
    let redis = redis::Client::open(redis_url).context("the worker's REDIS_URL")?;
    let ctx = Arc::new(Ctx::new(db, master_key, config));
    let running = ctx.clone();
    tokio::spawn(async move {
        if let Err(e) = runner::run(running, redis, std::future::pending()).await {
            eprintln!("the settlement worker stopped: {e}");
        }
    });
    Ok(ctx)
}
