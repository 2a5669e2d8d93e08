//! What the API tests share: the local Redis, the clock, and serving the router on a port.
#![allow(dead_code)] // each test file uses its own part of this

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
