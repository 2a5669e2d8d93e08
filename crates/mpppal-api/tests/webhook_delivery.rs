//! Webhook delivery by the worker to a real local HTTP receiver: every event arrives despite
//! failed tries, signed per Standard Webhooks, under one `webhook-id` each; one attempt row per
//! try; an operator's resend; an endpoint that keeps failing is disabled with its reason (and
//! the others hear of it); a rotated secret signs beside the old one.

use anchor_lang::prelude::Pubkey;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mpppal_worker::webhooks::sign;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::worker::{eventually, start, test_config};
use support::world::{world, USDC};

mod support;

/// What the receiver got: (webhook-id, webhook-timestamp, webhook-signature, body).
type Got = (String, i64, String, Vec<u8>);

#[derive(Default)]
struct Receiver {
    fail_first: usize,
    calls: Mutex<usize>,
    delivered: Mutex<Vec<Got>>,
}

async fn receive(
    State(r): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut calls = r.calls.lock().unwrap();
    *calls += 1;
    if *calls <= r.fail_first {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let header = |name: &str| headers[name].to_str().unwrap().to_string();
    r.delivered.lock().unwrap().push((
        header("webhook-id"),
        header("webhook-timestamp").parse().unwrap(),
        header("webhook-signature"),
        body.to_vec(),
    ));
    StatusCode::NO_CONTENT
}

async fn receiver(fail_first: usize) -> (String, Arc<Receiver>) {
    let r = Arc::new(Receiver {
        fail_first,
        ..Receiver::default()
    });
    let app = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, r)
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn every_event_arrives_signed_once_per_id_despite_failures(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (url, got) = receiver(2).await;
    let (status, endpoint) = w
        .api
        .call("POST", "/v1/webhooks", Some(&json!({"url": url})), None)
        .await;
    assert_eq!(status, 201, "{endpoint}");
    let endpoint_id = endpoint["endpointId"].as_str().unwrap().to_string();
    let secret = sign::secret_bytes(endpoint["secret"].as_str().unwrap()).unwrap();
    // A second endpoint nobody answers at: disabled after three failed tries in a row.
    let (_, dead_end) = w
        .api
        .call(
            "POST",
            "/v1/webhooks",
            Some(&json!({"url": "http://127.0.0.1:9/hooks"})),
            None,
        )
        .await;
    let dead_end = dead_end["endpointId"].as_str().unwrap().to_string();

    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC, "escalationThreshold": 2 * USDC}))
        .await;
    let account_id = account["accountId"].as_str().unwrap();
    w.faucet(account["solanaAddress"].as_str().unwrap(), 10 * USDC)
        .await;
    for (n, amount) in [USDC, 3 * USDC, 9 * USDC].into_iter().enumerate() {
        let body = json!({"accountId": account_id, "to": Pubkey::new_unique().to_string(), "amount": amount});
        w.api
            .call(
                "POST",
                "/v1/transfers",
                Some(&body),
                Some(&format!("hook-{n}")),
            )
            .await;
    }

    let mut config = test_config(w.rpc.url().as_str());
    config.webhook_disable_after = 3;
    let _worker = start(&w, config).await;
    // created + settled (1 USDC), escalation.required (3), rejected (9), and the dead end's
    // webhook.disabled.
    let expected = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT outbox_id FROM outbox WHERE kind = 'event'
               AND payload->>'type' IN ('transfer.created', 'transfer.settled', 'transfer.rejected',
                                        'escalation.required', 'webhook.disabled')
             ORDER BY outbox_id",
        )
        .fetch_all(&w.pool)
        .await
        .unwrap()
    };
    eventually(
        60,
        "the settlement, the disabled endpoint and every delivery",
        || async {
            let events = expected().await;
            let ids: std::collections::BTreeSet<String> = got
                .delivered
                .lock()
                .unwrap()
                .iter()
                .map(|g| g.0.clone())
                .collect();
            let types: Vec<String> = events.iter().map(|e| sign::message_id(*e)).collect();
            events.len() >= 5 && types.iter().all(|t| ids.contains(t))
        },
    )
    .await;

    // Every message verifies, and one id always carries the same event.
    let delivered = got.delivered.lock().unwrap().clone();
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for (id, timestamp, signature, body) in &delivered {
        assert!(
            sign::verify(&secret, id, *timestamp, body, signature),
            "{id}"
        );
        let event: Value = serde_json::from_slice(body).unwrap();
        if let Some(before) = by_id.insert(id.clone(), event.clone()) {
            assert_eq!(before, event, "one id, one event");
        }
    }
    let types: Vec<&str> = by_id
        .values()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for wanted in [
        "transfer.created",
        "transfer.settled",
        "transfer.rejected",
        "escalation.required",
        "webhook.disabled",
    ] {
        assert!(types.contains(&wanted), "{wanted} missing from {types:?}");
    }
    let settled = by_id
        .values()
        .find(|e| e["type"] == "transfer.settled")
        .unwrap();
    assert!(settled["data"]["signature"].is_string(), "{settled}");
    assert!(settled["timestamp"].as_str().unwrap().ends_with('Z'));

    // One attempt row per try: the two refused, then one delivered per event.
    let (_, page) = w
        .api
        .call(
            "GET",
            &format!("/v1/webhooks/{endpoint_id}/deliveries?limit=100"),
            None,
            None,
        )
        .await;
    let rows = page["items"].as_array().unwrap();
    let failed = rows.iter().filter(|d| d["status"] == "failed").count();
    let ok = rows.iter().filter(|d| d["status"] == "delivered").count();
    assert_eq!(failed, 2, "{page}");
    assert_eq!(ok, by_id.len(), "{page}");
    assert!(rows.iter().any(|d| d["attempt"].as_i64() > Some(1)));

    // The endpoint nobody answers is disabled, with the reason.
    let (_, endpoints) = w.api.call("GET", "/v1/webhooks", None, None).await;
    let dead = endpoints
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpointId"] == json!(dead_end))
        .unwrap();
    assert_eq!(dead["status"], "disabled", "{dead}");
    assert!(
        dead["disabledReason"]
            .as_str()
            .unwrap()
            .contains("3 failed deliveries"),
        "{dead}"
    );

    // An operator's resend goes out again under the same id.
    let event_id = rows[0]["eventId"].as_i64().unwrap();
    let (status, _) = w
        .api
        .call(
            "POST",
            &format!("/v1/webhooks/{endpoint_id}/resend"),
            Some(&json!({"eventId": event_id})),
            None,
        )
        .await;
    assert_eq!(status, 202);
    let id = sign::message_id(event_id);
    eventually(20, "the resent event", || async {
        got.delivered
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.0 == id)
            .count()
            == 2
    })
    .await;
    // A resend to a disabled endpoint is refused until it is enabled again.
    let (status, problem) = w
        .api
        .call(
            "POST",
            &format!("/v1/webhooks/{dead_end}/resend"),
            Some(&json!({"eventId": event_id})),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("endpoint_disabled"))
    );

    // After a rotation, messages carry signatures under the new and the old secret.
    let (status, rotated) = w
        .api
        .call(
            "POST",
            &format!("/v1/webhooks/{endpoint_id}/rotate-secret"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let new_secret = sign::secret_bytes(rotated["secret"].as_str().unwrap()).unwrap();
    let before = got.delivered.lock().unwrap().len();
    w.api
        .call(
            "POST",
            &format!("/v1/webhooks/{endpoint_id}/resend"),
            Some(&json!({"eventId": event_id})),
            None,
        )
        .await;
    eventually(20, "a message after the rotation", || async {
        got.delivered.lock().unwrap().len() > before
    })
    .await;
    let (id, timestamp, signature, body) = got.delivered.lock().unwrap().last().unwrap().clone();
    assert_eq!(signature.split(' ').count(), 2, "{signature}");
    assert!(sign::verify(&new_secret, &id, timestamp, &body, &signature));
    assert!(sign::verify(&secret, &id, timestamp, &body, &signature));
}

/// Server-side request forgery: an operator registers an endpoint on loopback, the private
/// network or the cloud metadata address, hoping to read what answers there in the delivery log.
/// Unless the server's administrator allows private targets, registration refuses them.
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn webhook_urls_on_private_addresses_are_refused(pool: PgPool) {
    use mpppal_api::auth::keys::{self, Scope};
    let operator = keys::create_operator(&pool, "ops").await.unwrap();
    let key = keys::create(
        &pool,
        &support::world::MASTER,
        operator,
        "k",
        &[Scope::Write],
    )
    .await
    .unwrap();
    let deps =
        mpppal_api::Dependencies::new(pool.clone(), &support::redis_url(), "http://127.0.0.1:1")
            .unwrap()
            .with_master_key(Some(support::world::MASTER));
    let api = support::Signed::new(&support::serve(deps).await, &key.key_id, &key.secret);
    let (receiver_url, _) = receiver(0).await;
    for url in [
        receiver_url.as_str(),
        "http://localhost:9/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hooks",
        "http://[::1]:9/hooks",
        "http://[fd00::8]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
    ] {
        let (status, problem) = api
            .call("POST", "/v1/webhooks", Some(&json!({"url": url})), None)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("invalid_webhook_url")),
            "{url}: {problem}"
        );
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing was registered");
}

