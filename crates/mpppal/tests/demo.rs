//! The README's main command runs end to end and tells the story it promises.

use std::process::Command;

/// Runs `mpppal demo` with `env` added and `unset` removed; its stdout, after checking it
/// succeeded and told the whole story.
fn demo(env: &[(&str, String)], unset: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mpppal"));
    command.arg("demo").env_remove("RUST_LOG");
    for name in unset {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "@research-agent.mpppal  wallet PDA",
        "policy v1: max_single_transfer 5.000000 USDC",
        "refused on chain: payment denied: the amount is above max_single_transfer",
        "refused on chain: payment escalated",
        "HTTP 422 payment_denied: over_single_transfer_limit",
        "is pending_approval, escalation esc_",
        "escalation approved by the approver's key (mpk_",
        "not the key that asked; the transfer is queued for settlement",
        "HTTP 200 OK after paying 0.050000 USDC",
        "receipts reported to MPPPal: 1 stored",
        "1000 requests paid 1.000000 USDC; on-chain transactions for the session so far: 1",
        "closed: provider paid 1.000000 USDC, 1.000000 USDC refunded to the wallet",
        "settled, paid 1.000000 USDC as the chain says",
        "agent wallet   97.430000 USDC",
        "1002 paid requests settled in 4 payment transactions",
        "settlement worker running",
        "settled: 3.000000 USDC to the provider, co-signed by the owner, transaction ",
        "receipt for 0.020000 USDC settled in settle_batch transaction ",
        "1 transfer settled by the worker, 1 rejected by policy, 1 receipt (0.020000 USDC) settled in a batch",
        "events received, signed: transfer.rejected, escalation.required, transfer.created, ",
        ", transfer.settled",
        "receipts.settled",
        "settled transfers checked against the chain: 0 differences",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // Program prints of the native build stay out of the story.
    assert!(!stdout.contains("AnchorError"), "{stdout}");
    stdout
}

#[test]
fn demo_runs_the_story_on_throwaway_servers_of_its_own() {
    // A fresh machine: nothing configured, so the demo starts PostgreSQL and Redis itself.
    let stdout = demo(&[], &["DATABASE_URL", "REDIS_URL"]);
    assert!(
        stdout.contains("throwaway PostgreSQL and Redis servers"),
        "{stdout}"
    );
}

#[test]
fn demo_uses_configured_servers_and_drops_its_database() {
    let server = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis =
        std::env::var("MPPPAL_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let stdout = demo(
        &[("DATABASE_URL", server.clone()), ("REDIS_URL", redis)],
        &[],
    );
    let name = stdout
        .split("(database ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_else(|| panic!("no database named in:\n{stdout}"))
        .to_string();
    assert!(name.starts_with("mpppal_demo_"), "{name}");
    let left: i64 = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = mpppal_db::connect(&server).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(left, 0, "the demo left its database {name} behind");
}

#[test]
fn unknown_subcommand_is_a_one_line_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .arg("fly")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unrecognized subcommand 'fly'"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn demo_stay_keeps_serving_and_signs_the_operator_in_with_its_link() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let server = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis =
        std::env::var("MPPPAL_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    // A one-page export stands in for the dashboard's build: what is under test is the demo
    // staying up and its link, not the dashboard (its own browser tests cover it).
    let export = tempfile::tempdir().unwrap();
    std::fs::write(
        export.path().join("index.html"),
        "<!doctype html><title>MPPPal</title><p>dashboard</p>",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["demo", "--stay"])
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", &server)
        .env("REDIS_URL", &redis)
        .env("MPPPAL_DASHBOARD_DIR", export.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut said = Vec::new();
    let mut link = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(at) = line.find("open http") {
            link = Some(line[at + 5..].trim().to_string());
            said.push(line);
            break;
        }
        said.push(line);
    }
    let link = link.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("no sign-in link in:\n{}", said.join("\n"))
    });
    let database = said
        .iter()
        .find_map(|l| l.split("(database ").nth(1))
        .and_then(|rest| rest.split(',').next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no database named in:\n{}", said.join("\n")));
    let base = link.split("/auth/").next().unwrap().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let signed_in = http.get(&link).send().await.unwrap();
        assert_eq!(signed_in.status(), 303, "the link signs in");
        let cookie = signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|c| c.to_str().ok())
            .find(|c| c.contains("mpppal_session="))
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_string();
        let overview = http
            .get(format!("{base}/v1/overview"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(overview.status(), 200);
        let overview: serde_json::Value = overview.json().await.unwrap();
        assert!(
            overview.to_string().contains("research-agent"),
            "the story's accounts are there: {overview}"
        );
        let page = http.get(format!("{base}/")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("dashboard"));
        // The link works once.
        assert_ne!(http.get(&link).send().await.unwrap().status(), 303);
    });
    // Ctrl-C ends it, and it deletes what it made.
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the demo ended with {status}");
    let left: i64 = runtime.block_on(async {
        let pool = mpppal_db::connect(&server).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
            .bind(&database)
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(left, 0, "the demo left its database {database} behind");
}
