//! Tenant isolation: every `/v1` route that names a resource is called with another operator's
//! key and must answer 404, exactly as for a resource that does not exist. The routes come from
//! the API's own OpenAPI description, so a new route without a row here fails this test.

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::auth::signing::authorization;
use mpppal_api::Dependencies;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::{now, redis_url, serve, Signed};

mod support;

const MASTER: [u8; 32] = [5; 32];
const ALL: [Scope; 4] = [Scope::Read, Scope::Write, Scope::Agent, Scope::Approve];

/// Every route with a path parameter: method, template, the path with the parameter taken from
/// the *other* operator's resources, a valid body where the route takes one, and the status
/// expected. Handles are a public directory, so resolving theirs is the one 200.
fn routes_naming_a_resource(
    theirs: &keys::NewKey,
    account: &str,
    dead_job: i64,
) -> Vec<(&'static str, &'static str, String, Option<Value>, u16)> {
    let policy = json!({"maxSingleTransfer": 1, "maxDailySpend": 10});
    let a = |suffix: &str| format!("/v1/accounts/{account}{suffix}");
    vec![
        (
            "DELETE",
            "/v1/api-keys/{key_id}",
            format!("/v1/api-keys/{}", theirs.key_id),
            None,
            404,
        ),
        ("GET", "/v1/accounts/{account_id}", a(""), None, 404),
        (
            "GET",
            "/v1/accounts/{account_id}/balance",
            a("/balance"),
            None,
            404,
        ),
        (
            "GET",
            "/v1/accounts/{account_id}/policy",
            a("/policy"),
            None,
            404,
        ),
        (
            "PUT",
            "/v1/accounts/{account_id}/policy",
            a("/policy"),
            Some(policy),
            404,
        ),
        (
            "GET",
            "/v1/accounts/{account_id}/policy/versions",
            a("/policy/versions"),
            None,
            404,
        ),
        (
            "POST",
            "/v1/accounts/{account_id}/pause",
            a("/pause"),
            None,
            404,
        ),
        (
            "POST",
            "/v1/accounts/{account_id}/unpause",
            a("/unpause"),
            None,
            404,
        ),
        (
            "POST",
            "/v1/accounts/{account_id}/receipts",
            a("/receipts"),
            Some(json!({
                "challengeId": "c", "recipient": "11111111111111111111111111111111",
                "mint": "11111111111111111111111111111111", "amount": 1,
                "expiresAt": now() + 60,
            })),
            404,
        ),
        (
            "GET",
            "/v1/sessions/{session_id}",
            "/v1/sessions/sess_theirs00000001".into(),
            None,
            404,
        ),
        (
            "POST",
            "/v1/sessions/{session_id}/vouchers",
            "/v1/sessions/sess_theirs00000001/vouchers".into(),
            Some(
                json!({"cumulative": 1, "expiresAt": 0, "signature": bs58::encode([1u8; 64]).into_string()}),
            ),
            404,
        ),
        (
            "POST",
            "/v1/sessions/{session_id}/close",
            "/v1/sessions/sess_theirs00000001/close".into(),
            Some(json!({"tx": bs58::encode([1u8; 64]).into_string()})),
            404,
        ),
        (
            "DELETE",
            "/v1/webhooks/{endpoint_id}",
            "/v1/webhooks/whk_theirs00000001".into(),
            None,
            404,
        ),
        (
            "GET",
            "/v1/webhooks/{endpoint_id}/deliveries",
            "/v1/webhooks/whk_theirs00000001/deliveries".into(),
            None,
            404,
        ),
        (
            "POST",
            "/v1/webhooks/{endpoint_id}/resend",
            "/v1/webhooks/whk_theirs00000001/resend".into(),
            Some(json!({"eventId": dead_job})),
            404,
        ),
        (
            "POST",
            "/v1/webhooks/{endpoint_id}/enable",
            "/v1/webhooks/whk_theirs00000001/enable".into(),
            None,
            404,
        ),
        (
            "POST",
            "/v1/webhooks/{endpoint_id}/rotate-secret",
            "/v1/webhooks/whk_theirs00000001/rotate-secret".into(),
            None,
            404,
        ),
        (
            "POST",
            "/v1/jobs/{job_id}/replay",
            format!("/v1/jobs/{dead_job}/replay"),
            None,
            404,
        ),
        (
            "POST",
            "/v1/accounts/{account_id}/transactions",
            a("/transactions"),
            Some(json!({
                "challengeId": "c", "feePayer": "11111111111111111111111111111111",
                "recipient": "11111111111111111111111111111111",
                "legs": [{"destination": "11111111111111111111111111111111", "amount": 1}],
                "expiresAt": now() + 60,
            })),
            404,
        ),
        (
            "POST",
            "/v1/accounts/{account_id}/transactions/{transfer_id}",
            a("/transactions/txn_theirs00000001"),
            None,
            404,
        ),
        (
            "GET",
            "/v1/handles/{handle}",
            "/v1/handles/@theirs.mpppal".into(),
            None,
            200,
        ),
        (
            "GET",
            "/v1/transfers/{transfer_id}",
            "/v1/transfers/txn_theirs00000001".into(),
            None,
            404,
        ),
        (
            "GET",
            "/v1/escalations/{escalation_id}",
            "/v1/escalations/esc_theirs00000001".into(),
            None,
            404,
        ),
        (
            "POST",
            "/v1/escalations/{escalation_id}/approve",
            "/v1/escalations/esc_theirs00000001/approve".into(),
            None,
            404,
        ),
        (
            "POST",
            "/v1/escalations/{escalation_id}/deny",
            "/v1/escalations/esc_theirs00000001/deny".into(),
            None,
            404,
        ),
    ]
}