/// DNS rebinding: a URL accepted when it pointed elsewhere (here: registered while private
/// targets were allowed) is checked again at delivery, by the address connected to. A worker
/// that does not allow private targets never sends to it, and says why in the attempt.
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_worker_connects_to_no_private_address(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let (url, got) = receiver(0).await;
    let by_name = url.replace("127.0.0.1", "localhost");
    for target in [&url, &by_name] {
        let (status, _) = w
            .api
            .call("POST", "/v1/webhooks", Some(&json!({"url": target})), None)
            .await;
        assert_eq!(status, 201);
    }
    let account = w
        .account(json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC}))
        .await;
    w.faucet(account["solanaAddress"].as_str().unwrap(), 10 * USDC)
        .await;
    let body = json!({"accountId": account["accountId"], "to": Pubkey::new_unique().to_string(), "amount": USDC});
    w.api
        .call("POST", "/v1/transfers", Some(&body), Some("ssrf-1"))
        .await;
    let mut config = test_config(w.rpc.url().as_str());
    config.egress.allow_private = false;
    let _worker = start(&w, config).await;
    let errors = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT e.url || ' ' || d.error FROM webhook_deliveries d
             JOIN webhook_endpoints e USING (endpoint_id) WHERE d.error IS NOT NULL ORDER BY 1",
        )
        .fetch_all(&w.pool)
        .await
        .unwrap()
    };
    eventually(60, "failed tries to both endpoints", || async {
        errors().await.len() >= 2
    })
    .await;
    let errors = errors().await;
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&url) && e.contains("is not a public address")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&by_name) && e.contains("no public address")),
        "{errors:?}"
    );
    assert_eq!(
        *got.calls.lock().unwrap(),
        0,
        "the receiver was never reached"
    );
}

