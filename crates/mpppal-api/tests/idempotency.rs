//! `Idempotency-Key` on real HTTP and a fresh database per test: a retried change happens once
//! and gets the first response; the key cannot be reused for another request; concurrent
//! retries still make one change.

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::auth::signing::authorization;
use mpppal_api::Dependencies;
use serde_json::Value;
use sqlx::PgPool;
use support::{now, redis_url, serve};

mod support;

const MASTER: [u8; 32] = [3; 32];

struct Client {
    base: String,
    http: reqwest::Client,
    key: keys::NewKey,
    /// Requests are signed at `signed_at - age`: distinct ages give distinct signatures however
    /// the clock ticks during the test.
    signed_at: i64,
}

impl Client {
    async fn new(pool: &PgPool) -> Self {
        let operator = keys::create_operator(pool, "ops").await.unwrap();
        let key = keys::create(pool, &MASTER, operator, "k", &[Scope::Read, Scope::Write])
            .await
            .unwrap();
        let deps = Dependencies::new(pool.clone(), &redis_url(), "http://127.0.0.1:1")
            .unwrap()
            .with_master_key(Some(MASTER));
        Self {
            base: serve(deps).await,
            http: reqwest::Client::new(),
            key,
            signed_at: now(),
        }
    }

    /// Sends a request with `idempotency`, signed `age` seconds before `signed_at` (a retry is a
    /// new signature).
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: &str,
        idempotency: Option<&str>,
        age: i64,
    ) -> (u16, bool, Value) {
        let auth = authorization(
            &self.key.key_id,
            &self.key.secret,
            method,
            path,
            "",
            self.signed_at - age,
            body.as_bytes(),
        );
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(key) = idempotency {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        let replayed = response.headers().contains_key("idempotent-replayed");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            replayed,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_retried_creation_makes_one_key_and_replays_without_the_secret(pool: PgPool) {
    let client = Client::new(&pool).await;
    let body = r#"{"name":"reporting","scopes":["read"]}"#;
    let (status, replayed, first) = client
        .send("POST", "/v1/api-keys", body, Some("create-1"), 0)
        .await;
    assert_eq!((status, replayed), (201, false), "{first}");
    assert!(first["secret"].as_str().unwrap().starts_with("mps_"));
    let (status, replayed, again) = client
        .send("POST", "/v1/api-keys", body, Some("create-1"), 1)
        .await;
    assert_eq!((status, replayed), (201, true), "{again}");
    assert_eq!(again["keyId"], first["keyId"]);
    assert_eq!(again["secret"], Value::Null, "the secret is never stored");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM api_keys WHERE name = 'reporting'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM audit_log").await,
        1,
        "one change, one entry"
    );
    let stored = count(
        &pool,
        "SELECT count(*) FROM idempotency_keys WHERE response_body LIKE '%mps_%'",
    )
    .await;
    assert_eq!(stored, 0, "no secret in the saved response");

    // The same key for a different request is refused and changes nothing.
    let other = r#"{"name":"other","scopes":["read"]}"#;
    let (status, _, refused) = client
        .send("POST", "/v1/api-keys", other, Some("create-1"), 2)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM api_keys").await, 2);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_failed_request_does_not_use_up_its_key_and_bad_keys_are_refused(pool: PgPool) {
    let client = Client::new(&pool).await;
    // Revoking a key that does not exist fails, so the idempotency key stays free.
    let missing = "/v1/api-keys/mpk_AAAAAAAAAAAAAAAAAAAA";
    assert_eq!(
        client
            .send("DELETE", missing, "", Some("revoke-1"), 0)
            .await
            .0,
        404
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM idempotency_keys").await,
        0
    );
    let long = "k".repeat(129);
    for (age, bad) in [(1, long.as_str()), (2, "has space")] {
        let (status, _, problem) = client
            .send(
                "POST",
                "/v1/api-keys",
                r#"{"name":"x","scopes":["read"]}"#,
                Some(bad),
                age,
            )
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("invalid_idempotency_key"))
        );
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM api_keys").await,
        1,
        "nothing created"
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn concurrent_retries_with_one_key_make_one_change(pool: PgPool) {
    let client = std::sync::Arc::new(Client::new(&pool).await);
    let body = r#"{"name":"raced","scopes":["read"]}"#;
    let racers: Vec<_> = (0..10)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .send("POST", "/v1/api-keys", body, Some("race-1"), i)
                    .await
            })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    let mut fresh = 0;
    for racer in racers {
        let (status, replayed, created) = racer.await.unwrap();
        assert_eq!(status, 201, "{created}");
        fresh += usize::from(!replayed);
        ids.insert(created["keyId"].as_str().unwrap().to_string());
    }
    assert_eq!(
        (fresh, ids.len()),
        (1, 1),
        "one creation, nine replays of it"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM api_keys WHERE name = 'raced'").await,
        1
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_retried_revocation_replays_its_204(pool: PgPool) {
    let client = Client::new(&pool).await;
    let (_, _, created) = client
        .send(
            "POST",
            "/v1/api-keys",
            r#"{"name":"temp","scopes":["read"]}"#,
            None,
            0,
        )
        .await;
    let path = format!("/v1/api-keys/{}", created["keyId"].as_str().unwrap());
    assert_eq!(
        client
            .send("DELETE", &path, "", Some("revoke-2"), 0)
            .await
            .0,
        204
    );
    let (status, replayed, _) = client.send("DELETE", &path, "", Some("revoke-2"), 1).await;
    assert_eq!((status, replayed), (204, true));
    let revocations = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE action = 'api_key.revoked'",
    )
    .await;
    assert_eq!(revocations, 1);
}
