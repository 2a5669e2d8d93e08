//! The routes the operator dashboard reads, over real HTTP on a fresh database, the real Redis
//! and the embedded chain: the overview, spend over time, transfers by date, audit verification,
//! the live event stream, and the headers every answer carries.

use anchor_lang::prelude::Pubkey;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::world::{world, World, USDC};

mod support;

impl World {
    /// A transfer from `account` of `amount` to a fresh recipient (or `to`).
    async fn transfer(
        &self,
        account: &str,
        amount: u64,
        category: Option<&str>,
        key: &str,
    ) -> Value {
        let mut body =
            json!({"accountId": account, "to": Pubkey::new_unique().to_string(), "amount": amount});
        if let Some(category) = category {
            body["category"] = json!(category);
        }
        let (status, transfer) = self
            .api
            .call("POST", "/v1/transfers", Some(&body), Some(key))
            .await;
        assert!(status == 201 || status == 202, "{status} {transfer}");
        transfer
    }
}

fn account_policy() -> Value {
    json!({"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC, "escalationThreshold": 2 * USDC})
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_overview_counts_todays_spend_against_each_cap(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w.account(account_policy()).await;
    let id = account["accountId"].as_str().unwrap();
    w.transfer(id, USDC, Some("data"), "t1").await;
    let waiting = w.transfer(id, 3 * USDC, Some("compute"), "t2").await;
    assert_eq!(waiting["status"], "pending_approval");
    // Over the single cap: refused, and not counted as spend.
    let (status, _) = w
        .api
        .call(
            "POST",
            "/v1/transfers",
            Some(&json!({"accountId": id, "to": Pubkey::new_unique().to_string(), "amount": 6 * USDC})),
            Some("t3"),
        )
        .await;
    assert_eq!(status, 422);

    let (status, overview) = w.api.call("GET", "/v1/overview", None, None).await;
    assert_eq!(status, 200, "{overview}");
    let today = &overview["accounts"][0];
    assert_eq!(today["accountId"], id);
    assert_eq!(today["spentToday"], 4 * USDC, "{overview}");
    assert_eq!(today["maxDailySpend"], 50 * USDC);
    assert_eq!(today["custody"], "custodial");
    assert_eq!(
        overview["transfers"]["pending"],
        json!({"count": 1, "amount": USDC})
    );
    assert_eq!(
        overview["transfers"]["pendingApproval"],
        json!({"count": 1, "amount": 3 * USDC})
    );
    assert_eq!(overview["transfers"]["rejected"]["count"], 1);
    assert_eq!(overview["escalationsPending"], 1);
    assert_eq!(overview["worker"]["rpc"]["up"], true, "{overview}");
    assert!(overview["worker"]["rpc"]["slot"].as_u64().is_some());
    assert!(
        overview["worker"]["queueDepth"].as_u64().unwrap() >= 1,
        "the pending transfer's job waits"
    );
    assert_eq!(overview["worker"]["deadJobs"], 0);
    let day = overview["day"].as_str().unwrap();
    assert_eq!(day.len(), 10, "{day}");
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn spend_is_bucketed_by_account_provider_and_category(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w.account(account_policy()).await;
    let id = account["accountId"].as_str().unwrap();
    w.transfer(id, USDC, Some("data"), "s1").await;
    w.transfer(id, 2 * USDC, Some("data"), "s2").await;
    w.transfer(id, 500_000, None, "s3").await;

    let (status, by_account) = w.api.call("GET", "/v1/spend?bucket=hour", None, None).await;
    assert_eq!(status, 200, "{by_account}");
    assert_eq!(by_account["by"], "account");
    let series = by_account["series"].as_array().unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0]["key"], id);
    let total: u64 = series[0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 3_500_000);
    assert!(series[0]["points"][0]["start"]
        .as_str()
        .unwrap()
        .ends_with(":00:00Z"));

    let (_, by_category) = w.api.call("GET", "/v1/spend?by=category", None, None).await;
    let keys: Vec<(&str, u64)> = by_category["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap(),
                s["points"][0]["amount"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(keys, [("data", 3 * USDC), ("uncategorised", 500_000)]);
    let (_, by_provider) = w.api.call("GET", "/v1/spend?by=provider", None, None).await;
    assert_eq!(by_provider["series"].as_array().unwrap().len(), 3);

    // Before any payment: nothing.
    let (status, empty) = w
        .api
        .call(
            "GET",
            "/v1/spend?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z",
            None,
            None,
        )
        .await;
    assert_eq!((status, &empty["series"]), (200, &json!([])));

    for (query, why) in [
        ("bucket=week", "bucket must be hour or day"),
        ("by=colour", "by must be account, provider or category"),
        ("from=yesterday", "from must be an RFC 3339 time"),
        (
            "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
            "from must be before to",
        ),
        (
            "bucket=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
            "at most 31 days",
        ),
    ] {
        let (status, problem) = w
            .api
            .call("GET", &format!("/v1/spend?{query}"), None, None)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("invalid_query")),
            "{query}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains(why),
            "{query}: {problem}"
        );
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn transfers_are_filtered_by_date(pool: PgPool) {
    let w = world(pool.clone()).await;
    w.fund_owner().await;
    let account = w.account(account_policy()).await;
    let id = account["accountId"].as_str().unwrap();
    let old = w.transfer(id, USDC, None, "d1").await;
    let new = w.transfer(id, USDC, None, "d2").await;
    sqlx::query("UPDATE transfers SET created_at = '2026-01-15T12:00:00Z' WHERE transfer_id = $1")
        .bind(old["transferId"].as_str().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["transferId"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, january) = w
        .api
        .call(
            "GET",
            "/v1/transfers?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
            None,
            None,
        )
        .await;
    assert_eq!(ids(&january), [old["transferId"].as_str().unwrap()]);
    let (_, since) = w
        .api
        .call("GET", "/v1/transfers?from=2026-02-01T00:00:00Z", None, None)
        .await;
    assert_eq!(ids(&since), [new["transferId"].as_str().unwrap()]);
    let (status, problem) = w.api.call("GET", "/v1/transfers?to=soon", None, None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_query"))
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn audit_verification_finds_a_rewritten_row(pool: PgPool) {
    let w = world(pool.clone()).await;
    w.fund_owner().await;
    w.account(account_policy()).await;
    w.account(account_policy()).await;
    let (status, verdict) = w.api.call("POST", "/v1/audit/verify", None, None).await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["intact"], true);
    let rows = verdict["rows"].as_u64().unwrap();
    assert!(rows >= 2, "{verdict}");
    assert!(verdict.get("firstAltered").is_none());

    // Behind the API's back, as a database superuser could (the table's trigger refuses it
    // otherwise).
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, verdict) = w.api.call("POST", "/v1/audit/verify", None, None).await;
    assert_eq!(verdict["intact"], false);
    assert_eq!(verdict["firstAltered"]["seq"], 2);
    assert_eq!(verdict["rows"], 1);
    assert!(verdict["firstAltered"]["reason"]
        .as_str()
        .unwrap()
        .contains("changed"));
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_event_stream_carries_new_events_and_resumes_after_the_last_one(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let account = w.account(account_policy()).await;
    let id = account["accountId"].as_str().unwrap();

    // Signed like any GET; the stream starts with the next event.
    let auth = mpppal_api::auth::signing::authorization(
        &w.api.key_id,
        &w.api.secret,
        "GET",
        "/v1/events",
        "",
        support::now(),
        b"",
    );
    let mut response = reqwest::Client::new()
        .get(format!("{}/v1/events", w.api.base))
        .header("authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let waiting = w.transfer(id, 3 * USDC, None, "e1").await;
    let transfer_id = waiting["transferId"].as_str().unwrap().to_string();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !text.contains("escalation.required") {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .expect("the escalation arrives within 20 s")
            .unwrap()
            .expect("the stream stays open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let event = text
        .split("\n\n")
        .find(|e| e.contains("event: escalation.required"))
        .unwrap();
    assert!(
        event.contains(&format!("\"subject\":\"{transfer_id}\"")),
        "{event}"
    );
    let event_id: i64 = event
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .parse()
        .unwrap();

    // Another operator's stream never sees it.
    let other = mpppal_api::auth::keys::create_operator(&w.pool, "other")
        .await
        .unwrap();
    let since = {
        let mut conn = w.pool.acquire().await.unwrap();
        mpppal_db::events::since(&mut conn, other, 0, 100)
            .await
            .unwrap()
    };
    assert!(since.is_empty(), "{since:?}");
    // Resuming after an earlier event replays what came after it.
    let mut conn = w.pool.acquire().await.unwrap();
    let operator =
        sqlx::query_scalar::<_, sqlx::types::Uuid>("SELECT operator_id FROM accounts LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    let replayed = mpppal_db::events::since(&mut conn, operator, event_id - 1, 100)
        .await
        .unwrap();
    assert_eq!(replayed[0].id, event_id);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn every_answer_carries_the_security_headers_and_unknown_routes_are_problems(pool: PgPool) {
    let w = world(pool).await;
    let (status, operator, headers) = w.api.send("GET", "/v1/operator", String::new(), None).await;
    assert_eq!(status, 200);
    assert_eq!(operator["cluster"]["name"], "localnet");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    // With no dashboard configured, `/` says how to get one; unknown API paths are problems.
    let http = reqwest::Client::new();
    for (path, needle) in [
        ("/", "MPPPAL_DASHBOARD_DIR"),
        ("/v1/nothing-here", "no route"),
    ] {
        let answer = http
            .get(format!("{}{path}", w.api.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404);
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
        let body: Value = answer.json().await.unwrap();
        assert!(body["detail"].as_str().unwrap().contains(needle), "{body}");
    }
}

/// The dashboard's export is served at `/` with a CSP allowing exactly each page's own inline
/// scripts, hashed files cached for good and pages revalidated.
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_dashboard_export_is_served_with_its_page_policies(pool: PgPool) {
    use base64::Engine;
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let inline = "self.__next_f.push([1,\"page\"])";
    std::fs::write(
        dir.path().join("index.html"),
        format!(
            "<html><script src=\"/_next/static/app.js\"></script><script>{inline}</script></html>"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("accounts")).unwrap();
    std::fs::write(
        dir.path().join("accounts/index.html"),
        "<html>accounts</html>",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("_next/static")).unwrap();
    std::fs::write(dir.path().join("_next/static/app.js"), "console.log(1)").unwrap();
    std::fs::write(dir.path().join("404.html"), "<html>not here</html>").unwrap();
    let dashboard = mpppal_api::dashboard::Dashboard::load(dir.path()).unwrap();
    let deps = mpppal_api::Dependencies::new(pool, &support::redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(support::world::MASTER))
        .with_dashboard(Some(dashboard));
    let base = support::serve(deps).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{base}{path}")).send();

    let page = get("/").await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers()["cache-control"], "no-cache");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(inline));
    assert!(
        csp.contains(&format!("script-src 'self' 'sha256-{hash}'")),
        "{csp}"
    );
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );

    for path in ["/accounts/", "/accounts"] {
        let page = get(path).await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.text().await.unwrap(), "<html>accounts</html>");
    }
    let script = get("/_next/static/app.js").await.unwrap();
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let missing = get("/no-such-page/").await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.text().await.unwrap(), "<html>not here</html>");
    let posted = http.post(format!("{base}/")).send().await.unwrap();
    assert_eq!(posted.status(), 405);
    // API paths stay API: problems, not the dashboard's 404 page.
    let api = get("/v1/").await.unwrap();
    assert_eq!(api.headers()["content-type"], "application/problem+json");

    // A sign-in that fails in a browser lands on the dashboard's page saying why; other clients
    // get the problem.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let link = format!("{base}/auth/link?token=garbage");
    let in_browser = no_redirects
        .get(&link)
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(in_browser.status(), 303);
    let to = in_browser.headers()["location"].to_str().unwrap();
    assert!(
        to.starts_with("/signed-out/?code=invalid_link&detail=this+sign-in+link"),
        "{to}"
    );
    let by_program = no_redirects.get(&link).send().await.unwrap();
    assert_eq!(by_program.status(), 400);
    assert_eq!(
        by_program.headers()["content-type"],
        "application/problem+json"
    );

    let empty = tempfile::tempdir().unwrap();
    let refused = mpppal_api::dashboard::Dashboard::load(empty.path())
        .err()
        .unwrap();
    assert!(refused.contains("npm run build"), "{refused}");
}
