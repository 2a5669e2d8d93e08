//! `mpppal localnet`, `mpppal provider` and `mpppal pay` as separate processes: an agent pays a
//! sample API from its wallet, and refuses a price above its limit with a one-line error.

use mpppal_policy_program::PolicyArgs;
use mpppal_solana::{address, policy_ix};
use serde_json::json;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::{write_keypair_file, Keypair};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use support::{free_port, mpppal, start, Running};

mod support;

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_pays_the_sample_provider_from_its_wallet() {
    let rpc_port = free_port().to_string();
    let (_chain, line) = start(&["localnet", "--port", &rpc_port]);
    assert!(line.contains("JSON-RPC on"), "{line}");
    let rpc_url = format!("http://127.0.0.1:{rpc_port}");
    let rpc = RpcClient::new_with_commitment(rpc_url.clone(), CommitmentConfig::confirmed());

    // An operator's wallet for the agent, funded with 5 local USDC.
    let info: serde_json::Value = rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_info",
            },
            json!([]),
        )
        .await
        .unwrap();
    let mint = info["usdcMint"].as_str().unwrap().parse().unwrap();
    let owner = Keypair::new();
    let agent = Keypair::new();
    let sig = rpc
        .request_airdrop(&owner.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    rpc.confirm_transaction(&sig).await.unwrap();
    let wallet_key = Keypair::new().pubkey();
    let policy = PolicyArgs {
        max_single_transfer: 1_000_000,
        max_daily_spend: 5_000_000,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: None,
        paused: false,
    };
    let create =
        policy_ix::create_wallet(&owner.pubkey(), &wallet_key, &agent.pubkey(), &mint, policy);
    let blockhash = rpc.get_latest_blockhash().await.unwrap();
    let tx = solana_transaction::Transaction::new_signed_with_payer(
        &[create],
        Some(&owner.pubkey()),
        &[&owner],
        blockhash,
    );
    rpc.send_and_confirm_transaction(&tx).await.unwrap();
    let wallet = address::wallet(&wallet_key);
    let _: serde_json::Value = rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([wallet.to_string(), 5_000_000]),
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let agent_file = dir.path().join("agent.json");
    write_keypair_file(&agent, &agent_file).unwrap();

    let api_port = free_port().to_string();
    let bind = format!("127.0.0.1:{api_port}");
    // Used credentials and pending receipts in PostgreSQL, as replicas of a provider keep them.
    let database = std::env::var("MPPPAL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let (_provider, line) = start(&[
        "provider",
        "--rpc",
        &rpc_url,
        "--bind",
        &bind,
        "--price",
        "2500",
        "--database-url",
        &database,
    ]);
    assert!(line.contains("sample provider"), "{line}");

    let url = format!("http://{bind}/charge");
    let wallet_text = wallet.to_string();
    let agent_path = agent_file.to_str().unwrap();
    let base = [
        "pay",
        url.as_str(),
        "--rpc",
        rpc_url.as_str(),
        "--agent-keypair",
        agent_path,
        "--wallet",
        wallet_text.as_str(),
    ];
    let paid = mpppal(&base);
    let stdout = String::from_utf8_lossy(&paid.stdout);
    assert!(
        paid.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&paid.stderr)
    );
    assert!(
        stdout.contains("HTTP 200 OK") && stdout.contains("a paid answer"),
        "{stdout}"
    );
    assert!(
        stdout.contains("paid 2500 base units; receipt:"),
        "{stdout}"
    );

    // Fifty requests through a payment session: vouchers, then one close.
    let session_url = format!("http://{bind}/session");
    let mut metered: Vec<&str> = base.to_vec();
    metered[1] = session_url.as_str();
    metered.extend(["--requests", "51"]);
    let session = mpppal(&metered);
    let stdout = String::from_utf8_lossy(&session.stdout);
    assert!(
        session.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&session.stderr)
    );
    // The first request opens the session; the next fifty are metered.
    assert!(stdout.contains("paid 125000 base units"), "{stdout}");
    assert!(
        stdout.contains("session closed:") && stdout.contains("\"paid\":\"125000\""),
        "{stdout}"
    );

    // Over the agent's price limit: refused before paying, one line on stderr.
    let mut capped: Vec<&str> = base.to_vec();
    capped.extend(["--max-price", "100"]);
    let refused = mpppal(&capped);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("declined the charge: price 2500 is above the maximum 100"),
        "{stderr}"
    );

    // A plain keypair pays from its own token account (pull: the provider sponsors the fee).
    let plain = Keypair::new();
    let sig = rpc
        .request_airdrop(&plain.pubkey(), 100_000_000)
        .await
        .unwrap();
    rpc.confirm_transaction(&sig).await.unwrap();
    let _: serde_json::Value = rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([plain.pubkey().to_string(), 10_000]),
        )
        .await
        .unwrap();
    let plain_file = dir.path().join("plain.json");
    write_keypair_file(&plain, &plain_file).unwrap();
    let plain_path = plain_file.to_str().unwrap();
    let by_keypair = [
        "pay",
        url.as_str(),
        "--rpc",
        rpc_url.as_str(),
        "--keypair",
        plain_path,
    ];
    let paid = mpppal(&by_keypair);
    let stdout = String::from_utf8_lossy(&paid.stdout);
    assert!(
        paid.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&paid.stderr)
    );
    assert!(stdout.contains("paid 2500 base units"), "{stdout}");
    let left = rpc
        .get_token_account_balance(&address::token_account(&plain.pubkey(), &mint))
        .await
        .unwrap();
    assert_eq!(left.amount, "7500");

    // A provider that sponsors no fees and takes no receipts: the wallet sends the Policy
    // Program transfer itself, paying the fee from the key it is given, and presents the
    // signature (push).
    let push_bind = format!("127.0.0.1:{}", free_port());
    let (_pushed_to, line) = start(&[
        "provider",
        "--rpc",
        &rpc_url,
        "--bind",
        &push_bind,
        "--price",
        "2500",
        "--no-fee-payer",
        "--no-receipts",
    ]);
    assert!(line.contains("sample provider"), "{line}");
    let sig = rpc
        .request_airdrop(&agent.pubkey(), 100_000_000)
        .await
        .unwrap();
    rpc.confirm_transaction(&sig).await.unwrap();
    let push_url = format!("http://{push_bind}/charge");
    let mut push = base.to_vec();
    push[1] = push_url.as_str();
    push.extend(["--fee-payer", agent_path]);
    let paid = mpppal(&push);
    let stdout = String::from_utf8_lossy(&paid.stdout);
    assert!(
        paid.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&paid.stderr)
    );
    assert!(stdout.contains("paid 2500 base units"), "{stdout}");
    // Without a fee payer the wallet has no way to pay such a server, and says so.
    let mut stuck = base.to_vec();
    stuck[1] = push_url.as_str();
    let refused = mpppal(&stuck);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // Both kinds of payer at once is refused before anything is paid.
    let mut both = by_keypair.to_vec();
    both.extend(["--wallet", wallet_text.as_str()]);
    let refused = mpppal(&both);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_local_chain_keeps_serving_after_its_reader_goes_away() {
    let port = free_port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(["localnet", "--port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The pipe is closed now; the chain's later output must not take it down.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let _guard = Running(child, BufReader::new(empty_stdout()));
    let rpc = RpcClient::new(format!("http://127.0.0.1:{port}"));
    let version = rpc.get_version().await;
    assert!(version.is_ok(), "the chain still answers: {version:?}");
}

/// A stand-in reader for a child whose output was already closed.
fn empty_stdout() -> std::process::ChildStdout {
    Command::new("true")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
        .stdout
        .take()
        .unwrap()
}