/// What two receivers saw, in the order it happened: `A` when the slow one starts a request,
/// `B` when the fast one gets one.
#[derive(Default)]
struct Order {
    seen: Mutex<Vec<&'static str>>,
    slow_in_flight: std::sync::atomic::AtomicUsize,
    slow_most_at_once: std::sync::atomic::AtomicUsize,
}

async fn slow(State(o): State<Arc<Order>>) -> StatusCode {
    use std::sync::atomic::Ordering::SeqCst;
    o.seen.lock().unwrap().push("A");
    let now = o.slow_in_flight.fetch_add(1, SeqCst) + 1;
    o.slow_most_at_once.fetch_max(now, SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    o.slow_in_flight.fetch_sub(1, SeqCst);
    StatusCode::NO_CONTENT
}

async fn fast(State(o): State<Arc<Order>>) -> StatusCode {
    o.seen.lock().unwrap().push("B");
    StatusCode::NO_CONTENT
}

/// One operator's slow endpoint with a backlog does not hold up another operator's messages:
/// an endpoint gets one try at a time, and the dispatchers choose among operators, not oldest
/// first. No transaction is held while an endpoint takes its time.
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_slow_endpoint_does_not_hold_up_other_operators(pool: PgPool) {
    use mpppal_api::auth::keys::{self, Scope};
    let w = world(pool.clone()).await;
    let order = Arc::new(Order::default());
    let app = axum::Router::new()
        .route("/slow", axum::routing::post(slow))
        .route("/fast", axum::routing::post(fast))
        .with_state(order.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let other = keys::create_operator(&pool, "other").await.unwrap();
    let other = keys::create(&pool, &support::world::MASTER, other, "k", &[Scope::Write])
        .await
        .unwrap();
    let other = support::Signed::new(&w.api.base, &other.key_id, &other.secret);
    let mut endpoints = Vec::new();
    for (api, path) in [(&w.api, "/slow"), (&other, "/fast")] {
        let (status, endpoint) = api
            .call(
                "POST",
                "/v1/webhooks",
                Some(&json!({"url": format!("{base}{path}")})),
                None,
            )
            .await;
        assert_eq!(status, 201, "{endpoint}");
        endpoints.push(endpoint["endpointId"].as_str().unwrap().to_string());
    }
    // A backlog of five for the slow endpoint, older than the fast endpoint's one message.
    for (endpoint, n) in [(&endpoints[0], 5), (&endpoints[1], 1)] {
        for _ in 0..n {
            sqlx::query(
                "WITH e AS (INSERT INTO outbox (kind, subject, payload, done_at)
                            VALUES ('event', $1, '{\"type\":\"transfer.settled\"}', now())
                            RETURNING outbox_id)
                 INSERT INTO webhook_queue (endpoint_id, event_id) SELECT $1, outbox_id FROM e",
            )
            .bind(endpoint)
            .execute(&pool)
            .await
            .unwrap();
        }
    }
    let mut config = test_config(w.rpc.url().as_str());
    config.webhook_concurrency = 2;
    let _worker = start(&w, config).await;
    eventually(30, "every message delivered", || async {
        w.count("SELECT count(*) FROM webhook_queue").await == 0
    })
    .await;
    let seen = order.seen.lock().unwrap().clone();
    assert_eq!(seen.iter().filter(|s| **s == "A").count(), 5, "{seen:?}");
    let fast_at = seen.iter().position(|s| *s == "B").unwrap();
    assert!(
        fast_at <= 1,
        "the other operator's message waited behind the slow backlog: {seen:?}"
    );
    assert_eq!(
        order
            .slow_most_at_once
            .load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one try at a time per endpoint"
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn an_operator_has_at_most_sixteen_enabled_endpoints(pool: PgPool) {
    let w = world(pool).await;
    let (url, _) = receiver(0).await;
    let mut last = None;
    for _ in 0..16 {
        let (status, endpoint) = w
            .api
            .call("POST", "/v1/webhooks", Some(&json!({"url": url})), None)
            .await;
        assert_eq!(status, 201, "{endpoint}");
        last = endpoint["endpointId"].as_str().map(str::to_string);
    }
    let (status, problem) = w
        .api
        .call("POST", "/v1/webhooks", Some(&json!({"url": url})), None)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("too_many_endpoints")),
        "{problem}"
    );
    // Disabling one makes room; enabling it again takes the room back.
    let last = last.unwrap();
    let (status, _) = w
        .api
        .call("DELETE", &format!("/v1/webhooks/{last}"), None, None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = w
        .api
        .call("POST", "/v1/webhooks", Some(&json!({"url": url})), None)
        .await;
    assert_eq!(status, 201);
    let (status, problem) = w
        .api
        .call("POST", &format!("/v1/webhooks/{last}/enable"), None, None)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("too_many_endpoints"))
    );
}
