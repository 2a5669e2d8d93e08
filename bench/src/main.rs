//! MPPPal benchmarks. Each prints a ratio against a baseline measured in the same run, on the
//! same machine and build, so the numbers compare like with like:
//!
//! - `voucher`: verifying a session voucher as the paywall does (parse, rebuild the message,
//!   strict Ed25519) vs raw `ed25519-dalek` strict verification of the same message.
//! - `session`: paid session requests per second through the paywall vs the same route unpaid.
//! - `latency`: the paying client's median latency for a paid session request vs plain `reqwest`
//!   to the same server.
//!
//! `session` and `latency` run twice: against a paywall verifying vouchers before serving (the
//! default) and one serving before verifying (`VoucherCheck::AfterServing`, ADR 0019).
//!
//! - `ingest`: receipts stored per second by the API's batch ingestion vs a raw multi-row
//!   INSERT into the same table (needs PostgreSQL: `DATABASE_URL`, default the local server).
//! - `ingest-http`: the same through the whole `POST /v1/receipts` endpoint (signed requests,
//!   Ed25519 per receipt) vs the raw INSERT (needs PostgreSQL and Redis).
//! - `settle`: transfers and deferred receipts settled per minute by the API and the settlement
//!   worker on the embedded chain, with creation- (report-) to-settlement latency (p50, p99), vs
//!   the same payments sent directly to the same chain (needs PostgreSQL and Redis).
//!
//! Run: `cargo run -p mpppal-bench --release -- [voucher|session|latency|ingest|ingest-http|settle]`
//! (all by default).

mod ingest;
mod ingest_http;
mod settle;
mod setup;

use ed25519_dalek::{Signature, VerifyingKey};
use mpppal_solana::method::SignedVoucher;
use mpppal_solana::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::time::{Duration, Instant};

fn main() {
    let which: Vec<String> = std::env::args().skip(1).collect();
    let run = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if run("voucher") {
        voucher();
    }
    if run("ingest") {
        runtime.block_on(ingest::run());
    }
    if run("ingest-http") {
        runtime.block_on(ingest_http::run());
    }
    if run("settle") {
        runtime.block_on(settle::run());
    }
    if run("session") || run("latency") {
        runtime.block_on(async {
            let world = setup::World::start().await;
            for (api, mode) in [
                (&world.api, "verified before serving"),
                (&world.api_after, "verified after serving"),
            ] {
                if run("session") {
                    session(&world, api, mode).await;
                }
                if run("latency") {
                    latency(&world, api, mode).await;
                }
            }
        });
    }
}

