//! `mpppal serve` as a separate process: it applies the schema to a fresh database, listens, and
//! reports itself ready with a real PostgreSQL, Redis and `mpppal localnet`; misconfigured, it
//! stops with a one-line error.

use support::{free_port, mpppal, start, start_with_env, FreshDatabase};

mod support;

#[tokio::test(flavor = "multi_thread")]
async fn serve_migrates_a_fresh_database_and_reports_ready() {
    let rpc_port = free_port().to_string();
    let (_chain, line) = start(&["localnet", "--port", &rpc_port]);
    assert!(line.contains("JSON-RPC on"), "{line}");
    let db = FreshDatabase::create().await;
    let redis =
        std::env::var("MPPPAL_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let master = "42".repeat(32);
    let env = [
        ("DATABASE_URL", db.url()),
        ("REDIS_URL", redis),
        ("SOLANA_RPC_URL", format!("http://127.0.0.1:{rpc_port}")),
        ("MPPPAL_MASTER_KEY", master),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_api, line) = start_with_env(&["serve", "--bind", "127.0.0.1:0"], &env);
    let base = line
        .trim()
        .strip_prefix("MPPPal operator API on ")
        .unwrap_or_else(|| panic!("banner: {line:?}"))
        .to_string();
    let ready: serde_json::Value = reqwest::get(format!("{base}/ready"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");

    // The schema is in place.
    let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('accounts', 'transfers', 'mpp_sessions', 'operators')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tables, 4);
    pool.close().await;

    // The first operator and key come from the CLI; the key then signs API requests.
    let created = std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["operator", "create", "--name", "Research Ops"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    let printed = String::from_utf8(created.stdout).unwrap();
    let field = |label: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    let (key_id, secret) = (field("key id"), field("secret"));
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let signed = mpppal_api::auth::signing::authorization(
        &key_id,
        &secret,
        "GET",
        "/v1/operator",
        "",
        timestamp,
        b"",
    );
    let me = reqwest::Client::new()
        .get(format!("{base}/v1/operator"))
        .header("authorization", signed)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["keyId"], key_id.as_str());

    // A person of the operator's may sign in once added; bad input is one line and adds nobody.
    let add_member = |operator: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
            .args(["operator", "add-member", "--operator", operator])
            .args(["--subject", "alice", "--issuer", "https://id.example.test"])
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let added = add_member(&field("operator"));
    assert!(added.status.success(), "{added:?}");
    for bad in ["not-a-uuid", "00000000-0000-0000-0000-000000000001"] {
        let refused = add_member(bad);
        let err = String::from_utf8(refused.stderr).unwrap();
        assert!(!refused.status.success());
        assert_eq!(err.lines().count(), 1, "{err}");
    }

    // The operator's creation is in the audit log; altering it behind the API's back shows.
    let audit = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
            .args(["audit", "verify"])
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let intact = audit();
    assert!(intact.status.success(), "{intact:?}");
    assert_eq!(
        String::from_utf8(intact.stdout).unwrap().trim(),
        "audit log intact: 2 rows"
    );
    let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    pool.close().await;
    let broken = audit();
    let err = String::from_utf8(broken.stderr).unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("broken at row 1"), "{err}");
    drop(_api);
    db.drop_now().await;
}

#[test]
fn a_missing_setting_or_dead_database_is_a_one_line_error() {
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["serve"])
        .env_remove("DATABASE_URL")
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .output()
        .unwrap();
    let err = String::from_utf8(missing.stderr).unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("DATABASE_URL"), "{err}");

    let dead = std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .output()
        .unwrap();
    let err = String::from_utf8(dead.stderr).unwrap();
    assert_eq!(dead.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot connect to the database"), "{err}");

    let no_redis = std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("REDIS_URL")
        .output()
        .unwrap();
    let err = String::from_utf8(no_redis.stderr).unwrap();
    assert_eq!(no_redis.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("REDIS_URL"), "{err}");

    let rotate = mpppal(&["master-key", "rotate"]);
    let err = String::from_utf8(rotate.stderr).unwrap();
    assert_eq!(rotate.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("MASTER_KEY"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_logs_json_lines_carrying_the_request_id() {
    use std::io::BufRead;
    let db = FreshDatabase::create().await;
    let port = free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", db.url())
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut served = false;
    for _ in 0..100 {
        let sent = http
            .get(format!("{base}/health"))
            .header("x-request-id", "follow-this-payment")
            .send()
            .await;
        if sent.is_ok_and(|r| r.status() == 200) {
            served = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(served, "serve answered");
    let mut found = None;
    for _ in 0..50 {
        found = lines.lock().unwrap().iter().find_map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line).ok()?;
            (entry["span"]["request_id"] == "follow-this-payment").then_some(entry)
        });
        if found.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let entry = found.unwrap_or_else(|| {
        panic!(
            "no JSON line with the request id: {:?}",
            lines.lock().unwrap()
        )
    });
    assert_eq!(entry["span"]["path"], "/health");
    assert!(
        entry["level"].is_string() && entry["timestamp"].is_string(),
        "{entry}"
    );
    db.drop_now().await;
}
