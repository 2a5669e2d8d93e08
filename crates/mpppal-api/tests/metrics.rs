//! `/metrics` over real HTTP (in a test binary of its own: the registry is the process's): the
//! health probe's view of each dependency, RPC latency and slot, and request latency by route.
//! The process-wide probe `serve` runs is `ready::probe`; here it is driven directly.

use mpppal_api::Dependencies;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use std::sync::Arc;
use std::time::Duration;
use support::{redis_url, serve};

mod support;

fn line<'a>(metrics: &'a str, prefix: &str) -> Option<&'a str> {
    metrics.lines().find(|l| l.starts_with(prefix))
}

#[tokio::test]
async fn metrics_show_a_dead_rpc_node_and_a_dead_redis_within_seconds() {
    let db = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let pool = sqlx::PgPool::connect(&db).await.unwrap();
    let chain = rpc::spawn(Arc::new(Node::new(LocalChain::start().await)))
        .await
        .unwrap()
        .0;
    let metrics = |base: String| async move {
        reqwest::get(format!("{base}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };

    // Everything up: the probe says so, with the node's slot and latency.
    let up = Arc::new(Dependencies::new(pool.clone(), &redis_url(), &chain).unwrap());
    let probe = tokio::spawn(mpppal_api::ready::probe(up, Duration::from_millis(200)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    probe.abort();
    let base = serve(Dependencies::new(pool.clone(), &redis_url(), &chain).unwrap()).await;
    let text = metrics(base.clone()).await;
    for name in ["database", "redis", "solana"] {
        let wanted = format!("mpppal_dependency_up{{dependency=\"{name}\"}} 1");
        assert!(text.contains(&wanted), "{wanted} in:\n{text}");
    }
    assert!(
        line(&text, "mpppal_rpc_slot{node=\"primary\"}").is_some(),
        "{text}"
    );
    assert!(
        line(&text, "mpppal_rpc_latency_seconds{node=\"primary\"}").is_some(),
        "{text}"
    );

    // The RPC node and Redis die: within a probe or two the metrics say which.
    let dead = Arc::new(
        Dependencies::new(pool.clone(), "redis://127.0.0.1:1", "http://127.0.0.1:1").unwrap(),
    );
    let probe = tokio::spawn(mpppal_api::ready::probe(dead, Duration::from_millis(200)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    probe.abort();
    let text = metrics(base.clone()).await;
    for (name, state) in [("database", 1), ("redis", 0), ("solana", 0)] {
        let wanted = format!("mpppal_dependency_up{{dependency=\"{name}\"}} {state}");
        assert!(text.contains(&wanted), "{wanted} in:\n{text}");
    }

    // Requests are timed under their route template, not their path.
    reqwest::get(format!("{base}/v1/transfers/txn_whatever"))
        .await
        .unwrap();
    let text = metrics(base).await;
    assert!(
        text.contains("route=\"/v1/transfers/{transfer_id}\""),
        "{text}"
    );
    assert!(!text.contains("txn_whatever"), "{text}");
}
