//! Webhook endpoints: registered with a Standard Webhooks secret shown once and sealed at rest,
//! listed without it, disabled with a reason; bad input refused.

use base64::Engine;
use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::Dependencies;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::{redis_url, serve, Signed};

mod support;

const MASTER: [u8; 32] = [11; 32];

/// The API on `pool` (no chain needed), signed for a new operator's read and write key.
async fn api(pool: &PgPool) -> Signed {
    let operator = keys::create_operator(pool, "ops").await.unwrap();
    let key = keys::create(pool, &MASTER, operator, "all", &[Scope::Read, Scope::Write])
        .await
        .unwrap();
    let deps = Dependencies::new(pool.clone(), &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(MASTER));
    Signed::new(&serve(deps).await, &key.key_id, &key.secret)
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn an_operator_registers_lists_and_disables_webhooks(pool: PgPool) {
    let api = api(&pool).await;

    let body = json!({"url": "https://93.184.215.14/hooks", "events": ["transfer.settled", "escalation.required"]});
    let (status, created) = api
        .call("POST", "/v1/webhooks", Some(&body), Some("hook-1"))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["endpointId"].as_str().unwrap().to_string();
    assert!(id.starts_with("whk_"));
    assert_eq!(
        created["events"],
        json!(["escalation.required", "transfer.settled"])
    );
    let secret = created["secret"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    assert_eq!(bytes.len(), 32);
    // Kept sealed: it opens under the master key, as this endpoint's, to the same bytes.
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_secret FROM webhook_endpoints WHERE endpoint_id = $1")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let opened = mpppal_api::auth::seal::open(&MASTER, &format!("webhook:{id}"), &sealed).unwrap();
    assert_eq!(opened.as_slice(), bytes.as_slice());
    // A retry with the same key returns the endpoint, not the secret again.
    let (status, replay) = api
        .call("POST", "/v1/webhooks", Some(&body), Some("hook-1"))
        .await;
    assert_eq!(
        (status, &replay["endpointId"], &replay["secret"]),
        (201, &created["endpointId"], &Value::Null)
    );

    let (_, listed) = api.call("GET", "/v1/webhooks", None, None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["status"], "enabled");
    assert_eq!(listed[0].get("secret"), None);

    for (bad, why) in [
        (json!({"url": "ftp://x"}), "http(s)"),
        (
            json!({"url": "https://x", "events": ["transfer.teleported"]}),
            "unknown event type",
        ),
    ] {
        let (status, problem) = api.call("POST", "/v1/webhooks", Some(&bad), None).await;
        assert_eq!(status, 400);
        assert!(
            problem["detail"].as_str().unwrap().contains(why),
            "{problem}"
        );
    }
    let (status, problem) = api
        .call(
            "POST",
            "/v1/webhooks",
            Some(&json!({"url": "https://x", "secret": "mine"})),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_body"))
    );

    let (status, _) = api
        .call("DELETE", &format!("/v1/webhooks/{id}"), None, None)
        .await;
    assert_eq!(status, 204);
    let (_, listed) = api.call("GET", "/v1/webhooks", None, None).await;
    assert_eq!(
        (&listed[0]["status"], &listed[0]["disabledReason"]),
        (&json!("disabled"), &json!("disabled by the operator"))
    );
    let (status, _) = api
        .call("DELETE", "/v1/webhooks/whk_nosuchendpoint1", None, None)
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_endpoints")
            .fetch_one(&pool)
            .await
            .unwrap(),
        1
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_master_key_rotation_reseals_current_and_previous_webhook_secrets(pool: PgPool) {
    let api = api(&pool).await;
    let body = json!({"url": "https://93.184.215.14/hooks"});
    let (_, created) = api.call("POST", "/v1/webhooks", Some(&body), None).await;
    let id = created["endpointId"].as_str().unwrap().to_string();
    let (status, rotated) = api
        .call(
            "POST",
            &format!("/v1/webhooks/{id}/rotate-secret"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let decode = |text: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(text.strip_prefix("whsec_").unwrap())
            .unwrap()
    };
    let (first, second) = (
        decode(created["secret"].as_str().unwrap()),
        decode(rotated["secret"].as_str().unwrap()),
    );

    let new_master = [12u8; 32];
    let done = mpppal_api::rotation::reseal_all(&pool, &MASTER, &new_master)
        .await
        .unwrap()
        .unwrap();
    // The API key, the endpoint's secret and its previous one.
    assert_eq!((done.resealed, done.already), (3, 0));
    let (current, previous): (Vec<u8>, Vec<u8>) = sqlx::query_as(
        "SELECT sealed_secret, sealed_previous_secret FROM webhook_endpoints WHERE endpoint_id = $1",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let label = format!("webhook:{id}");
    let open = |blob: &[u8]| mpppal_api::auth::seal::open(&new_master, &label, blob).unwrap();
    assert_eq!(open(&current).as_slice(), second.as_slice());
    assert_eq!(open(&previous).as_slice(), first.as_slice());
}
