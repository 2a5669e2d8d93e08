//! HMAC-signed API keys over real HTTP, with a fresh PostgreSQL database per test and a real
//! Redis for replay protection: what passes, and every refusal the API must make.

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::auth::signing::authorization;
use mpppal_api::Dependencies;
use serde_json::Value;
use sqlx::PgPool;
use support::{now, redis_url, serve};

mod support;

const MASTER: [u8; 32] = [7; 32];

struct Api {
    base: String,
    http: reqwest::Client,
}

struct Key {
    id: String,
    secret: String,
}

async fn api(pool: PgPool) -> Api {
    api_with(pool, MASTER).await
}

async fn api_with(pool: PgPool, master: [u8; 32]) -> Api {
    let deps = Dependencies::new(pool, &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(master));
    Api {
        base: serve(deps).await,
        http: reqwest::Client::new(),
    }
}

async fn operator_with_key(pool: &PgPool, scopes: &[Scope]) -> Key {
    let operator = keys::create_operator(pool, "ops").await.unwrap();
    let created = keys::create(pool, &MASTER, operator, "first", scopes)
        .await
        .unwrap();
    Key {
        id: created.key_id,
        secret: created.secret,
    }
}

impl Api {
    /// Sends `method path` with `body`, signed by `key` at `timestamp` over `signed_body`.
    async fn send_signed(
        &self,
        key: &Key,
        method: &str,
        path: &str,
        body: &str,
        signed_body: &str,
        timestamp: i64,
    ) -> (u16, Value) {
        let auth = authorization(
            &key.id,
            &key.secret,
            method,
            path,
            "",
            timestamp,
            signed_body.as_bytes(),
        );
        let response = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn call(&self, key: &Key, method: &str, path: &str, body: &str) -> (u16, Value) {
        self.send_signed(key, method, path, body, body, now()).await
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_signed_request_is_served_and_keys_can_be_made_and_revoked(pool: PgPool) {
    let key = operator_with_key(&pool, &[Scope::Read, Scope::Write]).await;
    let api = api(pool.clone()).await;
    let (status, me) = api.call(&key, "GET", "/v1/operator", "").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["keyId"], key.id.as_str());

    let (status, created) = api
        .call(
            &key,
            "POST",
            "/v1/api-keys",
            r#"{"name":"reader","scopes":["read"]}"#,
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let reader = Key {
        id: created["keyId"].as_str().unwrap().into(),
        secret: created["secret"].as_str().unwrap().into(),
    };
    assert_eq!(api.call(&reader, "GET", "/v1/operator", "").await.0, 200);
    let (_, listed) = api.call(&key, "GET", "/v1/api-keys", "").await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(
        listed.to_string().find("mps_").is_none(),
        "no secret is ever listed"
    );

    let path = format!("/v1/api-keys/{}", reader.id);
    assert_eq!(api.call(&key, "DELETE", &path, "").await.0, 204);
    let (status, refused) = api.call(&reader, "GET", "/v1/operator", "").await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (401, Some("revoked_key"))
    );

    // Both changes are in the audit log, by the key that made them, and the chain holds.
    let logged: Vec<(String, String, String)> =
        sqlx::query_as("SELECT actor, action, subject FROM audit_log ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        logged,
        [
            (key.id.clone(), "api_key.created".into(), reader.id.clone()),
            (key.id.clone(), "api_key.revoked".into(), reader.id.clone()),
        ]
    );
    assert_eq!(
        mpppal_db::audit::verify(&pool).await.unwrap(),
        mpppal_db::audit::Verdict::Intact { rows: 2 }
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn refusals_tampered_stale_replayed_unknown_and_unsigned(pool: PgPool) {
    let key = operator_with_key(&pool, &[Scope::Read, Scope::Write]).await;
    let api = api(pool).await;
    let body = r#"{"name":"k","scopes":["read"]}"#;
    let code = |answer: (u16, Value)| {
        (
            answer.0,
            answer.1["code"].as_str().unwrap_or("").to_string(),
        )
    };

    // The body was changed after signing.
    let tampered = api
        .send_signed(
            &key,
            "POST",
            "/v1/api-keys",
            r#"{"name":"k","scopes":["write"]}"#,
            body,
            now(),
        )
        .await;
    assert_eq!(code(tampered), (401, "bad_signature".into()));
    // Signed six minutes ago, or six minutes ahead.
    for skew in [-360, 360] {
        let stale = api
            .send_signed(&key, "GET", "/v1/operator", "", "", now() + skew)
            .await;
        assert_eq!(code(stale), (401, "stale_timestamp".into()));
    }
    // At the ends of the range: refused as stale, never an overflow in the server.
    for extreme in [i64::MIN, i64::MAX] {
        let stale = api
            .send_signed(&key, "GET", "/v1/operator", "", "", extreme)
            .await;
        assert_eq!(code(stale), (401, "stale_timestamp".into()));
    }
    // The same signed request twice: the second is a replay.
    let at = now();
    assert_eq!(
        api.send_signed(&key, "GET", "/v1/operator", "", "", at)
            .await
            .0,
        200
    );
    let replay = api
        .send_signed(&key, "GET", "/v1/operator", "", "", at)
        .await;
    assert_eq!(code(replay), (401, "replayed".into()));
    // A key nobody issued, a wrong secret, and no signature at all.
    let stranger = Key {
        id: "mpk_AAAAAAAAAAAAAAAAAAAA".into(),
        secret: key.secret.clone(),
    };
    assert_eq!(
        code(api.call(&stranger, "GET", "/v1/operator", "").await),
        (401, "unknown_key".into())
    );
    let wrong = Key {
        id: key.id.clone(),
        secret: "mps_guess".into(),
    };
    assert_eq!(
        code(api.call(&wrong, "GET", "/v1/operator", "").await),
        (401, "bad_signature".into())
    );
    let unsigned = reqwest::get(format!("{}/v1/operator", api.base))
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    assert_eq!(
        unsigned.headers()["content-type"],
        "application/problem+json"
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn scopes_limit_what_a_key_does_and_what_it_can_grant(pool: PgPool) {
    let reader = operator_with_key(&pool, &[Scope::Read]).await;
    let writer = operator_with_key(&pool, &[Scope::Read, Scope::Write]).await;
    let api = api(pool).await;
    let (status, refused) = api
        .call(
            &reader,
            "POST",
            "/v1/api-keys",
            r#"{"name":"x","scopes":["read"]}"#,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let (status, refused) = api
        .call(
            &writer,
            "POST",
            "/v1/api-keys",
            r#"{"name":"x","scopes":["agent"]}"#,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("insufficient_scope")),
        "cannot grant more than it has"
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn another_operators_key_is_not_found_and_bad_bodies_change_nothing(pool: PgPool) {
    let mine = operator_with_key(&pool, &[Scope::Read, Scope::Write]).await;
    let theirs = operator_with_key(&pool, &[Scope::Read, Scope::Write]).await;
    let api = api(pool).await;
    let (status, body) = api
        .call(&mine, "DELETE", &format!("/v1/api-keys/{}", theirs.id), "")
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    assert_eq!(
        api.call(&theirs, "GET", "/v1/operator", "").await.0,
        200,
        "still valid"
    );

    for bad in [
        "{not json",
        r#"{"name":"x","scopes":["read"],"admin":true}"#,
        r#"{"name":"x","scopes":["root"]}"#,
        r#"{"name":"","scopes":["read"]}"#,
        r#"{"name":"x","scopes":[]}"#,
    ] {
        let (status, problem) = api.call(&mine, "POST", "/v1/api-keys", bad).await;
        assert_eq!(status, 400, "{bad}: {problem}");
        assert!(problem["code"].is_string(), "{problem}");
    }
    let (_, listed) = api.call(&mine, "GET", "/v1/api-keys", "").await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "nothing was created");
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn rotating_the_master_key_keeps_every_key_working(pool: PgPool) {
    let key = operator_with_key(&pool, &[Scope::Read]).await;
    let new_master = [9u8; 32];
    let done = mpppal_api::rotation::reseal_all(&pool, &MASTER, &new_master)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.resealed, done.already), (1, 0));
    let again = mpppal_api::rotation::reseal_all(&pool, &MASTER, &new_master)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (again.resealed, again.already),
        (0, 1),
        "a repeated run changes nothing"
    );

    // The same secret signs; the server now needs the new master key to check it.
    let t = now();
    let (status, body) = api_with(pool.clone(), new_master)
        .await
        .send_signed(&key, "GET", "/v1/operator", "", "", t)
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api_with(pool.clone(), MASTER)
        .await
        .call(&key, "GET", "/v1/operator", "")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (500, Some("key_unreadable"))
    );

    // Under a master key that opens nothing, rotation refuses and changes nothing.
    let refused = mpppal_api::rotation::reseal_all(&pool, &[1; 32], &[2; 32])
        .await
        .unwrap();
    assert!(refused.unwrap_err().contains("nothing was changed"));
    // (Signed a second before the first request, so it is not a replay of it.)
    let later = api_with(pool, new_master)
        .await
        .send_signed(&key, "GET", "/v1/operator", "", "", t - 1)
        .await;
    assert_eq!(later.0, 200, "{}", later.1);
}
