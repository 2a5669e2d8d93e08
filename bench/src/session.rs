//! Paid session requests through the paywall: throughput against the same route unpaid, and the
//! paying client's latency against plain `reqwest`, each against two paywalls (verifying vouchers
//! before serving, the default, and serving before verifying, ADR 0019) and in three layouts.

use std::time::{Duration, Instant};

use crate::setup;

/// Where the client and the server run. Both layouts keep them in one process, on loopback.
#[derive(Clone, Copy)]
enum Layout {
    /// The servers (chain, paywalls) on one two-thread runtime; the client on the main thread,
    /// its connections' tasks on the servers' runtime: three busy threads on two cores.
    Shared,
    /// The servers on a one-thread runtime, the client on a one-thread runtime of its own: one
    /// thread per core, as a client and a provider on separate machines would each have theirs.
    Apart,
    /// As `Shared`, but the client runs in a task on the runtime's workers, as paying code in a
    /// spawned task or a request handler would.
    Spawned,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Self::Shared => "shared runtime",
            Self::Apart => "client and server apart",
            Self::Spawned => "client in a spawned task",
        }
    }
}

/// Runs the session benchmarks chosen, in each layout.
pub fn run(session: bool, latency: bool) {
    for layout in [Layout::Shared, Layout::Apart, Layout::Spawned] {
        let servers = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(match layout {
                Layout::Shared | Layout::Spawned => 2,
                Layout::Apart => 1,
            })
            .enable_all()
            .build()
            .expect("server runtime");
        let world = std::sync::Arc::new(servers.block_on(setup::World::start()));
        let measure = |world: std::sync::Arc<setup::World>| async move {
            for (api, mode) in [
                (&world.api, "verified before serving"),
                (&world.api_after, "verified after serving"),
            ] {
                let mode = format!("{mode}, {}", layout.name());
                if session {
                    throughput(&world, api, &mode).await;
                }
                if latency {
                    self::latency(&world, api, &mode).await;
                }
            }
        };
        match layout {
            Layout::Shared => servers.block_on(measure(world)),
            Layout::Apart => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("client runtime")
                .block_on(measure(world)),
            Layout::Spawned => servers
                .block_on(servers.spawn(measure(world)))
                .expect("client task"),
        }
    }
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
async fn throughput(world: &setup::World, api: &str, mode: &str) {
    const ROUNDS: usize = 31;
    const PER_ROUND: u32 = 100;
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
/// before the next one starts instead of being charged to it; the two paid kinds swap places
/// every round.
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
    for (i, authorization) in presigned[1..].iter().enumerate() {
        tokio::time::sleep(pause).await;
        let t = Instant::now();
        unpaid(&plain, &free).await;
        free_times.push(t.elapsed());
        // The two paid kinds take turns at going first: with a paywall serving before
        // verifying, the paid request right after the unpaid one was measured 20-50 us slower
        // than the one after it, whichever kind it was.
        for sdk in [i % 2 == 1, i % 2 == 0] {
            tokio::time::sleep(pause).await;
            let t = Instant::now();
            if sdk {
                paid(&client, &metered).await;
                sdk_times.push(t.elapsed());
            } else {
                with_voucher(authorization).await;
                presigned_times.push(t.elapsed());
            }
        }
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
