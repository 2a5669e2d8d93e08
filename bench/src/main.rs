//! MPPPal benchmarks. Each prints a ratio against a baseline measured in the same run, on the
//! same machine and build, so the numbers compare like with like:
//!
//! - `voucher`: verifying a session voucher as the paywall does (parse, rebuild the message,
//!   strict Ed25519) vs raw `ed25519-dalek` strict verification of the same message.
//! - `session`: paid session requests per second through the paywall vs the same route unpaid.
//! - `latency`: the paying client's median latency for a paid session request vs plain `reqwest`
//!   to the same server.
//!
//! Run: `cargo run -p mpppal-bench --release -- [voucher|session|latency]` (all by default).

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
    if run("session") || run("latency") {
        runtime.block_on(async {
            let world = setup::World::start().await;
            if run("session") {
                session(&world).await;
            }
            if run("latency") {
                latency(&world).await;
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

async fn session(world: &setup::World) {
    let requests = 2_000;
    let plain = reqwest::Client::new();
    let free = format!("{}/free", world.api);
    // Warm both paths (connection pool, session open) before timing.
    plain
        .get(&free)
        .send()
        .await
        .expect("free")
        .text()
        .await
        .expect("body");
    let client = world.client();
    client
        .get(&format!("{}/metered", world.api))
        .await
        .expect("open");

    let start = Instant::now();
    for _ in 0..requests {
        plain
            .get(&free)
            .send()
            .await
            .expect("free")
            .text()
            .await
            .expect("body");
    }
    let unpaid = requests as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    for _ in 0..requests {
        let paid = client
            .get(&format!("{}/metered", world.api))
            .await
            .expect("paid");
        paid.response.text().await.expect("body");
    }
    let paid = requests as f64 / start.elapsed().as_secs_f64();
    client.close_sessions().await.expect("close");
    println!("session throughput: paid {paid:.0} req/s, unpaid {unpaid:.0} req/s, ratio {:.2} (goal >= 0.50)", paid / unpaid);
}

async fn latency(world: &setup::World) {
    let samples = 1_000;
    let plain = reqwest::Client::new();
    let free = format!("{}/free", world.api);
    let client = world.client();
    client
        .get(&format!("{}/metered", world.api))
        .await
        .expect("open");
    plain.get(&free).send().await.expect("free");
    let mut base = Vec::with_capacity(samples);
    let mut ours = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        plain
            .get(&free)
            .send()
            .await
            .expect("free")
            .text()
            .await
            .expect("body");
        base.push(t.elapsed());
        let t = Instant::now();
        let paid = client
            .get(&format!("{}/metered", world.api))
            .await
            .expect("paid");
        paid.response.text().await.expect("body");
        ours.push(t.elapsed());
    }
    client.close_sessions().await.expect("close");
    base.sort();
    ours.sort();
    let (b, o) = (base[samples / 2], ours[samples / 2]);
    println!(
        "paid-request latency (p50): SDK {:.0} us, plain reqwest {:.0} us, ratio {:.2} (goal <= 1.30)",
        o.as_secs_f64() * 1e6,
        b.as_secs_f64() * 1e6,
        o.as_secs_f64() / b.as_secs_f64()
    );
}
