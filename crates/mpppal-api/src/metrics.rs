//! Prometheus metrics: the API's own (HTTP latency, dependency health) beside the worker's in
//! the process-wide registry, all rendered by `GET /metrics` and, when configured, sent to a
//! DogStatsD agent ([`crate::dogstatsd`]).

use axum::extract::{MatchedPath, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    register_gauge_vec, register_histogram_vec, register_int_gauge_vec, Encoder, GaugeVec,
    HistogramVec, IntGaugeVec, TextEncoder,
};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::ready::Checks;

struct Metrics {
    http_seconds: HistogramVec,
    dependency_up: IntGaugeVec,
    rpc_latency_seconds: GaugeVec,
    rpc_slot: IntGaugeVec,
}

fn get() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| Metrics {
        http_seconds: register_histogram_vec!(
            "mpppal_http_request_seconds",
            "Seconds to answer an HTTP request, by method, route and status",
            &["method", "route", "status"],
            vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0]
        )
        .expect("registers once"),
        dependency_up: register_int_gauge_vec!(
            "mpppal_dependency_up",
            "1 when the dependency answered the last health check, 0 when not",
            &["dependency"]
        )
        .expect("registers once"),
        rpc_latency_seconds: register_gauge_vec!(
            "mpppal_rpc_latency_seconds",
            "Seconds the Solana RPC node took to answer the last health check",
            &["node"]
        )
        .expect("registers once"),
        rpc_slot: register_int_gauge_vec!(
            "mpppal_rpc_slot",
            "The Solana RPC node's slot at the last health check",
            &["node"]
        )
        .expect("registers once"),
    })
}

/// Times every request under its route template (not its path, so ids do not explode the
/// label set).
pub async fn track(request: Request, next: Next) -> Response {
    // Any token is a valid HTTP method: only the standard ones become label values, so a client
    // inventing methods cannot grow the series without bound.
    let method = match *request.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let started = Instant::now();
    let response = next.run(request).await;
    get()
        .http_seconds
        .with_label_values(&[method, &route, response.status().as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}

pub(crate) fn record_checks(checks: &Checks, latency: Duration) {
    let m = get();
    for (name, state) in [
        ("database", &checks.database),
        ("redis", &checks.redis),
        ("solana", &checks.solana),
    ] {
        m.dependency_up
            .with_label_values(&[name])
            .set(i64::from(state == "ok"));
    }
    if checks.solana == "ok" {
        m.rpc_latency_seconds
            .with_label_values(&["primary"])
            .set(latency.as_secs_f64());
    }
    if let Some(slot) = checks.solana_slot {
        m.rpc_slot.with_label_values(&["primary"]).set(slot as i64);
    }
}

/// Every metric of the process, the API's registered first so they show before any is used.
pub fn gather() -> Vec<prometheus::proto::MetricFamily> {
    get();
    prometheus::gather()
}

/// Every metric in the Prometheus text format.
pub fn render() -> String {
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&gather(), &mut out)
        .expect("metrics encode");
    String::from_utf8(out).expect("the text format is UTF-8")
}

/// `GET /metrics`.
pub async fn handler() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        render(),
    )
}