/// Runs `f` repeatedly for about `budget` and returns operations per second.
fn per_second(budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..64 {
            f();
        }
        n += 64;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn voucher() {
    let agent = Keypair::new();
    let channel = Pubkey::new_unique();
    let voucher = SignedVoucher::sign(&agent, &channel, 123_456, 0);
    let signer = agent.pubkey();
    let message = mpppal_settlement_message(&channel);
    let key = VerifyingKey::from_bytes(&signer.to_bytes()).expect("key");
    let signature = Signature::from_bytes(&bs58_decode(&voucher.signature));
    let budget = Duration::from_secs(2);
    let raw = per_second(budget, || {
        key.verify_strict(&message, &signature).expect("valid")
    });
    let ours = per_second(budget, || {
        voucher.verify(&signer).expect("valid");
    });
    println!("voucher verification: {ours:.0}/s, raw ed25519-dalek {raw:.0}/s, ratio {:.2} (goal >= 0.70)", ours / raw);
}

fn mpppal_settlement_message(channel: &Pubkey) -> Vec<u8> {
    mpppal_solana::method::session::voucher_bytes(channel, 123_456, 0)
}

fn bs58_decode(text: &str) -> [u8; 64] {
    mpppal_solana::method::payload::signature_bytes("signature", text).expect("signature")
}

/// One unpaid request to /free through plain `reqwest`, body read.
async fn unpaid(plain: &reqwest::Client, free: &str) {
    plain
        .get(free)
        .send()
        .await
        .expect("free")
        .text()
        .await
        .expect("body");
}

/// One paid session request to /metered through the paying client, body read.
async fn paid(client: &mpppal_sdk::client::PayingClient, metered: &str) {
    let paid = client.get(metered).await.expect("paid");
    assert!(paid.paid > 0, "a metered request is paid");
    paid.response.text().await.expect("body");
}

/// Rounds of unpaid then paid requests, alternating so that both sides see the same machine
/// (a loopback benchmark on two shared cores drifts by tens of percent within a minute); the
/// ratio reported is the median of the rounds' ratios.
async fn session(world: &setup::World, api: &str, mode: &str) {
    const ROUNDS: usize = 7;
    const PER_ROUND: u32 = 400;
    let plain = reqwest::Client::new();
    let free = format!("{api}/free");
    let metered = format!("{api}/metered");
    let client = world.client();
    // Warm both paths (connection pools, session open) before timing.
    unpaid(&plain, &free).await;
    client.get(&metered).await.expect("open");
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..PER_ROUND {
            unpaid(&plain, &free).await;
        }
        let unpaid_rate = f64::from(PER_ROUND) / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for _ in 0..PER_ROUND {
            paid(&client, &metered).await;
        }
        let paid_rate = f64::from(PER_ROUND) / start.elapsed().as_secs_f64();
        rounds.push((paid_rate / unpaid_rate, paid_rate, unpaid_rate));
    }
    client.close_sessions().await.expect("close");
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, paid_rate, unpaid_rate) = rounds[ROUNDS / 2];
    let (low, high) = (rounds[0].0, rounds[ROUNDS - 1].0);
    println!("session throughput, vouchers {mode} (median of {ROUNDS} rounds): paid {paid_rate:.0} req/s, unpaid {unpaid_rate:.0} req/s, ratio {ratio:.2} (rounds {low:.2}..{high:.2}; goal >= 0.50)");
}

/// The paying client's median latency for a paid session request against two baselines on the
/// same server: plain `reqwest` sending the same kind of paid request with a voucher signed
/// beforehand (the goal's baseline: the same request and the same server work, without the
/// SDK), and plain `reqwest` on an unpaid route (what paying costs end to end, server included).
/// The three kinds alternate, each after a 1 ms pause, so that work a request leaves for after
/// its response (the next voucher being signed, a paywall verifying after serving) is done
/// before the next one starts instead of being charged to it.
async fn latency(world: &setup::World, api: &str, mode: &str) {
    let samples = 1_000;
    let plain = reqwest::Client::new();
    let free = format!("{api}/free");
    let metered = format!("{api}/metered");
    let (_opener, presigned) = world.presigned(&metered, samples as u64 + 1).await;
    let client = world.client();
    client.get(&metered).await.expect("open");
    unpaid(&plain, &free).await;
    let with_voucher = |authorization: &str| {
        let request = plain
            .get(&metered)
            .header(reqwest::header::AUTHORIZATION, authorization);
        async move {
            let response = request.send().await.expect("paid");
            assert!(response.status().is_success(), "a pre-signed voucher pays");
            response.text().await.expect("body");
        }
    };
    with_voucher(&presigned[0]).await;
    let (mut free_times, mut presigned_times, mut sdk_times) = (vec![], vec![], vec![]);
    let pause = Duration::from_millis(1);
    for authorization in &presigned[1..] {
        tokio::time::sleep(pause).await;
        let t = Instant::now();
        unpaid(&plain, &free).await;
        free_times.push(t.elapsed());
        tokio::time::sleep(pause).await;
        let t = Instant::now();
        with_voucher(authorization).await;
        presigned_times.push(t.elapsed());
        tokio::time::sleep(pause).await;
        let t = Instant::now();
        paid(&client, &metered).await;
        sdk_times.push(t.elapsed());
    }
    client.close_sessions().await.expect("close");
    let p50 = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e6
    };
    let (free, presigned, sdk) = (
        p50(&mut free_times),
        p50(&mut presigned_times),
        p50(&mut sdk_times),
    );
    println!(
        "paid-request latency, vouchers {mode} (p50): SDK {sdk:.0} us, plain reqwest with a pre-signed voucher {presigned:.0} us, ratio {:.2} (goal <= 1.30); plain reqwest unpaid {free:.0} us, ratio {:.2}",
        sdk / presigned,
        sdk / free
    );
}
