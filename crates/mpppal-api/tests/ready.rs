//! `/health`, `/ready` and `/openapi.json` over real HTTP, against a real PostgreSQL, a real Redis
//! and the embedded chain's JSON-RPC; and `/ready` naming each dependency that is down.

use mpppal_api::Dependencies;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use serde_json::Value;
use std::sync::Arc;
use support::{redis_url, serve};

mod support;

fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Nothing listens on port 1 on loopback: a dependency that is down.
const DEAD_PORT: u16 = 1;

async fn solana_rpc() -> String {
    let chain = LocalChain::start().await;
    rpc::spawn(Arc::new(Node::new(chain))).await.unwrap().0
}

/// Serves the API with these dependencies on a loopback port; its base URL.
async fn api(db: &str, redis: &str, solana: &str) -> String {
    // Lazy: a dead database must not stop the API from answering that it is not ready.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(1))
        .connect_lazy(db)
        .unwrap();
    serve(Dependencies::new(pool, redis, solana).unwrap()).await
}

async fn get(url: String) -> (u16, String, Value) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, response.json().await.unwrap())
}

#[tokio::test]
async fn ready_when_every_dependency_answers() {
    let base = api(&database_url(), &redis_url(), &solana_rpc().await).await;
    let (status, _, body) = get(format!("{base}/ready")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["redis"], "ok");
    assert_eq!(body["checks"]["solana"], "ok");
    let (status, _, body) = get(format!("{base}/health")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
}

#[tokio::test]
async fn not_ready_names_each_dead_dependency() {
    let solana = solana_rpc().await;
    let dead = |scheme: &str| format!("{scheme}://127.0.0.1:{DEAD_PORT}");
    let cases = [
        (
            "database",
            api(&format!("{}/none", dead("postgres")), &redis_url(), &solana).await,
        ),
        ("redis", api(&database_url(), &dead("redis"), &solana).await),
        (
            "solana",
            api(&database_url(), &redis_url(), &dead("http")).await,
        ),
    ];
    for (name, base) in cases {
        let (status, kind, body) = get(format!("{base}/ready")).await;
        assert_eq!(status, 503, "{name}: {body}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(body["code"], "not_ready");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{name}: ")),
            "{body}"
        );
        assert_ne!(body["checks"][name], "ok");
        // The dependency's own error text goes to the log, never to whoever asks.
        let text = body.to_string();
        assert!(
            !text.contains("os error") && !text.contains("refused"),
            "{text}"
        );
        let others = ["database", "redis", "solana"];
        for other in others.iter().filter(|o| **o != name) {
            assert_eq!(
                body["checks"][other], "ok",
                "{name} down, {other} up: {body}"
            );
        }
        // Liveness does not depend on them.
        assert_eq!(get(format!("{base}/health")).await.0, 200);
    }
}

#[tokio::test]
async fn the_openapi_description_lists_the_routes() {
    let base = api(
        &database_url(),
        &redis_url(),
        &format!("http://127.0.0.1:{DEAD_PORT}"),
    )
    .await;
    let (status, _, spec) = get(format!("{base}/openapi.json")).await;
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/health", "/ready"] {
        assert!(spec["paths"][path]["get"].is_object(), "{path} in {spec}");
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let base = api(
        &database_url(),
        &redis_url(),
        &format!("http://127.0.0.1:{DEAD_PORT}"),
    )
    .await;
    let http = reqwest::Client::new();
    let given = http
        .get(format!("{base}/health"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        given.headers()["x-request-id"],
        "trace-me-42",
        "the caller's id is kept"
    );
    let made = http.get(format!("{base}/health")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID when the caller sent none: {id}");
}