/// An account of `operator`'s, straight into the database (no chain is needed to be refused).
async fn account_of(pool: &PgPool, operator: sqlx::types::Uuid) -> String {
    let mut conn = pool.acquire().await.unwrap();
    let id = "acct_theirs00000001";
    mpppal_db::accounts::insert(
        &mut conn,
        &mpppal_db::accounts::NewAccount {
            account_id: id,
            operator_id: operator,
            name: "theirs",
            handle: Some("@theirs.mpppal"),
            solana_address: "pda",
            usdc_token_account: "vault",
            custodial: false,
            wallet_key: "wallet-key",
            agent_address: "agent",
            sealed_agent_seed: None,
        },
    )
    .await
    .unwrap()
    .unwrap();
    // A transfer of theirs waiting for approval, with its escalation.
    mpppal_db::transfers::insert(
        &mut conn,
        &mpppal_db::transfers::NewTransfer {
            transfer_id: "txn_theirs00000001",
            account_id: id,
            to_address: "recipient",
            amount: 10,
            memo: None,
            category: None,
            idempotency_key: "k",
            status: "pending_approval",
            rejection_reason: None,
            spend_day: 0,
            created_by: "their-key",
        },
    )
    .await
    .unwrap();
    mpppal_db::sessions::open(
        &mut conn,
        &mpppal_db::sessions::NewSession {
            session_id: "sess_theirs00000001",
            account_id: id,
            provider_endpoint: "https://api.example.test",
            channel_address: "channel",
            signer: "agent",
            payee: "payee",
            cap: 100,
        },
    )
    .await
    .unwrap();
    mpppal_db::webhooks::insert(
        &mut conn,
        "whk_theirs00000001",
        operator,
        "https://theirs.example.test",
        &[],
        &[0u8; 60],
    )
    .await
    .unwrap();
    mpppal_db::escalations::insert(
        &mut conn,
        "esc_theirs00000001",
        "txn_theirs00000001",
        id,
        10,
        5,
        3600,
    )
    .await
    .unwrap();
    id.to_string()
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
    let their_operator = keys::create_operator(&pool, "b").await.unwrap();
    let theirs = keys::create(&pool, &MASTER, their_operator, "b", &ALL)
        .await
        .unwrap();
    let their_account = account_of(&pool, their_operator).await;
    // A dead job about their transfer.
    let dead_job: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (kind, subject, payload, attempts, dead_at, last_error)
         VALUES ('transfer.settle', 'txn_theirs00000001', '{}', 10, now(), 'gave up')
         RETURNING outbox_id",
    )
    .fetch_one(&pool)
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
    let table = routes_naming_a_resource(&theirs, &their_account, dead_job);
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            assert!(
                table.iter().any(|(m, p, ..)| *m == method && p == path),
                "{method} {path} names a resource but has no tenant-isolation row"
            );
        }
    }

    for (method, _, path, body, expected) in table {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let auth = authorization(
            &mine.key_id,
            &mine.secret,
            method,
            &path,
            "",
            now(),
            body.as_bytes(),
        );
        let mut request = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .header("authorization", auth);
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        if expected == 404 {
            assert_eq!(
                (status, body["code"].as_str()),
                (404, Some("not_found")),
                "{method} {path}"
            );
        } else {
            assert_eq!(status, expected, "{method} {path}: {body}");
            // A resolution shows where to pay, never whose account it is.
            assert_eq!(body.get("accountId"), None);
        }
    }

    // Lists show only the caller's own things.
    let me = Signed::new(&base, &mine.key_id, &mine.secret);
    let (_, keys) = me.call("GET", "/v1/api-keys", None, None).await;
    let ids: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.key_id.as_str()]);
    for list in [
        "/v1/accounts",
        "/v1/transfers",
        "/v1/sessions",
        "/v1/escalations",
        "/v1/receipts",
    ] {
        let (_, page) = me.call("GET", list, None, None).await;
        assert_eq!(page["items"], json!([]), "{list}");
    }

    // Nor can their account pay: a transfer naming it is refused as if it did not exist.
    let pay =
        json!({"accountId": their_account, "to": "11111111111111111111111111111111", "amount": 1});
    let (status, problem) = me
        .call("POST", "/v1/transfers", Some(&pay), Some("t-1"))
        .await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("not_found")));
    // Nor can a session be reported for it.
    let opened = json!({"accountId": their_account, "channel": "11111111111111111111111111111111",
                        "providerEndpoint": "https://api.example.test"});
    let (status, _) = me.call("POST", "/v1/sessions", Some(&opened), None).await;
    assert_eq!(status, 404);
}
