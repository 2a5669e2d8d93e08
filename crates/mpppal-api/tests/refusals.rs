//! Requests a client gets wrong, or sends too often: each is refused with a problem+json code and
//! changes nothing; nothing of the database's own text reaches the answer.

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::rate_limit::{Limits, Rate};
use mpppal_api::{router, Dependencies};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use support::{redis_url, Signed};

mod support;

const MASTER: [u8; 32] = [5; 32];

fn no_limits() -> Limits {
    Limits {
        per_key: None,
        per_address: None,
        sign_in: None,
    }
}

/// The API as `mpppal serve` runs it (with client addresses), and a key with every scope.
async fn api(pool: &PgPool, limits: Limits) -> (String, Signed) {
    let deps = Dependencies::new(pool.clone(), &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(MASTER))
        .with_rate_limits(limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(Arc::new(deps)).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let operator = keys::create_operator(pool, "ops").await.unwrap();
    let key = keys::create(pool, &MASTER, operator, "all", &[Scope::Read, Scope::Write])
        .await
        .unwrap();
    let signed = Signed::new(&base, &key.key_id, &key.secret);
    (base, signed)
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

fn assert_problem(status: u16, body: &Value, want_status: u16, code: &str) {
    assert_eq!(
        (status, body["code"].as_str()),
        (want_status, Some(code)),
        "{body}"
    );
    assert_eq!(body["status"], want_status, "{body}");
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn malformed_values_are_400s_that_change_nothing(pool: PgPool) {
    let (_, api) = api(&pool, no_limits()).await;
    let keys_before = count(&pool, "api_keys").await;

    // A NUL character, which PostgreSQL text cannot hold: refused before anything runs.
    let (status, body, _) = api
        .send(
            "POST",
            "/v1/api-keys",
            r#"{"name":"bad\u0000name","scopes":["read"]}"#.into(),
            None,
        )
        .await;
    assert_problem(status, &body, 400, "invalid_body");
    assert!(body["detail"].as_str().unwrap().contains("NUL"), "{body}");
    // An escaped backslash before u0000 is text, not NUL.
    let (status, body, _) = api
        .send(
            "POST",
            "/v1/api-keys",
            r#"{"name":"c:\\u0000dir","scopes":["read"]}"#.into(),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let name: String = sqlx::query_scalar("SELECT name FROM api_keys WHERE key_id = $1")
        .bind(body["keyId"].as_str().unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, r"c:\u0000dir");

    // Cursors and idempotency keys out of every range.
    for query in [
        "cursor=99999999999999999999.txn_x",
        "cursor=9223372036854775807.txn_x",
        "cursor=-1.txn_x",
    ] {
        let (status, body) = api
            .call("GET", &format!("/v1/transfers?{query}"), None, None)
            .await;
        assert_problem(status, &body, 400, "invalid_cursor");
    }
    let (status, body) = api
        .call(
            "POST",
            "/v1/api-keys",
            Some(&json!({"name": "k", "scopes": ["read"]})),
            Some(&"k".repeat(129)),
        )
        .await;
    assert_problem(status, &body, 400, "invalid_idempotency_key");
    assert_eq!(count(&pool, "api_keys").await, keys_before + 1);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_method_a_route_does_not_take_is_a_405_problem(pool: PgPool) {
    let (_, api) = api(&pool, no_limits()).await;
    for (method, path) in [
        ("PUT", "/v1/operator"),
        ("DELETE", "/v1/transfers"),
        ("POST", "/health"),
    ] {
        let (status, body, headers) = api.send(method, path, String::new(), None).await;
        assert_problem(status, &body, 405, "method_not_allowed");
        assert_eq!(headers["content-type"], "application/problem+json");
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn too_many_requests_are_429s_with_retry_after(pool: PgPool) {
    let slow = Rate {
        per_second: 0.01,
        burst: 2,
    };
    let http = reqwest::Client::new();

    // Per client address: every route counts.
    let (base, _) = api(
        &pool,
        Limits {
            per_address: Some(slow),
            ..no_limits()
        },
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = http.get(format!("{base}/health")).send().await.unwrap();
        statuses.push(answer.status().as_u16());
        if answer.status() == 429 {
            let wait: u64 = answer.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=100).contains(&wait), "{wait}");
            assert_eq!(answer.headers()["content-type"], "application/problem+json");
            let body: Value = answer.json().await.unwrap();
            assert_problem(429, &body, 429, "rate_limited");
        }
    }
    assert_eq!(statuses, [200, 200, 429]);

    // Per key: counted once the request verifies, so forged requests spend nothing of it, and
    // another key of the same operator has its own allowance.
    let (base, limited) = api(
        &pool,
        Limits {
            per_key: Some(slow),
            ..no_limits()
        },
    )
    .await;
    let forged = Signed::new(&base, &limited.key_id, "mps_not-the-secret");
    for _ in 0..5 {
        let (status, body) = forged.call("GET", "/v1/operator", None, None).await;
        assert_problem(status, &body, 401, "bad_signature");
    }
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(limited.call("GET", "/v1/operator", None, None).await.0);
    }
    assert_eq!(statuses, [200, 200, 429]);
    let (status, created) = limited
        .call(
            "POST",
            "/v1/api-keys",
            Some(&json!({"name": "second", "scopes": ["read"]})),
            None,
        )
        .await;
    assert_eq!(
        status, 429,
        "the limited key cannot make another: {created}"
    );
    let operator: sqlx::types::Uuid =
        sqlx::query_scalar("SELECT operator_id FROM api_keys WHERE key_id = $1")
            .bind(&limited.key_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let other = keys::create(&pool, &MASTER, operator, "other", &[Scope::Read])
        .await
        .unwrap();
    let other = Signed::new(&base, &other.key_id, &other.secret);
    assert_eq!(other.call("GET", "/v1/operator", None, None).await.0, 200);

    // Sign-in: tighter, per address, whether or not sign-in is configured.
    let (base, _) = api(
        &pool,
        Limits {
            sign_in: Some(slow),
            ..no_limits()
        },
    )
    .await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = no_redirects
            .get(format!("{base}/auth/login"))
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses[2], 429, "{statuses:?}");
    assert_ne!(statuses[0], 429, "{statuses:?}");
    // Other routes of that address are not held back by the sign-in limit, nor is a signed-in
    // page asking who is signed in.
    assert_eq!(
        http.get(format!("{base}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    for _ in 0..3 {
        let session = http
            .get(format!("{base}/auth/session"))
            .send()
            .await
            .unwrap();
        assert_ne!(session.status(), 429);
    }
}
