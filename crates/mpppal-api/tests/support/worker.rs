//! The settlement worker beside a test's API: same database and chain, the real Redis, and a
//! stream and consumer group of its own so tests running side by side never share jobs.

use mpppal_worker::{runner, Ctx, WorkerConfig};
use std::sync::Arc;
use std::time::Duration;

use super::redis_url;
use super::world::{World, MASTER};

/// Settings for tests: a fresh stream, short waits.
pub fn test_config(rpc_url: &str) -> WorkerConfig {
    let mut c = WorkerConfig::new(rpc_url);
    let mut tag = [0u8; 8];
    getrandom::fill(&mut tag).unwrap();
    c.stream = format!("mpppal:test-jobs:{}", hex::encode(tag));
    c.group = "test-workers".into();
    c.consumer = format!("test-{}", hex::encode(tag));
    c.backoff_base = Duration::from_millis(50);
    c.backoff_max = Duration::from_millis(400);
    c.lease = Duration::from_secs(20);
    c.confirm_wait = Duration::from_secs(10);
    c.webhook_schedule = vec![Duration::from_millis(100); 8];
    c.reconcile_every = Duration::from_millis(500);
    c.overdue_after = Duration::from_secs(600);
    // The tests' webhook receivers listen on loopback.
    c.egress.allow_private = true;
    c
}

/// A running worker; stops when dropped.
pub struct Worker(tokio::task::JoinHandle<()>);

impl Drop for Worker {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn start(w: &World, config: WorkerConfig) -> Worker {
    let ctx = Arc::new(Ctx::new(w.pool.clone(), MASTER, config));
    let redis = redis::Client::open(redis_url()).unwrap();
    Worker(tokio::spawn(async move {
        runner::run(ctx, redis, std::future::pending())
            .await
            .unwrap()
    }))
}

/// Polls `check` every 100 ms until it holds, failing the test after `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
