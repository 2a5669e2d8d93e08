//! The API's routes and their OpenAPI description (served at `/openapi.json`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;

use crate::problem::Problem;
use crate::ready::{check, Checks, Dependencies};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MPPPal operator API",
        description = "Agent accounts, policies and payments. See docs/api.md."
    ),
    paths(
        health,
        ready,
        crate::v1::operator,
        crate::v1::list_keys,
        crate::v1::create_key,
        crate::v1::revoke_key,
        crate::v1::create_account,
        crate::v1::list_accounts,
        crate::v1::get_account,
        crate::v1::account_balance,
        crate::v1::resolve_handle,
        crate::v1::get_policy,
        crate::v1::replace_policy,
        crate::v1::policy_versions,
        crate::v1::pause_account,
        crate::v1::unpause_account,
        crate::v1::create_transfer,
        crate::v1::list_transfers,
        crate::v1::get_transfer,
        crate::v1::list_escalations,
        crate::v1::get_escalation,
        crate::v1::approve_escalation,
        crate::v1::deny_escalation,
        crate::v1::report_receipts,
        crate::v1::list_receipts,
        crate::v1::sign_receipt,
        crate::v1::request_transaction,
        crate::v1::approved_transaction,
        crate::v1::open_session,
        crate::v1::list_sessions,
        crate::v1::get_session,
        crate::v1::report_voucher,
        crate::v1::close_session,
        crate::v1::audit_log,
        crate::v1::verify_audit,
        crate::v1::overview,
        crate::v1::spend,
        crate::v1::events,
        crate::v1::create_webhook,
        crate::v1::list_webhooks,
        crate::v1::disable_webhook,
        crate::v1::list_deliveries,
        crate::v1::resend_event,
        crate::v1::enable_webhook,
        crate::v1::rotate_secret,
        crate::v1::dead_jobs,
        crate::v1::replay_job,
        crate::v1::open_differences,
        crate::signin::sessions::session,
        crate::signin::sessions::logout,
        crate::signin::link::sign_in
    ),
    components(schemas(Health, Ready, Checks))
)]
struct ApiDoc;

/// 405 for a route asked with a method it does not serve, as problem+json like every error.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not take {method}", uri.path()),
    )
}

/// The router over `deps`. Every request gets an `x-request-id` (the caller's, or a new UUID),
/// echoed in the response and carried by every log line written while serving it.
pub fn router(deps: Arc<Dependencies>) -> Router {
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    let routes = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/openapi.json", get(openapi))
        .route("/metrics", get(crate::metrics::handler))
        .merge(crate::v1::router(deps.clone()))
        .merge(crate::signin::router())
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(crate::dashboard::serve)
        .with_state(deps.clone())
        .route_layer(axum::middleware::from_fn(crate::metrics::track))
        .layer(axum::middleware::from_fn_with_state(
            deps,
            crate::rate_limit::by_address,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &axum::http::Request<_>| {
                            let id = request
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("");
                            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                        })
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id)),
        );
    crate::security_headers::add(routes).layer(mpppal_protocol::panic_guard::layer())
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
}

/// Liveness: the process serves HTTP. Checks no dependency.
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Serialize, utoipa::ToSchema)]
struct Ready {
    status: &'static str,
    checks: Checks,
}

/// Readiness: PostgreSQL, Redis and the Solana RPC node all answer. Otherwise 503 problem+json
/// (`code` "not_ready") naming each failing dependency in `detail` and `checks`.
#[utoipa::path(get, path = "/ready", responses(
    (status = 200, body = Ready),
    (status = 503, description = "a dependency is down", content_type = "application/problem+json")
))]
async fn ready(State(deps): State<Arc<Dependencies>>) -> Result<Json<Ready>, Problem> {
    let checks = check(&deps).await;
    let failing = checks.failing();
    if failing.is_empty() {
        return Ok(Json(Ready {
            status: "ready",
            checks,
        }));
    }
    let detail = failing
        .iter()
        .map(|(name, why)| format!("{name}: {why}"))
        .collect::<Vec<_>>()
        .join("; ");
    tracing::warn!(%detail, "not ready");
    Err(Problem {
        status: StatusCode::SERVICE_UNAVAILABLE,
        code: "not_ready",
        detail,
        extra: json!({ "checks": checks }),
    })
}

async fn openapi() -> Json<serde_json::Value> {
    Json(spec())
}

/// The API's OpenAPI description, as `/openapi.json` serves it (and `mpppal openapi` prints it):
/// what the routes declare, completed with what holds for all of them (`openapi_complete`).
pub fn spec() -> serde_json::Value {
    let generated = serde_json::to_value(ApiDoc::openapi()).expect("the description serialises");
    crate::openapi_complete::complete(generated)
}
