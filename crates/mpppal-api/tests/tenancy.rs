//! Tenant isolation: every `/v1` route that names a resource is called with another operator's
//! key and must answer 404, exactly as for a resource that does not exist. The routes come from
//! the API's own OpenAPI description, so a new route without a row here fails this test.

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::auth::signing::authorization;
use mpppal_api::Dependencies;
use serde_json::Value;
use sqlx::PgPool;
use support::{now, redis_url, serve};

mod support;

const MASTER: [u8; 32] = [5; 32];
const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Agent];

/// Every route with a path parameter: method, template, and the parameter's value taken from
/// the *other* operator's resources.
fn routes_naming_a_resource(theirs: &keys::NewKey) -> Vec<(&'static str, &'static str, String)> {
    vec![(
        "DELETE",
        "/v1/api-keys/{key_id}",
        format!("/v1/api-keys/{}", theirs.key_id),
    )]
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn another_operators_resources_answer_404_on_every_route(pool: PgPool) {
    let mine = keys::create(
        &pool,
        &MASTER,
        keys::create_operator(&pool, "a").await.unwrap(),
        "a",
        &ALL,
    )
    .await
    .unwrap();
    let theirs = keys::create(
        &pool,
        &MASTER,
        keys::create_operator(&pool, "b").await.unwrap(),
        "b",
        &ALL,
    )
    .await
    .unwrap();
    let deps = Dependencies::new(pool, &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(MASTER));
    let base = serve(deps).await;
    let http = reqwest::Client::new();

    // Every parameterised route of the API has a row above.
    let spec: Value = http
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let table = routes_naming_a_resource(&theirs);
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            assert!(
                table.iter().any(|(m, p, _)| *m == method && p == path),
                "{method} {path} names a resource but has no tenant-isolation row"
            );
        }
    }

    for (method, _, path) in table {
        let auth = authorization(&mine.key_id, &mine.secret, method, &path, "", now(), b"");
        let response = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("not_found")),
            "{method} {path}"
        );
    }

    // Lists show only the caller's own things.
    let auth = authorization(
        &mine.key_id,
        &mine.secret,
        "GET",
        "/v1/api-keys",
        "",
        now(),
        b"",
    );
    let listed: Value = http
        .get(format!("{base}/v1/api-keys"))
        .header("authorization", auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.key_id.as_str()]);
}
